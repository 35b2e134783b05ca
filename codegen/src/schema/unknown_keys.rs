//! Every unknown key of a file at once. serde stops at the first one; this pass walks the keys
//! of the YAML against the JSON Schema that `schemars` derives from the same model, so the two
//! can never disagree about which keys exist.

use serde_json::Value;

use super::positions::Positions;
use crate::diagnostic::{Diagnostic, did_you_mean};

/// Where a key leads in the JSON Schema.
enum Step<'a> {
    /// A known key: its value's schema.
    Known(&'a Value),
    /// A key of a closed object that does not exist; the keys that do.
    Unknown(Vec<&'a str>),
    /// Anything goes below here (a free-form value).
    Any,
    /// This schema is not a mapping (a branch of an `anyOf` that does not apply).
    NotAMap,
}

fn resolve<'a>(root: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/definitions/"))
        {
            Some(name) => match root.get("definitions").and_then(|d| d.get(name)) {
                Some(target) => schema = target,
                None => return schema,
            },
            None => return schema,
        }
    }
    schema
}

fn step<'a>(root: &'a Value, schema: &'a Value, key: &str) -> Step<'a> {
    let schema = resolve(root, schema);
    for combinator in ["anyOf", "oneOf", "allOf"] {
        if let Some(branches) = schema.get(combinator).and_then(Value::as_array) {
            let mut allowed = Vec::new();
            let mut any = false;
            for branch in branches {
                match step(root, branch, key) {
                    Step::Known(next) => return Step::Known(next),
                    Step::Unknown(keys) => allowed.extend(keys),
                    Step::Any => any = true,
                    Step::NotAMap => {}
                }
            }
            return if any {
                Step::Any
            } else if allowed.is_empty() {
                Step::NotAMap
            } else {
                Step::Unknown(allowed)
            };
        }
    }
    let properties = schema.get("properties").and_then(Value::as_object);
    if let Some(next) = properties.and_then(|p| p.get(key)) {
        return Step::Known(next);
    }
    if let Some(items) = schema.get("items")
        && key.parse::<usize>().is_ok()
    {
        return Step::Known(items);
    }
    match (schema.get("additionalProperties"), properties) {
        (Some(Value::Bool(false)), Some(properties)) => Step::Unknown(properties.keys().map(String::as_str).collect()),
        (Some(next @ Value::Object(_)), _) => Step::Known(next),
        _ => match schema.get("type").and_then(Value::as_str) {
            Some("object") | None => Step::Any,
            Some(_) => Step::NotAMap,
        },
    }
}

/// The unknown keys of a document, each with its position and a hint.
pub(crate) fn unknown_keys(file: &str, positions: &Positions, schema: &Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // A key of a table (`range_key`, `indexes`) directly under `tables:` was indented one level
    // too little: it would be read as a table of that name. Say so once, and nothing below it.
    let table_keys = resolve(schema, &schema["definitions"]["TableDef"])
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    let misplaced: Vec<&str> = positions
        .keys()
        .filter_map(|(path, pos)| match path.segments() {
            [tables, name] if tables == "tables" && table_keys.contains(name) => {
                out.push(
                    Diagnostic::new(
                        file,
                        pos,
                        format!("`{name}` is a key of a table, but stands where a table's name goes"),
                    )
                    .with_help(format!(
                        "indent `{name}:` and what belongs to it by two more spaces, under the table above"
                    )),
                );
                Some(name.as_str())
            }
            _ => None,
        })
        .collect();
    'keys: for (path, pos) in positions.keys() {
        let segments = path.segments();
        if matches!(segments, [tables, name, ..] if tables == "tables" && misplaced.contains(&name.as_str())) {
            continue;
        }
        let Some((last, parents)) = segments.split_last() else {
            continue;
        };
        let mut current = schema;
        for segment in parents {
            match step(schema, current, segment) {
                Step::Known(next) => current = next,
                // Below an unknown key or a free-form value: reported once, at the top.
                _ => continue 'keys,
            }
        }
        if let Step::Unknown(mut allowed) = step(schema, current, last) {
            allowed.sort_unstable();
            allowed.dedup();
            let help = match did_you_mean(last, allowed.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("remove it, or use one of: {}", allowed.join(", ")),
            };
            out.push(Diagnostic::new(file, pos, format!("unknown key `{last}`")).with_help(help));
        }
    }
    out.sort_by_key(|d| d.pos);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_unknown_key_and_nothing_else() {
        let text = "version: 1\ntabels: {}\ntables:\n  Book:\n    feilds: {}\n    fields:\n      a: { type: string, optinal: true, default: { any: thing } }\n    range_key: { attribute: x, parts: [a], sep: \"#\" }\n    audit: { created: c, upated: u }\n";
        let schema = serde_json::to_value(crate::format_schema()).unwrap();
        let found: Vec<String> = unknown_keys("s.yaml", &Positions::read(text), &schema)
            .iter()
            .map(|d| format!("{}:{} {}", d.pos.line, d.pos.column, d.message))
            .collect();
        assert_eq!(
            found,
            [
                "2:1 unknown key `tabels`",
                "5:5 unknown key `feilds`",
                "7:26 unknown key `optinal`",
                "8:44 unknown key `sep`",
                "9:26 unknown key `upated`"
            ]
        );
    }
}
