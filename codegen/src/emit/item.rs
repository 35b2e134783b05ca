//! One module per table: the item type, its creation input, and their conversion and rules.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{convert, data_derives, doc, field_doc, field_type, ident, key, literal, rt, validate};
use crate::ir::{Field, FieldOrigin, Model, Table};

/// `pub mod book { .. }` for one table.
pub(crate) fn table_module(table: &Table, model: &Model) -> TokenStream {
    let rt = rt();
    let module = format_ident!("{}", table.module);
    let item = format_ident!("{}", table.name);
    let new_item = format_ident!("New{}", table.name);
    let module_doc = doc(Some(&format!("The `{}` table.", table.table_name)));
    let item_doc = doc(Some(
        table
            .doc
            .as_deref()
            .unwrap_or(&format!("An item of the `{}` table.", table.table_name)),
    ));
    let new_doc = doc(Some(&format!(
        "What it takes to create a [`{}`]: every declared field; the generated id, audit columns and version are set by ddbgen.",
        table.name
    )));
    let derives = data_derives();
    let declared: Vec<Field> = table
        .fields
        .iter()
        .filter(|f| f.origin == FieldOrigin::Declared)
        .cloned()
        .collect();
    let item_fields = table.fields.iter().map(struct_field);
    let new_fields = declared.iter().map(struct_field);
    let default = default_impl(&new_item, &declared);
    let encode = convert::encode_fields(&table.fields);
    let decode = convert::decode_fields(&table.fields);
    let range_attribute = key::composite_attribute_write(table);
    let capacity =
        proc_macro2::Literal::usize_unsuffixed(table.fields.len() + usize::from(!range_attribute.is_empty()));
    let item_validate = validate_impls(&item, &table.fields, model);
    let new_validate = validate_impls(&new_item, &declared, model);
    let key_items = key::key_items(table);
    let table_spec = key::table_spec(table, model);
    let runtime_import = super::runtime_import();
    let repository = super::repository::repository(table, model);
    quote! {
        #module_doc
        pub mod #module {
            #runtime_import
            #table_spec

            #item_doc
            #derives
            pub struct #item {
                #(#item_fields)*
            }

            #new_doc
            #derives
            pub struct #new_item {
                #(#new_fields)*
            }

            #default

            #key_items

            impl #item {
                /// Reads the stored attributes; errors name the attribute's path.
                fn decode_map(map: #rt::AttributeMap) -> Result<Self, #rt::DecodeError> {
                    #decode
                }
            }

            impl #rt::Item for #item {
                const TABLE: &'static #rt::TableSpec = &TABLE;

                fn to_item(&self) -> #rt::AttributeMap {
                    let mut map = #rt::AttributeMap::with_capacity(#capacity);
                    #encode
                    #range_attribute
                    map
                }
            }

            impl #rt::FromItem for #item {
                fn from_item(map: #rt::AttributeMap) -> Result<Self, #rt::Error> {
                    Self::decode_map(map).map_err(|error| error.in_table(TABLE.table_name))
                }
            }

            #repository

            #item_validate
            #new_validate
        }
    }
}

/// `pub name: Type,` with its doc and serde name.
pub(crate) fn struct_field(field: &Field) -> TokenStream {
    let name = ident(&field.ident);
    let ty = field_type(field);
    let docs = field_doc(field);
    let bare = field.ident.trim_start_matches("r#");
    let rename = if bare != field.name {
        let serde_name = &field.name;
        quote!(#[serde(rename = #serde_name)])
    } else {
        TokenStream::new()
    };
    quote! {
        #docs
        #rename
        pub #name: #ty,
    }
}

/// `impl Default` with each field's schema default, or its type's.
pub(crate) fn default_impl(ty: &Ident, fields: &[Field]) -> TokenStream {
    let inits = fields.iter().map(|field| {
        let name = ident(&field.ident);
        let value = match &field.default {
            Some(value) if field.optional => {
                let value = literal(value, &field.ty);
                quote!(Some(#value))
            }
            Some(value) => literal(value, &field.ty),
            None => quote!(Default::default()),
        };
        quote!(#name: #value,)
    });
    let docs = if fields.iter().any(|f| f.default.is_some()) {
        quote!(#[doc = " Every field at its schema default, or empty."])
    } else {
        quote!(#[doc = " Every field empty: zero, `\"\"`, `None`, no elements."])
    };
    quote! {
        impl Default for #ty {
            #docs
            fn default() -> Self {
                Self { #(#inits)* }
            }
        }
    }
}

/// `validate()` and `impl Validate` for a type with these fields.
fn validate_impls(ty: &Ident, fields: &[Field], model: &Model) -> TokenStream {
    let rt = rt();
    let validate_impl = validate::validate_impl(ty, fields, model);
    quote! {
        impl #ty {
            /// Checks every validation rule of the schema; all failures are returned together,
            /// each with its field path.
            pub fn validate(&self) -> Result<(), #rt::ValidationErrors> {
                let mut errors = #rt::ValidationErrors::new();
                #rt::Validate::validate_at(self, &#rt::FieldPath::Root, &mut errors);
                errors.into_result()
            }
        }

        #validate_impl
    }
}
