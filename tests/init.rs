//! `ddbgen init`: the scaffold's files, its schema valid and its Rust well-formed, and a folder
//! that already holds a project is left alone. (`.ci/run` also runs `cargo test` in a fresh
//! scaffold, which must pass first time.)

use std::path::Path;
use std::process::ExitCode;

mod support;

#[test]
fn init_scaffolds_a_project_whose_schema_is_valid_and_whose_rust_parses() {
    let dir = std::env::temp_dir()
        .join(format!("ddbgen-init-{}", std::process::id()))
        .join("My Shortener");
    let _ = std::fs::remove_dir_all(&dir);
    let (code, out, err) = support::run_cli(&["init", dir.to_str().expect("path")]);
    assert_eq!(code, ExitCode::from(0), "{out}{err}");
    for file in [
        "Cargo.toml",
        "build.rs",
        "src/lib.rs",
        "schemas/links.yaml",
        "tests/links.rs",
        ".gitignore",
    ] {
        assert!(dir.join(file).is_file(), "{file} missing: {out}");
        assert!(out.contains(&format!("created {}", dir.join(file).display())), "{out}");
    }
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).expect("read");
    assert!(manifest.contains("name = \"my-shortener\""), "{manifest}");
    // Path dependencies on this clone, while the crates are unpublished.
    let runtime = std::fs::canonicalize(Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime")).expect("runtime");
    assert!(
        manifest.contains(&format!(
            "ddbgen-runtime = {{ path = {:?} }}",
            runtime.display().to_string()
        )),
        "{manifest}"
    );
    assert!(manifest.contains("default-features = false") && manifest.contains("features = [\"local\"]"));

    let schema = ddbgen::SchemaSource::read(&dir.join("schemas/links.yaml")).expect("read");
    let modules = ddbgen::compile(&[schema]).expect("the example schema is valid");
    assert_eq!(modules[0].2.tables[0].names.item, "Link");
    for file in ["build.rs", "src/lib.rs", "tests/links.rs"] {
        let text = std::fs::read_to_string(dir.join(file)).expect("read");
        syn::parse_file(&text).unwrap_or_else(|e| panic!("{file} is not Rust: {e}\n{text}"));
    }
    let test = std::fs::read_to_string(dir.join("tests/links.rs")).expect("read");
    assert!(
        test.contains("use my_shortener::links::link::{LinkFields, LinkRepository, NewLink};"),
        "{test}"
    );

    // A second init would overwrite: refused, nothing touched.
    std::fs::write(dir.join("build.rs"), "// mine\n").expect("write");
    let (code, _, err) = support::run_cli(&["init", dir.to_str().expect("path")]);
    assert_eq!(code, ExitCode::from(2));
    assert!(err.contains("already holds") && err.contains("Cargo.toml"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.join("build.rs")).expect("read"),
        "// mine\n"
    );
    let _ = std::fs::remove_dir_all(dir.parent().expect("parent"));
}

#[test]
fn package_names_come_from_folder_names() {
    use ddbgen::init::package_name;
    assert_eq!(package_name("My Shortener").as_deref(), Ok("my-shortener"));
    assert_eq!(package_name("links_v2").as_deref(), Ok("links_v2"));
    assert!(package_name("2fast").is_err(), "a package name starts with a letter");
    assert!(package_name("").is_err());
}
