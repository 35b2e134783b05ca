//! Primary keys: the key type, the composite sort-key encoder, and the table's `TableSpec`.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Options, codec, data_derives, ident, rt, struct_field};
use crate::ir::{Field, FieldType, IndexKind, KeyType, ProjectionKind, RangeKey, Scalar, Table};

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
    let derives = data_derives(&table.names.key, false, options);
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
    let write = |field: &Field| {
        let (name, attribute, codec) = (ident(&field.ident), &field.attribute, codec::codec(field.codec));
        quote!(#codec.write(&mut map, #attribute, &self.#name);)
    };
    let hash_write = write(table.hash_field());
    let (range_write, composite) = match &table.range_key {
        None => (TokenStream::new(), TokenStream::new()),
        Some(RangeKey::Field(i)) => (write(&table.fields[*i]), TokenStream::new()),
        Some(RangeKey::Composite(composite)) => {
            let attribute = &composite.attribute;
            let parts: Vec<&Field> = composite.parts.iter().map(|i| &table.fields[*i]).collect();
            let args = parts.iter().map(|f| {
                let (name, ty) = (ident(&f.ident), key_param(f));
                quote!(#name: #ty)
            });
            let pushes = parts.iter().map(|f| {
                let name = ident(&f.ident);
                if f.ty == FieldType::Scalar(Scalar::String) {
                    quote!(.part(#name))
                } else {
                    quote!(.part(&#name))
                }
            });
            let self_args = parts.iter().map(|f| self_arg(f));
            let separator = &composite.separator;
            let example = parts
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(separator);
            let sort_doc =
                format!(" The stored sort key `{attribute}`: the encoded `{example}`, ordered as its parts are.");
            (
                quote!(map.insert(#attribute.to_owned(), #rt::AttributeValue::S(self.sort_key()));),
                quote! {
                    #[doc = #sort_doc]
                    pub fn sort_key(&self) -> String {
                        Self::encode_sort_key(#(#self_args),*)
                    }

                    /// Encodes the parts of the sort key in order (see `docs/encoding.md`).
                    pub(crate) fn encode_sort_key(#(#args),*) -> String {
                        #rt::CompositeKey::new(#separator)#(#pushes)*.finish()
                    }
                },
            )
        }
    };
    let key_owned: Vec<Field> = key_fields.iter().map(|f| (*f).clone()).collect();
    let key_from_item = codec::from_item_impl(&key, &key_owned);
    let key_attributes = key_fields.iter().map(|f| &f.attribute);
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

/// The statement in `to_item` that stores a composite sort key.
pub(crate) fn composite_attribute_write(table: &Table) -> TokenStream {
    let rt = rt();
    let Some(RangeKey::Composite(composite)) = &table.range_key else {
        return TokenStream::new();
    };
    let key = ident(&table.names.key);
    let attribute = &composite.attribute;
    let args = composite.parts.iter().map(|i| self_arg(&table.fields[*i]));
    quote! {
        map.insert(#attribute.to_owned(), #rt::AttributeValue::S(#key::encode_sort_key(#(#args),*)));
    }
}

/// `KeyAttribute { name, attribute_type }` of a stored key attribute.
fn key_attribute(name: &str, key_type: KeyType) -> TokenStream {
    let rt = rt();
    let ty = ident(key_type.as_str());
    quote!(#rt::KeyAttribute { name: #name, attribute_type: #rt::AttributeType::#ty })
}

/// The `KeyAttribute` of a key field (lowering checked it has a key type).
fn field_key_attribute(field: &Field) -> TokenStream {
    key_attribute(&field.attribute, field.key_type.unwrap_or(KeyType::S))
}

/// `pub const TABLE: TableSpec`.
pub(crate) fn table_spec(table: &Table) -> TokenStream {
    let rt = rt();
    let table_name = &table.table_name;
    let hash_key = field_key_attribute(table.hash_field());
    let range_key = match &table.range_key {
        None => quote!(None),
        Some(RangeKey::Field(i)) => {
            let attr = field_key_attribute(&table.fields[*i]);
            quote!(Some(#attr))
        }
        Some(RangeKey::Composite(c)) => {
            let attr = key_attribute(&c.attribute, KeyType::S);
            quote!(Some(#attr))
        }
    };
    let indexes = table.indexes.iter().map(|index| {
        let name = &index.name;
        let global = index.kind == IndexKind::Global;
        let hash_key = field_key_attribute(&table.fields[index.hash_key]);
        let range_key = match index.range_key {
            Some(i) => {
                let attr = field_key_attribute(&table.fields[i]);
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
