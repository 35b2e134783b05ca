//! The derived table's code, generated into OUT_DIR from `shelves.yaml` (ddbgen's build.rs way).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    ddbgen::Builder::new().schema("shelves.yaml").generate()?;
    Ok(())
}
