//! The key condition of a query: equality on the hash key, and a condition on the sort key,
//! with the exact bounds of a range on a composite key's part.

use aws_sdk_dynamodb::types::AttributeValue;

use super::expression::Placeholders;
use crate::key::{CompositeKey, KeyPart};

/// A condition on the sort key of a query.
///
/// ```
/// use ddbgen_runtime::codegen::{CompositeKey, SortCondition};
/// use ddbgen_runtime::AttributeValue;
///
/// // Books of 1990 to 1999, whatever the ISBN (the first part of `year#isbn`).
/// let decade = SortCondition::part_between(CompositeKey::new("#"), &1990u16, &1999u16);
/// assert_eq!(
///     decade,
///     SortCondition::Between(AttributeValue::S("01990".into()), AttributeValue::S("01999$".into()))
/// );
///
/// // An entity's orders before 1995: from its `ORDER#` prefix, not from the partition's start.
/// let before = SortCondition::part_lt(CompositeKey::new("#").part("ORDER"), &1995u16);
/// assert_eq!(
///     before,
///     SortCondition::Between(AttributeValue::S("ORDER#".into()), AttributeValue::S("ORDER#01995".into()))
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum SortCondition {
    /// `sk = value`
    Eq(AttributeValue),
    /// `begins_with(sk, prefix)`
    BeginsWith(String),
    /// `sk BETWEEN low AND high` (both inclusive)
    Between(AttributeValue, AttributeValue),
    /// `sk < value`
    Lt(AttributeValue),
    /// `sk <= value`
    Le(AttributeValue),
    /// `sk > value`
    Gt(AttributeValue),
    /// `sk >= value`
    Ge(AttributeValue),
}

impl SortCondition {
    /// Composite keys that start with `start` (the constants before the first part: empty
    /// for a plain composite sort key, `ORDER` for an entity's) and whose first part is from
    /// `low` to `high`, both included, whatever the later parts: from `low`'s encoding to just
    /// above every key that starts with `high`.
    pub fn part_between<P: KeyPart + ?Sized>(start: CompositeKey<'_>, low: &P, high: &P) -> Self {
        SortCondition::Between(
            AttributeValue::S(start.clone().part(low).finish()),
            AttributeValue::S(start.part(high).after()),
        )
    }

    /// Composite keys after `start` whose first part is greater than `value`; with constants
    /// in `start`, only keys that start with them.
    pub fn part_gt<P: KeyPart + ?Sized>(start: CompositeKey<'_>, value: &P) -> Self {
        let low = start.clone().part(value).after();
        Self::up_to_end(start, low)
    }

    /// Composite keys after `start` whose first part is at least `value`; with constants in
    /// `start`, only keys that start with them.
    pub fn part_ge<P: KeyPart + ?Sized>(start: CompositeKey<'_>, value: &P) -> Self {
        let low = start.clone().part(value).finish();
        Self::up_to_end(start, low)
    }

    /// From `low` to the last key that starts with `start`'s constants (to the end of the
    /// partition when there are none).
    fn up_to_end(start: CompositeKey<'_>, low: String) -> Self {
        if start.is_empty() {
            SortCondition::Ge(AttributeValue::S(low))
        } else {
            SortCondition::Between(AttributeValue::S(low), AttributeValue::S(start.after()))
        }
    }

    /// Composite keys whose first part after `start` is less than `value`. With constants in
    /// `start`, only keys that start with them, up to and including the key that is exactly
    /// those constants and `value`: a key condition has no exclusive upper bound beside a
    /// lower one. A template that ends with the part can store that key; the generated query
    /// then leaves its one item out with a filter on the field. With no constants, the keys
    /// below `value`, from the start of the partition.
    pub fn part_lt<P: KeyPart + ?Sized>(start: CompositeKey<'_>, value: &P) -> Self {
        if start.is_empty() {
            SortCondition::Lt(AttributeValue::S(start.part(value).finish()))
        } else {
            let low = start.clone().prefix();
            SortCondition::Between(AttributeValue::S(low), AttributeValue::S(start.part(value).finish()))
        }
    }

