//! The repository of a table: safe writes, reads, the typed update builder and table creation.
//! Queries are in [`super::query`].

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{ident, rt, validate};
use crate::ir::{DateTimeFormat, Field, FieldOrigin, FieldType, Model, Scalar, Table};

/// A method-name fragment for a field: its identifier without `r#`.
pub(crate) fn bare(field: &Field) -> String {
    field.ident.trim_start_matches("r#").to_owned()
}

/// A parameter type and the conversion to the field's type: `impl Into<String>` for strings.
pub(crate) fn param(field: &Field) -> (TokenStream, TokenStream) {
    let name = ident(&field.ident);
    if field.ty == FieldType::Scalar(Scalar::String) {
        (quote!(impl Into<String>), quote!(let #name: String = #name.into();))
    } else {
        (super::rust_type(&field.ty), TokenStream::new())
    }
}

/// `Option<AttributeValue>` storing `value` (a `T`, not an `Option`) as the field stores it.
fn encode_value(field: &Field, value: &TokenStream) -> TokenStream {
    let rt = rt();
    match field.ty {
        FieldType::Scalar(Scalar::DateTime(DateTimeFormat::EpochSeconds)) => {
            quote!(Some(#rt::epoch_seconds::encode(&#value)))
        }
        FieldType::Scalar(Scalar::DateTime(DateTimeFormat::EpochMillis)) => {
            quote!(Some(#rt::epoch_millis::encode(&#value)))
        }
        _ => quote!(#rt::AttributeCodec::encode(&#value)),
    }
}

pub(crate) fn repository(table: &Table, model: &Model) -> TokenStream {
    let rt = rt();
    let item = format_ident!("{}", table.name);
    let new_item = format_ident!("New{}", table.name);
    let key = format_ident!("{}Key", table.name);
    let repo = format_ident!("{}Repository", table.name);
    let update = format_ident!("{}Update", table.name);
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
            FieldOrigin::Declared => quote!(#name: new.#name,),
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
    let update_builder = update_builder(table, model);
    let queries = super::query::query_methods(table, model);
    let query_types = super::query::query_types(table, model);
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

        #update_builder

        #query_types
    }
}

/// `BookUpdate`: one setter per non-key field, validated as it is set.
fn update_builder(table: &Table, model: &Model) -> TokenStream {
    let rt = rt();
    let item = format_ident!("{}", table.name);
    let update = format_ident!("{}Update", table.name);
    let key_names: Vec<&str> = table.key_fields().iter().map(|f| f.name.as_str()).collect();
    let mut methods = Vec::new();
    for field in table
        .fields
        .iter()
        .filter(|f| f.origin == FieldOrigin::Declared && !key_names.contains(&f.name.as_str()))
    {
        let name = ident(&field.ident);
        let attribute = &field.attribute;
        let field_name = &field.name;
        let (param_type, convert) = param(field);
        let checks = validate::value_checks(field, model);
        let has_rules = !checks.is_empty();
        let validation = if checks.is_empty() {
            TokenStream::new()
        } else {
            quote! {
                {
                    let root = #rt::FieldPath::Root;
                    let path = root.field(#field_name);
                    let value = &#name;
                    let errors = &mut self.update.errors;
                    #(#checks)*
                }
            }
        };
        let setter = format_ident!("set_{}", bare(field));
        let encoded = encode_value(field, &quote!(#name));
        let doc = if !has_rules {
            format!(" Sets `{field_name}`.")
        } else {
            format!(" Sets `{field_name}`; the new value is checked against the schema's rules before sending.")
        };
        methods.push(quote! {
            #[doc = #doc]
            pub fn #setter(mut self, #name: #param_type) -> Self {
                #convert
                #validation
                self.update.set(#attribute, #encoded);
                self
            }
        });
        if field.optional {
            let remover = format_ident!("remove_{}", bare(field));
            let (doc, body) = if field.nullable {
                (
                    format!(" Sets `{field_name}` to NULL (reads back as `None`)."),
                    quote!(self.update.set(#attribute, Some(#rt::AttributeValue::Null(true)));),
                )
            } else {
                (
                    format!(" Removes `{field_name}` (reads back as `None`)."),
                    quote!(self.update.remove(#attribute);),
                )
            };
            methods.push(quote! {
                #[doc = #doc]
                pub fn #remover(mut self) -> Self {
                    #body
                    self
                }
            });
        }
        match &field.ty {
            // An atomic ADD cannot be checked against `min`/`max`: such fields have no adder.
            FieldType::Scalar(Scalar::Int(_) | Scalar::Decimal | Scalar::F64)
                if field.rules.min.is_none() && field.rules.max.is_none() =>
            {
                let adder = format_ident!("add_{}", bare(field));
                let ty = super::rust_type(&field.ty);
                let doc = format!(" Adds `amount` to `{field_name}` atomically (starting from 0 when absent).");
                methods.push(quote! {
                    #[doc = #doc]
                    pub fn #adder(mut self, amount: #ty) -> Self {
                        self.update.add(#attribute, #rt::AttributeCodec::encode(&amount));
                        self
                    }
                });
            }
            FieldType::Set(_) => {
                let ty = super::rust_type(&field.ty);
                let (adder, remover) = (
                    format_ident!("add_to_{}", bare(field)),
                    format_ident!("delete_from_{}", bare(field)),
                );
                let (add_doc, delete_doc) = (
                    format!(" Adds `values` to the set `{field_name}`."),
                    format!(" Removes `values` from the set `{field_name}`."),
                );
                methods.push(quote! {
                    #[doc = #add_doc]
                    pub fn #adder(mut self, values: #ty) -> Self {
                        self.update.add(#attribute, #rt::AttributeCodec::encode(&values));
                        self
                    }

                    #[doc = #delete_doc]
                    pub fn #remover(mut self, values: #ty) -> Self {
                        self.update.delete(#attribute, #rt::AttributeCodec::encode(&values));
                        self
                    }
                });
            }
            FieldType::List(_) => {
                let appender = format_ident!("append_to_{}", bare(field));
                let ty = super::rust_type(&field.ty);
                let doc = format!(" Appends `values` to the list `{field_name}`, checking their rules.");
                let validate_elements = if super::validate::contains_object(&field.ty, model) {
                    quote! {
                        let root = #rt::FieldPath::Root;
                        #rt::Validate::validate_at(&values, &root.field(#field_name), &mut self.update.errors);
                    }
                } else {
                    TokenStream::new()
                };
                methods.push(quote! {
                    #[doc = #doc]
                    pub fn #appender(mut self, values: #ty) -> Self {
                        #validate_elements
                        if let Some(values) = #rt::AttributeCodec::encode(&values) {
                            self.update.append(#attribute, values);
                        }
                        self
                    }
                });
            }
            _ => {}
        }
    }
    let updated = table.managed(FieldOrigin::Updated).map(|f| {
        let attribute = &f.attribute;
        quote!(self.update.set(#attribute, #rt::AttributeCodec::encode(&self.table.now()));)
    });
    let version = table.managed(FieldOrigin::Version).map(|f| {
        let attribute = &f.attribute;
        quote!(self.update.increment(#attribute);)
    });
    let receiver = if updated.is_none() && version.is_none() {
        quote!(self)
    } else {
        quote!(mut self)
    };
    let send_doc = format!(
        "Sends the update: the item must exist ([`NotFound`](rt::Error::NotFound) otherwise,\nnever an upsert){}. Returns the item as stored afterwards.",
        if updated.is_some() { "; `updated` is set" } else { "" }
    );
    let send_doc = super::doc(Some(&send_doc));
    let doc = format!(
        " An update of one `{}` item, built setter by setter; see [`{}Repository::update`].",
        table.table_name, table.name
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        #[must_use = "an update does nothing until `send` is awaited"]
        pub struct #update<'a> {
            table: &'a #rt::Table<#item>,
            key: #rt::AttributeMap,
            update: #rt::UpdateExpression,
        }

        impl #update<'_> {
            #(#methods)*

            #send_doc
            pub async fn send(#receiver) -> Result<#item, #rt::Error> {
                #updated
                #version
                self.table.update(self.key, self.update).await
            }
        }
    }
}
