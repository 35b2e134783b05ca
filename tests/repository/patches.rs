//! Request bodies: the creation input and the patch type deserialize strictly (unknown fields
//! refused, schema defaults filled in), and a patch applies as JSON Merge Patch through the
//! update builder's setters and rules.

use super::*;
use ddbgen_runtime::Patch;
use ddbgen_tests::library::book::{BookPatch, NewBook};
use ddbgen_tests::library::customer::NewCustomer;

#[test]
fn a_creation_body_gets_schema_defaults_and_refuses_unknown_and_missing_fields() {
    let body = r#"{"publisher": "Ace", "published_year": 1965, "isbn": "0441013597", "title": "Dune",
        "authors": [{"name": "Frank Herbert"}]}"#;
    let new: NewBook = serde_json::from_str(body).expect("a body without defaulted fields");
    assert_eq!(
        (new.status, new.copies_sold, new.subtitle),
        (BookStatus::Draft, 0, None)
    );
    let customer: NewCustomer =
        serde_json::from_str(r#"{"email": "a@b.c", "name": "Ann", "member_since": "2020-01-02"}"#).expect("customer");
    assert_eq!(
        customer.balance.to_string(),
        "0.00",
        "the schema's own default, not Decimal's"
    );

    let unknown = body.replacen('{', r#"{"version": 7, "#, 1);
    let error = serde_json::from_str::<NewBook>(&unknown).expect_err("a managed column is not input");
    assert!(error.to_string().contains("unknown field `version`"), "{error}");
    let missing = body.replace(r#""title": "Dune","#, "");
    let error = serde_json::from_str::<NewBook>(&missing).expect_err("title is required");
    assert!(error.to_string().contains("missing field `title`"), "{error}");
}

#[test]
fn a_patch_reads_left_out_null_and_values_and_writes_them_back_alike() {
    let body = r#"{"title":"Dune Messiah","subtitle":null,"price":"9.99"}"#;
    let patch: BookPatch = serde_json::from_str(body).expect("patch");
    assert_eq!(patch.title, Patch::Set("Dune Messiah".to_owned()));
    assert_eq!(patch.subtitle, Patch::Remove);
    assert_eq!(patch.tags, Patch::Keep);
    assert_eq!(serde_json::to_string(&patch).expect("serialize"), body);
    for field in ["publisher", "isbn", "version", "created", "colour"] {
        let error = serde_json::from_str::<BookPatch>(&format!(r#"{{"{field}": "x"}}"#)).expect_err(field);
        assert!(
            error.to_string().contains(&format!("unknown field `{field}`")),
            "{error}"
        );
    }
}

#[tokio::test]
async fn a_patch_sets_removes_and_keeps_fields_through_the_setters_rules() {
    let env = Env::new();
    let books = books(&env).await;
    let mut new = new_book("Ace", 1965, "0441013597");
    new.subtitle = Some("Book One".into());
    new.price = Some("7.50".parse().expect("decimal"));
    new.tags = Some(BTreeSet::from(["sf".to_owned()]));
    let book = books.create(new).await.expect("create");

    let patch: BookPatch =
        serde_json::from_str(r#"{"title": "Dune", "subtitle": null, "copies_sold": 5, "status": "published"}"#)
            .expect("patch");
    let patched = books.update(&book.key()).apply(patch).send().await.expect("apply");
    assert_eq!(patched.title, "Dune");
    assert_eq!(patched.subtitle, None, "null removed it");
    assert_eq!((patched.copies_sold, patched.status), (5, BookStatus::Published));
    assert_eq!(patched.price, book.price, "left out: kept");
    assert_eq!(patched.tags, book.tags);
    assert_eq!(patched.version, book.version + 1);

    // `null` for a required field and a value against a rule are both refused, together,
    // before anything is sent.
    let patch: BookPatch = serde_json::from_str(r#"{"title": null, "price": "-1"}"#).expect("patch");
    match books
        .update(&book.key())
        .apply(patch)
        .send()
        .await
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::Validation(errors)) => assert_eq!(
            errors.to_string(),
            "title: is required: it cannot be removed (null); price: -1 is below min 0"
        ),
        other => panic!("expected a validation error, got {other:?}"),
    }
    let stored = books.get(&book.key()).await.expect("get").expect("stored");
    assert_eq!(stored, patched, "the refused patch wrote nothing");
}
