//! UpdateItem expressions, built clause by clause by generated typed setters.

use std::ops::{Deref, DerefMut};

use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure};

use super::condition::Condition;
use super::expression::Placeholders;
use super::record::{Record, RecordKey};
use super::table::{Must, Table, refusal};
use super::transaction::Transaction;
use crate::codec::{AttributeMap, Native};
use crate::error::{Error, ErrorKind};
use crate::item::Item;
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
    /// Each attribute set (with its value's placeholder) or removed (`None`), in order: what a
    /// table with unique values needs to move their sentinels.
    assigned: Vec<(String, Option<String>)>,
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
                self.assigned.push((attribute.to_owned(), Some(value)));
            }
            None => self.remove(attribute),
        }
    }

    /// Checks the new value of field `field` with the field's check function (generated from
    /// its schema rules); failures are kept and stop the update before it is sent.
    pub fn check<V: ?Sized>(&mut self, field: &str, value: &V, check: fn(&V, &FieldPath<'_>, &mut ValidationErrors)) {
        check(value, &FieldPath::Root.field(field), &mut self.errors);
    }

    /// Refuses a patch's `null` for field `field`, which is not optional: the failure is kept
    /// with the field's path and stops the update before it is sent.
    pub fn refuse_removal<V>(&mut self, field: &str, patch: &super::Patch<V>) {
        if matches!(patch, super::Patch::Remove) {
            self.errors.push(
                &FieldPath::Root.field(field),
                "is required: it cannot be removed (null)",
            );
        }
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
        self.assigned.push((attribute.to_owned(), None));
    }

    /// The value this update gives `attribute`: `None` when it leaves it alone, `Some(None)`
    /// when it removes it, `Some(Some(value))` when it sets it (the last assignment wins).
    pub(crate) fn assigned(&self, attribute: &str) -> Option<Option<AttributeValue>> {
        let (_, placeholder) = self.assigned.iter().rev().find(|(a, _)| a == attribute)?;
        Some(
            placeholder
                .as_ref()
                .and_then(|p| self.placeholders.value_of(p).cloned()),
        )
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

/// UpdateItem, as every update sends it.
impl<T: Item> Table<T> {
    /// UpdateItem of an existing item ([`ErrorKind::NotFound`] otherwise, never an upsert), at
    /// `version` when given ([`ErrorKind::VersionConflict`] with the stored item otherwise), when
    /// `condition` holds ([`ErrorKind::ConditionFailed`] otherwise); returns the item as stored
    /// after the update.
    pub async fn update(
        &self,
        key: AttributeMap,
        update: UpdateExpression,
        version: Option<(&str, u64)>,
        condition: Option<&Condition<T>>,
    ) -> Result<T, Error> {
        if !update.errors.is_empty() {
            return Err(Error::from(ErrorKind::Validation(update.errors)));
        }
        self.check_limits(&key, false)?;
        if Self::touches_unique(&update) {
            self.unique_update(key, update, version, condition).await
        } else {
            self.update_plain(key, update, version, condition).await
        }
    }

    /// UpdateItem of this item alone; returns the item as stored afterwards.
    pub(crate) async fn update_plain(
        &self,
        key: AttributeMap,
        mut update: UpdateExpression,
        version: Option<(&str, u64)>,
        condition: Option<&Condition<T>>,
    ) -> Result<T, Error> {
        let expression = self.write_condition(&mut update.placeholders, Must::Exist, version, condition);
        let call = self.call("UpdateItem");
        let result = call
            .send(
                self.client
                    .update_item()
                    .table_name(&self.name)
                    .set_key(Some(key.clone()))
                    .update_expression(update.render())
                    .set_condition_expression(expression)
                    .set_expression_attribute_names(update.placeholders.names())
                    .set_expression_attribute_values(update.placeholders.values())
                    .return_values(ReturnValue::AllNew)
                    .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
                    .set_return_consumed_capacity(self.capacity())
                    .send(),
            )
            .await;
        match result {
            Ok(output) => {
                call.capacity(output.consumed_capacity.as_ref());
                match output.attributes {
                    Some(item) => T::from_item(item),
                    None => Err(Error::from(ErrorKind::NotFound {
                        table: self.name.clone(),
                        key,
                    })),
                }
            }
            Err(e) => match e.as_service_error() {
                Some(UpdateItemError::ConditionalCheckFailedException(failed)) => {
                    let current = self.current(failed.item(), &key).await?;
                    Err(refusal(&self.name, Must::Exist, version, key, current))
                }
                _ => Err(Error::call("UpdateItem", &self.name, e)),
            },
        }
    }
}

/// An update of one existing item of `T`, as a generated update builder (`BookUpdate`) builds
/// it: the generated setters add clauses to its [`UpdateExpression`] (it dereferences to one),
/// and this type sends it with what every update shares: the item must exist, `updated` is
/// set, the version grows by one and, when asked, must match.
#[must_use = "an update does nothing until it is sent"]
pub struct Update<'a, T: Record> {
    table: &'a Table<T>,
    key: T::Key,
    expression: UpdateExpression,
    version: Option<u64>,
    condition: Option<Condition<T>>,
}

impl<T: Record> std::fmt::Debug for Update<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Update")
            .field("table", &self.table.name())
            .field("expression", &self.expression)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl<'a, T: Record> Update<'a, T> {
    /// An update of the item with `key` in `table`, changing nothing yet.
    pub fn new(table: &'a Table<T>, key: T::Key) -> Self {
        Self {
            table,
            key,
            expression: UpdateExpression::new(),
            version: None,
            condition: None,
        }
    }

    /// The key of the item updated.
    pub fn key(&self) -> &T::Key {
        &self.key
    }

    /// Applies the update only if the stored item is still at `version`.
    pub fn expect_version(mut self, version: u64) -> Self {
        self.version = Some(version);
        self
    }

    /// Applies the update only if `condition` holds too; several calls are combined with AND.
    pub fn only_if(mut self, condition: Condition<T>) -> Self {
        self.condition = Some(match self.condition.take() {
            Some(previous) => previous & condition,
            None => condition,
        });
        self
    }

    /// The expression with what ddbgen manages: `updated` set, the version incremented.
    fn stamped(mut self) -> Self {
        if let Some(updated) = T::UPDATED {
            self.expression.set(updated, Native.encode(&self.table.now()));
        }
        if let Some(version) = T::VERSION {
            self.expression.increment(version);
        }
        self
    }

    fn expected_version(&self) -> Option<(&'static str, u64)> {
        T::VERSION.zip(self.version)
    }

    /// Sends the update (UpdateItem): the item must exist ([`ErrorKind::NotFound`] otherwise,
    /// never an upsert). Returns the item as stored afterwards.
    pub async fn send(self) -> Result<T, Error> {
        let this = self.stamped();
        let version = this.expected_version();
        this.table
            .update(this.key.to_key(), this.expression, version, this.condition.as_ref())
            .await
    }

    /// Adds the update to `transaction` instead of sending it; rule failures are returned now,
    /// the rest when the transaction is sent. An update that sets or removes a unique value is
    /// refused here (a validation failure of that field): moving its sentinel needs the stored
    /// value, which only [`send`](Self::send) reads.
    pub fn transact(self, transaction: &mut Transaction) -> Result<(), Error> {
        let mut errors = ValidationErrors::new();
        for unique in T::TABLE.unique {
            if self.expression.assigned(unique.attribute).is_some() {
                errors.push(
                    &FieldPath::Root.field(unique.field),
                    "is unique: change it with `send()`, which moves its sentinel, not in a transaction",
                );
            }
        }
        errors.into_result()?;
        let this = self.stamped();
        let version = this.expected_version();
        transaction.update(
            this.table,
            this.key.to_key(),
            this.expression,
            version,
            this.condition.as_ref(),
        )
    }
}

impl<T: Record> Deref for Update<'_, T> {
    type Target = UpdateExpression;

    fn deref(&self) -> &UpdateExpression {
        &self.expression
    }
}

impl<T: Record> DerefMut for Update<'_, T> {
    fn deref_mut(&mut self) -> &mut UpdateExpression {
        &mut self.expression
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
