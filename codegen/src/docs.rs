//! `ddbgen docs`: Markdown reference of a schema file (tables, keys and how they are stored,
//! fields with types, rules and docs, indexes, and a Mermaid diagram), rendered from the
//! minijinja template `templates/docs/schema.md.j2` with what the IR decided.

use minijinja::{Value, context};

use crate::emit::GENERATED_MARKER;
use crate::ir::{Codec, Field, FieldType, KeyAttr, Literal, Model, NamedKind, Scalar, Table};

/// The Markdown reference of one schema file's model.
pub fn schema_markdown(module: &str, source: &str, model: &Model) -> String {
    let mut env = crate::templates::environment();
    env.add_filter("code", code_span);
    env.add_filter("prose", prose);
    let tables: Vec<Value> = model.tables.iter().map(|t| table(module, t)).collect();
    let types: Vec<Value> = model
        .types
        .iter()
        .map(|t| match &t.kind {
            NamedKind::Enum(variants) => context! {
                name => t.name.clone(),
                doc => t.doc.clone(),
                values => variants.iter().map(|v| context! { value => v.value.clone(), variant => v.ident.clone() }).collect::<Vec<_>>(),
            },
            NamedKind::Object(fields) => context! {
                name => t.name.clone(),
                doc => t.doc.clone(),
                fields => fields.iter().map(field).collect::<Vec<_>>(),
            },
        })
        .collect();
    let single_tables: Vec<Value> = model
        .single_tables
        .iter()
        .map(|st| {
            let entity = |i: usize| model.tables[st.entities[i]].names.item.clone();
            context! {
                name => st.name.clone(),
                module_path => format!("{module}::{}", st.module.trim_start_matches("r#")),
                table_name => st.table_name.clone(),
                doc => st.doc.clone(),
                hash => st.hash_key.clone(),
                range => st.range_key.clone(),
                discriminator => st.discriminator.clone(),
                entities => (0..st.entities.len()).map(entity).collect::<Vec<_>>(),
                repository => st.repository.clone(),
                item => st.item.clone(),
                collections => st.collections.iter().map(|c| context! {
                    name => c.name.clone(),
                    method => c.method.clone(),
                    read => c.index.as_ref().map_or_else(|| "the table".to_owned(), |i| format!("index {}", code_span(i.clone()))),
                    partition => match &c.hash {
                        KeyAttr::Composite(hash) => format!("{} = {}", hash.attribute, hash.template(&model.tables[st.entities[c.members[0]]].fields)),
                        typed => index_key(&model.tables[st.entities[c.members[0]]], typed),
                    },
                    members => c.members.iter().map(|m| entity(*m)).collect::<Vec<_>>(),
                }).collect::<Vec<_>>(),
            }
        })
        .collect();
    let ctx = context! {
        marker => GENERATED_MARKER,
        module => module,
        source => source,
        single_tables => single_tables,
        tables => tables,
        types => types,
        diagram => diagram(model),
    };
    crate::templates::render(
        &env,
        "docs/schema.md.j2",
        include_str!("../templates/docs/schema.md.j2"),
        &ctx,
    )
}

/// A Markdown code span that survives backticks and table cells (`` a`b ``, `a\|b`).
fn code_span(text: String) -> String {
    let span = if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    };
    span.replace('|', "\\|")
}

/// A schema doc as a Markdown paragraph: trimmed, with a code fence it left open closed, so
/// the rest of the page still renders.
fn prose(text: String) -> String {
    let text = text.trim();
    let fences = text.lines().filter(|l| l.trim_start().starts_with("```")).count();
    if fences % 2 == 1 {
        format!("{text}\n```")
    } else {
        text.to_owned()
    }
}

