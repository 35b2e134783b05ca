//! `ddbgen import --mcp schema.json`: the design that AWS's DynamoDB data-modeling MCP server
//! writes (`dynamodb_data_model_schema_converter`): tables with their key attributes and
//! global indexes, entities with `pk_template`/`sk_template` and per-index `gsi_mappings`,
//! typed fields, and access patterns.
//!
//! A table of one entity whose keys are plain fields becomes a plain table; any other, a single
//! table with entities, whose templates ddbgen reads as they are written (`ORDER#{order_id}`).
//! Field types map one to one (`integer` is `i64`; an `object` has no declared shape, so it is a
//! `map<string, string>`, said in a comment). Access patterns that ddbgen can serve become
//! `access_patterns:`; each is proven as ddbgen proves any, and one that is refused is written
//! as a comment with ddbgen's reason, as are reads and writes every repository has (GetItem,
//! PutItem, …). The output always validates: `tests/import.rs` checks it compiles.

use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};
use indexmap::IndexMap;
use serde::Deserialize;

use super::quote;
use crate::SchemaSource;
use crate::ir::names::escape;

/// The MCP server's `schema.json`.
#[derive(Debug, Deserialize)]
struct McpSchema {
    tables: Vec<McpTable>,
}

#[derive(Debug, Deserialize)]
struct McpTable {
    table_config: TableConfig,
    #[serde(default)]
    gsi_list: Vec<McpIndex>,
    entities: IndexMap<String, McpEntity>,
}

#[derive(Debug, Deserialize)]
struct TableConfig {
    table_name: String,
    partition_key: String,
    #[serde(default)]
    sort_key: Option<String>,
}

