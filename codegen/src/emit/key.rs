//! Primary keys: the key type, the composite sort-key encoder, and the table's `TableSpec`.

use proc_macro2::TokenStream;
use quote::quote;

use super::codec;
use super::options::Options;
use super::print::{self, ident, rt, struct_field};
use crate::ir::layout::TableLayout;
use crate::ir::{CompositeKey, Field, FieldType, KeyAttr, Scalar, Segment, Table};

/// Whether values of this key type are `Copy` (passed by value, never cloned).
fn is_copy(ty: &FieldType) -> bool {
    !matches!(ty, FieldType::Scalar(Scalar::String | Scalar::Bytes))
}

/// The parameter type of a key value: `&str` for a string, the value itself otherwise.
pub(crate) fn key_param(field: &Field) -> TokenStream {
    if field.ty == FieldType::Scalar(Scalar::String) {
        quote!(&str)
    } else {
        print::rust_type(&field.ty)
    }
}

/// `self.name` for a `Copy` key field, `&self.name` otherwise: an argument of the encoder.
fn self_arg(field: &Field) -> TokenStream {
    let name = ident(&field.ident);
    if is_copy(&field.ty) {
        quote!(self.#name)
    } else {
        quote!(&self.#name)
    }
}

/// `BookKey`, `Book::key()` and the sort-key encoder.
pub(crate) fn key_items(table: &Table, options: &Options) -> TokenStream {
    let rt = rt();
    let (item, key) = (ident(&table.names.item), ident(&table.names.key));
    let derives = print::key_derives(&table.names.key, table.key_hashable(), options);
    let key_fields: Vec<&Field> = table.key_fields();
    let struct_fields = key_fields.iter().map(|f| struct_field(&table.names.key, f, options));
    let copies = key_fields.iter().map(|f| {
        let name = ident(&f.ident);
        if is_copy(&f.ty) {
            quote!(#name: self.#name,)
        } else {
            quote!(#name: self.#name.clone(),)
        }
    });
    let write_field = |i: usize| {
        let field = &table.fields[i];
        let (name, attribute, codec) = (ident(&field.ident), &field.attribute, codec::codec(field.codec));
        quote!(#codec.write(&mut map, #attribute, &self.#name);)
    };
    let write = |key: &KeyAttr| match key {
        KeyAttr::Field(i) => write_field(*i),
        KeyAttr::Fields(parts) => parts.iter().map(|i| write_field(*i)).collect(),
        KeyAttr::Composite(c) => insert_composite(table, c),
    };
    let hash_write = write(&table.hash_key);
    let range_write = table.range_key.as_ref().map(write).unwrap_or_default();
    let encoders = table.composites().into_iter().map(|c| encoder(table, c));
    // The public `sort_key()` of a plain table's composite sort key.
    let sort_key = match &table.range_key {
        Some(KeyAttr::Composite(c)) if table.entity.is_none() => {
            let (attribute, encoder) = (&c.attribute, ident(&c.encoder));
            let self_args = c.parts().into_iter().map(|i| self_arg(&table.fields[i]));
            let sort_doc = format!(
                " The stored sort key `{attribute}`: the encoded `{}`, ordered as its parts are.",
                c.template(&table.fields)
            );
            quote! {
                #[doc = #sort_doc]
                pub fn sort_key(&self) -> String {
                    Self::#encoder(#(#self_args),*)
                }
            }
        }
        _ => TokenStream::new(),
    };
    let composite = quote!(#sort_key #(#encoders)*);
    let key_owned: Vec<Field> = key_fields.iter().map(|f| (*f).clone()).collect();
    let key_from_item = codec::decode_impl(&key, &key_owned, table.entity.as_ref());
    // An entity's key also reads the discriminator, which its decoder checks.
    let key_attributes = table.selection_attributes(key_fields.iter().copied());
    let key_doc = format!(
        " The primary key of a [`{}`]. Keys never change once an item exists.",
        table.names.item
    );
    quote! {
        #[doc = #key_doc]
        #derives
        pub struct #key {
            #(#struct_fields)*
        }

        impl #key {
            /// The stored key attributes, as GetItem, UpdateItem and DeleteItem take them.
            pub fn to_key(&self) -> #rt::AttributeMap {
                let mut map = #rt::AttributeMap::with_capacity(2);
                #hash_write
                #range_write
                map
            }

            #composite
        }

        #key_from_item

        impl #rt::Selection for #key {
            type Table = #item;
            const ATTRIBUTES: &'static [&'static str] = &[#(#key_attributes),*];
        }

        impl #item {
            /// The primary key of this item.
            pub fn key(&self) -> #key {
                #key { #(#copies)* }
            }
        }
    }
}