/// A primary key attribute: its stored name, the field it is (for a field), how it is stored,
/// and a composite's parts.
fn key_context(t: &Table, key: &KeyAttr) -> Value {
    match key {
        KeyAttr::Field(i) => context! {
            name => t.fields[*i].name.clone(),
            attribute => t.fields[*i].attribute.clone(),
            stored => stored(&t.fields[*i]),
            parts => Vec::<Value>::new(),
        },
        // A table's own key is never multi-attribute; shown as its attributes all the same.
        KeyAttr::Fields(parts) => context! {
            attribute => parts.iter().map(|i| t.fields[*i].attribute.clone()).collect::<Vec<_>>().join(", "),
            stored => parts.iter().map(|i| stored(&t.fields[*i])).collect::<Vec<_>>().join(", "),
            parts => Vec::<Value>::new(),
        },
        KeyAttr::Composite(c) => {
            let stored = if !c.template {
                format!(
                    "S: {} joined by {}",
                    c.parts()
                        .iter()
                        .map(|i| code_span(t.fields[*i].name.clone()))
                        .collect::<Vec<_>>()
                        .join(", "),
                    code_span(c.separator.clone())
                )
            } else {
                format!("S: {}", code_span(c.template(&t.fields)))
            };
            context! {
                attribute => c.attribute.clone(),
                stored => stored,
                parts => c.parts().iter().map(|i| context! {
                    name => t.fields[*i].name.clone(),
                    encoding => part_encoding(&t.fields[*i].ty),
                }).collect::<Vec<_>>(),
            }
        }
    }
}

/// An index key as the docs' table names it: the field, or `attribute = template`.
fn index_key(t: &Table, key: &KeyAttr) -> String {
    match key {
        KeyAttr::Field(i) => t.fields[*i].name.clone(),
        KeyAttr::Composite(c) => format!("{} = {}", c.attribute, c.template(&t.fields)),
        KeyAttr::Fields(parts) => {
            let names: Vec<&str> = parts.iter().map(|i| t.fields[*i].name.as_str()).collect();
            format!("[{}]", names.join(", "))
        }
    }
}

fn table(module: &str, t: &Table) -> Value {
    let range = t.range_key.as_ref().map(|r| key_context(t, r));
    context! {
        name => t.names.item.clone(),
        module_path => format!("{module}::{}", t.names.module.trim_start_matches("r#")),
        table_name => t.table_name.clone(),
        kind => match &t.entity {
            Some(e) => format!(
                "entity of table {}, stored with {} = {}",
                code_span(t.table_name.clone()),
                code_span(e.discriminator.clone()),
                code_span(e.value.clone())
            ),
            None => format!("table {}", code_span(t.table_name.clone())),
        },
        doc => t.doc.clone(),
        hash => key_context(t, &t.hash_key),
        range => range,
        fields => t.fields.iter().map(field).collect::<Vec<_>>(),
        indexes => t.indexes.iter().enumerate().map(|(i, index)| context! {
            name => index.name.clone(),
            kind => format!("{:?}", index.kind).to_lowercase(),
            sparse => index.hash_key.fields().into_iter().chain(index.range_key.iter().flat_map(KeyAttr::fields)).any(|f| t.fields[f].optional),
            hash => index_key(t, &index.hash_key),
            range => index.range_key.as_ref().map(|r| index_key(t, r)),
            projection => match index.projection {
                crate::ir::ProjectionKind::All => "all".to_owned(),
                crate::ir::ProjectionKind::KeysOnly => "keys only".to_owned(),
                crate::ir::ProjectionKind::Include => format!(
                    "keys and {}",
                    index.include.iter().map(|i| code_span(t.fields[*i].name.clone())).collect::<Vec<_>>().join(", ")
                ),
            },
            method => t.queries.iter().find(|q| q.index == Some(i)).map(|q| q.method.clone()),
        }).collect::<Vec<_>>(),
        vector_indexes => t.vector_indexes.iter().map(|v| context! {
            name => v.name.clone(),
            field => t.fields[v.field].name.clone(),
            dimensions => v.dimensions,
            distance => v.distance.dynamo_name(),
            hash => v.hash.map(|i| t.fields[i].name.clone()),
            filters => v.filters.iter().map(|i| code_span(t.fields[*i].name.clone())).collect::<Vec<_>>().join(", "),
            method => v.method.clone(),
        }).collect::<Vec<_>>(),
        ttl => t.ttl.map(|i| t.fields[i].name.clone()),
        patterns => t.access_patterns.iter().map(|p| context! {
            method => p.method.clone(),
            given => p.given.iter().map(|(f, _)| t.fields[*f].name.clone()).collect::<Vec<_>>(),
            sort => p.comparison.as_ref().map(|c| format!("`{}` {}", t.fields[c.part].name, c.kind.suffix())),
            order => if p.reverse { "descending" } else { "ascending" },
            served_by => match p.query.map(|q| t.queries[q].index) {
                None => "a scan (declared)".to_owned(),
                Some(None) => "the table's key".to_owned(),
                Some(Some(i)) => format!("index `{}`", t.indexes[i].name),
            },
        }).collect::<Vec<_>>(),
    }
}

