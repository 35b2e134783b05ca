#!/usr/bin/env bash
# Generator scale and build cost, measured on this machine (see BENCHMARKS.md):
#  1. cargo check / cargo build time of generated crates of 10, 50 and 200 tables (the crate
#     alone: its dependencies are built first, once);
#  2. a no-op rebuild of a build.rs crate does not run the generator again, and a changed
#     schema does.
# Usage: bash benches/scale.sh   (from anywhere; takes a few minutes on 2 cores)
#        BASELINE=REV bash benches/scale.sh   also generates the same schemas with the generator
#        (and runtime) of git revision REV, with and without serde derives, and measures them
#        side by side with this revision's in this one run.
#        SIZES="10 50" bash benches/scale.sh   only these table counts (default: 10 50 200).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CARGO_TARGET_DIR="$work/target"

cargo build -q -p ddbgen -p ddbgen-benches --bin ddbgen --bin synthetic-schema
bin="$CARGO_TARGET_DIR/debug"
variants="new no-serde"
if [ -n "${BASELINE:-}" ]; then
    variants="baseline baseline-no-serde new no-serde"
    git worktree add -q --detach "$work/baseline-src" "$BASELINE"
    trap 'git worktree remove --force "$work/baseline-src"; rm -rf "$work"' EXIT
    (cd "$work/baseline-src" && CARGO_TARGET_DIR="$work/baseline-target" cargo build -q -p ddbgen --bin ddbgen)
fi

sizes=${SIZES:-10 50 200}
for n in $sizes; do
    "$bin/synthetic-schema" "$n" > "$work/scale$n.yaml"
    "$bin/ddbgen" generate "$work/scale$n.yaml" --crate "new$n" --out "$work/new$n" --runtime-path "$root/runtime" > /dev/null
    "$bin/ddbgen" generate "$work/scale$n.yaml" --crate "no-serde$n" --out "$work/no-serde$n" --runtime-path "$root/runtime" --no-serde > /dev/null
    if [ -n "${BASELINE:-}" ]; then
        "$work/baseline-target/debug/ddbgen" generate "$work/scale$n.yaml" --crate "baseline$n" --out "$work/baseline$n" --runtime-path "$work/baseline-src/runtime" > /dev/null
        "$work/baseline-target/debug/ddbgen" generate "$work/scale$n.yaml" --crate "baseline-no-serde$n" --out "$work/baseline-no-serde$n" --runtime-path "$work/baseline-src/runtime" --no-serde > /dev/null
    fi
done
echo "building the runtime and its dependencies once (check and build)..."
for v in $variants; do
    first=${sizes%% *}
    (cd "$work/${v}$first" && cargo check -q && cargo build -q && cargo clean -q -p "${v}$first")
done
# Measure whole first builds of each crate, not incremental reuse.
export CARGO_INCREMENTAL=0

seconds() { local start=$EPOCHREALTIME; "$@" > /dev/null 2>&1; awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }'; }
printf '%-18s %-8s %-14s %-16s %-16s %-14s\n' generator tables "lines of Rust" "cargo check (s)" "cargo build (s)" "check s/table"
for n in $sizes; do
    for v in $variants; do
        lines=$(wc -l < "$work/$v$n/src/scale$n.rs")
        check=$(cd "$work/$v$n" && seconds cargo check -q)
        build=$(cd "$work/$v$n" && seconds cargo build -q)
        printf '%-18s %-8s %-14s %-16.2f %-16.2f %-14.3f\n' "$v" "$n" "$lines" "$check" "$build" "$(awk -v c="$check" -v n="$n" 'BEGIN { print c / n }')"
    done
done

echo
echo "build.rs: a no-op rebuild of ddbgen-tests must not run its build script"
unset CARGO_TARGET_DIR CARGO_INCREMENTAL
cargo build -q -p ddbgen-tests
runs=$(cargo build -v -p ddbgen-tests 2>&1 | grep -c 'ddbgen-tests.*build-script-build' || true)
echo "no-op rebuild: build script runs = $runs (expected 0)"
touch tests/fixtures/broken/yaml_syntax.yaml
runs=$(cargo build -v -p ddbgen-tests 2>&1 | grep -c 'Running.*ddbgen-tests.*build-script-build' || true)
echo "after touching a schema it did not read: build script runs = $runs (expected 0)"
touch schemas/library.yaml
runs=$(cargo build -v -p ddbgen-tests 2>&1 | grep -c 'Running.*ddbgen-tests.*build-script-build' || true)
echo "after touching a schema it reads: build script runs = $runs (expected 1)"
