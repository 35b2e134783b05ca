//! Reads: the query plan of a table and each index (levels of narrowing and their
//! comparisons), access patterns, and partial types.

use super::{Field, KeyAttr, Span};

/// A declared read of the application, and the query that serves it.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessPattern {
    /// The repository method (the pattern's name).
    pub method: String,
    /// Documentation from the schema.
    pub doc: Option<String>,
    /// The query serving it (index into the table's queries); `None` for a declared scan.
    pub query: Option<usize>,
    /// The given fields in the order the query takes them (hash key, then sort-key parts),
    /// each with its parameter name.
    pub given: Vec<(usize, String)>,
    /// How many of `given` the query method takes (the hash key's fields: one, or an entity
    /// template's, none for a constant partition); the rest narrow its levels.
    pub hash_params: usize,
    /// The range condition: its kind, the level method that applies it, and its parameter
    /// names (`low`/`high` for between, one otherwise).
    pub comparison: Option<PatternComparison>,
    /// Reads in descending sort-key order.
    pub reverse: bool,
    /// Where the pattern is declared.
    pub span: Span,
}

/// The range condition of an access pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternComparison {
    /// The condition.
    pub kind: Comparison,
    /// The sort-key part it applies to (index into the table's fields).
    pub part: usize,
    /// The query level method (`published_year_between`).
    pub method: String,
    /// The parameter names (two for between).
    pub params: Vec<String>,
}

/// The generated type of what a `keys_only` or `include` index holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// Type name (`BookByEmail`).
    pub name: String,
    /// The table's key attributes, the index's keys and the included fields, each once.
    pub fields: Vec<Field>,
}

/// One query method of a repository: which key it takes and how its sort key narrows.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryPlan {
    /// The repository method (`query`, `query_by_title`).
    pub method: String,
    /// The index read, as an index into the table's indexes; `None` for the table.
    pub index: Option<usize>,
    /// The hash key, whose fields are the method's parameters.
    pub hash: KeyAttr,
    /// The type items are read as: the table's item type or the index's projection type.
    pub item: String,
    /// How the sort key narrows; `None` when there is no sort key (the method returns a query).
    pub sort: Option<SortPlan>,
}

/// The sort key of a query and its levels of narrowing.
#[derive(Debug, Clone, PartialEq)]
pub struct SortPlan {
    /// The stored sort-key attribute (the first, for a multi-attribute key, whose levels name
    /// their own).
    pub attribute: String,
    /// The composite separator; `None` for a single-field sort key.
    pub separator: Option<String>,
    /// The constants of a composite before its first field: every key of the query starts
    /// with them (an entity's `ORDER`).
    pub leading: Vec<String>,
    /// One level per part (one for a single field): level `k` has parts `..k` fixed.
    pub levels: Vec<QueryLevel>,
}

/// One level of narrowing: a generated struct with a method per way to narrow further.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryLevel {
    /// The struct (`BookQuery`, `BookQueryPublishedYear`).
    pub type_name: String,
    /// The part narrowed at this level (index into the table's fields).
    pub part: usize,
    /// The equality method (`published_year`).
    pub eq_method: String,
    /// Range methods on the part, with their names; empty past the first composite part.
    pub comparisons: Vec<(Comparison, String)>,
    /// The constants of a composite right after this part.
    pub trailing: Vec<String>,
    /// The field whose `ne` filter an `lt` on this part adds (`Some(part)`), when the key
    /// condition's upper bound includes one key too many: that of a template with leading
    /// constants that ends with this part, whose `lt` reads from the constants up to and
    /// including the key of `value` itself.
    pub lt_filter: Option<usize>,
    /// The level's own stored attribute, in a multi-attribute sort key (each part is an
    /// attribute, compared natively); `None` in a single-attribute sort key.
    pub attribute: Option<String>,
}

/// A range condition on a sort-key part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// From `low` to `high`, both included.
    Between,
    /// Greater than.
    Gt,
    /// At least.
    Ge,
    /// Less than.
    Lt,
    /// At most.
    Le,
    /// Starts with (string sort keys).
    BeginsWith,
}

impl Comparison {
    /// The method-name suffix (`between`).
    pub fn suffix(self) -> &'static str {
        match self {
            Comparison::Between => "between",
            Comparison::Gt => "gt",
            Comparison::Ge => "ge",
            Comparison::Lt => "lt",
            Comparison::Le => "le",
            Comparison::BeginsWith => "begins_with",
        }
    }
}
