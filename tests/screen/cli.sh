#!/bin/sh
# cli.sh — the command line without a terminal: --list/--help/--version anywhere, bad
# options and unknown scenes refused with status 2 and one clear line on stderr, nothing on
# stdout (the terminal is never switched to full screen), no terminal refused.
set -u
bin=${OSCOPE_BIN:-./oscope}
fails=0
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fails=$((fails + 1)); }

"$bin" --list > "$t/out" 2> "$t/err" </dev/null; rc=$?
[ $rc -eq 0 ] && grep -q '^stack-heap ' "$t/out" && [ ! -s "$t/err" ] && ok "--list" || bad "--list (rc $rc)"
n=$(wc -l < "$t/out")
[ "$n" -ge 1 ] && ok "--list has $n scenes" || bad "--list is empty"
awk 'NF < 3 { exit 1 }' "$t/out" && ok "--list lines have id, title, summary" || bad "--list line format"

"$bin" --help > "$t/out" 2>&1 </dev/null && grep -q 'usage: oscope' "$t/out" && ok "--help" || bad "--help"
"$bin" --version > "$t/out" 2>&1 </dev/null && grep -Eq '^oscope [0-9]+\.[0-9]+' "$t/out" && ok "--version" || bad "--version"

check_refusal() { # name, expected stderr text, args...
    name=$1 want=$2; shift 2
    "$bin" "$@" > "$t/out" 2> "$t/err" </dev/null; rc=$?
    if [ $rc -eq 2 ] && [ ! -s "$t/out" ] && grep -q -- "$want" "$t/err" && [ "$(wc -l < "$t/err")" -eq 1 ]; then
        ok "$name"
    else
        bad "$name (rc $rc, stderr: $(cat "$t/err"), stdout bytes: $(wc -c < "$t/out"))"
    fi
}
check_refusal "unknown option" "unknown option '--bogus'" --bogus
check_refusal "unknown scene names the valid ones" "unknown scene 'nope' (scenes: stack-heap" nope
check_refusal "two scenes" "only one scene" stack-heap stack-heap
check_refusal "unknown theme" "unknown theme 'neon'" --theme neon
check_refusal "an option for a scene that takes none" "takes no --option" stack-heap --option x
check_refusal "a block count that is not a number" "blocks= needs a whole number, got 'lots'" fragmentation --option blocks=lots
check_refusal "a block count out of range" "blocks=4000000000 is out of range: 1024 to 400000" fragmentation --option blocks=4000000000
check_refusal "a key the scene does not take" "unknown key 'size'; this scene takes trials=N" livelock --option size=64M
check_refusal "a page-cache size that is not one" "size=big is not a size" page-cache --option size=big
check_refusal "a page-cache dir that is not one" "dir=/no/such/dir is not a directory" page-cache --option dir=/no/such/dir
check_refusal "no terminal" "needs a terminal" stack-heap
check_refusal "no terminal for the menu" "needs a terminal"

check_refusal "--export needs a scene" "needs a scene" --export
printf 'title T\nscene stack-heap\nsteps 2-3\nnote 7 not in the range\n' > "$t/bad.tour"
check_refusal "a malformed tour names file and line" "bad.tour:4: " --tour "$t/bad.tour"
check_refusal "a missing tour" "no-such.tour" --tour "$t/no-such.tour"
check_refusal "a tour and a scene" "either --tour FILE or a scene" --tour docs/tours/memory.tour stack-heap
XDG_STATE_HOME="$t/state" "$bin" --reset-progress > "$t/out" 2>&1 && grep -q "forgotten" "$t/out" && ok "--reset-progress" || bad "--reset-progress"

mkdir "$t/tmp"
export TMPDIR="$t/tmp"
mkdir "$TMPDIR/oscope-lab.999999999.stale"   # left by an oscope that no longer exists
"$bin" stack-heap --export > "$t/out" 2> "$t/err" </dev/null; rc=$?
if [ $rc -eq 0 ] && grep -q 'stack-heap, step 9 of 9' "$t/out" && grep -q '^>> ' "$t/out" &&
   grep -q '^Answers' "$t/out" && grep -Eq '^. local +0x[0-9a-f]+ 42' "$t/out"; then
    ok "--export prints every step with code marks, the diagram and the answers"
else
    bad "--export (rc $rc): $(head -c 300 "$t/err")"
fi
LANG=C LC_ALL=C "$bin" stack-heap --export > "$t/out" 2>/dev/null </dev/null
if LC_ALL=C grep -q '[^ -~]' "$t/out"; then bad "--export under LANG=C is not ASCII"; else ok "--export under LANG=C is ASCII"; fi
n=$(ls -d "$TMPDIR"/oscope-lab.* 2>/dev/null | wc -l)
[ "$n" -eq 0 ] && ok "no lab directory left, the stale one swept" || bad "$n lab directories left in $TMPDIR"

echo "cli: $fails failure(s)"
[ $fails -eq 0 ]
