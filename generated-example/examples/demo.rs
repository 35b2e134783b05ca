//! The book library, end to end: start an embedded DynamoDB server (or use `--endpoint URL`),
//! create the tables, and walk the story of the schema; then the shop, a single-table design,
//! and shipments found through multi-attribute index keys.
//!
//! Run: `cargo run -p library-tables --example demo [-- --endpoint http://127.0.0.1:8000]`

use ddbgen_runtime::codegen::{Decimal, NaiveDate, Uuid};
use ddbgen_runtime::local::{LocalDynamo, client_for};
use ddbgen_runtime::{Cursor, Error, ErrorKind, QueryBuilder};
use futures_util::{StreamExt, TryStreamExt};
use library_tables::fulfilment::shipment::{NewShipment, ShipmentRepository};
use library_tables::fulfilment::types::ShipmentStatus;
use library_tables::library::book::{Book, BookFields, BookKey, BookRepository, NewBook};
use library_tables::library::customer::{CustomerRepository, NewCustomer};
use library_tables::library::types::{Author, BookStatus};
use library_tables::shop::customer::{CustomerRepository as ShopCustomers, NewCustomer as NewShopCustomer};
use library_tables::shop::order::{NewOrder, OrderRepository, OrderSummary};
use library_tables::shop::order_line::{NewOrderLine, OrderLineRepository};
use library_tables::shop::shop::{CustomerWithOrders, ShopItem, ShopRepository};
use library_tables::shop::types::OrderStatus;

