//! Vector indexes (`vector_indexes:`): DynamoDB's rules for them, checked before anything is
//! generated. The vector field's dimensions are the index's; the hash and filter fields are
//! the `SearchSchema`; at most 5 per table; index names are shared with the table's other
//! indexes.

use super::Structure;
use super::report::Report;
use crate::ir::{Table, VectorIndex};
use crate::schema::YamlPath;
use crate::schema::model::TableDef;

/// DynamoDB's limit of vector indexes per table.
const MAX_VECTOR_INDEXES: usize = 5;

impl Structure<'_> {
    /// The vector indexes of the plain table `table`, declared at `path` (`…vector_indexes`).
    pub(super) fn vector_indexes(&mut self, def: &TableDef, table: &Table, path: &YamlPath) -> Vec<VectorIndex> {
        let mut out = Vec::new();
        for (n, (name, index)) in def.vector_indexes.iter().enumerate() {
            let at = path.child(name);
            self.index_name(name, &at);
            if n == MAX_VECTOR_INDEXES {
                self.error_key(
                    &at,
                    format!("more than {MAX_VECTOR_INDEXES} vector indexes"),
                    "DynamoDB allows 5 per table: remove one",
                );
            }
            if table.indexes.iter().any(|i| i.name == *name) {
                self.error_key(
                    &at,
                    format!("`{name}` names a secondary index of the table too"),
                    "DynamoDB keeps one namespace for a table's indexes: rename one",
                );
            }
            let field_at = |f: &str| table.fields.iter().position(|x| x.name == f);
            let Some(field) = field_at(&index.attribute) else {
                self.error(
                    &at.child("attribute"),
                    format!("`{}` is not a field of the table", index.attribute),
                    "name the `vector<N>` field to search",
                );
                continue;
            };
            let Some(dimensions) = table.fields[field].vector else {
                self.error(
                    &at.child("attribute"),
                    format!("`{}` is not a `vector<N>` field", index.attribute),
                    "declare it `type: vector<N>` with your embeddings' dimensions",
                );
                continue;
            };
            // SearchSchema attributes: scalar fields, other than the vector, each once.
            let schema = |this: &mut Self, name: &str, place: &YamlPath, seen: &mut Vec<usize>| -> Option<usize> {
                let Some(i) = field_at(name) else {
                    this.error(
                        place,
                        format!("`{name}` is not a field of the table"),
                        "name a field of the table",
                    );
                    return None;
                };
                if table.fields[i].key_type.is_none() {
                    this.error(
                        place,
                        format!("`{name}` cannot be searched on: a vector index's search schema holds string, number and bytes fields"),
                        "name a string, number, uuid, date or enum field",
                    );
                    return None;
                }
                if seen.contains(&i) {
                    this.error(place, format!("`{name}` is named twice"), "name each field once");
                    return None;
                }
                seen.push(i);
                Some(i)
            };
            let mut seen = Vec::new();
            let hash = index
                .hash_key
                .as_deref()
                .and_then(|h| schema(self, h, &at.child("hash_key"), &mut seen));
            let filters = index
                .filters
                .iter()
                .enumerate()
                .filter_map(|(k, f)| schema(self, f, &at.child("filters").child(k.to_string()), &mut seen))
                .collect();
            out.push(VectorIndex {
                name: name.clone(),
                field,
                dimensions,
                distance: index.distance,
                hash,
                filters,
                method: String::new(),
                hit: None,
                doc: index.doc.clone(),
                span: self.span(&at),
            });
        }
        out
    }
}
