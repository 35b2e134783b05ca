//! `validate` bodies: one call per rule of each field, and a descent into nested types.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{ident, literal, number_literal, rt};
use crate::ir::{Field, FieldType, Model, NamedKind, Scalar};

/// `impl Validate for ty`: the rules of `fields`, then a descent into nested objects.
pub(crate) fn validate_impl(ty: &proc_macro2::Ident, fields: &[Field], model: &Model) -> TokenStream {
    let rt = rt();
    let checks = field_checks(fields, model);
    // A type without rules leaves its parameters unused.
    let (path, errors) = if checks.is_empty() {
        (format_ident!("_path"), format_ident!("_errors"))
    } else {
        (format_ident!("path"), format_ident!("errors"))
    };
    quote! {
        impl #rt::Validate for #ty {
            fn validate_at(&self, #path: &#rt::FieldPath<'_>, #errors: &mut #rt::ValidationErrors) {
                #checks
            }
        }
    }
}

/// Statements checking the rules of `fields` of `self`, with `path` and `errors` in scope.
fn field_checks(fields: &[Field], model: &Model) -> TokenStream {
    fields.iter().map(|field| field_check(field, model)).collect()
}

fn field_check(field: &Field, model: &Model) -> TokenStream {
    let name = ident(&field.ident);
    let checks = value_checks(field, model);
    if checks.is_empty() {
        return TokenStream::new();
    }
    let field_name = &field.name;
    let body = quote! {
        let path = path.field(#field_name);
        #(#checks)*
    };
    if field.optional {
        quote! {
            if let Some(value) = &self.#name {
                #body
            }
        }
    } else {
        quote! {
            {
                let value = &self.#name;
                #body
            }
        }
    }
}

/// One statement per rule of `field`, checking a `value: &T` (the field's type, without
/// `Option`) at `path`, into `errors: &mut ValidationErrors`.
pub(crate) fn value_checks(field: &Field, model: &Model) -> Vec<TokenStream> {
    let rt = rt();
    let rules = &field.rules;
    let is_string = field.ty == FieldType::Scalar(Scalar::String);
    let mut checks = Vec::new();
    if field.ty == FieldType::Scalar(Scalar::F64) {
        // DynamoDB stores no NaN or infinity: refuse them before sending.
        checks.push(quote!(#rt::rules::finite(&path, *value, errors);));
    }
    if let Some(min) = &rules.min {
        let min = number_literal(min, &field.ty);
        checks.push(quote!(#rt::rules::min(&path, value, #min, errors);));
    }
    if let Some(max) = &rules.max {
        let max = number_literal(max, &field.ty);
        checks.push(quote!(#rt::rules::max(&path, value, #max, errors);));
    }
    if let Some(min) = rules.min_length {
        let min = min as usize;
        checks.push(quote!(#rt::rules::min_length(&path, value, #min, errors);));
    }
    if let Some(max) = rules.max_length {
        let max = max as usize;
        checks.push(quote!(#rt::rules::max_length(&path, value, #max, errors);));
    }
    if rules.non_empty {
        checks.push(quote!(#rt::rules::non_empty(&path, value, errors);));
    }
    if let Some(pattern) = &rules.pattern {
        checks.push(quote! {
            static PATTERN: #rt::LazyLock<#rt::Regex> = #rt::LazyLock::new(|| {
                #rt::Regex::new(#pattern).expect("ddbgen checked this pattern when it generated the code")
            });
            #rt::rules::pattern(&path, value, &PATTERN, errors);
        });
    }
    if !rules.one_of.is_empty() {
        let allowed = rules.one_of.iter().map(|v| match v {
            crate::ir::DefaultValue::String(s) => quote!(#s),
            other => {
                let lit = literal(other, &field.ty);
                quote!(&#lit)
            }
        });
        let value = if is_string {
            quote!(value.as_str())
        } else {
            quote!(value)
        };
        checks.push(quote!(#rt::rules::one_of(&path, #value, &[#(#allowed),*], errors);));
    }
    if rules.four_digit_year {
        checks.push(quote!(#rt::rules::four_digit_year(&path, value, errors);));
    }
    if let Some(separator) = &rules.forbid_separator {
        checks.push(quote!(#rt::rules::no_separator(&path, value, #separator, errors);));
    }
    if let Some(custom) = &rules.custom {
        let function: syn::Path = syn::parse_str(custom).unwrap_or_else(|_| syn::parse_quote!(invalid_custom_rule));
        checks.push(quote!(#rt::rules::custom(&path, #function(value), errors);));
    }
    if contains_object(&field.ty, model) {
        checks.push(quote!(#rt::Validate::validate_at(value, &path, errors);));
    }
    checks
}

/// Whether a value of this type holds a nested object that has rules of its own.
pub(crate) fn contains_object(ty: &FieldType, model: &Model) -> bool {
    match ty {
        FieldType::Named(name) => matches!(model.named(name).map(|t| &t.kind), Some(NamedKind::Object(_))),
        FieldType::List(inner) | FieldType::Map(inner) => contains_object(inner, model),
        FieldType::Scalar(_) | FieldType::Set(_) => false,
    }
}
