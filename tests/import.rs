//! `ddbgen import` round trips. A table written by another tool (raw SDK calls, on the embedded
//! server) is imported; the schema is `tests/fixtures/good/imported.yaml` (rewritten with
//! `UPDATE_GOLDEN=1`), which `build.rs` compiles; and the generated code reads every item of
//! the table back. A design of AWS's data-modeling MCP server (`fixtures/import/mcp_schema.json`)
//! is imported as `tests/fixtures/good/mcp_imported.yaml`, compiled the same way, and its
//! access patterns read through the generated code.

use std::path::Path;
use std::process::ExitCode;

use ddbgen_runtime::aws_sdk_dynamodb::types::{
    AttributeDefinition, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, TimeToLiveSpecification,
};
use ddbgen_runtime::codegen::Decimal;
use ddbgen_runtime::local::LocalDynamo;
use ddbgen_runtime::{AttributeMap, AttributeValue, QueryBuilder};
use ddbgen_tests::imported::legacy_orders::LegacyOrdersRepository;
use ddbgen_tests::mcp_imported::app_table::AppTableRepository;
use ddbgen_tests::mcp_imported::order::{NewOrder, OrderRepository};

mod support;

const TABLE: &str = "legacy_orders";
const ITEMS: u32 = 24;

fn s(text: impl Into<String>) -> AttributeValue {
    AttributeValue::S(text.into())
}

fn n(text: impl ToString) -> AttributeValue {
    AttributeValue::N(text.to_string())
}

/// Item `i` as another tool wrote it: a composite sort key of its own making, times as text,
/// exact decimals, sets, a list of maps, a nested map, optional and NULL attributes, bytes, a
/// TTL in epoch seconds, and one attribute whose type varies from item to item.
fn item(i: u32) -> AttributeMap {
    let mut item = AttributeMap::from([
        ("customer".to_owned(), s(format!("c{}", i % 4))),
        ("sk".to_owned(), s(format!("ORDER#2024-05-{:02}#{i:04}", 1 + i % 28))),
        ("id".to_owned(), s(format!("00000000-0000-4000-8000-{i:012}"))),
        ("status".to_owned(), s(["placed", "shipped"][(i % 2) as usize])),
        (
            "placedAt".to_owned(),
            s(format!("2024-05-{:02}T10:{:02}:00Z", 1 + i % 28, i % 60)),
        ),
        ("total".to_owned(), n(format!("{}.{:02}", 10 + i, i % 100))),
        ("qty".to_owned(), n(i + 1)),
        (
            "tags".to_owned(),
            AttributeValue::Ss(vec!["web".into(), format!("t{}", i % 3)]),
        ),
        (
            "lines".to_owned(),
            AttributeValue::L(
                (0..2)
                    .map(|k| {
                        AttributeValue::M(AttributeMap::from([
                            ("sku".to_owned(), s(format!("SKU-{k}"))),
                            ("qty".to_owned(), n(k + 1)),
                        ]))
                    })
                    .collect(),
            ),
        ),
        (
            "address".to_owned(),
            AttributeValue::M(AttributeMap::from([
                ("street".to_owned(), s("Main St 1")),
                ("city".to_owned(), s("Leeds")),
            ])),
        ),
        ("gift".to_owned(), AttributeValue::Bool(i.is_multiple_of(3))),
        ("blob".to_owned(), AttributeValue::B(vec![i as u8, 1, 2].into())),
        ("expires".to_owned(), n(1_800_000_000 + i)),
        ("mixed".to_owned(), if i.is_multiple_of(2) { s("x") } else { n(i) }),
    ]);
    if i.is_multiple_of(4) {
        item.insert("note".to_owned(), s("ring twice"));
    }
    if i.is_multiple_of(5) {
        item.insert("coupon".to_owned(), AttributeValue::Null(true));
    } else if i % 5 == 1 {
        item.insert("coupon".to_owned(), s("SAVE10"));
    }
    item
}

