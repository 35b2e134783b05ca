//! `ddbgen import --endpoint --table`: a schema from a table that already exists. Its keys, indexes and TTL come
//! from DescribeTable and DescribeTimeToLive (the runtime's `admin::describe`); its fields from
//! a bounded sample of items, each attribute's type inferred from the values it holds:
//! strings that are all UUIDs, RFC 3339 times or dates become those types, numbers integers or
//! decimals, sets, lists and maps their element types, and a map whose keys repeat across items
//! a nested object type. An attribute missing from some items is optional. Every guess the
//! sample cannot settle is written as a YAML comment next to it, and an attribute whose values
//! no one type holds is left out, with a comment saying why.

use std::collections::{BTreeMap, BTreeSet};

use ddbgen_runtime::admin::{ProjectionLayout, TableLayout};
use ddbgen_runtime::{AttributeMap, AttributeType, AttributeValue};
use heck::ToUpperCamelCase;

use super::quote;
use super::shape::{Numbers, Shape, TextForm, merge, shape};
use crate::ir::names::{escape, snake};

/// A map with at most this many distinct keys across the sample, all of them names, is read
/// as an object with fields; one with more, as a `map<string, T>`.
const MAX_OBJECT_FIELDS: usize = 24;

/// What the sample says of one attribute.
struct Observed {
    shape: Shape,
    /// How many sampled items hold it.
    present: usize,
    /// Whether a NULL was seen.
    null: bool,
}

/// The schema being written: fields of the table, nested object types, and comments.
struct Writer {
    types: BTreeMap<String, Vec<String>>,
    /// The TTL attribute: a time stored as epoch seconds, whatever the sample's numbers.
    ttl: Option<String>,
    /// The vector attributes of the table's vector indexes, with their dimensions.
    vectors: BTreeMap<String, u32>,
}

impl Writer {
    /// The ddbgen type of `shape` (naming nested object types after `name`), with the notes the
    /// sample leaves open; `Err` with why when no type holds it.
    fn type_of(&mut self, name: &str, shape: &Shape, notes: &mut Vec<String>) -> Result<String, String> {
        Ok(match shape {
            Shape::Text(TextForm::Uuid) => "uuid".to_owned(),
            Shape::Text(TextForm::DateTime) => {
                notes.push(
                    "every sampled value is an RFC 3339 time: written back in ddbgen's fixed-width UTC form".to_owned(),
                );
                "datetime".to_owned()
            }
            Shape::Text(TextForm::Date) => "date".to_owned(),
            Shape::Text(TextForm::Text) => "string".to_owned(),
            Shape::Number(numbers) => {
                if !numbers.fraction {
                    notes.push(format!(
                        "integers from {} to {} in the sample; a narrower type (u32, i16) is yours to choose",
                        numbers.min, numbers.max
                    ));
                }
                numbers.type_name().to_owned()
            }
            Shape::Bool => "bool".to_owned(),
            Shape::Bytes => "bytes".to_owned(),
            Shape::TextSet => "set<string>".to_owned(),
            Shape::NumberSet(numbers) => match numbers.type_name() {
                "decimal" => "set<decimal>".to_owned(),
                _ => "set<integer>".to_owned(),
            },
            Shape::BytesSet => "set<bytes>".to_owned(),
            Shape::List(None) => {
                notes.push("only empty lists in the sample: the element type is a guess".to_owned());
                "list<string>".to_owned()
            }
            Shape::List(Some(element)) => format!("list<{}>", self.type_of(name, element, notes)?),
            Shape::Map(keys, maps) => {
                let object = keys.len() <= MAX_OBJECT_FIELDS && keys.keys().all(|k| escape(&snake(k)).is_some());
                if object {
                    self.object_type(name, keys, *maps)?
                } else {
                    let values = keys
                        .values()
                        .map(|(shape, _)| shape.clone())
                        .reduce(merge)
                        .unwrap_or(Shape::Text(TextForm::Text));
                    notes.push(format!(
                        "a map of {} keys in the sample: read as a map, not an object",
                        keys.len()
                    ));
                    format!("map<string, {}>", self.type_of(name, &values, notes)?)
                }
            }
            Shape::Null => return Err("only NULL in the sample".to_owned()),
            Shape::Mixed(kinds) => {
                let kinds: Vec<&str> = kinds.iter().copied().collect();
                return Err(format!(
                    "holds {} in the sample, which no one type does",
                    kinds.join(" and ")
                ));
            }
        })
    }

