use ddbgen_tests::entity_shapes::flag::{FlagKey, FlagRepository, NewFlag};
use ddbgen_tests::entity_shapes::flags::FlagsRepository;
use ddbgen_tests::entity_shapes::only::{NewOnly, OnlyRepository};
use ddbgen_tests::entity_shapes::quota::{NewQuota, QuotaRepository};
use ddbgen_tests::entity_shapes::solo::{ByLsi, SoloRepository};

use super::support::Env;
use super::*;

fn date(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, d).expect("date")
}

#[tokio::test]
async fn a_hash_only_table_and_a_local_index_collection() {
    let env = Env::new();
    let flags_table = FlagsRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    env.table_created(flags_table.create_table().await);
    let flags = FlagRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    let quotas = QuotaRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    let beta = flags
        .create(NewFlag {
            name: "beta".into(),
            on: true,
        })
        .await
        .expect("flag");
    let key = FlagKey { name: "beta".into() };
    assert_eq!(flags.get(&key).await.expect("get"), Some(beta.clone()));
    assert_eq!(flags.query("beta").all().await.expect("query"), vec![beta]);
    let quota = quotas
        .create(NewQuota {
            tenant: "acme".into(),
            resource: 7,
            limit: 10,
        })
        .await
        .expect("quota");
    let raised = quotas.update(&quota.key()).add_limit(5).send().await.expect("add");
    assert_eq!((raised.limit, raised.v), (15, quota.v + 1));
    // Each entity's scan and the table's see their own items.
    assert_eq!(flags.scan().count().await.expect("count"), 1);
    assert_eq!(flags_table.scan().all().await.expect("scan").len(), 2);

    let solo = SoloRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    env.table_created(solo.create_table().await);
    let only = OnlyRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    let first = only
        .create(NewOnly {
            a: "x".into(),
            b: 1,
            c: date(3),
        })
        .await
        .expect("only");
    let second = only
        .create(NewOnly {
            a: "x".into(),
            b: 2,
            c: date(1),
        })
        .await
        .expect("only");
    let early = only.query_lsi("x").c_lt(date(2)).all().await.expect("lsi");
    assert_eq!(early, vec![second.clone()]);
    // Setting `c` re-encodes the local index's template: the item moves in the index.
    let moved = only.update(&second.key()).set_c(date(5)).send().await.expect("set");
    let by_lsi = solo.by_lsi("x").all().await.expect("collection");
    assert_eq!(by_lsi, vec![ByLsi::Only(first), ByLsi::Only(moved)]);
}