async fn legacy_table(server: &LocalDynamo) {
    let client = server.client();
    let key = |name: &str, kind: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .expect("key")
    };
    let string = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .expect("definition")
    };
    client
        .create_table()
        .table_name(TABLE)
        .billing_mode(ddbgen_runtime::aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .attribute_definitions(string("customer"))
        .attribute_definitions(string("sk"))
        .attribute_definitions(string("status"))
        .attribute_definitions(string("placedAt"))
        .key_schema(key("customer", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name("by_status")
                .key_schema(key("status", KeyType::Hash))
                .key_schema(key("placedAt", KeyType::Range))
                .projection(Projection::builder().projection_type(ProjectionType::All).build())
                .build()
                .expect("index"),
        )
        .send()
        .await
        .expect("create the legacy table");
    client
        .update_time_to_live()
        .table_name(TABLE)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name("expires")
                .build()
                .expect("ttl"),
        )
        .send()
        .await
        .expect("ttl on");
    for i in 0..ITEMS {
        client
            .put_item()
            .table_name(TABLE)
            .set_item(Some(item(i)))
            .send()
            .await
            .expect("put");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_schema_reads_every_item_of_the_table_it_came_from() {
    let server = LocalDynamo::start().expect("server");
    legacy_table(&server).await;
    let endpoint = server.endpoint().to_owned();
    let (code, schema, err) = tokio::task::spawn_blocking(move || {
        support::run_cli(&["import", "--endpoint", endpoint.as_str(), "--table", TABLE])
    })
    .await
    .expect("import ran");
    assert_eq!(code, ExitCode::from(0), "{err}");

    // What the sample could not settle is said where it applies.
    assert!(
        schema.contains("# `mixed` is not imported: it holds N and S in the sample"),
        "{schema}"
    );
    assert!(schema.contains("a composite key"), "{schema}");
    assert!(schema.contains("ttl: expires"), "{schema}");
    matches_fixture("imported.yaml", &schema);

    // The code generated from it (by build.rs) reads every item back, typed.
    let orders = LegacyOrdersRepository::new(server.client());
    let all = orders.scan().all().await.expect("every item decodes");
    assert_eq!(all.len(), ITEMS as usize);
    let first = all.iter().find(|o| o.qty == 1).expect("item 0");
    assert_eq!(first.total, Decimal::new(1000, 2));
    assert_eq!(first.address.city, "Leeds");
    assert_eq!(first.lines.len(), 2);
    assert_eq!(first.note.as_deref(), Some("ring twice"));
    assert_eq!(first.coupon, None, "NULL reads as None");
    // The index came along, and serves typed queries.
    let shipped = orders.query_by_status("shipped").all().await.expect("query");
    assert_eq!(shipped.len(), (ITEMS / 2) as usize);
}

/// The committed fixture `name` is what `ddbgen import` wrote now (`UPDATE_GOLDEN=1` rewrites it).
fn matches_fixture(name: &str, schema: &str) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/good").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&fixture, schema).expect("write the fixture");
    }
    let committed = std::fs::read_to_string(&fixture).expect("the committed fixture");
    assert_eq!(
        committed, schema,
        "tests/fixtures/good/{name} is not what `ddbgen import` writes now (UPDATE_GOLDEN=1 rewrites it)"
    );
}

