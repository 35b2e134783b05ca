//! Block-style YAML from a JSON value, for CloudFormation templates: every string
//! double-quoted, so no value is read back as another type.

use serde_json::Value;

/// `value` as block-style YAML: maps and lists indented by two, every string double-quoted
/// (JSON string syntax is YAML's double-quoted style), so no value is ever read back as
/// another type.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    yaml_value(value, 0, &mut out);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => Value::String(s.clone()).to_string(),
        Value::Array(a) if a.is_empty() => "[]".to_owned(),
        Value::Object(o) if o.is_empty() => "{}".to_owned(),
        other => other.to_string(),
    }
}

/// A map key: plain when it is a simple word YAML cannot read as anything but a string.
fn yaml_key(key: &str) -> String {
    let simple = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let special = matches!(
        key.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null"
    );
    if simple && !special {
        key.to_owned()
    } else {
        Value::String(key.to_owned()).to_string()
    }
}

fn is_block(value: &Value) -> bool {
    matches!(value, Value::Array(a) if !a.is_empty()) || matches!(value, Value::Object(o) if !o.is_empty())
}

fn yaml_value(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, v) in map {
                let key = yaml_key(key);
                if is_block(v) {
                    out.push_str(&format!("{pad}{key}:\n"));
                    yaml_value(v, indent + 2, out);
                } else {
                    out.push_str(&format!("{pad}{key}: {}\n", scalar(v)));
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for v in items {
                if is_block(v) {
                    // The first line of a block item follows the dash.
                    let mut inner = String::new();
                    yaml_value(v, indent + 2, &mut inner);
                    let trimmed = inner.trim_start_matches(' ');
                    out.push_str(&format!("{pad}- {trimmed}"));
                } else {
                    out.push_str(&format!("{pad}- {}\n", scalar(v)));
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_nests_maps_in_lists_and_quotes_every_string() {
        let value = serde_json::json!({
            "A": [{"K": "v", "N": 1}, "x"],
            "B": {"C": true, "D": []},
            "E": "yes",
            "no": "a: b",
            "x y": 2
        });
        assert_eq!(
            to_yaml(&value),
            "A:\n  - K: \"v\"\n    \"N\": 1\n  - \"x\"\nB:\n  C: true\n  D: []\nE: \"yes\"\n\"no\": \"a: b\"\n\"x y\": 2\n"
        );
    }
}
