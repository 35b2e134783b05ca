//! Lowering: the serde model of one file into the checked [`Model`], with every rule of the
//! generator. All problems of a file are collected and returned together.

use heck::{ToSnakeCase, ToUpperCamelCase};

use super::*;
use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};
use crate::schema::model::{AuditDef, FieldDef, RangeKeyDef, RulesDef, TableDef};
use crate::schema::{SchemaFile, YamlPath};

/// DynamoDB's limit on global secondary indexes per table.
const MAX_GLOBAL_INDEXES: usize = 20;
/// DynamoDB's limit on local secondary indexes per table.
const MAX_LOCAL_INDEXES: usize = 5;

/// Checks one parsed file and lowers it into the IR.
pub fn lower(file: &SchemaFile) -> Result<Model, Diagnostics> {
    let mut cx = Lowering {
        file,
        errors: Vec::new(),
    };
    let model = cx.model();
    if cx.errors.is_empty() {
        Ok(model)
    } else {
        Err(Diagnostics(cx.errors).sorted())
    }
}

struct Lowering<'a> {
    file: &'a SchemaFile,
    errors: Vec<Diagnostic>,
}

impl Lowering<'_> {
    fn error(&mut self, path: &YamlPath, message: impl Into<String>, help: impl Into<String>) {
        self.errors.push(self.file.error_at(path, message).with_help(help));
    }

    fn error_key(&mut self, path: &YamlPath, message: impl Into<String>, help: impl Into<String>) {
        self.errors.push(self.file.error_at_key(path, message).with_help(help));
    }

    fn model(&mut self) -> Model {
        let file = self.file;
        let doc = &file.document;
        let root = YamlPath::root();
        if doc.version != 1 {
            self.error(
                &root.child("version"),
                format!("unsupported version {}", doc.version),
                "this ddbgen reads version 1: write `version: 1`",
            );
        }
        let types = self.named_types(&root.child("types"));
        let mut model = Model {
            tables: Vec::new(),
            types,
        };
        let mut modules: Vec<String> = Vec::new();
        for (name, def) in &doc.tables {
            let path = root.child("tables").child(name);
            if let Some(table) = self.table(name, def, &path, &model) {
                if modules.contains(&table.module) {
                    self.error_key(
                        &path,
                        format!("table `{name}` generates module `{}` twice", table.module),
                        "rename one of the tables",
                    );
                    continue;
                }
                if model.named(name).is_some() {
                    self.error_key(
                        &path,
                        format!("`{name}` is both a table and an entry of `types:`"),
                        "rename one of them",
                    );
                }
                modules.push(table.module.clone());
                model.tables.push(table);
            }
        }
        model
    }

    fn named_types(&mut self, path: &YamlPath) -> Vec<NamedType> {
        let file = self.file;
        let defs = &file.document.types;
        let mut out = Vec::new();
        for (name, def) in defs {
            let path = path.child(name);
            if !is_upper_camel(name) {
                self.error_key(
                    &path,
                    format!("type name `{name}` is not UpperCamelCase"),
                    format!("write `{}`", name.to_upper_camel_case()),
                );
                continue;
            }
            if RESERVED_TYPE_NAMES.contains(&name.as_str()) {
                self.error_key(
                    &path,
                    format!("type name `{name}` would shadow a Rust standard name in generated code"),
                    format!("choose another name, such as `{name}Value`"),
                );
                continue;
            }
            let kind = match (&def.variants, &def.fields) {
                (Some(variants), None) => NamedKind::Enum(self.enum_variants(variants, &path.child("enum"))),
                (None, Some(fields)) => {
                    let mut lowered = Vec::new();
                    let mut idents = Vec::new();
                    for (field_name, field) in fields {
                        let field_path = path.child("fields").child(field_name);
                        if let Some(f) = self.field(field_name, field, &field_path, &mut idents) {
                            lowered.push(f);
                        }
                    }
                    NamedKind::Object(lowered)
                }
                _ => {
                    self.error_key(
                        &path,
                        format!("type `{name}` needs exactly one of `enum:` and `fields:`"),
                        "an enum lists `enum: [a, b]`; an object lists `fields: { .. }`",
                    );
                    continue;
                }
            };
            out.push(NamedType {
                name: name.clone(),
                doc: def.doc.clone(),
                kind,
            });
        }
        out
    }

    fn enum_variants(&mut self, variants: &[String], path: &YamlPath) -> Vec<String> {
        if variants.is_empty() {
            self.error(
                path,
                "an enum needs at least one value",
                "list its values: `enum: [draft, published]`",
            );
        }
        let mut seen: Vec<String> = Vec::new();
        for (i, v) in variants.iter().enumerate() {
            let ident = v.to_upper_camel_case();
            if ident.is_empty() || !ident.starts_with(|c: char| c.is_ascii_alphabetic()) {
                self.error(
                    &path.child(i),
                    format!("enum value `{v}` has no Rust name"),
                    "start each value with a letter",
                );
            } else if seen.contains(&ident) {
                self.error(
                    &path.child(i),
                    format!("enum value `{v}` collides with another as Rust variant `{ident}`"),
                    "rename one of them",
                );
            }
            seen.push(ident);
        }
        variants.to_vec()
    }

    fn table(&mut self, name: &str, def: &TableDef, path: &YamlPath, model: &Model) -> Option<Table> {
        if !is_upper_camel(name) {
            self.error_key(
                path,
                format!("table type name `{name}` is not UpperCamelCase"),
                format!("write `{}`", name.to_upper_camel_case()),
            );
            return None;
        }
        if RESERVED_TYPE_NAMES.contains(&name) || name == "Types" {
            self.error_key(
                path,
                format!("table type name `{name}` would clash with a name in generated code"),
                format!("choose another name, such as `{name}Item`, and keep the DynamoDB name with `table_name:`"),
            );
            return None;
        }
        let module = name.to_snake_case();
        let table_name = def.table_name.clone().unwrap_or_else(|| module.clone());
        if let Err(why) = check_dynamo_name(&table_name) {
            self.error(
                &path.child("table_name"),
                format!("table name `{table_name}` {why}"),
                "DynamoDB table names are 3 to 255 of a-z, A-Z, 0-9, `_`, `-` and `.`",
            );
        }
        let mut idents = Vec::new();
        let mut fields = Vec::new();
        for (field_name, field) in &def.fields {
            let field_path = path.child("fields").child(field_name);
            if let Some(f) = self.field(field_name, field, &field_path, &mut idents) {
                fields.push(f);
            }
        }
        let field_names: Vec<String> = def.fields.keys().cloned().collect();

        // Hash key: a declared field, or the generated `id: uuid`.
        let hash_key = match &def.hash_key {
            Some(key) => self.key_field(key, &fields, &field_names, &path.child("hash_key"), model, "hash key")?,
            None => {
                if field_names.iter().any(|f| f == "id") {
                    self.error_key(
                        &path.child("fields").child("id"),
                        "a field `id` is declared but `hash_key` is omitted, which generates `id: uuid`",
                        "set `hash_key: id` to key the table by this field, or rename it",
                    );
                    return None;
                }
                fields.insert(
                    0,
                    managed(
                        "id",
                        FieldType::Scalar(Scalar::Uuid),
                        FieldOrigin::GeneratedId,
                        "Unique id of the item, generated on create.",
                    ),
                );
                0
            }
        };

        let range_key = match &def.range_key {
            None => None,
            Some(RangeKeyDef::Field(key)) => {
                let i = self.key_field(key, &fields, &field_names, &path.child("range_key"), model, "range key")?;
                if i == hash_key {
                    self.error(
                        &path.child("range_key"),
                        format!("`{key}` is already the hash key"),
                        "a range key is a different field; omit it when one hash key holds one item",
                    );
                }
                Some(RangeKey::Field(i))
            }
            Some(RangeKeyDef::Composite(composite)) => {
                let rk_path = path.child("range_key");
                let separator = composite.separator.clone().unwrap_or_else(|| "#".to_owned());
                if separator.is_empty() {
                    self.error(
                        &rk_path.child("separator"),
                        "the separator is empty",
                        "use a character such as `#`",
                    );
                }
                if composite.parts.is_empty() {
                    self.error(
                        &rk_path.child("parts"),
                        "a composite range key needs at least one part",
                        "list the fields it is built from: `parts: [year, isbn]`",
                    );
                }
                if fields.iter().any(|f| f.attribute == composite.attribute) {
                    self.error(&rk_path.child("attribute"), format!("attribute `{}` is already a field's attribute", composite.attribute), "the composite key is stored in an attribute of its own: choose another name, such as `year_isbn`");
                }
                let mut parts = Vec::new();
                for (n, part) in composite.parts.iter().enumerate() {
                    let part_path = rk_path.child("parts").child(n);
                    let Some(i) = self.find_field(part, &fields, &field_names, &part_path) else {
                        continue;
                    };
                    if parts.contains(&i) || i == hash_key {
                        self.error(
                            &part_path,
                            format!("`{part}` is used twice in the primary key"),
                            "each key field appears once",
                        );
                        continue;
                    }
                    self.check_part(&fields[i], model, &part_path);
                    if fields[i].ty == FieldType::Scalar(Scalar::String) {
                        fields[i].rules.forbid_separator = Some(separator.clone());
                    }
                    if matches!(fields[i].ty, FieldType::Scalar(Scalar::Date | Scalar::DateTime(_))) {
                        fields[i].rules.four_digit_year = true;
                    }
                    parts.push(i);
                }
                Some(RangeKey::Composite(CompositeKey {
                    attribute: composite.attribute.clone(),
                    parts,
                    separator,
                }))
            }
        };

        // Managed columns: audit, version.
        let (created, updated) = match &def.audit {
            None | Some(AuditDef::Enabled(true)) => (Some("created".to_owned()), Some("updated".to_owned())),
            Some(AuditDef::Enabled(false)) => (None, None),
            Some(AuditDef::Named(names)) => (
                Some(names.created.clone().unwrap_or_else(|| "created".to_owned())),
                Some(names.updated.clone().unwrap_or_else(|| "updated".to_owned())),
            ),
        };
        let datetime = FieldType::Scalar(Scalar::DateTime(DateTimeFormat::Rfc3339));
        for (column, origin, doc, yaml_key) in [
            (
                created,
                FieldOrigin::Created,
                "When the item was created (UTC); set once by ddbgen.",
                "audit",
            ),
            (
                updated,
                FieldOrigin::Updated,
                "When the item was last written (UTC); set on every write by ddbgen.",
                "audit",
            ),
            (
                def.version.clone(),
                FieldOrigin::Version,
                "Optimistic-locking counter; starts at 1 and grows by one on every write.",
                "version",
            ),
        ] {
            let Some(column) = column else { continue };
            let ty = if origin == FieldOrigin::Version {
                FieldType::Scalar(Scalar::Int(IntType::U64))
            } else {
                datetime.clone()
            };
            if !is_field_name(&column) {
                self.error(
                    &path.child(yaml_key),
                    format!("`{column}` is not a valid field name"),
                    "use snake_case letters, digits and `_`",
                );
            } else if fields.iter().any(|f| f.name == column || f.attribute == column) {
                self.error(
                    &path.child(yaml_key),
                    format!("`{column}` is managed by ddbgen but is also declared under `fields:`"),
                    format!("remove `{column}` from `fields:`, or give the {yaml_key} column another name"),
                );
            } else {
                fields.push(managed(&column, ty, origin, doc));
            }
        }

        let ttl = match &def.ttl {
            None => None,
            Some(ttl) => {
                let ttl_path = path.child("ttl");
                let i = self.find_field(ttl, &fields, &field_names, &ttl_path)?;
                if fields[i].ty != FieldType::Scalar(Scalar::DateTime(DateTimeFormat::EpochSeconds)) {
                    self.error(&ttl_path, format!("TTL field `{ttl}` is not a `datetime` with `format: epoch_seconds`"), "DynamoDB expires items by a number of seconds since the epoch: declare the field `{ type: datetime, format: epoch_seconds, optional: true }`");
                }
                Some(i)
            }
        };

        let mut table = Table {
            name: name.to_owned(),
            module,
            table_name,
            doc: def.doc.clone(),
            fields,
            hash_key,
            range_key,
            indexes: Vec::new(),
            ttl,
        };
        table.indexes = self.indexes(def, &table, &field_names, &path.child("indexes"), model);
        Some(table)
    }

    fn field(&mut self, name: &str, def: &FieldDef, path: &YamlPath, idents: &mut Vec<String>) -> Option<Field> {
        let types = &self.file.document.types;
        let type_names: Vec<&str> = types.keys().map(String::as_str).collect();
        if !is_field_name(name) {
            self.error_key(
                path,
                format!("`{name}` is not a valid field name"),
                "start with a letter or `_`, then letters, digits, `_` or `-`; store odd names with `attribute:`",
            );
            return None;
        }
        let ident = rust_field_ident(name);
        let bare = ident.trim_start_matches("r#").to_owned();
        if ["self", "super", "crate", "Self"].contains(&bare.as_str()) {
            self.error_key(
                path,
                format!("`{name}` cannot be a Rust field name"),
                format!("name the field `{name}_` and store it with `attribute: {name}`"),
            );
            return None;
        }
        if idents.contains(&bare) {
            self.error_key(
                path,
                format!("field `{name}` collides with another field as Rust field `{bare}`"),
                "rename one of the fields; keep the stored name with `attribute:`",
            );
            return None;
        }
        idents.push(bare);

        let type_path = path.child("type");
        let mut ty = match FieldType::parse(&def.ty) {
            Ok(ty) => ty,
            Err(why) => {
                let help = match did_you_mean(
                    def.ty.trim(),
                    BUILTIN_TYPES.iter().copied().chain(type_names.iter().copied()),
                ) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => "see `ddbgen schema` for the types".to_owned(),
                };
                self.error(&type_path, why, help);
                return None;
            }
        };
        if let Some(named) = ty.named()
            && !type_names.contains(&named)
        {
            let help = match did_you_mean(named, type_names.iter().copied().chain(BUILTIN_TYPES.iter().copied())) {
                Some(close) => format!("did you mean `{close}`?"),
                None => "declare it under `types:`, or use a built-in type".to_owned(),
            };
            self.error(&type_path, format!("unknown type `{named}`"), help);
            return None;
        }
        if let Some(format) = def.format {
            match &mut ty {
                FieldType::Scalar(Scalar::DateTime(f)) => *f = format,
                _ => self.error(
                    &path.child("format"),
                    "`format` applies to `datetime` fields only",
                    "remove `format`, or make the type `datetime`",
                ),
            }
        }
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
        let rules = match &def.validate {
            Some(rules) => self.rules(rules, &ty, &path.child("validate")),
            None => Rules::default(),
        };
        let default = match &def.default {
            Some(value) => {
                let default_path = path.child("default");
                let value = self.literal(value, &ty, &default_path);
                if let Some(value) = &value
                    && let Some(why) = violates(value, &rules)
                {
                    self.error(
                        &default_path,
                        format!("default {} fails its own rule: {why}", display_literal(value)),
                        "change the default or the rule so they agree",
                    );
                }
                value
            }
            None => None,
        };
        Some(Field {
            name: name.to_owned(),
            ident,
            attribute,
            ty,
            optional: def.optional,
            nullable: def.nullable,
            default,
            rules,
            doc: def.doc.clone(),
            origin: FieldOrigin::Declared,
        })
    }

    fn rules(&mut self, def: &RulesDef, ty: &FieldType, path: &YamlPath) -> Rules {
        let mut rules = Rules {
            min_length: def.min_length,
            max_length: def.max_length,
            non_empty: def.non_empty,
            custom: def.custom.clone(),
            ..Rules::default()
        };
        let numeric = matches!(ty, FieldType::Scalar(Scalar::Int(_) | Scalar::F64 | Scalar::Decimal));
        let has_length = matches!(
            ty,
            FieldType::Scalar(Scalar::String | Scalar::Bytes)
                | FieldType::Set(_)
                | FieldType::List(_)
                | FieldType::Map(_)
        );
        for (key, value, slot) in [("min", &def.min, &mut rules.min), ("max", &def.max, &mut rules.max)] {
            let Some(value) = value else { continue };
            if !numeric {
                self.error(
                    &path.child(key),
                    format!("`{key}` applies to numbers"),
                    "use `min_length`/`max_length` for strings and collections",
                );
                continue;
            }
            match number_text(value) {
                Some(text) if fits(&text, ty) => *slot = Some(text),
                _ => self.error(
                    &path.child(key),
                    format!("`{key}` is not a number of the field's type"),
                    "write a number the field's type can hold",
                ),
            }
        }
        if let (Some(min), Some(max)) = (&rules.min, &rules.max)
            && min.parse::<f64>().ok() > max.parse::<f64>().ok()
        {
            self.error(
                &path.child("max"),
                format!("`max` {max} is below `min` {min}"),
                "swap them",
            );
        }
        for (key, set) in [
            ("min_length", def.min_length.is_some()),
            ("max_length", def.max_length.is_some()),
            ("non_empty", def.non_empty),
        ] {
            if set && !has_length {
                self.error(
                    &path.child(key),
                    format!("`{key}` applies to strings, bytes and collections"),
                    "use `min`/`max` for numbers",
                );
            }
        }
        if let (Some(min), Some(max)) = (def.min_length, def.max_length)
            && min > max
        {
            self.error(
                &path.child("max_length"),
                format!("`max_length` {max} is below `min_length` {min}"),
                "swap them",
            );
        }
        if let Some(pattern) = &def.pattern {
            if ty != &FieldType::Scalar(Scalar::String) {
                self.error(
                    &path.child("pattern"),
                    "`pattern` applies to strings",
                    "remove it, or make the field a `string`",
                );
            } else if let Err(e) = regex::Regex::new(pattern) {
                let last_line = e.to_string().lines().last().unwrap_or_default().trim().to_owned();
                let first_line = last_line.strip_prefix("error: ").unwrap_or(&last_line).to_owned();
                self.error(
                    &path.child("pattern"),
                    format!("invalid regular expression: {first_line}"),
                    "patterns use Rust `regex` syntax",
                );
            } else {
                rules.pattern = Some(pattern.clone());
            }
        }
        if let Some(values) = &def.one_of {
            if !matches!(ty, FieldType::Scalar(Scalar::String | Scalar::Int(_))) {
                self.error(
                    &path.child("one_of"),
                    "`one_of` applies to strings and integers",
                    "for a closed set of names declare an enum under `types:`",
                );
            } else {
                for (i, value) in values.iter().enumerate() {
                    if let Some(v) = self.literal(value, ty, &path.child("one_of").child(i)) {
                        rules.one_of.push(v);
                    }
                }
            }
        }
        if let Some(custom) = &def.custom
            && syn::parse_str::<syn::Path>(custom).is_err()
        {
            self.error(
                &path.child("custom"),
                format!("`{custom}` is not a Rust path"),
                "name a function: `crate::rules::check_isbn`",
            );
        }
        rules
    }

    /// A literal (default or `one_of` value) checked against the field's type.
    fn literal(&mut self, value: &serde_json::Value, ty: &FieldType, path: &YamlPath) -> Option<DefaultValue> {
        use serde_json::Value;
        let types = &self.file.document.types;
        let literal = match (ty, value) {
            (FieldType::Scalar(Scalar::String), Value::String(s)) => DefaultValue::String(s.clone()),
            (FieldType::Scalar(Scalar::Bool), Value::Bool(b)) => DefaultValue::Bool(*b),
            (FieldType::Scalar(Scalar::Int(int)), Value::Number(n)) => {
                let (lo, hi) = int.range();
                match n.as_i128() {
                    Some(v) if (lo..=hi).contains(&v) => DefaultValue::Int(v),
                    _ => {
                        self.error(
                            path,
                            format!("{n} does not fit in {}", int.rust_name()),
                            format!("use a whole number from {lo} to {hi}"),
                        );
                        return None;
                    }
                }
            }
            (FieldType::Scalar(Scalar::F64), Value::Number(n)) => DefaultValue::Float(n.as_f64()?),
            (FieldType::Scalar(Scalar::Decimal), Value::String(s)) if is_decimal(s) => DefaultValue::Decimal(s.clone()),
            (FieldType::Scalar(Scalar::Decimal), _) => {
                self.error(
                    path,
                    "a decimal literal must be a quoted string",
                    "write it in quotes, such as \"0.10\", so it stays exact",
                );
                return None;
            }
            (FieldType::Named(name), Value::String(s)) => match types.get(name).and_then(|t| t.variants.as_ref()) {
                Some(variants) if variants.contains(s) => DefaultValue::EnumVariant(s.clone()),
                Some(variants) => {
                    let help = match did_you_mean(s, variants.iter().map(String::as_str)) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => format!("use one of: {}", variants.join(", ")),
                    };
                    self.error(path, format!("`{s}` is not a value of enum `{name}`"), help);
                    return None;
                }
                None => {
                    self.error(
                        path,
                        format!("fields of type `{name}` take no default"),
                        "remove `default:`",
                    );
                    return None;
                }
            },
            (FieldType::Scalar(_), _) | (FieldType::Named(_), _) => {
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

    fn find_field(&mut self, name: &str, fields: &[Field], names: &[String], path: &YamlPath) -> Option<usize> {
        if let Some(i) = fields.iter().position(|f| f.name == name) {
            return Some(i);
        }
        if names.iter().any(|n| n == name) {
            return None; // declared but invalid: already reported
        }
        let help = match did_you_mean(name, names.iter().map(String::as_str)) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("declare `{name}` under `fields:`"),
        };
        self.error(path, format!("no field named `{name}`"), help);
        None
    }

    fn key_field(
        &mut self,
        name: &str,
        fields: &[Field],
        names: &[String],
        path: &YamlPath,
        model: &Model,
        what: &str,
    ) -> Option<usize> {
        let i = self.find_field(name, fields, names, path)?;
        let field = &fields[i];
        let key_type = match &field.ty {
            FieldType::Scalar(s) => s.key_type(),
            FieldType::Named(n) if matches!(model.named(n).map(|t| &t.kind), Some(NamedKind::Enum(_))) => Some("S"),
            _ => None,
        };
        if key_type.is_none() {
            self.error(
                path,
                format!("{what} `{name}` is not a string, number or bytes field"),
                "DynamoDB keys are S, N or B: key by a string, integer, uuid, date, enum or bytes field",
            );
            return None;
        }
        // Index keys may be optional: items without them are left out of the index (a sparse
        // index). The table's own keys are in every item.
        if field.optional && !what.starts_with("index") {
            self.error(
                path,
                format!("{what} `{name}` is optional"),
                format!("every item has a {what}: remove `optional: true` from `{name}`"),
            );
        }
        Some(i)
    }

    fn check_part(&mut self, field: &Field, model: &Model, path: &YamlPath) {
        let sortable = match &field.ty {
            FieldType::Scalar(
                Scalar::String | Scalar::Int(_) | Scalar::Uuid | Scalar::Date | Scalar::DateTime(_) | Scalar::Bool,
            ) => true,
            FieldType::Named(n) => matches!(model.named(n).map(|t| &t.kind), Some(NamedKind::Enum(_))),
            _ => false,
        };
        if !sortable {
            self.error(
                path,
                format!(
                    "`{}` cannot be part of a composite range key: its encoding would not sort in value order",
                    field.name
                ),
                "use string, integer, uuid, date, datetime, bool or enum fields as parts",
            );
        }
        if field.optional {
            self.error(
                path,
                format!("key part `{}` is optional", field.name),
                format!("remove `optional: true` from `{}`", field.name),
            );
        }
    }

    fn indexes(
        &mut self,
        def: &TableDef,
        table: &Table,
        names: &[String],
        path: &YamlPath,
        model: &Model,
    ) -> Vec<Index> {
        let mut out = Vec::new();
        let (mut global, mut local) = (0, 0);
        for (name, index) in &def.indexes {
            let path = path.child(name);
            if let Err(why) = check_dynamo_name(name) {
                self.error_key(
                    &path,
                    format!("index name `{name}` {why}"),
                    "DynamoDB index names are 3 to 255 of a-z, A-Z, 0-9, `_`, `-` and `.`",
                );
            }
            let hash_key = match (index.kind, &index.hash_key) {
                (IndexKind::Global, Some(key)) => {
                    global += 1;
                    if global == MAX_GLOBAL_INDEXES + 1 {
                        self.error_key(
                            &path,
                            format!("more than {MAX_GLOBAL_INDEXES} global secondary indexes"),
                            "DynamoDB allows 20 per table: remove one, or overload an index with a composite key",
                        );
                    }
                    self.key_field(
                        key,
                        &table.fields,
                        names,
                        &path.child("hash_key"),
                        model,
                        "index hash key",
                    )
                }
                (IndexKind::Global, None) => {
                    self.error(
                        &path.child("kind"),
                        format!("global index `{name}` has no `hash_key`"),
                        "name the field the index is partitioned by",
                    );
                    None
                }
                (IndexKind::Local, key) => {
                    local += 1;
                    if local == MAX_LOCAL_INDEXES + 1 {
                        self.error_key(
                            &path,
                            format!("more than {MAX_LOCAL_INDEXES} local secondary indexes"),
                            "DynamoDB allows 5 per table: remove one, or use a global index",
                        );
                    }
                    if key.as_deref().is_some_and(|k| k != table.hash_field().name) {
                        self.error(
                            &path.child("hash_key"),
                            "a local index shares the table's hash key",
                            "remove `hash_key`, or make the index `kind: global`",
                        );
                    }
                    if index.range_key.is_none() {
                        self.error(
                            &path.child("kind"),
                            format!("local index `{name}` has no `range_key`"),
                            "a local index sorts by another field: name it in `range_key`",
                        );
                    }
                    Some(table.hash_key)
                }
            };
            let range_key = match &index.range_key {
                Some(key) => self.key_field(
                    key,
                    &table.fields,
                    names,
                    &path.child("range_key"),
                    model,
                    "index range key",
                ),
                None => None,
            };
            let projection = index.projection.unwrap_or(ProjectionKind::All);
            let mut include = Vec::new();
            if projection != ProjectionKind::Include && !index.include.is_empty() {
                self.error(
                    &path.child("include"),
                    "`include` lists fields only with `projection: include`",
                    "set `projection: include`, or remove `include`",
                );
            }
            for (i, field) in index.include.iter().enumerate() {
                if let Some(f) = self.find_field(field, &table.fields, names, &path.child("include").child(i)) {
                    include.push(f);
                }
            }
            if let Some(hash_key) = hash_key {
                out.push(Index {
                    name: name.clone(),
                    kind: index.kind,
                    hash_key,
                    range_key,
                    projection,
                    include,
                });
            }
        }
        out
    }
}

