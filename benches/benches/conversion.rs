//! Decoding and encoding a 1 MB page of 20-field orders: the generated code, serde_dynamo on
//! the same (serde-derived) struct, and hand-written `match` code. Also counts allocations per
//! item. Run `bash benches/conversion.sh` for the ratio table: it runs every benchmark in its
//! own process (BENCHMARKS.md says why). `cargo bench -p ddbgen-benches --bench conversion`
//! runs them all in one process.
//!
//! All three get the same input in the same form:
//! - decoding takes a page as the SDK hands it over, an owned `Vec<AttributeMap>`, and consumes
//!   it item by item (all three take each item by value and move its strings out). Copying the
//!   page for each iteration is not timed.
//! - encoding borrows the orders and returns the items a request would carry.
//!
//! Each direction is measured twice: with the converted page dropped inside the timing (what a
//! program pays end to end) and outside it (the conversion alone). Dropping is the same work
//! for all three, since they produce the same types.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use ddbgen_benches::alloc_counter::{self, CountingAllocator};
use ddbgen_benches::orders::order::Order;
use ddbgen_benches::orders::thread::Thread;
use ddbgen_benches::shop::customer::Customer;
use ddbgen_benches::shop::order::Order as ShopOrder;
use ddbgen_benches::shop::order_line::OrderLine;
use ddbgen_benches::shop::shop::ShopItem;
use ddbgen_benches::{data, hand_written};
use ddbgen_runtime::{AttributeMap, FromItem, Item};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn generated_decode(page: Vec<AttributeMap>) -> Vec<Order> {
    page.into_iter()
        .map(|i| Order::from_item(i).expect("decodes"))
        .collect()
}

fn serde_decode(page: Vec<AttributeMap>) -> Vec<Order> {
    page.into_iter()
        .map(|i| serde_dynamo::from_item(i).expect("decodes"))
        .collect()
}

fn hand_decode(page: Vec<AttributeMap>) -> Vec<Order> {
    page.into_iter()
        .map(|i| hand_written::from_item(i).expect("decodes"))
        .collect()
}

fn generated_encode(orders: &[Order]) -> Vec<AttributeMap> {
    orders.iter().map(Item::to_item).collect()
}

fn serde_encode(orders: &[Order]) -> Vec<AttributeMap> {
    orders
        .iter()
        .map(|o| serde_dynamo::to_item(o).expect("encodes"))
        .collect()
}

fn hand_encode(orders: &[Order]) -> Vec<AttributeMap> {
    orders.iter().map(hand_written::to_item).collect()
}

/// Allocations per item of `f` over `n` items.
fn allocations_per_item<T>(n: usize, f: impl FnOnce() -> T) -> f64 {
    let (result, count, _) = alloc_counter::measure(f);
    drop(black_box(result));
    count as f64 / n as f64
}

type Decoder<T> = fn(Vec<AttributeMap>) -> Vec<T>;
type Encoder<T> = fn(&[T]) -> Vec<AttributeMap>;