fn field(f: &Field) -> Value {
    context! {
        name => f.name.clone(),
        attribute => f.attribute.clone(),
        ty => f.vector.map_or_else(|| type_text(&f.ty, f.codec), |n| format!("vector<{n}>")),
        optional => f.optional,
        stored => stored(f),
        rules => rules_text(f),
        default => f.default.as_ref().map(Literal::display),
        doc => f.doc.clone().map(|d| d.trim().replace('\n', " ").replace('|', "\\|")),
    }
}

/// The type as the schema writes it (`list<Author>`, `datetime (epoch_seconds)`).
pub(crate) fn type_text(ty: &FieldType, codec: Codec) -> String {
    let base = match ty {
        FieldType::Scalar(s) => scalar_text(*s).to_owned(),
        FieldType::Set(s) => format!("set<{}>", scalar_text(*s)),
        FieldType::List(inner) => format!("list<{}>", type_text(inner, Codec::Native)),
        FieldType::Map(inner) => format!("map<string, {}>", type_text(inner, Codec::Native)),
        FieldType::Named(n) | FieldType::Enum(n) | FieldType::Object(n) => n.clone(),
    };
    match codec {
        Codec::Native => base,
        Codec::EpochSeconds => format!("{base} (epoch_seconds)"),
        Codec::EpochMillis => format!("{base} (epoch_millis)"),
    }
}

fn scalar_text(s: Scalar) -> &'static str {
    match s {
        Scalar::String => "string",
        Scalar::Bool => "bool",
        Scalar::Int(int) => int.rust_name(),
        Scalar::F64 => "f64",
        Scalar::Decimal => "decimal",
        Scalar::Uuid => "uuid",
        Scalar::DateTime => "datetime",
        Scalar::Date => "date",
        Scalar::Bytes => "bytes",
    }
}

/// How the value is stored (`N`, `S, RFC 3339`), from docs/encoding.md.
fn stored(f: &Field) -> String {
    match (&f.ty, f.codec) {
        (_, Codec::EpochSeconds) => "N, whole seconds since the epoch".to_owned(),
        (_, Codec::EpochMillis) => "N, whole milliseconds since the epoch".to_owned(),
        (FieldType::Scalar(Scalar::DateTime), _) => "S, fixed-width RFC 3339 UTC".to_owned(),
        (FieldType::Scalar(Scalar::Date), _) => "S, `YYYY-MM-DD`".to_owned(),
        (FieldType::Scalar(Scalar::Uuid), _) => "S, lowercase hyphenated".to_owned(),
        (FieldType::Scalar(Scalar::String), _) => "S".to_owned(),
        (FieldType::Scalar(Scalar::Bool), _) => "BOOL".to_owned(),
        (FieldType::Scalar(Scalar::Int(_) | Scalar::Decimal), _) => "N, exact".to_owned(),
        (FieldType::Scalar(Scalar::F64), _) => "N".to_owned(),
        (FieldType::Scalar(Scalar::Bytes), _) => "B".to_owned(),
        (FieldType::Set(Scalar::String), _) => "SS".to_owned(),
        (FieldType::Set(Scalar::Bytes), _) => "BS".to_owned(),
        (FieldType::Set(_), _) => "NS".to_owned(),
        (FieldType::List(_), _) => "L".to_owned(),
        (FieldType::Map(_) | FieldType::Object(_) | FieldType::Named(_), _) => "M".to_owned(),
        (FieldType::Enum(_), _) => "S, the value".to_owned(),
    }
}