fn book(publisher: &str, year: u16, isbn: &str, title: &str) -> NewBook {
    NewBook {
        publisher: publisher.into(),
        published_year: year,
        isbn: isbn.into(),
        title: title.into(),
        price: Some(Decimal::new(1999, 2)),
        authors: vec![Author {
            name: "Jim Collins".into(),
            born: NaiveDate::from_ymd_opt(1958, 1, 25),
        }],
        ..NewBook::default()
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let endpoint = args
        .iter()
        .position(|a| a == "--endpoint")
        .and_then(|i| args.get(i + 1))
        .cloned();
    // Keep the embedded server alive for the whole demo.
    let (client, _server) = match endpoint {
        Some(endpoint) => (client_for(&endpoint), None),
        None => {
            let server = LocalDynamo::start()?;
            println!("embedded DynamoDB server at {}", server.endpoint());
            (server.client(), Some(server))
        }
    };

    let prefix = format!("demo-{}-", std::process::id());
    let books = BookRepository::new(client.clone()).with_table_prefix(&prefix);
    let customers = CustomerRepository::new(client.clone()).with_table_prefix(&prefix);
    books.create_table().await?;
    customers.create_table().await?;
    println!(
        "created tables {} and {}",
        books.table().name(),
        customers.table().name()
    );

    for (publisher, year, isbn, title) in [
        ("HarperBusiness", 1995, "9512512", "Built to Last"),
        ("HarperBusiness", 1995, "9512513", "The Fifth Discipline Fieldbook"),
        ("HarperBusiness", 1996, "9612345", "Only the Paranoid Survive"),
        ("Penguin", 1995, "0140283", "The Road Ahead"),
    ] {
        books.create(book(publisher, year, isbn, title)).await?;
    }
    let key = BookKey {
        publisher: "HarperBusiness".into(),
        published_year: 1995,
        isbn: "9512512".into(),
    };
    let first = books.get(&key).await?.ok_or("the book just created is missing")?;
    println!(
        "\"{}\": created {}, updated {}, version {}",
        first.title, first.created, first.updated, first.version
    );

    // One begins_with query on the sort key `year_isbn`: "01995#".
    let of_1995: Vec<Book> = books.query("HarperBusiness").published_year(1995).all().await?;
    println!(
        "HarperBusiness books of 1995: {:?}",
        of_1995.iter().map(|b| &b.title).collect::<Vec<_>>()
    );

    // A second create of the same key is refused, and the stored book is untouched.
    match books.create(book("HarperBusiness", 1995, "9512512", "Impostor")).await {
        Err(error) if matches!(error.kind(), ErrorKind::AlreadyExists { .. }) => {
            // The error's message names the key's attributes, never their values.
            println!("second create refused: {error}");
            let stored = error.current::<Book>().transpose()?;
            println!("  the stored book is still {:?}", stored.map(|b| b.title));
        }
        other => return Err(format!("expected AlreadyExists, got {other:?}").into()),
    }

    // An update: key fields have no setters; `updated` and the version move on.
    let updated = books
        .update(&first.key())
        .set_status(BookStatus::Published)
        .add_copies_sold(1_000)
        .send()
        .await?;
    println!(
        "after update: status {}, copies sold {}, version {}",
        updated.status, updated.copies_sold, updated.version
    );

    // Page through a larger result with a cursor.
    for i in 0..45 {
        books
            .create(book("Bulk", 2001, &format!("{i:07}"), &format!("Volume {i}")))
            .await?;
    }
    let (mut cursor, mut pages, mut seen) = (None::<Cursor>, 0, 0);
    loop {
        let page = books.query("Bulk").limit(20).page(cursor.as_ref()).await?;
        pages += 1;
        seen += page.items.len();
        println!(
            "page {pages}: {} books, stopped because {:?}",
            page.items.len(),
            page.stop
        );
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let streamed = books
        .query("Bulk")
        .stream()
        .try_fold(0usize, |n, _| async move { Ok(n + 1) })
        .await?;
    println!("{seen} books in {pages} pages; the lazy stream saw {streamed}");

    // Reprice every Bulk book: books keep a version, which BatchWriteItem cannot check, so
    // versioned tables have no `batch_put`; eight checked updates run at once instead. Then a
    // batch read (BatchGetItem in chunks of 100, unprocessed keys retried) in request order.
    let bulk: Vec<Book> = books.query("Bulk").all().await?;
    let repriced: Vec<Book> = futures_util::stream::iter(bulk.iter().map(|book| {
        books
            .update(&book.key())
            .set_price(Decimal::new(999, 2))
            .expect_version(book.version)
            .send()
    }))
    .buffer_unordered(8)
    .try_collect()
    .await?;
    println!("repriced {} books, eight checked updates at a time", repriced.len());
    let keys: Vec<BookKey> = bulk.iter().step_by(10).map(Book::key).collect();
    let read = books.batch_get(&keys).await?;
    println!(
        "batch_get found {} of {} keys, in request order",
        read.found().count(),
        keys.len()
    );

    // Typed filters and counts: no expression strings, values stored as the fields store them.
    let volumes_1x = books
        .query("Bulk")
        .filter(BookFields::title().begins_with("Volume 1") & BookFields::price().lt(Decimal::new(1000, 2)))
        .count()
        .await?;
    println!("Bulk books titled \"Volume 1…\" under 10.00: {volumes_1x}");

    // A transaction across tables: a new customer and a versioned update, all or nothing.
    let mut tx = books.transaction();
    let grace = customers.transact_create(
        &mut tx,
        NewCustomer {
            email: "grace@example.com".into(),
            name: "Grace".into(),
            member_since: NaiveDate::from_ymd_opt(2021, 2, 3).ok_or("bad date")?,
            ..NewCustomer::default()
        },
    )?;
    books
        .update(&updated.key())
        .add_copies_sold(1)
        .expect_version(updated.version)
        .transact(&mut tx)?;
    tx.send().await?;
    println!("transaction: customer {} created and the book sold once more", grace.id);

    // The same update again is at a stale version: the transaction is cancelled, nothing of it
    // is written, and the error says which operation failed and why.
    let mut tx = books.transaction();
    customers.transact_create(
        &mut tx,
        NewCustomer {
            email: "late@example.com".into(),
            name: "Late".into(),
            member_since: NaiveDate::from_ymd_opt(2022, 1, 1).ok_or("bad date")?,
            ..NewCustomer::default()
        },
    )?;
    books
        .update(&updated.key())
        .add_copies_sold(1)
        .expect_version(updated.version)
        .transact(&mut tx)?;
    match tx.send().await.map_err(Error::into_kind) {
        Err(ErrorKind::TransactionCanceled { failures }) => {
            for failure in failures {
                println!("transaction cancelled: operation {}: {}", failure.index, failure.error);
            }
        }
        other => return Err(format!("expected a cancellation, got {other:?}").into()),
    }

    let ada = customers
        .create(NewCustomer {
            email: "ada@example.com".into(),
            name: "Ada".into(),
            member_since: NaiveDate::from_ymd_opt(2020, 5, 1).ok_or("bad date")?,
            ..NewCustomer::default()
        })
        .await?;
    let found = customers.query_by_email("ada@example.com").all().await?;
    println!(
        "customer {} found by email: {}",
        ada.id,
        found.iter().any(|c| c.id == ada.id)
    );

    books.delete_table().await?;
    customers.delete_table().await?;

    shop(&client, &prefix).await
}

/// Single-table design (`schemas/shop.yaml`, docs/single-table.md): customers, orders and
/// order lines in one table, each entity with its typed repository, one collection query for
/// a customer and their orders, and orders by status through the overloaded index.
async fn shop(client: &ddbgen_runtime::codegen::Client, prefix: &str) -> Result<(), Box<dyn std::error::Error>> {
    let table = ShopRepository::new(client.clone()).with_table_prefix(prefix);
    table.create_table().await?;
    let (customers, orders, lines) = (
        ShopCustomers::new(client.clone()).with_table_prefix(prefix),
        OrderRepository::new(client.clone()).with_table_prefix(prefix),
        OrderLineRepository::new(client.clone()).with_table_prefix(prefix),
    );
    let ada = customers
        .create(NewShopCustomer {
            customer_id: Uuid::new_v4(),
            name: "Ada".into(),
            email: "ada@example.com".into(),
        })
        .await?;
    let mut placed = Vec::new();
    for day in [3, 9, 14] {
        let order = orders
            .create(NewOrder {
                customer_id: ada.customer_id,
                order_id: Uuid::new_v4(),
                placed_on: NaiveDate::from_ymd_opt(2024, 3, day).ok_or("bad date")?,
                status: OrderStatus::Placed,
                total: Decimal::new(2450, 2),
                note: None,
            })
            .await?;
        placed.push(order);
    }
    lines
        .create(NewOrderLine {
            order_id: placed[0].order_id,
            line_no: 1,
            sku: "BOOK-0887306640".into(),
            quantity: 2,
            price: Decimal::new(1225, 2),
        })
        .await?;

    // One query, one partition: the profile and the orders, each decoded as its entity.
    for item in table.customer_with_orders(ada.customer_id).all().await? {
        match item {
            CustomerWithOrders::Customer(c) => println!("shop: customer {} <{}>", c.name, c.email),
            CustomerWithOrders::Order(o) => println!("shop: order of {} for {}", o.placed_on, o.total),
        }
    }
    // The sort-key template narrows part by part, like a composite key.
    let march = orders
        .query(ada.customer_id)
        .placed_on_between(
            NaiveDate::from_ymd_opt(2024, 3, 1).ok_or("bad date")?,
            NaiveDate::from_ymd_opt(2024, 3, 10).ok_or("bad date")?,
        )
        .all()
        .await?;
    println!("shop: {} orders placed from 1 to 10 March", march.len());
    // A partial type reads a few attributes of each order (plus its keys and discriminator).
    for summary in orders.query(ada.customer_id).select::<OrderSummary>().all().await? {
        println!(
            "shop: summary {} {:?} {}",
            summary.placed_on, summary.status, summary.total
        );
    }
    // Shipping re-encodes the index template: the order moves to `STATUS#shipped`.
    orders
        .update(&placed[0].key())
        .set_status(OrderStatus::Shipped)
        .send()
        .await?;
    // The access pattern `orders_by_status` (declared in the schema, served by `gsi1`).
    let shipped = orders.orders_by_status(OrderStatus::Shipped).all().await?;
    let still_placed = orders.orders_by_status(OrderStatus::Placed).count().await?;
    println!(
        "shop: orders by status: {} shipped, {still_placed} placed",
        shipped.len()
    );
    let everything = table.scan().all().await?;
    let lines_stored = everything
        .iter()
        .filter(|i| matches!(i, ShopItem::OrderLine(_)))
        .count();
    println!(
        "shop: the table holds {} items, {lines_stored} of them order lines",
        everything.len()
    );
    table.delete_table().await?;
    fulfilment(client, prefix).await
}

/// Multi-attribute index keys (`schemas/fulfilment.yaml`, docs/design.md): shipments found by
/// tenant and warehouse, then by status and promised time, each attribute stored as itself.
async fn fulfilment(client: &ddbgen_runtime::codegen::Client, prefix: &str) -> Result<(), Box<dyn std::error::Error>> {
    let shipments = ShipmentRepository::new(client.clone()).with_table_prefix(prefix);
    shipments.create_table().await?;
    let at = |hour: u32| {
        NaiveDate::from_ymd_opt(2026, 12, 4)
            .and_then(|day| day.and_hms_opt(hour, 0, 0))
            .map(|time| time.and_utc())
            .ok_or("bad time")
    };
    for (warehouse, status, hour, carrier) in [
        ("LHR1", ShipmentStatus::Packed, 9, None),
        ("LHR1", ShipmentStatus::Packed, 17, None),
        ("LHR1", ShipmentStatus::Shipped, 8, Some("dhl")),
        ("MAN2", ShipmentStatus::Packed, 10, None),
    ] {
        shipments
            .create(NewShipment {
                tenant: "acme".into(),
                warehouse: warehouse.into(),
                status,
                promised_at: at(hour)?,
                weight_g: 1200,
                carrier: carrier.map(str::to_owned),
                tracking: carrier.map(|_| "JD0001".to_owned()),
            })
            .await?;
    }
    // Both partition attributes by equality; the sort attributes left to right.
    let packed = shipments
        .query_by_warehouse("acme", "LHR1")
        .status(ShipmentStatus::Packed)
        .all()
        .await?;
    println!("fulfilment: {} packed shipments in LHR1", packed.len());
    // The access pattern `due_in_warehouse`: status by equality, then a range on the time.
    let due = shipments
        .due_in_warehouse("acme", "LHR1", ShipmentStatus::Packed, at(12)?)
        .all()
        .await?;
    println!("fulfilment: {} of them promised by noon", due.len());
    // A sparse index: only the shipment with a carrier and a tracking number is in it.
    let tracked = shipments.query_by_tracking("dhl", "JD0001").count().await?;
    println!("fulfilment: {tracked} shipment tracked as dhl JD0001");
    shipments.delete_table().await?;
    Ok(())
}
