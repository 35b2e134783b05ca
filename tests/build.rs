//! The build.rs way of using ddbgen, for real: the example schema and every valid fixture are
//! generated into OUT_DIR and included by `src/lib.rs`, so each golden file is compiled.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    ddbgen::Builder::new()
        .schema("../schemas/library.yaml")
        .schema("fixtures/good/keywords.yaml")
        .schema("fixtures/good/minimal.yaml")
        .schema("fixtures/good/bulk.yaml")
        .schema("fixtures/good/sort_order.yaml")
        .schema("fixtures/good/keyword_parts.yaml")
        .schema("fixtures/good/key_types.yaml")
        .schema("fixtures/good/index_limits.yaml")
        .schema("fixtures/good/streams.yaml")
        .schema("fixtures/good/entities.yaml")
        .schema("fixtures/good/entity_names.yaml")
        .schema("fixtures/good/entity_types.yaml")
        .schema("fixtures/good/entity_shapes.yaml")
        .schema("fixtures/good/multi_attribute_keys.yaml")
        .schema("fixtures/good/imported.yaml")
        .schema("fixtures/good/mcp_imported.yaml")
        .schema("fixtures/good/unique.yaml")
        .schema("fixtures/good/vectors.yaml")
        .schema("fixtures/good/migrate_v2.yaml")
        .schema("../schemas/shop.yaml")
        .type_attribute("BookKey", "#[derive(PartialOrd)]")
        .field_attribute("Book.title", "#[doc(alias = \"name\")]")
        .generate()?;
    // A migration's old schema describes the same DynamoDB table as the new one, so it is
    // generated on its own (one build refuses two tables that store into one).
    ddbgen::Builder::new()
        .schema("fixtures/good/migrate_v1.yaml")
        .generate()?;
    // The dependency check reads `cargo metadata` for the platform being built.
    println!("cargo:rustc-env=DDBGEN_TEST_TARGET={}", std::env::var("TARGET")?);
    // The same corpus without serde derives (`Builder::serde(false)`) must compile too.
    let out_dir = std::path::PathBuf::from(std::env::var_os("OUT_DIR").ok_or("cargo sets OUT_DIR for build scripts")?);
    ddbgen::Builder::new()
        .schema("fixtures/good/keyword_parts.yaml")
        .schema("fixtures/good/key_types.yaml")
        .schema("fixtures/good/entities.yaml")
        .serde(false)
        .out_dir(out_dir.join("no_serde"))
        .generate()?;
    Ok(())
}
