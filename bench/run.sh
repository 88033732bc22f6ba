#!/bin/sh
# run.sh — runs the benchmarks side by side and writes bench/README.md: the machine, the
# table of ratios against htop and top, the step latencies of every scene, then the
# method (bench/method.md). Prints the README. Called by `make bench` once the binaries
# are built; exits non-zero only when the harness itself fails.
#   BENCH_SECONDS (default 20) and BENCH_REPS (default 3) size the refresh runs.
set -u
root=$(cd "$(dirname "$0")/.." && pwd) || exit 2
cd "$root" || exit 2
bindir=${BENCH_BIN_DIR:-build/bench}
secs=${BENCH_SECONDS:-20}
reps=${BENCH_REPS:-3}
runs=${BENCH_START_RUNS:-5}
out=bench/README.md
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

for b in tuibench stepbench samplebench; do
    [ -x "$bindir/$b" ] || { echo "run.sh: $bindir/$b is not built (make bench builds it)" >&2; exit 2; }
done
command -v htop >/dev/null || { echo "run.sh: htop is missing (tools/deps.sh test installs it)" >&2; exit 2; }
command -v top >/dev/null || { echo "run.sh: top is missing (package procps)" >&2; exit 2; }

# A private copy of the binary, so a rebuild during the run cannot change what is measured.
cp "${OSCOPE_BIN:-./oscope}" "$tmp/oscope" || exit 2
if [ -x build/rel/oscope-uaf-asan ]; then       # the scene dangling looks for it beside oscope
    mkdir -p "$tmp/build/rel" && cp build/rel/oscope-uaf-asan "$tmp/build/rel/"
fi
OSCOPE_BIN=$tmp/oscope
export OSCOPE_BIN

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
cores=$(nproc)
kernel=$(uname -sr)
when=$(date -u '+%Y-%m-%d %H:%M UTC')
procs=$(ls -d /proc/[0-9]* 2>/dev/null | wc -l)
htopv=$(htop --version 2>/dev/null | head -n 1)
topv=$(dpkg-query -W -f='procps ${Version}' procps 2>/dev/null || echo "top")

"$bindir/tuibench" refresh "$secs" "$reps" > "$tmp/refresh" || exit 2
"$bindir/tuibench" start "$runs" > "$tmp/start" || exit 2
"$bindir/samplebench" > "$tmp/sample" || exit 2
"$bindir/stepbench" > "$tmp/steps" || exit 2

{
    echo "# oscope benchmarks"
    echo
    echo "Measured by \`make bench\` (bench/run.sh), side by side with htop and top in one run."
    echo "Regenerated on every run; the method and the known causes of gaps are below the tables."
    echo
    echo "- Machine: $cpu, $cores cores, $kernel, $procs processes"
    echo "- Date: $when"
    echo "- Compared with: $htopv, $topv"
    echo "- oscope $("$OSCOPE_BIN" --version | sed 's/^oscope //'), built with \`make\` (-O2)"
    echo
    echo "## Against htop and top"
    echo
    echo "| target | oscope | htop | top | ratio | verdict |"
    echo "|---|---|---|---|---|---|"
    grep '^|' "$tmp/refresh"
    grep '^|' "$tmp/start"
    grep '^|' "$tmp/sample"
    echo
    grep '^<!--' "$tmp/refresh" "$tmp/start" "$tmp/sample" | sed 's/^[^:]*:<!-- */- /; s/ *-->$//'
    echo
    echo "## A step in every scene: key to updated screen"
    echo
    cat "$tmp/steps"
    echo
    cat bench/method.md
} > "$tmp/readme" || exit 2
mv "$tmp/readme" "$out" || exit 2
cat "$out"
gaps=$(grep -c '| GAP' "$out")
echo
echo "bench: $(grep -c '| PASS' "$out") PASS, $gaps GAP, $(grep -c '| SKIP' "$out") SKIP (written to $out)"
exit 0
