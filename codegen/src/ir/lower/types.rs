//! Named types: string enums with their Rust variants, nested objects, and recursion between
//! objects (a `Box` where a type contains itself by value; an error where no value could end).

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;

use super::report::Report;
use super::{RESERVED_TYPE_NAMES, Structure, is_upper_camel};
use crate::ir::names::Scope;
use crate::ir::names::is_ident;
use crate::ir::{EnumVariant, FieldType, NamedKind, NamedType};
use crate::schema::YamlPath;
use crate::schema::model::EnumValueDef;

impl Structure<'_> {
    /// Lowers `types:`: enums first (object fields and defaults refer to their variants),
    /// then objects, then recursion.
    pub(super) fn named_types(&mut self, path: &YamlPath) -> Vec<NamedType> {
        let file = self.file;
        let defs = &file.document.types;
        let mut valid = BTreeSet::new();
        for (name, def) in defs {
            let path = path.child(name);
            if !is_upper_camel(name) {
                self.error_key(
                    &path,
                    format!("type name `{name}` is not UpperCamelCase"),
                    format!("write `{}`", name.to_upper_camel_case()),
                );
            } else if RESERVED_TYPE_NAMES.contains(&name.as_str()) {
                self.error_key(
                    &path,
                    format!("type name `{name}` would shadow a Rust standard name in generated code"),
                    format!("choose another name, such as `{name}Value`"),
                );
            } else if def.variants.is_some() == def.fields.is_some() {
                self.error_key(
                    &path,
                    format!("type `{name}` needs exactly one of `enum:` and `fields:`"),
                    "an enum lists `enum: [a, b]`; an object lists `fields: { .. }`",
                );
            } else {
                valid.insert(name.clone());
                if let Some(values) = &def.variants {
                    let variants = self.enum_variants(name, values, &path.child("enum"));
                    self.enums.insert(name.clone(), variants);
                }
            }
        }
        let mut out = Vec::new();
        for (name, def) in defs.iter().filter(|(name, _)| valid.contains(*name)) {
            let path = path.child(name);
            let kind = match &def.fields {
                Some(fields) => {
                    let fields = self.field_list(fields, &path.child("fields"), &format!("type `{name}`"));
                    self.refuse_unique(
                        &fields,
                        &path.child("fields"),
                        "uniqueness is kept across a table, for the fields of its items",
                    );
                    NamedKind::Object(fields)
                }
                None => NamedKind::Enum(self.enums.get(name).cloned().unwrap_or_default()),
            };
            out.push(NamedType {
                name: name.clone(),
                doc: def.doc.clone(),
                kind,
                span: self.span(&path),
            });
        }
        self.break_recursion(&mut out);
        out
    }

    fn enum_variants(&mut self, name: &str, values: &[EnumValueDef], path: &YamlPath) -> Vec<EnumVariant> {
        if values.is_empty() {
            self.error(
                path,
                "an enum needs at least one value",
                "list its values: `enum: [draft, published]`",
            );
        }
        let mut scope = Scope::new(format!("enum `{name}`"));
        let mut stored: BTreeMap<&str, usize> = BTreeMap::new();
        let mut out = Vec::new();
        for (i, def) in values.iter().enumerate() {
            let value_path = path.child(i);
            let span = self.span(&value_path);
            let value = def.value();
            if let Some(first) = stored.insert(value, i) {
                self.error(
                    &value_path,
                    format!("enum value `{value}` is listed twice (first as value {})", first + 1),
                    "remove one of them",
                );
                continue;
            }
            let ident = match def {
                EnumValueDef::Named(named) => {
                    if !is_upper_camel(&named.name) || !is_ident(&named.name) {
                        self.error(
                            &value_path.child("name"),
                            format!("`{}` is not an UpperCamelCase Rust name", named.name),
                            format!(
                                "write a name such as `{}`",
                                derive_variant(&named.name).unwrap_or("Value".to_owned())
                            ),
                        );
                        continue;
                    }
                    named.name.clone()
                }
                EnumValueDef::Value(value) => match derive_variant(value) {
                    Some(ident) => ident,
                    None => {
                        self.error(
                            &value_path,
                            format!("enum value {value:?} has no letters or digits to name a Rust variant after"),
                            format!("name the variant: `{{ value: {value:?}, name: MyValue }}`"),
                        );
                        continue;
                    }
                },
            };
            if let Err(clash) = scope.claim(&ident, format!("value {value:?}"), Some(span)) {
                self.clash(
                    span,
                    &clash,
                    &format!("name one of the variants: `{{ value: {value:?}, name: OtherName }}`"),
                );
                continue;
            }
            out.push(EnumVariant {
                value: value.to_owned(),
                ident,
                span,
            });
        }
        out
    }

    /// Boxes every by-value field that closes a cycle of objects, and refuses a cycle in which
    /// every field is required (no value of such a type could ever end).
    fn break_recursion(&mut self, types: &mut [NamedType]) {
        // By-value edges: an object field whose type is an object (lists and maps hold their
        // elements on the heap already).
        let edges = |types: &[NamedType], required_only: bool| -> BTreeMap<String, Vec<String>> {
            types
                .iter()
                .filter_map(|t| match &t.kind {
                    NamedKind::Object(fields) => Some((
                        t.name.clone(),
                        fields
                            .iter()
                            .filter(|f| !(required_only && f.optional))
                            .filter_map(|f| match &f.ty {
                                FieldType::Object(target) => Some(target.clone()),
                                _ => None,
                            })
                            .collect(),
                    )),
                    NamedKind::Enum(_) => None,
                })
                .collect()
        };
        let reaches = |graph: &BTreeMap<String, Vec<String>>, from: &str, to: &str| -> bool {
            let mut seen = BTreeSet::new();
            let mut stack = vec![from.to_owned()];
            while let Some(node) = stack.pop() {
                if node == to {
                    return true;
                }
                if seen.insert(node.clone()) {
                    stack.extend(graph.get(&node).into_iter().flatten().cloned());
                }
            }
            false
        };
        let required = edges(types, true);
        let all = edges(types, false);
        for ty in types.iter_mut() {
            let NamedKind::Object(fields) = &mut ty.kind else {
                continue;
            };
            for field in fields.iter_mut() {
                let FieldType::Object(target) = &field.ty else { continue };
                if !reaches(&all, target, &ty.name) {
                    continue;
                }
                field.boxed = true;
                if !field.optional && reaches(&required, target, &ty.name) {
                    let message = format!(
                        "`{}` holds a `{target}`, which holds a `{}` again through required fields only: no value of it could ever end",
                        ty.name, ty.name
                    );
                    self.errors.push(
                        crate::diagnostic::Diagnostic::new(&self.file.name, field.span, message).with_help(
                            "make one field of the cycle `optional: true`, or hold the values in a `list<..>`",
                        ),
                    );
                }
            }
        }
    }
}

