//! Typed queries: the table's and one per index, with sort-key conditions that only accept the
//! key's own types, and a projection type for indexes that do not hold whole items.

use heck::ToUpperCamelCase;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::key::{key_param, push_part};
use super::repository::{bare, param};
use super::{data_derives, ident, rt};
use crate::ir::{Field, FieldOrigin, FieldType, Index, Model, ProjectionKind, RangeKey, Rules, Scalar, Table};

/// Where a query reads: the table, or an index with its item type.
struct Target<'a> {
    table: &'a Table,
    index: Option<&'a Index>,
}

impl Target<'_> {
    /// The type items are read as.
    fn item(&self) -> TokenStream {
        match self.index {
            Some(index) if index.projection != ProjectionKind::All => {
                let name = projection_name(self.table, index);
                quote!(#name)
            }
            _ => {
                let name = format_ident!("{}", self.table.name);
                quote!(#name)
            }
        }
    }

    /// `self.table.query(condition)` or `self.table.query_index::<P>("name", condition)`.
    fn run(&self, condition: TokenStream) -> TokenStream {
        match self.index {
            Some(index) => {
                let (item, name) = (self.item(), &index.name);
                quote!(self.table.query_index::<#item>(#name, #condition))
            }
            None => quote!(self.table.query(#condition)),
        }
    }

    /// Name prefix of generated query types: `BookQuery`, `BookByTitleQuery`.
    fn type_prefix(&self) -> String {
        match self.index {
            Some(index) => format!("{}{}Query", self.table.name, index.name.to_upper_camel_case()),
            None => format!("{}Query", self.table.name),
        }
    }
}

fn projection_name(table: &Table, index: &Index) -> Ident {
    format_ident!("{}{}", table.name, index.name.to_upper_camel_case())
}

/// The repository's query methods.
pub(crate) fn query_methods(table: &Table, _model: &Model) -> TokenStream {
    let mut methods = vec![query_method(&Target { table, index: None })];
    for index in &table.indexes {
        methods.push(query_method(&Target {
            table,
            index: Some(index),
        }));
    }
    quote!(#(#methods)*)
}

/// The query types: level structs of sort-key conditions, and projection types.
pub(crate) fn query_types(table: &Table, _model: &Model) -> TokenStream {
    let mut types = vec![level_types(&Target { table, index: None })];
    for index in &table.indexes {
        let target = Target {
            table,
            index: Some(index),
        };
        types.push(level_types(&target));
        if index.projection != ProjectionKind::All {
            types.push(projection_type(table, index));
        }
    }
    quote!(#(#types)*)
}

/// The sort key a target is queried by.
enum SortKey<'a> {
    None,
    Field(&'a Field),
    Composite {
        attribute: &'a str,
        separator: &'a str,
        parts: Vec<&'a Field>,
    },
}

fn sort_key<'a>(target: &Target<'a>) -> SortKey<'a> {
    let table = target.table;
    match target.index {
        Some(index) => match index.range_key {
            Some(i) => SortKey::Field(&table.fields[i]),
            None => SortKey::None,
        },
        None => match &table.range_key {
            Some(RangeKey::Field(i)) => SortKey::Field(&table.fields[*i]),
            Some(RangeKey::Composite(c)) => SortKey::Composite {
                attribute: &c.attribute,
                separator: &c.separator,
                parts: c.parts.iter().map(|i| &table.fields[*i]).collect(),
            },
            None => SortKey::None,
        },
    }
}

fn hash_field<'a>(target: &Target<'a>) -> &'a Field {
    match target.index {
        Some(index) => &target.table.fields[index.hash_key],
        None => target.table.hash_field(),
    }
}

fn query_method(target: &Target) -> TokenStream {
    let rt = rt();
    let hash = hash_field(target);
    let name = ident(&hash.ident);
    let attribute = &hash.attribute;
    let (param_type, convert) = param(hash);
    let condition = quote!(#rt::KeyCondition::hash(#attribute, #rt::key_value(&#name)));
    let method = match target.index {
        Some(index) => format_ident!("query_{}", index.name.replace(['-', '.'], "_").to_lowercase()),
        None => format_ident!("query"),
    };
    let what = match target.index {
        Some(index) => format!("index `{}`", index.name),
        None => format!("table `{}`", target.table.table_name),
    };
    let doc = format!(
        " Items of {what} whose `{}` is the given value; narrow by the sort key, then read.",
        hash.name
    );
    let item = target.item();
    match sort_key(target) {
        SortKey::None => {
            let run = target.run(condition);
            quote! {
                #[doc = #doc]
                pub fn #method(&self, #name: #param_type) -> #rt::Query<#item> {
                    #convert
                    #run
                }
            }
        }
        _ => {
            let level = format_ident!("{}", target.type_prefix());
            quote! {
                #[doc = #doc]
                pub fn #method(&self, #name: #param_type) -> #level<'_> {
                    #convert
                    #level { table: &self.table, condition: #condition }
                }
            }
        }
    }
}

/// Methods that read a level struct as a query: `limit`, `stream`, `page`, …
fn forwards(item: &TokenStream) -> TokenStream {
    let rt = rt();
    quote! {
        /// Returns at most `n` items (counted as returned, not as evaluated).
        pub fn limit(self, n: usize) -> #rt::Query<#item> {
            self.into_query().limit(n)
        }

        /// Evaluates at most `n` items per request (DynamoDB's `Limit`).
        pub fn page_size(self, n: i32) -> #rt::Query<#item> {
            self.into_query().page_size(n)
        }

        /// Reads in descending sort-key order.
        pub fn reverse(self) -> #rt::Query<#item> {
            self.into_query().reverse()
        }

        /// Reads with strong consistency (not on global indexes).
        pub fn consistent_read(self) -> #rt::Query<#item> {
            self.into_query().consistent_read()
        }

        /// Every matching item, lazily: the next page is requested when the consumer reaches it.
        pub fn stream(self) -> impl #rt::Stream<Item = Result<#item, #rt::Error>> + Send + 'static {
            self.into_query().stream()
        }

        /// One page of items and the cursor of the next.
        pub async fn page(self, cursor: Option<&#rt::Cursor>) -> Result<#rt::Page<#item>, #rt::Error> {
            self.into_query().page(cursor).await
        }

        /// Every matching item, collected.
        pub async fn all(self) -> Result<Vec<#item>, #rt::Error> {
            self.into_query().all().await
        }
    }
}

