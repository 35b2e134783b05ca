//! The repository of a table: safe writes, reads and table creation. The update builder is in
//! [`super::update`], queries in [`super::query`].

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, rt};
use crate::ir::{FieldOrigin, Table};

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
    let touch = |item: TokenStream| {
        let updated = table.managed(FieldOrigin::Updated).map(|f| {
            let name = ident(&f.ident);
            quote!(#item.#name = self.table.now();)
        });
        let version = table.managed(FieldOrigin::Version).map(|f| {
            let name = ident(&f.ident);
            quote!(#item.#name += 1;)
        });
        quote!(#updated #version)
    };
    let touch_next = touch(quote!(next));
    let next_binding = if touch_next.is_empty() {
        quote!(let next = item.clone();)
    } else {
        quote!(let mut next = item.clone();)
    };
    let expected_version = match table.managed(FieldOrigin::Version) {
        Some(f) => {
            let (name, attribute) = (ident(&f.ident), &f.attribute);
            quote!(Some((#attribute, item.#name)))
        }
        None => quote!(None),
    };
    let replace_doc = if table.managed(FieldOrigin::Version).is_some() {
        "Writes `item` over the stored one, which must exist and still be at `item`'s version:\na changed key is [`NotFound`](rt::Error::NotFound) (never a second item), a newer\nstored version is [`VersionConflict`](rt::Error::VersionConflict). Returns what was\nstored: `updated` set, version incremented."
    } else {
        "Writes `item` over the stored one, which must exist: a changed key is\n[`NotFound`](rt::Error::NotFound), never a second item. Returns what was stored, with\n`updated` set."
    };
    let replace_doc = super::doc(Some(replace_doc));
    let queries = super::query::query_methods(table);
    let new_doc = super::doc(Some(&format!(
        "A repository for table `{table_name}`, with the system clock."
    )));
    let repo_doc =
        format!(" Typed access to the `{table_name}` table: safe writes, reads, queries and table creation.");
    quote! {
        #[doc = #repo_doc]
        #[derive(Debug, Clone)]
        pub struct #repo {
            table: #rt::Table<#item>,
        }

        impl #repo {
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

            /// Takes `created`/`updated` times from `clock` (tests freeze time this way).
            pub fn with_clock(self, clock: impl #rt::Clock + 'static) -> Self {
                Self { table: self.table.with_clock(clock) }
            }

            /// Signs pagination cursors with `key`, so that every instance accepts them.
            pub fn with_cursor_key(self, key: #rt::CursorKey) -> Self {
                Self { table: self.table.with_cursor_key(key) }
            }

            /// The underlying table: its name, client and clock.
            pub fn table(&self) -> &#rt::Table<#item> {
                &self.table
            }

            /// Validates `new`, fills in what ddbgen manages (generated id, `created`,
            /// `updated`, version 1) and stores it, never overwriting: an existing key is
            /// [`AlreadyExists`](rt::Error::AlreadyExists) with the stored item.
            pub async fn create(&self, new: #new_item) -> Result<#item, #rt::Error> {
                new.validate()?;
                #now
                let item = #item { #(#inits)* };
                self.table.put_new(&item).await?;
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

            #replace_doc
            pub async fn replace(&self, item: &#item) -> Result<#item, #rt::Error> {
                item.validate()?;
                #next_binding
                #touch_next
                self.table.put_existing(&next, #expected_version).await?;
                Ok(next)
            }

            /// Stores `item` whether or not its key exists: the one explicit overwrite.
            /// Returns what was stored, with `updated` set.
            pub async fn upsert(&self, item: &#item) -> Result<#item, #rt::Error> {
                item.validate()?;
                #next_binding
                #touch_next
                self.table.put(&next).await?;
                Ok(next)
            }

            /// Starts an update of the existing item with this key; key fields cannot change.
            pub fn update(&self, key: &#key) -> #update<'_> {
                #update { table: &self.table, key: key.to_key(), update: #rt::UpdateExpression::new() }
            }

            /// Deletes the item with this key; returns it, or `None` when there was none.
            pub async fn delete(&self, key: &#key) -> Result<Option<#item>, #rt::Error> {
                self.table.delete(key.to_key()).await
            }

            #queries

            /// Every item of the table, lazily, page by page.
            pub fn scan(&self) -> #rt::Scan<#item> {
                self.table.scan()
            }

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
}
