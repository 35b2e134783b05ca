//! Multi-attribute global index keys (`tests/fixtures/good/multi_attribute_keys.yaml`) against
//! a real DynamoDB-compatible server: the indexes are created with several HASH and RANGE
//! elements, items are found by every partition attribute and narrowed sort attribute by sort
//! attribute, each compared in its own type (numbers as numbers), an item missing an attribute
//! is left out of the index, and cursors resume exactly.
//!
//! dynalite predates multi-attribute keys: with `DDBGEN_TEST_NO_MULTI_ATTRIBUTE_KEYS` set (as
//! `.ci/run` sets it for dynalite) each test says it is skipped.

use std::collections::HashSet;

use ddbgen_runtime::QueryBuilder;
use ddbgen_runtime::admin::describe;
use ddbgen_runtime::codegen::{Bytes, DateTime, Decimal, NaiveDate, Utc};
use ddbgen_tests::multi_attribute_keys::order::{NewOrder, Order, OrderRepository};
use ddbgen_tests::multi_attribute_keys::types::{Region, Status};

mod support;

use support::{Env, time};

fn supported(env: &Env, test: &str) -> bool {
    if env.external() && std::env::var("DDBGEN_TEST_NO_MULTI_ATTRIBUTE_KEYS").is_ok() {
        println!(
            "SKIPPED {test}: the server under test has no multi-attribute keys (DDBGEN_TEST_NO_MULTI_ATTRIBUTE_KEYS)"
        );
        return false;
    }
    true
}

async fn orders(env: &Env) -> OrderRepository {
    let repo = OrderRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_clock(env.clock.clone());
    env.table_created(repo.create_table().await);
    repo
}

fn at(minute: i64) -> DateTime<Utc> {
    time(1_700_000_000 + 60 * minute)
}

fn new_order(tenant: &str, region: Region, status: Status, minute: i64, total: &str, priority: u8) -> NewOrder {
    NewOrder {
        tenant: tenant.into(),
        region,
        status,
        placed_at: at(minute),
        total: total.parse().expect("decimal"),
        priority,
        courier: None,
        shipped: None,
        ref_code: None,
    }
}

fn minutes(orders: &[Order]) -> Vec<i64> {
    orders
        .iter()
        .map(|o| (o.placed_at.timestamp() - 1_700_000_000) / 60)
        .collect()
}

#[tokio::test]
async fn create_table_declares_every_attribute_of_each_index_key() {
    let env = Env::new();
    if !supported(&env, "create_table_declares_every_attribute_of_each_index_key") {
        return;
    }
    let orders = orders(&env).await;
    let live = describe(&env.client, orders.table().name())
        .await
        .expect("describe")
        .expect("the table exists");
    let shape = |name: &str| {
        let index = live.global.iter().find(|i| i.name == name).expect(name);
        let names = |keys: &[ddbgen_runtime::admin::KeyLayout]| keys.iter().map(|k| k.name.clone()).collect::<Vec<_>>();
        (names(&index.hash), names(&index.range))
    };
    assert_eq!(
        shape("by_region"),
        (
            vec!["tenant".into(), "region".into()],
            vec!["status".into(), "placed_at".into()]
        )
    );
    assert_eq!(
        shape("by_priority"),
        (
            vec!["tenant".into()],
            vec!["priority".into(), "total".into(), "placed_at".into(), "status".into()]
        )
    );
    assert_eq!(shape("by_courier"), (vec!["courier".into(), "shipped".into()], vec![]));
    let (hash, range) = shape("widest");
    assert_eq!((hash.len(), range.len()), (4, 4), "DynamoDB's limit, 4 + 4");
    // Each attribute keeps its own type: numbers are N, bytes B.
    let types: Vec<(String, ddbgen_runtime::AttributeType)> = live
        .global
        .iter()
        .flat_map(|i| i.hash.iter().chain(&i.range))
        .map(|k| (k.name.clone(), k.attribute_type))
        .collect();
    for (name, expected) in [
        ("priority", ddbgen_runtime::AttributeType::N),
        ("total", ddbgen_runtime::AttributeType::N),
        ("ref_code", ddbgen_runtime::AttributeType::B),
        ("placed_at", ddbgen_runtime::AttributeType::S),
    ] {
        assert!(
            types.iter().all(|(n, t)| n != name || *t == expected),
            "{name}: {types:?}"
        );
    }
}

