//! Naming and planning, once the structure of every table is known: the Rust name of every
//! generated module, type, function and method, each claimed in its scope's registry; the
//! update operations each field allows; the query plan of the table and each index; the
//! projection types of indexes that do not hold whole items.

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;

use super::Naming;
use super::keys::managed_field;
use super::report::Report;
use crate::ir::methods::{REPOSITORY_METHODS, UPDATE_METHODS};
use crate::ir::names::{Scope, escape, snake};
use crate::ir::{
    CompositeKey, Field, FieldOrigin, FieldType, KeyAttr, Model, NamedKind, NamedType, Projection, ProjectionKind,
    Rules, Scalar, SingleTable, Table, UpdateMethod, UpdateOp,
};

/// The runtime's fixed method names, each claimed for `why`.
fn runtime_methods(names: &'static [&'static str], why: &'static str) -> Vec<(&'static str, &'static str)> {
    names.iter().map(|name| (*name, why)).collect()
}

/// The methods of a single table's repository besides its collections.
const SINGLE_TABLE_METHODS: &[(&str, &str)] = &[
    ("new", "the repository's constructor"),
    ("with_table_prefix", "the table-prefix setting"),
    ("with_table_name", "the table-name setting"),
    ("with_cursor_key", "the cursor-key setting"),
    ("table", "the accessor of the underlying table"),
    ("scan", "`scan`"),
    ("create_table", "`create_table`"),
    ("delete_table", "`delete_table`"),
];

/// The methods every query level has (`ddbgen_runtime::QueryBuilder` and its `into_query`).
pub(super) const QUERY_METHODS: &[(&str, &str)] = &[
    ("into_query", "the query builders' `into_query`"),
    ("limit", "the query builders' `limit`"),
    ("page_size", "the query builders' `page_size`"),
    ("reverse", "the query builders' `reverse`"),
    ("consistent_read", "the query builders' `consistent_read`"),
    ("stream", "the query builders' `stream`"),
    ("count", "the query builders' `count`"),
    ("filter", "the query builders' `filter`"),
    ("select", "the query builders' `select`"),
    ("page", "the query builders' `page`"),
    ("all", "the query builders' `all`"),
];

/// What a clash in a key part's or field's name asks the user to do.
pub(super) const RENAME_FIELD: &str = "rename the field in Rust (`page_no`, say) and keep its stored name with `attribute:`, so the generated names differ";

