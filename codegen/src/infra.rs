//! What DynamoDB needs to know of each table, as `ddbgen export`, `plan` and `apply` read it:
//! the model's physical layouts ([`crate::ir::layout`]), built once in lowering.

use crate::ir::Model;
pub use crate::ir::layout::{IndexLayout, IndexProjection, KeyAttribute, TableLayout, VectorIndexLayout};

/// Every table of `model` as DynamoDB declares it: plain tables, then single tables.
pub fn tables(model: &Model) -> Vec<TableLayout> {
    model.layouts.clone()
}
