//! The repository of a table: safe writes, reads and table creation. The update builder is in
//! [`super::update`], queries in [`super::query`].

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, rt};
use crate::ir::{AccessPattern, FieldOrigin, Table};

/// `BookRepository` and its methods.
pub(crate) fn repository(table: &Table) -> TokenStream {
    let rt = rt();
    let names = &table.names;
    let (item, new_item, key) = (ident(&names.item), ident(&names.new_item), ident(&names.key));
    let (repo, update) = (ident(&names.repository), ident(&names.update));
    let table_name = &table.table_name;

    let now_needed = table.managed(FieldOrigin::Created).is_some() || table.managed(FieldOrigin::Updated).is_some();
    let now = if now_needed {
        quote!(let now = self.table.now();)
    } else {
        TokenStream::new()
    };
    let inits = table.fields.iter().map(|f| {
        let name = ident(&f.ident);
        match f.origin {
            FieldOrigin::Declared | FieldOrigin::CompositeKey => quote!(#name: new.#name,),
            FieldOrigin::GeneratedId => quote!(#name: #rt::Uuid::new_v4(),),
            FieldOrigin::Created | FieldOrigin::Updated => quote!(#name: now,),
            FieldOrigin::Version => quote!(#name: 1,),
        }
    });
    let touch = {
        let updated = table.managed(FieldOrigin::Updated).map(|f| {
            let name = ident(&f.ident);
            quote!(next.#name = self.table.now();)
        });
        let version = table.managed(FieldOrigin::Version).map(|f| {
            let name = ident(&f.ident);
            quote!(next.#name += 1;)
        });
        quote!(#updated #version)
    };
    let stamp_body = if touch.is_empty() {
        quote!(item.clone())
    } else {
        quote! {
            let mut next = item.clone();
            #touch
            next
        }
    };
    let version_field = table.managed(FieldOrigin::Version);
    let expected_version = match version_field {
        Some(f) => {
            let (name, attribute) = (ident(&f.ident), &f.attribute);
            quote!(Some((#attribute, item.#name)))
        }
        None => quote!(None),
    };
    let replace_doc = if version_field.is_some() {
        "Writes `item` over the stored one, which must exist and still be at `item`'s version:\na changed key is [`NotFound`](rt::Error::NotFound) (never a second item), a newer\nstored version is [`VersionConflict`](rt::Error::VersionConflict). Returns what was\nstored: `updated` set, version incremented."
    } else {
        "Writes `item` over the stored one, which must exist: a changed key is\n[`NotFound`](rt::Error::NotFound), never a second item. Returns what was stored, with\n`updated` set."
    };
    let (delete_item_doc, transact_delete) = match version_field {
        Some(f) => {
            let attribute = &f.attribute;
            (
                "Deletes `item`, which must exist and still be at `item`'s version\n([`NotFound`](rt::Error::NotFound) or [`VersionConflict`](rt::Error::VersionConflict)\nwith the stored item otherwise). Returns what was deleted.",
                quote! {
                    /// Adds a delete of the existing item with `key` to `transaction`, at
                    /// `version` when given.
                    pub fn transact_delete(&self, transaction: &mut #rt::Transaction, key: &#key, version: Option<u64>) -> Result<(), #rt::Error> {
                        transaction.delete(&self.table, key.to_key(), version.map(|v| (#attribute, v)), None)
                    }
                },
            )
        }
        None => (
            "Deletes `item`, which must exist ([`NotFound`](rt::Error::NotFound) otherwise).\nReturns what was deleted.",
            quote! {
                /// Adds a delete of the existing item with `key` to `transaction`.
                pub fn transact_delete(&self, transaction: &mut #rt::Transaction, key: &#key) -> Result<(), #rt::Error> {
                    transaction.delete(&self.table, key.to_key(), None, None)
                }
            },
        ),
    };
    let delete_item_doc = super::doc(Some(delete_item_doc));
    let replace_doc = super::doc(Some(replace_doc));
    let queries = super::query::query_methods(table);
    let patterns = table.access_patterns.iter().map(|p| pattern_method(table, p));
    let new_doc = super::doc(Some(&format!(
        "A repository for table `{table_name}`, with the system clock."
    )));
    let repo_doc =
        format!(" Typed access to the `{table_name}` table: safe writes, reads, queries and table creation.");
    let settings = settings(&quote!(#item), &new_doc);
    let lifecycle = lifecycle();
    quote! {
        #[doc = #repo_doc]
        #[derive(Debug, Clone)]
        pub struct #repo {
            table: #rt::Table<#item>,
        }

        impl #repo {
            #settings

            /// Takes `created`/`updated` times from `clock` (tests freeze time this way).
            pub fn with_clock(self, clock: impl #rt::Clock + 'static) -> Self {
                Self { table: self.table.with_clock(clock) }
            }

            /// Asks DynamoDB for the capacity each request consumes, recorded on the
            /// request's `tracing` span.
            pub fn with_consumed_capacity(self, on: bool) -> Self {
                Self { table: self.table.with_consumed_capacity(on) }
            }

            /// Sets how batches retry unprocessed items and how many requests they run at once.
            pub fn with_retry_policy(self, policy: #rt::RetryPolicy) -> Self {
                Self { table: self.table.with_retry_policy(policy) }
            }

            /// Validates `new` and fills in what ddbgen manages (generated id, `created`,
            /// `updated`, version 1).
            fn stamp_new(&self, new: #new_item) -> Result<#item, #rt::Error> {
                new.validate()?;
                #now
                Ok(#item { #(#inits)* })
            }

            /// `item` as it is stored next: `updated` set, version incremented.
            fn stamp(&self, item: &#item) -> #item {
                #stamp_body
            }

            /// Validates `new`, fills in what ddbgen manages (generated id, `created`,
            /// `updated`, version 1) and stores it, never overwriting: an existing key is
            /// [`AlreadyExists`](rt::Error::AlreadyExists) with the stored item.
            pub async fn create(&self, new: #new_item) -> Result<#item, #rt::Error> {
                let item = self.stamp_new(new)?;
                self.table.put_new(&item, None).await?;
                Ok(item)
            }

            /// [`create`](Self::create), when `condition` holds too
            /// ([`ConditionFailed`](rt::Error::ConditionFailed) otherwise).
            pub async fn create_if(&self, new: #new_item, condition: #rt::Condition<#item>) -> Result<#item, #rt::Error> {
                let item = self.stamp_new(new)?;
                self.table.put_new(&item, Some(&condition)).await?;
                Ok(item)
            }

            /// The item with this key, if any (eventually consistent).
            pub async fn get(&self, key: &#key) -> Result<Option<#item>, #rt::Error> {
                self.table.get(key.to_key(), false).await
            }

            /// The item with this key, if any, read with strong consistency.
            pub async fn get_consistent(&self, key: &#key) -> Result<Option<#item>, #rt::Error> {
                self.table.get(key.to_key(), true).await
            }

            /// Whether an item with this key exists (reads the key attribute only).
            pub async fn exists(&self, key: &#key) -> Result<bool, #rt::Error> {
                self.table.exists(key.to_key(), false).await
            }

            #replace_doc
            pub async fn replace(&self, item: &#item) -> Result<#item, #rt::Error> {
                item.validate()?;
                let next = self.stamp(item);
                self.table.put_existing(&next, #expected_version, None).await?;
                Ok(next)
            }

            /// [`replace`](Self::replace), when `condition` holds too
            /// ([`ConditionFailed`](rt::Error::ConditionFailed) with the stored item otherwise).
            pub async fn replace_if(&self, item: &#item, condition: #rt::Condition<#item>) -> Result<#item, #rt::Error> {
                item.validate()?;
                let next = self.stamp(item);
                self.table.put_existing(&next, #expected_version, Some(&condition)).await?;
                Ok(next)
            }

            /// Stores `item` whether or not its key exists: the one explicit overwrite.
            /// Returns what was stored, with `updated` set.
            pub async fn upsert(&self, item: &#item) -> Result<#item, #rt::Error> {
                item.validate()?;
                let next = self.stamp(item);
                self.table.put(&next).await?;
                Ok(next)
            }

            /// Starts an update of the existing item with this key; key fields cannot change.
            pub fn update(&self, key: &#key) -> #update<'_> {
                #update::new(&self.table, key.clone())
            }

            /// Deletes the item with this key, unconditionally; returns it, or `None` when
            /// there was none.
            pub async fn delete(&self, key: &#key) -> Result<Option<#item>, #rt::Error> {
                self.table.delete(key.to_key()).await
            }

            #delete_item_doc
            pub async fn delete_item(&self, item: &#item) -> Result<#item, #rt::Error> {
                self.table.delete_existing(item.key().to_key(), #expected_version, None).await
            }

            /// Deletes the existing item with this key when `condition` holds
            /// ([`NotFound`](rt::Error::NotFound) or [`ConditionFailed`](rt::Error::ConditionFailed)
            /// with the stored item otherwise). Returns what was deleted.
            pub async fn delete_if(&self, key: &#key, condition: #rt::Condition<#item>) -> Result<#item, #rt::Error> {
                self.table.delete_existing(key.to_key(), None, Some(&condition)).await
            }

            /// Reads many items by key (BatchGetItem, 100 keys per request, retried under
            /// the retry policy): one entry per key, in order, telling found, missing and
            /// unprocessed keys apart.
            pub async fn batch_get(&self, keys: &[#key]) -> Result<#rt::BatchGet<#key, #item>, #rt::Error> {
                self.table.batch_get(keys.to_vec(), #key::to_key, false).await
            }

            /// Stores many items whether or not their keys exist (BatchWriteItem, 25 per
            /// request): the explicit overwrite of [`upsert`](Self::upsert), with `updated` and
            /// the version set as it sets them. Every item is validated and checked against
            /// DynamoDB's size limit, and keys must be distinct, before anything is sent;
            /// what stays unprocessed after the retry policy is returned, never dropped.
            pub async fn batch_put(&self, items: &[#item]) -> Result<#rt::BatchWrite<#item>, #rt::Error> {
                let mut errors = #rt::ValidationErrors::new();
                for (i, item) in items.iter().enumerate() {
                    #rt::Validate::validate_at(item, &#rt::FieldPath::Root.index(i), &mut errors);
                }
                errors.into_result()?;
                let next: Vec<#item> = items.iter().map(|item| self.stamp(item)).collect();
                self.table.batch_put(next).await
            }

            /// Deletes many items by key (BatchWriteItem, 25 per request); a key with no item
            /// is not an error. What stays unprocessed after the retry policy is returned.
            pub async fn batch_delete(&self, keys: &[#key]) -> Result<#rt::BatchWrite<#key>, #rt::Error> {
                self.table.batch_delete(keys.to_vec(), #key::to_key).await
            }

            /// Reads up to 100 items together (TransactGetItems): `None` where there is no
            /// item, in the keys' order.
            pub async fn transact_get(&self, keys: &[#key]) -> Result<Vec<Option<#item>>, #rt::Error> {
                self.table.transact_get(keys.iter().map(#key::to_key).collect()).await
            }

            /// A new transaction on this repository's client, for the `transact_*` methods of
            /// any repository.
            pub fn transaction(&self) -> #rt::Transaction {
                #rt::Transaction::new(self.table.client())
            }

            /// Adds the creation of `new` to `transaction`, as [`create`](Self::create) does it;
            /// returns the item that will be stored.
            pub fn transact_create(&self, transaction: &mut #rt::Transaction, new: #new_item) -> Result<#item, #rt::Error> {
                let item = self.stamp_new(new)?;
                transaction.put_new(&self.table, &item, None)?;
                Ok(item)
            }

            /// Adds the replacement of `item` to `transaction`, as [`replace`](Self::replace)
            /// does it; returns the item that will be stored.
            pub fn transact_replace(&self, transaction: &mut #rt::Transaction, item: &#item) -> Result<#item, #rt::Error> {
                item.validate()?;
                let next = self.stamp(item);
                transaction.put_existing(&self.table, &next, #expected_version, None)?;
                Ok(next)
            }

            #transact_delete

            /// Adds a check of `condition` on the item with `key` to `transaction`, without
            /// writing it.
            pub fn transact_check(&self, transaction: &mut #rt::Transaction, key: &#key, condition: #rt::Condition<#item>) -> Result<(), #rt::Error> {
                transaction.check(&self.table, key.to_key(), &condition)
            }

            #queries

            #(#patterns)*

            /// Every item of the table, lazily, page by page.
            pub fn scan(&self) -> #rt::Scan<#item> {
                self.table.scan()
            }

            #lifecycle
        }
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
        let doc = super::doc(Some(&format!(
            "{user_doc}Access pattern `{}`: a scan of the whole table, as declared (`scan: true`).",
            pattern.method
        )));
        return quote! {
            #doc
            pub fn #method(&self) -> #rt::Scan<#item> {
                self.scan()
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
    let doc = super::doc(Some(&format!(
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
