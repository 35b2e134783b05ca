//! Access patterns: each declared read is proven to be served by the table's key or an index
//! (its hash key given, then leading sort-key parts, then at most one range condition on the
//! next part), or is a declared scan. A pattern no key serves is refused, naming the index that
//! would serve it.

use super::Naming;
use super::report::Report;
use crate::ir::names::{Scope, escape, snake};
use crate::ir::{AccessPattern, Comparison, KeyAttr, PatternComparison, QueryPlan, Table};
use crate::schema::YamlPath;
use crate::schema::model::{AccessPatternDef, PatternCondition, PatternOrder};

fn comparison(condition: PatternCondition) -> Comparison {
    match condition {
        PatternCondition::Between => Comparison::Between,
        PatternCondition::Gt => Comparison::Gt,
        PatternCondition::Ge => Comparison::Ge,
        PatternCondition::Lt => Comparison::Lt,
        PatternCondition::Le => Comparison::Le,
        PatternCondition::BeginsWith => Comparison::BeginsWith,
    }
}

/// Whether an index has a multi-attribute partition or sort key.
fn is_multi_attribute(index: &crate::ir::Index) -> bool {
    index.hash_key.is_multi_attribute() || index.range_key.as_ref().is_some_and(KeyAttr::is_multi_attribute)
}

/// How `plan` serves `given` (field indexes) and `sort`: the fields in the order the query
/// takes them (the hash key's, then sort-key parts), and the level method of the range
/// condition. A hash key is one field, or an entity's template of any number of fields (none
/// for a constant partition).
fn serves(
    plan: &QueryPlan,
    given: &[usize],
    sort: Option<(usize, Comparison)>,
) -> Option<(Vec<usize>, Option<String>)> {
    let hash = plan.hash.fields();
    if !hash.iter().all(|h| given.contains(h)) {
        return None;
    }
    let parts: Vec<usize> = plan
        .sort
        .as_ref()
        .map(|s| s.levels.iter().map(|l| l.part).collect())
        .unwrap_or_default();
    let rest: Vec<usize> = given.iter().copied().filter(|f| !hash.contains(f)).collect();
    if rest.len() > parts.len() || !parts[..rest.len()].iter().all(|p| rest.contains(p)) {
        return None;
    }
    let mut order = hash;
    order.extend(&parts[..rest.len()]);
    let Some((field, kind)) = sort else {
        return Some((order, None));
    };
    // Range conditions exist on the first part of a composite sort key, and on every attribute
    // of a multi-attribute one (see `sort_plan`).
    let level = plan.sort.as_ref()?.levels.get(rest.len())?;
    if level.part != field {
        return None;
    }
    let method = level.comparisons.iter().find(|(k, _)| *k == kind)?.1.clone();
    Some((order, Some(method)))
}

