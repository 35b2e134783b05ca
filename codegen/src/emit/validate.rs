//! Rule checks: one statement per rule of a field. A table field's checks live in one private
//! function (`check_title`) that the item, the creation input and the update setter all call;
//! a nested object checks its fields inline in its `Validate` impl.

use proc_macro2::TokenStream;
use quote::quote;

use super::print::{self, ident, literal, rt};
use crate::ir::{Field, FieldType, Literal, Scalar};

/// The type a check takes a value as: `str` for strings, `[T]` for lists, the field's type
/// (without its `Box`) otherwise.
fn checked_type(field: &Field) -> TokenStream {
    match &field.ty {
        FieldType::Scalar(Scalar::String) => quote!(str),
        FieldType::List(inner) => {
            let inner = print::rust_type(inner);
            quote!([#inner])
        }
        ty => print::rust_type(ty),
    }
}

/// `&self.name` (or `self.name.as_deref()` for an optional field) as the checks take it:
/// `&str`, `&[T]` and `&T` rather than `&String`, `&Vec<T>` and `&Box<T>`.
fn checked_value(field: &Field) -> TokenStream {
    let name = ident(&field.ident);
    let borrows = field.boxed || matches!(field.ty, FieldType::Scalar(Scalar::String) | FieldType::List(_));
    match (field.optional, borrows) {
        (true, true) => quote!(self.#name.as_deref()),
        (true, false) => quote!(self.#name.as_ref()),
        (false, _) => quote!(&self.#name),
    }
}

/// One statement per rule of `field`, checking `value` (a reference to [`checked_type`]) at
/// `path: &FieldPath`, into `errors: &mut ValidationErrors`.
fn value_checks(field: &Field) -> Vec<TokenStream> {
    let rt = rt();
    let rules = &field.rules;
    let mut checks = Vec::new();
    if field.ty == FieldType::Scalar(Scalar::F64) {
        // DynamoDB stores no NaN or infinity: refuse them before sending.
        checks.push(quote!(#rt::rules::finite(path, *value, errors);));
    }
    if let Some(min) = &rules.min {
        let min = literal(min, &field.ty);
        checks.push(quote!(#rt::rules::min(path, value, #min, errors);));
    }
    if let Some(max) = &rules.max {
        let max = literal(max, &field.ty);
        checks.push(quote!(#rt::rules::max(path, value, #max, errors);));
    }
    if let Some(min) = rules.min_length {
        let min = min as usize;
        checks.push(quote!(#rt::rules::min_length(path, value, #min, errors);));
    }
    if let Some(max) = rules.max_length {
        let max = max as usize;
        checks.push(quote!(#rt::rules::max_length(path, value, #max, errors);));
    }
    if rules.non_empty {
        checks.push(quote!(#rt::rules::non_empty(path, value, errors);));
    }
    if let Some(dimensions) = rules.vector {
        let dimensions = dimensions as usize;
        checks.push(quote!(#rt::rules::vector(path, value, #dimensions, errors);));
    }
    if let Some(pattern) = &rules.pattern {
        checks.push(quote! {
            static PATTERN: #rt::LazyLock<#rt::Regex> = #rt::LazyLock::new(|| {
                #rt::Regex::new(#pattern).expect("ddbgen checked this pattern when it generated the code")
            });
            #rt::rules::pattern(path, value, &PATTERN, errors);
        });
    }
    if !rules.one_of.is_empty() {
        let allowed = rules.one_of.iter().map(|v| match v {
            Literal::String(s) => quote!(#s),
            other => {
                let lit = literal(other, &field.ty);
                quote!(&#lit)
            }
        });
        checks.push(quote!(#rt::rules::one_of(path, value, &[#(#allowed),*], errors);));
    }
    if rules.four_digit_year {
        checks.push(quote!(#rt::rules::four_digit_year(path, value, errors);));
    }
    if let Some(custom) = &rules.custom {
        // The IR checked that this parses as a path.
        let function: syn::Path = syn::parse_str(custom).unwrap_or_else(|_| syn::parse_quote!(invalid_custom_rule));
        checks.push(quote!(#rt::rules::custom(path, #function(value), errors);));
    }
    if field.nested_checks {
        checks.push(quote!(#rt::Validate::validate_at(value, path, errors);));
    }
    checks
}

/// `fn check_title(value: &String, path, errors)`: the rules of a table field, in one place.
pub(crate) fn check_fn(field: &Field) -> TokenStream {
    let Some(name) = &field.check_fn else {
        return TokenStream::new();
    };
    let rt = rt();
    let name = ident(name);
    let ty = checked_type(field);
    let checks = value_checks(field);
    let doc = format!(" The schema's rules of `{}`.", field.name);
    quote! {
        #[doc = #doc]
        fn #name(value: &#ty, path: &#rt::FieldPath<'_>, errors: &mut #rt::ValidationErrors) {
            #(#checks)*
        }
    }
}

/// Statements checking one field of `self` with `path` and `errors` in scope: a call of its
/// check function, or (for nested objects, which have none) its checks inline.
fn field_check(field: &Field) -> TokenStream {
    let field_name = &field.name;
    let name = ident(&field.ident);
    let body = match &field.check_fn {
        // `&String` and `&Vec<T>` coerce to the function's `&str` and `&[T]`.
        Some(check) if field.optional => {
            let check = ident(check);
            return quote! {
                if let Some(value) = &self.#name {
                    #check(value, &path.field(#field_name), errors);
                }
            };
        }
        Some(check) => {
            let check = ident(check);
            return quote!(#check(&self.#name, &path.field(#field_name), errors););
        }
        None => {
            let checks = value_checks(field);
            if checks.is_empty() {
                return TokenStream::new();
            }
            quote! {
                let path = &path.field(#field_name);
                #(#checks)*
            }
        }
    };
    let ty = checked_type(field);
    let value = checked_value(field);
    if field.optional {
        quote! {
            if let Some(value) = #value {
                #body
            }
        }
    } else {
        quote! {
            {
                let value: &#ty = #value;
                #body
            }
        }
    }
}

/// `impl Validate for ty`: the rules of each field, with a descent into nested objects.
pub(crate) fn validate_impl(ty: &proc_macro2::Ident, fields: &[&Field]) -> TokenStream {
    let rt = rt();
    let checks: Vec<TokenStream> = fields.iter().map(|f| field_check(f)).collect();
    // A type without rules leaves its parameters unused.
    let any = checks.iter().any(|c| !c.is_empty());
    let (path, errors) = if any {
        (ident("path"), ident("errors"))
    } else {
        (ident("_path"), ident("_errors"))
    };
    quote! {
        impl #rt::Validate for #ty {
            fn validate_at(&self, #path: &#rt::FieldPath<'_>, #errors: &mut #rt::ValidationErrors) {
                #(#checks)*
            }
        }
    }
}

/// A statement checking `value` (a parameter of the field's type) against the field's rules
/// into the update's errors, in a setter of `field`; empty for a field without rules.
pub(crate) fn setter_check(field: &Field, value: &TokenStream) -> TokenStream {
    let Some(check) = &field.check_fn else {
        return TokenStream::new();
    };
    let check = ident(check);
    let field_name = &field.name;
    let value = match field.ty {
        FieldType::Scalar(Scalar::String) => quote!(#value.as_str()),
        FieldType::List(_) => quote!(#value.as_slice()),
        _ => quote!(&#value),
    };
    quote!(self.update.check(#field_name, #value, #check);)
}
