//! Streaming 100,000 orders from the embedded server: the generated `stream()` against the raw
//! SDK paginator with hand-written conversion, and the peak memory of a stream (bounded by a
//! page, not by the result). Run: `cargo bench -p ddbgen-benches --bench paged_reads`.

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ddbgen_benches::alloc_counter::{self, CountingAllocator};
use ddbgen_benches::orders::order::{Order, OrderRepository};
use ddbgen_benches::{data, hand_written};
use ddbgen_runtime::QueryBuilder;
use ddbgen_runtime::aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use ddbgen_runtime::codegen::Uuid;
use ddbgen_runtime::local::LocalDynamo;
use ddbgen_runtime::{Item, aws_sdk_dynamodb::Client};
use futures_util::StreamExt;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// How many orders the benchmark streams.
const ORDERS: u32 = 100_000;

async fn fill(client: &Client, table: &str, customer: Uuid) -> usize {
    let mut bytes = 0;
    let mut batch = Vec::with_capacity(25);
    for i in 0..ORDERS {
        let item = data::order(customer, i).to_item();
        bytes += data::stored_size(&item);
        let put = PutRequest::builder().set_item(Some(item)).build().expect("item set");
        batch.push(WriteRequest::builder().put_request(put).build());
        if batch.len() == 25 || i + 1 == ORDERS {
            let mut pending = HashMap::from([(table.to_owned(), std::mem::take(&mut batch))]);
            while !pending.is_empty() {
                let output = client
                    .batch_write_item()
                    .set_request_items(Some(pending))
                    .send()
                    .await
                    .expect("batch write");
                pending = output.unprocessed_items.unwrap_or_default();
            }
        }
    }
    bytes
}

async fn generated(repo: &OrderRepository, customer: Uuid) -> usize {
    let mut stream = std::pin::pin!(repo.query(customer).stream());
    let mut count = 0;
    while let Some(order) = stream.next().await {
        black_box(order.expect("decodes"));
        count += 1;
    }
    count
}

async fn raw(client: &Client, table: &str, customer: Uuid) -> usize {
    let mut pages = client
        .query()
        .table_name(table)
        .key_condition_expression("#c = :c")
        .expression_attribute_names("#c", "customer_id")
        .expression_attribute_values(":c", AttributeValue::S(customer.hyphenated().to_string()))
        .into_paginator()
        .send();
    let mut count = 0;
    while let Some(page) = pages.next().await {
        for item in page.expect("page").items.unwrap_or_default() {
            black_box(hand_written::from_item(item).expect("decodes"));
            count += 1;
        }
    }
    count
}

fn paged_reads(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = LocalDynamo::start().expect("server");
    let client = server.client();
    let repo = OrderRepository::new(client.clone());
    let customer = Uuid::from_u128(7);
    let table = repo.table().name().to_owned();
    let bytes = runtime.block_on(async {
        repo.create_table().await.expect("create table");
        fill(&client, &table, customer).await
    });
    println!("{ORDERS} orders, {bytes} bytes stored");

    let (count, _, peak) = alloc_counter::measure(|| runtime.block_on(generated(&repo, customer)));
    assert_eq!(count, ORDERS as usize);
    println!(
        "peak memory while streaming {count} orders: {peak} bytes ({:.2}% of the {bytes} bytes read)",
        peak as f64 * 100.0 / bytes as f64
    );
    let (all, _, peak) = alloc_counter::measure(|| runtime.block_on(repo.query(customer).all()).expect("all"));
    println!("for comparison, collecting all {} of them: {peak} bytes", all.len());
    drop::<Vec<Order>>(all);

    let mut group = c.benchmark_group("stream_100k_orders");
    group.sample_size(10);
    group.bench_function("generated_stream", |b| {
        b.iter(|| runtime.block_on(generated(&repo, customer)))
    });
    group.bench_function("raw_paginator_hand_written", |b| {
        b.iter(|| runtime.block_on(raw(&client, &table, customer)))
    });
    group.finish();
    drop(server);
}

criterion_group!(benches, paged_reads);
criterion_main!(benches);
