//! Emitters unit-tested from IR built by hand: they print what the IR decided (names, codecs,
//! boxes) and nothing else.

use super::emit_module;
use crate::ir::*;

fn field(name: &str, ty: FieldType, codec: Codec) -> Field {
    Field::new(name, ty, codec, FieldOrigin::Declared, Span::default()).expect("identifier")
}

/// A table keyed by an epoch-seconds time, with one note field whose setter the IR named
/// `set_headline` and a query method it named `query_at`.
fn table() -> Table {
    let at = field("at", FieldType::Scalar(Scalar::DateTime), Codec::EpochSeconds);
    let mut note = field("note", FieldType::Scalar(Scalar::String), Codec::Native);
    note.updates = vec![UpdateMethod {
        rewrites: Vec::new(),
        op: UpdateOp::Set,
        method: "set_headline".to_owned(),
    }];
    Table {
        names: TableNames {
            module: "r#event".to_owned(),
            item: "Event".to_owned(),
            new_item: "NewEvent".to_owned(),
            key: "EventKey".to_owned(),
            repository: "EventRepository".to_owned(),
            reads: "EventReads".to_owned(),
            update: "EventUpdate".to_owned(),
            patch: Some("EventPatch".to_owned()),
            fields: "EventFields".to_owned(),
            change: "EventChange".to_owned(),
        },
        table_name: "events".to_owned(),
        doc: None,
        patch: true,
        fields: vec![at, note],
        hash_key: crate::ir::KeyAttr::Field(0),
        range_key: None,
        indexes: Vec::new(),
        vector_indexes: Vec::new(),
        ttl: None,
        queries: vec![QueryPlan {
            method: "query_at".to_owned(),
            index: None,
            hash: crate::ir::KeyAttr::Field(0),
            item: "Event".to_owned(),
            sort: None,
        }],
        projections: Vec::new(),
        access_patterns: Vec::new(),
        condition_fields: vec![1],
        entity: None,
        span: Span::default(),
    }
}

#[test]
fn schema_docs_never_become_doctests() {
    let doc = super::print::doc(Some(
        "Example:\n```rust\nlet x = 1;\n```\nand an open one:\n  ```\nnot closed",
    ));
    assert_eq!(
        doc.to_string(),
        super::print::doc(None).to_string()
            + &quote::quote!(
                #[doc = " Example:"] #[doc = " ```text"] #[doc = " let x = 1;"] #[doc = " ```"]
                #[doc = " and an open one:"] #[doc = "   ```text"] #[doc = " not closed"] #[doc = " ```"]
            )
            .to_string()
    );
}

/// A model of one table, with its layout as lowering builds it.
fn with_table(table: Table) -> Model {
    let mut model = Model {
        tables: vec![table],
        types: Vec::new(),
        single_tables: Vec::new(),
        layouts: Vec::new(),
    };
    model.layouts = crate::ir::layout::layouts(&model);
    model
}

fn emitted(model: &Model) -> String {
    let text = emit_module(model, "hand-built", &super::Options::default());
    assert!(!text.contains("compile_error!"), "{text}");
    text
}

#[test]
fn keys_and_queries_use_the_codec_the_ir_chose() {
    let text = emitted(&with_table(table()));
    // Item, key and query condition: one encoding.
    assert!(
        text.contains(r#"rt::EpochSeconds.write(&mut map, "at", &self.at);"#),
        "{text}"
    );
    assert!(
        text.contains(r#"rt::EpochSeconds.field(slots[0].take(), "at")?"#),
        "{text}"
    );
    assert!(
        text.contains(r#"rt::KeyCondition::hash("at", rt::EpochSeconds.key_value(&at))"#),
        "{text}"
    );
    assert!(text.contains(r#"rt::KeyAttribute::n("at")"#), "{text}");
    assert!(!text.contains(r#"rt::Native.write(&mut map, "at""#), "{text}");
}

#[test]
fn field_handles_cover_the_condition_fields_the_ir_chose() {
    let model = with_table(table());
    let text = emitted(&model);
    assert!(
        text.contains("pub fn note() -> rt::Attr<Event, String, rt::Native>"),
        "{text}"
    );
    assert!(
        !text.contains("pub fn at() -> rt::Attr"),
        "the key is not a condition field"
    );
    assert!(text.contains("pub struct EventFields;"));
}

#[test]
fn names_are_printed_as_the_ir_decided() {
    let text = emitted(&with_table(table()));
    assert!(text.contains("pub mod r#event {"), "{text}");
    assert!(
        text.contains("pub fn set_headline(mut self, note: impl Into<String>) -> Self"),
        "{text}"
    );
    assert!(!text.contains("set_note"), "{text}");
    assert!(
        text.contains("pub fn query_at(&self, at: rt::DateTime<rt::Utc>) -> rt::Query<Event>"),
        "{text}"
    );
}

#[test]
fn recursive_fields_are_boxed_and_types_resolved() {
    let mut parent = field("parent", FieldType::Object("Comment".to_owned()), Codec::Native);
    parent.boxed = true;
    parent.optional = true;
    let kind = field("kind", FieldType::Enum("Kind".to_owned()), Codec::Native);
    let model = Model {
        tables: Vec::new(),
        single_tables: Vec::new(),
        layouts: Vec::new(),
        types: vec![
            NamedType {
                name: "Comment".to_owned(),
                doc: None,
                kind: NamedKind::Object(vec![parent, kind]),
                span: Span::default(),
            },
            NamedType {
                name: "Kind".to_owned(),
                doc: None,
                kind: NamedKind::Enum(vec![EnumVariant {
                    value: "2nd-edition".to_owned(),
                    ident: "SecondEdition".to_owned(),
                    span: Span::default(),
                }]),
                span: Span::default(),
            },
        ],
    };
    let text = emitted(&model);
    assert!(
        text.contains("pub parent: Option<Box<super::types::Comment>>,"),
        "{text}"
    );
    assert!(text.contains("pub kind: super::types::Kind,"), "{text}");
    assert!(text.contains(r#"Self::SecondEdition => "2nd-edition","#), "{text}");
    // No field has a default of its own: `Default` is derived, not written out.
    assert!(text.contains("#[derive(Debug, Clone, PartialEq, Default)]"), "{text}");
    assert!(!text.contains("impl Default for Comment"), "{text}");
}
