//! 10,000 orders written to the embedded server by `batch_put` against one `create` at a time
//! (the conditional PutItem that `create` sends, through `table().put_new`), measured in the
//! same run, each round on fresh tables: once straight to the in-process server, and once
//! through a loopback forwarder that delays each request by 1 ms, a same-region network round
//! trip. Run: `cargo bench -p ddbgen-benches --bench batch_writes`.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use ddbgen_benches::data;
use ddbgen_benches::orders::order::{Order, OrderRepository};
use ddbgen_runtime::QueryBuilder;
use ddbgen_runtime::aws_sdk_dynamodb::Client;
use ddbgen_runtime::codegen::Uuid;
use ddbgen_runtime::local::LocalDynamo;

/// Orders written per round.
const ORDERS: u32 = 10_000;
/// Rounds; the median is reported.
const ROUNDS: usize = 3;

/// The one-way delay the forwarder adds to every request.
const ROUND_TRIP: Duration = Duration::from_millis(1);

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

/// A forwarder on 127.0.0.1 to `upstream` that delays what the client sends by `delay`.
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
                pipe(server_read, client_write, Duration::ZERO).await;
            });
        }
    });
    endpoint
}

/// One round: sequential creates and one batch_put of `orders` on fresh tables.
async fn round(client: &Client, name: &str, orders: &[Order], customer: Uuid) -> (Duration, Duration) {
    let one_by_one = table(client, format!("orders-{name}-sequential")).await;
    let start = Instant::now();
    for order in orders {
        one_by_one.table().put_new(order, None).await.expect("create");
    }
    let sequential = start.elapsed();

    let batch = table(client, format!("orders-{name}-batch")).await;
    let start = Instant::now();
    let written = batch.batch_put(orders).await.expect("batch put");
    let batched = start.elapsed();
    assert!(written.is_complete(), "every order written");

    for repo in [&one_by_one, &batch] {
        let count = repo.query(customer).count().await.expect("count");
        assert_eq!(count, orders.len() as u64, "{} holds every order", repo.table().name());
    }
    println!("{name}: sequential create {sequential:.2?}, batch_put {batched:.2?}");
    (sequential, batched)
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
    let orders: Vec<Order> = (0..ORDERS).map(|i| data::order(customer, i)).collect();
    runtime.block_on(async {
        let direct = server.client();
        let endpoint = delayed(server.endpoint(), ROUND_TRIP).await;
        let remote = Client::from_conf(direct.config().to_builder().endpoint_url(endpoint).build());
        for (label, slug, client) in [
            ("in-process server", "direct", &direct),
            ("1 ms round trip", "delayed", &remote),
        ] {
            let (mut sequential, mut batched) = (Vec::new(), Vec::new());
            for i in 0..ROUNDS {
                let name = format!("{slug}-{i}");
                let (s, b) = round(client, &name, &orders, customer).await;
                sequential.push(s);
                batched.push(b);
            }
            let (sequential, batched) = (median(sequential), median(batched));
            println!(
                "{label}, {ORDERS} orders, median of {ROUNDS} rounds: sequential create {sequential:.2?}, batch_put {batched:.2?}: batch_put is {:.1}x faster",
                sequential.as_secs_f64() / batched.as_secs_f64()
            );
        }
    });
}