/// Names generated code uses unqualified, which a schema's types may not shadow.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "String", "Option", "Result", "Vec", "Default", "Some", "None", "Ok", "Err", "Box", "Self",
];

const BUILTIN_TYPES: &[&str] = &[
    "string", "bool", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f64", "decimal", "uuid", "datetime",
    "date", "bytes",
];

const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
    "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract",
    "become", "box", "do", "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

fn managed(name: &str, ty: FieldType, origin: FieldOrigin, doc: &str) -> Field {
    Field {
        name: name.to_owned(),
        ident: rust_field_ident(name),
        attribute: name.to_owned(),
        ty,
        optional: false,
        nullable: false,
        default: None,
        rules: Rules::default(),
        doc: Some(doc.to_owned()),
        origin,
    }
}

/// The Rust identifier of a field: snake_case, raw for keywords.
pub fn rust_field_ident(name: &str) -> String {
    let snake = name.replace('-', "_").to_snake_case();
    let snake = if name.starts_with('_') {
        format!("_{snake}")
    } else {
        snake
    };
    if RUST_KEYWORDS.contains(&snake.as_str()) && !["self", "super", "crate", "Self"].contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

fn is_field_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn is_upper_camel(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()) && name.to_upper_camel_case() == name
}

fn check_dynamo_name(name: &str) -> Result<(), &'static str> {
    if name.len() < 3 || name.len() > 255 {
        return Err("must be 3 to 255 characters long");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err("has characters DynamoDB refuses");
    }
    Ok(())
}