#[tokio::test]
async fn queries_take_every_partition_attribute_and_narrow_sort_attributes_in_order() {
    let env = Env::new();
    if !supported(
        &env,
        "queries_take_every_partition_attribute_and_narrow_sort_attributes_in_order",
    ) {
        return;
    }
    let orders = orders(&env).await;
    for order in [
        new_order("acme", Region::Eu, Status::Open, 3, "10", 1),
        new_order("acme", Region::Eu, Status::Open, 1, "9.5", 1),
        new_order("acme", Region::Eu, Status::Shipped, 2, "100", 2),
        new_order("acme", Region::Eu, Status::Cancelled, 4, "1", 3),
        new_order("acme", Region::Us, Status::Open, 5, "7", 1),
        new_order("other", Region::Eu, Status::Open, 6, "7", 1),
    ] {
        orders.create(order).await.expect("create");
    }

    // Both partition attributes are required; the sort attributes come back in order.
    let eu = orders.query_by_region("acme", Region::Eu).all().await.expect("query");
    assert_eq!(
        minutes(&eu),
        vec![4, 1, 3, 2],
        "status (cancelled < open < shipped), then time"
    );
    let open = orders
        .query_by_region("acme", Region::Eu)
        .status(Status::Open)
        .all()
        .await
        .expect("query");
    assert_eq!(minutes(&open), vec![1, 3]);
    let since = orders
        .query_by_region("acme", Region::Eu)
        .status(Status::Open)
        .placed_at_ge(at(2))
        .all()
        .await
        .expect("query");
    assert_eq!(minutes(&since), vec![3]);
    let exact = orders
        .query_by_region("acme", Region::Eu)
        .status(Status::Shipped)
        .placed_at(at(2))
        .all()
        .await
        .expect("query");
    assert_eq!(minutes(&exact), vec![2]);
    // A range on the first sort attribute, the rest unconstrained.
    let not_cancelled = orders
        .query_by_region("acme", Region::Eu)
        .status_gt(Status::Cancelled)
        .reverse()
        .all()
        .await
        .expect("query");
    assert_eq!(minutes(&not_cancelled), vec![2, 3, 1]);

    // Numbers compare as numbers (9.5 < 10 < 100), not as text ("10" < "100" < "9.5").
    let by_total = orders.query_by_priority("acme").priority(1).all().await.expect("query");
    let totals: Vec<Decimal> = by_total.iter().map(|o| o.total).collect();
    assert_eq!(
        totals,
        ["7", "9.5", "10"].map(|t| t.parse::<Decimal>().expect("decimal"))
    );
    let over_nine = orders
        .query_by_priority("acme")
        .priority(1)
        .total_gt("9".parse().expect("decimal"))
        .all()
        .await
        .expect("query");
    assert_eq!(over_nine.len(), 2);
    // Every level by equality: the whole 4-attribute sort key.
    let one = orders
        .query_by_priority("acme")
        .priority(1)
        .total("10".parse().expect("decimal"))
        .placed_at(at(3))
        .status(Status::Open)
        .all()
        .await
        .expect("query");
    assert_eq!(one.len(), 1);
    // The keys-only projection holds the table's key and the index's attributes.
    assert_eq!(one[0].priority, 1);
    assert_eq!(one[0].status, Status::Open);

    // Access patterns are served by the multi-attribute indexes.
    let pattern = orders
        .orders_in_region_since("acme", Region::Eu, Status::Open, at(2))
        .all()
        .await
        .expect("pattern");
    assert_eq!(minutes(&pattern), vec![3]);
    let priorities = orders.orders_by_priority("acme", 2, 3).all().await.expect("pattern");
    assert_eq!(priorities.iter().map(|o| o.priority).collect::<Vec<_>>(), vec![2, 3]);
}

#[tokio::test]
async fn an_item_missing_an_index_attribute_is_not_in_the_index() {
    let env = Env::new();
    if !supported(&env, "an_item_missing_an_index_attribute_is_not_in_the_index") {
        return;
    }
    let orders = orders(&env).await;
    let day = NaiveDate::from_ymd_opt(2026, 12, 4).expect("date");
    let both = orders
        .create(NewOrder {
            courier: Some("dhl".into()),
            shipped: Some(day),
            ref_code: Some(Bytes::from(vec![0, 1, 2])),
            ..new_order("acme", Region::Eu, Status::Shipped, 1, "5", 1)
        })
        .await
        .expect("create");
    orders
        .create(NewOrder {
            courier: Some("dhl".into()),
            ..new_order("acme", Region::Eu, Status::Open, 2, "5", 1)
        })
        .await
        .expect("create without a ship date");
    let found = orders.query_by_courier("dhl", day).all().await.expect("query");
    assert_eq!(found, vec![both.clone()], "the item without `shipped` is not indexed");
    // Setting the missing attribute puts the item in the index.
    let unshipped = orders
        .query_by_region("acme", Region::Eu)
        .status(Status::Open)
        .all()
        .await
        .expect("query")
        .remove(0);
    orders
        .update(&unshipped.key())
        .set_shipped(day)
        .send()
        .await
        .expect("update");
    assert_eq!(orders.query_by_courier("dhl", day).count().await.expect("count"), 2);
    // The 4 + 4 index holds only the item with every one of its 8 attributes (bytes among them).
    let widest = orders
        .query_widest("acme", Region::Eu, Status::Shipped, 1)
        .all()
        .await
        .expect("query");
    assert_eq!(widest.len(), 1);
    assert_eq!(widest[0].courier.as_deref(), Some("dhl"));
}

