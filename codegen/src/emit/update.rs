//! The update builder of a table (`BookUpdate`): the setters the IR allows each field, each
//! checking the field's rules through its check function before anything is sent.

use proc_macro2::TokenStream;
use quote::quote;

use super::options::Options;
use super::print::{self, ident, rt};
use super::{codec, validate};
use crate::ir::{Field, FieldOrigin, FieldType, Scalar, Table, UpdateMethod, UpdateOp};

/// `BookUpdate` and its methods: the setters are the table's own; sending, conditions and
/// versions are the runtime's `Update`, which the builder wraps.
pub(crate) fn update_builder(table: &Table) -> TokenStream {
    let rt = rt();
    let (item, update) = (ident(&table.names.item), ident(&table.names.update));
    let methods = table
        .fields
        .iter()
        .flat_map(|field| field.updates.iter().map(move |m| setter(table, field, m)));
    let updated = table.managed(FieldOrigin::Updated).is_some();
    let expect_version = table.managed(FieldOrigin::Version).map(|_| {
        quote! {
            /// Applies the update only if the stored item is still at `version`
            /// ([`VersionConflict`](rt::ErrorKind::VersionConflict) with the stored item
            /// otherwise): optimistic locking for read-modify-write.
            pub fn expect_version(self, version: u64) -> Self {
                Self { update: self.update.expect_version(version) }
            }
        }
    });
    let send_doc = print::doc(Some(&format!(
        "Sends the update: the item must exist ([`NotFound`](rt::ErrorKind::NotFound) otherwise,\nnever an upsert){}. Returns the item as stored afterwards.",
        if updated { "; `updated` is set" } else { "" }
    )));
    let doc = format!(
        " An update of one `{}` item, built setter by setter; see [`rt::Repository::update`].",
        table.table_name
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        #[must_use = "an update does nothing until `send` is awaited"]
        pub struct #update<'a> {
            update: #rt::Update<'a, #item>,
        }

        impl<'a> From<#rt::Update<'a, #item>> for #update<'a> {
            fn from(update: #rt::Update<'a, #item>) -> Self {
                Self { update }
            }
        }

        impl #update<'_> {
            #(#methods)*

            #expect_version

            /// Applies the update only if `condition` holds too
            /// ([`ConditionFailed`](rt::ErrorKind::ConditionFailed) with the stored item otherwise).
            /// Several calls are combined with AND.
            pub fn only_if(self, condition: #rt::Condition<#item>) -> Self {
                Self { update: self.update.only_if(condition) }
            }

            #send_doc
            pub async fn send(self) -> Result<#item, #rt::Error> {
                self.update.send().await
            }

            /// Adds the update to `transaction` instead of sending it; rule failures are
            /// returned now, the rest when the transaction is sent.
            pub fn transact(self, transaction: &mut #rt::Transaction) -> Result<(), #rt::Error> {
                self.update.transact(transaction)
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
                    (false, true) => quote!(&self.update.key().#name),
                    (false, false) => quote!(self.update.key().#name),
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
    let ty = print::rust_type(&field.ty);
    let (doc, params, body) = match op {
        UpdateOp::Set => {
            let (param, convert) = print::value_param(field);
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

/// `BookPatch`, a partial change as a request body carries it (JSON Merge Patch, RFC 7396):
/// an `rt::Patch` per field with a `set_` setter; and the update builder's `apply`, which
/// calls those setters (rules and all), its `remove_` setter for `null`, and refuses `null`
/// for a field that is not optional. Emitted when the schema asks for it (`patch: true`),
/// with serde derives (generation refuses `patch: true` without them).
pub(crate) fn patch(table: &Table, options: &Options) -> TokenStream {
    let Some(patch) = table.names.patch.as_deref().filter(|_| options.serde) else {
        return TokenStream::new();
    };
    let rt = rt();
    let method = |field: &Field, ops: &[UpdateOp]| {
        field
            .updates
            .iter()
            .find(|m| ops.contains(&m.op))
            .map(|m| ident(&m.method))
    };
    let settable: Vec<_> = table
        .fields
        .iter()
        .filter_map(|f| {
            Some((
                f,
                method(f, &[UpdateOp::Set])?,
                method(f, &[UpdateOp::Remove, UpdateOp::SetNull]),
            ))
        })
        .collect();
    if settable.is_empty() {
        return TokenStream::new();
    }
    let (patch, update) = (ident(patch), ident(&table.names.update));
    let fields = settable.iter().map(|(field, _, remove)| {
        let name = ident(&field.ident);
        let ty = print::rust_type(&field.ty);
        let serde_name = &field.name;
        let rename = (field.bare_ident() != field.name).then(|| quote!(rename = #serde_name,));
        let doc = match remove {
            Some(_) => format!(" New `{serde_name}`: a value sets it, `null` removes it."),
            None => format!(" New `{serde_name}`: a value sets it; `null` is refused (it is required)."),
        };
        quote! {
            #[doc = #doc]
            #[serde(#rename skip_serializing_if = "rt::Patch::is_keep")]
            pub #name: #rt::Patch<#ty>,
        }
    });
    let applies = settable.iter().map(|(field, set, remove)| {
        let (name, field_name) = (ident(&field.ident), &field.name);
        match remove {
            Some(remove) => quote!(self = patch.#name.apply(self, Self::#set, Self::#remove);),
            None => quote! {
                self.update.refuse_removal(#field_name, &patch.#name);
                self = patch.#name.apply_value(self, Self::#set);
            },
        }
    });
    let doc = print::doc(Some(&format!(
        "A partial change of a [`{item}`] as a request body carries it (JSON Merge Patch, RFC 7396):
a field left out keeps its value, `null` removes an optional field, any other value sets it.
Unknown fields, keys and managed columns are refused when deserializing. Apply it with
[`{update}::apply`], which checks the rules as the setters do.",
        item = table.names.item,
        update = table.names.update,
    )));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Default, #rt::serde::Serialize, #rt::serde::Deserialize)]
        #[serde(crate = "::ddbgen_runtime::codegen::serde", default, deny_unknown_fields)]
        pub struct #patch {
            #(#fields)*
        }

        impl #update<'_> {
            /// Applies every change `patch` carries through the field's setter, so each new
            /// value is checked against the schema's rules before sending; `null` for a
            /// required field is a rule failure too.
            pub fn apply(mut self, patch: #patch) -> Self {
                #(#applies)*
                self
            }
        }
    }
}
