//! The build.rs way of using ddbgen, for real: the example schema and the keyword fixture are
//! generated into OUT_DIR and included by `src/lib.rs`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    ddbgen::Builder::new()
        .schema("../schemas/library.yaml")
        .schema("fixtures/good/keywords.yaml")
        .out_dir_from_env()
        .generate()?;
    Ok(())
}