fn conversion(c: &mut Criterion) {
    let orders = data::page(1 << 20);
    let items = generated_encode(&orders);
    // serde_dynamo stores some types its own way (sets as lists, decimals as strings), so it
    // decodes its own encoding of the same orders.
    let serde_items = serde_encode(&orders);
    let bytes: usize = items.iter().map(data::stored_size).sum();
    println!(
        "page: {} orders, {} bytes stored ({} bytes each)",
        orders.len(),
        bytes,
        bytes / orders.len()
    );

    let decoders: [(&str, Decoder<Order>, &Vec<AttributeMap>); 3] = [
        ("generated", generated_decode, &items),
        ("serde_dynamo", serde_decode, &serde_items),
        ("hand_written", hand_decode, &items),
    ];
    let encoders: [(&str, Encoder<Order>); 3] = [
        ("generated", generated_encode),
        ("serde_dynamo", serde_encode),
        ("hand_written", hand_encode),
    ];

    // Counted on a page each owns; the page's own allocations happen before counting starts.
    let n = orders.len() as f64;
    let decode_counts = decoders.map(|(_, decode, input)| {
        let page = input.clone();
        allocations_per_item(orders.len(), || decode(page))
    });
    let encode_counts = encoders.map(|(_, encode)| allocations_per_item(orders.len(), || encode(&orders)));
    for (direction, counts) in [("decode", decode_counts), ("encode", encode_counts)] {
        println!(
            "allocations per item, {direction}: generated {:.1}, serde_dynamo {:.1}, hand-written {:.1} ({n} items)",
            counts[0], counts[1], counts[2]
        );
    }

    // What every alternative pays whatever it does: freeing the SDK's page (after decoding)
    // or the items (after encoding), and freeing the orders.
    let mut drops = c.benchmark_group("drop_1mb_page");
    drops.bench_function("sdk_items", |b| {
        b.iter_batched(|| items.clone(), |page| drop(black_box(page)), BatchSize::LargeInput)
    });
    drops.bench_function("orders", |b| {
        b.iter_batched(|| orders.clone(), |page| drop(black_box(page)), BatchSize::LargeInput)
    });
    drops.finish();

    for (group, drop_timed) in [("decode_1mb_page", true), ("decode_1mb_page_drop_untimed", false)] {
        let mut group = c.benchmark_group(group);
        group.throughput(Throughput::Bytes(bytes as u64));
        for (name, decode, input) in decoders {
            group.bench_function(name, |b| {
                // `iter_batched` drops what the routine returns outside the timing.
                b.iter_batched(
                    || input.clone(),
                    |page| {
                        let orders = decode(black_box(page));
                        if drop_timed {
                            drop(orders);
                            None
                        } else {
                            Some(orders)
                        }
                    },
                    BatchSize::LargeInput,
                )
            });
        }
        group.finish();
    }

    for (group, drop_timed) in [("encode_1mb_page", true), ("encode_1mb_page_drop_untimed", false)] {
        let mut group = c.benchmark_group(group);
        group.throughput(Throughput::Bytes(bytes as u64));
        for (name, encode) in encoders {
            group.bench_function(name, |b| {
                if drop_timed {
                    b.iter(|| encode(black_box(&orders)))
                } else {
                    b.iter_with_large_drop(|| encode(black_box(&orders)))
                }
            });
        }
        group.finish();
    }
}

/// The second item shape: a forum thread (strings, three RFC 3339 times, counters, a string
/// set), decoded and encoded by the generated code and by serde_dynamo, dropped outside the
/// timing (the conversion alone).
fn thread_conversion(c: &mut Criterion) {
    let threads = data::thread_page(1 << 20);
    let items: Vec<AttributeMap> = threads.iter().map(Item::to_item).collect();
    let serde_items: Vec<AttributeMap> = threads
        .iter()
        .map(|t| serde_dynamo::to_item(t).expect("encodes"))
        .collect();
    let bytes: usize = items.iter().map(data::stored_size).sum();
    println!("thread page: {} threads, {bytes} bytes stored", threads.len());
    let decoders: [(&str, Decoder<Thread>, &Vec<AttributeMap>); 2] = [
        (
            "generated",
            |page| {
                page.into_iter()
                    .map(|i| Thread::from_item(i).expect("decodes"))
                    .collect()
            },
            &items,
        ),
        (
            "serde_dynamo",
            |page| {
                page.into_iter()
                    .map(|i| serde_dynamo::from_item(i).expect("decodes"))
                    .collect()
            },
            &serde_items,
        ),
    ];
    let mut group = c.benchmark_group("decode_thread_page_drop_untimed");
    group.throughput(Throughput::Bytes(bytes as u64));
    for (name, decode, input) in decoders {
        group.bench_function(name, |b| {
            b.iter_batched(|| input.clone(), |page| decode(black_box(page)), BatchSize::LargeInput)
        });
    }
    group.finish();
    let encoders: [(&str, Encoder<Thread>); 2] = [
        ("generated", |threads| threads.iter().map(Item::to_item).collect()),
        ("serde_dynamo", |threads| {
            threads
                .iter()
                .map(|t| serde_dynamo::to_item(t).expect("encodes"))
                .collect()
        }),
    ];
    let mut group = c.benchmark_group("encode_thread_page_drop_untimed");
    group.throughput(Throughput::Bytes(bytes as u64));
    for (name, encode) in encoders {
        group.bench_function(name, |b| b.iter_with_large_drop(|| encode(black_box(&threads))));
    }
    group.finish();
}

