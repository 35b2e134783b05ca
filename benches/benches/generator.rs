//! The generator on a synthetic 200-table schema: `generate` (parse, check, emit, format) and
//! `check` (generate, then compare with the files on disk). Run:
//! `cargo bench -p ddbgen-benches --bench generator`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ddbgen::SchemaSource;

fn generator(c: &mut Criterion) {
    let source = SchemaSource {
        name: "synthetic.yaml".to_owned(),
        text: ddbgen_benches::synthetic::schema(200),
    };
    let output = ddbgen::generate_modules(std::slice::from_ref(&source)).expect("valid schema");
    let lines: usize = output.files.values().map(|f| f.lines().count()).sum();
    println!(
        "200 tables: {} bytes of YAML, {lines} lines of Rust generated",
        source.text.len()
    );
    let dir = std::env::temp_dir().join(format!("ddbgen-bench-{}", std::process::id()));
    output.write(&dir).expect("write");

    let mut group = c.benchmark_group("generator_200_tables");
    group.sample_size(10);
    group.bench_function("generate", |b| {
        b.iter(|| ddbgen::generate_modules(black_box(std::slice::from_ref(&source))).expect("valid"))
    });
    group.bench_function("check", |b| {
        b.iter(|| {
            let output = ddbgen::generate_modules(black_box(std::slice::from_ref(&source))).expect("valid");
            assert!(output.check(&dir).expect("readable").is_clean());
        })
    });
    group.finish();
    std::fs::remove_dir_all(&dir).expect("clean up");
}

criterion_group!(benches, generator);
criterion_main!(benches);
