use std::collections::{BTreeMap, BTreeSet};

use ddbgen_runtime::codegen::{Bytes, DateTime};
use ddbgen_tests::entity_types::entry::{EntryRepository, NewEntry};
use ddbgen_tests::entity_types::ledger::{AccountHistory, LedgerRepository};
use ddbgen_tests::entity_types::snapshot::{NewSnapshot, SnapshotRepository};
use ddbgen_tests::entity_types::types::{Kind, Line};

use super::support::Env;
use super::*;

fn entry(account: Uuid, seq: u64, signed: i16, kind: Kind) -> NewEntry {
    NewEntry {
        account,
        at: DateTime::from_timestamp(1_700_000_000 + seq as i64, 123_456_789).expect("time"),
        seq,
        kind,
        flag: seq.is_multiple_of(2),
        day: NaiveDate::from_ymd_opt(2024, 5, 1 + seq as u32).expect("date"),
        signed,
        id: format!("id-{seq}"),
        amount: Decimal::new(-12_345, 2),
        memo: None,
        labels: Some(BTreeSet::from(["a".to_owned(), "b".to_owned()])),
        extra: Some(BTreeMap::from([("k".to_owned(), 7)])),
        lines: Some(vec![Line {
            note: "n".into(),
            inner: Some(vec![Line {
                note: "deep".into(),
                inner: None,
            }]),
        }]),
        epoch: DateTime::from_timestamp_millis(1_700_000_000_123),
        blob: Some(Bytes::from(vec![0, 1, 255])),
        ratio: Some(0.25),
        state: Kind::ReFund,
    }
}

#[tokio::test]
async fn every_key_type_round_trips_and_narrows() {
    let env = Env::new();
    let table = LedgerRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    env.table_created(table.create_table().await);
    let entries = EntryRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_clock(env.clock.clone());
    let snapshots = SnapshotRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    let account = Uuid::new_v4();
    let mut created = Vec::new();
    for (seq, signed, kind) in [(1, -300, Kind::Credit), (2, -2, Kind::Credit), (3, 40, Kind::Debit)] {
        created.push(entries.create(entry(account, seq, signed, kind)).await.expect("entry"));
    }
    snapshots
        .create(NewSnapshot {
            account,
            taken_on: NaiveDate::from_ymd_opt(2024, 6, 1).expect("date"),
            balance: Decimal::new(100, 0),
        })
        .await
        .expect("snapshot");
    // Every field reads back as written, under the audit columns' own names.
    let first = &created[0];
    assert_eq!(entries.get(&first.key()).await.expect("get").as_ref(), Some(first));
    assert_eq!(first.opened_at, first.touched_at);

    // The datetime part narrows exactly, to the nanosecond, then the u64 part.
    let one = entries.query(account).at(first.at).seq(1).all().await.expect("by key");
    assert_eq!(one, vec![first.clone()]);
    let later = entries.query(account).at_gt(first.at).all().await.expect("gt");
    assert_eq!(later, created[1..]);
    // On the index: an enum and a bool build the partition; a date, then a signed integer
    // (negative values sort first), narrow it.
    let credits = entries.query_by_amount(Kind::Credit, false).all().await.expect("index");
    assert_eq!(credits, vec![first.clone()]);
    let even = entries
        .query_by_amount(Kind::Credit, true)
        .day(created[1].day)
        .signed(-2)
        .all()
        .await
        .expect("narrowed");
    assert_eq!(even, vec![created[1].clone()]);
    // The collection reads the account's entries and its snapshot, in key order.
    let history = table.account_history(account).all().await.expect("collection");
    assert_eq!(history.len(), 4);
    assert!(matches!(history[0], AccountHistory::Entry(_)), "AT# sorts before SNAP#");
    assert!(matches!(history[3], AccountHistory::Snapshot(_)));

    // Updates: null an optional, add to a set and a float, keep the key.
    let updated = entries
        .update(&first.key())
        .set_memo("memo")
        .add_to_labels(BTreeSet::from(["c".to_owned()]))
        .add_ratio(0.5)
        .send()
        .await
        .expect("update");
    assert_eq!(updated.memo.as_deref(), Some("memo"));
    assert_eq!(updated.labels.as_ref().map(BTreeSet::len), Some(3));
    assert_eq!(updated.ratio, Some(0.75));
    assert_eq!(updated.key(), first.key());
    let cleared = entries.update(&first.key()).remove_memo().send().await.expect("remove");
    assert_eq!(cleared.memo, None);
}
