//! The printing helpers every emitter shares: the runtime path, identifiers, docs, Rust types
//! of fields, literals, derives, struct fields and `Default` impls. Emitters import them from
//! here, never from the module that assembles them.

use proc_macro2::{Ident, Literal as Literal_, Span, TokenStream};
use quote::quote;

use super::options::Options;
use crate::ir::{Field, FieldType, IntType, Literal, Scalar};

/// `rt`: each generated module imports `::ddbgen_runtime::codegen as rt`, the one path
/// generated code uses to reach the runtime.
pub(crate) fn rt() -> TokenStream {
    quote!(rt)
}

/// The import every generated module starts with.
pub(crate) fn runtime_import() -> TokenStream {
    quote!(
        use ::ddbgen_runtime::codegen as rt;
    )
}

/// An identifier, raw when the IR says so (`r#type`).
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The doc of a field: the schema's, or where and how it is stored.
pub(crate) fn field_doc(field: &Field) -> TokenStream {
    match &field.doc {
        Some(text) => doc(Some(text)),
        None => {
            let presence = if field.optional { ", absent when `None`" } else { "" };
            doc(Some(&format!("Stored as attribute `{}`{presence}.", field.attribute)))
        }
    }
}

/// `#[doc = "..."]` lines for a doc text, or nothing.
///
/// Code fences in a schema's docs are examples for readers, not tests: each opens as
/// ` ```text ` (so rustdoc never compiles it as a doctest), and a fence left open is closed.
pub(crate) fn doc(text: Option<&str>) -> TokenStream {
    let Some(text) = text else { return TokenStream::new() };
    let mut open = false;
    let mut lines: Vec<String> = Vec::new();
    for line in text.trim().lines() {
        let line = line.trim_end();
        if line.trim_start().starts_with("```") {
            let indent = &line[..line.len() - line.trim_start().len()];
            lines.push(if open {
                format!(" {indent}```")
            } else {
                format!(" {indent}```text")
            });
            open = !open;
        } else {
            lines.push(format!(" {line}"));
        }
    }
    if open {
        lines.push(" ```".to_owned());
    }
    quote!(#(#[doc = #lines])*)
}

/// The derives shared by every generated data type, with `Default` where no field has a
/// default of its own (`Field::own_default`).
pub(crate) fn data_derives(name: &str, default: bool, options: &Options) -> TokenStream {
    derives(
        name,
        if default { quote!(Default,) } else { TokenStream::new() },
        options,
        true,
    )
}

/// The derives of a type read from the table and sent on, never taken as input: an item type
/// (its managed columns are ddbgen's to write, so a body that sets them is no input), an
/// index's projection or a `projections:` partial type. serde's `Serialize`, but not
/// `Deserialize`, which no read needs and which is most of serde's compile time
/// (BENCHMARKS.md §3); inputs are the creation input, the key and the patch type.
pub(crate) fn read_type_derives(name: &str, options: &Options) -> TokenStream {
    derives(name, TokenStream::new(), options, false)
}

/// The derives of a key type: also `Eq` and `Hash` where the IR allows them.
pub(crate) fn key_derives(name: &str, hashable: bool, options: &Options) -> TokenStream {
    derives(
        name,
        if hashable {
            quote!(Eq, Hash,)
        } else {
            TokenStream::new()
        },
        options,
        true,
    )
}

/// `Debug`, `Clone`, `PartialEq`, then `more`; then, when asked for, serde's `Serialize` and
/// (if `deserialize`) `Deserialize` in a derive of their own; and the user's attributes of
/// `name`.
fn derives(name: &str, more: TokenStream, options: &Options, deserialize: bool) -> TokenStream {
    let rt = rt();
    let extra = options.type_attributes(name);
    if options.serde {
        let deserialize = deserialize.then(|| quote!(, #rt::serde::Deserialize));
        quote! {
            #[derive(Debug, Clone, PartialEq, #more)]
            #[derive(#rt::serde::Serialize #deserialize)]
            #[serde(crate = "::ddbgen_runtime::codegen::serde")]
            #extra
        }
    } else {
        quote! {
            #[derive(Debug, Clone, PartialEq, #more)]
            #extra
        }
    }
}

/// The Rust type of a field, with `Box` where it is recursive and `Option` when optional.
pub(crate) fn field_type(field: &Field) -> TokenStream {
    let ty = rust_type(&field.ty);
    let ty = if field.boxed { quote!(Box<#ty>) } else { ty };
    if field.optional { quote!(Option<#ty>) } else { ty }
}

/// The Rust type of a schema type.
pub(crate) fn rust_type(ty: &FieldType) -> TokenStream {
    let rt = rt();
    match ty {
        FieldType::Scalar(s) => scalar_type(*s),
        FieldType::Set(s) => {
            let inner = scalar_type(*s);
            quote!(#rt::BTreeSet<#inner>)
        }
        FieldType::List(inner) => {
            let inner = rust_type(inner);
            quote!(Vec<#inner>)
        }
        FieldType::Map(inner) => {
            let inner = rust_type(inner);
            quote!(#rt::BTreeMap<String, #inner>)
        }
        FieldType::Enum(name) | FieldType::Object(name) | FieldType::Named(name) => {
            let name = ident(name);
            quote!(super::types::#name)
        }
    }
}

fn scalar_type(scalar: Scalar) -> TokenStream {
    let rt = rt();
    match scalar {
        Scalar::String => quote!(String),
        Scalar::Bool => quote!(bool),
        Scalar::Int(int) => {
            let name = ident(int.rust_name());
            quote!(#name)
        }
        Scalar::F64 => quote!(f64),
        Scalar::Decimal => quote!(#rt::Decimal),
        Scalar::Uuid => quote!(#rt::Uuid),
        Scalar::DateTime => quote!(#rt::DateTime<#rt::Utc>),
        Scalar::Date => quote!(#rt::NaiveDate),
        Scalar::Bytes => quote!(#rt::Bytes),
    }
}

/// A literal of a field's type, as an expression.
pub(crate) fn literal(value: &Literal, ty: &FieldType) -> TokenStream {
    let rt = rt();
    match value {
        Literal::String(s) => quote!(String::from(#s)),
        Literal::Bool(b) => quote!(#b),
        Literal::Int(i) => int_literal(*i, ty),
        Literal::Float(f) => {
            let lit = proc_macro2::Literal::f64_suffixed(*f);
            quote!(#lit)
        }
        Literal::Decimal { mantissa, scale } => {
            let mantissa = proc_macro2::Literal::i128_unsuffixed(*mantissa);
            quote!(#rt::Decimal::from_i128_with_scale(#mantissa, #scale))
        }
        Literal::Enum { variant, .. } => {
            let variant = ident(variant);
            let ty = rust_type(ty);
            quote!(#ty::#variant)
        }
    }
}

/// An integer literal suffixed with the field's integer type (the IR checked it fits).
fn int_literal(value: i128, ty: &FieldType) -> TokenStream {
    let lit = match ty {
        FieldType::Scalar(Scalar::Int(int)) => match int {
            IntType::I8 => Literal_::i8_suffixed(value as i8),
            IntType::I16 => Literal_::i16_suffixed(value as i16),
            IntType::I32 => Literal_::i32_suffixed(value as i32),
            IntType::I64 => Literal_::i64_suffixed(value as i64),
            IntType::U8 => Literal_::u8_suffixed(value as u8),
            IntType::U16 => Literal_::u16_suffixed(value as u16),
            IntType::U32 => Literal_::u32_suffixed(value as u32),
            IntType::U64 => Literal_::u64_suffixed(value as u64),
        },
        _ => Literal_::i128_unsuffixed(value),
    };
    quote!(#lit)
}

/// A method parameter taking a value of `field` (`impl Into<String>` for a string, the type
/// itself otherwise), and the statement that turns it into the field's type.
pub(crate) fn value_param(field: &Field) -> (TokenStream, TokenStream) {
    let name = ident(&field.ident);
    if field.ty == FieldType::Scalar(Scalar::String) {
        (quote!(impl Into<String>), quote!(let #name: String = #name.into();))
    } else {
        (rust_type(&field.ty), TokenStream::new())
    }
}

/// `pub name: Type,` with its doc and serde name.
pub(crate) fn struct_field(owner: &str, field: &Field, options: &Options) -> TokenStream {
    let name = ident(&field.ident);
    let ty = field_type(field);
    let docs = field_doc(field);
    let extra = options.field_attributes(owner, &field.name);
    let rename = if options.serde && field.bare_ident() != field.name {
        let serde_name = &field.name;
        quote!(#[serde(rename = #serde_name)])
    } else {
        TokenStream::new()
    };
    quote! {
        #docs
        #rename
        #extra
        pub #name: #ty,
    }
}

/// Whether `Default` can be derived: no field has a default of its own.
pub(crate) fn derives_default(fields: &[&Field]) -> bool {
    fields.iter().all(|f| f.own_default().is_none())
}

/// A field's own schema default as an expression of its type (`Some(..)` when optional).
pub(crate) fn own_default_value(field: &Field) -> Option<TokenStream> {
    let value = literal(field.own_default()?, &field.ty);
    Some(if field.optional { quote!(Some(#value)) } else { value })
}

/// `impl Default` with each field's schema default, where some differ from their type's.
pub(crate) fn default_impl(ty: &Ident, fields: &[&Field]) -> TokenStream {
    if derives_default(fields) {
        return TokenStream::new();
    }
    let inits = fields.iter().map(|field| {
        let name = ident(&field.ident);
        let value = own_default_value(field).unwrap_or_else(|| quote!(Default::default()));
        quote!(#name: #value,)
    });
    quote! {
        impl Default for #ty {
            /// Every field at its schema default, or its type's.
            fn default() -> Self {
                Self { #(#inits)* }
            }
        }
    }
}
