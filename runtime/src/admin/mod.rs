//! Tables as DynamoDB holds them: create one from its layout, read a live one back
//! (DescribeTable, DescribeTimeToLive), compare the two, and apply the difference. Keys are
//! never changed and tables never deleted: what cannot be changed in place is refused, with the
//! reason. `Table::create_table` and `ddbgen plan`/`apply` share this code.

mod live;

pub use live::{apply, create, delete, describe};

use crate::item::{AttributeType, Projection, TableSpec};

/// A key attribute: stored name and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyLayout {
    /// Attribute name.
    pub name: String,
    /// S, N or B.
    pub attribute_type: AttributeType,
}

/// What a secondary index holds besides the keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectionLayout {
    /// Every attribute.
    All,
    /// The keys only.
    KeysOnly,
    /// The keys and these attributes (compared as a set).
    Include(Vec<String>),
}

/// A secondary index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexLayout {
    /// Index name.
    pub name: String,
    /// Partition key (for a local index, the table's).
    pub hash: KeyLayout,
    /// Sort key.
    pub range: Option<KeyLayout>,
    /// What it holds.
    pub projection: ProjectionLayout,
}

/// A table's keys, indexes and TTL: what a schema declares and what DescribeTable returns.
///
/// ```
/// use ddbgen_runtime::admin::TableLayout;
/// use ddbgen_runtime::{AttributeType, KeyAttribute, TableSpec};
///
/// const BOOKS: TableSpec = TableSpec {
///     table_name: "books",
///     hash_key: KeyAttribute { name: "publisher", attribute_type: AttributeType::S },
///     range_key: None,
///     indexes: &[],
///     ttl_attribute: None,
/// };
/// let layout = TableLayout::of(&BOOKS, "dev-books");
/// assert_eq!((layout.name.as_str(), layout.hash.name.as_str()), ("dev-books", "publisher"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableLayout {
    /// Table name (with any prefix).
    pub name: String,
    /// Partition key.
    pub hash: KeyLayout,
    /// Sort key.
    pub range: Option<KeyLayout>,
    /// Global secondary indexes.
    pub global: Vec<IndexLayout>,
    /// Local secondary indexes.
    pub local: Vec<IndexLayout>,
    /// The TTL attribute, when TTL is on.
    pub ttl: Option<String>,
}

impl TableLayout {
    /// The layout a generated table declares, under the name `name`.
    pub fn of(spec: &TableSpec, name: &str) -> Self {
        let key = |k: crate::item::KeyAttribute| KeyLayout {
            name: k.name.to_owned(),
            attribute_type: k.attribute_type,
        };
        let index = |i: &crate::item::IndexSpec| IndexLayout {
            name: i.name.to_owned(),
            hash: key(i.hash_key),
            range: i.range_key.map(key),
            projection: match i.projection {
                Projection::All => ProjectionLayout::All,
                Projection::KeysOnly => ProjectionLayout::KeysOnly,
                Projection::Include(names) => {
                    ProjectionLayout::Include(names.iter().map(|n| (*n).to_owned()).collect())
                }
            },
        };
        Self {
            name: name.to_owned(),
            hash: key(spec.hash_key),
            range: spec.range_key.map(key),
            global: spec.indexes.iter().filter(|i| i.global).map(index).collect(),
            local: spec
                .indexes
                .iter()
                .filter(|i| !i.global)
                .map(|i| IndexLayout {
                    hash: key(spec.hash_key),
                    ..index(i)
                })
                .collect(),
            ttl: spec.ttl_attribute.map(str::to_owned),
        }
    }

    /// Every key attribute of the table and its indexes, each once.
    fn attributes(&self) -> Vec<&KeyLayout> {
        let mut out: Vec<&KeyLayout> = Vec::new();
        let all = std::iter::once(&self.hash).chain(&self.range).chain(
            self.global
                .iter()
                .chain(&self.local)
                .flat_map(|i| std::iter::once(&i.hash).chain(&i.range)),
        );
        for key in all {
            if !out.iter().any(|k| k.name == key.name) {
                out.push(key);
            }
        }
        out
    }

    fn global_index(&self, name: &str) -> Option<&IndexLayout> {
        self.global.iter().find(|i| i.name == name)
    }
}

/// One step of bringing a live table to its layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The table does not exist: create it (with its indexes and TTL).
    CreateTable,
    /// Create this global index and wait until it is active.
    AddIndex(String),
    /// Delete this global index and wait until it is gone.
    RemoveIndex(String),
    /// Turn TTL on, on this attribute.
    EnableTtl(String),
    /// Turn TTL off (it was on this attribute).
    DisableTtl(String),
    /// A difference ddbgen will not apply, and why.
    Refused(String),
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::CreateTable => write!(f, "create the table"),
            Change::AddIndex(name) => write!(f, "add global index `{name}`"),
            Change::RemoveIndex(name) => write!(f, "remove global index `{name}`"),
            Change::EnableTtl(attribute) => write!(f, "turn TTL on, on attribute `{attribute}`"),
            Change::DisableTtl(attribute) => write!(f, "turn TTL off (attribute `{attribute}`)"),
            Change::Refused(why) => write!(f, "refused: {why}"),
        }
    }
}

