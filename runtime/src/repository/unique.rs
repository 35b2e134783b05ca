//! Unique values (`unique: true` in the schema). Each value a unique field holds has a
//! sentinel item in the same table, keyed by a reserved string made of the attribute and the
//! value (`ddbgen#unique#email#ann@example.com`), holding the holder's key. Every write that
//! sets, changes or removes such a value is one transaction with the sentinels it puts (on
//! condition that none exists) and deletes, so two items can never hold one value.
//!
//! A write other than a create first reads the stored item (strongly consistent) to know the
//! values it replaces, and its transaction is conditioned on those values still being stored:
//! a concurrent writer that changed them makes the transaction fail, and the write is tried
//! again from a fresh read (at most [`ATTEMPTS`] times). Scans leave sentinels out, streams
//! skip them ([`is_sentinel`]).

use aws_sdk_dynamodb::types::AttributeValue;

use super::condition::Condition;
use super::table::{Must, Table};
use super::transaction::Transaction;
use super::update::UpdateExpression;
use crate::codec::AttributeMap;
use crate::error::{Error, ErrorKind};
use crate::item::{Item, TableSpec, UniqueValue};
use crate::validate::{FieldPath, ValidationErrors};

/// How every sentinel's hash key starts; an item's own hash key may not.
pub const SENTINEL_PREFIX: &str = "ddbgen#unique#";
/// The attribute that marks a sentinel, holding its field's name.
pub(crate) const MARKER: &str = "ddbgen_unique";
/// The attribute of a sentinel that holds the holder's key attributes (an `M`).
pub(crate) const HOLDER: &str = "ddbgen_holder";
/// Reads and transactions of one write, before a concurrent writer's change is reported.
const ATTEMPTS: usize = 5;

/// Whether a stored item (or a stream image) is the sentinel of a unique value rather than
/// an item of its table.
pub fn is_sentinel(item: &AttributeMap) -> bool {
    item.contains_key(MARKER)
}

/// The key of the sentinel that holds `value` of `unique` in `spec`'s table; `None` for a
/// value that names none (lowering allows only S and N values).
fn sentinel_key(spec: &TableSpec, unique: &UniqueValue, value: &AttributeValue) -> Option<AttributeMap> {
    let text = match value {
        AttributeValue::S(text) | AttributeValue::N(text) => text,
        _ => return None,
    };
    let mut key = AttributeMap::with_capacity(2);
    key.insert(
        spec.hash_key.name.to_owned(),
        AttributeValue::S(format!("{SENTINEL_PREFIX}{}#{text}", unique.attribute)),
    );
    if let Some(range) = spec.range_key {
        key.insert(range.name.to_owned(), AttributeValue::S(SENTINEL_PREFIX.to_owned()));
    }
    Some(key)
}

/// Refuses an item whose hash key starts like a sentinel's, before anything is sent.
fn refuse_reserved(spec: &TableSpec, item: &AttributeMap) -> Result<(), Error> {
    if let Some(AttributeValue::S(hash)) = item.get(spec.hash_key.name)
        && hash.starts_with(SENTINEL_PREFIX)
    {
        let mut errors = ValidationErrors::new();
        errors.push(
            &FieldPath::Root.field(spec.hash_key.name),
            format!("starts with `{SENTINEL_PREFIX}`, which this table keeps for its unique values"),
        );
        return Err(ErrorKind::Validation(errors).into());
    }
    Ok(())
}

/// Adds to `tx` the sentinels of every unique value of the new item `item` (a create).
pub(crate) fn claim_new<T: Item>(tx: &mut Transaction, table: &Table<T>, item: &AttributeMap) -> Result<(), Error> {
    if T::TABLE.unique.is_empty() {
        return Ok(());
    }
    refuse_reserved(T::TABLE, item)?;
    move_sentinels(tx, table, None, Some(item))
}

