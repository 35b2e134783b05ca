//! The front end: YAML text into the serde [`model`], with [`positions`] for every key and value.
//!
//! YAML layer: `serde-saphyr` (maintained, panic-free, reports `line:column` for syntax and type
//! errors). Semantic checks need positions after parsing, which serde cannot give; the
//! [`positions::Positions`] index supplies them. See `docs/design.md` for the spike behind this.

pub mod model;
pub mod positions;
mod unknown_keys;

use crate::diagnostic::{Diagnostic, Diagnostics, Pos, did_you_mean};
pub use model::Document;
pub use positions::{Positions, YamlPath};

/// The JSON Schema of the format, derived once per process.
static FORMAT_SCHEMA: std::sync::LazyLock<serde_json::Value> =
    std::sync::LazyLock::new(|| serde_json::to_value(crate::format_schema()).unwrap_or_default());

/// One schema file, parsed.
#[derive(Debug, Clone)]
pub struct SchemaFile {
    /// The file's name as given to the generator, used in diagnostics.
    pub name: String,
    /// The parsed document.
    pub document: Document,
    /// Where each key and value stands.
    pub positions: Positions,
    /// The file's text, for positions inside a value.
    pub text: String,
}

impl SchemaFile {
    /// A diagnostic pointing at the value at `path`.
    pub fn error_at(&self, path: &YamlPath, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(&self.name, self.positions.value(path), message)
    }

    /// A diagnostic pointing `offset` characters into the string value at `path`, marking
    /// `width` characters: inside a quoted or plain scalar written without escapes, where
    /// that text stands in the file; at the value's start otherwise.
    pub fn error_inside(
        &self,
        path: &YamlPath,
        inner: &str,
        offset: usize,
        width: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        let pos = self.positions.value(path);
        let line = usize::try_from(pos.line)
            .ok()
            .and_then(|n| self.text.lines().nth(n.checked_sub(1)?))
            .unwrap_or_default();
        let start: String = line
            .chars()
            .skip(usize::try_from(pos.column).unwrap_or(1).saturating_sub(1))
            .collect();
        let quote = usize::from(start.starts_with(['"', '\'']));
        let written_as_is = start.chars().skip(quote).collect::<String>().starts_with(inner);
        let diagnostic = Diagnostic::new(&self.name, pos, message);
        if written_as_is {
            Diagnostic {
                pos: crate::diagnostic::Pos {
                    line: pos.line,
                    column: pos.column + (quote + offset) as u64,
                },
                ..diagnostic
            }
            .with_width(width)
        } else {
            diagnostic
        }
    }

    /// A diagnostic pointing at the key of the entry at `path`.
    pub fn error_at_key(&self, path: &YamlPath, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(&self.name, self.positions.key(path), message)
    }
}

/// Parses one schema file. YAML syntax errors, wrong value types and unknown keys stop the
/// parse of that file (serde reads no further), and come back as a diagnostic with a hint.
pub fn parse(name: &str, text: &str) -> Result<SchemaFile, Diagnostics> {
    // serde reports one unknown key and stops; find them all first.
    let positions = Positions::read(text);
    let unknown = unknown_keys::unknown_keys(name, &positions, &FORMAT_SCHEMA);
    if !unknown.is_empty() {
        return Err(Diagnostics(unknown));
    }
    match serde_saphyr::from_str::<Document>(text) {
        Ok(document) => Ok(SchemaFile {
            name: name.to_owned(),
            document,
            positions,
            text: text.to_owned(),
        }),
        Err(error) => Err(Diagnostics(vec![yaml_diagnostic(name, &error)])),
    }
}

