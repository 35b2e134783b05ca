//! Primary keys: the key type, the composite sort-key encoder, and the table's `TableSpec`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{data_derives, ident, rt};
use crate::ir::{Field, FieldType, Model, NamedKind, ProjectionKind, RangeKey, Scalar, Table};

/// Whether values of this key type are `Copy` (passed by value, never cloned).
fn is_copy(ty: &FieldType) -> bool {
    !matches!(ty, FieldType::Scalar(Scalar::String | Scalar::Bytes))
}

/// The parameter type of a key value: `&str` for a string, the value itself otherwise.
pub(crate) fn key_param(field: &Field) -> TokenStream {
    if field.ty == FieldType::Scalar(Scalar::String) {
        quote!(&str)
    } else {
        super::rust_type(&field.ty)
    }
}

/// `.part_str(value)` or `.part(&value)`: appends a key value to a `CompositeKey`.
pub(crate) fn push_part(field: &Field, value: &TokenStream) -> TokenStream {
    if field.ty == FieldType::Scalar(Scalar::String) {
        quote!(.part_str(#value))
    } else {
        quote!(.part(&#value))
    }
}

/// `BookKey`, `Book::key()` and the sort-key encoder.
pub(crate) fn key_items(table: &Table) -> TokenStream {
    let rt = rt();
    let item = format_ident!("{}", table.name);
    let key = format_ident!("{}Key", table.name);
    let derives = data_derives();
    let key_fields: Vec<&Field> = table.key_fields();
    let struct_fields = key_fields.iter().map(|f| super::item::struct_field(f));
    let copies = key_fields.iter().map(|f| {
        let name = ident(&f.ident);
        if is_copy(&f.ty) {
            quote!(#name: self.#name,)
        } else {
            quote!(#name: self.#name.clone(),)
        }
    });
    let hash = table.hash_field();
    let (hash_name, hash_attribute) = (ident(&hash.ident), &hash.attribute);
    let range_write = match &table.range_key {
        None => TokenStream::new(),
        Some(RangeKey::Field(i)) => {
            let field = &table.fields[*i];
            let (name, attribute) = (ident(&field.ident), &field.attribute);
            quote!(#rt::write(&mut map, #attribute, &self.#name);)
        }
        Some(RangeKey::Composite(composite)) => {
            let attribute = &composite.attribute;
            quote!(map.insert(#attribute.to_owned(), #rt::AttributeValue::S(self.sort_key()));)
        }
    };
    let composite = match &table.range_key {
        Some(RangeKey::Composite(composite)) => {
            let parts: Vec<&Field> = composite.parts.iter().map(|i| &table.fields[*i]).collect();
            let args = parts.iter().map(|f| {
                let (name, ty) = (ident(&f.ident), key_param(f));
                quote!(#name: #ty)
            });
            let pushes = parts.iter().map(|f| {
                let name = ident(&f.ident);
                push_part(f, &quote!(#name))
            });
            let self_args = parts.iter().map(|f| {
                let name = ident(&f.ident);
                if is_copy(&f.ty) {
                    quote!(self.#name)
                } else {
                    quote!(&self.#name)
                }
            });
            let separator = &composite.separator;
            let attribute = &composite.attribute;
            let example = parts
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(separator);
            let sort_doc =
                format!(" The stored sort key `{attribute}`: the encoded `{example}`, ordered as its parts are.");
            quote! {
                #[doc = #sort_doc]
                pub fn sort_key(&self) -> String {
                    Self::encode_sort_key(#(#self_args),*)
                }

                /// Encodes the parts of the sort key in order (see `docs/encoding.md`).
                pub(crate) fn encode_sort_key(#(#args),*) -> String {
                    #rt::CompositeKey::new(#separator)#(#pushes)*.finish()
                }
            }
        }
        _ => TokenStream::new(),
    };
    let key_doc = format!(
        " The primary key of a [`{}`]. Keys never change once an item exists.",
        table.name
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
                #rt::write(&mut map, #hash_attribute, &self.#hash_name);
                #range_write
                map
            }

            #composite
        }

        impl #item {
            /// The primary key of this item.
            pub fn key(&self) -> #key {
                #key { #(#copies)* }
            }
        }
    }
}

/// The statement in `to_item` that stores a composite sort key.
pub(crate) fn composite_attribute_write(table: &Table) -> TokenStream {
    let rt = rt();
    let Some(RangeKey::Composite(composite)) = &table.range_key else {
        return TokenStream::new();
    };
    let key = format_ident!("{}Key", table.name);
    let attribute = &composite.attribute;
    let args = composite.parts.iter().map(|i| {
        let field = &table.fields[*i];
        let name = ident(&field.ident);
        if is_copy(&field.ty) {
            quote!(self.#name)
        } else {
            quote!(&self.#name)
        }
    });
    quote! {
        map.insert(#attribute.to_owned(), #rt::AttributeValue::S(#key::encode_sort_key(#(#args),*)));
    }
}

fn key_attribute(name: &str, field: &Field, model: &Model) -> TokenStream {
    let rt = rt();
    let ty = match &field.ty {
        FieldType::Scalar(s) => s.key_type().unwrap_or("S"),
        FieldType::Named(n) if matches!(model.named(n).map(|t| &t.kind), Some(NamedKind::Enum(_))) => "S",
        _ => "S",
    };
    let ty = format_ident!("{}", ty);
    quote!(#rt::KeyAttribute { name: #name, attribute_type: #rt::AttributeType::#ty })
}

/// `pub const TABLE: TableSpec`.
pub(crate) fn table_spec(table: &Table, model: &Model) -> TokenStream {
    let rt = rt();
    let table_name = &table.table_name;
    let hash = table.hash_field();
    let hash_key = key_attribute(&hash.attribute, hash, model);
    let range_key = match &table.range_key {
        None => quote!(None),
        Some(RangeKey::Field(i)) => {
            let attr = key_attribute(&table.fields[*i].attribute, &table.fields[*i], model);
            quote!(Some(#attr))
        }
        Some(RangeKey::Composite(c)) => {
            let name = &c.attribute;
            quote!(Some(#rt::KeyAttribute { name: #name, attribute_type: #rt::AttributeType::S }))
        }
    };
    let indexes = table.indexes.iter().map(|index| {
        let name = &index.name;
        let global = index.kind == crate::ir::IndexKind::Global;
        let hash = &table.fields[index.hash_key];
        let hash_key = key_attribute(&hash.attribute, hash, model);
        let range_key = match index.range_key {
            Some(i) => {
                let attr = key_attribute(&table.fields[i].attribute, &table.fields[i], model);
                quote!(Some(#attr))
            }
            None => quote!(None),
        };
        let projection = match index.projection {
            ProjectionKind::All => quote!(#rt::Projection::All),
            ProjectionKind::KeysOnly => quote!(#rt::Projection::KeysOnly),
            ProjectionKind::Include => {
                let names = index.include.iter().map(|i| &table.fields[*i].attribute);
                quote!(#rt::Projection::Include(&[#(#names),*]))
            }
        };
        quote!(#rt::IndexSpec { name: #name, global: #global, hash_key: #hash_key, range_key: #range_key, projection: #projection })
    });
    let ttl = match table.ttl {
        Some(i) => {
            let attr = &table.fields[i].attribute;
            quote!(Some(#attr))
        }
        None => quote!(None),
    };
    let doc = format!(" Keys, indexes and TTL of the `{table_name}` table, as the schema declares them.");
    quote! {
        #[doc = #doc]
        pub const TABLE: #rt::TableSpec = #rt::TableSpec {
            table_name: #table_name,
            hash_key: #hash_key,
            range_key: #range_key,
            indexes: &[#(#indexes),*],
            ttl_attribute: #ttl,
        };
    }
}