fn describe_key(hash: &KeyLayout, range: Option<&KeyLayout>) -> String {
    let one = |k: &KeyLayout| format!("{} ({:?})", k.name, k.attribute_type);
    match range {
        Some(range) => format!("{} + {}", one(hash), one(range)),
        None => one(hash),
    }
}

fn same_projection(a: &ProjectionLayout, b: &ProjectionLayout) -> bool {
    match (a, b) {
        (ProjectionLayout::Include(x), ProjectionLayout::Include(y)) => {
            let (mut x, mut y) = (x.clone(), y.clone());
            x.sort();
            y.sort();
            x == y
        }
        _ => a == b,
    }
}

fn same_index(a: &IndexLayout, b: &IndexLayout) -> bool {
    a.hash == b.hash && a.range == b.range && same_projection(&a.projection, &b.projection)
}

/// The steps that bring `live` (`None`: no such table) to `desired`, in the order `apply`
/// takes them: removals before additions, one index at a time. Empty when they match.
pub fn plan(desired: &TableLayout, live: Option<&TableLayout>) -> Vec<Change> {
    let Some(live) = live else {
        return vec![Change::CreateTable];
    };
    let mut changes = Vec::new();
    if live.hash != desired.hash || live.range != desired.range {
        changes.push(Change::Refused(format!(
            "the live key is {}, the schema's is {}: a key cannot change once the table exists (create a new table and copy the items)",
            describe_key(&live.hash, live.range.as_ref()),
            describe_key(&desired.hash, desired.range.as_ref())
        )));
    }
    let local_matches = live.local.len() == desired.local.len()
        && desired
            .local
            .iter()
            .all(|d| live.local.iter().any(|l| l.name == d.name && same_index(l, d)));
    if !local_matches {
        changes.push(Change::Refused(
            "the local secondary indexes differ: they can only be set when a table is created".to_owned(),
        ));
    }
    for index in &live.global {
        match desired.global_index(&index.name) {
            Some(wanted) if same_index(index, wanted) => {}
            _ => changes.push(Change::RemoveIndex(index.name.clone())),
        }
    }
    for index in &desired.global {
        match live.global_index(&index.name) {
            Some(existing) if same_index(existing, index) => {}
            _ => changes.push(Change::AddIndex(index.name.clone())),
        }
    }
    match (&live.ttl, &desired.ttl) {
        (None, Some(attribute)) => changes.push(Change::EnableTtl(attribute.clone())),
        (Some(attribute), None) => changes.push(Change::DisableTtl(attribute.clone())),
        (Some(a), Some(b)) if a != b => changes.push(Change::Refused(format!(
            "TTL is on attribute `{a}`, the schema's is `{b}`: turn it off, wait an hour (DynamoDB's rule), and apply again"
        ))),
        _ => {}
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> KeyLayout {
        KeyLayout {
            name: name.to_owned(),
            attribute_type: AttributeType::S,
        }
    }

    fn index(name: &str, hash: &str) -> IndexLayout {
        IndexLayout {
            name: name.to_owned(),
            hash: key(hash),
            range: None,
            projection: ProjectionLayout::Include(vec!["b".into(), "a".into()]),
        }
    }

    fn layout() -> TableLayout {
        TableLayout {
            name: "t".into(),
            hash: key("id"),
            range: None,
            global: vec![index("by_a", "a")],
            local: Vec::new(),
            ttl: None,
        }
    }

    #[test]
    fn plans_index_and_ttl_changes_and_refuses_key_changes() {
        let live = layout();
        assert_eq!(plan(&live, Some(&live)), []);
        assert_eq!(plan(&live, None), [Change::CreateTable]);
        let mut desired = layout();
        desired.global = vec![
            IndexLayout {
                projection: ProjectionLayout::Include(vec!["a".into(), "b".into()]),
                ..index("by_a", "a")
            },
            index("by_c", "c"),
        ];
        desired.ttl = Some("expires".into());
        assert_eq!(
            plan(&desired, Some(&live)),
            [Change::AddIndex("by_c".into()), Change::EnableTtl("expires".into())],
            "include lists compare as sets"
        );
        desired.global = vec![index("by_a", "z")];
        assert_eq!(
            plan(&desired, Some(&live))[..2],
            [Change::RemoveIndex("by_a".into()), Change::AddIndex("by_a".into())]
        );
        desired.hash = key("other");
        assert!(matches!(plan(&desired, Some(&live))[0], Change::Refused(_)));
    }
}
