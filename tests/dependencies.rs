//! The dependency tree users embed (`ddbgen-runtime` with every feature, and the `ddbgen`
//! library a `build.rs` uses) is checked from `cargo metadata`, offline, for the platform being
//! built: every crate's licence fits a library users embed, and there is one TLS stack (rustls,
//! once; no OpenSSL or native-tls). Duplicate versions are listed in the test's output. This stands in for
//! `cargo deny check licenses bans`, which CI could not install within its time, and whose
//! advisory database CI machines cannot reach. `docs/security.md` lists the choices. An app's
//! build and test graphs turn on the same features of every shared crate.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// Licences that let a library be embedded in closed or open programs.
const ALLOWED: &[&str] = &[
    "MIT",
    "MIT-0",
    "Apache-2.0",
    "Apache-2.0 WITH LLVM-exception",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "Zlib",
    "Unicode-3.0",
    "Unlicense",
    "CC0-1.0",
    "BSL-1.0",
    // aws-lc-sys (the SDK's TLS crypto) carries OpenSSL's licence for code it inherits: a
    // permissive licence with an attribution clause.
    "OpenSSL",
];

/// Crates of which a second copy would be a second TLS stack.
const ONE_TLS_STACK: &[&str] = &["rustls", "hyper-rustls", "tokio-rustls"];
const NO_TLS_STACK: &[&str] = &["openssl", "openssl-sys", "native-tls", "hyper-tls"];

/// Whether an SPDX expression (`A OR B`, `A AND (B OR C)`, the old `A/B`) is satisfied by
/// [`ALLOWED`]: one side of every OR, both sides of every AND.
fn allowed(expression: &str) -> bool {
    fn any(text: &str) -> bool {
        split_top(text, " OR ").iter().any(|part| all(part))
    }
    fn all(text: &str) -> bool {
        split_top(text, " AND ").iter().all(|part| {
            let part = part.trim();
            match part.strip_prefix('(').and_then(|p| p.strip_suffix(')')) {
                Some(inner) => any(inner),
                None => ALLOWED.contains(&part),
            }
        })
    }
    /// Splits at `separator` outside parentheses.
    fn split_top<'a>(text: &'a str, separator: &str) -> Vec<&'a str> {
        let (mut parts, mut depth, mut start) = (Vec::new(), 0i32, 0);
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < text.len() {
            match bytes[i] {
                b'(' => depth += 1,
                b')' => depth -= 1,
                _ if depth == 0 && text[i..].starts_with(separator) => {
                    parts.push(&text[start..i]);
                    i += separator.len();
                    start = i;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        parts.push(&text[start..]);
        parts
    }
    any(&expression.replace('/', " OR "))
}

#[test]
fn licences_fit_and_there_is_one_tls_stack() {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--offline",
            "--all-features",
            // The platform under test: crates of other platforms (`android_system_properties`
            // under chrono's clock) are not downloaded here, and offline metadata cannot see them.
            "--filter-platform",
            env!("DDBGEN_TEST_TARGET"),
        ])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).expect("metadata JSON");
    let packages: BTreeMap<&str, &serde_json::Value> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| (p["id"].as_str().expect("id"), p))
        .collect();
    // Normal dependencies only: what a user's binary or build script compiles.
    let mut graph: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for node in metadata["resolve"]["nodes"].as_array().expect("resolve") {
        let deps = node["deps"].as_array().expect("deps").iter().filter(|d| {
            d["dep_kinds"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k["kind"].is_null()))
        });
        graph.insert(
            node["id"].as_str().expect("id"),
            deps.map(|d| d["pkg"].as_str().expect("pkg")).collect(),
        );
    }
    let roots = packages
        .iter()
        .filter(|(_, p)| matches!(p["name"].as_str(), Some("ddbgen-runtime" | "ddbgen")))
        .map(|(id, _)| *id);
    let mut reachable = BTreeSet::new();
    let mut stack: Vec<&str> = roots.collect();
    assert_eq!(stack.len(), 2, "both published crates are in the workspace");
    while let Some(id) = stack.pop() {
        if reachable.insert(id) {
            stack.extend(graph.get(id).into_iter().flatten());
        }
    }

    let mut refused = Vec::new();
    let mut versions: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for id in &reachable {
        let package = packages[id];
        let name = package["name"].as_str().expect("name");
        versions
            .entry(name)
            .or_default()
            .insert(package["version"].as_str().expect("version"));
        if package["source"].is_null() {
            continue; // this workspace's own crates: MIT OR Apache-2.0
        }
        match package["license"].as_str() {
            Some(licence) if allowed(licence) => {}
            licence => refused.push(format!("{name}: {licence:?}")),
        }
    }
    assert!(
        refused.is_empty(),
        "licences that do not fit an embedded library: {refused:#?}"
    );
    for name in ONE_TLS_STACK {
        let count = versions.get(name).map_or(0, BTreeSet::len);
        assert!(count <= 1, "{name} is in the tree {count} times: two TLS stacks");
    }
    for name in NO_TLS_STACK {
        assert!(!versions.contains_key(name), "{name} is a second TLS stack");
    }
    let duplicates: Vec<String> = versions
        .iter()
        .filter(|(_, v)| v.len() > 1)
        .map(|(name, v)| format!("{name} {v:?}"))
        .collect();
    println!(
        "{} crates in the embedded tree; duplicate versions: {duplicates:?}",
        reachable.len()
    );
}

