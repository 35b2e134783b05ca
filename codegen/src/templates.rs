//! The minijinja setup of every output rendered from the repository's `templates/` (a
//! generated crate's files, `ddbgen docs` pages, the project `ddbgen init` starts).

use minijinja::Environment;

/// An environment that keeps a template's trailing newline and drops the newline after a
/// block tag, as every template here is written.
pub(crate) fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .trim_blocks(true)
        .build();
    if let Ok(syntax) = syntax {
        env.set_syntax(syntax);
    }
    env
}

/// Renders template `name` (its text is `source`). The templates ship with the generator and
/// are tested: a failure here is a bug of ddbgen, reported as one.
pub(crate) fn render(env: &Environment<'_>, name: &str, source: &str, ctx: &minijinja::Value) -> String {
    env.render_str(source, ctx)
        .unwrap_or_else(|e| panic!("template {name} of ddbgen failed to render: {e}"))
}
