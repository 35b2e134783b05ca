//! One module per table (`pub mod book { .. }`), assembled from the emitters of each concern.

use proc_macro2::TokenStream;
use quote::quote;

use super::options::Options;
use super::print::{doc, ident, runtime_import};
use super::{condition, item, key, query, repository, update};
use crate::ir::Table;
use crate::ir::layout::TableLayout;

/// `pub mod book { .. }` for one table.
pub(crate) fn table_module(table: &Table, layout: Option<&TableLayout>, options: &Options) -> TokenStream {
    let module = ident(&table.names.module);
    let module_doc = match &table.entity {
        Some(entity) => doc(Some(&format!(
            "The `{}` entity of the `{}` table (its module: [`{}`]).",
            table.names.item, table.table_name, entity.table_module
        ))),
        None => doc(Some(&format!("The `{}` table.", table.table_name))),
    };
    let runtime_import = runtime_import();
    let table_spec = key::table_spec(table, layout);
    let items = item::item_types(table, options);
    let key_items = key::key_items(table, options);
    let repository = repository::repository(table);
    let update_builder = update::update_builder(table);
    let patch = update::patch(table, options);
    let query_types = query::query_types(table, options);
    let field_handles = condition::field_handles(table);
    // A table named like its schema file (`Book` in `book.yaml`) is module `book::book`, which
    // is what the user asked for: `module_inception` is allowed too.
    quote! {
        #module_doc
        #[allow(clippy::module_inception)]
        pub mod #module {
            #runtime_import
            #table_spec
            #items
            #key_items
            #repository
            #update_builder
            #patch
            #query_types
            #field_handles
        }
    }
}