fn yaml_diagnostic(name: &str, error: &serde_saphyr::Error) -> Diagnostic {
    use serde_saphyr::MessageFormatter;
    let pos = error
        .location()
        .map(|l| Pos {
            line: l.line().max(1),
            column: l.column().max(1),
        })
        .unwrap_or(Pos { line: 1, column: 1 });
    let mut message = serde_saphyr::DefaultMessageFormatter
        .format_message(error.without_snippet())
        .into_owned();
    // The library's wording names its own API; say it in the schema's terms.
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest).trim();
        message = format!("duplicate key `{key}`");
    }
    // An empty value where a mapping goes: most often its keys are not indented under it.
    if message == "expected mapping start" {
        message = "this key has no value, but takes a mapping".to_owned();
    }
    let help = hint_for(&message);
    // An untagged enum's message names the model's Rust type; say what the key takes.
    for (rust_type, what) in [
        ("EnumValueDef", "an enum value must be a string or `{ value, name }`"),
        ("RangeKeyDef", "`range_key` must be a field name or a composite key"),
        ("AuditDef", "`audit` must be `true`, `false` or the columns' names"),
    ] {
        if message.contains(&format!("untagged enum {rust_type}")) {
            message = what.to_owned();
        }
    }
    let diagnostic = Diagnostic::new(name, pos, message);
    match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

/// A hint for serde's messages, which say what is wrong but not what to do.
fn hint_for(message: &str) -> Option<String> {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (unknown, rest) = rest.split_once('`')?;
        let expected: Vec<&str> = rest
            .strip_prefix(", expected one of ")
            .or_else(|| rest.strip_prefix(", expected "))
            .map(|list| list.split(", ").map(|s| s.trim_matches('`')).collect())
            .unwrap_or_default();
        return Some(match did_you_mean(unknown, expected.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None if expected.is_empty() => "remove this key".to_owned(),
            None => format!("remove it, or use one of: {}", expected.join(", ")),
        });
    }
    if message == "this key has no value, but takes a mapping" {
        return Some(
            "indent what belongs to it two spaces more than this key (`type: u64` under `clicks:`), or write it inline: `clicks: { type: u64 }`"
                .to_owned(),
        );
    }
    if message.starts_with("duplicate key") {
        return Some("each name appears once in a mapping: rename or remove one of them".to_owned());
    }
    if message.contains("boolean") {
        return Some("write `true` or `false`".to_owned());
    }
    if message.starts_with("missing field `") {
        return Some("add the missing key here".to_owned());
    }
    if message.contains("untagged enum RangeKeyDef") {
        return Some(
            "`range_key` is a field name (quote names YAML reads as booleans, such as `n` or `no`), or `{ attribute, parts: [..], separator }`"
                .to_owned(),
        );
    }
    if message.contains("untagged enum EnumValueDef") {
        return Some(
            "an enum value is a string (quote numbers and words YAML reads as booleans: \"5\", \"no\"), or `{ value: \"..\", name: RustName }`".to_owned(),
        );
    }
    if message.contains("untagged enum AuditDef") {
        return Some("`audit` is `true`, `false`, or `{ created: NAME, updated: NAME }`".to_owned());
    }
    if message.contains("invalid type") || message.contains("invalid value") {
        return Some("see `ddbgen schema` for the type this key takes".to_owned());
    }
    Some("fix the YAML at this position".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_points_at_it_with_a_suggestion() {
        let err = parse("s.yaml", "version: 1\ntabels: {}\n").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("s.yaml:2:1: error: unknown key `tabels`"), "{text}");
        assert!(text.contains("did you mean `tables`?"), "{text}");
    }

    #[test]
    fn type_mismatch_and_syntax_errors_have_positions() {
        let first = |text: &str| parse("s.yaml", text).unwrap_err().0.remove(0);
        let mismatch = first("version: 1\ntables:\n  Book:\n    fields: [1]\n");
        assert_eq!((mismatch.pos.line, mismatch.pos.column), (4, 13), "{mismatch}");
        let syntax = first("version: 1\ntables: {\n");
        assert_eq!((syntax.pos.line, syntax.pos.column), (2, 9), "{syntax}");
        assert!(syntax.message.contains("unclosed"), "{syntax}");
        let duplicate = first("version: 1\nversion: 1\n");
        assert_eq!(duplicate.message, "duplicate key `version`");
        assert_eq!(duplicate.pos.line, 2);
    }
}