impl Naming<'_> {
    pub(super) fn plan(&mut self, model: &mut Model) {
        // A field descends into a nested object's `Validate` only where that can fail: a
        // recursive type without rules would otherwise recurse to check nothing.
        let validating = validating_types(&model.types);
        let mark = |field: &mut Field| {
            field.nested_checks = field.ty.object().is_some_and(|name| validating.contains(name));
        };
        for ty in &mut model.types {
            if let NamedKind::Object(fields) = &mut ty.kind {
                fields.iter_mut().for_each(mark);
            }
        }
        for table in &mut model.tables {
            table.fields.iter_mut().for_each(mark);
        }
        let mut modules = Scope::new("the schema file's module");
        if !model.types.is_empty() {
            let _ = modules.claim("types", "the module of shared types (`types:`)", None);
        }
        let mut singles = std::mem::take(&mut model.single_tables);
        singles.retain_mut(|single| self.plan_single_table(single, &mut modules));
        let mut tables = std::mem::take(&mut model.tables);
        tables.retain_mut(|table| self.plan_table(table, &mut modules));
        // Entities find their table's module, and single tables their entities.
        for single in &mut singles {
            single.entities = single
                .entity_names
                .iter()
                .filter_map(|name| {
                    tables
                        .iter()
                        .position(|t| t.entity.is_some() && t.names.item == *name && t.table_name == single.table_name)
                })
                .collect();
            for &i in &single.entities {
                if let Some(entity) = &mut tables[i].entity {
                    entity.table_module = single.module.clone();
                }
            }
        }
        model.tables = tables;
        model.single_tables = singles;
    }

    /// Names the module of a single table and what it holds: its spec, repository, item enum,
    /// change type and collections.
    fn plan_single_table(&mut self, single: &mut SingleTable, modules: &mut Scope) -> bool {
        let name = single.name.clone();
        let Some(module) = escape(&snake(&name)) else {
            self.error_span(
                single.span,
                format!(
                    "table `{name}` would generate module `{}`, which Rust does not allow",
                    snake(&name)
                ),
                format!("rename the table, such as `{name}Table`, and keep the DynamoDB name with `table_name:`"),
            );
            return false;
        };
        if let Err(clash) = modules.claim(&module, format!("table `{name}`"), Some(single.span)) {
            self.clash(single.span, &clash, "rename the table or the entity");
            return false;
        }
        single.module = module.clone();
        single.repository = format!("{name}Repository");
        single.item = format!("{name}Item");
        single.change = format!("{name}Change");
        let mut items = Scope::with_fixed(
            format!("module `{module}`"),
            &[("TABLE", "the table's `TABLE` spec"), ("rt", "the runtime import `rt`")],
        );
        for (ty, why) in [
            (single.repository.clone(), "the table's repository"),
            (single.item.clone(), "the enum of every entity"),
            (single.change.clone(), "the decoded stream record"),
        ] {
            if let Err(clash) = items.claim(ty.as_str(), why, Some(single.span)) {
                self.clash(single.span, &clash, "rename the table");
            }
        }
        let mut methods = Scope::with_fixed(format!("the repository `{}`", single.repository), SINGLE_TABLE_METHODS);
        for collection in &single.collections {
            if let Err(clash) = items.claim(
                &collection.name,
                format!("collection `{}`", collection.name),
                Some(collection.span),
            ) {
                self.clash(collection.span, &clash, "rename the collection");
            }
            if let Err(clash) = methods.claim(
                &collection.method,
                format!("collection `{}`", collection.name),
                Some(collection.span),
            ) {
                self.clash(collection.span, &clash, "rename the collection");
            }
        }
        true
    }

    /// Names everything of one table; `false` when the table cannot be generated at all.
    fn plan_table(&mut self, table: &mut Table, modules: &mut Scope) -> bool {
        let item = table.names.item.clone();
        // An entity's name is what its discriminator stores; a table's DynamoDB name can stay.
        let (kind, keep) = match table.entity {
            Some(_) => ("entity", "its items store the new name as their discriminator"),
            None => ("table", "keep the DynamoDB name with `table_name:`"),
        };
        let Some(module) = escape(&snake(&item)) else {
            self.error_span(
                table.span,
                format!(
                    "{kind} `{item}` would generate module `{}`, which Rust does not allow",
                    snake(&item)
                ),
                format!("rename the {kind}, such as `{item}Item`; {keep}"),
            );
            return false;
        };
        if let Err(clash) = modules.claim(&module, format!("{kind} `{item}`"), Some(table.span)) {
            self.clash(table.span, &clash, &format!("rename one of them; {keep}"));
            return false;
        }
        table.names = crate::ir::TableNames {
            module: module.clone(),
            new_item: format!("New{item}"),
            key: format!("{item}Key"),
            repository: format!("{item}Repository"),
            reads: format!("{item}Reads"),
            update: format!("{item}Update"),
            patch: table.patch.then(|| format!("{item}Patch")),
            fields: format!("{item}Fields"),
            change: format!("{item}Change"),
            item: item.clone(),
        };
        let mut items = Scope::with_fixed(
            format!("module `{module}`"),
            &[("TABLE", "the table's `TABLE` spec"), ("rt", "the runtime import `rt`")],
        );
        let patch = table.names.patch.iter().map(|name| (name, "the patch type"));
        for (name, why) in [
            (&table.names.item, "the item type"),
            (&table.names.new_item, "the creation input"),
            (&table.names.key, "the key type"),
            (&table.names.repository, "the repository"),
            (&table.names.reads, "the typed reads"),
            (&table.names.update, "the update builder"),
            (&table.names.fields, "the field handles for conditions"),
            (&table.names.change, "the decoded stream record"),
        ]
        .into_iter()
        .chain(patch)
        {
            if let Err(clash) = items.claim(name, why, Some(table.span)) {
                self.clash(table.span, &clash, "rename the table");
            }
        }
        self.plan_fields(table, &mut items);
        self.plan_projections(table, &mut items);
        self.plan_partial_types(table, &mut items);
        let mut methods = Scope::with_fixed(
            format!("the repository `{}`", table.names.repository),
            &runtime_methods(
                REPOSITORY_METHODS,
                "a method of every repository (`ddbgen_runtime::Repository`)",
            ),
        );
        self.plan_queries(table, &mut items, &mut methods);
        self.plan_searches(table, &mut items, &mut methods);
        self.plan_patterns(table, &mut methods);
        true
    }

    /// Check functions and update operations of each field.
    fn plan_fields(&mut self, table: &mut Table, items: &mut Scope) {
        // Key fields never change. A field of an entity's index template is set together with
        // the template's attribute, re-encoded from the new value and the key's fields; when
        // the template holds another field that may change, the field has no setter at all
        // (`replace` rewrites both).
        let keys = table.key_field_indexes();
        let rewrites: Vec<Option<Vec<CompositeKey>>> = (0..table.fields.len())
            .map(|i| {
                let of: Vec<CompositeKey> = table
                    .composites()
                    .into_iter()
                    .filter(|c| c.parts().contains(&i))
                    .cloned()
                    .collect();
                let settable = of.iter().all(|c| c.parts().iter().all(|p| *p == i || keys.contains(p)));
                settable.then_some(of)
            })
            .collect();
        let mut setters = Scope::with_fixed(
            format!("the update builder `{}`", table.names.update),
            &runtime_methods(
                UPDATE_METHODS,
                "a method of every update builder (`ddbgen_runtime::codegen::Update`)",
            ),
        );
        // Key attributes that are fields never change, so conditions do not test them; parts
        // of a composite are stored as fields of their own too, and may be tested.
        let key_attributes: Vec<usize> = [Some(&table.hash_key), table.range_key.as_ref()]
            .into_iter()
            .flatten()
            .flat_map(|k| match k {
                KeyAttr::Field(_) | KeyAttr::Fields(_) => k.fields(),
                KeyAttr::Composite(_) => Vec::new(),
            })
            .collect();
        table.condition_fields = (0..table.fields.len())
            .filter(|i| table.fields[*i].origin != FieldOrigin::CompositeKey && !key_attributes.contains(i))
            .collect();

        for (i, field) in table.fields.iter_mut().enumerate() {
            if field.has_checks() {
                let name = format!("check_{}", field.method_stem());
                match items.claim(&name, format!("the rules of field `{}`", field.name), Some(field.span)) {
                    Ok(()) => field.check_fn = Some(name),
                    Err(clash) => self.clash(field.span, &clash, RENAME_FIELD),
                }
            }
            if field.origin != FieldOrigin::Declared || keys.contains(&i) {
                continue;
            }
            let Some(rewrites) = &rewrites[i] else {
                continue;
            };
            let mut updates = Vec::new();
            // An atomic operation cannot re-encode a template: only `set` for template fields.
            let ops = allowed_updates(field)
                .into_iter()
                .filter(|op| rewrites.is_empty() || *op == UpdateOp::Set);
            for op in ops {
                let prefix = match op {
                    UpdateOp::Set => "set_",
                    UpdateOp::Remove | UpdateOp::SetNull => "remove_",
                    UpdateOp::Add => "add_",
                    UpdateOp::AddToSet => "add_to_",
                    UpdateOp::DeleteFromSet => "delete_from_",
                    UpdateOp::Append => "append_to_",
                };
                let method = format!("{prefix}{}", field.method_stem());
                match setters.claim(&method, format!("field `{}`", field.name), Some(field.span)) {
                    Ok(()) => updates.push(UpdateMethod {
                        op,
                        method,
                        rewrites: rewrites.clone(),
                    }),
                    Err(clash) => self.clash(field.span, &clash, RENAME_FIELD),
                }
            }
            field.updates = updates;
        }
    }

    /// The type of each index that does not hold whole items.
    fn plan_projections(&mut self, table: &mut Table, items: &mut Scope) {
        let mut indexes = std::mem::take(&mut table.indexes);
        for index in indexes.iter_mut().filter(|i| i.projection != ProjectionKind::All) {
            let name = format!("{}{}", table.names.item, index.name.to_upper_camel_case());
            if let Err(clash) = items.claim(
                &name,
                format!("the projection type of index `{}`", index.name),
                Some(index.span),
            ) {
                self.clash(index.span, &clash, "rename the index");
                continue;
            }
            let mut fields: Vec<Field> = Vec::new();
            let mut candidates: Vec<Field> = Vec::new();
            let keys = [
                Some(&table.hash_key),
                table.range_key.as_ref(),
                Some(&index.hash_key),
                index.range_key.as_ref(),
            ];
            for key in keys.into_iter().flatten() {
                match key {
                    KeyAttr::Field(i) => candidates.push(table.fields[*i].clone()),
                    KeyAttr::Fields(parts) => candidates.extend(parts.iter().map(|i| table.fields[*i].clone())),
                    KeyAttr::Composite(c) => match managed_field(
                        &c.attribute,
                        FieldType::Scalar(Scalar::String),
                        FieldOrigin::CompositeKey,
                        "The stored composite key.",
                        table.span,
                    ) {
                        Some(field) => candidates.push(field),
                        None => self.error_span(
                            index.span,
                            format!(
                                "the composite key attribute `{}` cannot be a Rust field of `{name}`",
                                c.attribute
                            ),
                            "rename the composite key's `attribute:`",
                        ),
                    },
                }
            }
            candidates.extend(index.include.iter().map(|i| table.fields[*i].clone()));
            let mut scope = Scope::new(format!("the projection type `{name}`"));
            for mut field in candidates {
                if fields.iter().any(|f| f.attribute == field.attribute) {
                    continue;
                }
                if let Err(clash) = scope.claim(&field.ident, format!("attribute `{}`", field.attribute), None) {
                    self.clash(
                        index.span,
                        &clash,
                        "rename the composite key's `attribute:` or the field",
                    );
                    continue;
                }
                // A projection is read, never written or checked.
                field.check_fn = None;
                field.updates = Vec::new();
                field.rules = Rules::default();
                fields.push(field);
            }
            index.projection_type = Some(Projection { name, fields });
        }
        table.indexes = indexes;
    }

    /// The partial types of `projections:`: a subset of the item's fields each.
    fn plan_partial_types(&mut self, table: &mut Table, items: &mut Scope) {
        let Some(declared) = self.declared(table) else {
            return;
        };
        let path = declared.path.child("projections");
        let names: Vec<String> = declared.fields.keys().cloned().collect();
        let mut projections = Vec::new();
        for (name, list) in declared.projections {
            let path = path.child(name);
            let span = self.span(&path);
            if name.to_upper_camel_case() != *name {
                self.error_key(
                    &path,
                    format!("projection type name `{name}` is not UpperCamelCase"),
                    format!("write `{}`", name.to_upper_camel_case()),
                );
                continue;
            }
            if let Err(clash) = items.claim(name, format!("the projection type `{name}`"), Some(span)) {
                self.clash(span, &clash, "rename the projection type");
                continue;
            }
            let mut fields: Vec<Field> = Vec::new();
            for (i, field) in list.iter().enumerate() {
                let Some(f) = self.find_field(field, &table.fields, &names, &path.child(i)) else {
                    continue;
                };
                let mut field = table.fields[f].clone();
                if fields.iter().any(|g| g.name == field.name) {
                    continue;
                }
                // A projection is read, never written or checked.
                field.check_fn = None;
                field.updates = Vec::new();
                field.rules = Rules::default();
                fields.push(field);
            }
            projections.push(Projection {
                name: name.clone(),
                fields,
            });
        }
        table.projections = projections;
    }
}

