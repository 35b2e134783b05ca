//! Generates the benchmark schema's code, the build.rs way.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    ddbgen::Builder::new()
        .schema("orders.yaml")
        .schema("../schemas/shop.yaml")
        // serde_dynamo, the baseline, reads the item types through serde: items derive only
        // `Serialize` unless asked (docs/design.md, "Generated code").
        .type_attribute("Order", "#[derive(::ddbgen_runtime::codegen::serde::Deserialize)]")
        .type_attribute("Thread", "#[derive(::ddbgen_runtime::codegen::serde::Deserialize)]")
        .type_attribute("Customer", "#[derive(::ddbgen_runtime::codegen::serde::Deserialize)]")
        .type_attribute("OrderLine", "#[derive(::ddbgen_runtime::codegen::serde::Deserialize)]")
        .out_dir_from_env()
        .generate()?;
    Ok(())
}