impl Naming<'_> {
    /// Resolves the access patterns of `table` and claims their method names.
    /// The hash and sort attributes of the first global index of the single table that holds
    /// entity `entity`, as the schema spells them; `gsi1pk` and `gsi1sk` when it has none yet.
    fn index_attributes(&self, entity: &str) -> (String, String) {
        let index = self
            .file
            .document
            .tables
            .values()
            .filter(|def| def.entities.contains_key(entity))
            .flat_map(|def| def.indexes.values())
            .find(|index| matches!(index.kind, crate::schema::model::IndexKind::Global));
        (
            index
                .and_then(|i| i.hash_key.as_ref()?.single().map(str::to_owned))
                .unwrap_or_else(|| "gsi1pk".to_owned()),
            index
                .and_then(|i| i.range_key.as_ref()?.single().map(str::to_owned))
                .unwrap_or_else(|| "gsi1sk".to_owned()),
        )
    }

    pub(super) fn plan_patterns(&mut self, table: &mut Table, methods: &mut Scope) {
        let Some(declared) = self.declared(table) else {
            return;
        };
        let names: Vec<String> = declared.fields.keys().cloned().collect();
        let path = declared.path.child("access_patterns");
        let mut patterns = Vec::new();
        for (name, pattern) in declared.access_patterns {
            let path = path.child(name);
            if let Some(p) = self.pattern(table, name, pattern, &names, &path, methods) {
                patterns.push(p);
            }
        }
        table.access_patterns = patterns;
    }

    fn pattern(
        &mut self,
        table: &Table,
        name: &str,
        def: &AccessPatternDef,
        names: &[String],
        path: &YamlPath,
        methods: &mut Scope,
    ) -> Option<AccessPattern> {
        let span = self.span(path);
        if snake(name) != name {
            self.error_key(
                path,
                format!("access pattern `{name}` is not snake_case"),
                format!("write `{}`", snake(name)),
            );
            return None;
        }
        let Some(method) = escape(name) else {
            self.error_key(
                path,
                format!("access pattern `{name}` cannot be a Rust method name"),
                "choose another name, such as `books_of_publisher`",
            );
            return None;
        };
        let mut given = Vec::new();
        for (i, field) in def.given.iter().enumerate() {
            given.push(self.find_field(field, &table.fields, names, &path.child("given").child(i))?);
        }
        let sort = match &def.sort {
            Some(sort) => Some((
                self.find_field(&sort.field, &table.fields, names, &path.child("sort").child("field"))?,
                comparison(sort.condition),
            )),
            None => None,
        };
        let reverse = def.order == Some(PatternOrder::Desc);
        if let Err(clash) = methods.claim(&method, format!("access pattern `{name}`"), Some(span)) {
            self.clash(span, &clash, "rename the access pattern");
            return None;
        }
        if def.scan {
            if !given.is_empty() || sort.is_some() {
                self.error(
                    &path.child("scan"),
                    format!("access pattern `{name}` is a scan but is given keys"),
                    "a scan reads the whole table: remove `given` and `sort`, or remove `scan: true`",
                );
                return None;
            }
            return Some(AccessPattern {
                method,
                doc: def.doc.clone(),
                query: None,
                hash_params: 0,
                given: Vec::new(),
                comparison: None,
                reverse: false,
                span,
            });
        }
        // The table's own key first; then an index with a multi-attribute key (typed
        // attributes, nothing to encode or backfill) before one with a composite string key.
        let rank = |plan: &QueryPlan| match plan.index {
            None => 0,
            Some(i) if is_multi_attribute(&table.indexes[i]) => 1,
            Some(_) => 2,
        };
        let served = table
            .queries
            .iter()
            .enumerate()
            .filter_map(|(q, plan)| serves(plan, &given, sort).map(|(order, cmp)| (rank(plan), q, order, cmp)))
            .min_by_key(|(rank, q, ..)| (*rank, *q))
            .map(|(_, q, order, cmp)| (q, order, cmp));
        if given.is_empty() && served.is_none() {
            self.error_key(
                path,
                format!("access pattern `{name}` is given no key: it would be a scan"),
                "list the fields it is given under `given:`, or say `scan: true` if a scan is meant",
            );
            return None;
        }
        let Some((query, order, cmp)) = served else {
            let field = |i: usize| table.fields[i].name.clone();
            let hash = field(given[0]);
            let range = sort.map(|(f, _)| field(f)).or_else(|| given.get(1).map(|f| field(*f)));
            // A multi-attribute key serves every given field by equality and the sorted one
            // after them: the given fields partition it, or the first does and the rest sort.
            let list = |fields: &[usize]| match fields {
                [one] => field(*one),
                many => format!("[{}]", many.iter().map(|f| field(*f)).collect::<Vec<_>>().join(", ")),
            };
            let (hash_key, range_key) = match sort {
                Some((f, _)) => (list(&given), Some(field(f))),
                None if given.len() > 1 => (field(given[0]), Some(list(&given[1..]))),
                None => (field(given[0]), None),
            };
            let index = match &range_key {
                Some(range) => format!("`by_{hash}: {{ kind: global, hash_key: {hash_key}, range_key: {range} }}`"),
                None => format!("`by_{hash}: {{ kind: global, hash_key: {hash_key} }}`"),
            };
            let wanted: Vec<String> = given.iter().map(|f| field(*f)).collect();
            let item = &table.names.item;
            let (what, help) = match &table.entity {
                None => (
                    format!("table `{item}`"),
                    format!("add the index that would serve it: {index}"),
                ),
                Some(_) => {
                    let upper = hash.to_uppercase();
                    // The table's own index attributes, as it spells them (`GSI1PK`).
                    let (index_hash, index_range) = self.index_attributes(item);
                    let range = range
                        .map(|r| format!(", {index_range}: \"{{{r}}}\""))
                        .unwrap_or_default();
                    (
                        format!("entity `{item}`"),
                        format!(
                            "fill an index of the table from these fields under `{item}`'s `keys:`, for example `{index_hash}: \"{upper}#{{{hash}}}\"{range}`"
                        ),
                    )
                }
            };
            self.error_key(
                path,
                format!(
                    "no key of {what} serves access pattern `{name}` (given {}{})",
                    wanted.join(", "),
                    sort.map(|(f, k)| format!(", {} {}", field(f), k.suffix()))
                        .unwrap_or_default()
                ),
                help,
            );
            return None;
        };
        // Parameter names: the given fields' identifiers, then the range bounds.
        let mut params = Scope::new(format!("the parameters of `{method}`"));
        let mut given_params = Vec::new();
        for f in order {
            let ident = table.fields[f].ident.clone();
            let _ = params.claim(&ident, "a given field", None);
            given_params.push((f, ident));
        }
        let comparison = match (sort, cmp) {
            (Some((part, kind)), Some(level_method)) => {
                let stem = table.fields[part].method_stem().to_owned();
                let wanted: Vec<String> = if kind == Comparison::Between {
                    vec![format!("{stem}_from"), format!("{stem}_to")]
                } else {
                    vec![table.fields[part].ident.clone()]
                };
                for param in &wanted {
                    if let Err(clash) = params.claim(param, "a range bound", None) {
                        self.clash(span, &clash, "rename the field in Rust");
                        return None;
                    }
                }
                Some(PatternComparison {
                    kind,
                    part,
                    method: level_method,
                    params: wanted,
                })
            }
            _ => None,
        };
        Some(AccessPattern {
            method,
            doc: def.doc.clone(),
            query: Some(query),
            hash_params: table.queries[query].hash.fields().len(),
            given: given_params,
            comparison,
            reverse,
            span,
        })
    }
}
