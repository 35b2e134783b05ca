//! Prints a synthetic schema of N tables (default 200): `synthetic-schema 50 > s.yaml`.

fn main() {
    let tables = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(200);
    print!("{}", ddbgen_benches::synthetic::schema(tables));
}
