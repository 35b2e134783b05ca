//! A segment's checkpoint: where its scan stands and what it counted, saved after every page
//! as one item in DynamoDB's JSON wire format (the reader and writer the fast read path uses).

use std::path::{Path, PathBuf};

use aws_sdk_dynamodb::types::AttributeValue;

use super::report::{Failure, Report};
use crate::codec::{AttributeMap, WireMap, write_json};
use crate::error::{Error, ErrorKind};

/// Where a segment stands.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Checkpoint {
    /// The key to go on from; `None` at the start, and at the end.
    pub(crate) last_key: Option<AttributeMap>,
    /// Whether the segment has been read to its end.
    pub(crate) done: bool,
    /// What it counted so far, over every run.
    pub(crate) counts: Report,
}

/// The file of segment `segment` of `total` of `table` in `dir`.
pub(crate) fn path(dir: &Path, table: &str, segment: u32, total: u32) -> PathBuf {
    dir.join(format!("{table}.segment-{segment}-of-{total}.json"))
}

fn refused(path: &Path, reason: impl Into<String>) -> Error {
    Error::from(ErrorKind::Checkpoint {
        path: path.to_owned(),
        reason: reason.into(),
    })
}

fn number(n: u64) -> AttributeValue {
    AttributeValue::N(n.to_string())
}

impl Checkpoint {
    /// The checkpoint in `path`; `None` when there is none yet.
    pub(crate) fn load(path: &Path, table: &str) -> Result<Option<Self>, Error> {
        let text = match std::fs::read(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(refused(path, e.to_string())),
        };
        let map = WireMap::read(&text)
            .ok_or_else(|| refused(path, "not a checkpoint (DynamoDB JSON of one item)"))?
            .into_attribute_map();
        let get = |name: &str| map.get(name);
        let count = |name: &str| match get(name) {
            Some(AttributeValue::N(n)) => n
                .parse::<u64>()
                .map_err(|_| refused(path, format!("`{name}` is not a count"))),
            _ => Err(refused(path, format!("no `{name}`"))),
        };
        match get("table") {
            Some(AttributeValue::S(name)) if name == table => {}
            _ => return Err(refused(path, format!("it is not a checkpoint of table `{table}`"))),
        }
        let failed = match get("failed") {
            Some(AttributeValue::L(failures)) => failures
                .iter()
                .map(|failure| match failure {
                    AttributeValue::M(f) => match (f.get("key"), f.get("reason")) {
                        (Some(AttributeValue::M(key)), Some(AttributeValue::S(reason))) => Ok(Failure {
                            key: key.clone(),
                            reason: reason.clone(),
                        }),
                        _ => Err(refused(path, "a failure without its key and reason")),
                    },
                    _ => Err(refused(path, "a failure without its key and reason")),
                })
                .collect::<Result<Vec<_>, _>>()?,
            _ => Vec::new(),
        };
        Ok(Some(Checkpoint {
            last_key: match get("last_key") {
                Some(AttributeValue::M(key)) => Some(key.clone()),
                _ => None,
            },
            done: matches!(get("done"), Some(AttributeValue::Bool(true))),
            counts: Report {
                scanned: count("scanned")?,
                changed: count("changed")?,
                unchanged: count("unchanged")?,
                skipped: count("skipped")?,
                failed,
                ..Report::default()
            },
        }))
    }

    /// Saves the checkpoint to `path`, atomically (a killed run leaves the previous one).
    pub(crate) fn save(&self, path: &Path, table: &str, segment: u32, total: u32) -> Result<(), Error> {
        let mut map = AttributeMap::from([
            ("table".to_owned(), AttributeValue::S(table.to_owned())),
            ("segment".to_owned(), number(u64::from(segment))),
            ("segments".to_owned(), number(u64::from(total))),
            ("done".to_owned(), AttributeValue::Bool(self.done)),
            ("scanned".to_owned(), number(self.counts.scanned)),
            ("changed".to_owned(), number(self.counts.changed)),
            ("unchanged".to_owned(), number(self.counts.unchanged)),
            ("skipped".to_owned(), number(self.counts.skipped)),
            (
                "failed".to_owned(),
                AttributeValue::L(
                    self.counts
                        .failed
                        .iter()
                        .map(|f| {
                            AttributeValue::M(AttributeMap::from([
                                ("key".to_owned(), AttributeValue::M(f.key.clone())),
                                ("reason".to_owned(), AttributeValue::S(f.reason.clone())),
                            ]))
                        })
                        .collect(),
                ),
            ),
        ]);
        if let Some(key) = &self.last_key {
            map.insert("last_key".to_owned(), AttributeValue::M(key.clone()));
        }
        let mut text = write_json(&map);
        text.push('\n');
        let temporary = path.with_extension("json.partial");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| refused(path, e.to_string()))?;
        }
        std::fs::write(&temporary, text).map_err(|e| refused(path, e.to_string()))?;
        std::fs::rename(&temporary, path).map_err(|e| refused(path, e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_reads_back_as_saved() {
        let dir = std::env::temp_dir().join(format!("ddbgen-checkpoint-{}", uuid::Uuid::new_v4()));
        let path = path(&dir, "books", 2, 4);
        assert_eq!(
            Checkpoint::load(&path, "books").expect("no file is no checkpoint"),
            None
        );
        let key = AttributeMap::from([
            ("id".to_owned(), AttributeValue::S("a \"quoted\"\n\u{1} key é".into())),
            ("n".to_owned(), AttributeValue::N("-1.5".into())),
            (
                "b".to_owned(),
                AttributeValue::B(aws_sdk_dynamodb::primitives::Blob::new(vec![0, 255])),
            ),
        ]);
        let saved = Checkpoint {
            last_key: Some(key.clone()),
            done: false,
            counts: Report {
                scanned: 10,
                changed: 7,
                unchanged: 1,
                skipped: 1,
                failed: vec![Failure {
                    key,
                    reason: "bad".into(),
                }],
                ..Report::default()
            },
        };
        saved.save(&path, "books", 2, 4).expect("save");
        assert_eq!(Checkpoint::load(&path, "books").expect("load"), Some(saved));
        let error = Checkpoint::load(&path, "films").expect_err("another table's");
        assert!(
            error.to_string().contains("not a checkpoint of table `films`"),
            "{error}"
        );
        std::fs::write(&path, "{").expect("write");
        assert!(Checkpoint::load(&path, "books").is_err());
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
