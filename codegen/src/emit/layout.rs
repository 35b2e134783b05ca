//! `TABLE`, the runtime's `TableSpec` of a table: its layout from the IR, printed as data.

use proc_macro2::TokenStream;
use quote::quote;

use super::print::{ident, rt};
use crate::ir::KeyType;
use crate::ir::layout::{IndexLayout, IndexProjection, KeyAttribute, TableLayout};

/// `rt::KeyAttribute::s("publisher")`.
fn key_attribute(key: &KeyAttribute) -> TokenStream {
    let rt = rt();
    let name = &key.name;
    let constructor = ident(match key.key_type {
        KeyType::S => "s",
        KeyType::N => "n",
        KeyType::B => "b",
    });
    quote!(#rt::KeyAttribute::#constructor(#name))
}

fn optional_key(key: Option<&KeyAttribute>) -> TokenStream {
    match key.map(key_attribute) {
        Some(key) => quote!(Some(#key)),
        None => quote!(None),
    }
}

fn index(index: &IndexLayout, global: bool) -> TokenStream {
    let rt = rt();
    let name = &index.name;
    let hash = index.hash.iter().map(key_attribute);
    let range = index.range.iter().map(key_attribute);
    let projection = match &index.projection {
        IndexProjection::All => quote!(#rt::Projection::All),
        IndexProjection::KeysOnly => quote!(#rt::Projection::KeysOnly),
        IndexProjection::Include(names) => quote!(#rt::Projection::Include(&[#(#names),*])),
    };
    quote!(#rt::IndexSpec { name: #name, global: #global, hash_key: &[#(#hash),*], range_key: &[#(#range),*], projection: #projection })
}

/// `pub const TABLE: rt::TableSpec = ..;` of `layout`, with the unique fields of `unique`
/// (schema name, stored attribute).
pub(crate) fn table_spec(layout: &TableLayout, unique: &[(&str, &str)]) -> TokenStream {
    let rt = rt();
    let table_name = &layout.name;
    let (hash, range) = (key_attribute(&layout.hash), optional_key(layout.range.as_ref()));
    let indexes = layout
        .global
        .iter()
        .map(|i| index(i, true))
        .chain(layout.local.iter().map(|i| index(i, false)));
    let unique: Vec<TokenStream> = unique
        .iter()
        .map(|(field, attribute)| quote!(#rt::UniqueValue { field: #field, attribute: #attribute }))
        .collect();
    let vector_indexes: Vec<TokenStream> = layout
        .vector
        .iter()
        .map(|v| {
            let (name, attribute, dimensions) = (&v.name, &v.attribute, v.dimensions);
            let distance = ident(match v.distance {
                crate::schema::model::VectorDistance::Cosine => "Cosine",
                crate::schema::model::VectorDistance::Euclidean => "Euclidean",
                crate::schema::model::VectorDistance::DotProduct => "DotProduct",
            });
            let hash = optional_key(v.hash.as_ref());
            let filters = v.filters.iter().map(key_attribute);
            quote! {
                #rt::VectorIndexSpec {
                    name: #name,
                    attribute: #attribute,
                    dimensions: #dimensions,
                    distance: #rt::VectorDistance::#distance,
                    hash_key: #hash,
                    filters: &[#(#filters),*],
                }
            }
        })
        .collect();
    let indexes: Vec<TokenStream> = indexes.collect();
    // What differs from `TableSpec::new`'s defaults (no sort key, index, TTL or unique value).
    let set = [
        layout.range.is_some().then(|| quote!(range_key: #range,)),
        (!indexes.is_empty()).then(|| quote!(indexes: &[#(#indexes),*],)),
        layout
            .ttl
            .as_ref()
            .map(|attribute| quote!(ttl_attribute: Some(#attribute),)),
        (!unique.is_empty()).then(|| quote!(unique: &[#(#unique),*],)),
        (!vector_indexes.is_empty()).then(|| quote!(vector_indexes: &[#(#vector_indexes),*],)),
    ];
    let doc = format!(" Keys, indexes and TTL of the `{table_name}` table, as the schema declares them.");
    quote! {
        #[doc = #doc]
        pub const TABLE: #rt::TableSpec = #rt::TableSpec {
            #(#set)*
            ..#rt::TableSpec::new(#table_name, #hash)
        };
    }
}
