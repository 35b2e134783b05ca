//! Rust names: how a schema name becomes an identifier, and one registry per generated scope,
//! so that two things that would be generated under one name are a schema error naming both,
//! never code that does not compile.

use std::collections::BTreeMap;

use heck::ToSnakeCase;

use super::Span;

/// Rust's keywords, strict and reserved, in every edition ddbgen targets.
pub const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
    "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract",
    "become", "box", "do", "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers (`r#self` is not Rust).
const NOT_RAW: &[&str] = &["self", "super", "crate", "Self", "_"];

/// `name` as an identifier: raw (`r#type`) when it is a keyword, `None` when even a raw
/// identifier is impossible (`self`, `super`, `crate`, `Self`).
pub fn escape(name: &str) -> Option<String> {
    if NOT_RAW.contains(&name) {
        None
    } else if RUST_KEYWORDS.contains(&name) {
        Some(format!("r#{name}"))
    } else {
        Some(name.to_owned())
    }
}

/// Whether `name` is an identifier Rust accepts where the generator prints it (`r#type` is,
/// `Self`, `self` and `r#self` are not), as `syn`, which parses the generated code, decides.
pub fn is_ident(name: &str) -> bool {
    syn::parse_str::<syn::Ident>(name).is_ok()
}

/// The snake_case form of a schema name (`first-name` → `first_name`). A leading `_`
/// (`_private`) and trailing ones (`crate_`, the usual way to name a keyword) are kept.
pub fn snake(name: &str) -> String {
    let snake = name.replace(['-', '.'], "_").to_snake_case();
    let lead = if name.starts_with('_') && !snake.starts_with('_') {
        "_"
    } else {
        ""
    };
    let trailing = name.len() - name.trim_end_matches('_').len();
    let kept = snake.len() - snake.trim_end_matches('_').len();
    format!("{lead}{snake}{}", "_".repeat(trailing.saturating_sub(kept)))
}

/// One namespace of generated code: a module's items, a type's methods.
#[derive(Debug)]
pub struct Scope {
    /// What the scope is, for messages (`module \`book\``).
    what: String,
    claimed: BTreeMap<String, Claim>,
}

#[derive(Debug, Clone)]
struct Claim {
    why: String,
    span: Option<Span>,
}

/// Two things generated under one name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    /// The name (bare, without `r#`).
    pub name: String,
    /// The scope, for the message.
    pub scope: String,
    /// What claimed it first.
    pub first: String,
    /// Where the first claim comes from, when it comes from the schema.
    pub first_span: Option<Span>,
    /// What claims it now.
    pub second: String,
}

impl Scope {
    /// An empty scope.
    pub fn new(what: impl Into<String>) -> Self {
        Self {
            what: what.into(),
            claimed: BTreeMap::new(),
        }
    }

    /// A scope whose `names` are taken by generated code itself (`send`, `limit`).
    pub fn with_fixed(what: impl Into<String>, names: &[(&str, &str)]) -> Self {
        let mut scope = Self::new(what);
        for (name, why) in names {
            scope.claimed.insert(
                (*name).to_owned(),
                Claim {
                    why: (*why).to_owned(),
                    span: None,
                },
            );
        }
        scope
    }

    /// Claims `name` (raw or not: `r#type` and `type` are one name) for `why`.
    pub fn claim(&mut self, name: &str, why: impl Into<String>, span: Option<Span>) -> Result<(), Clash> {
        let bare = name.trim_start_matches("r#").to_owned();
        let why = why.into();
        match self.claimed.get(&bare) {
            Some(first) => Err(Clash {
                name: bare,
                scope: self.what.clone(),
                first: first.why.clone(),
                first_span: first.span,
                second: why,
            }),
            None => {
                self.claimed.insert(bare, Claim { why, span });
                Ok(())
            }
        }
    }
}

impl Clash {
    /// The message of the schema error, naming both claims.
    pub fn message(&self) -> String {
        format!(
            "`{}` in {} is generated twice: for {} and for {}",
            self.name, self.scope, self.first, self.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_raw_except_where_rust_forbids_it() {
        assert_eq!(escape("type").as_deref(), Some("r#type"));
        assert_eq!(escape("ref").as_deref(), Some("r#ref"));
        assert_eq!(escape("title").as_deref(), Some("title"));
        assert_eq!(escape("self"), None);
        assert_eq!(escape("Self"), None);
        assert_eq!(snake("first-name"), "first_name");
        assert_eq!(snake("by.title"), "by_title");
        assert_eq!(snake("_private"), "_private");
        assert_eq!(snake("crate_"), "crate_");
        assert_eq!(snake("self__"), "self__");
        assert_eq!(snake("Type_"), "type_");
    }

    #[test]
    fn a_second_claim_names_the_first() {
        let mut scope = Scope::with_fixed("the query `BookQuery`", &[("page", "the read of one page")]);
        scope
            .claim(
                "published_year",
                "key part `published_year`",
                Some(Span { line: 3, column: 5 }),
            )
            .expect("free");
        let clash = scope.claim("r#page", "key part `page`", None).expect_err("taken");
        assert_eq!(
            clash.message(),
            "`page` in the query `BookQuery` is generated twice: for the read of one page and for key part `page`"
        );
        let clash = scope.claim("published_year", "index `x`", None).expect_err("taken");
        assert!(
            clash
                .message()
                .contains("for key part `published_year` and for index `x`")
        );
        assert_eq!(clash.first_span, Some(Span { line: 3, column: 5 }));
    }
}
