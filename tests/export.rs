//! `ddbgen export`: CloudFormation and Terraform from the example schemas, checked field by
//! field; CI also lints the CloudFormation with cfn-lint (`.ci/run`), and this test does when
//! cfn-lint is on the PATH.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

mod support;

fn export(args: &[&str]) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let schemas = [root.join("schemas/library.yaml"), root.join("schemas/catalog.yaml")];
    let schemas: Vec<String> = schemas.iter().map(|p| p.display().to_string()).collect();
    let mut argv = vec!["export"];
    argv.extend(args);
    argv.extend(schemas.iter().map(String::as_str));
    let (code, out, err) = support::run_cli(&argv);
    assert_eq!(code, std::process::ExitCode::from(0), "{err}");
    out
}

#[test]
fn cloudformation_declares_keys_indexes_ttl_and_settings() {
    let template: Value = serde_json::from_str(&export(&["cloudformation"])).expect("json");
    let books = &template["Resources"]["BookTable"];
    assert_eq!(books["Type"], "AWS::DynamoDB::Table");
    assert_eq!(books["DeletionPolicy"], "Retain");
    let p = &books["Properties"];
    assert_eq!(p["TableName"], "books");
    assert_eq!(p["BillingMode"], "PAY_PER_REQUEST");
    assert_eq!(
        p["KeySchema"],
        json!([
            {"AttributeName": "publisher", "KeyType": "HASH"},
            {"AttributeName": "year_isbn", "KeyType": "RANGE"}
        ])
    );
    // Key attributes only: the table's and the index's, never `price` or `authors`.
    assert_eq!(
        p["AttributeDefinitions"],
        json!([
            {"AttributeName": "publisher", "AttributeType": "S"},
            {"AttributeName": "year_isbn", "AttributeType": "S"},
            {"AttributeName": "title", "AttributeType": "S"},
            {"AttributeName": "published_year", "AttributeType": "N"}
        ])
    );
    assert_eq!(p["GlobalSecondaryIndexes"][0]["IndexName"], "by_title");
    assert_eq!(
        p["GlobalSecondaryIndexes"][0]["Projection"],
        json!({"ProjectionType": "ALL"})
    );
    assert_eq!(
        p["TimeToLiveSpecification"],
        json!({"AttributeName": "expires_at", "Enabled": true})
    );
    assert_eq!(
        p["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"],
        true
    );
    assert_eq!(p["DeletionProtectionEnabled"], true);
    assert!(p.get("StreamSpecification").is_none());
    let customers = &template["Resources"]["CustomerTable"]["Properties"];
    assert_eq!(
        customers["GlobalSecondaryIndexes"][0]["Projection"],
        json!({"ProjectionType": "KEYS_ONLY"})
    );

    let provisioned: Value = serde_json::from_str(&export(&[
        "cloudformation",
        "--read",
        "5",
        "--write",
        "7",
        "--stream",
        "new-and-old-images",
        "--no-deletion-protection",
        "--tag",
        "team=books",
    ]))
    .expect("json");
    let p = &provisioned["Resources"]["BookTable"]["Properties"];
    assert_eq!(p["BillingMode"], "PROVISIONED");
    assert_eq!(
        p["ProvisionedThroughput"],
        json!({"ReadCapacityUnits": 5, "WriteCapacityUnits": 7})
    );
    assert_eq!(
        p["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]["WriteCapacityUnits"],
        7
    );
    assert_eq!(p["StreamSpecification"]["StreamViewType"], "NEW_AND_OLD_IMAGES");
    assert_eq!(p["DeletionProtectionEnabled"], false);
    assert_eq!(p["Tags"], json!([{"Key": "team", "Value": "books"}]));
}

#[test]
fn yaml_and_json_are_the_same_template_and_pass_cfn_lint() {
    let json_text = export(&["cloudformation"]);
    let yaml_text = export(&["cloudformation", "--format", "yaml"]);
    assert!(yaml_text.starts_with("AWSTemplateFormatVersion: \"2010-09-09\"\n"));
    assert!(yaml_text.contains("\n  BookTable:\n    DeletionPolicy: \"Retain\"\n"));
    let dir = std::env::temp_dir().join(format!("ddbgen-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (json_path, yaml_path) = (dir.join("tables.json"), dir.join("tables.yaml"));
    std::fs::write(&json_path, json_text).expect("write");
    std::fs::write(&yaml_path, yaml_text).expect("write");
    match Command::new("cfn-lint").arg(&json_path).arg(&yaml_path).output() {
        Ok(output) => assert!(
            output.status.success(),
            "cfn-lint: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(_) => println!("SKIPPED cfn-lint: not installed here (CI installs it and lints the export)"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn terraform_declares_the_same_tables() {
    let config: Value = serde_json::from_str(&export(&["terraform"])).expect("json");
    let book = &config["resource"]["aws_dynamodb_table"]["book"];
    assert_eq!(book["name"], "books");
    assert_eq!(book["billing_mode"], "PAY_PER_REQUEST");
    assert_eq!(book["hash_key"], "publisher");
    assert_eq!(book["range_key"], "year_isbn");
    assert_eq!(book["attribute"][3], json!({"name": "published_year", "type": "N"}));
    // Global indexes take `key_schema` blocks (the provider deprecated `hash_key`/`range_key`
    // there); a local index keeps its `range_key`.
    assert_eq!(
        book["global_secondary_index"][0],
        json!({"name": "by_title", "key_schema": [
            {"attribute_name": "title", "key_type": "HASH"},
            {"attribute_name": "published_year", "key_type": "RANGE"}
        ], "projection_type": "ALL"})
    );
    let product = &config["resource"]["aws_dynamodb_table"]["product"];
    assert_eq!(
        product["local_secondary_index"][0],
        json!({"name": "by_stock", "range_key": "stock", "projection_type": "KEYS_ONLY"})
    );
    assert_eq!(book["ttl"], json!({"attribute_name": "expires_at", "enabled": true}));
    assert_eq!(book["point_in_time_recovery"], json!({"enabled": true}));
    assert_eq!(book["stream_enabled"], false);
    assert!(config["resource"]["aws_dynamodb_table"]["customer"].is_object());
}

#[test]
fn a_single_table_is_one_resource_with_its_entities_ttl() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema = root.join("fixtures/good/entities.yaml").display().to_string();
    let (code, out, err) = support::run_cli(&["export", "cloudformation", &schema]);
    assert_eq!(code, std::process::ExitCode::from(0), "{err}");
    let template: Value = serde_json::from_str(&out).expect("json");
    let resources = template["Resources"].as_object().expect("resources");
    assert_eq!(resources.len(), 1, "five entities, one table: {resources:?}");
    let p = &template["Resources"]["TenancyTable"]["Properties"];
    assert_eq!(p["TableName"], "tenancy-data");
    // The one entity that expires (`Invite`) turns TTL on for the whole table.
    assert_eq!(
        p["TimeToLiveSpecification"],
        json!({"AttributeName": "expires_at", "Enabled": true})
    );
}

/// `--table-prefix` names the tables as `plan`/`apply` and repositories'
/// `with_table_prefix` do; the resources keep their names.
#[test]
fn a_table_prefix_names_every_exported_table() {
    let template: Value = serde_json::from_str(&export(&["cloudformation", "--table-prefix", "dev-"])).expect("json");
    assert_eq!(
        template["Resources"]["BookTable"]["Properties"]["TableName"],
        "dev-books"
    );
    let config: Value = serde_json::from_str(&export(&["terraform", "--table-prefix", "dev-"])).expect("json");
    assert_eq!(config["resource"]["aws_dynamodb_table"]["book"]["name"], "dev-books");
}

/// `ddbgen docs` without `--out` prints the pages, as it would write them.
#[test]
fn docs_print_to_standard_output_without_out() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let schema = root.join("schemas/library.yaml").display().to_string();
    let (code, out, err) = support::run_cli(&["docs", &schema]);
    assert_eq!(code, std::process::ExitCode::from(0), "{err}");
    let source = ddbgen::SchemaSource::read(&root.join("schemas/library.yaml")).expect("read");
    let source = ddbgen::SchemaSource {
        name: schema.clone(),
        ..source
    };
    let pages = ddbgen::generate_docs(&[source]).expect("valid");
    assert_eq!(out, pages.files[Path::new("library.md")]);
    assert!(out.contains("## `Book`: table `books`"), "{out}");
}

#[test]
fn a_multi_attribute_index_key_lists_each_attribute_in_order() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let schema = root.join("schemas/fulfilment.yaml").display().to_string();
    let run = |format: &str| {
        let (code, out, err) = support::run_cli(&["export", format, schema.as_str()]);
        assert_eq!(code, std::process::ExitCode::from(0), "{err}");
        serde_json::from_str::<Value>(&out).expect("json")
    };
    let template = run("cloudformation");
    let p = &template["Resources"]["ShipmentTable"]["Properties"];
    assert_eq!(
        p["GlobalSecondaryIndexes"][0]["KeySchema"],
        json!([
            {"AttributeName": "tenant", "KeyType": "HASH"},
            {"AttributeName": "warehouse", "KeyType": "HASH"},
            {"AttributeName": "status", "KeyType": "RANGE"},
            {"AttributeName": "promised_at", "KeyType": "RANGE"}
        ])
    );
    let defined: Vec<&str> = p["AttributeDefinitions"]
        .as_array()
        .expect("definitions")
        .iter()
        .filter_map(|d| d["AttributeName"].as_str())
        .collect();
    assert_eq!(
        defined,
        [
            "id",
            "tenant",
            "warehouse",
            "status",
            "promised_at",
            "carrier",
            "tracking"
        ],
        "every key attribute defined once"
    );
    let config = run("terraform");
    let index = &config["resource"]["aws_dynamodb_table"]["shipment"]["global_secondary_index"][1];
    assert_eq!(
        *index,
        json!({"name": "by_tracking", "key_schema": [
            {"attribute_name": "carrier", "key_type": "HASH"},
            {"attribute_name": "tracking", "key_type": "HASH"}
        ], "projection_type": "KEYS_ONLY"})
    );
}

/// Vector indexes (`tests/fixtures/good/vectors.yaml`) are declared in CloudFormation with
/// their search schema, whose attributes are defined; Terraform's provider cannot declare them
/// and provisioned tables cannot have them, so those exports are refused, never short.
#[test]
fn vector_indexes_are_exported_to_cloudformation_and_refused_where_they_cannot_be() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/good/vectors.yaml");
    let fixture = fixture.display().to_string();
    let (code, out, err) = support::run_cli(&["export", "cloudformation", &fixture]);
    assert_eq!(code, std::process::ExitCode::from(0), "{err}");
    let template: Value = serde_json::from_str(&out).expect("json");
    let p = &template["Resources"]["PassageTable"]["Properties"];
    assert_eq!(
        p["VectorIndexes"],
        json!([{
            "IndexName": "by_meaning",
            "VectorAttribute": {"AttributeName": "embedding"},
            "Dimensions": 3,
            "DistanceFunction": "COSINE",
            "SearchSchema": [
                {"AttributeName": "shelf", "SearchSchemaElementType": "HASH"},
                {"AttributeName": "year", "SearchSchemaElementType": "INLINE_FILTER"},
                {"AttributeName": "status", "SearchSchemaElementType": "INLINE_FILTER"}
            ],
            "Projection": {"ProjectionType": "ALL"}
        }])
    );
    let defined: Vec<&str> = p["AttributeDefinitions"]
        .as_array()
        .expect("definitions")
        .iter()
        .map(|d| d["AttributeName"].as_str().expect("name"))
        .collect();
    assert_eq!(
        defined,
        ["shelf", "id", "year", "status"],
        "the vector itself is never defined"
    );

    let (code, _, err) = support::run_cli(&["export", "terraform", &fixture]);
    assert_eq!(code, std::process::ExitCode::from(2));
    assert!(
        err.contains("vector index `similar_images`") || err.contains("vector index `by_meaning`"),
        "{err}"
    );
    assert!(err.contains("Terraform"), "{err}");
    let (code, _, err) = support::run_cli(&["export", "cloudformation", "--read", "5", "--write", "5", &fixture]);
    assert_eq!(code, std::process::ExitCode::from(2), "{err}");
    assert!(err.contains("on-demand tables only"), "{err}");
}