/// Comparison methods on one sort-key value: `between`, `gt`, `ge`, `lt`, `le` (plus
/// `begins_with` for strings). `encode(v)` and `after(v)` give the stored bounds.
fn comparisons(
    target: &Target,
    field: &Field,
    attribute: &str,
    encode: &dyn Fn(&TokenStream) -> TokenStream,
    after: &dyn Fn(&TokenStream) -> TokenStream,
) -> TokenStream {
    let rt = rt();
    let item = target.item();
    let name = bare(field);
    let ty = key_param(field);
    let (low, high, value) = (quote!(low), quote!(high), quote!(value));
    let cases = [
        (
            "between",
            format!(" Items whose `{name}` is from `low` to `high`, both included."),
            true,
            {
                let (low, high) = (encode(&low), after(&high));
                quote!(#rt::SortCondition::Between(#low, #high))
            },
        ),
        (
            "gt",
            format!(" Items whose `{name}` is greater than `value`."),
            false,
            {
                let v = after(&value);
                quote!(#rt::SortCondition::Ge(#v))
            },
        ),
        ("ge", format!(" Items whose `{name}` is at least `value`."), false, {
            let v = encode(&value);
            quote!(#rt::SortCondition::Ge(#v))
        }),
        ("lt", format!(" Items whose `{name}` is less than `value`."), false, {
            let v = encode(&value);
            quote!(#rt::SortCondition::Lt(#v))
        }),
        ("le", format!(" Items whose `{name}` is at most `value`."), false, {
            let v = after(&value);
            quote!(#rt::SortCondition::Lt(#v))
        }),
    ];
    let methods = cases.into_iter().map(|(suffix, doc, two, condition)| {
        let method = format_ident!("{name}_{suffix}");
        let params = if two {
            quote!(low: #ty, high: #ty)
        } else {
            quote!(value: #ty)
        };
        let run = target.run(quote!(self.condition.sort(#attribute, #condition)));
        quote! {
            #[doc = #doc]
            pub fn #method(self, #params) -> #rt::Query<#item> {
                #run
            }
        }
    });
    quote!(#(#methods)*)
}

fn level_types(target: &Target) -> TokenStream {
    match sort_key(target) {
        SortKey::None => TokenStream::new(),
        SortKey::Field(field) => single_field_level(target, field),
        SortKey::Composite {
            attribute,
            separator,
            parts,
        } => composite_levels(target, attribute, separator, &parts),
    }
}

/// The struct of one level of narrowing, with its methods and the reading forwards.
fn level_struct(
    target: &Target,
    name: &Ident,
    has_key: bool,
    methods: TokenStream,
    into_query: TokenStream,
) -> TokenStream {
    let rt = rt();
    let table_item = format_ident!("{}", target.table.name);
    let item = target.item();
    let key_field = if has_key {
        quote!(key: #rt::CompositeKey<'static>,)
    } else {
        TokenStream::new()
    };
    let forwards = forwards(&item);
    quote! {
        /// A query narrowed so far: narrow it further by the sort key, or read it.
        #[derive(Debug)]
        #[must_use = "a query reads nothing until it is streamed or paged"]
        pub struct #name<'a> {
            table: &'a #rt::Table<#table_item>,
            condition: #rt::KeyCondition,
            #key_field
        }

        impl<'a> #name<'a> {
            #methods

            fn into_query(self) -> #rt::Query<#item> {
                #into_query
            }

            #forwards
        }
    }
}

fn single_field_level(target: &Target, field: &Field) -> TokenStream {
    let rt = rt();
    let item = target.item();
    let level = format_ident!("{}", target.type_prefix());
    let attribute = &field.attribute;
    let field_name = &field.name;
    let is_string = field.ty == FieldType::Scalar(Scalar::String);
    let ty = key_param(field);
    let value_of = |v: TokenStream| {
        if is_string {
            quote!(#rt::AttributeValue::S(#v.to_owned()))
        } else {
            quote!(#rt::key_value(&#v))
        }
    };
    let run = |condition: TokenStream| target.run(quote!(self.condition.sort(#attribute, #condition)));
    let mut methods = Vec::new();
    let eq = format_ident!("{}", bare(field));
    let eq_doc = format!(" Items whose `{field_name}` is `value`.");
    let eq_run = run({
        let v = value_of(quote!(value));
        quote!(#rt::SortCondition::Eq(#v))
    });
    methods.push(quote! {
        #[doc = #eq_doc]
        pub fn #eq(self, value: #ty) -> #rt::Query<#item> {
            #eq_run
        }
    });
    // A single-field sort key compares stored values directly.
    for (suffix, operator, doc) in [
        (
            "gt",
            quote!(Gt),
            format!(" Items whose `{field_name}` is greater than `value`."),
        ),
        (
            "ge",
            quote!(Ge),
            format!(" Items whose `{field_name}` is at least `value`."),
        ),
        (
            "lt",
            quote!(Lt),
            format!(" Items whose `{field_name}` is less than `value`."),
        ),
        (
            "le",
            quote!(Le),
            format!(" Items whose `{field_name}` is at most `value`."),
        ),
    ] {
        let method = format_ident!("{}_{suffix}", bare(field));
        let v = value_of(quote!(value));
        let body = run(quote!(#rt::SortCondition::#operator(#v)));
        methods.push(quote! {
            #[doc = #doc]
            pub fn #method(self, value: #ty) -> #rt::Query<#item> {
                #body
            }
        });
    }
    let between = format_ident!("{}_between", bare(field));
    let between_doc = format!(" Items whose `{field_name}` is from `low` to `high`, both included.");
    let body = run({
        let (low, high) = (value_of(quote!(low)), value_of(quote!(high)));
        quote!(#rt::SortCondition::Between(#low, #high))
    });
    methods.push(quote! {
        #[doc = #between_doc]
        pub fn #between(self, low: #ty, high: #ty) -> #rt::Query<#item> {
            #body
        }
    });
    if is_string {
        let method = format_ident!("{}_begins_with", bare(field));
        let body = run(quote!(#rt::SortCondition::BeginsWith(prefix.to_owned())));
        let doc = format!(" Items whose `{field_name}` starts with `prefix`.");
        methods.push(quote! {
            #[doc = #doc]
            pub fn #method(self, prefix: &str) -> #rt::Query<#item> {
                #body
            }
        });
    }
    let into_query = target.run(quote!(self.condition));
    level_struct(target, &level, false, quote!(#(#methods)*), into_query)
}

fn composite_levels(target: &Target, attribute: &str, separator: &str, parts: &[&Field]) -> TokenStream {
    let rt = rt();
    let item = target.item();
    let mut out = Vec::new();
    let level_name = |k: usize| {
        let fixed: String = parts[..k].iter().map(|f| f.name.to_upper_camel_case()).collect();
        format_ident!("{}{fixed}", target.type_prefix())
    };
    for (k, part) in parts.iter().enumerate() {
        let level = level_name(k);
        let part_name = &part.name;
        let method = format_ident!("{}", bare(part));
        let ty = key_param(part);
        let push = push_part(part, &quote!(value));
        let key = if k == 0 {
            quote!(#rt::CompositeKey::new(#separator))
        } else {
            quote!(self.key)
        };
        let mut methods = Vec::new();
        if k + 1 < parts.len() {
            let next = level_name(k + 1);
            let doc = format!(" Items whose `{part_name}` is `value` (a `begins_with` on the sort key).");
            methods.push(quote! {
                #[doc = #doc]
                pub fn #method(self, value: #ty) -> #next<'a> {
                    #next { table: self.table, condition: self.condition, key: #key #push }
                }
            });
        } else {
            let doc = format!(" The item whose `{part_name}` is `value`: the whole sort key.");
            let run = target.run(quote!(self.condition.sort(#attribute, #rt::SortCondition::Eq(#rt::AttributeValue::S(#key #push.finish())))));
            methods.push(quote! {
                #[doc = #doc]
                pub fn #method(self, value: #ty) -> #rt::Query<#item> {
                    #run
                }
            });
        }
        if k == 0 {
            let encode = |v: &TokenStream| {
                let push = push_part(part, v);
                quote!(#rt::AttributeValue::S(#rt::CompositeKey::new(#separator)#push.finish()))
            };
            let after = |v: &TokenStream| {
                let push = push_part(part, v);
                quote!(#rt::AttributeValue::S(#rt::CompositeKey::new(#separator)#push.after()))
            };
            methods.push(comparisons(target, part, attribute, &encode, &after));
        }
        let into_query = if k == 0 {
            target.run(quote!(self.condition))
        } else {
            target.run(quote!(self.condition.sort(#attribute, #rt::SortCondition::BeginsWith(self.key.prefix()))))
        };
        out.push(level_struct(target, &level, k > 0, quote!(#(#methods)*), into_query));
    }
    quote!(#(#out)*)
}

/// The type read from an index that does not hold whole items: the table's key fields, the
/// index's key fields and the included fields.
fn projection_type(table: &Table, index: &Index) -> TokenStream {
    let rt = rt();
    let name = projection_name(table, index);
    let mut fields: Vec<Field> = Vec::new();
    let mut add = |field: Field| {
        if !fields.iter().any(|f| f.attribute == field.attribute) {
            fields.push(field);
        }
    };
    add(table.hash_field().clone());
    match &table.range_key {
        Some(RangeKey::Field(i)) => add(table.fields[*i].clone()),
        Some(RangeKey::Composite(c)) => add(Field {
            name: c.attribute.clone(),
            ident: crate::ir::lower::rust_field_ident(&c.attribute),
            attribute: c.attribute.clone(),
            ty: FieldType::Scalar(Scalar::String),
            optional: false,
            nullable: false,
            default: None,
            rules: Rules::default(),
            doc: Some("The stored composite sort key.".to_owned()),
            origin: FieldOrigin::Declared,
        }),
        None => {}
    }
    add(table.fields[index.hash_key].clone());
    if let Some(i) = index.range_key {
        add(table.fields[i].clone());
    }
    for i in &index.include {
        add(table.fields[*i].clone());
    }
    let derives = data_derives();
    let struct_fields = fields.iter().map(super::item::struct_field);
    let decode = super::convert::decode_fields(&fields);
    let doc = format!(
        " What index `{}` holds of an item: its keys{}.",
        index.name,
        if index.include.is_empty() {
            ""
        } else {
            " and the included fields"
        }
    );
    let table_name = &table.table_name;
    quote! {
        #[doc = #doc]
        #derives
        pub struct #name {
            #(#struct_fields)*
        }

        impl #rt::FromItem for #name {
            fn from_item(map: #rt::AttributeMap) -> Result<Self, #rt::Error> {
                let decode = |map: #rt::AttributeMap| -> Result<Self, #rt::DecodeError> { #decode };
                decode(map).map_err(|error| error.in_table(#table_name))
            }
        }
    }
}