/// Adds to `tx` what moves the sentinels from the values of `before` (the stored item, if
/// any) to those of `after` (the item written, `None` for a delete): a value that changed
/// has its old sentinel deleted and its new one put.
fn move_sentinels<T: Item>(
    tx: &mut Transaction,
    table: &Table<T>,
    before: Option<&AttributeMap>,
    after: Option<&AttributeMap>,
) -> Result<(), Error> {
    let spec = T::TABLE;
    let holder = before.or(after).map(|item| table.key_of(item)).unwrap_or_default();
    for unique in spec.unique {
        let old = before.and_then(|item| item.get(unique.attribute));
        let new = after.and_then(|item| item.get(unique.attribute));
        if old == new {
            continue;
        }
        if let Some(key) = old.and_then(|value| sentinel_key(spec, unique, value)) {
            tx.delete_sentinel(table, key)?;
        }
        if let Some(key) = new.and_then(|value| sentinel_key(spec, unique, value)) {
            tx.put_sentinel(table, unique, key, holder.clone())?;
        }
    }
    Ok(())
}

/// The condition that the unique values of `stored` are still stored (`None`: that no item
/// exists), ANDed to the caller's `condition`.
fn guarded<T: Item>(stored: Option<&AttributeMap>, condition: Option<&Condition<T>>) -> Option<Condition<T>> {
    let guard = match stored {
        Some(stored) => T::TABLE
            .unique
            .iter()
            .map(|unique| Condition::stored(unique.attribute, stored.get(unique.attribute)))
            .reduce(|a, b| a & b)?,
        None => Condition::stored(T::TABLE.hash_key.name, None),
    };
    Some(match condition {
        Some(condition) => condition.clone() & guard,
        None => guard,
    })
}

/// The first failure of a cancelled transaction of one write, as that write's own error.
fn first_failure(error: Error) -> Error {
    match error.into_kind() {
        ErrorKind::TransactionCanceled { failures } if !failures.is_empty() => {
            failures.into_iter().min_by_key(|f| f.index).map_or_else(
                || ErrorKind::TransactionCanceled { failures: Vec::new() }.into(),
                |f| f.error,
            )
        }
        kind => kind.into(),
    }
}

/// Whether `error` means the guard failed (a concurrent write changed the unique values read,
/// or created or deleted the item): the write is then tried again from a fresh read.
fn raced<T: Item>(error: &Error, stored: Option<&AttributeMap>) -> bool {
    let ErrorKind::ConditionFailed { current, .. } = error.kind() else {
        return false;
    };
    match (stored, current) {
        (None, None) => false,
        (Some(stored), Some(current)) => T::TABLE
            .unique
            .iter()
            .any(|u| stored.get(u.attribute) != current.get(u.attribute)),
        _ => true,
    }
}

impl<T: Item> Table<T> {
    /// A put on a table with unique values (`put_checked` under `must`, `version` and
    /// `condition`), with its sentinels, in one transaction.
    pub(crate) async fn unique_put(
        &self,
        item: &T,
        must: Must,
        version: Option<(&str, u64)>,
        condition: Option<&Condition<T>>,
    ) -> Result<(), Error> {
        let map = item.to_item();
        refuse_reserved(T::TABLE, &map)?;
        let key = self.key_of(&map);
        let mut last = None;
        for _ in 0..ATTEMPTS {
            let stored = match must {
                Must::BeNew => None,
                Must::Exist | Must::Nothing => self.get_stored(key.clone(), true).await?,
            };
            if must == Must::Exist && stored.is_none() {
                return Err(ErrorKind::NotFound {
                    table: self.name().to_owned(),
                    key,
                }
                .into());
            }
            let guard = match must {
                Must::BeNew => condition.cloned(),
                Must::Exist | Must::Nothing => guarded(stored.as_ref(), condition),
            };
            let mut tx = Transaction::new(self.client());
            tx.put(self, item, must, version, guard.as_ref())?;
            move_sentinels(&mut tx, self, stored.as_ref(), Some(&map))?;
            // No value moves (none held, or the same ones): the item alone, still guarded.
            let result = if tx.len() == 1 {
                self.put_plain(item, must, version, guard.as_ref()).await
            } else {
                tx.send().await.map_err(first_failure)
            };
            match result {
                Err(error) if must != Must::BeNew && raced::<T>(&error, stored.as_ref()) => last = Some(error),
                other => return other,
            }
        }
        Err(last.unwrap_or_else(|| {
            ErrorKind::NotFound {
                table: self.name().to_owned(),
                key,
            }
            .into()
        }))
    }

