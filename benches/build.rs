//! Generates the benchmark schema's code, the build.rs way.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    ddbgen::Builder::new()
        .schema("orders.yaml")
        .schema("../schemas/shop.yaml")
        .out_dir_from_env()
        .generate()?;
    Ok(())
}
