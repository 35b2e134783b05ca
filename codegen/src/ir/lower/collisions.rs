//! The collision proof of a single table: no two entities can produce the same primary key.
//! Keys are compared segment by segment from their templates' constants (see [`may_collide`]),
//! and a pair that could meet is refused with the values that would collide.

use crate::diagnostic::Diagnostic;
use crate::ir::{Field, FieldType, IntType, KeyAttr, Scalar, Segment, Table};
use crate::schema::{SchemaFile, YamlPath};

/// A check of its own (it reads the file and the IR, and returns its findings): an entity that
/// could produce the primary key of one declared before it in the single table at `path`.
pub(super) fn check_distinct(file: &SchemaFile, before: &[Table], entity: &Table, path: &YamlPath) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for other in before {
        let hash = may_collide(other, &other.hash_key, entity, &entity.hash_key);
        let range = match (&other.range_key, &entity.range_key) {
            (Some(a), Some(b)) => may_collide(other, a, entity, b),
            _ => true,
        };
        if !(hash && range) {
            continue;
        }
        let describe = |t: &Table| {
            let mut keys = vec![t.hash_key.describe(&t.fields)];
            keys.extend(t.range_key.as_ref().map(|r| r.describe(&t.fields)));
            keys.join(", ")
        };
        let (a, b) = (&other.names.item, &entity.names.item);
        let mut witness = spelled(other, &other.hash_key, entity, &entity.hash_key);
        if let (Some(x), Some(y)) = (&other.range_key, &entity.range_key) {
            witness.extend(spelled(other, x, entity, y));
        }
        let witness = if witness.is_empty() {
            String::new()
        } else {
            format!(" (when {})", witness.join(" and "))
        };
        let kpath = |n: &str| path.child("entities").child(n).child("keys");
        let mut diagnostic = file
            .error_at_key(
                &kpath(b),
                format!(
                    "entities `{a}` and `{b}` can produce the same primary key{witness}: {} and {}",
                    describe(other),
                    describe(entity)
                ),
            )
            .with_help(format!(
                "start one of the templates with a constant the other cannot produce, such as `{}#…`",
                b.to_uppercase()
            ));
        let span = file.positions.key(&kpath(a));
        diagnostic = diagnostic.with_related(&file.name, span, "the other entity's keys");
        errors.push(diagnostic);
    }
    errors
}

/// Whether key `ka` of entity `a` and key `kb` of entity `b` can hold the same stored value.
///
/// No encoded part contains an unescaped separator (text parts, constants included, are
/// escaped alike, and numbers, dates, UUIDs and booleans never hold one), so a stored value
/// has exactly as many segments as its template, and two texts meet exactly when their raw
/// values are equal. Two templates with different segment
/// counts therefore never meet; with the same count, they meet only if every position can:
/// two constants when equal, a constant and a field when the field's encoding can spell the
/// constant, two fields always (conservatively).
fn may_collide(a: &Table, ka: &KeyAttr, b: &Table, kb: &KeyAttr) -> bool {
    let (KeyAttr::Composite(ka), KeyAttr::Composite(kb)) = (ka, kb) else {
        return true;
    };
    ka.segments.len() == kb.segments.len()
        && ka.segments.iter().zip(&kb.segments).all(|pair| match pair {
            (Segment::Const(x), Segment::Const(y)) => x == y,
            (Segment::Const(c), Segment::Field(i)) => can_spell(&b.fields[*i], c),
            (Segment::Field(i), Segment::Const(c)) => can_spell(&a.fields[*i], c),
            (Segment::Field(_), Segment::Field(_)) => true,
        })
}

/// Where a field of one template meets a constant of the other: `` `kind` is `ORDER` ``.
fn spelled(a: &Table, ka: &KeyAttr, b: &Table, kb: &KeyAttr) -> Vec<String> {
    let (KeyAttr::Composite(ka), KeyAttr::Composite(kb)) = (ka, kb) else {
        return Vec::new();
    };
    ka.segments
        .iter()
        .zip(&kb.segments)
        .filter_map(|pair| match pair {
            (Segment::Const(c), Segment::Field(i)) => {
                Some(format!("`{}.{}` is `{c}`", b.names.item, b.fields[*i].name))
            }
            (Segment::Field(i), Segment::Const(c)) => {
                Some(format!("`{}.{}` is `{c}`", a.names.item, a.fields[*i].name))
            }
            _ => None,
        })
        .collect()
}

