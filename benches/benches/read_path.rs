//! Where the time of a 1 MB Query page goes, before any optimisation (issue "reads at wire
//! speed", step 1). A replay server on 127.0.0.1 answers every request with the same recorded
//! 1 MB Query response, so the embedded server's own time is out of it; then, per page:
//!
//! - `transport`: the request and the 1 MB body over a kept-alive loopback connection, with no
//!   SDK (the floor any client pays);
//! - `sdk_empty_page`: the SDK's fixed cost per call (signing, endpoint, interceptors, retry
//!   bookkeeping), on a response without items;
//! - `sdk_query_page`: the SDK's whole call, the body parsed into `HashMap<String,
//!   AttributeValue>` items, dropped untimed;
//! - `json_value_parse`: the same body parsed by `serde_json` into `serde_json::Value`, for scale;
//! - `generated_decode`: the generated decoders on the SDK's items (the read path's own work);
//! - `free_sdk_items`: freeing the SDK's items of one page.
//!
//! Then bytes to a `Vec` of typed items, the whole read (step 2, the fast path):
//!
//! - `e2e_sdk_serde_dynamo`: the SDK's call, then serde_dynamo (on its own encoding of the same
//!   items);
//! - `e2e_sdk_generated`: a repository read with `with_fast_reads(false)`: the SDK's items, then
//!   the generated decoders (the reference path);
//! - `e2e_fast`: the same read on the fast path, from the body straight to the items.
//!
//! Three shapes: `orders` (20 fields, nested lists and maps, string-heavy), `threads` (the forum
//! threads of the DynamoDB docs, long strings) and `string_light` (the shop's orders: UUIDs, a
//! date, an enum, a decimal, times).
//!
//! The setup prints the allocations and peak bytes of one page on each path, and the peak of
//! the SDK reading a body of the same size without items: the floor of every path. The counting
//! allocator counts this thread only; the replay server runs on its own.
//! Run: `cargo bench -p ddbgen-benches --bench read_path`.

use std::hint::black_box;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ddbgen_benches::alloc_counter::{self, CountingAllocator};
use ddbgen_benches::data;
use ddbgen_benches::orders::order::Order;
use ddbgen_benches::orders::thread::Thread;
use ddbgen_benches::shop::order::Order as ShopOrder;
use ddbgen_runtime::aws_sdk_dynamodb::Client;
use ddbgen_runtime::{AttributeMap, AttributeValue, Item, Table};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// An attribute value in DynamoDB's JSON wire format.
fn wire(value: &AttributeValue) -> serde_json::Value {
    use base64::Engine;
    use serde_json::json;
    match value {
        AttributeValue::S(s) => json!({ "S": s }),
        AttributeValue::N(n) => json!({ "N": n }),
        AttributeValue::B(b) => json!({ "B": base64::engine::general_purpose::STANDARD.encode(b.as_ref()) }),
        AttributeValue::Bool(b) => json!({ "BOOL": b }),
        AttributeValue::Null(_) => json!({ "NULL": true }),
        AttributeValue::Ss(items) => json!({ "SS": items }),
        AttributeValue::Ns(items) => json!({ "NS": items }),
        AttributeValue::Bs(items) => json!({ "BS": items
            .iter()
            .map(|b| base64::engine::general_purpose::STANDARD.encode(b.as_ref()))
            .collect::<Vec<_>>() }),
        AttributeValue::L(items) => json!({ "L": items.iter().map(wire).collect::<Vec<_>>() }),
        AttributeValue::M(map) => json!({ "M": wire_map(map) }),
        other => panic!("no such value in the benchmark's items: {other:?}"),
    }
}

fn wire_map(map: &AttributeMap) -> serde_json::Map<String, serde_json::Value> {
    map.iter().map(|(k, v)| (k.clone(), wire(v))).collect()
}

/// A Query response body holding `items`, as DynamoDB sends it.
fn query_body(items: &[AttributeMap]) -> Vec<u8> {
    let items: Vec<serde_json::Value> = items.iter().map(|i| serde_json::Value::Object(wire_map(i))).collect();
    let count = items.len();
    serde_json::to_vec(&serde_json::json!({ "Items": items, "Count": count, "ScannedCount": count })).expect("json")
}

/// Serves `body` as the answer to every request, on its own thread, until the process ends.
fn replay_server(body: Vec<u8>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let body = body.clone();
            std::thread::spawn(move || serve(stream, &body));
        }
    });
    address
}

/// Where an HTTP message's head ends (just past its blank line), and its `Content-Length`,
/// once `buffer` holds the whole head.
fn head_and_length(buffer: &[u8]) -> Option<(usize, Option<usize>)> {
    let end = buffer.windows(4).position(|w| w == b"\r\n\r\n")?;
    let headers = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
    let length = headers
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    Some((end + 4, length))
}

