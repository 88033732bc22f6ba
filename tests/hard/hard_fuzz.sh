#!/bin/sh
# hard_fuzz.sh — runs every libFuzzer target in build/fuzz (clang -fsanitize=fuzzer,
# address,undefined; built by `make check-hard` from tests/hard/fuzz/) for FUZZ_TIME seconds
# (default 15), seeded from tests/hard/corpus/<target>/ (never written to: new inputs go
# to a scratch directory) and first over every file in tests/fixtures/crashes/. A crash or
# a broken invariant fails the run and leaves the input in build/fuzz/crashes/, with the
# command that replays it; such an input belongs in tests/fixtures/crashes/ (the unit test
# test_crashers feeds it to every parser from then on).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
cd "$root" || exit 2
secs=${FUZZ_TIME:-15}
keep=build/fuzz/crashes
scratch=$(mktemp -d) || exit 2
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$keep"
fails=0
ran=0

targets=$(ls build/fuzz/fuzz_* 2>/dev/null)
[ -n "$targets" ] || { echo "FAIL: no fuzz targets in build/fuzz (make check-hard builds them)"; exit 1; }
[ -f scenes/tour.h ] || echo "note: scenes/tour.h does not exist yet: no tour_parse target"

for bin in $targets; do
    [ -x "$bin" ] || continue
    name=${bin##*/fuzz_}
    seeds=tests/hard/corpus/$name
    mkdir -p "$scratch/$name"
    # the known crashers first: each must pass now
    if ls tests/fixtures/crashes/* >/dev/null 2>&1; then
        if ! "$bin" -runs=0 -artifact_prefix="$scratch/replay-" tests/fixtures/crashes/ \
                > "$scratch/$name.replay" 2>&1; then
            echo "FAIL: $name: an input of tests/fixtures/crashes still breaks it:"
            grep -E 'Running: |invariant|ERROR|SUMMARY' "$scratch/$name.replay" | head -n 6
            fails=$((fails + 1))
            continue
        fi
    fi
    if [ -d "$seeds" ]; then set -- "$seeds"; else set --; fi
    "$bin" -max_total_time="$secs" -max_len=16384 -timeout=10 -rss_limit_mb=1024 \
        -print_final_stats=1 -artifact_prefix="$keep/$name-" \
        "$scratch/$name" "$@" > "$scratch/$name.log" 2>&1
    rc=$?
    ran=$((ran + 1))
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/$name.log")
    if [ $rc -ne 0 ]; then
        fails=$((fails + 1))
        art=$(sed -n 's/.*Test unit written to //p' "$scratch/$name.log" | tail -n 1)
        echo "FAIL: $name (exit $rc) after ${runs:-?} inputs:"
        grep -E 'ERROR|invariant|SUMMARY' "$scratch/$name.log" | head -n 5
        grep -E ' in [^ ]+ [^ ]*(probes|util|scenes|tests)/' "$scratch/$name.log" | head -n 8
        [ -n "$art" ] && echo "  input kept: $art; replay: $bin $art; then copy it to tests/fixtures/crashes/"
    else
        echo "ok: $name: ${runs:-?} inputs in ${secs}s, no crash"
    fi
done
echo "hard_fuzz: $ran target(s), $fails failed"
[ $fails -eq 0 ]