/// Whether some value of `field` encodes to exactly `text`, as a key part.
fn can_spell(field: &Field, text: &str) -> bool {
    let digits = |width: usize| text.len() == width && text.bytes().all(|b| b.is_ascii_digit());
    match &field.ty {
        FieldType::Scalar(Scalar::Int(int)) => digits(match int {
            IntType::I8 | IntType::U8 => 3,
            IntType::I16 | IntType::U16 => 5,
            IntType::I32 | IntType::U32 => 10,
            IntType::I64 | IntType::U64 => 20,
        }),
        FieldType::Scalar(Scalar::Bool) => text == "0" || text == "1",
        FieldType::Scalar(Scalar::Uuid) => {
            text.len() == 36
                && text
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b) || b == b'-')
        }
        FieldType::Scalar(Scalar::Date | Scalar::DateTime) => text.starts_with(|c: char| c.is_ascii_digit()),
        // Enum parts are checked by name in lowering; a string can spell anything.
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Codec, CompositeKey, FieldOrigin, Span, TableNames};

    fn field(name: &str, ty: FieldType) -> Field {
        Field::new(name, ty, Codec::Native, FieldOrigin::Declared, Span::default()).expect("a field")
    }

    #[test]
    fn a_field_spells_a_constant_only_in_its_own_encoding() {
        let int = field("n", FieldType::Scalar(Scalar::Int(IntType::U16)));
        assert!(can_spell(&int, "01995") && !can_spell(&int, "ORDER") && !can_spell(&int, "1995"));
        let flag = field("b", FieldType::Scalar(Scalar::Bool));
        assert!(can_spell(&flag, "1") && !can_spell(&flag, "true"));
        let id = field("id", FieldType::Scalar(Scalar::Uuid));
        assert!(can_spell(&id, "00000000-0000-0000-0000-000000000007") && !can_spell(&id, "PROFILE"));
        let day = field("d", FieldType::Scalar(Scalar::Date));
        assert!(can_spell(&day, "2024-01-02") && !can_spell(&day, "LINE"));
        assert!(can_spell(&field("s", FieldType::Scalar(Scalar::String)), "ANYTHING"));
    }

    fn entity(fields: Vec<Field>, hash: Vec<Segment>, range: Vec<Segment>) -> Table {
        let composite = |attribute: &str, segments| {
            KeyAttr::Composite(CompositeKey {
                attribute: attribute.to_owned(),
                segments,
                separator: "#".to_owned(),
                encoder: String::new(),
                template: true,
                span: Span::default(),
            })
        };
        Table {
            names: TableNames::default(),
            table_name: "t".to_owned(),
            doc: None,
            patch: true,
            fields,
            hash_key: composite("pk", hash),
            range_key: Some(composite("sk", range)),
            indexes: Vec::new(),
            vector_indexes: Vec::new(),
            ttl: None,
            queries: Vec::new(),
            projections: Vec::new(),
            access_patterns: Vec::new(),
            condition_fields: Vec::new(),
            entity: None,
            span: Span::default(),
        }
    }

    #[test]
    fn keys_collide_only_when_every_segment_can_match() {
        use Segment::{Const, Field as F};
        let c = |s: &str| Const(s.to_owned());
        let id = || field("id", FieldType::Scalar(Scalar::Uuid));
        let n = || field("n", FieldType::Scalar(Scalar::Int(IntType::U32)));
        let s = || field("s", FieldType::Scalar(Scalar::String));
        let order = entity(vec![id(), n()], vec![c("C"), F(0)], vec![c("ORDER"), F(1)]);
        let profile = entity(vec![id()], vec![c("C"), F(0)], vec![c("PROFILE")]);
        let refund = entity(vec![id(), s(), n()], vec![c("C"), F(0)], vec![F(1), F(2)]);
        let numbered = entity(vec![id(), n(), n()], vec![c("C"), F(0)], vec![F(1), F(2)]);
        let collide = |a: &Table, b: &Table| {
            may_collide(a, &a.hash_key, b, &b.hash_key)
                && may_collide(
                    a,
                    a.range_key.as_ref().expect("sk"),
                    b,
                    b.range_key.as_ref().expect("sk"),
                )
        };
        assert!(!collide(&order, &profile), "one segment against two");
        assert!(collide(&order, &refund), "a string part can spell ORDER");
        assert!(!collide(&order, &numbered), "a u32 part is ten digits, never ORDER");
        assert_eq!(
            spelled(
                &order,
                order.range_key.as_ref().expect("sk"),
                &refund,
                refund.range_key.as_ref().expect("sk")
            ),
            vec!["`.s` is `ORDER`".to_owned()]
        );
    }
}