#[tokio::test]
async fn an_mcp_design_becomes_a_schema_whose_access_patterns_read() {
    // Relative to this crate (where cargo runs its tests), so the header names the same path on
    // every checkout.
    let (code, schema, err) = support::run_cli(&["import", "--mcp", "fixtures/import/mcp_schema.json"]);
    assert_eq!(code, ExitCode::from(0), "{err}");
    // Templates and index mappings as the design wrote them; reads every repository has, and a
    // pattern no key serves, as comments with the reason.
    assert!(schema.contains(r#"sk: "ORDER#{created_at}#{order_id}""#), "{schema}");
    assert!(schema.contains(r#"gsi1_pk: "STATUS#{status}""#), "{schema}");
    assert!(
        schema.contains("# get_user: GetItem; every repository has it"),
        "{schema}"
    );
    assert!(
        schema.contains(
            "# get_orders_of_total (given: [total]) is not served as declared: no key of entity `Order` serves"
        ),
        "{schema}"
    );
    assert!(
        schema.contains("display_name: { type: string, optional: true, attribute: displayName }"),
        "{schema}"
    );
    matches_fixture("mcp_imported.yaml", &schema);

    // The generated code (build.rs compiles the fixture) serves the design's access patterns.
    let server = LocalDynamo::start().expect("server");
    let table = AppTableRepository::new(server.client());
    table.create_table().await.expect("create");
    let orders = OrderRepository::new(server.client());
    for (at, status) in [
        ("2024-05-01T10:00:00Z", "placed"),
        ("2024-05-02T10:00:00Z", "shipped"),
        ("2024-05-03T10:00:00Z", "placed"),
    ] {
        orders
            .create(NewOrder {
                user_id: "u1".into(),
                order_id: ddbgen_runtime::codegen::Uuid::new_v4(),
                created_at: at.into(),
                status: status.into(),
                total: Decimal::new(1999, 2),
                items: 1,
                gift: None,
            })
            .await
            .expect("create");
    }
    assert_eq!(orders.get_user_orders("u1").all().await.expect("pattern").len(), 3);
    assert_eq!(
        orders
            .get_user_orders_since("u1", "2024-05-02T00:00:00Z")
            .all()
            .await
            .expect("pattern")
            .len(),
        2
    );
    assert_eq!(
        orders
            .get_orders_by_status("placed")
            .all()
            .await
            .expect("pattern")
            .len(),
        2
    );
}

/// Every example schema, exported as a NoSQL Workbench model and imported back, declares the
/// same physical tables: names, keys and their types, global indexes and projections (what a
/// model can say: no TTL, local index or multi-attribute key, which export reports leaving out).
#[test]
fn a_nosql_workbench_model_keeps_the_physical_tables_both_ways() {
    use ddbgen::SchemaSource;
    use ddbgen::infra::TableLayout;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = std::env::temp_dir().join(format!("ddbgen-nw-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // What a model can say of a table.
    let comparable = |mut t: TableLayout| {
        t.item = String::new();
        t.ttl = None;
        t.local.clear();
        t.global.retain(|i| i.hash.len() == 1 && i.range.len() <= 1);
        t
    };
    let layouts = |sources: &[SchemaSource]| -> Vec<TableLayout> {
        let modules = ddbgen::compile(sources).expect("valid");
        modules
            .iter()
            .flat_map(|(_, _, model)| ddbgen::infra::tables(model))
            .map(comparable)
            .collect()
    };
    for name in ["library", "catalog", "shop", "fulfilment"] {
        let schema = root.join(format!("schemas/{name}.yaml"));
        let model_path = dir.join(format!("{name}.json"));
        let (code, _, err) = support::run_cli(&[
            "export",
            "nosql-workbench",
            schema.to_str().expect("path"),
            "--out",
            model_path.to_str().expect("path"),
        ]);
        assert_eq!(code, ExitCode::from(0), "{err}");
        let model: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&model_path).expect("model")).expect("json");
        assert_eq!(model["ModelMetadata"]["Version"], "3.0");
        assert_eq!(model["ModelMetadata"]["AWSService"], "Amazon DynamoDB");
        let (code, imported, err) =
            support::run_cli(&["import", "--nosql-workbench", model_path.to_str().expect("path")]);
        assert_eq!(code, ExitCode::from(0), "{err}");
        let original = SchemaSource::read(&schema).expect("schema");
        let back = SchemaSource {
            name: format!("{name}-imported.yaml"),
            text: imported.clone(),
        };
        assert_eq!(layouts(&[back]), layouts(&[original]), "{name}:\n{imported}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A live table's vector index comes back as the schema declares one: the vector field typed
/// `vector<N>` and the index with its distance, hash and filters; the schema validates.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_vector_index_is_imported_as_a_vector_field_and_index() {
    use ddbgen_tests::vectors::passage::{NewPassage, PassageRepository};
    let server = LocalDynamo::start().expect("server");
    let passages = PassageRepository::new(server.client());
    passages.create_table().await.expect("create");
    passages
        .create(NewPassage {
            shelf: "sf".into(),
            id: "1".into(),
            text: "a passage".into(),
            year: 1965,
            embedding: Some(vec![0.5, 0.25, 1.0]),
            ..NewPassage::default()
        })
        .await
        .expect("create");
    let endpoint = server.endpoint().to_owned();
    let (code, schema, err) = tokio::task::spawn_blocking(move || {
        support::run_cli(&["import", "--endpoint", endpoint.as_str(), "--table", "passages"])
    })
    .await
    .expect("import ran");
    assert_eq!(code, ExitCode::from(0), "{err}");
    assert!(schema.contains("embedding: { type: vector<3> }"), "{schema}");
    assert!(
        schema.contains("    vector_indexes:\n      by_meaning: { attribute: embedding, distance: cosine, hash_key: shelf, filters: [year, status] }\n"),
        "{schema}"
    );
    let dir = std::env::temp_dir().join(format!("ddbgen-import-vectors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("passages.yaml");
    std::fs::write(&path, &schema).expect("write");
    let (code, _, err) = support::run_cli(&["validate", path.to_str().expect("path")]);
    assert_eq!(
        code,
        ExitCode::from(0),
        "the imported schema validates: {err}\n{schema}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