#[derive(Debug, Deserialize)]
struct McpIndex {
    name: String,
    partition_key: String,
    #[serde(default)]
    sort_key: Option<String>,
    #[serde(default)]
    projection: Option<String>,
    #[serde(default)]
    included_attributes: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct McpEntity {
    #[serde(default)]
    entity_type: Option<String>,
    pk_template: String,
    #[serde(default)]
    sk_template: Option<String>,
    #[serde(default)]
    gsi_mappings: Vec<GsiMapping>,
    fields: Vec<McpField>,
    #[serde(default)]
    access_patterns: Vec<McpPattern>,
}

#[derive(Debug, Deserialize)]
struct GsiMapping {
    name: String,
    pk_template: String,
    #[serde(default)]
    sk_template: Option<String>,
}

#[derive(Debug, Deserialize)]
struct McpField {
    name: String,
    #[serde(rename = "type")]
    ty: String,
    #[serde(default = "yes")]
    required: bool,
    #[serde(default)]
    item_type: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
struct McpPattern {
    name: String,
    #[serde(default)]
    description: Option<String>,
    operation: String,
    #[serde(default)]
    index_name: Option<String>,
    #[serde(default)]
    range_condition: Option<String>,
    #[serde(default)]
    parameters: Vec<McpParameter>,
}

#[derive(Debug, Deserialize)]
struct McpParameter {
    name: String,
}

/// The fields a key template names, in order (`{a}` placeholders).
fn placeholders(template: &str) -> Vec<String> {
    template
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

/// The ddbgen type of an MCP field type, and a note when it is a guess.
fn field_type(ty: &str, item: Option<&str>) -> (String, Option<&'static str>) {
    match ty {
        "string" => ("string".to_owned(), None),
        "integer" => ("i64".to_owned(), None),
        "decimal" => ("decimal".to_owned(), None),
        "boolean" => ("bool".to_owned(), None),
        "uuid" => ("uuid".to_owned(), None),
        "array" => {
            let (element, note) = field_type(item.unwrap_or("string"), None);
            (format!("list<{element}>"), note)
        }
        "object" => (
            "map<string, string>".to_owned(),
            Some(
                "an `object` without a declared shape: a map of strings here; declare a type under `types:` for its fields",
            ),
        ),
        _ => (
            "string".to_owned(),
            Some("a type ddbgen does not know: read as a string"),
        ),
    }
}

/// One access pattern as ddbgen would declare it, or why it is not one.
enum Pattern {
    Declared { name: String, lines: Vec<String> },
    Comment(String),
}

/// An entity's access patterns: a Query through the table's key or an index, with the given
/// fields and the range condition on the sort field after them; a Scan. `rename` maps the MCP
/// field names to ddbgen's.
fn patterns(entity: &McpEntity, rename: &BTreeMap<String, String>) -> Vec<Pattern> {
    let field = |name: &str| rename.get(name).or_else(|| rename.get(&name.to_snake_case())).cloned();
    entity
        .access_patterns
        .iter()
        .map(|p| {
            let name = p.name.to_snake_case();
            let doc = p.description.as_deref().map(|d| format!("doc: {}", quote_text(d)));
            match p.operation.as_str() {
                "Scan" if p.index_name.is_none() => {
                    let mut lines: Vec<String> = doc.into_iter().collect();
                    lines.push("scan: true".to_owned());
                    Pattern::Declared { name, lines }
                }
                "Query" => {
                    let (_, sk) = match &p.index_name {
                        Some(index) => match entity.gsi_mappings.iter().find(|m| &m.name == index) {
                            Some(m) => (&m.pk_template, m.sk_template.as_ref()),
                            None => {
                                return Pattern::Comment(format!(
                                    "{name}: a Query of index `{index}`, which entity does not map"
                                ));
                            }
                        },
                        None => (&entity.pk_template, entity.sk_template.as_ref()),
                    };
                    let given: Vec<String> = p.parameters.iter().filter_map(|a| field(&a.name)).collect();
                    let mut lines: Vec<String> = doc.into_iter().collect();
                    lines.push(format!("given: [{}]", given.join(", ")));
                    if let Some(condition) = &p.range_condition {
                        let condition = match condition.as_str() {
                            "begins_with" => "begins_with",
                            "between" => "between",
                            ">=" => "ge",
                            "<=" => "le",
                            ">" => "gt",
                            "<" => "lt",
                            other => {
                                return Pattern::Comment(format!(
                                    "{name}: a range condition `{other}` ddbgen does not know"
                                ));
                            }
                        };
                        let sort_field = sk
                            .map(|t| placeholders(t))
                            .unwrap_or_default()
                            .into_iter()
                            .filter_map(|f| field(&f))
                            .find(|f| !given.contains(f));
                        match sort_field {
                            Some(sort) => lines.push(format!("sort: {{ field: {sort}, condition: {condition} }}")),
                            None => {
                                return Pattern::Comment(format!(
                                    "{name}: a `{condition}` on a sort key with no field left to compare"
                                ));
                            }
                        }
                    }
                    Pattern::Declared { name, lines }
                }
                other => Pattern::Comment(format!(
                    "{name}: {other}; every repository has it (get, create, replace, update, delete, batches)"
                )),
            }
        })
        .collect()
}

/// A text as a YAML double-quoted scalar.
fn quote_text(text: &str) -> String {
    serde_json::to_string(text.trim()).unwrap_or_default()
}

/// What is written of one table: its lines before `access_patterns`, and the patterns of each
/// place that declares them (the table, or an entity), in order.
struct Rendered {
    /// The YAML lines of the table, with `{PATTERNS:n}` where place `n`'s patterns go.
    lines: Vec<String>,
    /// Each place's patterns, and the indentation of its `access_patterns:` key.
    places: Vec<(Vec<Pattern>, usize)>,
}

fn fields_yaml(entity: &McpEntity, indent: &str, out: &mut Vec<String>) -> BTreeMap<String, String> {
    let mut rename = BTreeMap::new();
    out.push(format!("{indent}fields:"));
    for f in &entity.fields {
        let name = f.name.to_snake_case();
        let name = if escape(&name).is_some() {
            name
        } else {
            format!("{name}_field")
        };
        rename.insert(f.name.clone(), name.clone());
        let (ty, note) = field_type(&f.ty, f.item_type.as_deref());
        if let Some(note) = note {
            out.push(format!("{indent}  # {}: {note}", f.name));
        }
        let mut props = vec![format!("type: {}", quote(&ty))];
        if !f.required {
            props.push("optional: true".to_owned());
        }
        if name != f.name {
            props.push(format!("attribute: {}", quote(&f.name)));
        }
        out.push(format!("{indent}  {}: {{ {} }}", quote(&name), props.join(", ")));
    }
    rename
}

/// A template with its placeholders renamed to ddbgen's field names.
fn template(text: &str, rename: &BTreeMap<String, String>) -> String {
    let mut out = text.to_owned();
    for (from, to) in rename {
        out = out.replace(&format!("{{{from}}}"), &format!("{{{to}}}"));
    }
    out
}

fn table(t: &McpTable) -> Rendered {
    let config = &t.table_config;
    let mut lines = Vec::new();
    let mut places = Vec::new();
    let direct = |template: &str, attribute: &str| template == format!("{{{attribute}}}");
    let plain = match t.entities.values().collect::<Vec<_>>().as_slice() {
        [entity] => {
            direct(&entity.pk_template, &config.partition_key)
                && match (&config.sort_key, &entity.sk_template) {
                    (Some(sk), Some(template)) => direct(template, sk),
                    (None, None) => true,
                    _ => false,
                }
                && entity.gsi_mappings.iter().all(|m| {
                    t.gsi_list.iter().any(|i| {
                        i.name == m.name
                            && direct(&m.pk_template, &i.partition_key)
                            && match (&i.sort_key, &m.sk_template) {
                                (Some(sk), Some(template)) => direct(template, sk),
                                (None, None) => true,
                                _ => false,
                            }
                    })
                })
        }
        _ => false,
    };
    let table_type = config.table_name.to_upper_camel_case();
    if let (true, Some((name, entity))) = (plain, t.entities.first()) {
        lines.push(format!("  {}:", quote(&name.to_upper_camel_case())));
        lines.push(format!("    table_name: {}", quote(&config.table_name)));
        let mut fields = Vec::new();
        let rename = fields_yaml(entity, "    ", &mut fields);
        let key = |attribute: &str| {
            rename
                .get(attribute)
                .cloned()
                .unwrap_or_else(|| attribute.to_snake_case())
        };
        lines.push(format!("    hash_key: {}", key(&config.partition_key)));
        if let Some(sk) = &config.sort_key {
            lines.push(format!("    range_key: {}", key(sk)));
        }
        lines.extend(fields);
        if !t.gsi_list.is_empty() {
            lines.push("    indexes:".to_owned());
            for index in &t.gsi_list {
                let mut props = vec![
                    "kind: global".to_owned(),
                    format!("hash_key: {}", key(&index.partition_key)),
                ];
                if let Some(sk) = &index.sort_key {
                    props.push(format!("range_key: {}", key(sk)));
                }
                match index.projection.as_deref() {
                    Some("KEYS_ONLY") => props.push("projection: keys_only".to_owned()),
                    Some("INCLUDE") => {
                        props.push("projection: include".to_owned());
                        let names: Vec<String> = index.included_attributes.iter().map(|a| key(a)).collect();
                        props.push(format!("include: [{}]", names.join(", ")));
                    }
                    _ => {}
                }
                lines.push(format!("      {}: {{ {} }}", quote(&index.name), props.join(", ")));
            }
        }
        lines.push(format!("{{PATTERNS:{}}}", places.len()));
        places.push((patterns(entity, &rename), 4));
        return Rendered { lines, places };
    }
    lines.push(format!("  {}:", quote(&table_type)));
    lines.push(format!("    table_name: {}", quote(&config.table_name)));
    lines.push(format!("    hash_key: {}", quote(&config.partition_key)));
    if let Some(sk) = &config.sort_key {
        lines.push(format!("    range_key: {}", quote(sk)));
    }
    if !t.gsi_list.is_empty() {
        lines.push("    indexes:".to_owned());
        for index in &t.gsi_list {
            if index.projection.as_deref().is_some_and(|p| p != "ALL") {
                lines.push(format!(
                    "      # {}: projection {} in the design; an index of a table with entities holds whole items in ddbgen",
                    index.name,
                    index.projection.as_deref().unwrap_or_default()
                ));
            }
            let mut props = vec![
                "kind: global".to_owned(),
                format!("hash_key: {}", quote(&index.partition_key)),
            ];
            if let Some(sk) = &index.sort_key {
                props.push(format!("range_key: {}", quote(sk)));
            }
            lines.push(format!("      {}: {{ {} }}", quote(&index.name), props.join(", ")));
        }
    }
    lines.push("    entities:".to_owned());
    for (name, entity) in &t.entities {
        lines.push(format!("      {}:", quote(&name.to_upper_camel_case())));
        if let Some(prefix) = &entity.entity_type {
            lines.push(format!(
                "        doc: {}",
                quote_text(&format!("Entity type `{prefix}` in the design."))
            ));
        }
        let mut fields = Vec::new();
        let rename = fields_yaml(entity, "        ", &mut fields);
        lines.push("        keys:".to_owned());
        // One `attribute: "template"` line of `keys:`, its placeholders renamed as the fields are.
        let key_line = |attribute: &str, text: &str| {
            format!(
                "          {}: {}",
                quote(attribute),
                quote_text(&template(text, &rename))
            )
        };
        lines.push(key_line(&config.partition_key, &entity.pk_template));
        if let (Some(sk), Some(text)) = (&config.sort_key, &entity.sk_template) {
            lines.push(key_line(sk, text));
        }
        for mapping in &entity.gsi_mappings {
            let Some(index) = t.gsi_list.iter().find(|i| i.name == mapping.name) else {
                lines.push(format!("          # {}: no such index in `gsi_list`", mapping.name));
                continue;
            };
            lines.push(key_line(&index.partition_key, &mapping.pk_template));
            if let (Some(sk), Some(text)) = (&index.sort_key, &mapping.sk_template) {
                lines.push(key_line(sk, text));
            }
        }
        lines.extend(fields);
        lines.push(format!("{{PATTERNS:{}}}", places.len()));
        places.push((patterns(entity, &rename), 8));
    }
    Rendered { lines, places }
}

/// The YAML of `tables`, with the declared patterns that `keep` allows; the others as comments
/// (with `refused`'s reason where there is one).
fn render(
    source: &str,
    tables: &[Rendered],
    keep: &dyn Fn(usize, usize, usize) -> bool,
    refused: &BTreeMap<(usize, usize, usize), String>,
) -> String {
    let mut out = format!(
        "# Imported by `ddbgen import` from {source}, a design of AWS's DynamoDB data-modeling MCP server.\n\
         # ddbgen stores key templates and an entity discriminator its own way (docs/single-table.md):\n\
         # this is a schema for new tables, not for items another tool already wrote.\nversion: 1\ntables:\n"
    );
    for (t, table) in tables.iter().enumerate() {
        for line in &table.lines {
            let Some(place) = line
                .strip_prefix("{PATTERNS:")
                .and_then(|rest| rest.strip_suffix('}'))
                .and_then(|n| n.parse::<usize>().ok())
            else {
                out.push_str(line);
                out.push('\n');
                continue;
            };
            let (patterns, indent) = &table.places[place];
            let pad = " ".repeat(*indent);
            let mut block = Vec::new();
            let mut declared = false;
            for (p, pattern) in patterns.iter().enumerate() {
                match pattern {
                    Pattern::Declared { name, lines } if keep(t, place, p) => {
                        declared = true;
                        block.push(format!("{pad}  {name}:"));
                        block.extend(lines.iter().map(|l| format!("{pad}    {l}")));
                    }
                    Pattern::Declared { name, lines } => {
                        let why = refused.get(&(t, place, p)).map(String::as_str).unwrap_or("refused");
                        block.push(format!(
                            "{pad}  # {name} ({}) is not served as declared: {why}",
                            lines.join("; ")
                        ));
                    }
                    Pattern::Comment(text) => block.push(format!("{pad}  # {text}")),
                }
            }
            if !block.is_empty() {
                // A key with only comments under it would have no value: say it as a comment.
                out.push_str(&match declared {
                    true => format!("{pad}access_patterns:\n"),
                    false => format!("{pad}# access patterns of the design:\n"),
                });
                for line in block {
                    out.push_str(&line);
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// A ddbgen schema from the MCP server's `schema.json` text; `source` names it in the header
/// and in errors. Access patterns ddbgen refuses are kept as comments with its reason.
pub fn schema(text: &str, source: &str) -> Result<String, String> {
    let design: McpSchema =
        serde_json::from_str(text).map_err(|e| format!("{source} is not an MCP schema.json: {e}"))?;
    let tables: Vec<Rendered> = design.tables.iter().map(table).collect();
    let compiles = |yaml: &str| {
        crate::compile(&[SchemaSource {
            name: source.to_owned(),
            text: yaml.to_owned(),
        }])
        .map(|_| ())
        .map_err(|d| d.to_string())
    };
    let all = render(source, &tables, &|_, _, _| true, &BTreeMap::new());
    if compiles(&all).is_ok() {
        return Ok(all);
    }
    // Find the patterns ddbgen refuses: each alone, with every other left out (when the
    // schema without any pattern validates; otherwise the error is not the patterns').
    let none = render(source, &tables, &|_, _, _| false, &BTreeMap::new());
    compiles(&none).map_err(|e| format!("the design imported from {source} does not validate yet:\n{e}\n{none}"))?;
    let mut refused = BTreeMap::new();
    for (t, table) in tables.iter().enumerate() {
        for (place, (patterns, _)) in table.places.iter().enumerate() {
            for p in 0..patterns.len() {
                let one = render(source, &tables, &|a, b, c| (a, b, c) == (t, place, p), &BTreeMap::new());
                if let Err(error) = compiles(&one) {
                    let reason = error
                        .lines()
                        .find_map(|l| l.split_once("error: ").map(|(_, m)| m.to_owned()))
                        .unwrap_or(error);
                    refused.insert((t, place, p), reason);
                }
            }
        }
    }
    let kept = render(source, &tables, &|a, b, c| !refused.contains_key(&(a, b, c)), &refused);
    compiles(&kept).map_err(|e| format!("the design imported from {source} does not validate yet:\n{e}\n{kept}"))?;
    Ok(kept)
}