/// The Rust variant derived from a stored value: UpperCamelCase of its ASCII letters and digits
/// (common Latin accents folded: `ünïcode` → `Unicode`), prefixed with `V` when it would start
/// with a digit (`2nd-edition` → `V2ndEdition`) or when it would be a keyword (`self` →
/// `VSelf`); `None` when nothing is left.
pub(crate) fn derive_variant(value: &str) -> Option<String> {
    let folded: String = value.chars().map(fold_accent).collect();
    let words: String = folded
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let camel = words.to_upper_camel_case();
    if camel.is_empty() {
        None
    } else if camel.starts_with(|c: char| c.is_ascii_digit()) || !is_ident(&camel) {
        Some(format!("V{camel}"))
    } else {
        Some(camel)
    }
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'A',
        'ç' => 'c',
        'Ç' => 'C',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'È' | 'É' | 'Ê' | 'Ë' => 'E',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
        'ñ' => 'n',
        'Ñ' => 'N',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => 'O',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
        'ý' | 'ÿ' => 'y',
        'Ý' => 'Y',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::derive_variant;

    #[test]
    fn variants_are_derived_from_any_stored_string() {
        assert_eq!(derive_variant("out_of_print").as_deref(), Some("OutOfPrint"));
        assert_eq!(derive_variant("2nd-edition").as_deref(), Some("V2ndEdition"));
        assert_eq!(derive_variant("ünïcode").as_deref(), Some("Unicode"));
        assert_eq!(derive_variant("in stock!").as_deref(), Some("InStock"));
        assert_eq!(derive_variant("self").as_deref(), Some("VSelf"));
        assert_eq!(derive_variant("日本"), None);
        assert_eq!(derive_variant(""), None);
    }
}
