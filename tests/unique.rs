//! Unique values (`tests/fixtures/good/unique.yaml`) on a real server: a clash is
//! `UniqueViolation` naming the field and the holder, and nothing is written; changing,
//! removing and deleting a value frees it atomically; absent values are exempt; scans and
//! streams never show the sentinel items; concurrent creates of one value leave one winner.
//! The transactional writes need transactions, which dynalite lacks: there the tests say so
//! and return.

use ddbgen_runtime::{AttributeValue, Error, ErrorKind, QueryBuilder};
use ddbgen_tests::unique::member::{MemberFields, MemberKey, MemberRepository, NewMember};
use ddbgen_tests::unique::ticket::{NewTicket, TicketRepository};

mod support;

use support::{Env, transactions_supported};

async fn members(env: &Env) -> MemberRepository {
    let repo = MemberRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_clock(env.clock.clone());
    repo.create_table().await.expect("create members");
    repo
}

fn member(email: &str, handle: Option<&str>) -> NewMember {
    NewMember {
        email: email.into(),
        handle: handle.map(Into::into),
        badge: None,
        name: "Ann".into(),
    }
}

/// The kind of a failed write, and the holder of the value for a `UniqueViolation`.
fn unique_violation(error: Error) -> (String, Option<ddbgen_runtime::AttributeMap>) {
    match error.into_kind() {
        ErrorKind::UniqueViolation { field, holder, .. } => (field, holder),
        other => panic!("expected UniqueViolation, got {other:?}"),
    }
}

#[tokio::test]
async fn a_taken_value_is_refused_naming_the_field_and_holder_and_nothing_is_written() {
    let env = Env::new();
    if !transactions_supported(
        &env,
        "a_taken_value_is_refused_naming_the_field_and_holder_and_nothing_is_written",
    ) {
        return;
    }
    let members = members(&env).await;
    let ann = members
        .create(member("ann@example.com", Some("ann")))
        .await
        .expect("create ann");
    let clash = members
        .create(member("ann@example.com", Some("other")))
        .await
        .expect_err("email taken");
    let (field, holder) = unique_violation(clash);
    assert_eq!(field, "email");
    assert_eq!(holder, Some(ann.key().to_key()), "the sentinel names the holder's key");
    let clash = members
        .create(member("bob@example.com", Some("ann")))
        .await
        .expect_err("handle taken");
    assert_eq!(unique_violation(clash).0, "handle");
    // Nothing of the refused creates was written: no item, and `other` and bob's email are free.
    assert_eq!(members.scan().count().await.expect("count"), 1);
    members
        .create(member("bob@example.com", Some("other")))
        .await
        .expect("both values were free");
    // Absent optional values are exempt: two members without a handle or badge.
    members.create(member("cy@example.com", None)).await.expect("no handle");
    members
        .create(member("di@example.com", None))
        .await
        .expect("no handle either");
    // Scans leave the sentinels out (4 members, 6 sentinels stored): every item decodes.
    let all = members.scan().all().await.expect("scan decodes members only");
    assert_eq!(all.len(), 4);
    assert_eq!(members.scan().count().await.expect("count"), 4);
    let raw = env
        .client
        .scan()
        .table_name(format!("{}members", env.prefix))
        .send()
        .await
        .expect("raw scan");
    assert_eq!(raw.count(), 4 + 6, "each email and handle held has its sentinel");
    assert!(raw.items().iter().filter(|i| ddbgen_runtime::is_sentinel(i)).all(|i| {
        matches!(i.get("id"), Some(AttributeValue::S(id)) if id.starts_with(ddbgen_runtime::SENTINEL_PREFIX))
    }));
}