/// The associated function of the key type that encodes composite `c` from its parts.
fn encoder(table: &Table, c: &CompositeKey) -> TokenStream {
    let rt = rt();
    let encoder = ident(&c.encoder);
    let parts: Vec<&Field> = c.parts().into_iter().map(|i| &table.fields[i]).collect();
    let args = parts.iter().map(|f| {
        let (name, ty) = (ident(&f.ident), key_param(f));
        quote!(#name: #ty)
    });
    let pushes = c.segments.iter().map(|s| match s {
        Segment::Const(text) => quote!(.part(#text)),
        Segment::Field(i) => {
            let f = &table.fields[*i];
            let name = ident(&f.ident);
            if f.ty == FieldType::Scalar(Scalar::String) {
                quote!(.part(#name))
            } else {
                quote!(.part(&#name))
            }
        }
    });
    let separator = &c.separator;
    let doc = if !c.template {
        " Encodes the parts of the sort key in order (see `docs/encoding.md`).".to_owned()
    } else {
        format!(
            " Encodes `{}` = `{}` (see `docs/encoding.md`).",
            c.attribute,
            c.template(&table.fields)
        )
    };
    quote! {
        #[doc = #doc]
        pub(crate) fn #encoder(#(#args),*) -> String {
            #rt::CompositeKey::new(#separator)#(#pushes)*.finish()
        }
    }
}

/// The statements in `to_item` that store the composite attributes (a sort key, an entity's
/// key and index templates).
pub(crate) fn composite_attribute_write(table: &Table) -> TokenStream {
    table
        .composites()
        .into_iter()
        .map(|c| insert_composite(table, c))
        .collect()
}

/// `map.insert(attribute, S(BookKey::encoder(self.part, ..)))`: stores composite `c`, encoded
/// from the fields of `self` (a key or an item, which name them alike).
fn insert_composite(table: &Table, c: &CompositeKey) -> TokenStream {
    let rt = rt();
    let key = ident(&table.names.key);
    let (attribute, encoder) = (&c.attribute, ident(&c.encoder));
    let args = c.parts().into_iter().map(|i| self_arg(&table.fields[i]));
    quote! {
        map.insert(#attribute.to_owned(), #rt::AttributeValue::S(#key::#encoder(#(#args),*)));
    }
}

/// `pub const TABLE: TableSpec`, printed from the table's layout; an entity's is its single
/// table's.
pub(crate) fn table_spec(table: &Table, layout: Option<&TableLayout>) -> TokenStream {
    let rt = rt();
    if let Some(entity) = &table.entity {
        let module = ident(&entity.table_module);
        let doc = format!(
            " Keys and indexes of the `{}` table, which holds this entity among others.",
            table.table_name
        );
        return quote! {
            #[doc = #doc]
            pub const TABLE: #rt::TableSpec = super::#module::TABLE;
        };
    }
    let unique: Vec<(&str, &str)> = table
        .fields
        .iter()
        .filter(|f| f.unique)
        .map(|f| (f.name.as_str(), f.attribute.as_str()))
        .collect();
    layout
        .map(|layout| super::layout::table_spec(layout, &unique))
        .unwrap_or_default()
}
