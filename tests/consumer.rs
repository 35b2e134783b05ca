//! A consumer of a generated crate, outside this workspace, with the generated crate as its
//! only DynamoDB dependency: it names field types through the crate's `prelude`, starts the
//! embedded server through the crate's `local` feature, and round-trips an item.
//!
//! It is built by cargo in a target directory of its own (`target/consumer-crate/`), offline,
//! with this workspace's lock file, so it uses the same versions and needs no network.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf()
}

const MAIN: &str = r#"
use library_tables::library::customer::{CustomerRepository, NewCustomer};
use library_tables::prelude::{NaiveDate, QueryBuilder};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = library_tables::local::LocalDynamo::start()?;
    let customers = CustomerRepository::new(server.client());
    customers.create_table().await?;
    let created = customers
        .create(NewCustomer {
            email: "ada@example.com".into(),
            name: "Ada".into(),
            member_since: NaiveDate::from_ymd_opt(2024, 3, 1).ok_or("date")?,
            ..NewCustomer::default()
        })
        .await?;
    let read = customers.get(&created.key()).await?;
    assert_eq!(read.as_ref(), Some(&created));
    let by_email = customers.query_by_email("ada@example.com").all().await?;
    assert_eq!(by_email.len(), 1);
    println!("round trip ok: {} {}", created.name, created.balance);
    Ok(())
}
"#;

#[test]
fn a_crate_using_only_the_generated_crate_round_trips_an_item() {
    let root = workspace();
    let dir = root.join("target/consumer-crate");
    std::fs::create_dir_all(dir.join("src")).expect("consumer dir");
    let manifest = format!(
        r#"[package]
name = "consumer"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
library-tables = {{ path = "{}", features = ["local"] }}
tokio = {{ version = "1", default-features = false, features = ["macros", "rt"] }}

[workspace]
"#,
        root.join("generated-example").display()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("manifest");
    std::fs::write(dir.join("src/main.rs"), MAIN).expect("main");
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock file");
    let output = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--offline"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("RUSTFLAGS")
        // The consumer is a workspace of its own: this keeps its build as lean as ours (no
        // debug info), which matters on a CI machine's disk.
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "consumer failed:\n{stdout}\n{stderr}");
    assert_eq!(stdout.trim(), "round trip ok: Ada 0.00", "{stderr}");
}
