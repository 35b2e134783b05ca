//! One field: its Rust identifier, resolved type, codec and key type, default and rules.

use indexmap::IndexMap;

use super::Structure;
use super::report::Report;
use crate::diagnostic::did_you_mean;
use crate::ir::names::{Scope, escape, snake};
use crate::ir::{Codec, Field, FieldOrigin, FieldType, KeyType, Literal, Rules, Scalar};
use crate::schema::YamlPath;
use crate::schema::model::FieldDef;

/// DynamoDB's largest vector index (dimensions of a `vector<N>` field).
pub(super) const MAX_VECTOR_DIMENSIONS: u32 = 4096;

/// The built-in type names, for did-you-mean.
pub(super) const BUILTIN_TYPES: &[&str] = &[
    "string", "bool", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f64", "decimal", "uuid", "datetime",
    "date", "bytes",
];

impl Structure<'_> {
    /// The fields of a table or object, each Rust identifier claimed once.
    /// `owner` names the table or type for messages (`table \`Book\``).
    pub(super) fn field_list(&mut self, defs: &IndexMap<String, FieldDef>, path: &YamlPath, owner: &str) -> Vec<Field> {
        let mut scope = Scope::new(format!("the fields of {owner}"));
        let mut out = Vec::new();
        for (name, def) in defs {
            let field_path = path.child(name);
            let Some(field) = self.field(name, def, &field_path) else {
                continue;
            };
            if let Err(clash) = scope.claim(&field.ident, format!("field `{name}`"), Some(field.span)) {
                self.clash(
                    field.span,
                    &clash,
                    "rename one of the fields; keep the stored name with `attribute:`",
                );
                continue;
            }
            out.push(field);
        }
        out
    }

    fn field(&mut self, name: &str, def: &FieldDef, path: &YamlPath) -> Option<Field> {
        if !is_field_name(name) {
            self.error_key(
                path,
                format!("`{name}` is not a valid field name"),
                "start with a letter or `_`, then letters, digits, `_` or `-`; store odd names with `attribute:`",
            );
            return None;
        }
        let Some(ident) = escape(&snake(name)) else {
            self.error_key(
                path,
                format!("`{name}` cannot be a Rust field name"),
                format!("name the field `{name}_` and store it with `attribute: {name}`"),
            );
            return None;
        };
        let type_path = path.child("type");
        let vector = self.vector_dimensions(&def.ty, &type_path);
        let parsed = match vector {
            Some(_) => Ok(FieldType::List(Box::new(FieldType::Scalar(Scalar::F64)))),
            None => FieldType::parse(&def.ty),
        };
        let ty = match parsed {
            Ok(ty) => ty,
            Err(why) => {
                let type_names: Vec<&str> = self.file.document.types.keys().map(String::as_str).collect();
                let help = match suggest_type(def.ty.trim(), &type_names) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => "see `ddbgen schema` for the types".to_owned(),
                };
                // Point at the word that is not a type (`strng` in `list<strng>`).
                let word = why
                    .split('`')
                    .nth(1)
                    .filter(|w| why.ends_with("is not a type") && !w.is_empty());
                let diagnostic = match word.and_then(|w| def.ty.find(w).map(|at| (w, at))) {
                    Some((w, at)) => {
                        let offset = def.ty[..at].chars().count();
                        self.file
                            .error_inside(&type_path, &def.ty, offset, w.chars().count(), why)
                    }
                    None => self.file.error_at(&type_path, why),
                };
                self.errors.push(diagnostic.with_help(help));
                return None;
            }
        };
        let ty = self.resolve(ty, &type_path)?;
        let codec = match def.format {
            Some(format) if ty == FieldType::Scalar(Scalar::DateTime) => Codec::for_datetime(format),
            Some(_) => {
                self.error(
                    &path.child("format"),
                    "`format` applies to `datetime` fields only",
                    "remove `format`, or make the type `datetime`",
                );
                Codec::Native
            }
            None => Codec::Native,
        };
        if def.nullable && !def.optional {
            self.error(
                &path.child("nullable"),
                "`nullable` applies to optional fields",
                "add `optional: true`, or remove `nullable`",
            );
        }
        let attribute = def.attribute.clone().unwrap_or_else(|| name.to_owned());
        if attribute.is_empty() {
            self.error(
                &path.child("attribute"),
                "the attribute name is empty",
                "omit `attribute:` to store the field under its own name",
            );
        }
        let mut rules = match &def.validate {
            Some(rules) => self.rules(rules, &ty, &path.child("validate")),
            None => Rules::default(),
        };
        rules.vector = vector.flatten();
        let default = match &def.default {
            Some(value) => {
                let default_path = path.child("default");
                let value = self.literal(value, &ty, &default_path);
                if let Some(value) = &value
                    && let Some(why) = super::rules::violates(value, &rules)
                {
                    self.error(
                        &default_path,
                        format!("default {} fails its own rule: {why}", value.display()),
                        "change the default or the rule so they agree",
                    );
                }
                value
            }
            None => None,
        };
        // A default equal to the type's own leaves `Default` derivable.
        let type_default = default
            .as_ref()
            .is_some_and(|v| !def.optional && self.is_type_default(v, &ty));
        Some(Field {
            name: name.to_owned(),
            ident,
            attribute,
            key_type: KeyType::of(&ty, codec),
            nested_checks: ty.contains_object(),
            ty,
            codec,
            boxed: false,
            optional: def.optional,
            nullable: def.nullable,
            default,
            type_default,
            rules,
            check_fn: None,
            updates: Vec::new(),
            doc: def.doc.clone(),
            unique: def.unique,
            vector: vector.flatten(),
            origin: FieldOrigin::Declared,
            span: self.span(path),
        })
    }

    /// For a `vector<N>` type: `Some(Some(N))`, or `Some(None)` when N is not 1 to 4096 (reported);
    /// `None` for any other type.
    fn vector_dimensions(&mut self, ty: &str, path: &YamlPath) -> Option<Option<u32>> {
        let inner = ty.trim().strip_prefix("vector<")?.strip_suffix('>')?.trim();
        match inner.parse::<u32>() {
            Ok(n) if (1..=MAX_VECTOR_DIMENSIONS).contains(&n) => Some(Some(n)),
            _ => {
                self.error(
                    path,
                    format!("`{ty}`: a vector has 1 to {MAX_VECTOR_DIMENSIONS} dimensions"),
                    "write the number of dimensions of your embeddings: `vector<768>`",
                );
                Some(None)
            }
        }
    }

    /// Whether `value` is what `Default::default()` gives for `ty` (same stored text too:
    /// `"0.00"` is not the default decimal `0`).
    fn is_type_default(&self, value: &Literal, ty: &FieldType) -> bool {
        match value {
            Literal::String(s) => s.is_empty(),
            Literal::Bool(b) => !b,
            Literal::Int(i) => *i == 0,
            Literal::Float(f) => f.to_bits() == 0,
            Literal::Decimal { mantissa, scale } => *mantissa == 0 && *scale == 0,
            Literal::Enum { value, .. } => match ty {
                FieldType::Enum(name) => self
                    .enums
                    .get(name)
                    .and_then(|v| v.first())
                    .is_some_and(|first| first.value == *value),
                _ => false,
            },
        }
    }

    /// Resolves a named type into `Enum` or `Object`, or reports it unknown.
    fn resolve(&mut self, ty: FieldType, path: &YamlPath) -> Option<FieldType> {
        let types = &self.file.document.types;
        if let Some(named) = ty.named()
            && !types.contains_key(named)
        {
            let names = types.keys().map(String::as_str).chain(BUILTIN_TYPES.iter().copied());
            let help = match did_you_mean(named, names) {
                Some(close) => format!("did you mean `{close}`?"),
                None => "declare it under `types:`, or use a built-in type".to_owned(),
            };
            self.error(path, format!("unknown type `{named}`"), help);
            return None;
        }
        Some(
            ty.resolved(&|name| match types.get(name).and_then(|t| t.variants.as_ref()) {
                Some(_) => FieldType::Enum(name.to_owned()),
                None => FieldType::Object(name.to_owned()),
            }),
        )
    }

    /// A literal (default or `one_of` value) checked against the field's type.
    pub(super) fn literal(&mut self, value: &serde_json::Value, ty: &FieldType, path: &YamlPath) -> Option<Literal> {
        use serde_json::Value;
        let literal = match (ty, value) {
            (FieldType::Scalar(Scalar::String), Value::String(s)) => Literal::String(s.clone()),
            (FieldType::Scalar(Scalar::Bool), Value::Bool(b)) => Literal::Bool(*b),
            (FieldType::Scalar(Scalar::Int(_) | Scalar::F64 | Scalar::Decimal), _) => {
                return self.number(value, ty, path, "");
            }
            (FieldType::Enum(name), Value::String(s)) => {
                let variants = self.enums.get(name).cloned().unwrap_or_default();
                match variants.iter().find(|v| v.value == *s) {
                    Some(v) => Literal::Enum {
                        value: v.value.clone(),
                        variant: v.ident.clone(),
                    },
                    None => {
                        let values: Vec<&str> = variants.iter().map(|v| v.value.as_str()).collect();
                        let help = match did_you_mean(s, values.iter().copied()) {
                            Some(close) => format!("did you mean `{close}`?"),
                            None => format!("use one of: {}", values.join(", ")),
                        };
                        self.error(path, format!("`{s}` is not a value of enum `{name}`"), help);
                        return None;
                    }
                }
            }
            (FieldType::Object(name), _) => {
                self.error(
                    path,
                    format!("fields of type `{name}` take no default"),
                    "remove `default:`",
                );
                return None;
            }
            (FieldType::Scalar(_) | FieldType::Enum(_), _) => {
                self.error(
                    path,
                    format!("{value} is not a value of this field's type"),
                    "write a literal of the field's type",
                );
                return None;
            }
            _ => {
                self.error(
                    path,
                    "defaults apply to scalar and enum fields",
                    "remove `default:`; a collection starts empty",
                );
                return None;
            }
        };
        Some(literal)
    }

    /// A number literal of a number type (`what` prefixes the message: "`min` "): an integer in its type's range, a finite float, or
    /// an exact decimal (quoted, or a YAML number whose text is exact).
    pub(super) fn number(
        &mut self,
        value: &serde_json::Value,
        ty: &FieldType,
        path: &YamlPath,
        what: &str,
    ) -> Option<Literal> {
        use serde_json::Value;
        match (ty, value) {
            (FieldType::Scalar(Scalar::Int(int)), _) => {
                let (lo, hi) = int.range();
                match value.as_number().and_then(serde_json::Number::as_i128) {
                    Some(v) if (lo..=hi).contains(&v) => Some(Literal::Int(v)),
                    _ => {
                        self.error(
                            path,
                            format!(
                                "{what}{value} does not fit in {}, which holds {lo} to {hi}",
                                int.rust_name()
                            ),
                            format!("write a whole number from {lo} to {hi}"),
                        );
                        None
                    }
                }
            }
            (FieldType::Scalar(Scalar::F64), Value::Number(n)) if n.as_f64().is_some_and(f64::is_finite) => {
                n.as_f64().map(Literal::Float)
            }
            (FieldType::Scalar(Scalar::Decimal), Value::String(s)) if Literal::decimal(s).is_some() => {
                Literal::decimal(s)
            }
            // A whole YAML number is exact; a fraction was already read as binary floating point.
            (FieldType::Scalar(Scalar::Decimal), Value::Number(n)) if n.is_i64() || n.is_u64() => {
                Literal::decimal(&n.to_string())
            }
            (FieldType::Scalar(Scalar::Decimal), Value::Number(_)) => {
                self.error(
                    path,
                    "a decimal literal must be a quoted string",
                    "write it in quotes, such as \"0.10\", so it stays exact",
                );
                None
            }
            (FieldType::Scalar(Scalar::Decimal), _) => {
                self.error(
                    path,
                    format!("{what}{value} is not an exact decimal"),
                    "write a quoted decimal such as \"0.10\" (at most 28 digits after the point)",
                );
                None
            }
            _ => {
                self.error(
                    path,
                    format!("{what}{value} is not a number of the field's type"),
                    "write a number the field's type can hold",
                );
                None
            }
        }
    }
}

