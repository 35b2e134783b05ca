//! Named types: string enums and nested objects.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::options::Options;
use super::print::{data_derives, default_impl, derives_default, doc, ident, rt, struct_field};
use super::{codec, validate};
use crate::ir::{EnumVariant, Field, NamedKind, NamedType};

/// An enum or object of `types:`.
pub(crate) fn named_type(ty: &NamedType, options: &Options) -> TokenStream {
    match &ty.kind {
        NamedKind::Enum(variants) => string_enum(ty, variants, options),
        NamedKind::Object(fields) => object(ty, fields, options),
    }
}

fn string_enum(ty: &NamedType, values: &[EnumVariant], options: &Options) -> TokenStream {
    let rt = rt();
    let name = ident(&ty.name);
    let names: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
    let type_name = &ty.name;
    let docs = doc(Some(
        ty.doc
            .as_deref()
            .unwrap_or("A string enum, stored as the name of its value."),
    ));
    let variants: Vec<Ident> = values.iter().map(|v| ident(&v.ident)).collect();
    let variant_items = names.iter().zip(&variants).enumerate().map(|(i, (stored, variant))| {
        let variant_doc = format!(" Stored as `{}`.", stored.replace('`', "'"));
        let default = if i == 0 { quote!(#[default]) } else { TokenStream::new() };
        let rename = if options.serde {
            quote!(#[serde(rename = #stored)])
        } else {
            TokenStream::new()
        };
        quote! {
            #[doc = #variant_doc]
            #rename
            #default
            #variant,
        }
    });
    let extra = options.type_attributes(&ty.name);
    let derives = if options.serde {
        quote! {
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
            #[derive(#rt::serde::Serialize, #rt::serde::Deserialize)]
            #[serde(crate = "::ddbgen_runtime::codegen::serde")]
            #extra
        }
    } else {
        quote! {
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
            #extra
        }
    };
    quote! {
        #docs
        #derives
        pub enum #name {
            #(#variant_items)*
        }

        impl #name {
            /// Every value, in schema order.
            pub const ALL: &'static [Self] = &[#(Self::#variants),*];

            /// The stored name of this value.
            pub fn as_str(self) -> &'static str {
                match self {
                    #(Self::#variants => #names,)*
                }
            }

            /// The value with this stored name.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    #(#names => Some(Self::#variants),)*
                    _ => None,
                }
            }
        }

        /// Ordered by stored name, as DynamoDB orders it in a sort key.
        impl Ord for #name {
            fn cmp(&self, other: &Self) -> ::core::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl PartialOrd for #name {
            fn partial_cmp(&self, other: &Self) -> Option<::core::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl #rt::AttributeCodec for #name {
            const EXPECTED: &'static str = concat!("S (a value of enum ", #type_name, ")");
            fn encode(&self) -> Option<#rt::AttributeValue> {
                Some(#rt::AttributeValue::S(self.as_str().to_owned()))
            }
            fn decode(value: #rt::AttributeValue) -> Result<Self, #rt::DecodeError> {
                #rt::decode_enum(value, #type_name, Self::from_name)
            }
            fn decode_wire(value: #rt::Wire<'_>) -> Result<Self, #rt::DecodeError> {
                #rt::decode_enum(value, #type_name, Self::from_name)
            }
        }

        impl #rt::KeyPart for #name {
            const TEXT: bool = true;

            fn write_key_part(&self, out: &mut String) {
                out.push_str(self.as_str());
            }
            fn read_key_part(text: &str) -> Result<Self, #rt::KeyPartError> {
                Self::from_name(text).ok_or_else(|| #rt::KeyPartError {
                    text: text.to_owned(),
                    expected: concat!("a value of enum ", #type_name),
                })
            }
        }
    }
}

fn object(ty: &NamedType, fields: &[Field], options: &Options) -> TokenStream {
    let rt = rt();
    let name = ident(&ty.name);
    let type_name = &ty.name;
    let docs = doc(Some(ty.doc.as_deref().unwrap_or("A nested object, stored as a map.")));
    let fields_ref: Vec<&Field> = fields.iter().collect();
    let derives = data_derives(&ty.name, derives_default(&fields_ref), options);
    let struct_fields = fields.iter().map(|f| struct_field(&ty.name, f, options));
    let default = default_impl(&name, &fields_ref);
    let encode = if fields.is_empty() {
        quote!(Some(#rt::AttributeValue::M(#rt::AttributeMap::new())))
    } else {
        let capacity = proc_macro2::Literal::usize_unsuffixed(fields.len());
        let statements = codec::encode_fields(fields);
        quote! {
            let mut map = #rt::AttributeMap::with_capacity(#capacity);
            #statements
            Some(#rt::AttributeValue::M(map))
        }
    };
    let decode = codec::decode_fields(fields);
    let validate_impl = validate::validate_impl(&name, &fields_ref);
    quote! {
        #docs
        #derives
        pub struct #name {
            #(#struct_fields)*
        }

        #default

        impl #name {
            /// Reads the map's entries (the SDK's, or read from the response body).
            fn decode_map<M: #rt::StoredMap>(map: M) -> Result<Self, #rt::DecodeError> {
                #decode
            }
        }

        impl #rt::AttributeCodec for #name {
            const EXPECTED: &'static str = concat!("M (a ", #type_name, ")");
            fn encode(&self) -> Option<#rt::AttributeValue> {
                #encode
            }
            fn decode(value: #rt::AttributeValue) -> Result<Self, #rt::DecodeError> {
                Self::decode_map(#rt::into_map(value, #type_name)?)
            }
            fn decode_wire(value: #rt::Wire<'_>) -> Result<Self, #rt::DecodeError> {
                Self::decode_map(#rt::into_wire_map(value, #type_name)?)
            }
        }

        #validate_impl
    }
}
