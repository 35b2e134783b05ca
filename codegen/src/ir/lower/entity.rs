//! One entity of a single table: its fields, audit columns and version as a table of its own,
//! and its `keys:` templates parsed into composites of checked key parts.

use heck::ToUpperCamelCase;

use super::entities::{Shape, TEMPLATE_SEPARATOR, encoder_name, list};
use super::report::Report;
use super::{RESERVED_TYPE_NAMES, Structure, is_upper_camel};
use crate::diagnostic::did_you_mean;
use crate::ir::{CompositeKey, EntityOf, Field, Index, IndexKind, KeyAttr, ProjectionKind, Segment, Table, TableNames};
use crate::schema::YamlPath;
use crate::schema::model::EntityDef;

impl Structure<'_> {
    pub(super) fn entity(&mut self, name: &str, def: &EntityDef, shape: &Shape<'_>, path: &YamlPath) -> Option<Table> {
        if !is_upper_camel(name) {
            self.error_key(
                path,
                format!("entity name `{name}` is not UpperCamelCase"),
                format!("write `{}`", name.to_upper_camel_case()),
            );
            return None;
        }
        if RESERVED_TYPE_NAMES.contains(&name) {
            self.error_key(
                path,
                format!("entity name `{name}` would clash with a name in generated code"),
                format!("choose another name, such as `{name}Item`"),
            );
            return None;
        }
        let mut fields = self.field_list(&def.fields, &path.child("fields"), &format!("entity `{name}`"));
        self.refuse_unique(
            &fields,
            &path.child("fields"),
            "a single table keeps no sentinel items (its keys are the entities' templates); keep unique values in a plain table",
        );
        let names: Vec<String> = def.fields.keys().cloned().collect();
        self.managed_columns(def.audit.as_ref(), def.version.as_ref(), &mut fields, path);
        for field in &fields {
            let fpath = path.child("fields").child(&field.name);
            if field.attribute == shape.discriminator {
                self.error_key(
                    &fpath,
                    format!("attribute `{}` is the table's discriminator", field.attribute),
                    "give the field another `attribute:`, or set `discriminator:` on the table",
                );
            } else if shape.key_attributes.contains(&field.attribute) {
                self.error_key(
                    &fpath,
                    format!("attribute `{}` is a key attribute of the table", field.attribute),
                    "key attributes are built from `keys:` templates: give the field another `attribute:`",
                );
            }
        }
        let ttl = self.ttl(def.ttl.as_ref(), &fields, &names, path)?;
        let kpath = path.child("keys");
        for (attribute, _) in &def.keys {
            if shape.typed_attributes.contains(attribute) {
                self.error_key(
                    &kpath.child(attribute),
                    format!("`{attribute}` is an attribute of a multi-attribute index key: no template builds it"),
                    format!("remove it from `keys:`; a field stored as `{attribute}` puts the entity in the index"),
                );
                continue;
            }
            if !shape.key_attributes.contains(attribute) {
                let help = match did_you_mean(attribute, shape.key_attributes.iter().map(String::as_str)) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!("the table's key attributes are {}", list(shape.key_attributes)),
                };
                self.error_key(
                    &kpath.child(attribute),
                    format!("`{attribute}` is not a key attribute of table `{}`", shape.table_name),
                    help,
                );
            }
        }
        let template = |cx: &mut Self, fields: &mut [Field], attribute: &str, required: bool| -> Option<KeyAttr> {
            match def.keys.get(attribute) {
                Some(text) => cx.template(attribute, text, fields, &names, &kpath.child(attribute)),
                None => {
                    if required {
                        cx.error_key(
                            &kpath,
                            format!("entity `{name}` has no template for key attribute `{attribute}`"),
                            format!("add `{attribute}: \"{}#{{...}}\"` under `keys:`", name.to_uppercase()),
                        );
                    }
                    None
                }
            }
        };
        let hash_key = template(self, &mut fields, shape.hash_key, true);
        let range_key = shape
            .range_key
            .and_then(|range| template(self, &mut fields, range, true));
        let (hash_key, range_key) = match (hash_key, shape.range_key, range_key) {
            (Some(hash), Some(_), Some(range)) => (hash, Some(range)),
            (Some(hash), None, _) => (hash, None),
            _ => return None,
        };
        let mut indexes = Vec::new();
        for index in shape.indexes {
            if let Some(typed) = &index.typed {
                // In the index when the entity stores every attribute of the key as a field.
                let find = |attribute: &String| fields.iter().position(|f| &f.attribute == attribute);
                let (hash, range): (Vec<Option<usize>>, Vec<Option<usize>>) = (
                    typed.hash.iter().map(find).collect(),
                    typed.range.iter().map(find).collect(),
                );
                let (Some(hash), Some(range)) = (
                    hash.into_iter().collect::<Option<Vec<usize>>>(),
                    range.into_iter().collect::<Option<Vec<usize>>>(),
                ) else {
                    continue;
                };
                let mut ok = true;
                for &i in hash.iter().chain(&range) {
                    if fields[i].key_type.is_none() {
                        ok = false;
                        self.error_key(
                            &path.child("fields").child(&fields[i].name),
                            format!(
                                "field `{}` is a key of index `{}` but not a string, number or bytes field",
                                fields[i].name, index.name
                            ),
                            "DynamoDB keys are S, N or B: key by a string, integer, uuid, date, enum or bytes field",
                        );
                    }
                }
                if !ok {
                    continue;
                }
                let key = |parts: Vec<usize>| match parts.as_slice() {
                    [one] => KeyAttr::Field(*one),
                    _ => KeyAttr::Fields(parts),
                };
                indexes.push(Index {
                    name: index.name.clone(),
                    kind: index.kind,
                    hash_key: key(hash),
                    range_key: (!range.is_empty()).then(|| key(range)),
                    projection: ProjectionKind::All,
                    include: Vec::new(),
                    projection_type: None,
                    span: self.span(path),
                });
                continue;
            }
            let has_hash = index.kind == IndexKind::Global && def.keys.contains_key(&index.hash_key);
            let has_range = index.range_key.as_ref().is_some_and(|r| def.keys.contains_key(r));
            let wanted = match index.kind {
                IndexKind::Global => has_hash || has_range,
                IndexKind::Local => has_range,
            };
            if !wanted {
                continue; // not in this index: a sparse index
            }
            let hash = match index.kind {
                IndexKind::Global => template(self, &mut fields, &index.hash_key, true),
                IndexKind::Local => Some(hash_key.clone()),
            };
            let range = match &index.range_key {
                Some(range) => match template(self, &mut fields, range, true) {
                    Some(key) => Some(key),
                    None => continue,
                },
                None => None,
            };
            let Some(hash) = hash else { continue };
            indexes.push(Index {
                name: index.name.clone(),
                kind: index.kind,
                hash_key: hash,
                range_key: range,
                projection: ProjectionKind::All,
                include: Vec::new(),
                projection_type: None,
                span: self.span(&kpath),
            });
        }
        Some(Table {
            names: TableNames {
                item: name.to_owned(),
                ..TableNames::default()
            },
            table_name: shape.table_name.to_owned(),
            doc: def.doc.clone(),
            patch: def.patch,
            fields,
            hash_key,
            range_key,
            indexes,
            vector_indexes: Vec::new(),
            ttl,
            queries: Vec::new(),
            projections: Vec::new(),
            access_patterns: Vec::new(),
            condition_fields: Vec::new(),
            entity: Some(EntityOf {
                table_module: String::new(),
                discriminator: shape.discriminator.to_owned(),
                value: name.to_owned(),
            }),
            span: self.span(path),
        })
    }

    /// Parses one key template into a composite whose fields are checked key parts.
    fn template(
        &mut self,
        attribute: &str,
        text: &str,
        fields: &mut [Field],
        names: &[String],
        path: &YamlPath,
    ) -> Option<KeyAttr> {
        let mut segments = Vec::new();
        let mut ok = true;
        for segment in text.split(TEMPLATE_SEPARATOR) {
            // `{a}{b}` is two placeholders in one segment: a mixed segment, below.
            let placeholder = segment
                .strip_prefix('{')
                .and_then(|s| s.strip_suffix('}'))
                .filter(|inner| !inner.trim_matches(['{', '}']).contains(['{', '}']));
            if let Some(inner) = placeholder {
                // One field name, nothing else: not `{}`, `{ id }` or `{{id}}`.
                let bare = inner.trim_matches(|c: char| c == '{' || c == '}' || c.is_whitespace());
                if bare != inner || bare.is_empty() {
                    let help = if names.iter().any(|n| n == bare) {
                        format!("write `{{{bare}}}`")
                    } else {
                        let first = names.first().map_or("field", String::as_str);
                        format!("write one field of the entity in braces, such as `{{{first}}}`")
                    };
                    self.error(
                        path,
                        format!("placeholder `{segment}` of template `{text}` is not a field name in braces"),
                        help,
                    );
                    ok = false;
                    continue;
                }
                let Some(i) = self.find_field(inner, fields, names, path) else {
                    ok = false;
                    continue;
                };
                if segments.contains(&Segment::Field(i)) {
                    self.error(
                        path,
                        format!("`{{{inner}}}` appears twice in template `{text}`"),
                        "a field fills one segment of a template",
                    );
                    ok = false;
                    continue;
                }
                if fields[i].origin != crate::ir::FieldOrigin::Declared {
                    self.error(
                        path,
                        format!(
                            "`{inner}` is managed by ddbgen (set on writes, never given): it cannot be part of a key"
                        ),
                        "build key templates from fields declared under `fields:`",
                    );
                    ok = false;
                    continue;
                }
                self.check_part(&fields[i], path);
                super::keys::mark_part(&mut fields[i]);
                segments.push(Segment::Field(i));
            } else if segment.contains(['{', '}']) {
                // `CUSTOMER{id}` → `CUSTOMER#{id}`, where the braces pair up; otherwise the rule.
                let (open, close) = (segment.find('{'), segment.rfind('}'));
                let help = match (open, close) {
                    (Some(open), Some(close)) if open < close => format!(
                        "a placeholder fills a whole segment between `{TEMPLATE_SEPARATOR}`s: write `{}`",
                        segment
                            .replace('{', &format!("{TEMPLATE_SEPARATOR}{{"))
                            .replace('}', &format!("}}{TEMPLATE_SEPARATOR}"))
                            .split(TEMPLATE_SEPARATOR)
                            .filter(|s| !s.is_empty())
                            .collect::<Vec<_>>()
                            .join(TEMPLATE_SEPARATOR)
                    ),
                    _ => format!(
                        "a placeholder is a field in braces filling a whole segment between `{TEMPLATE_SEPARATOR}`s, such as `CUSTOMER{TEMPLATE_SEPARATOR}{{id}}`"
                    ),
                };
                self.error(
                    path,
                    format!("segment `{segment}` of template `{text}` mixes a placeholder with text"),
                    help,
                );
                ok = false;
            } else if segment.is_empty() {
                self.error(
                    path,
                    format!("template `{text}` has an empty segment"),
                    format!("separate constants and `{{field}}` placeholders by one `{TEMPLATE_SEPARATOR}`"),
                );
                ok = false;
            } else {
                segments.push(Segment::Const(segment.to_owned()));
            }
        }
        ok.then(|| {
            KeyAttr::Composite(CompositeKey {
                attribute: attribute.to_owned(),
                segments,
                separator: TEMPLATE_SEPARATOR.to_owned(),
                encoder: encoder_name(attribute),
                template: true,
                span: self.span(path),
            })
        })
    }
}
