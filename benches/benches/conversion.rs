//! Decoding and encoding a 1 MB page of 20-field orders: the generated code, serde_dynamo on
//! the same (serde-derived) struct, and hand-written `match` code. Also counts allocations per
//! item. Run: `cargo bench -p ddbgen-benches --bench conversion`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ddbgen_benches::alloc_counter::{self, CountingAllocator};
use ddbgen_benches::orders::order::Order;
use ddbgen_benches::{data, hand_written};
use ddbgen_runtime::{AttributeMap, FromItem, Item};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn generated_decode(items: &[AttributeMap]) -> Vec<Order> {
    items.iter().map(|i| Order::from_item(i).expect("decodes")).collect()
}

fn serde_decode(items: &[AttributeMap]) -> Vec<Order> {
    items
        .iter()
        .map(|i| serde_dynamo::from_item(i.clone()).expect("decodes"))
        .collect()
}

fn serde_decode_borrowed(items: &[AttributeMap]) -> Vec<Order> {
    // serde_dynamo's `from_item` takes the item by value; the clone above is part of its cost
    // when items are borrowed, so both are measured.
    items
        .iter()
        .cloned()
        .map(|i| serde_dynamo::from_item(i).expect("decodes"))
        .collect()
}

fn hand_decode(items: &[AttributeMap]) -> Vec<Order> {
    items
        .iter()
        .map(|i| hand_written::from_item(i).expect("decodes"))
        .collect()
}

fn serde_encode(orders: &[Order]) -> Vec<AttributeMap> {
    orders
        .iter()
        .map(|o| serde_dynamo::to_item(o).expect("encodes"))
        .collect()
}

/// Allocations per item of `f` over `n` items.
fn allocations_per_item<T>(n: usize, f: impl FnOnce() -> T) -> f64 {
    let (result, count, _) = alloc_counter::measure(f);
    drop(black_box(result));
    count as f64 / n as f64
}

fn conversion(c: &mut Criterion) {
    let orders = data::page(1 << 20);
    let generated_items: Vec<AttributeMap> = orders.iter().map(Item::to_item).collect();
    let serde_items = serde_encode(&orders);
    let bytes: usize = generated_items.iter().map(data::stored_size).sum();
    println!(
        "page: {} orders, {} bytes stored ({} bytes each)",
        orders.len(),
        bytes,
        bytes / orders.len()
    );

    let n = orders.len();
    println!(
        "allocations per item, decode: generated {:.1}, serde_dynamo {:.1}, hand-written {:.1}",
        allocations_per_item(n, || generated_decode(&generated_items)),
        allocations_per_item(n, || serde_decode_borrowed(&serde_items)),
        allocations_per_item(n, || hand_decode(&generated_items)),
    );
    println!(
        "allocations per item, encode: generated {:.1}, serde_dynamo {:.1}, hand-written {:.1}",
        allocations_per_item(n, || orders.iter().map(Item::to_item).collect::<Vec<_>>()),
        allocations_per_item(n, || serde_encode(&orders)),
        allocations_per_item(n, || orders.iter().map(hand_written::to_item).collect::<Vec<_>>()),
    );

    let mut decode = c.benchmark_group("decode_1mb_page");
    decode.throughput(Throughput::Bytes(bytes as u64));
    decode.bench_function("generated", |b| {
        b.iter(|| generated_decode(black_box(&generated_items)))
    });
    decode.bench_function("serde_dynamo", |b| b.iter(|| serde_decode(black_box(&serde_items))));
    decode.bench_function("hand_written", |b| b.iter(|| hand_decode(black_box(&generated_items))));
    decode.finish();

    let mut encode = c.benchmark_group("encode_1mb_page");
    encode.throughput(Throughput::Bytes(bytes as u64));
    encode.bench_function("generated", |b| {
        b.iter(|| black_box(&orders).iter().map(Item::to_item).collect::<Vec<_>>())
    });
    encode.bench_function("serde_dynamo", |b| b.iter(|| serde_encode(black_box(&orders))));
    encode.bench_function("hand_written", |b| {
        b.iter(|| black_box(&orders).iter().map(hand_written::to_item).collect::<Vec<_>>())
    });
    encode.finish();
}

criterion_group!(benches, conversion);
criterion_main!(benches);