/// What serde_dynamo users write for a table of several entities: an internally tagged enum
/// over the same (serde-derived) entity structs, tagged by the discriminator attribute.
#[derive(Debug, PartialEq, ddbgen_runtime::codegen::serde::Serialize, ddbgen_runtime::codegen::serde::Deserialize)]
#[serde(crate = "ddbgen_runtime::codegen::serde", tag = "entity")]
enum SerdeShopItem {
    Customer(Customer),
    Order(ShopOrder),
    OrderLine(OrderLine),
}

impl From<ShopItem> for SerdeShopItem {
    fn from(item: ShopItem) -> Self {
        match item {
            ShopItem::Customer(c) => SerdeShopItem::Customer(c),
            ShopItem::Order(o) => SerdeShopItem::Order(o),
            ShopItem::OrderLine(l) => SerdeShopItem::OrderLine(l),
        }
    }
}

/// The third shape: a scan page of a single table (customers, orders, order lines), decoded
/// by the discriminator into the generated `ShopItem` and, with serde_dynamo, into an
/// internally tagged enum. Dropped outside the timing (the conversion alone).
fn single_table_conversion(c: &mut Criterion) {
    let page = data::shop_page(1 << 20);
    let (items, values): (Vec<AttributeMap>, Vec<ShopItem>) = page.into_iter().unzip();
    // serde_dynamo decodes its own encoding of the same entities, with the key attributes the
    // table stores beside them (which it has to skip, as it would in a real table).
    let serde_items: Vec<AttributeMap> = items
        .iter()
        .zip(&values)
        .map(|(stored, value)| {
            let mut item: AttributeMap = serde_dynamo::to_item(SerdeShopItem::from(value.clone())).expect("encodes");
            for key in ["pk", "sk", "gsi1pk", "gsi1sk"] {
                if let Some(v) = stored.get(key) {
                    item.insert(key.to_owned(), v.clone());
                }
            }
            item
        })
        .collect();
    let bytes: usize = items.iter().map(data::stored_size).sum();
    println!("single-table page: {} items, {bytes} bytes stored", items.len());
    // Both read back exactly the entities stored.
    let generated: Vec<ShopItem> = items
        .iter()
        .map(|i| ShopItem::from_item(i.clone()).expect("decodes"))
        .collect();
    assert_eq!(generated, values);
    let serde: Vec<SerdeShopItem> = serde_items
        .iter()
        .map(|i| serde_dynamo::from_item(i.clone()).expect("decodes"))
        .collect();
    assert_eq!(serde, values.into_iter().map(SerdeShopItem::from).collect::<Vec<_>>());

    let mut group = c.benchmark_group("decode_single_table_page_drop_untimed");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("generated", |b| {
        b.iter_batched(
            || items.clone(),
            |page| {
                page.into_iter()
                    .map(|i| ShopItem::from_item(black_box(i)).expect("decodes"))
                    .collect::<Vec<_>>()
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("serde_dynamo", |b| {
        b.iter_batched(
            || serde_items.clone(),
            |page| {
                page.into_iter()
                    .map(|i| serde_dynamo::from_item::<_, SerdeShopItem>(black_box(i)).expect("decodes"))
                    .collect::<Vec<_>>()
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, conversion, thread_conversion, single_table_conversion);
criterion_main!(benches);