    /// A delete on a table with unique values, with its sentinels, in one transaction;
    /// returns the deleted item (`None` when there was none and `must` allows it).
    pub(crate) async fn unique_delete(
        &self,
        key: AttributeMap,
        must: Must,
        version: Option<(&str, u64)>,
        condition: Option<&Condition<T>>,
    ) -> Result<Option<T>, Error> {
        let mut last = None;
        for _ in 0..ATTEMPTS {
            let Some(stored) = self.get_stored(key.clone(), true).await? else {
                return match must {
                    Must::Exist => Err(ErrorKind::NotFound {
                        table: self.name().to_owned(),
                        key,
                    }
                    .into()),
                    Must::BeNew | Must::Nothing => Ok(None),
                };
            };
            let guard = guarded(Some(&stored), condition);
            let mut tx = Transaction::new(self.client());
            tx.delete(self, key.clone(), version, guard.as_ref())?;
            move_sentinels(&mut tx, self, Some(&stored), None)?;
            let result = if tx.len() == 1 {
                self.delete_plain(key.clone(), Must::Exist, version, guard.as_ref())
                    .await
                    .map(|_| ())
            } else {
                tx.send().await.map_err(first_failure)
            };
            match result {
                Ok(()) => return T::from_item(stored).map(Some),
                Err(error) if raced::<T>(&error, Some(&stored)) => last = Some(error),
                Err(error) => {
                    return match (must, error.kind()) {
                        (Must::Nothing, ErrorKind::NotFound { .. }) => Ok(None),
                        _ => Err(error),
                    };
                }
            }
        }
        Err(last.unwrap_or_else(|| {
            ErrorKind::NotFound {
                table: self.name().to_owned(),
                key,
            }
            .into()
        }))
    }

    /// An update on a table with unique values that sets or removes one of them, with its
    /// sentinels, in one transaction; returns the item as stored afterwards (read back).
    pub(crate) async fn unique_update(
        &self,
        key: AttributeMap,
        update: UpdateExpression,
        version: Option<(&str, u64)>,
        condition: Option<&Condition<T>>,
    ) -> Result<T, Error> {
        let mut last = None;
        for _ in 0..ATTEMPTS {
            let Some(stored) = self.get_stored(key.clone(), true).await? else {
                return Err(ErrorKind::NotFound {
                    table: self.name().to_owned(),
                    key,
                }
                .into());
            };
            let mut after = stored.clone();
            for unique in T::TABLE.unique {
                match update.assigned(unique.attribute) {
                    Some(Some(value)) => {
                        after.insert(unique.attribute.to_owned(), value);
                    }
                    Some(None) => {
                        after.remove(unique.attribute);
                    }
                    None => {}
                }
            }
            let mut tx = Transaction::new(self.client());
            tx.update(
                self,
                key.clone(),
                update.clone(),
                version,
                guarded(Some(&stored), condition).as_ref(),
            )?;
            move_sentinels(&mut tx, self, Some(&stored), Some(&after))?;
            match tx.send().await.map_err(first_failure) {
                Ok(()) => {
                    return match self.get_stored(key.clone(), true).await? {
                        Some(item) => T::from_item(item),
                        None => Err(ErrorKind::NotFound {
                            table: self.name().to_owned(),
                            key,
                        }
                        .into()),
                    };
                }
                Err(error) if raced::<T>(&error, Some(&stored)) => last = Some(error),
                Err(error) => return Err(error),
            }
        }
        Err(last.unwrap_or_else(|| {
            ErrorKind::NotFound {
                table: self.name().to_owned(),
                key,
            }
            .into()
        }))
    }

    /// Whether `update` sets or removes a unique value (and so needs [`Table::unique_update`]).
    pub(crate) fn touches_unique(update: &UpdateExpression) -> bool {
        T::TABLE.unique.iter().any(|u| update.assigned(u.attribute).is_some())
    }
}
