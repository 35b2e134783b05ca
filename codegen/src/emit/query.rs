//! Typed queries, printed from the IR's [`QueryPlan`]s: the repository's query methods, the
//! levels of sort-key narrowing (whose reading methods come from `rt::QueryBuilder`), and the
//! projection types of indexes that do not hold whole items.

use proc_macro2::TokenStream;
use quote::quote;

use super::codec;
use super::key::key_param;
use super::options::Options;
use super::print::{self, ident, read_type_derives, rt, struct_field};
use crate::ir::{Comparison, FieldType, KeyAttr, Projection, QueryLevel, QueryPlan, Scalar, SortPlan, Table};

/// The repository's query methods.
pub(crate) fn query_methods(table: &Table) -> TokenStream {
    table.queries.iter().map(|plan| query_method(table, plan)).collect()
}

/// The query types: levels of narrowing, and projection types.
pub(crate) fn query_types(table: &Table, options: &Options) -> TokenStream {
    let levels = table.queries.iter().map(|plan| match &plan.sort {
        Some(sort) => sort
            .levels
            .iter()
            .enumerate()
            .map(|(k, level)| level_type(table, plan, sort, k, level))
            .collect(),
        None => TokenStream::new(),
    });
    let projections = table.indexes.iter().filter_map(|index| {
        let doc = format!(
            " What index `{}` holds of an item: its keys{}.",
            index.name,
            if index.include.is_empty() {
                ""
            } else {
                " and the included fields"
            }
        );
        index
            .projection_type
            .as_ref()
            .map(|p| projection_type(table, doc, p, options))
    });
    let hits = table.vector_indexes.iter().filter_map(|v| {
        let doc = format!(
            " What a search of vector index `{}` returns of an item: every field but its vector `{}`, which DynamoDB leaves out of search results.",
            v.name, table.fields[v.field].name
        );
        v.hit.as_ref().map(|p| projection_type(table, doc, p, options))
    });
    let partial = table.projections.iter().map(|p| {
        let doc = format!(
            " Some fields of a [`{}`], read alone: `query(..).select::<{}>()` requests only these attributes.",
            table.names.item, p.name
        );
        projection_type(table, doc, p, options)
    });
    quote!(#(#levels)* #(#projections)* #(#hits)* #(#partial)*)
}

/// `self.table.query(condition)`, or `self.table.query_as(Some("name"), condition)` for an
/// index (read as the query's item type).
fn run(table: &Table, plan: &QueryPlan) -> TokenStream {
    match plan.index {
        Some(i) => {
            let name = &table.indexes[i].name;
            quote!(self.table.query_as(Some(#name), hash))
        }
        None => quote!(self.table.query(hash)),
    }
}

/// The type a query method's parameter for hash-key field `field` has: a single-field hash
/// key's value type, or a template part's key type.
pub(crate) fn hash_param_type(plan: &QueryPlan, field: &crate::ir::Field) -> TokenStream {
    match plan.hash {
        KeyAttr::Field(_) | KeyAttr::Fields(_) => print::value_param(field).0,
        KeyAttr::Composite(_) => key_param(field),
    }
}

/// The parameters taking `fields` (each its own key attribute: a single-field hash key, or a
/// multi-attribute one), the statements that convert them, and the key condition with an
/// equality on each, as the fields store them.
pub(crate) fn equalities(fields: &[&crate::ir::Field]) -> (Vec<TokenStream>, TokenStream, TokenStream) {
    let rt = rt();
    let mut params = Vec::new();
    let mut convert = TokenStream::new();
    let mut condition = TokenStream::new();
    for (k, field) in fields.iter().enumerate() {
        let (name, attribute) = (ident(&field.ident), &field.attribute);
        let (param_type, conversion) = print::value_param(field);
        let codec = codec::codec(field.codec);
        params.push(quote!(#name: #param_type));
        convert.extend(conversion);
        condition = if k == 0 {
            quote!(#rt::KeyCondition::hash(#attribute, #codec.key_value(&#name)))
        } else {
            quote!(#condition.and_hash(#attribute, #codec.key_value(&#name)))
        };
    }
    (params, convert, condition)
}

/// The parameters of a query method (the hash key's fields), the statements that convert
/// them, the key condition on the hash key, and how the doc names it.
fn hash_condition(table: &Table, plan: &QueryPlan) -> (Vec<TokenStream>, TokenStream, TokenStream, String) {
    let rt = rt();
    match &plan.hash {
        KeyAttr::Field(i) => {
            let hash = &table.fields[*i];
            let (params, convert, condition) = equalities(&[hash]);
            (
                params,
                convert,
                condition,
                format!("whose `{}` is the given value", hash.name),
            )
        }
        KeyAttr::Fields(parts) => {
            let fields: Vec<&crate::ir::Field> = parts.iter().map(|i| &table.fields[*i]).collect();
            let (params, convert, condition) = equalities(&fields);
            let names: Vec<String> = fields.iter().map(|f| format!("`{}`", f.name)).collect();
            (
                params,
                convert,
                condition,
                format!("whose {} are the given values", names.join(", ")),
            )
        }
        KeyAttr::Composite(c) => {
            let (key, encoder, attribute) = (ident(&table.names.key), ident(&c.encoder), &c.attribute);
            let parts: Vec<&crate::ir::Field> = c.parts().into_iter().map(|i| &table.fields[i]).collect();
            let params = parts
                .iter()
                .map(|f| {
                    let (name, ty) = (ident(&f.ident), hash_param_type(plan, f));
                    quote!(#name: #ty)
                })
                .collect();
            let args = parts.iter().map(|f| ident(&f.ident));
            (
                params,
                TokenStream::new(),
                quote!(#rt::KeyCondition::hash(#attribute, #rt::AttributeValue::S(#key::#encoder(#(#args),*)))),
                format!("whose `{attribute}` is `{}`", c.template(&table.fields)),
            )
        }
    }
}

fn query_method(table: &Table, plan: &QueryPlan) -> TokenStream {
    let rt = rt();
    let (params, convert, condition, whose) = hash_condition(table, plan);
    let method = ident(&plan.method);
    let what = match plan.index {
        Some(i) => format!("index `{}`", table.indexes[i].name),
        None => format!("table `{}`", table.table_name),
    };
    let item = ident(&plan.item);
    match &plan.sort {
        None => {
            let doc = format!(" Items of {what} {whose}.");
            let run = run(table, plan);
            quote! {
                #[doc = #doc]
                pub fn #method(&self, #(#params),*) -> #rt::Query<#item> {
                    #convert
                    let hash = #condition;
                    #run
                }
            }
        }
        Some(sort) if sort.levels.is_empty() => {
            // A sort key of constants only: one item per hash key.
            let attribute = &sort.attribute;
            let doc = format!(" The item of {what} {whose} (its `{attribute}` is constant).");
            let start = key_query(table, plan, sort);
            quote! {
                #[doc = #doc]
                pub fn #method(&self, #(#params),*) -> #rt::Query<#item> {
                    #convert
                    let hash = #condition;
                    #start.equal()
                }
            }
        }
        Some(sort) => {
            let doc = print::doc(Some(&format!(
                "Items of {what} {whose}; narrow by the sort key, or read it\n(`ddbgen_runtime::QueryBuilder`)."
            )));
            let level = ident(&sort.levels[0].type_name);
            let start = key_query(table, plan, sort);
            quote! {
                #doc
                pub fn #method(&self, #(#params),*) -> #level<'_> {
                    #convert
                    let hash = #condition;
                    let query = #start;
                    #level { query }
                }
            }
        }
    }
}

/// `rt::KeyQuery::new(..)` of a query plan on the key condition `hash` in scope, with the sort
/// key's leading constants given.
fn key_query(table: &Table, plan: &QueryPlan, sort: &SortPlan) -> TokenStream {
    let rt = rt();
    let index = match plan.index {
        Some(i) => {
            let name = &table.indexes[i].name;
            quote!(Some(#name))
        }
        None => quote!(None),
    };
    let (attribute, separator) = (&sort.attribute, sort.separator.as_deref().unwrap_or_default());
    let leading = &sort.leading;
    quote!(#rt::KeyQuery::new(&self.table, #index, hash, #attribute, #separator)#(.constant(#leading))*)
}

/// The struct of level `k` of a sort key: its narrowing methods and its `QueryBuilder`, each
/// forwarding to the `rt::KeyQuery` it holds.
fn level_type(table: &Table, plan: &QueryPlan, sort: &SortPlan, k: usize, level: &QueryLevel) -> TokenStream {
    let rt = rt();
    let table_item = ident(&table.names.item);
    let item = ident(&plan.item);
    let name = ident(&level.type_name);
    let part = &table.fields[level.part];
    let part_name = &part.name;
    let ty = key_param(part);
    let eq = ident(&level.eq_method);
    // The value as `KeyQuery::part` takes it: `&str` already is a reference.
    let by_ref = |v: TokenStream| {
        if part.ty == FieldType::Scalar(Scalar::String) {
            v
        } else {
            quote!(&#v)
        }
    };
    let composite = sort.separator.is_some();
    let mut methods = Vec::new();
    if composite {
        let value = by_ref(quote!(value));
        let trailing = &level.trailing;
        let narrowed = quote!(self.query.part(#value)#(.constant(#trailing))*);
        match sort.levels.get(k + 1) {
            Some(next) => {
                let next = ident(&next.type_name);
                let doc = format!(" Items whose `{part_name}` is `value` (a `begins_with` on the sort key).");
                methods.push(quote! {
                    #[doc = #doc]
                    pub fn #eq(self, value: #ty) -> #next<'a> {
                        #next { query: #narrowed }
                    }
                });
            }
            None => {
                let doc = format!(" The item whose `{part_name}` is `value`: the whole sort key.");
                methods.push(quote! {
                    #[doc = #doc]
                    pub fn #eq(self, value: #ty) -> #rt::Query<#item> {
                        #narrowed.equal()
                    }
                });
            }
        }
    } else {
        // A single-field sort key, or an attribute of a multi-attribute one, compares stored
        // values directly.
        let value = codec::key_value(part, &quote!(value));
        match sort.levels.get(k + 1) {
            Some(next) => {
                let (next_type, next_part) = (ident(&next.type_name), &table.fields[next.part]);
                let next_attribute = &next_part.attribute;
                let doc = format!(
                    " Items whose `{part_name}` is `value`; narrow on by `{}`, or read them.",
                    next_part.name
                );
                methods.push(quote! {
                    #[doc = #doc]
                    pub fn #eq(self, value: #ty) -> #next_type<'a> {
                        #next_type { query: self.query.narrow_eq(#value, #next_attribute) }
                    }
                });
            }
            None => {
                let doc = format!(" Items whose `{part_name}` is `value`.");
                methods.push(quote! {
                    #[doc = #doc]
                    pub fn #eq(self, value: #ty) -> #rt::Query<#item> {
                        self.query.value_eq(#value)
                    }
                });
            }
        }
    }
    for (comparison, method) in &level.comparisons {
        let method = ident(method);
        let (doc, params, mut run) = comparison_body(
            part_name,
            *comparison,
            &|v| match composite {
                true => by_ref(v),
                false => codec::key_value(part, &v),
            },
            composite,
        );
        if let (Comparison::Lt, Some(f)) = (comparison, level.lt_filter) {
            // The key condition reads up to and including the key of `value`: leave it out.
            let (fields, handle) = (ident(&table.names.fields), ident(&table.fields[f].ident));
            run = quote!(#run.filter(#fields::#handle().ne(value)));
        }
        let params = params.iter().map(|p| quote!(#p: #ty));
        methods.push(quote! {
            #[doc = #doc]
            pub fn #method(self, #(#params),*) -> #rt::Query<#item> {
                #run
            }
        });
    }
    quote! {
        /// A query narrowed so far: narrow it further by the sort key, or read it
        /// (`ddbgen_runtime::QueryBuilder`).
        #[derive(Debug)]
        #[must_use = "a query reads nothing until it is streamed or paged"]
        pub struct #name<'a> {
            query: #rt::KeyQuery<'a, #table_item, #item>,
        }

        impl<'a> #name<'a> {
            #(#methods)*
        }

        impl #rt::QueryBuilder for #name<'_> {
            type Item = #item;

            fn into_query(self) -> #rt::Query<#item> {
                self.query.into_query()
            }
        }
    }
}

/// The doc, parameter names and call of a comparison on a sort-key part. `value(v)` is the
/// argument as the call takes it: a part reference for a composite's first part (whose bounds
/// the runtime encodes), a stored value for a single-field key.
fn comparison_body(
    part_name: &str,
    comparison: Comparison,
    value: &dyn Fn(TokenStream) -> TokenStream,
    composite: bool,
) -> (String, Vec<proc_macro2::Ident>, TokenStream) {
    let (low, high, v) = (value(quote!(low)), value(quote!(high)), value(quote!(value)));
    let call = |name: &str| {
        ident(&if composite {
            name.to_owned()
        } else {
            format!("value_{name}")
        })
    };
    match comparison {
        Comparison::Between => {
            let method = call("between");
            (
                format!(" Items whose `{part_name}` is from `low` to `high`, both included."),
                vec![ident("low"), ident("high")],
                quote!(self.query.#method(#low, #high)),
            )
        }
        Comparison::BeginsWith => (
            format!(" Items whose `{part_name}` starts with `prefix`."),
            vec![ident("prefix")],
            quote!(self.query.value_begins_with(prefix)),
        ),
        other => {
            let method = call(other.suffix());
            (
                comparison_doc(part_name, other),
                vec![ident("value")],
                quote!(self.query.#method(#v)),
            )
        }
    }
}

fn comparison_doc(part_name: &str, comparison: Comparison) -> String {
    let relation = match comparison {
        Comparison::Gt => "is greater than",
        Comparison::Ge => "is at least",
        Comparison::Lt => "is less than",
        _ => "is at most",
    };
    format!(" Items whose `{part_name}` {relation} `value`.")
}

/// The type read from an index that does not hold whole items.
fn projection_type(table: &Table, doc: String, projection: &Projection, options: &Options) -> TokenStream {
    let rt = rt();
    let item = ident(&table.names.item);
    let name = ident(&projection.name);
    let attributes = table.selection_attributes(&projection.fields);
    let derives = read_type_derives(&projection.name, options);
    let struct_fields = projection
        .fields
        .iter()
        .map(|f| struct_field(&projection.name, f, options));
    let from_item = codec::decode_impl(&name, &projection.fields, table.entity.as_ref());
    quote! {
        #[doc = #doc]
        #derives
        pub struct #name {
            #(#struct_fields)*
        }

        #from_item

        impl #rt::Selection for #name {
            type Table = #item;
            const ATTRIBUTES: &'static [&'static str] = &[#(#attributes),*];
        }
    }
}