    /// A nested object type named after `name`, its fields from the keys seen.
    fn object_type(
        &mut self,
        name: &str,
        keys: &BTreeMap<String, (Shape, usize)>,
        maps: usize,
    ) -> Result<String, String> {
        let mut type_name = name.to_upper_camel_case();
        if type_name.is_empty() || !type_name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            type_name = format!("T{type_name}");
        }
        let base = type_name.clone();
        let mut n = 2;
        while self.types.contains_key(&type_name) {
            type_name = format!("{base}{n}");
            n += 1;
        }
        self.types.insert(type_name.clone(), Vec::new());
        let mut lines = Vec::new();
        for (key, (shape, count)) in keys {
            let observed = Observed {
                shape: shape.clone(),
                present: *count,
                null: false,
            };
            lines.extend(self.field(
                key,
                &observed,
                maps,
                false,
                &format!("{type_name}{}", key.to_upper_camel_case()),
            ));
        }
        self.types.insert(type_name.clone(), lines);
        Ok(type_name)
    }

    /// The YAML lines of one field (a comment instead, when no type holds it). `key`: a key
    /// attribute, which is never optional.
    fn field(&mut self, attribute: &str, observed: &Observed, items: usize, key: bool, type_hint: &str) -> Vec<String> {
        let name = snake(attribute);
        let mut notes = Vec::new();
        let ttl = self.ttl.as_deref() == Some(attribute);
        let typed = if ttl {
            Ok("datetime, format: epoch_seconds".to_owned())
        } else if let Some(dimensions) = self.vectors.get(attribute) {
            // A vector index says what the attribute is, whatever the sample holds.
            Ok(format!("vector<{dimensions}>"))
        } else {
            self.type_of(type_hint, &observed.shape, &mut notes)
        };
        let ty = match typed {
            Ok(ty) => ty,
            Err(why) => {
                return vec![format!(
                    "# `{attribute}` is not imported: it {why}. Generated code reads items without it, but a replace or upsert would drop it: give it a type by hand"
                )];
            }
        };
        let mut props = vec![match ttl {
            true => format!("type: {ty}"),
            false => format!("type: {}", quote(&ty)),
        }];
        if !key && (observed.present < items || observed.null) {
            props.push("optional: true".to_owned());
            if observed.null {
                props.push("nullable: true".to_owned());
            }
        }
        if name != attribute || escape(&name).is_none() {
            props.push(format!("attribute: {}", quote(attribute)));
        }
        let name = if escape(&name).is_some() {
            name
        } else {
            format!("{name}_field")
        };
        let mut lines: Vec<String> = notes.iter().map(|n| format!("# {attribute}: {n}")).collect();
        if !key && observed.present < items {
            lines.push(format!(
                "# {attribute}: in {} of {items} sampled items",
                observed.present
            ));
        }
        lines.push(format!("{}: {{ {} }}", quote(&name), props.join(", ")));
        lines
    }
}

/// The key type a key attribute's declaration gives, when the sample has no value of it.
fn declared(attribute_type: AttributeType) -> Shape {
    match attribute_type {
        AttributeType::S => Shape::Text(TextForm::Text),
        AttributeType::N => Shape::Number(Numbers {
            min: 0,
            max: 0,
            fraction: false,
        }),
        AttributeType::B => Shape::Bytes,
    }
}

