//! Typed conditions and filters: built from a table's generated field handles
//! (`BookFields::price().gt(10)`), encoded with each field's own codec, rendered with
//! placeholders only. No expression strings in application code.

use std::collections::BTreeSet;
use std::marker::PhantomData;

use aws_sdk_dynamodb::types::AttributeValue;

use super::expression::Placeholders;
use crate::codec::{AttributeCodec, Codec, Native};

/// The most values DynamoDB takes in one `IN`.
const MAX_IN_VALUES: usize = 100;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "<>",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
}

/// The expression tree of a condition.
#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Compare(&'static str, Op, AttributeValue),
    Between(&'static str, AttributeValue, AttributeValue),
    In(&'static str, Vec<AttributeValue>),
    BeginsWith(&'static str, String),
    Contains(&'static str, AttributeValue),
    Exists(&'static str),
    NotExists(&'static str),
    Size(&'static str, Op, u64),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
}

impl Expr {
    fn render(&self, p: &mut Placeholders) -> String {
        match self {
            Expr::Compare(name, op, value) => {
                let (name, value) = (p.name(name), p.value(value.clone()));
                format!("{name} {} {value}", op.symbol())
            }
            Expr::Between(name, low, high) => {
                let (name, low, high) = (p.name(name), p.value(low.clone()), p.value(high.clone()));
                format!("{name} BETWEEN {low} AND {high}")
            }
            Expr::In(name, values) => {
                let name = p.name(name);
                let values: Vec<String> = values.iter().map(|v| p.value(v.clone())).collect();
                format!("{name} IN ({})", values.join(", "))
            }
            Expr::BeginsWith(name, prefix) => {
                let (name, prefix) = (p.name(name), p.value(AttributeValue::S(prefix.clone())));
                format!("begins_with({name}, {prefix})")
            }
            Expr::Contains(name, value) => {
                let (name, value) = (p.name(name), p.value(value.clone()));
                format!("contains({name}, {value})")
            }
            Expr::Exists(name) => format!("attribute_exists({})", p.name(name)),
            Expr::NotExists(name) => format!("attribute_not_exists({})", p.name(name)),
            Expr::Size(name, op, n) => {
                let (name, n) = (p.name(name), p.value(AttributeValue::N(n.to_string())));
                format!("size({name}) {} {n}", op.symbol())
            }
            Expr::And(a, b) => format!("({}) AND ({})", a.render(p), b.render(p)),
            Expr::Or(a, b) => format!("({}) OR ({})", a.render(p), b.render(p)),
            Expr::Not(a) => format!("NOT ({})", a.render(p)),
        }
    }
}

/// A condition on the items of table `T`: a filter for queries and scans, or an extra
/// condition on a write (always added to the write's own safety condition, never replacing
/// it). Build it from the generated field handles and combine with `&`, `|` and `!`.
///
/// ```
/// use ddbgen_runtime::{Attr, Condition, Native};
///
/// struct Book; // a generated item type
/// let price: Attr<Book, u32, Native> = Attr::new("price", Native);
/// let title: Attr<Book, String, Native> = Attr::new("title", Native);
///
/// let cheap_or_untitled: Condition<Book> = price.lt(10u32) | title.not_exists();
/// let affordable_dune = price.between(5u32, 20u32) & title.begins_with("Dune") & !cheap_or_untitled;
/// assert!(format!("{affordable_dune:?}").contains("BeginsWith"));
/// ```
pub struct Condition<T> {
    expr: Expr,
    item: PhantomData<fn() -> T>,
}

impl<T> Clone for Condition<T> {
    fn clone(&self) -> Self {
        Self::of(self.expr.clone())
    }
}

impl<T> PartialEq for Condition<T> {
    fn eq(&self, other: &Self) -> bool {
        self.expr == other.expr
    }
}

impl<T> std::fmt::Debug for Condition<T> {
    /// The expression's shape and attribute names; values show as the SDK shows them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Condition").field(&self.expr).finish()
    }
}

impl<T> Condition<T> {
    /// `attribute` holds `value` as stored, or (`None`) is absent: a guard the runtime adds to
    /// its own writes (unique values' sentinels).
    pub(crate) fn stored(attribute: &'static str, value: Option<&AttributeValue>) -> Self {
        match value {
            Some(value) => Self::of(Expr::Compare(attribute, Op::Eq, value.clone())),
            None => Self::of(Expr::NotExists(attribute)),
        }
    }

    /// Whether the condition is an AND of equalities only (what a vector search's condition
    /// may be).
    pub(crate) fn is_equalities(&self) -> bool {
        fn walk(expr: &Expr) -> bool {
            match expr {
                Expr::Compare(_, Op::Eq, _) => true,
                Expr::And(a, b) => walk(a) && walk(b),
                _ => false,
            }
        }
        walk(&self.expr)
    }

    /// The attributes the condition names, each once.
    pub(crate) fn attributes(&self) -> Vec<&'static str> {
        fn walk(expr: &Expr, out: &mut Vec<&'static str>) {
            let name = match expr {
                Expr::Compare(name, ..)
                | Expr::Between(name, ..)
                | Expr::In(name, _)
                | Expr::BeginsWith(name, _)
                | Expr::Contains(name, _)
                | Expr::Exists(name)
                | Expr::NotExists(name)
                | Expr::Size(name, ..) => name,
                Expr::And(a, b) | Expr::Or(a, b) => {
                    walk(a, out);
                    walk(b, out);
                    return;
                }
                Expr::Not(a) => {
                    walk(a, out);
                    return;
                }
            };
            if !out.contains(name) {
                out.push(name);
            }
        }
        let mut out = Vec::new();
        walk(&self.expr, &mut out);
        out
    }

    fn of(expr: Expr) -> Self {
        Self {
            expr,
            item: PhantomData,
        }
    }

    /// Both conditions hold.
    pub fn and(self, other: Condition<T>) -> Self {
        Self::of(Expr::And(Box::new(self.expr), Box::new(other.expr)))
    }

    /// Either condition holds.
    pub fn or(self, other: Condition<T>) -> Self {
        Self::of(Expr::Or(Box::new(self.expr), Box::new(other.expr)))
    }

    /// The condition does not hold.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Self {
        Self::of(Expr::Not(Box::new(self.expr)))
    }

    /// The expression text, its names and values going into `placeholders`.
    pub(crate) fn render(&self, placeholders: &mut Placeholders) -> String {
        self.expr.render(placeholders)
    }
}

impl<T> std::ops::BitAnd for Condition<T> {
    type Output = Condition<T>;
    fn bitand(self, other: Condition<T>) -> Condition<T> {
        self.and(other)
    }
}

impl<T> std::ops::BitOr for Condition<T> {
    type Output = Condition<T>;
    fn bitor(self, other: Condition<T>) -> Condition<T> {
        self.or(other)
    }
}

impl<T> std::ops::Not for Condition<T> {
    type Output = Condition<T>;
    fn not(self) -> Condition<T> {
        Condition::not(self)
    }
}

/// A field of the items of table `T`, of type `V`, stored with codec `C`: what the generated
/// `BookFields::title()` returns. Its methods build [`Condition`]s whose values are encoded
/// exactly as the field is stored.
pub struct Attr<T, V, C> {
    name: &'static str,
    codec: C,
    types: PhantomData<fn() -> (T, V)>,
}

/// A value a condition compares a field of type `V` with: a `V` itself, or for text a `&str`
/// or `&String`. Unlike `Into<V>`, it names one integer type per field, so an integer literal
/// takes the field's type: `LinkFields::clicks().gt(10)` on a `u64` field needs no `10u64`.
///
/// ```
/// use ddbgen_runtime::{Attr, Native};
///
/// struct Link;
/// let clicks: Attr<Link, u64, Native> = Attr::new("clicks", Native);
/// let title: Attr<Link, String, Native> = Attr::new("title", Native);
/// let _popular = clicks.gt(10) & title.begins_with("Rust") & title.ne("Rust 1.0");
/// ```
pub trait IntoValue<V> {
    /// The value, as the field's type.
    fn into_value(self) -> V;
}

impl<V> IntoValue<V> for V {
    fn into_value(self) -> V {
        self
    }
}

impl IntoValue<String> for &str {
    fn into_value(self) -> String {
        self.to_owned()
    }
}

impl IntoValue<String> for &String {
    fn into_value(self) -> String {
        self.clone()
    }
}

impl<T, V, C: Copy> Clone for Attr<T, V, C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, V, C: Copy> Copy for Attr<T, V, C> {}

impl<T, V, C: Codec<V> + Copy> Attr<T, V, C> {
    /// The field stored as attribute `name` with `codec`.
    pub const fn new(name: &'static str, codec: C) -> Self {
        Self {
            name,
            codec,
            types: PhantomData,
        }
    }

    /// The stored attribute name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    fn compare(&self, op: Op, value: V) -> Condition<T> {
        match self.codec.encode(&value) {
            Some(value) => Condition::of(Expr::Compare(self.name, op, value)),
            // A value that stores nothing (an empty set) equals an absent attribute.
            None if op == Op::Eq => self.not_exists(),
            None => self.exists(),
        }
    }

    /// The field equals `value`.
    pub fn eq(&self, value: impl IntoValue<V>) -> Condition<T> {
        self.compare(Op::Eq, value.into_value())
    }

    /// The field is not `value` (also true when the attribute is absent).
    pub fn ne(&self, value: impl IntoValue<V>) -> Condition<T> {
        self.compare(Op::Ne, value.into_value())
    }

    /// The field is one of `values` (an empty list matches nothing). DynamoDB takes at most
    /// 100 values per `IN`; longer lists become several `IN`s joined by `OR`.
    pub fn is_in<I: IntoIterator<Item = V>>(&self, values: I) -> Condition<T> {
        let values: Vec<AttributeValue> = values.into_iter().filter_map(|v| self.codec.encode(&v)).collect();
        let mut chunks = values
            .chunks(MAX_IN_VALUES)
            .map(|c| Condition::of(Expr::In(self.name, c.to_vec())));
        match chunks.next() {
            Some(first) => chunks.fold(first, Condition::or),
            None => self.exists() & self.not_exists(),
        }
    }

    /// The item has this attribute (for optional fields: it is `Some`).
    pub fn exists(&self) -> Condition<T> {
        Condition::of(Expr::Exists(self.name))
    }

    /// The item does not have this attribute (for optional fields: it is `None`).
    pub fn not_exists(&self) -> Condition<T> {
        Condition::of(Expr::NotExists(self.name))
    }

    /// The stored size is `n`: characters of a string, bytes of binary, elements of a set,
    /// list or map.
    pub fn size_eq(&self, n: u64) -> Condition<T> {
        Condition::of(Expr::Size(self.name, Op::Eq, n))
    }

    /// The stored size is less than `n`.
    pub fn size_lt(&self, n: u64) -> Condition<T> {
        Condition::of(Expr::Size(self.name, Op::Lt, n))
    }

    /// The stored size is at most `n`.
    pub fn size_le(&self, n: u64) -> Condition<T> {
        Condition::of(Expr::Size(self.name, Op::Le, n))
    }

    /// The stored size is greater than `n`.
    pub fn size_gt(&self, n: u64) -> Condition<T> {
        Condition::of(Expr::Size(self.name, Op::Gt, n))
    }

    /// The stored size is at least `n`.
    pub fn size_ge(&self, n: u64) -> Condition<T> {
        Condition::of(Expr::Size(self.name, Op::Ge, n))
    }
}

/// Types whose stored values DynamoDB orders as Rust orders them: numbers, strings, bytes,
/// UUIDs, dates and times (stored as RFC 3339 text or epoch numbers). Enums are not: their
/// stored names sort alphabetically, not in declaration order.
pub trait Ordered {}

macro_rules! ordered {
    ($($t:ty),*) => { $(impl Ordered for $t {})* };
}
ordered!(
    u8,
    u16,
    u32,
    u64,
    i8,
    i16,
    i32,
    i64,
    f64,
    String,
    rust_decimal::Decimal,
    uuid::Uuid,
    chrono::NaiveDate,
    chrono::DateTime<chrono::Utc>,
    crate::codec::Bytes
);

impl<T, V: Ordered, C: Codec<V> + Copy> Attr<T, V, C> {
    /// The field is less than `value`.
    pub fn lt(&self, value: impl IntoValue<V>) -> Condition<T> {
        self.compare(Op::Lt, value.into_value())
    }

    /// The field is at most `value`.
    pub fn le(&self, value: impl IntoValue<V>) -> Condition<T> {
        self.compare(Op::Le, value.into_value())
    }

    /// The field is greater than `value`.
    pub fn gt(&self, value: impl IntoValue<V>) -> Condition<T> {
        self.compare(Op::Gt, value.into_value())
    }

    /// The field is at least `value`.
    pub fn ge(&self, value: impl IntoValue<V>) -> Condition<T> {
        self.compare(Op::Ge, value.into_value())
    }

    /// The field is from `low` to `high`, both included.
    pub fn between(&self, low: impl IntoValue<V>, high: impl IntoValue<V>) -> Condition<T> {
        match (
            self.codec.encode(&low.into_value()),
            self.codec.encode(&high.into_value()),
        ) {
            (Some(low), Some(high)) => Condition::of(Expr::Between(self.name, low, high)),
            _ => self.exists() & self.not_exists(),
        }
    }
}

impl<T, C: Codec<String> + Copy> Attr<T, String, C> {
    /// The string starts with `prefix`.
    pub fn begins_with(&self, prefix: impl Into<String>) -> Condition<T> {
        Condition::of(Expr::BeginsWith(self.name, prefix.into()))
    }

    /// The string contains `part`.
    pub fn contains(&self, part: impl Into<String>) -> Condition<T> {
        Condition::of(Expr::Contains(self.name, AttributeValue::S(part.into())))
    }
}

impl<T, E: AttributeCodec, C: Codec<BTreeSet<E>> + Copy> Attr<T, BTreeSet<E>, C> {
    /// The set holds `element`.
    pub fn contains(&self, element: impl IntoValue<E>) -> Condition<T> {
        self.element(element.into_value())
    }
}

impl<T, E: AttributeCodec, C: Codec<Vec<E>> + Copy> Attr<T, Vec<E>, C> {
    /// The list holds `element`.
    pub fn contains(&self, element: impl IntoValue<E>) -> Condition<T> {
        self.element(element.into_value())
    }
}

impl<T, V, C: Codec<V> + Copy> Attr<T, V, C> {
    fn element<E: AttributeCodec>(&self, element: E) -> Condition<T> {
        match Native.encode(&element) {
            Some(value) => Condition::of(Expr::Contains(self.name, value)),
            None => self.exists() & self.not_exists(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Book;

    #[test]
    fn renders_with_placeholders_only_and_keeps_precedence() {
        let price: Attr<Book, u32, Native> = Attr::new("price", Native);
        let status: Attr<Book, String, Native> = Attr::new("status", Native);
        let tags: Attr<Book, BTreeSet<String>, Native> = Attr::new("tags", Native);
        let condition = (price.ge(10u32) | status.is_in(["a".to_owned(), "b".to_owned()])) & !tags.contains("x");
        let mut p = Placeholders::default();
        assert_eq!(
            condition.render(&mut p),
            "((#n0 >= :v0) OR (#n1 IN (:v1, :v2))) AND (NOT (contains(#n2, :v3)))"
        );
        assert_eq!(p.values().unwrap()[":v0"], AttributeValue::N("10".into()));
        assert_eq!(p.values().unwrap()[":v3"], AttributeValue::S("x".into()));
    }

    #[test]
    fn long_in_lists_are_split_at_dynamodbs_limit() {
        let n: Attr<Book, u32, Native> = Attr::new("n", Native);
        let mut p = Placeholders::default();
        let text = n.is_in(0..250u32).render(&mut p);
        assert_eq!(text.matches(" IN (").count(), 3);
        assert_eq!(text.matches(" OR ").count(), 2);
        assert_eq!(p.values().unwrap().len(), 250);
        assert!(
            n.is_in(0..100u32)
                .render(&mut Placeholders::default())
                .starts_with("#n0 IN (")
        );
    }

    #[test]
    fn values_that_store_nothing_compare_as_absence() {
        let tags: Attr<Book, BTreeSet<String>, Native> = Attr::new("tags", Native);
        assert_eq!(tags.eq(BTreeSet::new()), tags.not_exists());
        assert_eq!(tags.ne(BTreeSet::new()), tags.exists());
        let mut p = Placeholders::default();
        assert_eq!(
            tags.is_in(Vec::new()).render(&mut p),
            "(attribute_exists(#n0)) AND (attribute_not_exists(#n0))"
        );
    }
}
