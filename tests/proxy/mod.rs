//! A fault-injecting HTTP proxy on 127.0.0.1, between the SDK client and a DynamoDB-compatible
//! server. For each request a plan, given the operation (`Query`, `BatchWriteItem`, …) and how
//! many requests of that operation came before, picks a [`Fault`]: pass it on, answer with a
//! throttling error or a 500 without passing it on, drop the connection before or after the
//! server answered, delay it, process only part of a batch, or cancel a transaction.
//!
//! It speaks just enough HTTP/1.1 for the SDK: `Content-Length` requests on keep-alive
//! connections, one fresh upstream connection per request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does with one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Passes it on.
    Pass,
    /// Answers 400 with this DynamoDB error code, without passing it on
    /// (`ProvisionedThroughputExceededException`, `ThrottlingException`).
    Reject(&'static str),
    /// Answers 500, without passing it on.
    ServerError,
    /// Closes the connection without answering, without passing it on.
    Drop,
    /// Passes it on, then closes the connection halfway through the server's answer: the
    /// server applied the request, the client cannot know.
    DropMidResponse,
    /// Waits, then passes it on.
    Delay(Duration),
    /// BatchWriteItem / BatchGetItem: passes on all but every request whose position `i`
    /// has `i % 10 < n` (n tenths), and answers those as unprocessed.
    Partial(usize),
    /// TransactWriteItems: answers `TransactionCanceledException` with these reason codes,
    /// without passing it on.
    Cancel(Vec<&'static str>),
}

type Plan = dyn Fn(&str, u64) -> Fault + Send + Sync;

/// A running proxy; it stops with the test's runtime.
pub struct Proxy {
    /// `http://127.0.0.1:port`.
    pub endpoint: String,
    counts: Arc<Mutex<HashMap<String, u64>>>,
    faults: Arc<Mutex<u64>>,
}

impl Proxy {
    /// Listens on a free loopback port and forwards to `upstream` (`http://127.0.0.1:port`).
    pub async fn start(upstream: &str, plan: impl Fn(&str, u64) -> Fault + Send + Sync + 'static) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let endpoint = format!("http://{}", listener.local_addr().expect("address"));
        let upstream = upstream.trim_start_matches("http://").to_owned();
        assert!(
            upstream.starts_with("127.0.0.1:"),
            "the proxy forwards to loopback only"
        );
        let plan: Arc<Plan> = Arc::new(plan);
        let counts = Arc::new(Mutex::new(HashMap::new()));
        let faults = Arc::new(Mutex::new(0));
        let state = (counts.clone(), faults.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (plan, upstream, counts, faults) =
                    (plan.clone(), upstream.clone(), state.0.clone(), state.1.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, &upstream, plan.as_ref(), &counts, &faults).await;
                });
            }
        });
        Proxy {
            endpoint,
            counts,
            faults,
        }
    }

    /// Requests of `operation` seen so far.
    pub fn count(&self, operation: &str) -> u64 {
        self.counts.lock().expect("lock").get(operation).copied().unwrap_or(0)
    }

    /// Faults injected so far (everything but `Pass`).
    pub fn faults(&self) -> u64 {
        *self.faults.lock().expect("lock")
    }
}

/// One HTTP message: start line, headers (lower-case names), body.
struct Message {
    start: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Message {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The message with `body`, a matching length, no checksum and `connection: close`
    /// when asked.
    fn to_bytes(&self, close: bool) -> Vec<u8> {
        let mut out = format!("{}\r\n", self.start).into_bytes();
        for (name, value) in &self.headers {
            if matches!(
                name.as_str(),
                "content-length" | "connection" | "x-amz-crc32" | "transfer-encoding"
            ) {
                continue;
            }
            out.extend(format!("{name}: {value}\r\n").into_bytes());
        }
        out.extend(format!("content-length: {}\r\n", self.body.len()).into_bytes());
        if close {
            out.extend(b"connection: close\r\n");
        }
        out.extend(b"\r\n");
        out.extend(&self.body);
        out
    }
}

async fn read_message<R: AsyncBufReadExt + Unpin>(reader: &mut R) -> Option<Message> {
    let mut start = String::new();
    if reader.read_line(&mut start).await.ok()? == 0 {
        return None;
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).await.ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let mut message = Message {
        start: start.trim_end().to_owned(),
        headers,
        body: Vec::new(),
    };
    if message
        .header("transfer-encoding")
        .is_some_and(|v| v.contains("chunked"))
    {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).await.ok()?;
            let size = usize::from_str_radix(size.trim(), 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).await.ok()?;
            if size == 0 {
                break;
            }
            message.body.extend(&chunk[..size]);
        }
    } else {
        let length: usize = message
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        message.body = vec![0; length];
        reader.read_exact(&mut message.body).await.ok()?;
    }
    Some(message)
}

