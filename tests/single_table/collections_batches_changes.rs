use super::*;

#[tokio::test]
async fn a_collection_reads_a_partition_over_several_pages() {
    let env = Env::new();
    let shop = shop(&env).await;
    let customer_id = Uuid::new_v4();
    let customer = shop
        .customers
        .create(NewCustomer {
            customer_id,
            name: "Ada".into(),
            email: "ada@example.com".into(),
        })
        .await
        .expect("customer");
    // 40 orders of ~60 KB: about 2.4 MB, three 1 MB pages at least.
    let note = "n".repeat(60_000);
    let mut orders = Vec::new();
    for i in 0..40u32 {
        let mut new = new_order(customer_id, 1 + i % 28, OrderStatus::Placed);
        new.note = Some(note.clone());
        orders.push(shop.orders.create(new).await.expect("order"));
    }
    // An item of an entity outside the collection, in the same partition: skipped.
    put_raw(
        &env,
        &shop.name,
        AttributeMap::from([
            ("pk".to_owned(), s(&format!("CUSTOMER#{customer_id}"))),
            ("sk".to_owned(), s("COUPON#1")),
            ("entity".to_owned(), s("Coupon")),
        ]),
    )
    .await;
    orders.sort_by_key(|o| (o.placed_on, o.order_id));

    let items: Vec<CustomerWithOrders> = shop
        .table
        .customer_with_orders(customer_id)
        .all()
        .await
        .expect("collection");
    assert_eq!(items.len(), 41);
    let read_orders: Vec<Order> = items
        .iter()
        .filter_map(|i| match i {
            CustomerWithOrders::Order(o) => Some(o.clone()),
            CustomerWithOrders::Customer(_) => None,
        })
        .collect();
    assert_eq!(read_orders, orders, "every order, once, in sort-key order");
    assert!(items.contains(&CustomerWithOrders::Customer(customer)));

    // Page by page with signed cursors: more than one page, nothing lost or repeated.
    let (mut pages, mut seen, mut cursor): (usize, usize, Option<Cursor>) = (0, 0, None);
    loop {
        let page = shop
            .table
            .customer_with_orders(customer_id)
            .page(cursor.as_ref())
            .await
            .expect("page");
        pages += 1;
        seen += page.items.len();
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, 41);
    assert!(pages >= 3, "2.4 MB take several 1 MB pages, read {pages}");
}

#[tokio::test]
async fn a_corrupt_item_is_an_error_naming_entity_and_attribute() {
    let env = Env::new();
    let shop = shop(&env).await;
    let customer_id = Uuid::new_v4();
    let order = shop
        .orders
        .create(new_order(customer_id, 9, OrderStatus::Shipped))
        .await
        .expect("order");
    let mut stored = order.to_item();
    stored.insert("total".to_owned(), s("a lot"));
    put_raw(&env, &shop.name, stored).await;

    let error = shop
        .table
        .customer_with_orders(customer_id)
        .all()
        .await
        .expect_err("corrupt");
    match error.kind() {
        ErrorKind::Conversion { entity, attribute, .. } => {
            assert_eq!(*entity, Some("Order"));
            assert_eq!(attribute, "total");
        }
        other => panic!("expected a conversion error, got {other}"),
    }
    let text = error.to_string();
    assert!(text.contains("(entity `Order`)") && text.contains("`total`"), "{text}");
    let error = shop.orders.get(&order.key()).await.expect_err("corrupt");
    assert!(error.to_string().contains("(entity `Order`)"), "{error}");

    // An item whose discriminator names another entity is never read as this one.
    let mut disguised = order.to_item();
    disguised.insert("entity".to_owned(), s("Customer"));
    assert!(!Order::accepts(&disguised));
    let error = Order::from_item(disguised.clone()).expect_err("not an order");
    assert!(error.to_string().contains("attribute `entity`"), "{error}");
    let error = Customer::from_item(disguised).expect_err("not a customer either");
    assert!(error.to_string().contains("(entity `Customer`)"), "{error}");
    let mut unknown = order.to_item();
    unknown.insert("entity".to_owned(), s("Refund"));
    let error = ShopItem::from_item(unknown).expect_err("unknown entity");
    assert!(
        error.to_string().contains("\"Customer\", \"Order\", \"OrderLine\""),
        "{error}"
    );
}

#[tokio::test]
async fn batches_and_transactions_work_per_entity() {
    let env = Env::new();
    let shop = shop(&env).await;
    let customer_id = Uuid::new_v4();
    let mut orders = Vec::new();
    for d in 1..=30 {
        let order = shop
            .orders
            .create(new_order(customer_id, d % 28 + 1, OrderStatus::Placed))
            .await
            .expect("order");
        orders.push(order);
    }
    let keys: Vec<OrderKey> = orders.iter().map(Order::key).collect();
    let fetched = shop.orders.batch_get(&keys).await.expect("batch get");
    assert_eq!(fetched.found().count(), 30);
    let deleted = shop.orders.batch_delete(&keys[..10]).await.expect("batch delete");
    assert_eq!(deleted.written, 10);
    assert_eq!(shop.orders.query(customer_id).all().await.expect("rest").len(), 20);

    if env.external() && std::env::var("DDBGEN_TEST_NO_TRANSACTIONS").is_ok() {
        println!("SKIPPED transactions: the server under test has no transactions");
        return;
    }
    // A customer and their first order, created together or not at all.
    let other = Uuid::new_v4();
    let mut tx = shop.customers.transaction();
    shop.customers
        .transact_create(
            &mut tx,
            NewCustomer {
                customer_id: other,
                name: "Grace".into(),
                email: "grace@example.com".into(),
            },
        )
        .expect("add customer");
    shop.orders
        .transact_create(&mut tx, new_order(other, 1, OrderStatus::Placed))
        .expect("add order");
    tx.send().await.expect("transaction");
    let both = shop.table.customer_with_orders(other).all().await.expect("collection");
    // Sort-key order: `ORDER#…` sorts before `PROFILE`.
    assert!(matches!(
        both.as_slice(),
        [CustomerWithOrders::Order(_), CustomerWithOrders::Customer(_)]
    ));
}

#[test]
fn stream_changes_decode_into_the_entity_the_discriminator_names() {
    let customer_id = Uuid::new_v4();
    let order = Order {
        customer_id,
        order_id: Uuid::new_v4(),
        placed_on: day(1),
        status: OrderStatus::Placed,
        total: Decimal::new(100, 2),
        note: None,
        created: support::time(1_700_000_000),
        updated: support::time(1_700_000_000),
    };
    let mut shipped = order.clone();
    shipped.status = OrderStatus::Shipped;
    let change = ShopChange::from_images("MODIFY", Some(order.to_item()), Some(shipped.to_item())).expect("decode");
    match change {
        Change::Modify {
            old: ShopItem::Order(old),
            new: ShopItem::Order(new),
        } => {
            assert_eq!(old, order);
            assert_eq!(new.status, OrderStatus::Shipped);
        }
        other => panic!("expected an order modified, got {other:?}"),
    }
    let customer = Customer {
        customer_id,
        name: "Ada".into(),
        email: "ada@example.com".into(),
        created: support::time(1_700_000_000),
        updated: support::time(1_700_000_000),
        version: 1,
    };
    let change = ShopChange::from_images("REMOVE", Some(customer.to_item()), None).expect("decode");
    assert_eq!(change, Change::Remove(ShopItem::Customer(customer)));
}
