//! The repository of a table: safe writes, reads and table creation. The update builder is in
//! [`super::update`], queries in [`super::query`].

use proc_macro2::TokenStream;
use quote::quote;

use super::print::{self, ident, rt};
use crate::ir::{AccessPattern, FieldOrigin, Table, VectorIndex};

/// `BookRepository` (an alias of the runtime's generic repository), the `Record` impl that
/// tells it about the table, and `BookReads`, the typed reads it dereferences to.
pub(crate) fn repository(table: &Table) -> TokenStream {
    let rt = rt();
    let names = &table.names;
    let (item, new_item, key) = (ident(&names.item), ident(&names.new_item), ident(&names.key));
    let (repo, reads, update) = (ident(&names.repository), ident(&names.reads), ident(&names.update));
    let table_name = &table.table_name;

    let inits = table.fields.iter().map(|f| {
        let name = ident(&f.ident);
        match f.origin {
            FieldOrigin::Declared | FieldOrigin::CompositeKey => quote!(#name: new.#name,),
            FieldOrigin::GeneratedId => quote!(#name: #rt::Uuid::new_v4(),),
            FieldOrigin::Created | FieldOrigin::Updated => quote!(#name: now,),
            FieldOrigin::Version => quote!(#name: 1,),
        }
    });
    let uses_now = table.managed(FieldOrigin::Created).is_some() || table.managed(FieldOrigin::Updated).is_some();
    let now_param = if uses_now { quote!(now) } else { quote!(_now) };
    let uses_new = table
        .fields
        .iter()
        .any(|f| matches!(f.origin, FieldOrigin::Declared | FieldOrigin::CompositeKey));
    let new_param = if uses_new { quote!(new) } else { quote!(_new) };
    let updated = table.managed(FieldOrigin::Updated);
    let version = table.managed(FieldOrigin::Version);
    let touch_updated = updated.map(|f| {
        let name = ident(&f.ident);
        quote!(self.#name = now;)
    });
    let touch_version = version.map(|f| {
        let name = ident(&f.ident);
        quote!(self.#name += 1;)
    });
    let touch_now = if touch_updated.is_some() {
        quote!(now)
    } else {
        quote!(_now)
    };
    let updated_attribute = option_str(updated.map(|f| f.attribute.as_str()));
    let version_attribute = option_str(version.map(|f| f.attribute.as_str()));
    // Unversioned tables keep the trait's defaults (version 0, nothing to set).
    let version_methods = version.map(|f| {
        let name = ident(&f.ident);
        quote! {
            fn version(&self) -> u64 {
                self.#name
            }

            fn set_version(&mut self, version: u64) {
                self.#name = version;
            }
        }
    });
    let unversioned = version.is_none().then(|| quote!(impl #rt::Unversioned for #item {}));
    let plain_writes = (!table.fields.iter().any(|f| f.unique)).then(|| quote!(impl #rt::PlainWrites for #item {}));
    let queries = super::query::query_methods(table);
    let searches = table.vector_indexes.iter().map(|v| search_method(table, v));
    let patterns = table.access_patterns.iter().map(|p| pattern_method(table, p));
    let repo_doc = print::doc(Some(&format!(
        "Typed access to the `{table_name}` table: [`rt::Repository`]'s safe writes, batches and\ntransactions on [`{}`], and the typed queries of [`{}`], which it dereferences to.",
        names.item, names.reads
    )));
    let reads_doc = print::doc(Some(&format!(
        "The typed queries and access patterns of the `{table_name}` table; [`{}`] dereferences\nto them.",
        names.repository
    )));
    quote! {
        #repo_doc
        pub type #repo = #rt::Repository<#item>;

        impl #rt::Record for #item {
            type Key = #key;
            type New = #new_item;
            type Reads = #reads;
            type Update<'a> = #update<'a>;
            const VERSION: Option<&'static str> = #version_attribute;
            const UPDATED: Option<&'static str> = #updated_attribute;

            fn key(&self) -> #key {
                #item::key(self)
            }

            #version_methods

            fn from_new(#new_param: #new_item, #now_param: #rt::DateTime<#rt::Utc>) -> Self {
                #item { #(#inits)* }
            }

            fn touch(&mut self, #touch_now: #rt::DateTime<#rt::Utc>) {
                #touch_updated
                #touch_version
            }
        }

        #unversioned
        #plain_writes

        impl #rt::RecordKey for #key {
            fn to_key(&self) -> #rt::AttributeMap {
                #key::to_key(self)
            }
        }

        #reads_doc
        #[derive(Debug, Clone)]
        pub struct #reads {
            table: #rt::Table<#item>,
        }

        impl #rt::TableReads<#item> for #reads {
            fn from_table(table: #rt::Table<#item>) -> Self {
                Self { table }
            }

            fn table(&self) -> &#rt::Table<#item> {
                &self.table
            }
        }

        impl #reads {
            #queries
            #(#searches)*

            #(#patterns)*
        }
    }
}

/// `Some("attribute")` or `None`, as a constant of type `Option<&'static str>`.
fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

/// The methods every repository has, whatever it reads: its constructor (`new_doc` says
/// which table), the table-name and cursor-key settings and `table()`, over a field
/// `table: rt::Table<item>`.
pub(crate) fn settings(item: &TokenStream, new_doc: &TokenStream) -> TokenStream {
    let rt = rt();
    quote! {
        #new_doc
        pub fn new(client: #rt::Client) -> Self {
            Self { table: #rt::Table::new(client) }
        }

        /// Uses the table `prefix` + schema name (`dev-` + name), without regenerating.
        pub fn with_table_prefix(self, prefix: &str) -> Self {
            Self { table: self.table.with_table_prefix(prefix) }
        }

        /// Uses another table name altogether.
        pub fn with_table_name(self, name: impl Into<String>) -> Self {
            Self { table: self.table.with_table_name(name) }
        }

        /// Signs pagination cursors with `key`, so that every instance accepts them.
        pub fn with_cursor_key(self, key: #rt::CursorKey) -> Self {
            Self { table: self.table.with_cursor_key(key) }
        }

        /// Whether reads decode items straight from the response body (`true`, the default)
        /// or from the SDK's parsed items (`false`, the reference path): the same items and
        /// errors.
        pub fn with_fast_reads(self, on: bool) -> Self {
            Self { table: self.table.with_fast_reads(on) }
        }

        /// The underlying table: its name, client and clock.
        pub fn table(&self) -> &#rt::Table<#item> {
            &self.table
        }
    }
}

/// `create_table` and `delete_table` of a repository.
pub(crate) fn lifecycle() -> TokenStream {
    let rt = rt();
    quote! {
        /// Creates the table (keys, indexes, on-demand billing, TTL) and waits until it is
        /// active. ddbgen never creates tables behind your back: call this explicitly.
        pub async fn create_table(&self) -> Result<(), #rt::Error> {
            self.table.create_table().await
        }

        /// Deletes the table and waits until it is gone.
        pub async fn delete_table(&self) -> Result<(), #rt::Error> {
            self.table.delete_table().await
        }
    }
}