#[tokio::test]
async fn cursors_carry_every_key_attribute_and_resume_exactly() {
    let env = Env::new();
    if !supported(&env, "cursors_carry_every_key_attribute_and_resume_exactly") {
        return;
    }
    let orders = orders(&env).await;
    // Items that tie on the first sort attribute and differ on the second.
    for minute in 0..9 {
        let status = if minute % 2 == 0 { Status::Open } else { Status::Shipped };
        orders
            .create(new_order("acme", Region::Apac, status, minute, "1", 1))
            .await
            .expect("create");
    }
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = orders
            .query_by_region("acme", Region::Apac)
            .limit(2)
            .page(cursor.as_ref())
            .await
            .expect("page");
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|o| o.id));
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 9, "no item lost");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 9, "no item read twice");
    // A cursor of one query is refused by another.
    let first = orders
        .query_by_region("acme", Region::Apac)
        .limit(1)
        .page(None)
        .await
        .expect("page");
    let other = orders
        .query_by_region("acme", Region::Eu)
        .page(first.next.as_ref())
        .await;
    assert!(other.is_err(), "a cursor opens only the query it came from");
}

#[tokio::test]
async fn in_a_single_table_entities_that_store_the_attributes_share_the_index_and_read_their_own() {
    use ddbgen_runtime::codegen::Uuid;
    use ddbgen_tests::multi_attribute_keys::alert::{AlertRepository, NewAlert};
    use ddbgen_tests::multi_attribute_keys::desk::{DeskRepository, RegionDesk};
    use ddbgen_tests::multi_attribute_keys::note::{NewNote, NoteRepository};
    use ddbgen_tests::multi_attribute_keys::ticket::{NewTicket, TicketRepository};

    let env = Env::new();
    if !supported(
        &env,
        "in_a_single_table_entities_that_store_the_attributes_share_the_index_and_read_their_own",
    ) {
        return;
    }
    let desk = DeskRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    env.table_created(desk.create_table().await);
    let tickets = TicketRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    let alerts = AlertRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    let notes = NoteRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    for (minute, status) in [(3, Status::Open), (1, Status::Open), (2, Status::Shipped)] {
        tickets
            .create(NewTicket {
                ticket_id: Uuid::new_v4(),
                tenant: "acme".into(),
                region: Region::Eu,
                status,
                opened_at: at(minute),
                title: format!("ticket {minute}"),
            })
            .await
            .expect("ticket");
    }
    alerts
        .create(NewAlert {
            alert_id: Uuid::new_v4(),
            tenant: "acme".into(),
            region: Region::Eu,
            status: Status::Open,
            opened_at: at(0),
            level: 2,
        })
        .await
        .expect("alert");
    notes
        .create(NewNote {
            note_id: Uuid::new_v4(),
            text: "not in the index".into(),
        })
        .await
        .expect("note");
    // The index partition holds both entities; each repository reads its own, typed.
    let open: Vec<String> = tickets
        .query_by_region("acme", Region::Eu)
        .status(Status::Open)
        .all()
        .await
        .expect("tickets")
        .into_iter()
        .map(|t| t.title)
        .collect();
    assert_eq!(
        open,
        ["ticket 1", "ticket 3"],
        "open tickets, oldest first; the alert left out"
    );
    let open_alerts = alerts
        .query_by_region("acme", Region::Eu)
        .status(Status::Open)
        .all()
        .await
        .expect("alerts");
    assert_eq!(open_alerts.len(), 1);
    assert_eq!(open_alerts[0].level, 2);
    let pattern = tickets
        .tickets_in_region("acme", Region::Eu, Status::Shipped)
        .all()
        .await
        .expect("pattern");
    assert_eq!(pattern.len(), 1);
    // A collection reads both entities of the index partition, each decoded as itself.
    let desk_items = desk.region_desk("acme", Region::Eu).all().await.expect("collection");
    let (mut ticket_count, mut alert_count) = (0, 0);
    for item in &desk_items {
        match item {
            RegionDesk::Ticket(_) => ticket_count += 1,
            RegionDesk::Alert(alert) => {
                alert_count += 1;
                assert_eq!(alert.level, 2);
            }
        }
    }
    assert_eq!((ticket_count, alert_count), (3, 1));
    // The index holds the four items that store its attributes, not the note.
    let raw = env
        .client
        .query()
        .table_name(desk.table().name())
        .index_name("by_region")
        .key_condition_expression("tenant = :t AND #r = :r")
        .expression_attribute_names("#r", "region")
        .expression_attribute_values(":t", ddbgen_runtime::AttributeValue::S("acme".into()))
        .expression_attribute_values(":r", ddbgen_runtime::AttributeValue::S("eu".into()))
        .send()
        .await
        .expect("raw query");
    assert_eq!(raw.count, 4);
}