    /// Composite keys whose first part after `start` is at most `value`; with constants in
    /// `start`, only keys that start with them.
    pub fn part_le<P: KeyPart + ?Sized>(start: CompositeKey<'_>, value: &P) -> Self {
        let high = start.clone().part(value).after();
        if start.is_empty() {
            SortCondition::Lt(AttributeValue::S(high))
        } else {
            SortCondition::Between(AttributeValue::S(start.prefix()), AttributeValue::S(high))
        }
    }
}

/// The key condition of a query: the hash key, and optionally a condition on the sort key.
/// A multi-attribute index key (up to four partition and four sort attributes, each of its
/// own type) takes an equality on every partition attribute ([`and_hash`](Self::and_hash)),
/// equalities on leading sort attributes ([`and_sort_eq`](Self::and_sort_eq)), and at most one
/// condition on the sort attribute after them.
///
/// ```
/// use ddbgen_runtime::codegen::{KeyCondition, SortCondition};
/// use ddbgen_runtime::AttributeValue;
///
/// let condition = KeyCondition::hash("publisher", AttributeValue::S("HarperBusiness".into()))
///     .sort("year_isbn", SortCondition::BeginsWith("01995#".into()));
///
/// // An index keyed by [tenant, region] and sorted by [status, placed_at].
/// let open_since = KeyCondition::hash("tenant", AttributeValue::S("acme".into()))
///     .and_hash("region", AttributeValue::S("eu".into()))
///     .and_sort_eq("status", AttributeValue::S("open".into()))
///     .sort("placed_at", SortCondition::Ge(AttributeValue::S("2026-01-01".into())));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct KeyCondition {
    hash: Vec<(&'static str, AttributeValue)>,
    sort_eq: Vec<(&'static str, AttributeValue)>,
    sort: Option<(&'static str, SortCondition)>,
}

impl KeyCondition {
    /// Items whose hash key `attribute` equals `value`.
    pub fn hash(attribute: &'static str, value: AttributeValue) -> Self {
        Self {
            hash: vec![(attribute, value)],
            sort_eq: Vec::new(),
            sort: None,
        }
    }

    /// And whose next partition attribute `attribute` (of a multi-attribute key) equals `value`.
    pub fn and_hash(mut self, attribute: &'static str, value: AttributeValue) -> Self {
        self.hash.push((attribute, value));
        self
    }

    /// And whose sort attribute `attribute` (a leading one of a multi-attribute sort key)
    /// equals `value`.
    pub fn and_sort_eq(mut self, attribute: &'static str, value: AttributeValue) -> Self {
        self.sort_eq.push((attribute, value));
        self
    }

    /// Narrows to items whose sort key `attribute` meets `condition`.
    pub fn sort(mut self, attribute: &'static str, condition: SortCondition) -> Self {
        self.sort = Some((attribute, condition));
        self
    }

    pub(crate) fn render(&self, p: &mut Placeholders) -> String {
        let mut clauses: Vec<String> = self
            .hash
            .iter()
            .chain(&self.sort_eq)
            .map(|(attribute, value)| format!("{} = {}", p.name(attribute), p.value(value.clone())))
            .collect();
        let Some((attribute, condition)) = &self.sort else {
            return clauses.join(" AND ");
        };
        let name = p.name(attribute);
        let sort = match condition {
            SortCondition::Eq(v) => format!("{name} = {}", p.value(v.clone())),
            SortCondition::BeginsWith(prefix) => {
                format!("begins_with({name}, {})", p.value(AttributeValue::S(prefix.clone())))
            }
            SortCondition::Between(low, high) => {
                let (low, high) = (p.value(low.clone()), p.value(high.clone()));
                format!("{name} BETWEEN {low} AND {high}")
            }
            SortCondition::Lt(v) => format!("{name} < {}", p.value(v.clone())),
            SortCondition::Le(v) => format!("{name} <= {}", p.value(v.clone())),
            SortCondition::Gt(v) => format!("{name} > {}", p.value(v.clone())),
            SortCondition::Ge(v) => format!("{name} >= {}", p.value(v.clone())),
        };
        clauses.push(sort);
        clauses.join(" AND ")
    }
}
