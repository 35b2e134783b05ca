//! Errors about a schema, for people: where (`file:line:column`), what, and how to fix it,
//! with the source line and a caret under what is wrong (and a label under a related place,
//! such as where a clashing name was first generated), like the Rust compiler's; and as JSON
//! for editors and CI annotations.

use std::fmt;

/// A position in a schema file, 1-based, in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// Line, starting at 1.
    pub line: u64,
    /// Column, starting at 1.
    pub column: u64,
}

/// One problem found in a schema file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The schema file, as it was named to the generator.
    pub file: String,
    /// Where in the file.
    pub pos: Pos,
    /// What is wrong.
    pub message: String,
    /// What to do about it, in one line.
    pub help: Option<String>,
    /// Other places that explain this one (where a clashing name was first generated).
    pub related: Vec<Related>,
    /// The source line and the marked columns, once the file's text is attached
    /// ([`Diagnostics::with_sources`]).
    pub snippet: Option<Snippet>,
    /// How many characters to mark, when it is known better than the token at `pos`.
    pub width: Option<usize>,
}

/// A second place a diagnostic points at, with a label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// The schema file.
    pub file: String,
    /// Where in it.
    pub pos: Pos,
    /// What is there (`first generated here`).
    pub label: String,
    /// Its source line, once attached.
    pub snippet: Option<Snippet>,
}

/// A source line and the columns to mark in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// The line, without its end of line.
    pub line: String,
    /// Width of the marked text, in characters (at least 1).
    pub width: usize,
}

impl Snippet {
    /// The line `pos` stands in, marking the YAML token that starts there: a quoted string to
    /// its closing quote, a plain scalar or key to where flow punctuation, a comment, `: ` or
    /// a `:` that ends the line ends it.
    fn at(text: &str, pos: Pos) -> Option<Self> {
        let line = text.lines().nth(usize::try_from(pos.line).ok()?.checked_sub(1)?)?;
        let start: String = line
            .chars()
            .skip(usize::try_from(pos.column).ok()?.saturating_sub(1))
            .collect();
        let width = match start.chars().next() {
            Some(quote @ ('"' | '\'')) => start[1..]
                .find(quote)
                .map_or(start.chars().count(), |end| start[..end + 2].chars().count()),
            _ => {
                let end = start
                    .char_indices()
                    .find(|(i, c)| {
                        matches!(c, ',' | '}' | ']' | '#') || start[*i..].starts_with(": ") || &start[*i..] == ":"
                    })
                    .map_or(start.len(), |(i, _)| i);
                start[..end].trim_end().chars().count()
            }
        };
        Some(Snippet {
            line: line.to_owned(),
            width: width.max(1),
        })
    }
}

impl Diagnostic {
    /// A diagnostic with a message and no hint yet.
    pub fn new(file: impl Into<String>, pos: Pos, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            pos,
            message: message.into(),
            help: None,
            related: Vec::new(),
            snippet: None,
            width: None,
        }
    }

    /// Marks `width` characters from the position (a word inside a string).
    pub fn with_width(mut self, width: usize) -> Self {
        self.width = Some(width.max(1));
        self
    }

    /// Adds a related place with a label (`first generated here`).
    pub fn with_related(mut self, file: impl Into<String>, pos: Pos, label: impl Into<String>) -> Self {
        self.related.push(Related {
            file: file.into(),
            pos,
            label: label.into(),
            snippet: None,
        });
        self
    }

    /// The diagnostic as a JSON object for editors and CI annotations: `file`, `line`,
    /// `column`, `end_column` (exclusive, when the source was attached), `message`, `help`,
    /// and `related` places with their `label`.
    pub fn to_json(&self) -> serde_json::Value {
        let place = |file: &str, pos: Pos, snippet: &Option<Snippet>| {
            serde_json::json!({
                "file": file,
                "line": pos.line,
                "column": pos.column,
                "end_column": snippet.as_ref().map(|s| pos.column + s.width as u64),
            })
        };
        let mut object = place(&self.file, self.pos, &self.snippet);
        object["message"] = self.message.clone().into();
        object["help"] = self.help.clone().into();
        object["related"] = self
            .related
            .iter()
            .map(|r| {
                let mut related = place(&r.file, r.pos, &r.snippet);
                related["label"] = r.label.clone().into();
                related
            })
            .collect();
        object
    }

    /// Adds the one-line hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// The first line of every diagnostic is `file:line:column: error: message`, which editors,