/// The object types whose validation can fail: those with a field that has a rule of its own,
/// or that holds an object type whose validation can fail (a fixed point over the type graph).
fn validating_types(types: &[NamedType]) -> BTreeSet<String> {
    let mut validating = BTreeSet::new();
    loop {
        let before = validating.len();
        for ty in types {
            let NamedKind::Object(fields) = &ty.kind else { continue };
            let fails = fields
                .iter()
                .any(|f| f.has_own_checks() || f.ty.object().is_some_and(|name| validating.contains(name)));
            if fails {
                validating.insert(ty.name.clone());
            }
        }
        if validating.len() == before {
            return validating;
        }
    }
}

/// The update operations a field allows: an atomic operation only where no rule of the field
/// could be broken by its result, which the server computes unchecked.
fn allowed_updates(field: &Field) -> Vec<UpdateOp> {
    let rules = &field.rules;
    let mut ops = vec![UpdateOp::Set];
    if field.optional {
        ops.push(if field.nullable {
            UpdateOp::SetNull
        } else {
            UpdateOp::Remove
        });
    }
    match &field.ty {
        FieldType::Scalar(Scalar::Int(_) | Scalar::Decimal | Scalar::F64)
            if rules.min.is_none() && rules.max.is_none() && rules.one_of.is_empty() && rules.custom.is_none() =>
        {
            ops.push(UpdateOp::Add);
        }
        FieldType::Set(_) => {
            if rules.max_length.is_none() && rules.custom.is_none() {
                ops.push(UpdateOp::AddToSet);
            }
            if rules.min_length.is_none() && !rules.non_empty && rules.custom.is_none() {
                ops.push(UpdateOp::DeleteFromSet);
            }
        }
        FieldType::List(_) if rules.max_length.is_none() && rules.custom.is_none() && rules.vector.is_none() => {
            ops.push(UpdateOp::Append)
        }
        _ => {}
    }
    ops
}
