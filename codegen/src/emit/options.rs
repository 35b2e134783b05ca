//! [`Options`]: the choices of generated code that are not the schema's.

use proc_macro2::TokenStream;

/// Choices of the generated code that are not the schema's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Derive serde's `Serialize` on generated types, and `Deserialize` on the ones that are
    /// input (creation inputs, keys, patch types, named types) (default `true`). They serve
    /// users' JSON APIs, not DynamoDB, and are most of the time `cargo check` spends on
    /// generated code (BENCHMARKS.md, section 3).
    pub serde: bool,
    /// Attributes added to generated data types: (path, attribute), where the path is a type's
    /// name (`BookKey`, `Author`) or `.` for every data type.
    pub type_attributes: Vec<(String, String)>,
    /// Attributes added to fields of generated data types: (path, attribute), where the path is
    /// `Type.field` (the schema's field name) or `.` for every field.
    pub field_attributes: Vec<(String, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            serde: true,
            type_attributes: Vec::new(),
            field_attributes: Vec::new(),
        }
    }
}

impl Options {
    /// The extra attributes of type `name`.
    pub(crate) fn type_attributes(&self, name: &str) -> TokenStream {
        attributes(&self.type_attributes, |path| path == "." || path == name)
    }

    /// The extra attributes of field `field` of type `owner`.
    pub(crate) fn field_attributes(&self, owner: &str, field: &str) -> TokenStream {
        attributes(&self.field_attributes, |path| {
            path == "." || path.split_once('.').is_some_and(|(ty, f)| ty == owner && f == field)
        })
    }
}

/// The attributes whose path matches, parsed (the builder checked that they parse).
fn attributes(list: &[(String, String)], matches: impl Fn(&str) -> bool) -> TokenStream {
    list.iter()
        .filter(|(path, _)| matches(path))
        .filter_map(|(_, attribute)| attribute.parse::<TokenStream>().ok())
        .collect()
}
