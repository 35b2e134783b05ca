//! The item type of a table and its creation input: structs, `Default`, conversion to and
//! from stored items, and validation.

use proc_macro2::TokenStream;
use quote::quote;

use super::options::Options;
use super::print::{data_derives, default_impl, derives_default, doc, ident, read_type_derives, rt, struct_field};
use super::{codec, validate};
use crate::ir::{Field, FieldOrigin, Table};

/// `Book`, `NewBook`, their `Default`, conversion and validation, and the fields' check
/// functions.
pub(crate) fn item_types(table: &Table, options: &Options) -> TokenStream {
    let rt = rt();
    let names = &table.names;
    let (item, new_item) = (ident(&names.item), ident(&names.new_item));
    let item_doc = doc(Some(
        table
            .doc
            .as_deref()
            .unwrap_or(&format!("An item of the `{}` table.", table.table_name)),
    ));
    let managed: Vec<String> = table
        .fields
        .iter()
        .filter_map(|f| match f.origin {
            FieldOrigin::GeneratedId => Some(format!("the generated id `{}`", f.name)),
            FieldOrigin::Created | FieldOrigin::Updated | FieldOrigin::Version => Some(format!("`{}`", f.name)),
            FieldOrigin::Declared | FieldOrigin::CompositeKey => None,
        })
        .collect();
    let new_doc = doc(Some(&match managed.split_last() {
        None => format!("What it takes to create a [`{}`]: every declared field.", names.item),
        Some((only, [])) => format!(
            "What it takes to create a [`{}`]: every declared field; {only} is set by ddbgen.",
            names.item
        ),
        Some((last, rest)) => format!(
            "What it takes to create a [`{}`]: every declared field; {} and {last} are set by ddbgen.",
            names.item,
            rest.join(", ")
        ),
    }));
    let all: Vec<&Field> = table.fields.iter().collect();
    let declared: Vec<&Field> = table
        .fields
        .iter()
        .filter(|f| f.origin == FieldOrigin::Declared)
        .collect();
    let item_derives = read_type_derives(&names.item, options);
    let new_derives = data_derives(&names.new_item, derives_default(&declared), options);
    let item_fields = all.iter().map(|f| struct_field(&names.item, f, options));
    let new_fields = declared.iter().map(|f| {
        let default = serde_default(&names.new_item, f, options);
        let field = struct_field(&names.new_item, f, options);
        quote!(#default #field)
    });
    let default = default_impl(&new_item, &declared);
    let serde_defaults = serde_default_fns(&new_item, &declared, options);
    let strict = options.serde.then(|| quote!(#[serde(deny_unknown_fields)]));
    let encode = codec::encode_fields(&table.fields);
    let from_item = codec::decode_impl(&item, &table.fields, table.entity.as_ref());
    let range_attribute = super::key::composite_attribute_write(table);
    let discriminator = match &table.entity {
        Some(entity) => {
            let (attribute, value) = (&entity.discriminator, &entity.value);
            quote!(map.insert(#attribute.to_owned(), #rt::AttributeValue::S(#value.to_owned()));)
        }
        None => TokenStream::new(),
    };
    let capacity = proc_macro2::Literal::usize_unsuffixed(
        table.fields.len() + table.composites().len() + usize::from(table.entity.is_some()),
    );
    let item_validate = validate_impls(&names.item, &all);
    let new_validate = validate_impls(&names.new_item, &declared);
    let check_fns = table.fields.iter().map(validate::check_fn);
    quote! {
        #item_doc
        #item_derives
        pub struct #item {
            #(#item_fields)*
        }

        #new_doc
        #new_derives
        #strict
        pub struct #new_item {
            #(#new_fields)*
        }

        #default
        #serde_defaults

        impl #rt::Item for #item {
            const TABLE: &'static #rt::TableSpec = &TABLE;

            fn to_item(&self) -> #rt::AttributeMap {
                let mut map = #rt::AttributeMap::with_capacity(#capacity);
                #encode
                #range_attribute
                #discriminator
                map
            }
        }

        #from_item

        #item_validate
        #new_validate
        #(#check_fns)*
    }
}

/// `validate()` and `impl Validate` for a type with these fields.
fn validate_impls(ty: &str, fields: &[&Field]) -> TokenStream {
    let rt = rt();
    let ty = ident(ty);
    let validate_impl = validate::validate_impl(&ty, fields);
    quote! {
        impl #ty {
            /// Checks every validation rule of the schema; all failures are returned together,
            /// each with its field path.
            pub fn validate(&self) -> Result<(), #rt::ValidationErrors> {
                #rt::Validate::validate(self)
            }
        }

        #validate_impl
    }
}

/// The name of the function that gives a field's own schema default to serde.
fn default_fn(field: &Field) -> String {
    format!("default_{}", field.method_stem())
}

/// `#[serde(default)]` for a creation input's field that has a schema default, so that a
/// body leaving it out gets the default (through [`serde_default_fns`] where it is not the
/// type's own); nothing for the others, which must be given (or are `Option`s).
fn serde_default(owner: &str, field: &Field, options: &Options) -> TokenStream {
    if !options.serde || field.default.is_none() {
        return TokenStream::new();
    }
    match field.own_default() {
        Some(_) => {
            let path = format!("{owner}::{}", default_fn(field));
            quote!(#[serde(default = #path)])
        }
        None => quote!(#[serde(default)]),
    }
}

/// The functions [`serde_default`] names: each field's own schema default.
fn serde_default_fns(ty: &proc_macro2::Ident, fields: &[&Field], options: &Options) -> TokenStream {
    if !options.serde {
        return TokenStream::new();
    }
    let fns = fields.iter().filter_map(|field| {
        let value = super::print::own_default_value(field)?;
        let (name, ty) = (ident(&default_fn(field)), super::print::field_type(field));
        let doc = format!(
            " The schema's default of `{}`, for a body that leaves it out.",
            field.name
        );
        Some(quote! {
            #[doc = #doc]
            fn #name() -> #ty {
                #value
            }
        })
    });
    let fns: Vec<TokenStream> = fns.collect();
    if fns.is_empty() {
        return TokenStream::new();
    }
    quote!(impl #ty { #(#fns)* })
}
