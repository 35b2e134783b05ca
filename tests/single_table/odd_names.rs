use ddbgen_runtime::codegen::KeyPart;
use ddbgen_tests::entity_names::crates::{CratesRepository, Match as MatchCollection};
use ddbgen_tests::entity_names::r#match::{MatchRepository, NewMatch};
use ddbgen_tests::entity_names::superb::{NewSuperb, SuperbRepository};
use ddbgen_tests::entity_names::types::Super;

use super::support::Env;
use super::*;

#[tokio::test]
async fn keyword_names_round_trip_and_query() {
    let env = Env::new();
    let table = CratesRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    env.table_created(table.create_table().await);
    let name = table.table().name().to_owned();
    let matches = MatchRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    let nested = Super {
        next: Some(Box::new(Super { next: None })),
    };
    let created = matches
        .create(NewMatch {
            r#fn: "f".into(),
            r#loop: -3,
            selfish: true,
            r#type: "t".into(),
            type2: Some(nested),
        })
        .await
        .expect("create");
    assert_eq!(matches.get(&created.key()).await.expect("get"), Some(created.clone()));
    // The discriminator is `type`; the field `type` is stored as `kind`.
    let mut loop_part = String::new();
    (-3i64).write_key_part(&mut loop_part);
    let sort_key = format!("S#{loop_part}#1");
    let stored = raw_at(&env, &name, [("Pk", "M#f"), ("sk", &sort_key)]).await;
    assert_eq!(stored["type"], s("Match"));
    assert_eq!(stored["kind"], s("t"));
    assert_eq!(stored["gsi_1_pk"], s("t"));
    let by_key = matches.query("f").r#loop(-3).selfish(true).all().await.expect("query");
    assert_eq!(by_key, vec![created.clone()]);
    let by_index = matches.query_gsi_1("t").all().await.expect("index");
    assert_eq!(by_index, vec![created.clone()]);
    let collection = table.r#match("f").all().await.expect("collection");
    assert_eq!(collection, vec![MatchCollection::Match(created)]);

    // `crate_` stored as `crate`, read by the access pattern `use` (`crate_ < n`).
    let superbs = SuperbRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    for crate_ in [1, 2, 3] {
        superbs.create(NewSuperb { crate_ }).await.expect("superb");
    }
    let below = superbs.r#use(3).all().await.expect("use");
    assert_eq!(below.iter().map(|s| s.crate_).collect::<Vec<_>>(), vec![1, 2]);
}
