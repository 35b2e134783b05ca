//! The only layer that touches the filesystem: a set of generated files that can be written
//! (only what changed) or checked against what is on disk.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::emit::GENERATED_MARKER;

/// Generated files, by path relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Output {
    /// File contents by relative path.
    pub files: BTreeMap<PathBuf, String>,
}

/// How the files on disk differ from what the schemas produce.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Staleness {
    /// Files whose contents differ, with a unified diff (disk → generated).
    pub changed: Vec<(PathBuf, String)>,
    /// Files that should exist and do not.
    pub missing: Vec<PathBuf>,
    /// Files carrying the `@generated` marker that no schema produces any more.
    pub orphaned: Vec<PathBuf>,
}

impl Staleness {
    /// Whether the directory is up to date.
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.orphaned.is_empty()
    }

    /// A report for people: each diff, then missing and orphaned files.
    pub fn report(&self, dir: &Path) -> String {
        let mut out = String::new();
        for (path, diff) in &self.changed {
            out.push_str(&format!("stale: {}\n{diff}", dir.join(path).display()));
        }
        for path in &self.missing {
            out.push_str(&format!("missing: {}\n", dir.join(path).display()));
        }
        for path in &self.orphaned {
            out.push_str(&format!(
                "orphaned (generated, but no schema produces it): {}\n",
                dir.join(path).display()
            ));
        }
        out
    }
}

impl Output {
    /// Writes every file under `dir`, leaving files whose bytes are unchanged untouched (so
    /// their timestamps do not trigger rebuilds). Returns the files written.
    pub fn write(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let mut written = Vec::new();
        for (relative, contents) in &self.files {
            let path = dir.join(relative);
            if fs::read_to_string(&path).is_ok_and(|existing| existing == *contents) {
                continue;
            }
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(&path, contents)?;
            written.push(path);
        }
        Ok(written)
    }

    /// Compares the files under `dir` with these.
    pub fn check(&self, dir: &Path) -> io::Result<Staleness> {
        let mut staleness = Staleness::default();
        for (relative, contents) in &self.files {
            match fs::read_to_string(dir.join(relative)) {
                Ok(existing) if existing == *contents => {}
                Ok(existing) => staleness
                    .changed
                    .push((relative.clone(), unified_diff(&existing, contents, relative))),
                Err(e) if e.kind() == io::ErrorKind::NotFound => staleness.missing.push(relative.clone()),
                Err(e) => return Err(e),
            }
        }
        let mut on_disk = Vec::new();
        list_files(dir, Path::new(""), &mut on_disk)?;
        for relative in on_disk {
            if self.files.contains_key(&relative) {
                continue;
            }
            let generated = fs::read_to_string(dir.join(&relative))
                .is_ok_and(|text| text.lines().next().is_some_and(|line| line.contains(GENERATED_MARKER)));
            if generated {
                staleness.orphaned.push(relative);
            }
        }
        Ok(staleness)
    }
}

fn list_files(root: &Path, relative: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let dir = root.join(relative);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let mut entries: Vec<_> = entries.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = relative.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            if entry.file_name() != "target" {
                list_files(root, &name, out)?;
            }
        } else {
            out.push(name);
        }
    }
    Ok(())
}

/// A unified diff, cut to 200 lines for people.
fn unified_diff(old: &str, new: &str, path: &Path) -> String {
    const MAX_LINES: usize = 200;
    let name = path.display().to_string();
    let diff = similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name} (on disk)"), &format!("b/{name} (generated)"))
        .to_string();
    let total = diff.lines().count();
    if total <= MAX_LINES {
        return diff;
    }
    let mut cut: String = diff.lines().take(MAX_LINES).flat_map(|l| [l, "\n"]).collect();
    cut.push_str(&format!("... {} more diff lines\n", total - MAX_LINES));
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_reports_changed_missing_and_orphaned_files() {
        let dir = std::env::temp_dir().join(format!("ddbgen-output-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let mut output = Output::default();
        output
            .files
            .insert("a.rs".into(), "// @generated by ddbgen\nfn a() {}\n".into());
        output.files.insert("b.rs".into(), "// @generated by ddbgen\n".into());
        assert_eq!(output.write(&dir).unwrap().len(), 2);
        assert!(
            output.write(&dir).unwrap().is_empty(),
            "unchanged files are not rewritten"
        );
        assert!(output.check(&dir).unwrap().is_clean());

        fs::write(dir.join("a.rs"), "// @generated by ddbgen\nfn b() {}\n").unwrap();
        fs::remove_file(dir.join("b.rs")).unwrap();
        fs::write(dir.join("old.rs"), "// @generated by ddbgen from x.yaml\n").unwrap();
        fs::write(dir.join("mine.rs"), "// hand-written\n").unwrap();
        let staleness = output.check(&dir).unwrap();
        assert_eq!(staleness.changed.len(), 1);
        assert!(
            staleness.changed[0].1.contains("-fn b() {}\n+fn a() {}"),
            "{}",
            staleness.changed[0].1
        );
        assert_eq!(staleness.missing, vec![PathBuf::from("b.rs")]);
        assert_eq!(staleness.orphaned, vec![PathBuf::from("old.rs")]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