#[tokio::test]
async fn changing_removing_and_deleting_a_value_frees_it_atomically() {
    let env = Env::new();
    if !transactions_supported(&env, "changing_removing_and_deleting_a_value_frees_it_atomically") {
        return;
    }
    let members = members(&env).await;
    let ann = members
        .create(member("ann@example.com", Some("ann")))
        .await
        .expect("create");

    // update: the email moves; the old one is free, the new one taken.
    let moved = members
        .update(&ann.key())
        .set_email("ann@new.example")
        .set_badge(7)
        .send()
        .await
        .expect("update");
    assert_eq!(
        (moved.email.as_str(), moved.badge, moved.version),
        ("ann@new.example", Some(7), 2)
    );
    members
        .create(member("ann@example.com", None))
        .await
        .expect("the old email is free");
    let clash = members
        .create(member("ann@new.example", None))
        .await
        .expect_err("the new one is taken");
    assert_eq!(unique_violation(clash).0, "email");

    // An update to a taken value is refused, and changes nothing.
    let bob = members
        .create(member("bob@example.com", Some("bob")))
        .await
        .expect("bob");
    let refused = members
        .update(&bob.key())
        .set_handle("ann")
        .set_name("Bob B")
        .send()
        .await;
    assert_eq!(unique_violation(refused.expect_err("handle taken")).0, "handle");
    let stored = members.get(&bob.key()).await.expect("get").expect("bob");
    assert_eq!((stored.name.as_str(), stored.version), ("Ann", 1));

    // remove: an optional value removed frees it.
    members
        .update(&ann.key())
        .remove_handle()
        .send()
        .await
        .expect("remove handle");
    members
        .update(&bob.key())
        .set_handle("ann")
        .send()
        .await
        .expect("ann's old handle is free");

    // replace: a changed value moves, at the item's version.
    let mut current = members.get(&ann.key()).await.expect("get").expect("ann");
    current.badge = Some(8);
    let replaced = members.replace(&current).await.expect("replace");
    assert_eq!(replaced.badge, Some(8));
    let mut carol = member("carol@example.com", None);
    carol.badge = Some(7);
    members.create(carol).await.expect("badge 7 was freed by the replace");

    // delete: every value of the item is freed.
    let deleted = members.delete(&ann.key()).await.expect("delete").expect("ann existed");
    assert_eq!(deleted.email, "ann@new.example");
    let mut again = member("ann@new.example", None);
    again.badge = Some(8);
    members.create(again).await.expect("email and badge are free again");
    // Updates that touch no unique value are plain updates.
    members
        .update(&bob.key())
        .set_name("Robert")
        .send()
        .await
        .expect("rename");
    // An update setting a unique value cannot join a transaction: its sentinel needs a read.
    let mut tx = members.transaction();
    let refused = members.update(&bob.key()).set_email("x@example.com").transact(&mut tx);
    match refused.map_err(Error::into_kind) {
        Err(ErrorKind::Validation(errors)) => assert_eq!(errors.errors()[0].path, "email"),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn concurrent_creates_of_one_value_leave_exactly_one_holder() {
    let env = Env::new();
    if !transactions_supported(&env, "concurrent_creates_of_one_value_leave_exactly_one_holder") {
        return;
    }
    let members = members(&env).await;
    let attempts: Vec<_> = (0..8)
        .map(|i| {
            let members = members.clone();
            tokio::spawn(async move { members.create(member("same@example.com", Some(&format!("h{i}")))).await })
        })
        .collect();
    let mut won = 0;
    for attempt in attempts {
        match attempt.await.expect("task").map_err(Error::into_kind) {
            Ok(_) => won += 1,
            Err(ErrorKind::UniqueViolation { field, .. }) => assert_eq!(field, "email"),
            // Transactions on one sentinel that overlap are refused by DynamoDB as a conflict.
            Err(ErrorKind::TransactionConflict { .. }) => {}
            Err(other) => panic!("unexpected: {other:?}"),
        }
    }
    assert_eq!(won, 1, "one create wins the value");
    let holders = members
        .scan()
        .filter(MemberFields::email().eq("same@example.com"))
        .all()
        .await
        .expect("scan");
    assert_eq!(holders.len(), 1);
}

#[tokio::test]
async fn transact_create_takes_its_values_and_a_composite_key_table_holds_sentinels() {
    let env = Env::new();
    if !transactions_supported(
        &env,
        "transact_create_takes_its_values_and_a_composite_key_table_holds_sentinels",
    ) {
        return;
    }
    let members = members(&env).await;
    let tickets = TicketRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_clock(env.clock.clone());
    tickets.create_table().await.expect("create tickets");
    let code = ddbgen_runtime::codegen::Uuid::new_v4();
    let ticket = |seat: u16| NewTicket {
        event: "concert".into(),
        day: ddbgen_runtime::codegen::NaiveDate::from_ymd_opt(2026, 12, 24).expect("date"),
        seat,
        code,
    };
    // One transaction: a member and a ticket, each with its sentinels.
    let mut tx = members.transaction();
    members
        .transact_create(&mut tx, member("tx@example.com", Some("tx")))
        .expect("member");
    tickets.transact_create(&mut tx, ticket(1)).expect("ticket");
    tx.send().await.expect("transaction");
    // The same code in another seat clashes, in a transaction or alone.
    let mut tx = members.transaction();
    members
        .transact_create(&mut tx, member("tx2@example.com", None))
        .expect("member");
    tickets.transact_create(&mut tx, ticket(2)).expect("ticket");
    match tx.send().await.map_err(Error::into_kind) {
        Err(ErrorKind::TransactionCanceled { failures }) => {
            assert_eq!(failures.len(), 1, "{failures:?}");
            assert!(matches!(failures[0].error.kind(), ErrorKind::UniqueViolation { field, .. } if field == "code"));
        }
        other => panic!("expected a cancelled transaction, got {other:?}"),
    }
    assert_eq!(
        unique_violation(tickets.create(ticket(3)).await.expect_err("code taken")).0,
        "code"
    );
    assert!(
        members
            .get(&MemberKey {
                id: ddbgen_runtime::codegen::Uuid::nil()
            })
            .await
            .expect("get")
            .is_none(),
        "a key that is no member reads as none"
    );
    assert_eq!(
        members.scan().count().await.expect("count"),
        1,
        "the cancelled member was not written"
    );
    let tickets_stored = tickets.query("concert").all().await.expect("query");
    assert_eq!(tickets_stored.len(), 1);
    assert_eq!(tickets.scan().count().await.expect("count"), 1);
}
