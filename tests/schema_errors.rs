//! Every broken schema under `fixtures/broken/` fails with its exact `file:line:column`
//! message and hint, kept next to it as `<name>.expected`. Run with `UPDATE_GOLDEN=1` to
//! rewrite the expectations after a deliberate change, then review the diff.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ddbgen::SchemaSource;

mod support;

use support::run_cli;

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture folder")
        .map(|e| e.expect("fixture entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// The schema as the CLI would be given it, relative to the workspace root.
fn source(path: &Path) -> SchemaSource {
    let text = std::fs::read_to_string(path).expect("fixture");
    let name = path
        .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace"))
        .expect("inside");
    SchemaSource {
        name: name.display().to_string(),
        text,
    }
}

#[test]
fn every_broken_schema_reports_its_exact_position_and_message() {
    let broken = fixtures("broken");
    assert!(broken.len() >= 25, "the corpus has {} broken schemas", broken.len());
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut mismatches = Vec::new();
    for path in &broken {
        let diagnostics = match ddbgen::compile(&[source(path)]) {
            Ok(_) => panic!("{} was accepted", path.display()),
            Err(d) => d,
        };
        let rendered = format!("{diagnostics}\n");
        let expected_path = path.with_extension("expected");
        if update {
            std::fs::write(&expected_path, &rendered).expect("write expectation");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != rendered {
            mismatches.push(format!(
                "{}:\n--- expected\n{expected}--- got\n{rendered}",
                path.display()
            ));
        }
        for d in &diagnostics.0 {
            assert!(d.help.is_some(), "{}: every error has a hint: {d}", path.display());
            assert!(d.pos.line >= 1 && d.pos.column >= 1);
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn several_errors_of_one_file_are_reported_together() {
    let path = fixtures("broken")
        .into_iter()
        .find(|p| p.ends_with("several_errors_at_once.yaml"))
        .expect("fixture");
    let diagnostics = ddbgen::compile(&[source(&path)]).expect_err("broken");
    assert_eq!(diagnostics.0.len(), 3, "{diagnostics}");
}

#[test]
fn validate_exits_2_on_broken_and_0_on_good_schemas() {
    for path in fixtures("broken") {
        let (code, _, err) = run_cli(&["validate", path.to_str().expect("path")]);
        assert_eq!(code, ExitCode::from(ddbgen::cli::EXIT_ERROR), "{}", path.display());
        assert!(err.contains(".yaml:"), "{err}");
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace");
    let mut good = fixtures("good");
    good.push(workspace.join("schemas/library.yaml"));
    for path in good {
        let (code, out, err) = run_cli(&["validate", path.to_str().expect("path")]);
        assert_eq!(code, ExitCode::from(ddbgen::cli::EXIT_OK), "{}: {err}", path.display());
        assert!(out.starts_with("ok: "));
    }
}

#[test]
fn committed_json_schema_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/ddbgen.schema.json");
    let generated = ddbgen::json_schema();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &generated).expect("write schema");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schemas/ddbgen.schema.json is stale: run `cargo run -p ddbgen -- schema > schemas/ddbgen.schema.json`"
    );
    assert!(
        generated.contains("\"$schema\": \"http://json-schema.org/draft-07/schema#\""),
        "draft-07, for the YAML language server"
    );
    assert!(
        generated.contains("The sort (range) key"),
        "doc comments become descriptions"
    );
}

/// Two files whose tables name the same DynamoDB table: the second is refused, naming the first.
#[test]
fn a_table_name_used_in_two_files_is_refused() {
    let file = |name: &str, table: &str| SchemaSource {
        name: name.to_owned(),
        text: format!(
            "version: 1\ntables:\n  {table}:\n    table_name: shared\n    fields:\n      title: {{ type: string }}\n"
        ),
    };
    let error = ddbgen::compile(&[file("a.yaml", "Book"), file("b.yaml", "Author")]).expect_err("refused");
    assert_eq!(
        error.to_string(),
        "b.yaml:3:3: error: table `Author` stores its items in DynamoDB table `shared`, which table `Book` uses too\n  |\n3 |   Author:\n  |   ^^^^^^\n  = note: table `Book` is declared here at a.yaml:3:3\n  = help: give each table its own `table_name:`; several item kinds in one table are single-table entities, not two tables: declare them under one table's `entities:` (docs/single-table.md)"
    );
}

/// `validate --format json`: every diagnostic of every file as an object editors and CI
/// annotations read, with the marked span and related places; `[]` and exit 0 when valid.
#[test]
fn validate_reports_json_for_tools() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace");
    let broken = workspace.join("tests/fixtures/broken/several_errors_at_once.yaml");
    let (code, out, _) = run_cli(&["validate", "--format", "json", broken.to_str().expect("path")]);
    assert_eq!(code, ExitCode::from(ddbgen::cli::EXIT_ERROR));
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON on stdout");
    let list = json.as_array().expect("an array");
    assert_eq!(list.len(), 3, "{out}");
    assert_eq!(
        (&list[0]["line"], &list[0]["column"], &list[0]["end_column"]),
        (&serde_json::json!(4), &serde_json::json!(15), &serde_json::json!(19))
    );
    assert_eq!(list[0]["message"], "no field named `isbm`");
    assert_eq!(list[0]["help"], "did you mean `isbn`?");
    let clash = workspace.join("tests/fixtures/broken/index_names_normalise_alike.yaml");
    let (_, out, _) = run_cli(&["validate", "--format", "json", clash.to_str().expect("path")]);
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(json[0]["related"][0]["line"], 9, "{out}");
    assert_eq!(json[0]["related"][0]["label"], "generated here first");
    let good = workspace.join("schemas/library.yaml");
    let (code, out, _) = run_cli(&["validate", "--format", "json", good.to_str().expect("path")]);
    assert_eq!((code, out.trim()), (ExitCode::from(ddbgen::cli::EXIT_OK), "[]"));
}

/// Pieces of the format, so that random schemas reach lowering, not just the YAML parser.
const FRAGMENTS: &[&str] = &[
    "version: 1\n",
    "tables:\n",
    "  Book:\n",
    "  book:\n",
    "    hash_key: id\n",
    "    hash_key: isbn\n",
    "    range_key: { attribute: sk, parts: [a, b] }\n",
    "    fields:\n",
    "      id: { type: uuid }\n",
    "      isbn: { type: string }\n",
    "      a: { type: u8 }\n",
    "      b: { type: \"list<strng>\" }\n",
    "      c: { type: Kind, default: x }\n",
    "    indexes:\n",
    "      by-x: { kind: global, hash_key: a }\n",
    "types:\n",
    "  Kind: { enum: [x, \"y#z\", 2nd] }\n",
    "  Node: { fields: { next: { type: Node } } }\n",
    "      v: { type: decimal, validate: { min: \"1.5\", max: 1 } }\n",
    "    ttl: a\n",
    "\t",
    "{",
    "]",
    ": ",
    "- ",
    "'",
    "\"",
    "&a ",
    "*a",
    "!!binary ",
    "\u{feff}",
    "ü",
    "#",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Any text, and any splice of the format's pieces, gets a clean answer (accepted, or
    /// diagnostics with positions), never a panic, and quickly.
    #[test]
    fn the_schema_reader_never_panics(
        text in ".{0,300}",
        pieces in proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..30),
    ) {
        for text in [text, pieces.concat()] {
            let start = std::time::Instant::now();
            let source = SchemaSource { name: "fuzz.yaml".to_owned(), text };
            if let Err(diagnostics) = ddbgen::compile(std::slice::from_ref(&source)) {
                proptest::prop_assert!(!diagnostics.0.is_empty());
                proptest::prop_assert!(diagnostics.0.iter().all(|d| d.pos.line >= 1 && d.help.is_some()));
                let _ = diagnostics.to_string();
            }
            proptest::prop_assert!(start.elapsed() < std::time::Duration::from_secs(5), "{}", source.text);
        }
    }
}

/// Names users write: keywords (strict, reserved, raw-only), near-keywords, odd and empty.
const NAMES: &[&str] = &[
    "self", "Self", "super", "crate", "_", "__", "type", "fn", "r#type", "r#self", "SELF", "self_", "Self_", "2nd",
    "a-b", "a b", "ü", "x", "page", "new", "get", "key", "async", "gen", "union", "default", "Option", "String",
];

/// A name from [`NAMES`], or an arbitrary short one.
fn any_name() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        3 => proptest::sample::select(NAMES).prop_map(str::to_owned),
        1 => "[a-zA-Z_ü][a-zA-Z0-9_ -]{0,6}",
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Whatever enum values, field names and variant names (`name:`) a schema gives, it is
    /// refused with a diagnostic or it generates code that parses as Rust (the generator parses
    /// its output with `syn`, which rejects a keyword where an identifier stands): `validate`
    /// never accepts a schema whose code would not compile for its names.
    #[test]
    fn every_accepted_name_generates_valid_rust(
        values in proptest::collection::vec(any_name(), 1..4),
        named in proptest::option::of((any_name(), any_name())),
        fields in proptest::collection::vec(any_name(), 1..4),
    ) {
        let mut yaml = String::from("version: 1\ntables:\n  Thing:\n    fields:\n");
        for field in &fields {
            yaml.push_str(&format!("      {field:?}: {{ type: Kind, optional: true }}\n"));
        }
        yaml.push_str("types:\n  Kind:\n    enum:\n");
        for value in &values {
            yaml.push_str(&format!("      - {value:?}\n"));
        }
        if let Some((value, name)) = &named {
            yaml.push_str(&format!("      - {{ value: {value:?}, name: {name:?} }}\n"));
        }
        let source = SchemaSource { name: "names.yaml".to_owned(), text: yaml };
        if ddbgen::compile(std::slice::from_ref(&source)).is_ok() {
            let output = ddbgen::generate_modules(std::slice::from_ref(&source)).expect("accepted above");
            for (path, text) in &output.files {
                proptest::prop_assert!(!text.contains("compile_error!"), "{}: {}\n{}", path.display(), text.lines().find(|l| l.contains("compile_error")).unwrap_or_default(), source.text);
            }
        }
    }
}
