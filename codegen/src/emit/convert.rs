//! Conversion between generated types and DynamoDB attribute maps, field by field: no serde
//! and no intermediate tree in the data path.

use proc_macro2::TokenStream;
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

/// A struct expression `ctor { field: take(&mut map, "attr")?, .. }` over a mutable `map` in
/// scope, which it empties of the fields' attributes.
pub(crate) fn decode_fields(fields: &[Field], ctor: &TokenStream) -> TokenStream {
    let rt = rt();
    let inits = fields.iter().map(|field| {
        let name = ident(&field.ident);
        let attribute = &field.attribute;
        let read = match (epoch_codec(field), field.optional) {
            (Some(codec), false) => quote!(#rt::take_with(&mut map, #attribute, #codec::decode)?),
            (Some(codec), true) => quote!(#rt::take_optional_with(&mut map, #attribute, #codec::decode)?),
            (None, _) => quote!(#rt::take(&mut map, #attribute)?),
        };
        quote!(#name: #read,)
    });
    quote!(#ctor { #(#inits)* })
}
