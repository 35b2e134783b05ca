//! Where each key and value of a YAML file stands, so that checks made long after parsing can
//! still point at `file:line:column`.
//!
//! The serde model carries no spans (it stays a plain mirror of the format). Instead the file is
//! read a second time into a generic tree of [`serde_saphyr::Spanned`] nodes, which is flattened
//! into a map from a path such as `tables.Book.fields.isbn.type` to positions.

use std::collections::HashMap;

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::diagnostic::Pos;

/// A path into a YAML document: mapping keys, and sequence indexes written as numbers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct YamlPath(Vec<String>);

impl YamlPath {
    /// The document root.
    pub fn root() -> Self {
        Self::default()
    }

    /// The path one step below this one.
    pub fn child(&self, segment: impl ToString) -> Self {
        let mut segments = self.0.clone();
        segments.push(segment.to_string());
        Self(segments)
    }

    /// The keys and indexes of the path, from the root.
    pub fn segments(&self) -> &[String] {
        &self.0
    }

    fn parent(&self) -> Option<Self> {
        let (_, rest) = self.0.split_last()?;
        Some(Self(rest.to_vec()))
    }
}

/// Positions of every key and value of one document.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    keys: HashMap<YamlPath, Pos>,
    values: HashMap<YamlPath, Pos>,
}

impl Positions {
    /// Reads the positions of `text`. A text that is not valid YAML gives an empty index (its
    /// syntax error is reported by the model's parser).
    pub fn read(text: &str) -> Self {
        let mut positions = Self::default();
        if let Ok(root) = serde_saphyr::from_str::<Spanned<Node>>(text) {
            positions.insert(YamlPath::root(), None, root);
        }
        positions
    }

    fn insert(&mut self, path: YamlPath, key: Option<Pos>, node: Spanned<Node>) {
        if let Some(key) = key {
            self.keys.insert(path.clone(), key);
        }
        self.values.insert(path.clone(), to_pos(&node));
        match node.value {
            Node::Map(entries) => {
                for (k, v) in entries {
                    let key_pos = to_pos(&k);
                    self.insert(path.child(k.value.0), Some(key_pos), v);
                }
            }
            Node::Seq(items) => {
                for (i, item) in items.into_iter().enumerate() {
                    self.insert(path.child(i), None, item);
                }
            }
            Node::Scalar => {}
        }
    }

    /// Every mapping key of the document with its position.
    pub fn keys(&self) -> impl Iterator<Item = (&YamlPath, Pos)> {
        self.keys.iter().map(|(path, pos)| (path, *pos))
    }

    /// Where the value at `path` starts; for a path that is not in the file (an omitted key),
    /// its nearest ancestor that is.
    pub fn value(&self, path: &YamlPath) -> Pos {
        self.nearest(path, &self.values)
    }

    /// Where the key of the entry at `path` stands (its value's position for sequence items);
    /// for a path that is not in the file, its nearest ancestor that is.
    pub fn key(&self, path: &YamlPath) -> Pos {
        match self.keys.get(path) {
            Some(pos) => *pos,
            None => self.value(path),
        }
    }

    fn nearest(&self, path: &YamlPath, map: &HashMap<YamlPath, Pos>) -> Pos {
        let mut current = Some(path.clone());
        while let Some(p) = current {
            if let Some(pos) = map.get(&p) {
                return *pos;
            }
            current = p.parent();
        }
        Pos { line: 1, column: 1 }
    }
}

fn to_pos<T>(spanned: &Spanned<T>) -> Pos {
    Pos {
        line: spanned.referenced.line(),
        column: spanned.referenced.column(),
    }
}

/// Any YAML node, for its position only.
enum Node {
    Map(Vec<(Spanned<ScalarText>, Spanned<Node>)>),
    Seq(Vec<Spanned<Node>>),
    Scalar,
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NodeVisitor;
        impl<'de> Visitor<'de> for NodeVisitor {
            type Value = Node;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_str<E>(self, _: &str) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_unit<E>(self) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_none<E>(self) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
                Node::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Node::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Node::Map(entries))
            }
        }
        deserializer.deserialize_any(NodeVisitor)
    }
}

/// A mapping key of any scalar kind, as text.
struct ScalarText(String);

impl<'de> Deserialize<'de> for ScalarText {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = ScalarText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a scalar key")
            }
            fn visit_bool<E>(self, v: bool) -> Result<ScalarText, E> {
                Ok(ScalarText(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<ScalarText, E> {
                Ok(ScalarText(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<ScalarText, E> {
                Ok(ScalarText(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<ScalarText, E> {
                Ok(ScalarText(v.to_string()))
            }
            fn visit_str<E>(self, v: &str) -> Result<ScalarText, E> {
                Ok(ScalarText(v.to_owned()))
            }
            fn visit_unit<E>(self) -> Result<ScalarText, E> {
                Ok(ScalarText(String::new()))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_keys_and_values() {
        let text = "version: 1\ntables:\n  Book:\n    fields:\n      isbn: { type: string }\n    parts: [a, b]\n";
        let positions = Positions::read(text);
        let isbn = YamlPath::root()
            .child("tables")
            .child("Book")
            .child("fields")
            .child("isbn");
        assert_eq!(positions.key(&isbn), Pos { line: 5, column: 7 });
        assert_eq!(positions.value(&isbn.child("type")), Pos { line: 5, column: 21 });
        let b = YamlPath::root().child("tables").child("Book").child("parts").child(1);
        assert_eq!(positions.value(&b), Pos { line: 6, column: 16 });
        // An omitted key falls back to its parent.
        assert_eq!(positions.value(&isbn.child("validate")), Pos { line: 5, column: 13 });
    }
}