/// CI annotations and grep read; the source lines follow in the Rust compiler's layout:
///
/// ```text
/// schemas/library.yaml:4:15: error: no field named `isbm`
///   |
/// 4 |     hash_key: isbm
///   |               ^^^^
///   = help: did you mean `isbn`?
/// ```
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: error: {}",
            self.file, self.pos.line, self.pos.column, self.message
        )?;
        let lines = std::iter::once(self.pos.line).chain(self.related.iter().map(|r| r.pos.line));
        let gutter = lines.max().unwrap_or(1).to_string().len();
        let mark = |f: &mut fmt::Formatter<'_>, pos: Pos, snippet: &Snippet, marker: char, label: &str| {
            let indent: String = snippet
                .line
                .chars()
                .take(usize::try_from(pos.column).unwrap_or(1).saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let marks: String = std::iter::repeat_n(marker, snippet.width).collect();
            let label = if label.is_empty() {
                String::new()
            } else {
                format!(" {label}")
            };
            write!(
                f,
                "\n{:gutter$} |\n{:>gutter$} | {}\n{:gutter$} | {indent}{marks}{label}",
                "", pos.line, snippet.line, ""
            )
        };
        if let Some(snippet) = &self.snippet {
            mark(f, self.pos, snippet, '^', "")?;
        }
        for related in &self.related {
            match &related.snippet {
                Some(snippet) if related.file == self.file => mark(f, related.pos, snippet, '-', &related.label)?,
                _ => write!(
                    f,
                    "\n{:gutter$} = note: {} at {}:{}:{}",
                    "", related.label, related.file, related.pos.line, related.pos.column
                )?,
            }
        }
        if let Some(help) = &self.help {
            let indent = if self.snippet.is_some() {
                " ".repeat(gutter)
            } else {
                " ".to_owned()
            };
            write!(f, "\n{indent} = help: {help}")?;
        }
        Ok(())
    }
}

/// All the problems found in one run, in file and position order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Attaches each file's source line to the diagnostics (and related places) in it, so that
    /// they print with the line and a caret.
    pub fn with_sources(mut self, sources: &[crate::SchemaSource]) -> Self {
        let text = |file: &str| sources.iter().find(|s| s.name == file).map(|s| s.text.as_str());
        for diagnostic in &mut self.0 {
            diagnostic.snippet = text(&diagnostic.file).and_then(|t| Snippet::at(t, diagnostic.pos));
            if let (Some(snippet), Some(width)) = (&mut diagnostic.snippet, diagnostic.width) {
                snippet.width = width;
            }
            for related in &mut diagnostic.related {
                related.snippet = text(&related.file).and_then(|t| Snippet::at(t, related.pos));
            }
        }
        self
    }

    /// Every diagnostic as a JSON array (see [`Diagnostic::to_json`]).
    pub fn to_json(&self) -> String {
        let list: Vec<serde_json::Value> = self.0.iter().map(Diagnostic::to_json).collect();
        serde_json::to_string_pretty(&list).unwrap_or_default()
    }

    /// Sorts by file and position, so output is stable.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| (&a.file, a.pos).cmp(&(&b.file, b.pos)));
        self
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Diagnostics as printed (their `Display`), coloured for a terminal as the Rust compiler
/// colours its own: `error` red, the gutter and line numbers blue, carets red, labels of related
/// places blue, `help` and `note` bold. Everything else is left as it is.
pub fn colorize(text: &str) -> String {
    const RED: &str = "\x1b[1;31m";
    const BLUE: &str = "\x1b[1;34m";
    const BOLD: &str = "\x1b[1m";
    const RESET: &str = "\x1b[0m";
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for line in text.lines() {
        if let Some((place, message)) = line.split_once(": error: ") {
            out.push_str(&format!(
                "{BOLD}{place}:{RESET} {RED}error{RESET}{BOLD}: {message}{RESET}"
            ));
        } else if let Some((gutter, rest)) = line
            .split_once(" |")
            .filter(|(g, _)| g.trim().chars().all(|c| c.is_ascii_digit()))
        {
            let marks =
                !rest.trim().is_empty() && rest.trim_start().starts_with(['^', '-']) && gutter.trim().is_empty();
            let colour = if rest.trim_start().starts_with('^') { RED } else { BLUE };
            let rest = if marks {
                format!("{colour}{rest}{RESET}")
            } else {
                rest.to_owned()
            };
            out.push_str(&format!("{BLUE}{gutter} |{RESET}{rest}"));
        } else if let Some((indent, rest)) = line.split_once("= ") {
            let (word, rest) = rest.split_once(':').unwrap_or((rest, ""));
            out.push_str(&format!("{BLUE}{indent}={RESET} {BOLD}{word}{RESET}:{rest}"));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    out
}

/// The candidate closest to `word` (edit distance with transpositions, at most a third of the
/// longer's length), if any. On a tie, a candidate with the same letters wins: `u46` is `u64`
/// with two letters swapped, more likely than `u16` with one changed.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let letters = |w: &str| {
        let mut chars: Vec<char> = w.chars().collect();
        chars.sort_unstable();
        chars
    };
    let mine = letters(word);
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1))
        .min_by_key(|(d, c)| (*d, letters(c) != mine))
        .map(|(_, c)| c)
}

