//! [`KeyQuery`]: a query narrowed by its hash key and, part by part, by its sort key. Every
//! generated query level (`BookQuery`, `BookQueryPublishedYear`) holds one and forwards to
//! it, so that how a narrowing becomes a key condition is written once, here.

use std::marker::PhantomData;

use aws_sdk_dynamodb::types::AttributeValue;

use super::key_condition::{KeyCondition, SortCondition};
use super::query::Query;
use super::table::Table;
use crate::item::{FromItem, Item};
use crate::key::{CompositeKey, KeyPart};

/// A query of table `T` (or of one of its indexes), reading items as `P`, narrowed by its hash
/// key and by the sort-key parts given so far.
///
/// A composite sort key (`year_isbn` = `published_year#isbn`, or an entity's
/// `ORDER#{placed_on}#{order_id}`) is narrowed part by part with [`part`](Self::part) and
/// [`constant`](Self::constant), and compared on its next part with `between`, `gt`, `ge`,
/// `lt` and `le` (bounds exact for every value: see `docs/encoding.md`). A single-field sort
/// key is compared on its stored value with the `value_*` methods. A multi-attribute sort key
/// is narrowed attribute by attribute with [`narrow_eq`](Self::narrow_eq), and its current
/// attribute compared with the `value_*` methods.
///
/// ```
/// use ddbgen_runtime::codegen::{KeyCondition, KeyQuery, Table};
/// use ddbgen_runtime::{AttributeValue, Item};
///
/// // What a generated `query("HarperBusiness").published_year(1995)` holds.
/// fn of_1995<T: Item>(table: &Table<T>) -> KeyQuery<'_, T> {
///     let publisher = KeyCondition::hash("publisher", AttributeValue::S("HarperBusiness".into()));
///     KeyQuery::new(table, None, publisher, "year_isbn", "#").part(&1995u16)
/// }
/// ```
pub struct KeyQuery<'a, T, P = T> {
    table: &'a Table<T>,
    index: Option<&'static str>,
    condition: KeyCondition,
    attribute: &'static str,
    key: CompositeKey<'static>,
    read: PhantomData<fn() -> P>,
}

impl<T, P> std::fmt::Debug for KeyQuery<'_, T, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyQuery")
            .field("table", &self.table.name)
            .field("index", &self.index)
            .field("condition", &self.condition)
            .field("key", &self.key)
            .finish()
    }
}

impl<'a, T: Item, P: FromItem> KeyQuery<'a, T, P> {
    /// A query of `table` (or of its index `index`) by `condition` on the hash key, whose sort
    /// key `attribute` joins its parts with `separator` (empty for a single-field sort key).
    pub fn new(
        table: &'a Table<T>,
        index: Option<&'static str>,
        condition: KeyCondition,
        attribute: &'static str,
        separator: &'static str,
    ) -> Self {
        Self {
            table,
            index,
            condition,
            attribute,
            key: CompositeKey::new(separator),
            read: PhantomData,
        }
    }

    /// Narrows by the next part of a composite sort key.
    pub fn part<V: KeyPart + ?Sized>(mut self, value: &V) -> Self {
        self.key = self.key.part(value);
        self
    }

    /// Narrows a multi-attribute sort key: its current attribute equals `value` (as the
    /// field's codec stores it), and the query narrows on by attribute `next`.
    pub fn narrow_eq(mut self, value: AttributeValue, next: &'static str) -> Self {
        self.condition = self.condition.and_sort_eq(self.attribute, value);
        self.attribute = next;
        self
    }

    /// Narrows by a constant segment of an entity's key template (`ORDER`).
    pub fn constant(self, text: &str) -> Self {
        self.part(text)
    }

    fn read(self, sort: Option<SortCondition>) -> Query<P> {
        let condition = match sort {
            Some(sort) => self.condition.sort(self.attribute, sort),
            None => self.condition,
        };
        self.table.query_as(self.index, condition)
    }

    /// Every item whose sort key starts with the parts given so far (`begins_with` on the
    /// parts and the separator, which never matches a longer sibling); every item of the
    /// partition when none was given.
    pub fn into_query(self) -> Query<P> {
        if self.key.is_empty() {
            self.read(None)
        } else {
            let prefix = self.key.clone().prefix();
            self.read(Some(SortCondition::BeginsWith(prefix)))
        }
    }

    /// The item whose sort key is exactly the parts given: the whole composite key.
    pub fn equal(self) -> Query<P> {
        let key = AttributeValue::S(self.key.clone().finish());
        self.read(Some(SortCondition::Eq(key)))
    }

    /// Items whose next part is from `low` to `high`, both included.
    pub fn between<V: KeyPart + ?Sized>(self, low: &V, high: &V) -> Query<P> {
        let sort = SortCondition::part_between(self.key.clone(), low, high);
        self.read(Some(sort))
    }

    /// Items whose next part is greater than `value`.
    pub fn gt<V: KeyPart + ?Sized>(self, value: &V) -> Query<P> {
        let sort = SortCondition::part_gt(self.key.clone(), value);
        self.read(Some(sort))
    }

    /// Items whose next part is at least `value`.
    pub fn ge<V: KeyPart + ?Sized>(self, value: &V) -> Query<P> {
        let sort = SortCondition::part_ge(self.key.clone(), value);
        self.read(Some(sort))
    }

    /// Items whose next part is less than `value` (see [`SortCondition::part_lt`] for the one
    /// key an entity template that ends with the part needs filtered out).
    pub fn lt<V: KeyPart + ?Sized>(self, value: &V) -> Query<P> {
        let sort = SortCondition::part_lt(self.key.clone(), value);
        self.read(Some(sort))
    }

    /// Items whose next part is at most `value`.
    pub fn le<V: KeyPart + ?Sized>(self, value: &V) -> Query<P> {
        let sort = SortCondition::part_le(self.key.clone(), value);
        self.read(Some(sort))
    }

    /// Items whose sort attribute is `value` (as the field's codec stores it).
    pub fn value_eq(self, value: AttributeValue) -> Query<P> {
        self.read(Some(SortCondition::Eq(value)))
    }

    /// Items whose sort attribute is from `low` to `high`, both included.
    pub fn value_between(self, low: AttributeValue, high: AttributeValue) -> Query<P> {
        self.read(Some(SortCondition::Between(low, high)))
    }

    /// Items whose sort attribute is greater than `value`.
    pub fn value_gt(self, value: AttributeValue) -> Query<P> {
        self.read(Some(SortCondition::Gt(value)))
    }

    /// Items whose sort attribute is at least `value`.
    pub fn value_ge(self, value: AttributeValue) -> Query<P> {
        self.read(Some(SortCondition::Ge(value)))
    }

    /// Items whose sort attribute is less than `value`.
    pub fn value_lt(self, value: AttributeValue) -> Query<P> {
        self.read(Some(SortCondition::Lt(value)))
    }

    /// Items whose sort attribute is at most `value`.
    pub fn value_le(self, value: AttributeValue) -> Query<P> {
        self.read(Some(SortCondition::Le(value)))
    }

    /// Items whose string sort attribute starts with `prefix`.
    pub fn value_begins_with(self, prefix: &str) -> Query<P> {
        self.read(Some(SortCondition::BeginsWith(prefix.to_owned())))
    }
}
