//! Orders written to the embedded server by `batch_put` against one `create` at a time (the
//! conditional PutItem that `create` sends, through `table().put_new`), measured in the same
//! run, each round on fresh tables: straight to the in-process server, and through a loopback
//! forwarder that delays every chunk by 1 ms and by 5 ms each way (a same-region and a
//! cross-zone round trip of 2 and 10 ms). Under latency, `batch_put` is also measured with 1, 4,
//! 8 and 16 chunks in flight (`RetryPolicy::concurrency`; 4 is the default).
//! Run: `cargo bench -p ddbgen-benches --bench batch_writes`.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use ddbgen_benches::data;
use ddbgen_benches::orders::order::{Order, OrderRepository};
use ddbgen_runtime::aws_sdk_dynamodb::Client;
use ddbgen_runtime::codegen::Uuid;
use ddbgen_runtime::local::LocalDynamo;
use ddbgen_runtime::{QueryBuilder, RetryPolicy};

/// Rounds; the median is reported.
const ROUNDS: usize = 3;

/// The cases: a label, a table-name slug, the delay added each way, and the orders written
/// (fewer under latency, where one `create` at a time takes a round trip per order).
const CASES: [(&str, &str, Duration, u32); 3] = [
    ("in-process server", "direct", Duration::ZERO, 10_000),
    ("1 ms each way", "delayed1", Duration::from_millis(1), 2_000),
    ("5 ms each way", "delayed5", Duration::from_millis(5), 1_000),
];

/// Chunks in flight tried for `batch_put` under latency.
const CONCURRENCY: [usize; 4] = [1, 4, 8, 16];

async fn table(client: &Client, name: String) -> OrderRepository {
    let repo = OrderRepository::new(client.clone()).with_table_name(name);
    repo.create_table().await.expect("create table");
    repo
}

/// Copies `from` to `to`, waiting `delay` before passing on each chunk read.
async fn pipe(mut from: tokio::net::tcp::OwnedReadHalf, mut to: tokio::net::tcp::OwnedWriteHalf, delay: Duration) {
    let mut buffer = vec![0; 256 * 1024];
    while let Ok(n @ 1..) = from.read(&mut buffer).await {
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        if to.write_all(&buffer[..n]).await.is_err() {
            break;
        }
    }
}

/// A forwarder on 127.0.0.1 to `upstream` that delays each chunk by `delay`, each way.
async fn delayed(upstream: &str, delay: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let endpoint = format!("http://{}", listener.local_addr().expect("address"));
    let upstream = upstream.trim_start_matches("http://").to_owned();
    tokio::spawn(async move {
        while let Ok((inbound, _)) = listener.accept().await {
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let Ok(outbound) = TcpStream::connect(&upstream).await else {
                    return;
                };
                let (client_read, client_write) = inbound.into_split();
                let (server_read, server_write) = outbound.into_split();
                tokio::spawn(pipe(client_read, server_write, delay));
                pipe(server_read, client_write, delay).await;
            });
        }
    });
    endpoint
}

/// One round: sequential creates, then one `batch_put` per chunk concurrency in `concurrency`,
/// each on a fresh table; every table holds every order afterwards.
async fn round(
    client: &Client,
    name: &str,
    orders: &[Order],
    customer: Uuid,
    concurrency: &[usize],
) -> (Duration, Vec<Duration>) {
    let one_by_one = table(client, format!("orders-{name}-sequential")).await;
    let start = Instant::now();
    for order in orders {
        one_by_one.table().put_new(order, None).await.expect("create");
    }
    let sequential = start.elapsed();
    check(&one_by_one, customer, orders.len()).await;
    let mut batched = Vec::new();
    for n in concurrency {
        let batch = table(client, format!("orders-{name}-batch{n}"))
            .await
            .with_retry_policy(RetryPolicy {
                concurrency: *n,
                ..RetryPolicy::default()
            });
        let start = Instant::now();
        let written = batch.batch_put(orders).await.expect("batch put");
        batched.push(start.elapsed());
        assert!(written.is_complete(), "every order written");
        check(&batch, customer, orders.len()).await;
    }
    (sequential, batched)
}

async fn check(repo: &OrderRepository, customer: Uuid, expected: usize) {
    let count = repo.query(customer).count().await.expect("count");
    assert_eq!(count, expected as u64, "{} holds every order", repo.table().name());
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = LocalDynamo::start().expect("server");
    let customer = Uuid::from_u128(9);
    runtime.block_on(async {
        let direct = server.client();
        for (label, slug, delay, count) in CASES {
            let orders: Vec<Order> = (0..count).map(|i| data::order(customer, i)).collect();
            let client = if delay.is_zero() {
                direct.clone()
            } else {
                let endpoint = delayed(server.endpoint(), delay).await;
                Client::from_conf(direct.config().to_builder().endpoint_url(endpoint).build())
            };
            let concurrency: &[usize] = if delay.is_zero() { &[4] } else { &CONCURRENCY };
            let mut sequential = Vec::new();
            let mut batched = vec![Vec::new(); concurrency.len()];
            for i in 0..ROUNDS {
                let (s, b) = round(&client, &format!("{slug}-{i}"), &orders, customer, concurrency).await;
                sequential.push(s);
                for (times, time) in batched.iter_mut().zip(b) {
                    times.push(time);
                }
            }
            let sequential = median(sequential);
            println!("{label}, {count} orders, median of {ROUNDS} rounds: sequential create {sequential:.2?}");
            for (n, times) in concurrency.iter().zip(batched) {
                let batched = median(times);
                println!(
                    "  batch_put, {n} chunks in flight: {batched:.2?}, {:.1}x faster",
                    sequential.as_secs_f64() / batched.as_secs_f64()
                );
            }
        }
    });
}