fn number_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::String(s) if is_decimal(s) => Some(s.clone()),
        _ => None,
    }
}

fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty() && !frac.is_empty() && whole.chars().chain(frac.chars()).all(|c| c.is_ascii_digit())
}

fn fits(text: &str, ty: &FieldType) -> bool {
    match ty {
        FieldType::Scalar(Scalar::Int(int)) => {
            let (lo, hi) = int.range();
            text.parse::<i128>().is_ok_and(|v| (lo..=hi).contains(&v))
        }
        FieldType::Scalar(Scalar::F64) => text.parse::<f64>().is_ok(),
        FieldType::Scalar(Scalar::Decimal) => is_decimal(text),
        _ => false,
    }
}

fn display_literal(value: &DefaultValue) -> String {
    match value {
        DefaultValue::String(s) | DefaultValue::EnumVariant(s) => format!("{s:?}"),
        DefaultValue::Bool(b) => b.to_string(),
        DefaultValue::Int(i) => i.to_string(),
        DefaultValue::Float(f) => f.to_string(),
        DefaultValue::Decimal(d) => d.clone(),
    }
}

/// The rule a literal breaks, if any.
fn violates(value: &DefaultValue, rules: &Rules) -> Option<String> {
    let number = match value {
        DefaultValue::Int(i) => Some(*i as f64),
        DefaultValue::Float(f) => Some(*f),
        DefaultValue::Decimal(d) => d.parse().ok(),
        _ => None,
    };
    if let (Some(n), Some(min)) = (number, rules.min.as_ref().and_then(|m| m.parse::<f64>().ok()))
        && n < min
    {
        return Some(format!("below min {}", rules.min.as_deref().unwrap_or_default()));
    }
    if let (Some(n), Some(max)) = (number, rules.max.as_ref().and_then(|m| m.parse::<f64>().ok()))
        && n > max
    {
        return Some(format!("above max {}", rules.max.as_deref().unwrap_or_default()));
    }
    if let DefaultValue::String(s) = value {
        let len = s.chars().count() as u64;
        if rules.min_length.is_some_and(|m| len < m) || (rules.non_empty && len == 0) {
            return Some(format!(
                "length {len} is below min_length {}",
                rules.min_length.unwrap_or(1)
            ));
        }
        if rules.max_length.is_some_and(|m| len > m) {
            return Some(format!(
                "length {len} is above max_length {}",
                rules.max_length.unwrap_or_default()
            ));
        }
        if let Some(pattern) = &rules.pattern
            && regex::Regex::new(pattern).is_ok_and(|re| !re.is_match(s))
        {
            return Some(format!("does not match pattern {pattern:?}"));
        }
        if let Some(sep) = &rules.forbid_separator
            && s.contains(sep.as_str())
        {
            return Some(format!("contains the key separator {sep:?}"));
        }
    }
    if !rules.one_of.is_empty() && !rules.one_of.contains(value) {
        return Some("not one of `one_of`".to_owned());
    }
    None
}