#[test]
fn licence_expressions_are_read_as_spdx() {
    assert!(allowed("MIT OR Apache-2.0"));
    assert!(allowed("MIT/Apache-2.0"));
    assert!(allowed("ISC AND (Apache-2.0 OR ISC) AND OpenSSL"));
    assert!(allowed("MIT OR Apache-2.0 OR LGPL-2.1-or-later"));
    assert!(!allowed("GPL-3.0"));
    assert!(!allowed("MIT AND GPL-3.0"));
    assert!(!allowed("(GPL-2.0 OR LGPL-2.1) AND MIT"));
}

/// The features of one crate in a dependency graph printed by `cargo tree -e features -f '{p} {f}'`.
fn features_by_crate(tree: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in tree.lines() {
        // `name v1.2.3 (path)? feature,feature`
        let mut words = line.split_whitespace();
        // Feature nodes (`tokio feature "full"`) repeat what the crate's own line says.
        let (Some(name), Some(version)) = (words.next(), words.next().filter(|v| v.starts_with('v'))) else {
            continue;
        };
        let rest: Vec<&str> = words.filter(|w| !w.starts_with('(') && *w != "(*)").collect();
        let features = out.entry(format!("{name} {version}")).or_default();
        for feature in rest.join(" ").split(',').map(str::trim).filter(|f| !f.is_empty()) {
            features.insert(feature.trim_end_matches(" (*)").to_owned());
        }
    }
    out
}

/// An app takes the embedded server as a dev-dependency (`ddbgen-runtime` with `local`, as
/// `ddbgen init` writes it). The server turns features on in crates the SDK shares with it;
/// the runtime turns the same ones on always, so `cargo build` after `cargo test` reuses every
/// dependency instead of building the SDK a second time. Checked on such an app's two graphs.
#[test]
fn the_embedded_server_changes_no_shared_crates_features() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = root.join("target/feature-graph");
    std::fs::create_dir_all(dir.join("src")).expect("dir");
    let runtime = root.join("runtime").canonicalize().expect("runtime");
    let manifest = format!(
        "[package]\nname = \"feature-graph\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nddbgen-runtime = {{ path = {runtime:?} }}\n\n\
         [dev-dependencies]\nddbgen-runtime = {{ path = {runtime:?}, features = [\"local\"] }}\n\n[workspace]\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("manifest");
    std::fs::write(dir.join("src/lib.rs"), "").expect("lib");
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock");
    let tree = |edges: &str| {
        let output = Command::new(env!("CARGO"))
            .args(["tree", "--offline", "-e", edges, "-f", "{p} {f}", "--prefix", "none"])
            .current_dir(&dir)
            .output()
            .expect("cargo tree runs");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        features_by_crate(&String::from_utf8(output.stdout).expect("utf-8"))
    };
    let (build, test) = (tree("normal,features"), tree("normal,dev,features"));
    let changed: Vec<String> = build
        .iter()
        .filter(|(name, _)| !name.starts_with("ddbgen-runtime "))
        .filter_map(|(name, features)| {
            let more: Vec<&String> = test.get(name)?.difference(features).collect();
            (!more.is_empty()).then(|| format!("{name}: {more:?}"))
        })
        .collect();
    assert!(
        changed.is_empty(),
        "features the embedded server turns on that a plain build leaves off (add them to \
         runtime/Cargo.toml's unified dependencies): {changed:#?}"
    );
}
