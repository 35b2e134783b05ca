//! The field handles of a table (`BookFields`): one function per field that conditions and
//! filters can test, typed by the field's Rust type and stored with its codec; and the table's
//! change type (`BookChange`), what its stream records decode into.

use proc_macro2::TokenStream;
use quote::quote;

use super::codec;
use super::print::{ident, rt, rust_type};
use crate::ir::Table;

/// `BookFields` and its functions.
pub(crate) fn field_handles(table: &Table) -> TokenStream {
    let rt = rt();
    let (item, fields) = (ident(&table.names.item), ident(&table.names.fields));
    let handles = table.condition_fields.iter().map(|i| {
        let field = &table.fields[*i];
        let (name, attribute, codec) = (ident(&field.ident), &field.attribute, codec::codec(field.codec));
        let ty = rust_type(&field.ty);
        let ty = if field.boxed { quote!(Box<#ty>) } else { ty };
        let doc = format!(" Field `{}`, stored as attribute `{attribute}`.", field.name);
        quote! {
            #[doc = #doc]
            pub fn #name() -> #rt::Attr<#item, #ty, #codec> {
                #rt::Attr::new(#attribute, #codec)
            }
        }
    });
    let doc = format!(
        " The fields of a [`{}`] for typed conditions and filters: `{}::title().eq(\"Dune\")`.\n Combine conditions with `&`, `|` and `!`; values are stored as the fields store them.",
        table.names.item, table.names.fields
    );
    let change = ident(&table.names.change);
    let change_doc = format!(
        " A change of a [`{}`] from the table's stream: `Insert(new)`, `Modify {{ old, new }}`,\n `Remove(old)` or `Expire(old)` (deleted by TTL). Decode with `{}::from_lambda_record`\n (feature `lambda-events` of `ddbgen-runtime`) or `from_stream_record` (feature `streams`).",
        table.names.item, table.names.change
    );
    quote! {
        #[doc = #change_doc]
        pub type #change = #rt::Change<#item>;

        #[doc = #doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #fields;

        impl #fields {
            #(#handles)*
        }
    }
}
