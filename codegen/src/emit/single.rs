//! The module of a table with several entities (`pub mod shop { .. }`): the physical table's
//! `TABLE` spec, the enum of every entity (`ShopItem`, what scans and change streams decode
//! into), one enum per collection, and the repository of whole-table reads. Each entity has
//! a module of its own, printed by [`super::table`].

use proc_macro2::TokenStream;
use quote::quote;

use super::key::key_param;
use super::print::{doc, ident, rt, runtime_import};
use crate::ir::{KeyAttr, Model, SingleTable, Table};

/// `pub mod shop { .. }`.
pub(crate) fn single_table_module(model: &Model, single: &SingleTable) -> TokenStream {
    let rt = rt();
    let module = ident(&single.module);
    let entities: Vec<&Table> = single.entities.iter().map(|i| &model.tables[*i]).collect();
    let Some(first) = entities.first() else {
        return TokenStream::new();
    };
    let table_name = &single.table_name;
    let module_doc = doc(Some(&format!(
        "The `{table_name}` table, which holds the entities {}.",
        entities
            .iter()
            // An outer doc of a module resolves links where the module is declared.
            .map(|e| format!("[`{0}`]({1}::{0})", e.names.item, e.names.doc_module()))
            .collect::<Vec<_>>()
            .join(", ")
    )));
    let runtime_import = runtime_import();
    let spec = model
        .layout(&single.table_name)
        .map(|layout| super::layout::table_spec(layout, &[]))
        .unwrap_or_default();
    let all: Vec<usize> = (0..entities.len()).collect();
    let item_doc = format!(
        "An item of the `{table_name}` table, as its discriminator `{}` names it: what a scan of the\nwhole table and its change stream decode into.",
        single.discriminator
    );
    let item_enum = entity_enum(single, &entities, &single.item, &item_doc, &all);
    let collections = single.collections.iter().map(|c| {
        let doc = c.doc.clone().unwrap_or_else(|| {
            format!(
                "An item of collection `{}`: one of {}.",
                c.name,
                c.members
                    .iter()
                    .map(|m| format!("`{}`", entities[*m].names.item))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
        entity_enum(single, &entities, &c.name, &doc, &c.members)
    });
    let change = ident(&single.change);
    let item = ident(&single.item);
    let change_doc = format!(
        " A change of the `{table_name}` table from its stream: `Insert(new)`, `Modify {{ old, new }}`,\n `Remove(old)` or `Expire(old)` (deleted by TTL), each a [`{0}`] whose variant the\n discriminator picks. Decode with `{1}::from_lambda_record` (feature `lambda-events` of\n `ddbgen-runtime`) or `from_stream_record` (feature `streams`).",
        single.item, single.change
    );
    let repository = repository(single, &entities, first);
    quote! {
        #module_doc
        // A table named like its schema file (`Shop` in `shop.yaml`) is module `shop::shop`.
        #[allow(clippy::module_inception)]
        pub mod #module {
            #runtime_import
            #spec
            #item_enum
            #(#collections)*

            #[doc = #change_doc]
            pub type #change = #rt::Change<#item>;

            #repository
        }
    }
}

/// An enum with one variant per member entity, decoded by the discriminator: it accepts the
/// members' items only (reads skip the others), and an item that names no entity of the
/// table is an error naming the attribute.
fn entity_enum(
    single: &SingleTable,
    entities: &[&Table],
    name: &str,
    doc_text: &str,
    members: &[usize],
) -> TokenStream {
    let rt = rt();
    let name = ident(name);
    let attribute = &single.discriminator;
    let doc = doc(Some(doc_text));
    let members: Vec<&Table> = members.iter().map(|m| entities[*m]).collect();
    let variants = members.iter().map(|e| {
        let (variant, module, item) = (ident(&e.names.item), ident(&e.names.module), ident(&e.names.item));
        let doc = format!(" A [`{0}`](super::{1}::{0}).", e.names.item, e.names.doc_module());
        quote! {
            #[doc = #doc]
            #variant(super::#module::#item)
        }
    });
    let values: Vec<&str> = members
        .iter()
        .filter_map(|e| e.entity.as_ref().map(|x| x.value.as_str()))
        .collect();
    let arms = members.iter().filter_map(|e| {
        let value = &e.entity.as_ref()?.value;
        let (variant, module, item) = (ident(&e.names.item), ident(&e.names.module), ident(&e.names.item));
        Some(quote!(Some(#value) => #rt::StoredMap::read_as::<super::#module::#item>(map).map(Self::#variant),))
    });
    quote! {
        #doc
        // The entities' sizes differ as the schema makes them; boxing the large ones would cost
        // an allocation per item read, for a value that is matched and moved out at once.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants,)*
        }

        impl #name {
            /// Reads a stored item (the SDK's, or one read from the response body) as the
            /// entity its discriminator names.
            fn read<M: #rt::StoredMap>(map: M) -> Result<Self, #rt::Error> {
                match #rt::entity_of(&map, #attribute) {
                    #(#arms)*
                    _ => Err(#rt::unknown_entity(&map, TABLE.table_name, #attribute, &[#(#values),*])),
                }
            }
        }

        impl #rt::FromItem for #name {
            fn from_item(map: #rt::AttributeMap) -> Result<Self, #rt::Error> {
                Self::read(map)
            }

            fn from_wire(map: #rt::WireMap<'_>) -> Result<Self, #rt::Error> {
                Self::read(map)
            }

            const ENTITIES: Option<#rt::Entities> = Some(#rt::Entities { attribute: #attribute, names: &[#(#values),*] });
        }
    }
}

/// `ShopRepository`: reads across entities (collections, scan) and table creation.
fn repository(single: &SingleTable, entities: &[&Table], first: &Table) -> TokenStream {
    let rt = rt();
    let repo = ident(&single.repository);
    let item = ident(&single.item);
    let table_name = &single.table_name;
    let (first_module, first_item) = (ident(&first.names.module), ident(&first.names.item));
    let collections = single.collections.iter().map(|c| {
        let keyed = entities[c.members[0]];
        let method = ident(&c.method);
        let ty = ident(&c.name);
        let index = match &c.index {
            Some(index) => quote!(Some(#index)),
            None => quote!(None),
        };
        let user_doc = c.doc.as_deref().map(|d| format!("{}\n\n", d.trim())).unwrap_or_default();
        let (params, convert, condition, partition) = match &c.hash {
            KeyAttr::Composite(hash) => {
                let key_type = ident(&keyed.names.key);
                let keyed_module = ident(&keyed.names.module);
                let (encoder, attribute) = (ident(&hash.encoder), &hash.attribute);
                let parts: Vec<&crate::ir::Field> = hash.parts().into_iter().map(|i| &keyed.fields[i]).collect();
                let params: Vec<TokenStream> = parts
                    .iter()
                    .map(|f| {
                        let (name, ty) = (ident(&f.ident), key_param(f));
                        quote!(#name: #ty)
                    })
                    .collect();
                let args = parts.iter().map(|f| ident(&f.ident));
                let condition = quote! {
                    #rt::KeyCondition::hash(
                        #attribute,
                        #rt::AttributeValue::S(super::#keyed_module::#key_type::#encoder(#(#args),*)),
                    )
                };
                (params, TokenStream::new(), condition, format!("`{attribute}` is `{}`", hash.template(&keyed.fields)))
            }
            // A multi-attribute index key: each attribute by equality, as the fields store it.
            typed => {
                let fields: Vec<&crate::ir::Field> = typed.fields().into_iter().map(|i| &keyed.fields[i]).collect();
                let (params, convert, condition) = super::query::equalities(&fields);
                let names: Vec<String> = fields.iter().map(|f| format!("`{}`", f.attribute)).collect();
                (params, convert, condition, format!("{} are the given values", names.join(", ")))
            }
        };
        let text = format!(
            "{user_doc}Every item of collection [`{}`] in the partition whose {partition}, in sort-key order:\nlazily paginated, items of other entities skipped.",
            c.name
        );
        let doc = doc(Some(&text));
        quote! {
            #doc
            pub fn #method(&self, #(#params),*) -> #rt::Query<#ty> {
                #convert
                let condition = #condition;
                self.table.query_as(#index, condition)
            }
        }
    });
    let first_type = quote!(super::#first_module::#first_item);
    let new_doc = doc(Some(&format!(
        "A repository for table `{table_name}`, with the system clock."
    )));
    let settings = super::repository::settings(&first_type, &new_doc);
    let lifecycle = super::repository::lifecycle();
    let repo_doc = format!(
        " Reads across the entities of the `{table_name}` table (collections, scan) and its\n creation. Each entity has its own repository for writes and typed queries."
    );
    quote! {
        #[doc = #repo_doc]
        #[derive(Debug, Clone)]
        pub struct #repo {
            table: #rt::Table<#first_type>,
        }

        impl #repo {
            #settings

            /// Every item of the table, each decoded as its entity, lazily paginated.
            pub fn scan(&self) -> #rt::Scan<#item> {
                self.table.scan_as()
            }

            #lifecycle

            #(#collections)*
        }
    }
}
