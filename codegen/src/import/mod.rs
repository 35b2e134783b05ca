//! `ddbgen import`: a schema from what a team already has. From a live table (`live`, feature
//! `live`): its layout, and field types inferred from a sample of its items. From the design
//! files of AWS's DynamoDB data-modeling MCP server (`mcp`): its tables, key templates, index
//! mappings, fields and access patterns. Both write YAML text with comments where a choice was
//! made for the reader, and what they write validates (the MCP import drops, with a comment,
//! what ddbgen refuses).

#[cfg(feature = "live")]
#[cfg_attr(docsrs, doc(cfg(feature = "live")))]
pub mod live;
pub mod mcp;
#[cfg(feature = "live")]
mod shape;

/// A YAML scalar: plain where it is a name or a type without a comma (`list<Line>`), so that it
/// stays plain inside a flow mapping; double-quoted (JSON string syntax) otherwise.
pub(crate) fn quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '<' | '>' | '-'))
        && text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && !matches!(text, "true" | "false" | "null" | "yes" | "no" | "on" | "off");
    if plain {
        text.to_owned()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
    }
}
