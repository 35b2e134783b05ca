//! Conversion between generated types and DynamoDB attribute maps, field by field, each field
//! through the codec the IR chose for it (`rt::Native`, `rt::EpochSeconds`, …): no serde and no
//! intermediate tree in the data path, and one encoding per field on every path.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::print::{ident, rt};
use crate::ir::{Codec, EntityOf, Field, FieldType, Scalar};

/// The runtime codec value of a field: `rt::Native`, `rt::EpochSeconds`, `rt::EpochMillis`.
pub(crate) fn codec(codec: Codec) -> TokenStream {
    let rt = rt();
    let name = ident(codec.runtime_name());
    quote!(#rt::#name)
}

/// Statements that store each field of `self` into a mutable `map`.
pub(crate) fn encode_fields(fields: &[Field]) -> TokenStream {
    fields
        .iter()
        .map(|field| {
            let (name, attribute, codec) = (ident(&field.ident), &field.attribute, codec(field.codec));
            if field.nullable {
                quote!(#codec.write_nullable(&mut map, #attribute, &self.#name);)
            } else {
                quote!(#codec.write(&mut map, #attribute, &self.#name);)
            }
        })
        .collect()
}

/// `Option<AttributeValue>` storing `value` (a reference to the field's value type, not an
/// `Option`) as the field stores it.
pub(crate) fn encode_value(field: &Field, value: &TokenStream) -> TokenStream {
    let codec = codec(field.codec);
    quote!(#codec.encode(#value))
}

/// The stored `AttributeValue` of a key value `value`: a `&str` for string keys as queries
/// take them, the value itself otherwise.
pub(crate) fn key_value(field: &Field, value: &TokenStream) -> TokenStream {
    let rt = rt();
    if field.ty == FieldType::Scalar(Scalar::String) {
        quote!(#rt::AttributeValue::S(#value.to_owned()))
    } else {
        let codec = codec(field.codec);
        quote!(#codec.key_value(&#value))
    }
}

/// The body of a decoder from an owned `map: M` in scope (`M: rt::StoredMap`, the SDK's item
/// or one read from the response body) to `Self`.
///
/// One pass over the map's entries sorts each attribute into its field's slot by a `match` on
/// the name (no hashing, nothing copied); then the slots are decoded in field order, so the
/// first error reported is always that of the first bad field.
pub(crate) fn decode_fields(fields: &[Field]) -> TokenStream {
    if fields.is_empty() {
        return quote! {
            drop(map);
            Ok(Self {})
        };
    }
    let rt = rt();
    let count = Literal::usize_unsuffixed(fields.len());
    let slots: Vec<Literal> = (0..fields.len()).map(Literal::usize_unsuffixed).collect();
    let arms: Vec<TokenStream> = fields
        .iter()
        .zip(&slots)
        .map(|(field, slot)| {
            let attribute = &field.attribute;
            quote!(#attribute => slots[#slot] = Some(value),)
        })
        .collect();
    let sort = match fields {
        [field] => {
            let attribute = &field.attribute;
            quote! {
                if attribute.as_ref() == #attribute {
                    slots[0] = Some(value);
                }
            }
        }
        _ => quote! {
            match attribute.as_ref() {
                #(#arms)*
                _ => {}
            }
        },
    };
    let inits = fields.iter().zip(&slots).map(|(field, slot)| {
        let (name, attribute, codec) = (ident(&field.ident), &field.attribute, codec(field.codec));
        quote!(#name: #codec.field(slots[#slot].take(), #attribute)?,)
    });
    quote! {
        let mut slots = [const { None::<M::Value> }; #count];
        for (attribute, value) in #rt::StoredMap::into_entries(map) {
            #sort
        }
        Ok(Self { #(#inits)* })
    }
}

/// `impl Decode` of a type read from stored items (an item, key or projection type), in a
/// table module where `TABLE` names the table for errors: one generic decoder serves the
/// SDK's items and items read from the response body (the fast read path); the runtime's
/// blanket `FromItem` names the table in errors, and for an entity's type checks the
/// discriminator first (`ENTITIES`), so it reads only its own entity's items.
pub(crate) fn decode_impl(ty: &proc_macro2::Ident, fields: &[Field], entity: Option<&EntityOf>) -> TokenStream {
    let rt = rt();
    let decode = decode_fields(fields);
    let entities = entity.map(|entity| {
        let (attribute, value) = (&entity.discriminator, &entity.value);
        quote! {
            const ENTITIES: Option<#rt::Entities> = Some(#rt::Entities { attribute: #attribute, names: &[#value] });
        }
    });
    quote! {
        impl #rt::Decode for #ty {
            const TABLE: &'static str = TABLE.table_name;
            #entities
            fn decode_map<M: #rt::StoredMap>(map: M) -> Result<Self, #rt::DecodeError> {
                #decode
            }
        }
    }
}