async fn serve(
    stream: TcpStream,
    upstream: &str,
    plan: &Plan,
    counts: &Mutex<HashMap<String, u64>>,
    faults: &Mutex<u64>,
) -> Option<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    loop {
        let mut request = read_message(&mut reader).await?;
        let operation = request
            .header("x-amz-target")
            .and_then(|t| t.rsplit('.').next())
            .unwrap_or("")
            .to_owned();
        let n = {
            let mut counts = counts.lock().expect("lock");
            let count = counts.entry(operation.clone()).or_insert(0);
            *count += 1;
            *count - 1
        };
        let fault = plan(&operation, n);
        if fault != Fault::Pass {
            *faults.lock().expect("lock") += 1;
        }
        let reply = |status: &str, body: Value| Message {
            start: format!("HTTP/1.1 {status}"),
            headers: vec![("content-type".into(), "application/x-amz-json-1.0".into())],
            body: body.to_string().into_bytes(),
        };
        let response = match fault {
            Fault::Pass => forward(upstream, &request).await?,
            Fault::Reject(code) => reply(
                "400 Bad Request",
                json!({"__type": format!("com.amazonaws.dynamodb.v20120810#{code}"), "message": "injected by the test proxy"}),
            ),
            Fault::ServerError => reply(
                "500 Internal Server Error",
                json!({"__type": "com.amazonaws.dynamodb.v20120810#InternalServerError", "message": "injected"}),
            ),
            Fault::Drop => return None,
            Fault::DropMidResponse => {
                let response = forward(upstream, &request).await?.to_bytes(false);
                write.write_all(&response[..response.len() / 2]).await.ok()?;
                return None;
            }
            Fault::Delay(delay) => {
                tokio::time::sleep(delay).await;
                forward(upstream, &request).await?
            }
            Fault::Partial(tenths) => {
                let mut body: Value = serde_json::from_slice(&request.body).ok()?;
                let held = hold_back(&operation, &mut body, tenths);
                request.body = body.to_string().into_bytes();
                let mut response = forward(upstream, &request).await?;
                let mut answer: Value = serde_json::from_slice(&response.body).ok()?;
                let field = if operation == "BatchGetItem" {
                    "UnprocessedKeys"
                } else {
                    "UnprocessedItems"
                };
                answer[field] = held;
                response.body = answer.to_string().into_bytes();
                response
            }
            Fault::Cancel(codes) => {
                let reasons: Vec<Value> = codes
                    .iter()
                    .map(|c| json!({"Code": c, "Message": if *c == "None" { Value::Null } else { json!("injected") }}))
                    .collect();
                reply(
                    "400 Bad Request",
                    json!({
                        "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
                        "message": "Transaction cancelled, please refer cancellation reasons for specific reasons",
                        "CancellationReasons": reasons,
                    }),
                )
            }
        };
        write.write_all(&response.to_bytes(false)).await.ok()?;
    }
}

/// Removes the batch requests at positions `i % 10 < tenths` from `body` and returns them in
/// the shape of DynamoDB's unprocessed field.
fn hold_back(operation: &str, body: &mut Value, tenths: usize) -> Value {
    let mut held = serde_json::Map::new();
    let Some(tables) = body["RequestItems"].as_object_mut() else {
        return Value::Object(held);
    };
    for (table, requests) in tables.iter_mut() {
        let list = if operation == "BatchGetItem" {
            &mut requests["Keys"]
        } else {
            &mut *requests
        };
        let Some(items) = list.as_array_mut() else { continue };
        let (mut kept, mut back) = (Vec::new(), Vec::new());
        for (i, item) in items.drain(..).enumerate() {
            if i % 10 < tenths && i > 0 {
                back.push(item);
            } else {
                kept.push(item);
            }
        }
        *items = kept;
        if back.is_empty() {
            continue;
        }
        let entry = if operation == "BatchGetItem" {
            let mut keys = requests.clone();
            keys["Keys"] = Value::Array(back);
            keys
        } else {
            Value::Array(back)
        };
        held.insert(table.clone(), entry);
    }
    Value::Object(held)
}

/// Sends `request` upstream on a fresh connection and reads the whole answer.
async fn forward(upstream: &str, request: &Message) -> Option<Message> {
    let mut stream = TcpStream::connect(upstream).await.ok()?;
    stream.write_all(&request.to_bytes(true)).await.ok()?;
    let mut reader = BufReader::new(stream);
    read_message(&mut reader).await
}
