//! `ddbgen plan` and `ddbgen apply` against the embedded server: apply then plan reports no
//! difference; indexes are added and removed one at a time and TTL set; a key change is
//! refused whole; a table missing from the schema is never deleted.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ddbgen_runtime::admin::{self, ProjectionLayout};
use ddbgen_runtime::local::LocalDynamo;

mod support;

use support::run_cli as run;

fn schema(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write schema");
    path
}

/// Runs `command` (`plan`, `apply`) with `extra` arguments on schema `text`, written to
/// `dir/file`, against `endpoint`: exit code, what it says of every table (standard output
/// without its closing note), standard error.
fn step(
    dir: &Path,
    file: &str,
    endpoint: &str,
    text: &str,
    command: &str,
    extra: &[&str],
) -> (ExitCode, String, String) {
    let path = schema(dir, file, text);
    let path = path.to_str().expect("path").to_owned();
    let mut args = vec![command, path.as_str(), "--endpoint", endpoint];
    args.extend(extra);
    let (code, out, err) = run(&args);
    let out: String = out
        .lines()
        .filter(|l| !l.starts_with("note: "))
        .map(|l| format!("{l}\n"))
        .collect();
    (code, out, err)
}

fn describe(server: &LocalDynamo, name: &str) -> Option<admin::TableLayout> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime
        .block_on(admin::describe(&server.client(), name))
        .expect("describe")
}

const BEFORE: &str = r#"version: 1
tables:
  Order:
    table_name: orders
    hash_key: customer
    range_key: placed_at
    ttl: expires
    fields:
      customer:  { type: string }
      placed_at: { type: datetime }
      status:    { type: string }
      total:     { type: u64 }
      expires:   { type: datetime, format: epoch_seconds, optional: true }
    indexes:
      by_status: { kind: global, hash_key: status, range_key: placed_at, projection: keys_only }
      by_total:  { kind: local, range_key: total, projection: all }
  Note:
    table_name: notes
    fields:
      text: { type: string }
"#;

const AFTER: &str = r#"version: 1
tables:
  Order:
    table_name: orders
    hash_key: customer
    range_key: placed_at
    fields:
      customer:  { type: string }
      placed_at: { type: datetime }
      status:    { type: string }
      total:     { type: u64 }
      expires:   { type: datetime, format: epoch_seconds, optional: true }
    indexes:
      by_total:  { kind: local, range_key: total, projection: all }
      by_amount: { kind: global, hash_key: total, projection: include, include: [status] }
"#;

const NEW_KEY: &str = r#"version: 1
tables:
  Order:
    table_name: orders
    hash_key: status
    range_key: placed_at
    fields:
      customer:  { type: string }
      placed_at: { type: datetime }
      status:    { type: string }
      total:     { type: u64 }
    indexes:
      by_total:  { kind: local, range_key: total, projection: all }
"#;

#[test]
fn apply_then_plan_reports_no_difference() {
    let server = LocalDynamo::start().expect("server");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let (library, catalog, shop, fulfilment) = (
        root.join("schemas/library.yaml"),
        root.join("schemas/catalog.yaml"),
        root.join("schemas/shop.yaml"),
        root.join("schemas/fulfilment.yaml"),
    );
    let (library, catalog, shop, fulfilment) = (
        library.to_str().expect("path"),
        catalog.to_str().expect("path"),
        shop.to_str().expect("path"),
        fulfilment.to_str().expect("path"),
    );
    let endpoint = server.endpoint().to_owned();
    let live = ["--endpoint", endpoint.as_str(), "--table-prefix", "dev-"];
    let args = |command: &'static str| -> Vec<&str> {
        let mut args = vec![command, library, catalog, shop, fulfilment];
        args.extend(live);
        args
    };
    let (code, out, err) = run(&args("plan"));
    assert_eq!(code, ExitCode::from(1), "{out}{err}");
    assert!(out.contains("dev-books: create the table"), "{out}");
    let (code, out, err) = run(&args("apply"));
    assert_eq!(code, ExitCode::from(0), "{out}{err}");
    assert!(out.contains("dev-books: applied"), "{out}");
    let (code, out, err) = run(&args("plan"));
    assert_eq!(code, ExitCode::from(0), "{out}{err}");
    let (tables, note) = out.trim_end().rsplit_once('\n').expect("tables, then the note");
    assert!(tables.lines().all(|l| l.ends_with(": up to date")), "{out}");
    assert!(
        note.starts_with("note: plan compares the physical tables") && note.contains("`ddbgen diff OLD NEW`"),
        "{note}"
    );
    let books = describe(&server, "dev-books").expect("created");
    assert_eq!(books.ttl.as_deref(), Some("expires_at"));
    assert_eq!(books.global[0].name, "by_title");
    // A single table is one table, whatever its entities: generic string keys, its index.
    let shop = describe(&server, "dev-shop").expect("created");
    assert_eq!((shop.hash.name.as_str(), shop.global[0].name.as_str()), ("pk", "gsi1"));
    // A multi-attribute index key reads back as every attribute, in order: plan agreed above.
    let shipments = describe(&server, "dev-shipments").expect("created");
    let names = |keys: &[admin::KeyLayout]| keys.iter().map(|k| k.name.as_str()).collect::<Vec<_>>().join(",");
    let by_warehouse = &shipments.global[0];
    assert_eq!(
        (names(&by_warehouse.hash), names(&by_warehouse.range)),
        ("tenant,warehouse".to_owned(), "status,promised_at".to_owned())
    );
}

