//! `ddbgen init`: a working project in an empty folder, from the templates in the repository's
//! `templates/init/`: `Cargo.toml` with every dependency it needs, an example schema, the
//! `build.rs` that generates from it, `src/lib.rs`, and a test on the embedded server that
//! passes on the first `cargo test`.

use std::path::{Path, PathBuf};

use minijinja::context;

use crate::Output;

/// The example schema's file stem (`schemas/links.yaml`, module `links`).
const SCHEMA: &str = "links";

/// What `init` needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitSettings {
    /// The package name (`url-shortener`).
    pub name: String,
    /// A clone of the ddbgen repository: the project depends on its `runtime/` and `codegen/`
    /// by path (while the crates are unpublished). `None`: on the published versions.
    pub ddbgen_repository: Option<PathBuf>,
}

impl InitSettings {
    /// The clone this `ddbgen` was built from, when it is still there.
    pub fn own_repository() -> Option<PathBuf> {
        let repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        repository.join("runtime/Cargo.toml").is_file().then_some(repository)
    }

    /// The package name of a project in `dir`: the folder's name, made one.
    pub fn folder_package_name(dir: &Path) -> Result<String, String> {
        let folder = std::fs::canonicalize(dir)
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default();
        package_name(&folder)
    }
}

/// A package name from a folder name: lowercase ASCII letters, digits, `-` and `_`, starting
/// with a letter (`My Shortener` → `my-shortener`).
pub fn package_name(folder: &str) -> Result<String, String> {
    let mut name = String::new();
    for c in folder.chars() {
        match c {
            'a'..='z' | '0'..='9' | '_' => name.push(c),
            'A'..='Z' => name.push(c.to_ascii_lowercase()),
            _ if !name.ends_with('-') && !name.is_empty() => name.push('-'),
            _ => {}
        }
    }
    let name = name.trim_end_matches('-').to_owned();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(format!(
            "cannot make a package name of the folder name `{folder}`: give one with `--name`"
        ));
    }
    Ok(name)
}

/// The project's files, by path relative to its folder.
pub fn scaffold(settings: &InitSettings) -> Output {
    let env = crate::templates::environment();
    let dependency = |crate_dir: &str| match &settings.ddbgen_repository {
        Some(repository) => {
            let path = std::fs::canonicalize(repository.join(crate_dir)).unwrap_or_else(|_| repository.join(crate_dir));
            format!("path = {:?}", path.display().to_string())
        }
        None => format!("version = \"{}\"", env!("CARGO_PKG_VERSION")),
    };
    let ctx = context! {
        name => settings.name.clone(),
        ident => settings.name.replace('-', "_"),
        schema => SCHEMA,
        runtime => dependency("runtime"),
        codegen => dependency("codegen"),
    };
    let templates = [
        ("Cargo.toml".to_owned(), include_str!("../templates/init/Cargo.toml.j2")),
        ("build.rs".to_owned(), include_str!("../templates/init/build.rs.j2")),
        ("src/lib.rs".to_owned(), include_str!("../templates/init/lib.rs.j2")),
        (
            format!("schemas/{SCHEMA}.yaml"),
            include_str!("../templates/init/schema.yaml.j2"),
        ),
        (
            format!("tests/{SCHEMA}.rs"),
            include_str!("../templates/init/test.rs.j2"),
        ),
        (".gitignore".to_owned(), "/target\n"),
    ];
    let files = templates
        .into_iter()
        .map(|(path, source)| {
            let text = crate::templates::render(&env, &path, source, &ctx);
            (PathBuf::from(path), text)
        })
        .collect();
    Output { files }
}

/// Writes the project into `dir`, which must not hold any of its files yet.
pub fn init(dir: &Path, settings: &InitSettings) -> Result<Output, String> {
    let output = scaffold(settings);
    let taken: Vec<String> = output
        .files
        .keys()
        .filter(|path| dir.join(path).exists())
        .map(|path| path.display().to_string())
        .collect();
    if !taken.is_empty() {
        return Err(format!(
            "{} already holds {}: `ddbgen init` starts a project in an empty folder",
            dir.display(),
            taken.join(", ")
        ));
    }
    output
        .write(dir)
        .map_err(|e| format!("cannot write {}: {e}", dir.display()))?;
    Ok(output)
}
