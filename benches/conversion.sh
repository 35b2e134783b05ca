#!/usr/bin/env bash
# The conversion benchmark as a ratio table (see BENCHMARKS.md, section 1).
#
# Every benchmark runs in its own process, one after another, in this one invocation: run in a
# single process, the allocator's state left by one benchmark slowed the next by up to 40%
# (glibc malloc; the same code measured 6.3 ms alone and 8.9 ms after the decode benchmarks).
# Usage: bash benches/conversion.sh   (about three minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."

bench() { cargo bench -q -p ddbgen-benches --bench conversion -- "$@"; }

bench --list > /dev/null   # builds once, outside what is measured
# The setup prints the page and the allocation counts; a filter that matches nothing runs only it.
bench '^none$' | grep -E '^(page|thread page|single-table page|allocations)'

# The median of one benchmark, in milliseconds, from criterion's `time: [low median high]` line.
median_ms() {
    bench --exact "$1" --warm-up-time 2 --measurement-time 5 |
        awk '/time:/ {
            gsub(/[\[\]]/, "");
            for (i = 1; i <= NF; i++) if ($i == "time:") { value = $(i + 3); unit = $(i + 4) }
            scale = (unit == "s") ? 1000 : (unit == "ms") ? 1 : (unit == "µs" || unit == "us") ? 0.001 : 0.000001;
            printf "%.3f\n", value * scale; exit
        }'
}

for what in sdk_items orders; do
    printf 'freeing a 1 MB page of %-10s %8.2f ms (paid alike by all three)\n' "$what" "$(median_ms "drop_1mb_page/$what")"
done
printf '\n%-30s %12s %14s %14s %18s %18s\n' benchmark "generated" "serde_dynamo" "hand_written" "vs serde_dynamo" "vs hand_written"
for group in decode_1mb_page decode_1mb_page_drop_untimed encode_1mb_page encode_1mb_page_drop_untimed; do
    generated=$(median_ms "$group/generated")
    serde=$(median_ms "$group/serde_dynamo")
    hand=$(median_ms "$group/hand_written")
    awk -v g="$group" -v a="$generated" -v s="$serde" -v h="$hand" 'BEGIN {
        printf "%-30s %9.2f ms %11.2f ms %11.2f ms %13.2fx faster %14.2fx time\n", g, a, s, h, s / a, a / h
    }'
done

printf '\nsecond shape, forum threads (strings and RFC 3339 times; conversion alone)\n'
printf '%-34s %12s %14s %18s\n' benchmark "generated" "serde_dynamo" "vs serde_dynamo"
for group in decode_thread_page_drop_untimed encode_thread_page_drop_untimed; do
    generated=$(median_ms "$group/generated")
    serde=$(median_ms "$group/serde_dynamo")
    awk -v g="$group" -v a="$generated" -v s="$serde" 'BEGIN {
        printf "%-34s %9.2f ms %11.2f ms %13.2fx faster\n", g, a, s, s / a
    }'
done

printf '\nthird shape, a scan page of a single table (customers, orders, lines; decode by discriminator)\n'
printf '%-40s %12s %14s %18s\n' benchmark "generated" "serde_dynamo" "vs serde_dynamo"
group=decode_single_table_page_drop_untimed
generated=$(median_ms "$group/generated")
serde=$(median_ms "$group/serde_dynamo")
awk -v g="$group" -v a="$generated" -v s="$serde" 'BEGIN {
    printf "%-40s %9.2f ms %11.2f ms %13.2fx faster\n", g, a, s, s / a
}'
