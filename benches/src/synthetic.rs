//! A synthetic schema of many tables, for the generator-scale benchmark
//! (`cargo run -p ddbgen-benches --bin synthetic-schema -- 200`).

use std::fmt::Write as _;

/// A schema of `tables` tables, each with a composite sort key, ten fields of mixed types,
/// two indexes, and one shared nested type and enum.
pub fn schema(tables: usize) -> String {
    let mut out = String::from("version: 1\ntables:\n");
    for t in 0..tables {
        let _ = write!(
            out,
            "  Table{t}:\n    hash_key: tenant\n    range_key: {{ attribute: sk, parts: [day, seq] }}\n    fields:\n      tenant: {{ type: string, validate: {{ min_length: 1 }} }}\n      day: {{ type: date }}\n      seq: {{ type: u32 }}\n      title: {{ type: string, validate: {{ max_length: 200 }} }}\n      amount: {{ type: decimal, optional: true, validate: {{ min: \"0\" }} }}\n      tags: {{ type: \"set<string>\", optional: true }}\n      state: {{ type: State, default: open }}\n      owner: {{ type: uuid, optional: true }}\n      parts: {{ type: \"list<Part>\", optional: true }}\n      extra: {{ type: \"map<string, string>\", optional: true }}\n    indexes:\n      by_title: {{ kind: global, hash_key: title, range_key: seq }}\n      by_owner: {{ kind: global, hash_key: owner, projection: keys_only }}\n"
        );
    }
    out.push_str("types:\n  State: { enum: [open, closed] }\n  Part:\n    fields:\n      name: { type: string }\n      count: { type: u16 }\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_synthetic_schema_is_valid() {
        let source = ddbgen::SchemaSource {
            name: "synthetic.yaml".into(),
            text: super::schema(3),
        };
        let output = ddbgen::generate_modules(&[source]).expect("valid");
        assert!(output.files.values().all(|f| f.contains("pub mod table2")));
    }
}
