//! `ddbgen diff`: a corpus of schema pairs under `tests/fixtures/diff/<case>/` (`old.yaml`,
//! `new.yaml`) with the expected report (`expected.txt`; `UPDATE_GOLDEN=1` rewrites it), and
//! the command line: exit codes, JSON, and `REV:path` read from git.

use std::path::{Path, PathBuf};
use std::process::Command;

use ddbgen::SchemaSource;
use ddbgen::diff::{Severity, diff};

mod support;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/diff")
}

fn source(dir: &Path, name: &str) -> SchemaSource {
    SchemaSource {
        name: name.to_owned(),
        text: std::fs::read_to_string(dir.join(name)).expect("fixture"),
    }
}

#[test]
fn every_pair_in_the_corpus_gets_its_expected_verdict() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 7, "the corpus holds its cases");
    let mut failures = Vec::new();
    for case in &cases {
        let report = diff(&source(case, "old.yaml"), &source(case, "new.yaml")).expect("both versions are valid");
        let text = report.to_text();
        let expected_path = case.join("expected.txt");
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&expected_path, &text).expect("write expected");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if text != expected {
            failures.push(format!("{}:\n{text}", case.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "reports differ from expected.txt:\n{}",
        failures.join("\n")
    );
}

#[test]
fn verdicts_of_the_corpus() {
    let verdict = |case: &str| {
        let dir = fixtures().join(case);
        let report = diff(&source(&dir, "old.yaml"), &source(&dir, "new.yaml")).expect("valid");
        (
            report.count(Severity::Breaking),
            report.count(Severity::Risky),
            report.count(Severity::Safe),
        )
    };
    assert_eq!(verdict("safe"), (0, 0, 5));
    assert_eq!(verdict("rules"), (0, 6, 1), "tightened rules are risky, not breaking");
    assert!(verdict("keys").0 >= 3, "key changes are breaking");
    assert_eq!(
        verdict("ttl_moved"),
        (1, 0, 0),
        "a TTL move, which `plan` refuses, is breaking"
    );
    assert_eq!(
        verdict("table_name"),
        (2, 0, 0),
        "a table or single table under a new DynamoDB name is breaking, not dropped and added"
    );
    assert!(verdict("fields").0 >= 5);
    assert_eq!(
        verdict("key_rules"),
        (0, 2, 2),
        "rules and docs of key fields are compared like any field's"
    );
    assert_eq!(
        verdict("key_part_renamed"),
        (0, 0, 2),
        "keys compare by what they store: a key part renamed in Rust, keeping its attribute, moves no key"
    );
    assert_eq!(
        verdict("indexes"),
        (1, 2, 0),
        "an LSI added is breaking, a GSI change risky"
    );
}

/// Runs the CLI in `dir` (the one test that runs it holds the working directory).
fn ddbgen(dir: &Path, args: &[&str]) -> (std::process::ExitCode, String, String) {
    std::env::set_current_dir(dir).expect("cd");
    support::run_cli(args)
}

fn exit(code: u8) -> std::process::ExitCode {
    std::process::ExitCode::from(code)
}

#[test]
fn exit_codes_json_and_git_revisions() {
    let safe = fixtures().join("safe");
    let (code, out, _) = ddbgen(&safe, &["diff", "old.yaml", "new.yaml"]);
    assert_eq!(code, exit(0), "{out}");
    let keys = fixtures().join("keys");
    let (code, out, _) = ddbgen(&keys, &["diff", "old.yaml", "new.yaml", "--format", "json"]);
    assert_eq!(code, exit(1));
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(json["breaking"], 3);
    assert_eq!(json["findings"][0]["severity"], "breaking");
    assert_eq!(json["findings"][0]["path"], "tables.Book.range_key");
    assert_eq!(json["findings"][0]["old"]["line"], 9, "the first key part");
    let (code, _, err) = ddbgen(&keys, &["diff", "old.yaml", "missing.yaml"]);
    assert_eq!(code, exit(2));
    assert!(err.contains("missing.yaml"), "{err}");

    // `REV:path` reads the file as a git revision holds it.
    let repo = std::env::temp_dir().join(format!("ddbgen-diff-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir_all(&repo).expect("temp dir");
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(&repo)
            .output()
            .expect("git");
        assert!(
            status.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&status.stderr)
        );
    };
    git(&["init", "-q"]);
    std::fs::copy(keys.join("old.yaml"), repo.join("library.yaml")).expect("copy");
    git(&["add", "library.yaml"]);
    git(&["commit", "-q", "-m", "deployed"]);
    std::fs::copy(keys.join("new.yaml"), repo.join("library.yaml")).expect("copy");
    let (code, out, err) = ddbgen(&repo, &["diff", "HEAD:library.yaml", "library.yaml"]);
    assert_eq!(code, exit(1), "{out}{err}");
    assert!(out.contains("old: HEAD:library.yaml:9:7"), "{out}");
    let (code, _, err) = ddbgen(&repo, &["diff", "nope:library.yaml", "library.yaml"]);
    assert_eq!(code, exit(2));
    assert!(err.contains("cannot read nope:library.yaml from git"), "{err}");
    let _ = std::fs::remove_dir_all(&repo);
}