/// How a composite key part is encoded (docs/encoding.md).
fn part_encoding(ty: &FieldType) -> String {
    match ty {
        FieldType::Scalar(Scalar::Int(int)) => {
            let width = int.key_part_digits();
            if int.signed() {
                format!("value − MIN, zero-padded to {width} digits")
            } else {
                format!("zero-padded to {width} digits")
            }
        }
        FieldType::Scalar(Scalar::String) => {
            "the text; characters up to the separator's successor are escaped, so order is exact".to_owned()
        }
        FieldType::Scalar(Scalar::Bool) => "`0` / `1`".to_owned(),
        FieldType::Scalar(Scalar::Uuid) => "lowercase hyphenated".to_owned(),
        FieldType::Scalar(Scalar::Date) => "`YYYY-MM-DD`".to_owned(),
        FieldType::Scalar(Scalar::DateTime) => "fixed-width RFC 3339, nanoseconds".to_owned(),
        FieldType::Enum(_) => "the value, escaped as text is".to_owned(),
        _ => "—".to_owned(),
    }
}

fn rules_text(f: &Field) -> String {
    let r = &f.rules;
    let mut out = Vec::new();
    if let Some(min) = &r.min {
        out.push(format!("min {}", min.display()));
    }
    if let Some(max) = &r.max {
        out.push(format!("max {}", max.display()));
    }
    if let Some(n) = r.min_length {
        out.push(format!("min_length {n}"));
    }
    if let Some(n) = r.max_length {
        out.push(format!("max_length {n}"));
    }
    if r.non_empty {
        out.push("non_empty".to_owned());
    }
    if let Some(p) = &r.pattern {
        out.push(format!("pattern {}", code_span(p.clone())));
    }
    if !r.one_of.is_empty() {
        out.push(format!(
            "one of {}",
            r.one_of.iter().map(Literal::display).collect::<Vec<_>>().join(", ")
        ));
    }
    if let Some(c) = &r.custom {
        out.push(format!("custom {}", code_span(c.clone())));
    }
    out.join("; ")
}

/// A Mermaid `erDiagram`: each table and object type with its key fields, and a line from
/// each table or object to the types its fields hold.
fn diagram(model: &Model) -> String {
    let mut lines = vec!["erDiagram".to_owned()];
    let mut links = Vec::new();
    let mut entity = |name: &str, fields: &[Field], keys: &[usize]| {
        lines.push(format!("    {name} {{"));
        for (i, f) in fields.iter().enumerate() {
            // Mermaid attribute types are single words: `list<Author>` → `list_Author`.
            let ty = type_text(&f.ty, f.codec)
                .split(['<', '>', ',', ' ', '(', ')'])
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join("_");
            let mark = if keys.first() == Some(&i) {
                " PK"
            } else if keys.contains(&i) {
                " \"sort key\""
            } else {
                ""
            };
            lines.push(format!("        {ty} {}{mark}", f.name.replace('-', "_")));
            if let Some(target) = f.ty.named() {
                let many = matches!(f.ty, FieldType::List(_) | FieldType::Map(_));
                let arrow = if many { "||--o{" } else { "||--o|" };
                links.push(format!("    {name} {arrow} {target} : {}", f.name.replace('-', "_")));
            }
        }
        lines.push("    }".to_owned());
    };
    for t in &model.tables {
        entity(&t.names.item, &t.fields, &t.key_field_indexes());
    }
    for ty in &model.types {
        if let NamedKind::Object(fields) = &ty.kind {
            entity(&ty.name, fields, &[]);
        }
    }
    lines.extend(links);
    lines.join("\n")
}