const WITHOUT_NATIVE: &str = r#"version: 1
tables:
  Order:
    table_name: orders
    fields:
      tenant:    { type: string }
      region:    { type: string }
      status:    { type: string }
      placed_at: { type: datetime }
"#;

#[test]
fn apply_adds_a_multi_attribute_index_and_rebuilds_it_when_its_order_changes() {
    let server = LocalDynamo::start().expect("server");
    let dir = std::env::temp_dir().join(format!("ddbgen-lifecycle-multi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let endpoint = server.endpoint().to_owned();
    let step = |text: &str, command: &str, yes: bool| {
        step(
            &dir,
            "orders.yaml",
            &endpoint,
            text,
            command,
            if yes { &["--yes"] } else { &[] },
        )
    };
    let native = format!(
        "{WITHOUT_NATIVE}    indexes:\n      by_region: {{ kind: global, hash_key: [tenant, region], range_key: [status, placed_at] }}\n"
    );
    assert_eq!(step(WITHOUT_NATIVE, "apply", false).0, ExitCode::from(0));
    let (code, out, _) = step(&native, "plan", false);
    assert_eq!(
        (code, out.as_str()),
        (ExitCode::from(1), "orders: add global index `by_region`\n")
    );
    let (code, out, err) = step(&native, "apply", false);
    assert_eq!(code, ExitCode::from(0), "{out}{err}");
    assert_eq!(step(&native, "plan", false).1, "orders: up to date\n");
    let live = describe(&server, "orders").expect("exists");
    let names = |keys: &[admin::KeyLayout]| keys.iter().map(|k| k.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&live.global[0].hash), ["tenant", "region"]);
    assert_eq!(names(&live.global[0].range), ["status", "placed_at"]);
    // The same attributes in another order are another key: the index is rebuilt.
    let reordered = native.replace("[status, placed_at]", "[placed_at, status]");
    let (code, out, _) = step(&reordered, "plan", false);
    assert_eq!(code, ExitCode::from(1));
    assert!(out.starts_with("orders: recreate global index `by_region`"), "{out}");
    let (code, out, err) = step(&reordered, "apply", true);
    assert_eq!(code, ExitCode::from(0), "{out}{err}");
    let live = describe(&server, "orders").expect("exists");
    assert_eq!(names(&live.global[0].range), ["placed_at", "status"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn apply_changes_indexes_and_ttl_and_refuses_key_changes() {
    let server = LocalDynamo::start().expect("server");
    let dir = std::env::temp_dir().join(format!("ddbgen-lifecycle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let endpoint = server.endpoint().to_owned();
    let step_with =
        |text: &str, command: &str, extra: &[&str]| step(&dir, "orders.yaml", &endpoint, text, command, extra);
    let step = |text: &str, command: &str| step_with(text, command, &[]);

    let (code, out, err) = step(BEFORE, "apply");
    assert_eq!(code, ExitCode::from(0), "{out}{err}");
    assert_eq!(step(BEFORE, "plan").0, ExitCode::from(0));

    let (code, out, _) = step(AFTER, "plan");
    assert_eq!(code, ExitCode::from(1));
    assert_eq!(
        out,
        "orders: remove global index `by_status`\norders: add global index `by_amount`\norders: turn TTL off (attribute `expires`)\n"
    );
    // Removing an index makes queries through it fail: without --yes (and without a terminal
    // to ask on), apply refuses and changes nothing.
    let (code, out, err) = step(AFTER, "apply");
    assert_eq!(code, ExitCode::from(2), "{out}{err}");
    assert!(
        err.contains("nothing applied") && err.contains("`orders.by_status`") && err.contains("--yes"),
        "{err}"
    );
    assert_eq!(describe(&server, "orders").expect("exists").global[0].name, "by_status");
    let (code, out, err) = step_with(AFTER, "apply", &["--yes"]);
    assert_eq!(code, ExitCode::from(0), "{out}{err}");
    let (code, out, _) = step(AFTER, "plan");
    assert_eq!((code, out.as_str()), (ExitCode::from(0), "orders: up to date\n"));
    let orders = describe(&server, "orders").expect("exists");
    assert_eq!(orders.global.len(), 1);
    assert_eq!(orders.global[0].name, "by_amount");
    assert_eq!(
        orders.global[0].projection,
        ProjectionLayout::Include(vec!["status".into()])
    );
    assert_eq!(orders.ttl, None);
    assert!(
        describe(&server, "notes").is_some(),
        "a table dropped from the schema is never deleted"
    );

    // A changed projection rebuilds the index: plan says so, apply asks for --yes.
    let reprojected = AFTER.replace("projection: include, include: [status]", "projection: keys_only");
    let (code, out, _) = step(&reprojected, "plan");
    assert_eq!(code, ExitCode::from(1));
    assert_eq!(
        out,
        "orders: recreate global index `by_amount` (its keys or projection changed; it is unavailable until rebuilt)\n"
    );
    assert_eq!(step(&reprojected, "apply").0, ExitCode::from(2));
    let (code, out, err) = step_with(&reprojected, "apply", &["--yes"]);
    assert_eq!(code, ExitCode::from(0), "{out}{err}");
    let orders = describe(&server, "orders").expect("exists");
    assert_eq!(orders.global[0].projection, ProjectionLayout::KeysOnly);
    assert_eq!(step(&reprojected, "plan").0, ExitCode::from(0));

    let (code, out, err) = step(NEW_KEY, "apply");
    assert_eq!(code, ExitCode::from(2));
    assert!(
        out.contains(
            "orders: refused: the live key is customer (S) + placed_at (S), the schema's is status (S) + placed_at (S)"
        ),
        "{out}"
    );
    assert!(err.contains("nothing applied"), "{err}");
    let after = describe(&server, "orders").expect("exists");
    assert_eq!(after, orders, "nothing changed");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_endpoint_without_a_scheme_is_refused_in_one_line() {
    use clap::Parser;
    let parse =
        |endpoint: &str| ddbgen::cli::Cli::try_parse_from(["ddbgen", "plan", "schema.yaml", "--endpoint", endpoint]);
    let error = parse("127.0.0.1:8000").expect_err("refused").to_string();
    assert_eq!(error.lines().count(), 3, "one line, then clap's usage hint: {error}");
    assert!(
        error.contains("`127.0.0.1:8000` has no scheme: write `http://127.0.0.1:8000` (or https://)"),
        "{error}"
    );
    assert!(parse("ftp://127.0.0.1:8000").is_err());
    assert!(parse("http://127.0.0.1:8000").is_ok());
}

/// `ddbgen serve` on a fixed port answers `plan` and `apply`; with `--data` its tables outlive
/// a restart. (It stops when its stop future completes, as Ctrl-C does on the command line.)
#[test]
fn serve_answers_plan_and_keeps_its_tables_in_its_data_file() {
    let dir = std::env::temp_dir().join(format!("ddbgen-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let data = dir.join("dev.db");
    let schema = schema(&dir, "orders.yaml", BEFORE);
    let schema = schema.to_str().expect("path").to_owned();
    let serve_once = |command: &'static str| -> (String, String) {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let args = ddbgen::cli::ServeArgs {
            port,
            data: Some(data.clone()),
        };
        let endpoint = format!("http://127.0.0.1:{port}");
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let (ready, is_ready) = std::sync::mpsc::channel::<()>();
        let server = std::thread::spawn(move || {
            let mut out = Vec::new();
            let _ = ready.send(());
            let code = ddbgen::cli::serve(&args, &mut out, async move {
                // Polled on the server's runtime: wait for the test's word without blocking it.
                while stopped.try_recv().is_err() {
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
            });
            (code, String::from_utf8(out).expect("utf-8"))
        });
        is_ready.recv().expect("started");
        // The server binds before it prints; wait until it answers.
        let mut answer = run(&[command, &schema, "--endpoint", &endpoint]);
        for _ in 0..100 {
            if !answer.2.contains("dispatch failure") && !answer.2.contains("connection") {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
            answer = run(&[command, &schema, "--endpoint", &endpoint]);
        }
        stop.send(()).expect("stop");
        let (code, printed) = server.join().expect("server thread");
        assert_eq!(code.expect("served"), 0);
        assert!(
            printed.starts_with(&format!("DynamoDB (embedded) at {endpoint}, tables kept in ")),
            "{printed}"
        );
        assert!(
            printed.contains("AWS_ACCESS_KEY_ID=") && printed.ends_with("stopped\n"),
            "{printed}"
        );
        (answer.1, answer.2)
    };
    let (out, err) = serve_once("apply");
    assert!(out.contains("orders: applied"), "{out}{err}");
    // A second server on the same file has the table already.
    let (out, err) = serve_once("plan");
    assert!(out.starts_with("orders: up to date\nnotes: up to date\n"), "{out}{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

const PASSAGES: &str = r#"version: 1
tables:
  Passage:
    table_name: passages
    fields:
      text:      { type: string }
      year:      { type: u16 }
      embedding: { type: "vector<3>" }
"#;

#[test]
fn plan_adds_rebuilds_and_removes_vector_indexes_by_the_rule_table() {
    let server = LocalDynamo::start().expect("server");
    let dir = std::env::temp_dir().join(format!("ddbgen-lifecycle-vectors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let endpoint = server.endpoint().to_owned();
    let step = |text: &str, command: &str| step(&dir, "passages.yaml", &endpoint, text, command, &[]);
    let index = |distance: &str| {
        format!(
            "{PASSAGES}    vector_indexes:\n      by_meaning: {{ attribute: embedding, distance: {distance}, filters: [year] }}\n"
        )
    };
    // A table created without the index: plan adds it.
    assert_eq!(step(PASSAGES, "apply").0, ExitCode::from(0));
    let (code, out, _) = step(&index("cosine"), "plan");
    assert_eq!(
        (code, out.as_str()),
        (ExitCode::from(1), "passages: add vector index `by_meaning`\n")
    );
    // A table created with it (CreateTable builds it at once): up to date, then a changed
    // distance is a rebuild and a removed index a removal.
    let created = PASSAGES.replace("passages", "passages2")
        + "    vector_indexes:\n      by_meaning: { attribute: embedding, distance: cosine, filters: [year] }\n";
    assert_eq!(step(&created, "apply").0, ExitCode::from(0));
    assert_eq!(step(&created, "plan").1, "passages2: up to date\n");
    let live = describe(&server, "passages2").expect("exists");
    assert_eq!(
        (
            live.vector[0].name.as_str(),
            live.vector[0].dimensions,
            live.vector[0].filters[0].name.as_str()
        ),
        ("by_meaning", 3, "year")
    );
    let (code, out, _) = step(&created.replace("cosine", "euclidean"), "plan");
    assert_eq!(code, ExitCode::from(1));
    assert!(
        out.starts_with("passages2: recreate vector index `by_meaning`"),
        "{out}"
    );
    let (_, out, _) = step(&PASSAGES.replace("passages", "passages2"), "plan");
    assert_eq!(out, "passages2: remove vector index `by_meaning`\n");
    let _ = std::fs::remove_dir_all(&dir);
}
