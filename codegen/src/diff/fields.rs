//! Changes of fields, their rules and named types: whether stored items still read back and
//! validate.

use std::cmp::Ordering;

use super::{Differ, Say, Severity};
use crate::diagnostic::Pos;
use crate::docs::type_text;
use crate::ir::{Field, FieldOrigin, Literal, NamedKind, NamedType, Rules};

impl Differ<'_> {
    /// Fields are matched by name, then by stored attribute (a field renamed in Rust that
    /// keeps its attribute is the same stored data). `keys` are the stored attributes that are
    /// a table key on their own, whose stored form the key diff judges.
    pub(super) fn fields(&mut self, path: &str, old: &[&Field], new: &[&Field], parent: Option<Pos>, keys: &[&str]) {
        let counterpart = |a: &Field, others: &[&Field], mine: &[&Field]| -> Option<usize> {
            others.iter().position(|b| b.name == a.name).or_else(|| {
                others
                    .iter()
                    .position(|b| b.attribute == a.attribute && !mine.iter().any(|m| m.name == b.name))
            })
        };
        for a in old {
            let field_path = format!("{path}.{}", a.name);
            match counterpart(a, new, old).map(|i| new[i]) {
                Some(b) => self.field(&field_path, a, b, keys.contains(&a.attribute.as_str())),
                None => self.add(
                    field_path,
                    Some(a.span),
                    parent,
                    Say {
                        severity: Severity::Breaking,
                        message: format!("field `{}` (attribute `{}`) removed", a.name, a.attribute),
                        why: "stored items still hold the attribute; a replace or upsert now writes them back without it, losing it silently",
                        instead: "keep the field, as `optional: true`, until the stored data no longer holds it",
                    },
                ),
            }
        }
        for b in new {
            if counterpart(b, old, new).is_some() {
                continue;
            }
            let say = if b.optional {
                Say {
                    severity: Severity::Safe,
                    message: format!("optional field `{}` added", b.name),
                    why: "",
                    instead: "",
                }
            } else if b.origin != FieldOrigin::Declared {
                Say {
                    severity: Severity::Breaking,
                    message: format!("managed attribute `{}` added (`audit:` or `version:`)", b.attribute),
                    why: "stored items do not have the attribute, and reading an item without it is an error",
                    instead: "backfill the attribute on every stored item (audit times, or version 1) with a typed migration (docs/migrations.md) before deploying",
                }
            } else {
                Say {
                    severity: Severity::Breaking,
                    message: format!("required field `{}` added", b.name),
                    why: "stored items do not have the attribute, and reading an item without a required attribute is an error (a default applies to new items only)",
                    instead: "add it with `optional: true`, backfill the stored items with a typed migration (docs/migrations.md), then make it required",
                }
            };
            self.add(format!("{path}.{}", b.name), None, Some(b.span), say);
        }
    }

    /// One field in both versions; `key`: it is a table key on its own, whose attribute and
    /// type the key diff judges.
    pub(super) fn field(&mut self, path: &str, a: &Field, b: &Field, key: bool) {
        let (old, new) = (Some(a.span), Some(b.span));
        if a.name != b.name {
            self.add(
                path.to_owned(),
                old,
                new,
                Say {
                    severity: Severity::Safe,
                    message: format!(
                        "field renamed from `{}` to `{}` in the generated code; the stored attribute `{}` is the same",
                        a.name, b.name, b.attribute
                    ),
                    why: "",
                    instead: "",
                },
            );
        }
        if key {
            self.rules(path, a, b);
            self.docs(path, a, b);
            return;
        }
        if a.attribute != b.attribute {
            self.add(
                path.to_owned(),
                old,
                new,
                Say {
                    severity: Severity::Breaking,
                    message: format!("stored attribute renamed from `{}` to `{}`", a.attribute, b.attribute),
                    why: "stored items hold the old attribute; reads look for the new one",
                    instead: "keep `attribute:` at the old name (the Rust name may change freely)",
                },
            );
        }
        if a.vector != b.vector {
            let dims = |v: Option<u32>| v.map_or_else(|| "not a vector".to_owned(), |n| format!("vector<{n}>"));
            self.add(
                path.to_owned(),
                old,
                new,
                Say {
                    severity: Severity::Breaking,
                    message: format!("changed from {} to {}", dims(a.vector), dims(b.vector)),
                    why: "stored vectors keep their length, which no longer checks, and a vector index keeps its dimensions",
                    instead: "add a new vector field (and index) with the new dimensions, backfill it with new embeddings, and remove the old one later",
                },
            );
        } else if a.ty != b.ty || a.codec != b.codec {
            let (ta, tb) = (type_text(&a.ty, a.codec), type_text(&b.ty, b.codec));
            self.add(
                path.to_owned(),
                old,
                new,
                Say {
                    severity: Severity::Breaking,
                    message: format!("type changed from {ta} to {tb}"),
                    why: "stored values keep the old type and encoding, and no longer read back",
                    instead: "add a new field with the new type, backfill it with a typed migration (docs/migrations.md), and remove the old one later",
                },
            );
        }
        match (a.optional, b.optional) {
            (true, false) => self.add(
                path.to_owned(),
                old,
                new,
                Say {
                    severity: Severity::Breaking,
                    message: "an optional field became required".to_owned(),
                    why: "stored items without the attribute no longer read back",
                    instead: "backfill every stored item first with a typed migration (docs/migrations.md), then make it required",
                },
            ),
            (false, true) => self.add(
                path.to_owned(),
                old,
                new,
                Say {
                    severity: Severity::Safe,
                    message: "a required field became optional".to_owned(),
                    why: "",
                    instead: "",
                },
            ),
            _ => {}
        }
        match (a.unique, b.unique) {
            (false, true) => self.add(
                path.to_owned(),
                old,
                new,
                Say {
                    severity: Severity::Risky,
                    message: "the field became unique".to_owned(),
                    why: "stored items have no sentinel for their values: a new item may take a value a stored one holds, and two stored items may already share one",
                    instead: "before relying on it, find duplicates, then write each stored value's sentinel with a one-off scan (docs/failure-semantics.md, \"Unique values\"): a write that keeps a value leaves its sentinel as it is",
                },
            ),
            (true, false) => self.add(
                path.to_owned(),
                old,
                new,
                Say {
                    severity: Severity::Safe,
                    message: "the field is no longer unique".to_owned(),
                    why: "its sentinel items stay in the table until deleted; scans keep leaving them out",
                    instead: "",
                },
            ),
            _ => {}
        }
        if a.nullable != b.nullable {
            self.add(
                path.to_owned(),
                old,
                new,
                Say {
                    severity: Severity::Risky,
                    message: format!("`nullable` changed from {} to {}", a.nullable, b.nullable),
                    why: "items written before store absence differently (NULL or no attribute)",
                    instead: "",
                },
            );
        }
        self.rules(path, a, b);
        self.docs(path, a, b);
    }

    /// Documentation and default changes: they change no stored item.
    fn docs(&mut self, path: &str, a: &Field, b: &Field) {
        for (changed, message) in [
            (a.doc != b.doc, "documentation changed"),
            (a.default != b.default, "default changed (for new items only)"),
        ] {
            if changed {
                self.add(
                    path.to_owned(),
                    Some(a.span),
                    Some(b.span),
                    Say {
                        severity: Severity::Safe,
                        message: message.to_owned(),
                        why: "",
                        instead: "",
                    },
                );
            }
        }
    }

    pub(super) fn rules(&mut self, path: &str, a: &Field, b: &Field) {
        let changes = rule_changes(&a.rules, &b.rules);
        for (tightened, what) in changes {
            let say = if tightened {
                Say {
                    severity: Severity::Risky,
                    message: format!("rule tightened: {what}"),
                    why: "stored items may no longer validate: a replace of such an item fails until it is fixed",
                    instead: "check the stored items against the new rule first (a scan with a filter), or fix them",
                }
            } else {
                Say {
                    severity: Severity::Safe,
                    message: format!("rule loosened: {what}"),
                    why: "",
                    instead: "",
                }
            };
            self.add(path.to_owned(), Some(a.span), Some(b.span), say);
        }
    }

    pub(super) fn named_type(&mut self, path: &str, old: &NamedType, new: &NamedType) {
        match (&old.kind, &new.kind) {
            (NamedKind::Enum(a), NamedKind::Enum(b)) => {
                for variant in a {
                    if !b.iter().any(|v| v.value == variant.value) {
                        self.add(
                            format!("{path}.enum"),
                            Some(variant.span),
                            Some(new.span),
                            Say {
                                severity: Severity::Breaking,
                                message: format!("enum value `{}` removed", variant.value),
                                why: "stored items holding the value no longer read back",
                                instead: "keep the value until no stored item holds it (a scan with a filter finds them)",
                            },
                        );
                    }
                }
                for variant in b {
                    if !a.iter().any(|v| v.value == variant.value) {
                        self.add(
                            format!("{path}.enum"),
                            None,
                            Some(variant.span),
                            Say {
                                severity: Severity::Safe,
                                message: format!("enum value `{}` added", variant.value),
                                why: "",
                                instead: "",
                            },
                        );
                    }
                }
            }
            (NamedKind::Object(a), NamedKind::Object(b)) => {
                let (a, b): (Vec<&Field>, Vec<&Field>) = (a.iter().collect(), b.iter().collect());
                self.fields(&format!("{path}.fields"), &a, &b, Some(new.span), &[]);
            }
            _ => self.add(
                path.to_owned(),
                Some(old.span),
                Some(new.span),
                Say {
                    severity: Severity::Breaking,
                    message: "changed between an enum and an object".to_owned(),
                    why: "stored values keep the old shape",
                    instead: "declare a new type under another name",
                },
            ),
        }
    }
}