/// The optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
/// two neighbours each count one.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_only_what_it_recognises() {
        let plain = "a.yaml:3:7: error: bad\n  |\n3 | x: y\n  |    ^\n  = help: fix it";
        let coloured = colorize(plain);
        assert!(coloured.contains("\x1b[1;31merror\x1b[0m"), "{coloured:?}");
        assert!(coloured.contains("\x1b[1;31m    ^\x1b[0m"), "{coloured:?}");
        assert!(coloured.contains("\x1b[1mhelp\x1b[0m: fix it"), "{coloured:?}");
        let stripped: String = {
            let mut s = coloured.clone();
            for code in ["\x1b[1;31m", "\x1b[1;34m", "\x1b[1m", "\x1b[0m"] {
                s = s.replace(code, "");
            }
            s
        };
        assert_eq!(stripped, plain);
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("tabels", ["tables", "types", "version"]), Some("tables"));
        assert_eq!(did_you_mean("hash", ["tables", "types"]), None);
    }

    #[test]
    fn renders_file_line_column_and_help() {
        let d = Diagnostic::new("a.yaml", Pos { line: 3, column: 7 }, "bad").with_help("fix it");
        assert_eq!(d.to_string(), "a.yaml:3:7: error: bad\n  = help: fix it");
    }

    #[test]
    fn renders_the_line_a_caret_and_related_places() {
        let source = crate::SchemaSource {
            name: "a.yaml".to_owned(),
            text: "tables:\n  Book:\n    hash_key: isbm   # typo\n    range_key: \"x y\"\n".to_owned(),
        };
        let d = Diagnostic::new("a.yaml", Pos { line: 3, column: 15 }, "no field named `isbm`")
            .with_help("did you mean `isbn`?")
            .with_related("a.yaml", Pos { line: 4, column: 16 }, "and here");
        let d = Diagnostics(vec![d]).with_sources(&[source]);
        assert_eq!(
            d.to_string(),
            "a.yaml:3:15: error: no field named `isbm`\n  |\n3 |     hash_key: isbm   # typo\n  |               ^^^^\n  |\n4 |     range_key: \"x y\"\n  |                -----  and here\n  = help: did you mean `isbn`?"
                .replace("-----  and", "----- and")
        );
        let json: serde_json::Value = serde_json::from_str(&d.to_json()).expect("json");
        assert_eq!(json[0]["end_column"], 19);
        assert_eq!(json[0]["related"][0]["label"], "and here");
        assert_eq!(json[0]["help"], "did you mean `isbn`?");
    }
}
