//! Planning the reads of a table: its query and one per index, each with its levels of
//! narrowing by the sort key (the typed query builders), and its vector searches.

use heck::ToUpperCamelCase;

use super::Naming;
use super::plan::{QUERY_METHODS, RENAME_FIELD};
use super::report::Report;
use crate::ir::names::{Scope, escape, snake};
use crate::ir::{
    Comparison, CompositeKey, FieldOrigin, FieldType, Index, Projection, ProjectionKind, QueryLevel, QueryPlan, Rules,
    Scalar, SortPlan, Table,
};

impl Naming<'_> {
    /// The table's query and one per index, with their levels of narrowing.
    pub(super) fn plan_queries(&mut self, table: &mut Table, items: &mut Scope, methods: &mut Scope) {
        let mut plans = Vec::new();
        let targets = std::iter::once(None).chain((0..table.indexes.len()).map(Some));
        for index in targets {
            let (method, span, prefix, hash, item, what) = match index {
                None => (
                    "query".to_owned(),
                    table.span,
                    format!("{}Query", table.names.item),
                    table.hash_key.clone(),
                    table.names.item.clone(),
                    "the table's query".to_owned(),
                ),
                Some(i) => {
                    let index: &Index = &table.indexes[i];
                    let item = match &index.projection_type {
                        Some(projection) => projection.name.clone(),
                        None if index.projection == ProjectionKind::All => table.names.item.clone(),
                        None => continue, // its projection type was refused
                    };
                    (
                        format!("query_{}", snake(&index.name)),
                        index.span,
                        format!("{}{}Query", table.names.item, index.name.to_upper_camel_case()),
                        index.hash_key.clone(),
                        item,
                        format!("the query of index `{}`", index.name),
                    )
                }
            };
            let Some(method) = escape(&method) else { continue };
            if let Err(clash) = methods.claim(&method, what.clone(), Some(span)) {
                self.clash(span, &clash, "rename one of the indexes");
                continue;
            }
            let sort = self.sort_plan(table, index, &prefix, items);
            plans.push(QueryPlan {
                method,
                index,
                hash,
                item,
                sort,
            });
        }
        table.queries = plans;
    }

    /// The `search_<index>` method of each vector index, and the hit type it reads: the
    /// item's fields without the vector, which DynamoDB leaves out of search results.
    pub(super) fn plan_searches(&mut self, table: &mut Table, items: &mut Scope, methods: &mut Scope) {
        let item = table.names.item.clone();
        for index in &mut table.vector_indexes {
            let Some(method) = escape(&format!("search_{}", snake(&index.name))) else {
                continue;
            };
            let what = format!("the search of vector index `{}`", index.name);
            match methods.claim(&method, what, Some(index.span)) {
                Ok(()) => index.method = method,
                Err(clash) => self.clash(index.span, &clash, "rename the index"),
            }
            let name = format!("{item}{}Hit", index.name.to_upper_camel_case());
            let what = format!("the search results of vector index `{}`", index.name);
            if let Err(clash) = items.claim(&name, what, Some(index.span)) {
                self.clash(index.span, &clash, "rename the index");
                continue;
            }
            let fields = table
                .fields
                .iter()
                .enumerate()
                .filter(|(i, f)| *i != index.field && f.origin != FieldOrigin::CompositeKey)
                .map(|(_, f)| {
                    // A hit is read, never written or checked.
                    let mut field = f.clone();
                    field.check_fn = None;
                    field.updates = Vec::new();
                    field.rules = Rules::default();
                    field
                })
                .collect();
            index.hit = Some(Projection { name, fields });
        }
    }

    fn sort_plan(&mut self, table: &Table, index: Option<usize>, prefix: &str, items: &mut Scope) -> Option<SortPlan> {
        let key = match index {
            Some(i) => table.indexes[i].range_key.as_ref()?,
            None => table.range_key.as_ref()?,
        };
        // A multi-attribute sort key narrows attribute by attribute: each level is its own
        // attribute, with equality and every range.
        let multi = key.is_multi_attribute();
        let attribute = key.attributes(&table.fields)[0].to_owned();
        let parts = key.fields();
        let composite = key.composite();
        let separator = composite.map(|c| c.separator.clone());
        let mut levels = Vec::new();
        for (k, &part) in parts.iter().enumerate() {
            let fixed: String = parts[..k]
                .iter()
                .map(|i| table.fields[*i].name.to_upper_camel_case())
                .collect();
            let type_name = format!("{prefix}{fixed}");
            let span = table.fields[part].span;
            if let Err(clash) = items.claim(&type_name, format!("a query level of `{prefix}`"), Some(span)) {
                self.clash(span, &clash, RENAME_FIELD);
                return None;
            }
            let field = &table.fields[part];
            let mut scope = Scope::with_fixed(format!("the query `{type_name}`"), QUERY_METHODS);
            let why = format!("key part `{}`", field.name);
            if let Err(clash) = scope.claim(&field.ident, why.clone(), Some(span)) {
                self.clash(span, &clash, RENAME_FIELD);
                return None;
            }
            let mut comparisons = Vec::new();
            if k == 0 || multi {
                let mut kinds = vec![
                    Comparison::Between,
                    Comparison::Gt,
                    Comparison::Ge,
                    Comparison::Lt,
                    Comparison::Le,
                ];
                if separator.is_none() && field.ty == FieldType::Scalar(Scalar::String) {
                    kinds.push(Comparison::BeginsWith);
                }
                for kind in kinds {
                    let method = format!("{}_{}", field.method_stem(), kind.suffix());
                    if let Err(clash) = scope.claim(&method, why.clone(), Some(span)) {
                        self.clash(span, &clash, RENAME_FIELD);
                        return None;
                    }
                    comparisons.push((kind, method));
                }
            }
            levels.push(QueryLevel {
                type_name,
                part,
                eq_method: field.ident.clone(),
                comparisons,
                trailing: composite.map(|c| c.after_part(k)).unwrap_or_default(),
                lt_filter: None,
                attribute: multi.then(|| field.attribute.clone()),
            });
        }
        let leading = composite.map(CompositeKey::leading).unwrap_or_default();
        // `lt` after leading constants is a BETWEEN from them to the key of `value`, which
        // includes that key when nothing follows the part: a filter leaves its item out.
        if let [level] = levels.as_mut_slice()
            && !leading.is_empty()
            && level.trailing.is_empty()
        {
            level.lt_filter = Some(level.part);
        }
        Some(SortPlan {
            attribute,
            separator,
            leading,
            levels,
        })
    }
}