/// A schema (YAML, with comments) for the live table `layout`, its fields inferred from
/// `sample`. `source` says where it came from, in the header.
pub fn schema(layout: &TableLayout, sample: &[AttributeMap], source: &str) -> String {
    let items = sample.len();
    let mut observed: BTreeMap<String, Observed> = BTreeMap::new();
    for item in sample {
        for (attribute, value) in item {
            let null = matches!(value, AttributeValue::Null(_));
            let entry = observed.entry(attribute.clone()).or_insert(Observed {
                shape: Shape::Null,
                present: 0,
                null: false,
            });
            entry.shape = merge(std::mem::replace(&mut entry.shape, Shape::Null), shape(value));
            entry.present += 1;
            entry.null |= null;
        }
    }
    // Key attributes are fields even when the sample holds none of them, typed as declared.
    let keys = std::iter::once(&layout.hash).chain(&layout.range).chain(
        layout
            .global
            .iter()
            .chain(&layout.local)
            .flat_map(|i| i.hash.iter().chain(&i.range)),
    );
    let table_keys: Vec<&str> = std::iter::once(layout.hash.name.as_str())
        .chain(layout.range.as_ref().map(|r| r.name.as_str()))
        .collect();
    for key in keys {
        observed.entry(key.name.clone()).or_insert(Observed {
            shape: declared(key.attribute_type),
            present: if table_keys.contains(&key.name.as_str()) {
                items
            } else {
                0
            },
            null: false,
        });
    }
    if let Some(ttl) = &layout.ttl {
        observed.entry(ttl.clone()).or_insert(Observed {
            shape: Shape::Number(Numbers {
                min: 0,
                max: 0,
                fraction: false,
            }),
            present: 0,
            null: false,
        });
    }
    let mut writer = Writer {
        types: BTreeMap::new(),
        ttl: layout.ttl.clone(),
        vectors: layout
            .vector
            .iter()
            .map(|v| (v.attribute.clone(), v.dimensions))
            .collect(),
    };
    let mut fields = Vec::new();
    for (attribute, seen) in &observed {
        let key = table_keys.contains(&attribute.as_str());
        let hint = attribute.to_upper_camel_case();
        fields.extend(writer.field(attribute, seen, items.max(seen.present), key, &hint));
    }
    let field_name = |attribute: &str| quote(&snake(attribute));
    let item_name = {
        let base = layout.name.to_upper_camel_case();
        if base.starts_with(|c: char| c.is_ascii_alphabetic()) {
            base
        } else {
            format!("T{base}")
        }
    };
    let mut out = String::new();
    out.push_str(&format!(
        "# Imported by `ddbgen import` from {source}: keys, indexes and TTL as DescribeTable says;\n\
         # fields inferred from {items} sampled items. Comments mark what the sample could not settle.\n"
    ));
    out.push_str("version: 1\ntables:\n");
    out.push_str(&format!("  {}:\n", quote(&item_name)));
    out.push_str(&format!("    table_name: {}\n", quote(&layout.name)));
    out.push_str(&format!("    hash_key: {}\n", field_name(&layout.hash.name)));
    if let Some(range) = &layout.range {
        out.push_str(&format!("    range_key: {}\n", field_name(&range.name)));
        let composite = sample
            .iter()
            .filter_map(|i| match i.get(&range.name) {
                Some(AttributeValue::S(s)) => Some(s.split('#').count()),
                _ => None,
            })
            .collect::<BTreeSet<_>>();
        if composite.len() == 1 && composite.first().is_some_and(|n| *n > 1) {
            out.push_str(&format!(
                "    # {}: every sampled value is {} parts joined by `#`: a composite key. ddbgen can build one\n    \
                 # (`range_key: {{ attribute: {}, parts: [...] }}`), but encodes its parts its own way\n    \
                 # (docs/encoding.md): keep it a string field until the stored values are migrated.\n",
                range.name,
                composite.first().copied().unwrap_or_default(),
                range.name
            ));
        }
    }
    if let Some(note) = single_table_note(layout, sample) {
        out.push_str(&note);
    }
    out.push_str("    audit: false\n");
    if let Some(ttl) = &layout.ttl {
        out.push_str(&format!("    ttl: {}\n", field_name(ttl)));
    }
    out.push_str("    fields:\n");
    for line in &fields {
        out.push_str(&format!("      {line}\n"));
    }
    let indexes: Vec<String> = layout
        .global
        .iter()
        .map(|i| (i, "global"))
        .chain(layout.local.iter().map(|i| (i, "local")))
        .map(|(index, kind)| {
            let list = |keys: &[ddbgen_runtime::admin::KeyLayout]| match keys {
                [one] => field_name(&one.name),
                many => format!(
                    "[{}]",
                    many.iter().map(|k| field_name(&k.name)).collect::<Vec<_>>().join(", ")
                ),
            };
            let mut props = vec![format!("kind: {kind}")];
            if kind == "global" {
                props.push(format!("hash_key: {}", list(&index.hash)));
            }
            if !index.range.is_empty() {
                props.push(format!("range_key: {}", list(&index.range)));
            }
            match &index.projection {
                ProjectionLayout::All => {}
                ProjectionLayout::KeysOnly => props.push("projection: keys_only".to_owned()),
                ProjectionLayout::Include(names) => {
                    props.push("projection: include".to_owned());
                    let names: Vec<String> = names.iter().map(|n| field_name(n)).collect();
                    props.push(format!("include: [{}]", names.join(", ")));
                }
            }
            format!("      {}: {{ {} }}\n", quote(&index.name), props.join(", "))
        })
        .collect();
    if !indexes.is_empty() {
        out.push_str("    indexes:\n");
        for index in indexes {
            out.push_str(&index);
        }
    }
    if !layout.vector.is_empty() {
        out.push_str("    vector_indexes:\n");
        for index in &layout.vector {
            let mut props = vec![
                format!("attribute: {}", field_name(&index.attribute)),
                format!("distance: {}", index.distance.as_str().to_ascii_lowercase()),
            ];
            if let Some(hash) = &index.hash {
                props.push(format!("hash_key: {}", field_name(&hash.name)));
            }
            if !index.filters.is_empty() {
                let filters: Vec<String> = index.filters.iter().map(|k| field_name(&k.name)).collect();
                props.push(format!("filters: [{}]", filters.join(", ")));
            }
            out.push_str(&format!("      {}: {{ {} }}\n", quote(&index.name), props.join(", ")));
        }
    }
    if writer.types.values().any(|fields| !fields.is_empty()) {
        out.push_str("types:\n");
        for (name, lines) in &writer.types {
            out.push_str(&format!("  {name}:\n    fields:\n"));
            for line in lines {
                out.push_str(&format!("      {line}\n"));
            }
        }
    }
    out
}

