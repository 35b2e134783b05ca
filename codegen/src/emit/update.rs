//! The update builder of a table (`BookUpdate`): the setters the IR allows each field, each
//! checking the field's rules through its check function before anything is sent.

use proc_macro2::TokenStream;
use quote::quote;

use super::{codec, ident, rt, validate};
use crate::ir::{Field, FieldOrigin, FieldType, Scalar, Table, UpdateMethod, UpdateOp};

/// `BookUpdate` and its methods.
pub(crate) fn update_builder(table: &Table) -> TokenStream {
    let rt = rt();
    let (item, update, key) = (
        ident(&table.names.item),
        ident(&table.names.update),
        ident(&table.names.key),
    );
    let methods = table
        .fields
        .iter()
        .flat_map(|field| field.updates.iter().map(move |m| setter(table, field, m)));
    let updated = table.managed(FieldOrigin::Updated).map(|f| {
        let attribute = &f.attribute;
        quote!(self.update.set(#attribute, #rt::Native.encode(&self.table.now()));)
    });
    let version = table.managed(FieldOrigin::Version).map(|f| {
        let attribute = &f.attribute;
        quote!(self.update.increment(#attribute);)
    });
    let version_field = table.managed(FieldOrigin::Version);
    let receiver = if updated.is_none() && version.is_none() {
        quote!(self)
    } else {
        quote!(mut self)
    };
    let (version_slot, version_init, expect_version, version_arg) = match version_field {
        Some(f) => {
            let attribute = &f.attribute;
            (
                quote!(version: Option<u64>,),
                quote!(version: None,),
                quote! {
                    /// Applies the update only if the stored item is still at `version`
                    /// ([`VersionConflict`](rt::Error::VersionConflict) with the stored item
                    /// otherwise): optimistic locking for read-modify-write.
                    pub fn expect_version(mut self, version: u64) -> Self {
                        self.version = Some(version);
                        self
                    }
                },
                quote!(self.version.map(|expected| (#attribute, expected))),
            )
        }
        None => (TokenStream::new(), TokenStream::new(), TokenStream::new(), quote!(None)),
    };
    let send_doc = super::doc(Some(&format!(
        "Sends the update: the item must exist ([`NotFound`](rt::Error::NotFound) otherwise,\nnever an upsert){}. Returns the item as stored afterwards.",
        if updated.is_some() { "; `updated` is set" } else { "" }
    )));
    let doc = format!(
        " An update of one `{}` item, built setter by setter; see [`{}::update`].",
        table.table_name, table.names.repository
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        #[must_use = "an update does nothing until `send` is awaited"]
        pub struct #update<'a> {
            table: &'a #rt::Table<#item>,
            key: #key,
            update: #rt::UpdateExpression,
            #version_slot
            condition: Option<#rt::Condition<#item>>,
        }

        impl<'a> #update<'a> {
            /// Starts an update of the item with `key`.
            pub(crate) fn new(table: &'a #rt::Table<#item>, key: #key) -> Self {
                Self { table, key, update: #rt::UpdateExpression::new(), #version_init condition: None }
            }

            #(#methods)*

            #expect_version

            /// Applies the update only if `condition` holds too
            /// ([`ConditionFailed`](rt::Error::ConditionFailed) with the stored item otherwise).
            /// Several calls are combined with AND.
            pub fn only_if(mut self, condition: #rt::Condition<#item>) -> Self {
                self.condition = Some(match self.condition.take() {
                    Some(previous) => previous & condition,
                    None => condition,
                });
                self
            }

            #send_doc
            pub async fn send(#receiver) -> Result<#item, #rt::Error> {
                #updated
                #version
                self.table.update(self.key.to_key(), self.update, #version_arg, self.condition.as_ref()).await
            }

            /// Adds the update to `transaction` instead of sending it; rule failures are
            /// returned now, the rest when the transaction is sent.
            pub fn transact(#receiver, transaction: &mut #rt::Transaction) -> Result<(), #rt::Error> {
                #updated
                #version
                transaction.update(self.table, self.key.to_key(), self.update, #version_arg, self.condition.as_ref())
            }
        }
    }
}

/// The statements that store the templates `setter` re-encodes: the setter's own field from
/// its new value (in scope under the field's name), the others from the key.
fn rewrites(table: &Table, field: &Field, setter: &UpdateMethod) -> TokenStream {
    let rt = rt();
    let key = ident(&table.names.key);
    setter
        .rewrites
        .iter()
        .map(|c| {
            let (attribute, encoder) = (&c.attribute, ident(&c.encoder));
            let args = c.parts().into_iter().map(|i| {
                let part = &table.fields[i];
                let name = ident(&part.ident);
                let by_ref = matches!(part.ty, FieldType::Scalar(Scalar::String | Scalar::Bytes));
                match (part.name == field.name, by_ref) {
                    (true, true) => quote!(&#name),
                    (true, false) => quote!(#name),
                    (false, true) => quote!(&self.key.#name),
                    (false, false) => quote!(self.key.#name),
                }
            });
            quote!(self.update.set(#attribute, Some(#rt::AttributeValue::S(#key::#encoder(#(#args),*))));)
        })
        .collect()
}

/// One setter: `set_title`, `remove_subtitle`, `add_copies_sold`, …
fn setter(table: &Table, field: &Field, setter: &UpdateMethod) -> TokenStream {
    let rt = rt();
    let op = setter.op;
    let rewrite = rewrites(table, field, setter);
    let method = ident(&setter.method);
    let name = ident(&field.ident);
    let attribute = &field.attribute;
    let field_name = &field.name;
    let ty = super::rust_type(&field.ty);
    let (doc, params, body) = match op {
        UpdateOp::Set => {
            let (param, convert) = super::value_param(field);
            let check = validate::setter_check(field, &quote!(#name));
            let encoded = codec::encode_value(field, &quote!(&#name));
            let mut doc = if check.is_empty() {
                format!(" Sets `{field_name}`.")
            } else {
                format!(" Sets `{field_name}`; the new value is checked against the schema's rules before sending.")
            };
            if !setter.rewrites.is_empty() {
                let attributes: Vec<String> = setter.rewrites.iter().map(|c| format!("`{}`", c.attribute)).collect();
                doc.push_str(&format!(
                    " Also sets {}, which the entity's index templates build from it.",
                    attributes.join(" and ")
                ));
            }
            (
                doc,
                quote!(#name: #param),
                quote!(#convert #check self.update.set(#attribute, #encoded); #rewrite),
            )
        }
        UpdateOp::Remove => (
            format!(" Removes `{field_name}` (reads back as `None`)."),
            TokenStream::new(),
            quote!(self.update.remove(#attribute);),
        ),
        UpdateOp::SetNull => (
            format!(" Sets `{field_name}` to NULL (reads back as `None`)."),
            TokenStream::new(),
            quote!(self.update.set(#attribute, Some(#rt::AttributeValue::Null(true)));),
        ),
        UpdateOp::Add => {
            // Only generated where no rule bounds the sum; an f64 amount is still checked finite.
            let check = validate::setter_check(field, &quote!(amount));
            let encoded = codec::encode_value(field, &quote!(&amount));
            (
                format!(" Adds `amount` to `{field_name}` atomically (starting from 0 when absent)."),
                quote!(amount: #ty),
                quote!(#check self.update.add(#attribute, #encoded);),
            )
        }
        UpdateOp::AddToSet => {
            let encoded = codec::encode_value(field, &quote!(&values));
            (
                format!(" Adds `values` to the set `{field_name}` atomically."),
                quote!(values: #ty),
                quote!(self.update.add(#attribute, #encoded);),
            )
        }
        UpdateOp::DeleteFromSet => {
            let encoded = codec::encode_value(field, &quote!(&values));
            (
                format!(" Removes `values` from the set `{field_name}` atomically."),
                quote!(values: #ty),
                quote!(self.update.delete(#attribute, #encoded);),
            )
        }
        UpdateOp::Append => {
            // The list's own rules hold for the longer list; the new elements' rules are checked.
            let check = if field.nested_checks {
                quote!(#rt::Validate::validate_at(&values, &#rt::FieldPath::Root.field(#field_name), &mut self.update.errors);)
            } else {
                TokenStream::new()
            };
            let encoded = codec::encode_value(field, &quote!(&values));
            let doc = if check.is_empty() {
                format!(" Appends `values` to the list `{field_name}` atomically.")
            } else {
                format!(" Appends `values` to the list `{field_name}` atomically, checking their rules.")
            };
            (
                doc,
                quote!(values: #ty),
                quote! {
                    #check
                    if let Some(values) = #encoded {
                        self.update.append(#attribute, values);
                    }
                },
            )
        }
    };
    quote! {
        #[doc = #doc]
        pub fn #method(mut self, #params) -> Self {
            #body
            self
        }
    }
}
