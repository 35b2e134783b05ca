//! UpdateItem expressions, built clause by clause by generated typed setters.

use aws_sdk_dynamodb::types::AttributeValue;

use super::expression::Placeholders;
use crate::validate::{FieldPath, ValidationErrors};

/// The clauses of one UpdateItem, with their placeholders and the validation failures of the
/// new values (checked before anything is sent).
///
/// ```
/// use ddbgen_runtime::codegen::UpdateExpression;
/// use ddbgen_runtime::AttributeValue;
///
/// let mut update = UpdateExpression::new();
/// update.set("title", Some(AttributeValue::S("Dune".into())));
/// update.increment("version");
/// assert!(update.errors.is_empty());
/// ```
#[derive(Debug, Clone, Default)]
pub struct UpdateExpression {
    pub(crate) placeholders: Placeholders,
    set: Vec<String>,
    remove: Vec<String>,
    add: Vec<String>,
    delete: Vec<String>,
    /// Rule failures of the new values; a non-empty list stops the update before it is sent.
    pub errors: ValidationErrors,
}

impl UpdateExpression {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// `SET attribute = value`; a value that stores nothing (an empty set) removes it.
    pub fn set(&mut self, attribute: &str, value: Option<AttributeValue>) {
        match value {
            Some(value) => {
                let (name, value) = (self.placeholders.name(attribute), self.placeholders.value(value));
                self.set.push(format!("{name} = {value}"));
            }
            None => self.remove(attribute),
        }
    }

    /// Checks the new value of field `field` with the field's check function (generated from
    /// its schema rules); failures are kept and stop the update before it is sent.
    pub fn check<V: ?Sized>(&mut self, field: &str, value: &V, check: fn(&V, &FieldPath<'_>, &mut ValidationErrors)) {
        check(value, &FieldPath::Root.field(field), &mut self.errors);
    }

    /// `SET attribute = attribute + 1`, for the optimistic-locking counter.
    pub fn increment(&mut self, attribute: &str) {
        let (name, one) = (
            self.placeholders.name(attribute),
            self.placeholders.value(AttributeValue::N("1".into())),
        );
        self.set.push(format!("{name} = {name} + {one}"));
    }

    /// `SET attribute = list_append(attribute, values)`, starting an absent list.
    pub fn append(&mut self, attribute: &str, values: AttributeValue) {
        let name = self.placeholders.name(attribute);
        let empty = self.placeholders.value(AttributeValue::L(Vec::new()));
        let values = self.placeholders.value(values);
        self.set.push(format!(
            "{name} = list_append(if_not_exists({name}, {empty}), {values})"
        ));
    }

    /// `REMOVE attribute`.
    pub fn remove(&mut self, attribute: &str) {
        let name = self.placeholders.name(attribute);
        self.remove.push(name);
    }

    /// `ADD attribute value`: adds to a number, or adds elements to a set. An empty set adds
    /// nothing and is left out.
    pub fn add(&mut self, attribute: &str, value: Option<AttributeValue>) {
        if let Some(value) = value {
            let (name, value) = (self.placeholders.name(attribute), self.placeholders.value(value));
            self.add.push(format!("{name} {value}"));
        }
    }

    /// `DELETE attribute value`: removes elements from a set.
    pub fn delete(&mut self, attribute: &str, value: Option<AttributeValue>) {
        if let Some(value) = value {
            let (name, value) = (self.placeholders.name(attribute), self.placeholders.value(value));
            self.delete.push(format!("{name} {value}"));
        }
    }

    /// The UpdateExpression text.
    pub(crate) fn render(&self) -> String {
        let mut clauses = Vec::new();
        for (keyword, parts) in [
            ("SET", &self.set),
            ("REMOVE", &self.remove),
            ("ADD", &self.add),
            ("DELETE", &self.delete),
        ] {
            if !parts.is_empty() {
                clauses.push(format!("{keyword} {}", parts.join(", ")));
            }
        }
        clauses.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_clause_with_placeholders_only() {
        let mut update = UpdateExpression::new();
        update.set("name", Some(AttributeValue::S("x".into())));
        update.remove("status");
        update.add("count", Some(AttributeValue::N("3".into())));
        update.delete("tags", Some(AttributeValue::Ss(vec!["a".into()])));
        update.increment("version");
        assert_eq!(
            update.render(),
            "SET #n0 = :v0, #n4 = #n4 + :v3 REMOVE #n1 ADD #n2 :v1 DELETE #n3 :v2"
        );
    }
}
