//! The `build.rs` front door, shaped like `prost_build::Config`.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     ddbgen::Builder::new().schema("schemas/library.yaml").generate()?;
//!     Ok(())
//! }
//! ```
//! and in the crate: `include!(concat!(env!("OUT_DIR"), "/library.rs"));`
//!
//! A build dependency needs only the library: `ddbgen = { version = "…",
//! default-features = false }` leaves out the command line and its dependencies.

use std::fmt;
use std::path::PathBuf;

use crate::SchemaSource;
use crate::emit::Options;

/// Settings for generating code from `build.rs`.
#[derive(Debug, Clone, Default)]
pub struct Builder {
    schemas: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    options: Options,
}

/// Why [`Builder::generate`] failed. Its `Debug` is its `Display`, so that a `build.rs` whose
/// `main` returns `Result` prints the schema errors readably, each once, each on its own line
/// starting with `file:line:column`.
pub enum BuildError {
    /// A schema file could not be read, or the output could not be written.
    Io(PathBuf, std::io::Error),
    /// No output directory was given, and `OUT_DIR` is not set.
    NoOutDir,
    /// An attribute given to [`Builder::type_attribute`] or [`Builder::field_attribute`] is not
    /// Rust: (path, attribute, why).
    Attribute(String, String, String),
    /// The schemas have errors, each with `file:line:column`.
    Schema(crate::Diagnostics),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Io(path, e) => write!(f, "ddbgen cannot read or write {}: {e}", path.display()),
            BuildError::NoOutDir => f.write_str(
                "ddbgen has no output directory: call `out_dir`, or run from build.rs, where cargo sets OUT_DIR",
            ),
            BuildError::Attribute(path, attribute, why) => {
                write!(f, "ddbgen: the attribute `{attribute}` for `{path}` is not Rust: {why}")
            }
            BuildError::Schema(diagnostics) => {
                let count = diagnostics.0.len();
                let plural = if count == 1 { "" } else { "s" };
                write!(f, "ddbgen found {count} error{plural} in the schemas:\n{diagnostics}")
            }
        }
    }
}

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for BuildError {}

impl Builder {
    /// A builder with no schemas, writing to cargo's `OUT_DIR`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a schema file. Each file becomes `<file stem>.rs` in the output directory.
    /// Relative paths are relative to the crate root, where cargo runs `build.rs`.
    ///
    /// `REV:path` (when no such file exists) reads the file as git holds it at revision `REV`,
    /// into `<file stem>_<rev>.rs`: `v1:schemas/library.yaml` becomes `library_v1.rs`, the old
    /// types a migration reads (`docs/migrations.md`).
    pub fn schema(mut self, path: impl Into<PathBuf>) -> Self {
        self.schemas.push(path.into());
        self
    }

    /// Writes into `dir`. Default: cargo's `OUT_DIR`, read when [`Builder::generate`] runs.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Writes into cargo's `OUT_DIR`: the default, kept for build scripts that say so.
    pub fn out_dir_from_env(mut self) -> Self {
        self.out_dir = None;
        self
    }

    /// Whether generated types derive serde's `Serialize` and `Deserialize` (default `true`).
    /// Without them `cargo check` of generated code takes about a third of the time
    /// (BENCHMARKS.md, section 3); keep them when the types go into JSON APIs.
    ///
    /// ```no_run
    /// ddbgen::Builder::new().schema("schemas/library.yaml").serde(false).generate()?;
    /// # Ok::<(), ddbgen::builder::BuildError>(())
    /// ```
    pub fn serde(mut self, derive: bool) -> Self {
        self.options.serde = derive;
        self
    }

    /// Adds `attribute` to the generated data type `path` (a Rust type name such as
    /// `BookKey`, `NewBook` or `Author`), or to every data type for `.`; as
    /// `prost_build::Config::type_attribute`. Checked when [`Builder::generate`] runs.
    ///
    /// ```no_run
    /// ddbgen::Builder::new()
    ///     .schema("schemas/library.yaml")
    ///     .type_attribute("BookKey", "#[derive(PartialOrd)]")
    ///     .generate()?;
    /// # Ok::<(), ddbgen::builder::BuildError>(())
    /// ```
    pub fn type_attribute(mut self, path: impl Into<String>, attribute: impl Into<String>) -> Self {
        self.options.type_attributes.push((path.into(), attribute.into()));
        self
    }