/// Compares two literals of one type; `None` when they do not order (strings, mixed kinds).
fn compare(a: &Literal, b: &Literal) -> Option<Ordering> {
    match (a, b) {
        (Literal::Int(a), Literal::Int(b)) => Some(a.cmp(b)),
        (Literal::Float(a), Literal::Float(b)) => a.partial_cmp(b),
        (
            Literal::Decimal {
                mantissa: ma,
                scale: sa,
            },
            Literal::Decimal {
                mantissa: mb,
                scale: sb,
            },
        ) => {
            // Bring both to the larger scale; 28 digits fit an i128 with room to spare.
            let scale = (*sa).max(*sb);
            let widen = |m: i128, s: u32| m.checked_mul(10i128.checked_pow(scale - s)?);
            Some(widen(*ma, *sa)?.cmp(&widen(*mb, *sb)?))
        }
        _ => None,
    }
}

/// Each rule that changed: (tightened?, what).
fn rule_changes(a: &Rules, b: &Rules) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let show = |l: &Option<Literal>| l.as_ref().map_or("none".to_owned(), Literal::display);
    // A lower bound tightens when it rises (or appears); an upper one when it falls.
    let mut bound = |name: &str, old: &Option<Literal>, new: &Option<Literal>, rising_tightens: bool| {
        let tightened = match (old, new) {
            (None, None) => return,
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some(x), Some(y)) => match compare(x, y) {
                Some(Ordering::Equal) => return,
                Some(Ordering::Less) => rising_tightens,
                Some(Ordering::Greater) => !rising_tightens,
                None if x == y => return,
                None => true,
            },
        };
        out.push((tightened, format!("{name} {} → {}", show(old), show(new))));
    };
    bound("min", &a.min, &b.min, true);
    bound("max", &a.max, &b.max, false);
    let int = |v: Option<u64>| v.map(|n| Literal::Int(i128::from(n)));
    bound("min_length", &int(a.min_length), &int(b.min_length), true);
    bound("max_length", &int(a.max_length), &int(b.max_length), false);
    if a.pattern != b.pattern {
        let tightened = b.pattern.is_some();
        out.push((
            tightened,
            format!(
                "pattern {} → {}",
                a.pattern.as_deref().unwrap_or("none"),
                b.pattern.as_deref().unwrap_or("none")
            ),
        ));
    }
    if a.one_of != b.one_of {
        let widened = !a.one_of.is_empty() && a.one_of.iter().all(|v| b.one_of.contains(v)) || b.one_of.is_empty();
        // An empty list is no rule at all: say `none`, as the other rules do.
        let list = |l: &[Literal]| {
            if l.is_empty() {
                "none".to_owned()
            } else {
                format!("[{}]", l.iter().map(Literal::display).collect::<Vec<_>>().join(", "))
            }
        };
        out.push((!widened, format!("one_of {} → {}", list(&a.one_of), list(&b.one_of))));
    }
    if a.non_empty != b.non_empty {
        out.push((b.non_empty, format!("non_empty {} → {}", a.non_empty, b.non_empty)));
    }
    if a.custom != b.custom {
        out.push((
            b.custom.is_some(),
            format!(
                "custom {} → {}",
                a.custom.as_deref().unwrap_or("none"),
                b.custom.as_deref().unwrap_or("none")
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_tighten_in_their_own_direction() {
        let rules = |min: Option<i128>, max: Option<i128>| Rules {
            min: min.map(Literal::Int),
            max: max.map(Literal::Int),
            ..Rules::default()
        };
        let changes = rule_changes(&rules(Some(1), Some(10)), &rules(Some(2), Some(20)));
        assert_eq!(
            changes,
            [(true, "min 1 → 2".to_owned()), (false, "max 10 → 20".to_owned())]
        );
        let decimal = |m, s| Literal::Decimal { mantissa: m, scale: s };
        assert_eq!(compare(&decimal(150, 2), &decimal(15, 1)), Some(Ordering::Equal));
        assert_eq!(compare(&decimal(151, 2), &decimal(15, 1)), Some(Ordering::Greater));
    }
}