/// Answers each request of a kept-alive connection with `body`.
fn serve(mut stream: TcpStream, body: &[u8]) {
    let _ = stream.set_nodelay(true);
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nx-amzn-RequestId: replay\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        // A request: headers, then Content-Length bytes of body.
        let (header_end, length) = loop {
            if let Some((end, length)) = head_and_length(&buffer) {
                break (end, length.unwrap_or(0));
            }
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        while buffer.len() < header_end + length {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        buffer.drain(..header_end + length);
        if stream.write_all(head.as_bytes()).is_err() || stream.write_all(body).is_err() {
            return;
        }
    }
}

/// A plain HTTP/1.1 client on one kept-alive connection: the transport floor.
struct RawClient {
    stream: TcpStream,
    request: Vec<u8>,
    buffer: Vec<u8>,
}

impl RawClient {
    fn new(address: SocketAddr) -> Self {
        let stream = TcpStream::connect(address).expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        let body = br##"{"TableName":"orders","KeyConditionExpression":"#c = :c"}"##;
        let mut request = format!(
            "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: DynamoDB_20120810.Query\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(body);
        RawClient {
            stream,
            request,
            buffer: Vec::with_capacity(2 << 20),
        }
    }

    /// Sends the request and reads the whole answer; returns the body's length.
    fn fetch(&mut self) -> usize {
        self.stream.write_all(&self.request).expect("send");
        self.buffer.clear();
        let mut chunk = [0u8; 64 * 1024];
        loop {
            let n = self.stream.read(&mut chunk).expect("read");
            assert!(n > 0, "the server closed the connection");
            self.buffer.extend_from_slice(&chunk[..n]);
            if let Some((end, length)) = head_and_length(&self.buffer) {
                let length = length.expect("content-length");
                while self.buffer.len() < end + length {
                    let n = self.stream.read(&mut chunk).expect("read");
                    assert!(n > 0, "short body");
                    self.buffer.extend_from_slice(&chunk[..n]);
                }
                return length;
            }
        }
    }
}

fn sdk_client(address: SocketAddr) -> Client {
    use ddbgen_runtime::aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
    let config = ddbgen_runtime::aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(format!("http://{address}"))
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("bench", "bench", None, None, "bench"))
        .build();
    Client::from_conf(config)
}

async fn sdk_page(client: &Client) -> Vec<AttributeMap> {
    client
        .query()
        .table_name("orders")
        .key_condition_expression("#c = :c")
        .expression_attribute_names("#c", "customer_id")
        .expression_attribute_values(":c", AttributeValue::S("x".into()))
        .send()
        .await
        .expect("query")
        .items
        .unwrap_or_default()
}

/// One page read through a repository's table on the replay server: the whole read, bytes to
/// typed items.
async fn table_page<T: Item>(table: &Table<T>) -> Vec<T> {
    table.scan().page(None).await.expect("a page").items
}

/// The benchmarks of one item shape, named `shape`.
fn shape<T>(c: &mut Criterion, shape: &str, items: Vec<AttributeMap>, serde_items: Vec<AttributeMap>)
where
    T: Item + ddbgen_runtime::codegen::serde::de::DeserializeOwned,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let body = query_body(&items);
    let full = replay_server(body.clone());
    let empty = replay_server(query_body(&[]));
    let (full_client, empty_client) = (sdk_client(full), sdk_client(empty));
    let mut raw = RawClient::new(full);

    // One page on each path, counted (after a warm-up call that opens the connections).
    runtime.block_on(sdk_page(&full_client));
    runtime.block_on(sdk_page(&empty_client));
    let (page, sdk_allocations, sdk_peak) = alloc_counter::measure(|| runtime.block_on(sdk_page(&full_client)));
    let count = page.len();
    let copy = page.clone();
    let (decoded, decode_allocations, decode_peak) = alloc_counter::measure(|| {
        copy.into_iter()
            .map(|i| T::from_item(i).expect("decodes"))
            .collect::<Vec<T>>()
    });
    drop(decoded);
    let (_, json_allocations, _) =
        alloc_counter::measure(|| serde_json::from_slice::<serde_json::Value>(&body).expect("json"));
    println!(
        "{shape}: {count} items, body {} bytes; SDK call {sdk_allocations} allocations ({:.1}/item), peak {:.1} MB; \
         decode {decode_allocations} allocations ({:.1}/item), peak {:.1} MB above the SDK's items; \
         serde_json::Value {json_allocations} allocations",
        body.len(),
        sdk_allocations as f64 / count as f64,
        sdk_peak as f64 / 1e6,
        decode_allocations as f64 / count as f64,
        decode_peak as f64 / 1e6,
    );

    let mut group = c.benchmark_group(format!("read_path_{shape}"));
    group.sample_size(30);
    group.bench_function("transport", |b| b.iter(|| black_box(raw.fetch())));
    group.bench_function("sdk_empty_page", |b| {
        b.iter(|| black_box(runtime.block_on(sdk_page(&empty_client))))
    });
    group.bench_function("sdk_query_page", |b| {
        b.iter_with_large_drop(|| runtime.block_on(sdk_page(&full_client)))
    });
    group.bench_function("json_value_parse", |b| {
        b.iter_with_large_drop(|| serde_json::from_slice::<serde_json::Value>(&body).expect("json"))
    });
    group.bench_function("generated_decode", |b| {
        b.iter_batched(
            || page.clone(),
            |items| {
                items
                    .into_iter()
                    .map(|i| T::from_item(i).expect("decodes"))
                    .collect::<Vec<T>>()
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("free_sdk_items", |b| {
        b.iter_batched(|| page.clone(), drop, BatchSize::LargeInput)
    });

    // Bytes to typed items, whole reads.
    let serde_server = sdk_client(replay_server(query_body(&serde_items)));
    let serde_read = || async {
        let page = sdk_page(&serde_server).await;
        page.into_iter()
            .map(|i| serde_dynamo::from_item(i).expect("decodes"))
            .collect::<Vec<T>>()
    };
    // The floor of any path: the SDK reading a body of this size that holds no items (one
    // string member of the same length instead), which it collects into one buffer.
    let padding = "x".repeat(body.len());
    let padded =
        serde_json::to_vec(&serde_json::json!({ "Items": [], "Count": 0, "ScannedCount": 0, "Padding": padding }))
            .expect("json");
    let padded_client = sdk_client(replay_server(padded));
    runtime.block_on(sdk_page(&padded_client));
    let (_, _, floor) = alloc_counter::measure(|| runtime.block_on(sdk_page(&padded_client)));
    println!(
        "{shape}: the SDK reading a {} byte body without items peaks at {:.2} MB (the body collected into one buffer)",
        body.len(),
        floor as f64 / 1e6
    );
    let fast = Table::<T>::new(full_client.clone()).with_table_name("orders");
    let reference = fast.clone().with_fast_reads(false);
    runtime.block_on(serde_read());
    runtime.block_on(table_page(&fast));
    for (path, (items, allocations, peak)) in [
        (
            "SDK + serde_dynamo",
            alloc_counter::measure(|| runtime.block_on(serde_read())),
        ),
        (
            "SDK + generated",
            alloc_counter::measure(|| runtime.block_on(table_page(&reference))),
        ),
        (
            "fast path",
            alloc_counter::measure(|| runtime.block_on(table_page(&fast))),
        ),
    ] {
        assert_eq!(items.len(), count, "{path} read every item");
        println!(
            "{shape} whole read, {path}: {allocations} allocations ({:.2}/item), peak {:.2} MB",
            allocations as f64 / count as f64,
            peak as f64 / 1e6
        );
    }
    group.bench_function("e2e_sdk_serde_dynamo", |b| {
        b.iter_with_large_drop(|| runtime.block_on(serde_read()))
    });
    group.bench_function("e2e_sdk_generated", |b| {
        b.iter_with_large_drop(|| runtime.block_on(table_page(&reference)))
    });
    group.bench_function("e2e_fast", |b| {
        b.iter_with_large_drop(|| runtime.block_on(table_page(&fast)))
    });
    group.finish();
}

fn read_path(c: &mut Criterion) {
    let serde = |item| serde_dynamo::to_item(item).expect("encodes");
    let orders = data::page(1 << 20);
    let items: Vec<AttributeMap> = orders.iter().map(Item::to_item).collect();
    shape::<Order>(c, "orders", items, orders.iter().map(serde).collect());
    let threads = data::thread_page(1 << 20);
    let items: Vec<AttributeMap> = threads.iter().map(Item::to_item).collect();
    let serde = |item| serde_dynamo::to_item(item).expect("encodes");
    shape::<Thread>(c, "threads", items, threads.iter().map(serde).collect());
    let orders = data::shop_order_page(1 << 20);
    let items: Vec<AttributeMap> = orders.iter().map(Item::to_item).collect();
    let serde = |item| serde_dynamo::to_item(item).expect("encodes");
    shape::<ShopOrder>(c, "string_light", items, orders.iter().map(serde).collect());
}

criterion_group!(benches, read_path);
criterion_main!(benches);