    /// Adds `attribute` to the field `path` (`Type.field`, with the schema's field name, such
    /// as `Book.title`), or to every field of every data type for `.`.
    ///
    /// ```no_run
    /// ddbgen::Builder::new()
    ///     .schema("schemas/library.yaml")
    ///     .field_attribute("Book.title", "#[doc(alias = \"name\")]")
    ///     .generate()?;
    /// # Ok::<(), ddbgen::builder::BuildError>(())
    /// ```
    pub fn field_attribute(mut self, path: impl Into<String>, attribute: impl Into<String>) -> Self {
        self.options.field_attributes.push((path.into(), attribute.into()));
        self
    }

    /// Reads the schemas, prints `cargo:rerun-if-changed` for each, and writes the generated
    /// modules (only files whose bytes changed).
    pub fn generate(&self) -> Result<(), BuildError> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(BuildError::NoOutDir)?,
        };
        for (path, attribute) in self
            .options
            .type_attributes
            .iter()
            .chain(&self.options.field_attributes)
        {
            check_attribute(attribute).map_err(|why| BuildError::Attribute(path.clone(), attribute.clone(), why))?;
        }
        let mut sources = Vec::new();
        for path in &self.schemas {
            match SchemaSource::read(path) {
                Ok(source) => {
                    println!("cargo:rerun-if-changed={}", path.display());
                    sources.push(source);
                }
                // `REV:path`: the file as git holds it at a revision (module `library_v1`). No
                // file to watch: a revision's content does not change.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    let spec = path.display().to_string();
                    match SchemaSource::read_spec(&spec) {
                        Ok(source) => sources.push(source),
                        Err(why) => {
                            // A missing file that is created later re-runs the build.
                            println!("cargo:rerun-if-changed={spec}");
                            return Err(BuildError::Io(path.clone(), std::io::Error::other(why)));
                        }
                    }
                }
                Err(e) => {
                    println!("cargo:rerun-if-changed={}", path.display());
                    return Err(BuildError::Io(path.clone(), e));
                }
            }
        }
        let output = crate::generate_modules_with(&sources, &self.options).map_err(BuildError::Schema)?;
        output.write(&out_dir).map_err(|e| BuildError::Io(out_dir.clone(), e))?;
        Ok(())
    }
}

/// One or more outer attributes (`#[derive(Hash)]`), or why not.
fn check_attribute(attribute: &str) -> Result<(), String> {
    use syn::parse::Parser;
    match syn::Attribute::parse_outer.parse_str(attribute) {
        Ok(attributes) if !attributes.is_empty() => Ok(()),
        Ok(_) => Err("write it as `#[...]`".to_owned()),
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_checked_before_anything_is_read() {
        let error = Builder::new()
            .schema("no-such-file.yaml")
            .out_dir(std::env::temp_dir())
            .type_attribute("BookKey", "derive(Hash)")
            .generate()
            .expect_err("not an attribute");
        assert!(
            error
                .to_string()
                .starts_with("ddbgen: the attribute `derive(Hash)` for `BookKey` is not Rust"),
            "{error}"
        );
        assert!(check_attribute("#[derive(Eq, Hash)] #[serde(default)]").is_ok());
    }

    #[test]
    fn a_schema_at_a_revision_generates_beside_the_current_one() {
        let dir = std::env::temp_dir().join(format!("ddbgen-builder-{}", std::process::id()));
        Builder::new()
            .schema("HEAD:schemas/library.yaml")
            .out_dir(&dir)
            .generate()
            .expect("generated from git");
        let text = std::fs::read_to_string(dir.join("library_head.rs")).expect("library_head.rs");
        assert!(
            text.starts_with("// @generated by ddbgen from HEAD:schemas/library.yaml"),
            "{}",
            &text[..80]
        );
        let error = Builder::new()
            .schema("HEAD:no/such.yaml")
            .out_dir(&dir)
            .generate()
            .expect_err("no such file at HEAD");
        assert!(
            error.to_string().contains("cannot read HEAD:no/such.yaml from git"),
            "{error}"
        );
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