/// The type text with each misspelt word replaced by the closest type name, inside generics
/// too (`list<strng>` → `list<string>`), when every unknown word has a close match.
fn suggest_type(text: &str, type_names: &[&str]) -> Option<String> {
    const GENERICS: &[&str] = &["list", "map", "set", "integer"];
    let known = |word: &str| BUILTIN_TYPES.contains(&word) || GENERICS.contains(&word) || type_names.contains(&word);
    let candidates = || {
        BUILTIN_TYPES
            .iter()
            .chain(GENERICS)
            .copied()
            .chain(type_names.iter().copied())
    };
    let mut out = String::new();
    let mut changed = false;
    const PUNCTUATION: [char; 4] = ['<', '>', ',', ' '];
    for piece in text.split_inclusive(PUNCTUATION) {
        let word = piece.trim_end_matches(PUNCTUATION);
        let rest = &piece[word.len()..];
        if word.is_empty() || known(word) {
            out.push_str(piece);
            continue;
        }
        out.push_str(did_you_mean(word, candidates())?);
        out.push_str(rest);
        changed = true;
    }
    changed.then_some(out)
}

/// A name the schema may give a field: a letter or `_`, then letters, digits, `_` or `-`.
pub(super) fn is_field_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::suggest_type;

    #[test]
    fn misspelt_words_are_suggested_inside_generics() {
        assert_eq!(suggest_type("list<strng>", &[]).as_deref(), Some("list<string>"));
        assert_eq!(
            suggest_type("map<string, Autor>", &["Author"]).as_deref(),
            Some("map<string, Author>")
        );
        assert_eq!(suggest_type("lst<u8>", &[]).as_deref(), Some("list<u8>"));
        assert_eq!(suggest_type("strng", &[]).as_deref(), Some("string"));
        assert_eq!(suggest_type("list<zzzzzzzz>", &[]), None);
    }
}
