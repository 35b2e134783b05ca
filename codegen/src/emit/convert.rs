//! Conversion between generated types and DynamoDB attribute maps, field by field: no serde
//! and no intermediate tree in the data path.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{ident, rt};
use crate::ir::{DateTimeFormat, Field, FieldType, Scalar};

/// The custom codec module of a field whose format is not its type's default.
fn epoch_codec(field: &Field) -> Option<TokenStream> {
    let rt = rt();
    match field.ty {
        FieldType::Scalar(Scalar::DateTime(DateTimeFormat::EpochSeconds)) => Some(quote!(#rt::epoch_seconds)),
        FieldType::Scalar(Scalar::DateTime(DateTimeFormat::EpochMillis)) => Some(quote!(#rt::epoch_millis)),
        _ => None,
    }
}

/// Statements that store each field of `self` into a mutable `map`.
pub(crate) fn encode_fields(fields: &[Field]) -> TokenStream {
    let rt = rt();
    fields
        .iter()
        .map(|field| {
            let name = ident(&field.ident);
            let attribute = &field.attribute;
            match (epoch_codec(field), field.optional) {
                (Some(codec), false) => quote! {
                    map.insert(#attribute.to_owned(), #codec::encode(&self.#name));
                },
                (Some(codec), true) => {
                    let none = if field.nullable {
                        quote!(else { map.insert(#attribute.to_owned(), #rt::AttributeValue::Null(true)); })
                    } else {
                        TokenStream::new()
                    };
                    quote! {
                        if let Some(value) = &self.#name {
                            map.insert(#attribute.to_owned(), #codec::encode(value));
                        } #none
                    }
                }
                (None, _) if field.nullable => quote! {
                    #rt::write_nullable(&mut map, #attribute, &self.#name);
                },
                (None, _) => quote! {
                    #rt::write(&mut map, #attribute, &self.#name);
                },
            }
        })
        .collect()
}

/// The body of a decoder from an owned `map` in scope to `Self`.
///
/// One pass over the map's entries sorts each attribute into its field's slot by a `match` on
/// the name (no hashing, nothing copied); then the slots are decoded in field order, so the
/// first error reported is always that of the first bad field.
pub(crate) fn decode_fields(fields: &[Field]) -> TokenStream {
    let rt = rt();
    if fields.is_empty() {
        return quote! {
            drop(map);
            Ok(Self {})
        };
    }
    let count = Literal::usize_unsuffixed(fields.len());
    let slots: Vec<Literal> = (0..fields.len()).map(Literal::usize_unsuffixed).collect();
    let arms = fields.iter().zip(&slots).map(|(field, slot)| {
        let attribute = &field.attribute;
        quote!(#attribute => slots[#slot] = Some(value),)
    });
    let inits = fields.iter().zip(&slots).map(|(field, slot)| {
        let name = ident(&field.ident);
        let attribute = &field.attribute;
        let value = quote!(slots[#slot].take());
        let decode = match (epoch_codec(field), field.optional) {
            (Some(codec), false) => quote!(#rt::decode_field_with(#value, #attribute, #codec::decode)?),
            (Some(codec), true) => quote!(#rt::decode_optional_field_with(#value, #attribute, #codec::decode)?),
            (None, _) => quote!(#rt::decode_field(#value, #attribute)?),
        };
        quote!(#name: #decode,)
    });
    quote! {
        let mut slots = [const { None::<#rt::AttributeValue> }; #count];
        for (attribute, value) in map {
            match attribute.as_str() {
                #(#arms)*
                _ => {}
            }
        }
        Ok(Self { #(#inits)* })
    }
}