/// The method of an access pattern: the query that serves it, narrowed as the pattern says.
fn pattern_method(table: &Table, pattern: &AccessPattern) -> TokenStream {
    let rt = rt();
    let method = ident(&pattern.method);
    let user_doc = pattern
        .doc
        .as_deref()
        .map(|d| format!("{}\n\n", d.trim()))
        .unwrap_or_default();
    let Some(q) = pattern.query else {
        let item = ident(&table.names.item);
        let doc = print::doc(Some(&format!(
            "{user_doc}Access pattern `{}`: a scan of the whole table, as declared (`scan: true`).",
            pattern.method
        )));
        return quote! {
            #doc
            pub fn #method(&self) -> #rt::Scan<#item> {
                self.table.scan()
            }
        };
    };
    let plan = &table.queries[q];
    let item = ident(&plan.item);
    let served_by = match plan.index {
        Some(i) => format!("index `{}`", table.indexes[i].name),
        None => "the table's key".to_owned(),
    };
    let mut params = Vec::new();
    // The query method takes the hash key's fields, as its own parameters are typed.
    let (hash, narrow) = pattern.given.split_at(pattern.hash_params);
    let mut args = Vec::new();
    for (field, name) in hash {
        let field = &table.fields[*field];
        let ty = super::query::hash_param_type(plan, field);
        let name = ident(name);
        params.push(quote!(#name: #ty));
        args.push(name);
    }
    let query = ident(&plan.method);
    let mut chain = quote!(self.#query(#(#args),*));
    for (k, (field, name)) in narrow.iter().enumerate() {
        let level = plan.sort.as_ref().map(|s| &s.levels[k]);
        let Some(level) = level else { continue };
        let (eq, name) = (ident(&level.eq_method), ident(name));
        let ty = super::key::key_param(&table.fields[*field]);
        params.push(quote!(#name: #ty));
        chain = quote!(#chain.#eq(#name));
    }
    if let Some(comparison) = &pattern.comparison {
        let ty = super::key::key_param(&table.fields[comparison.part]);
        let names: Vec<_> = comparison.params.iter().map(|n| ident(n)).collect();
        params.extend(names.iter().map(|n| quote!(#n: #ty)));
        let level_method = ident(&comparison.method);
        chain = quote!(#chain.#level_method(#(#names),*));
    }
    let reverse = pattern.reverse.then(|| quote!(.reverse()));
    let doc = print::doc(Some(&format!(
        "{user_doc}Access pattern `{}`, served by {served_by}{}.",
        pattern.method,
        if pattern.reverse {
            ", in descending sort-key order"
        } else {
            ""
        }
    )));
    quote! {
        #doc
        pub fn #method(&self, #(#params),*) -> #rt::Query<#item> {
            #rt::QueryBuilder::into_query(#chain)#reverse
        }
    }
}

/// `search_<index>(…, vector)`: the typed start of a vector search, taking the index's hash
/// field when it has one.
fn search_method(table: &Table, index: &VectorIndex) -> TokenStream {
    let rt = rt();
    let Some(hit) = &index.hit else {
        return TokenStream::new();
    };
    let (hit, method, name) = (ident(&hit.name), ident(&index.method), &index.name);
    let hash = index.hash.map(|i| &table.fields[i]);
    let (params, convert, value) = match hash {
        Some(field) => {
            let (param, convert) = print::value_param(field);
            let (arg, codec) = (ident(&field.ident), super::codec::codec(field.codec));
            (quote!(#arg: #param,), convert, quote!(Some(#codec.key_value(&#arg))))
        }
        None => (TokenStream::new(), TokenStream::new(), quote!(None)),
    };
    let vector = &table.fields[index.field].name;
    let filters: Vec<String> = index
        .filters
        .iter()
        .map(|i| format!("`{}`", table.fields[*i].name))
        .collect();
    let mut doc = index.doc.clone().map(|d| format!("{d}\n\n")).unwrap_or_default();
    doc.push_str(&format!(
        "The items of vector index `{name}` whose `{vector}` is most similar to `vector` ({} numbers, {}), best first with their scores; how many is `top_k` (`ddbgen_runtime::VectorSearch`).",
        index.dimensions,
        index.distance.dynamo_name(),
    ));
    if let Some(field) = hash {
        doc.push_str(&format!(" Only items whose `{}` is the given value.", field.name));
    }
    if !filters.is_empty() {
        doc.push_str(&format!(" Narrow with typed `filter`s on {}.", filters.join(", ")));
    }
    let doc = print::doc(Some(&doc));
    quote! {
        #doc
        pub fn #method(&self, #params vector: Vec<f64>) -> #rt::VectorSearch<#hit> {
            #convert
            self.table.search(#name, #value, vector)
        }
    }
}
