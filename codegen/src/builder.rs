//! The `build.rs` front door, shaped like `prost_build::Config`.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     ddbgen::Builder::new().schema("schemas/library.yaml").out_dir_from_env().generate()?;
//!     Ok(())
//! }
//! ```
//! and in the crate: `include!(concat!(env!("OUT_DIR"), "/library.rs"));`

use std::fmt;
use std::path::PathBuf;

use crate::SchemaSource;

/// Settings for generating code from `build.rs`.
#[derive(Debug, Clone, Default)]
pub struct Builder {
    schemas: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    options: crate::emit::Options,
}

/// Why [`Builder::generate`] failed. Its `Debug` is its `Display`, so that a `build.rs` whose
/// `main` returns `Result` prints the schema errors readably.
pub enum BuildError {
    /// A schema file could not be read.
    Io(PathBuf, std::io::Error),
    /// No output directory was given, and `OUT_DIR` is not set.
    NoOutDir,
    /// The schemas have errors, each with `file:line:column`.
    Schema(crate::Diagnostics),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Io(path, e) => write!(f, "cannot read schema {}: {e}", path.display()),
            BuildError::NoOutDir => {
                f.write_str("no output directory: call `out_dir` or run from build.rs, where OUT_DIR is set")
            }
            BuildError::Schema(diagnostics) => write!(f, "{diagnostics}"),
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
    /// A builder with no schemas and no output directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a schema file. Each file becomes `<file stem>.rs` in the output directory.
    /// Relative paths are relative to the crate root, where cargo runs `build.rs`.
    pub fn schema(mut self, path: impl Into<PathBuf>) -> Self {
        self.schemas.push(path.into());
        self
    }

    /// Writes into `dir`. Default: none; see [`Builder::out_dir_from_env`].
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Writes into cargo's `OUT_DIR`, as `build.rs` should.
    pub fn out_dir_from_env(mut self) -> Self {
        self.out_dir = std::env::var_os("OUT_DIR").map(PathBuf::from);
        self
    }

    /// Whether generated types derive serde's `Serialize` and `Deserialize` (default `true`).
    /// Without them `cargo check` of generated code takes about a third of the time
    /// (BENCHMARKS.md, section 3); keep them when the types go into JSON APIs.
    ///
    /// ```no_run
    /// ddbgen::Builder::new().schema("schemas/library.yaml").serde(false).out_dir_from_env().generate()?;
    /// # Ok::<(), ddbgen::builder::BuildError>(())
    /// ```
    pub fn serde(mut self, derive: bool) -> Self {
        self.options.serde = derive;
        self
    }

    /// Reads the schemas, prints `cargo:rerun-if-changed` for each, and writes the generated
    /// modules (only files whose bytes changed).
    pub fn generate(&self) -> Result<(), BuildError> {
        let out_dir = self.out_dir.as_ref().ok_or(BuildError::NoOutDir)?;
        let mut sources = Vec::new();
        for path in &self.schemas {
            // Printed before reading, so a missing file that is created later re-runs the build.
            println!("cargo:rerun-if-changed={}", path.display());
            sources.push(SchemaSource::read(path).map_err(|e| BuildError::Io(path.clone(), e))?);
        }
        let output = crate::generate_modules_with(&sources, self.options).map_err(BuildError::Schema)?;
        output.write(out_dir).map_err(|e| BuildError::Io(out_dir.clone(), e))?;
        Ok(())
    }
}