/// The constant prefixes (`USER`, `ORDER`) that the table's key values start with, when they
/// show several kinds of item in one table: a single-table design, said in a comment.
fn single_table_note(layout: &TableLayout, sample: &[AttributeMap]) -> Option<String> {
    let prefixes = |attribute: &str| -> BTreeSet<String> {
        sample
            .iter()
            .filter_map(|item| match item.get(attribute) {
                Some(AttributeValue::S(s)) => s
                    .split_once('#')
                    .map(|(head, _)| head)
                    .filter(|head| !head.is_empty() && head.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
                    .map(str::to_owned),
                _ => None,
            })
            .collect()
    };
    let keys = std::iter::once(&layout.hash).chain(&layout.range);
    let kinds: Vec<(String, BTreeSet<String>)> = keys
        .map(|k| (k.name.clone(), prefixes(&k.name)))
        .filter(|(_, p)| p.len() > 1)
        .collect();
    let (attribute, prefixes) = kinds.first()?;
    let list: Vec<String> = prefixes.iter().map(|p| format!("`{p}#`")).collect();
    Some(format!(
        "    # {attribute}: values start with {}: several kinds of item in one table. ddbgen models that\n    \
         # as entities with key templates (docs/single-table.md); here every kind is one type, and\n    \
         # the fields only some kinds hold are optional.\n",
        list.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> AttributeValue {
        AttributeValue::S(text.to_owned())
    }

    fn n(text: &str) -> AttributeValue {
        AttributeValue::N(text.to_owned())
    }

    #[test]
    fn values_settle_a_type_or_say_why_not() {
        let text = |values: &[AttributeValue]| {
            let mut writer = Writer {
                types: BTreeMap::new(),
                ttl: None,
                vectors: BTreeMap::new(),
            };
            let shape = values.iter().map(shape).reduce(merge).expect("values");
            writer.type_of("x", &shape, &mut Vec::new())
        };
        assert_eq!(
            text(&[s("0b6f4a8e-3d2c-4f1a-9b7e-2c4d6e8f0a1b")]).as_deref(),
            Ok("uuid")
        );
        assert_eq!(
            text(&[s("2024-05-01T10:00:00Z"), s("2024-05-01T10:00:00.5+02:00")]).as_deref(),
            Ok("datetime")
        );
        assert_eq!(text(&[s("2024-05-01"), s("hello")]).as_deref(), Ok("string"));
        assert_eq!(text(&[n("1"), n("-7")]).as_deref(), Ok("i64"));
        assert_eq!(text(&[n("1"), n("2.5")]).as_deref(), Ok("decimal"));
        assert_eq!(text(&[n("18446744073709551615")]).as_deref(), Ok("u64"));
        assert_eq!(text(&[AttributeValue::Null(true), n("3")]).as_deref(), Ok("i64"));
        assert_eq!(
            text(&[AttributeValue::L(vec![n("1"), n("2")])]).as_deref(),
            Ok("list<i64>")
        );
        let mixed = text(&[s("a"), n("1")]).expect_err("S and N");
        assert!(mixed.contains("N and S"), "{mixed}");
    }

    #[test]
    fn a_map_with_few_named_keys_is_an_object_and_one_with_many_a_map() {
        let object = AttributeValue::M(AttributeMap::from([
            ("street".to_owned(), s("Main")),
            ("zip".to_owned(), s("1")),
        ]));
        let mut writer = Writer {
            types: BTreeMap::new(),
            ttl: None,
            vectors: BTreeMap::new(),
        };
        assert_eq!(
            writer.type_of("address", &shape(&object), &mut Vec::new()).as_deref(),
            Ok("Address")
        );
        assert_eq!(writer.types["Address"].len(), 2);
        let many: AttributeMap = (0..40).map(|i| (format!("k{i}"), n("1"))).collect();
        let mut notes = Vec::new();
        assert_eq!(
            writer
                .type_of("counts", &shape(&AttributeValue::M(many)), &mut notes)
                .as_deref(),
            Ok("map<string, i64>")
        );
        assert!(notes.iter().any(|n| n.contains("40 keys")), "{notes:?}");
    }

    #[test]
    fn key_values_of_several_kinds_are_said_to_be_a_single_table_design() {
        use ddbgen_runtime::admin::KeyLayout;
        let layout = TableLayout {
            name: "app".into(),
            hash: KeyLayout {
                name: "pk".into(),
                attribute_type: AttributeType::S,
            },
            range: Some(KeyLayout {
                name: "sk".into(),
                attribute_type: AttributeType::S,
            }),
            global: Vec::new(),
            local: Vec::new(),
            ttl: None,
            vector: Vec::new(),
        };
        let item = |pk: &str, sk: &str| AttributeMap::from([("pk".to_owned(), s(pk)), ("sk".to_owned(), s(sk))]);
        let mixed = [
            item("USER#1", "PROFILE"),
            item("USER#1", "ORDER#2024-01-01#7"),
            item("USER#1", "ADDRESS#home"),
        ];
        let note = single_table_note(&layout, &mixed).expect("several kinds");
        assert!(note.contains("sk: values start with `ADDRESS#`, `ORDER#`"), "{note}");
        let one_kind = [item("USER#1", "ORDER#1"), item("USER#2", "ORDER#2")];
        assert_eq!(single_table_note(&layout, &one_kind), None);
        assert!(schema(&layout, &mixed, "a test").contains("several kinds of item"));
    }
}
