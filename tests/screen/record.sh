#!/bin/sh
# record.sh — `oscope --record FILE.cast` in a real terminal (tmux, 80x24): the cast is
# asciicast v2 (every line JSON, a header with the size, event times that never go back)
# holding what the learner saw and a resize; the exit status comes back; an existing file
# is never replaced; no terminal, no recording. asciinema plays it back when installed.
# Passes with a "skip" line when tmux is missing or this oscope has no --record.
set -u
bin=${OSCOPE_BIN:-./oscope}
command -v tmux >/dev/null 2>&1 || { echo "skip: tmux is not installed"; exit 0; }
"$bin" --help 2>/dev/null | grep -q -- '--record' || { echo "skip: $bin has no --record"; exit 0; }
t=$(mktemp -d)
sock=oscope-record-$$
tm() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$t"' EXIT
fails=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fails=$((fails + 1)); }

# Waits up to 20 s for TEXT on the pane.
wait_for() {
    i=0
    while [ $i -lt 100 ]; do
        tm capture-pane -p 2>/dev/null | grep -qF -- "$1" && return 0
        sleep 0.2
        i=$((i + 1))
    done
    return 1
}

# Waits up to 20 s for FILE to be written.
wait_file() {
    i=0
    while [ $i -lt 100 ] && [ ! -s "$1" ]; do
        sleep 0.2
        i=$((i + 1))
    done
    [ -s "$1" ]
}

# Runs COMMAND in a fresh 80x24 tmux session; its status goes to $t/NAME.rc.
run_in_tmux() {
    tm new-session -d -x 80 -y 24 -c "$PWD" "$2; echo \$? > $t/$1.rc"
}

cast=$t/s.cast
run_in_tmux rec "TERM=xterm-256color '$bin' --record $cast stack-heap 2>$t/err"
if wait_for "step 1/9"; then
    ok "the scene runs under the recorder"
    tm resize-window -t 0 -x 100 -y 30
    # At 100 columns the code pane is wide enough for the whole comment.
    wait_for "/* has a value */" && ok "oscope follows a resize" || bad "no redraw at 100x30"
    tm send-keys -t 0 Right
    wait_for "step 2/9" && ok "keys reach oscope" || bad "Right did not reach oscope"
    tm send-keys -t 0 q
else
    bad "the scene did not show up: $(tm capture-pane -p 2>/dev/null | head -3)"
    tm kill-server
fi
if wait_file "$t/rec.rc" && [ "$(cat "$t/rec.rc")" = 0 ]; then
    ok "exit status 0 after q"
else
    bad "exit status $(cat "$t/rec.rc" 2>/dev/null) after q; stderr: $(cat "$t/err")"
fi
grep -q "recorded to $cast" "$t/err" && ok "says where the recording is" || bad "no closing line: $(cat "$t/err")"

if command -v python3 >/dev/null 2>&1; then
    if python3 - "$cast" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
h = lines[0]
assert h["version"] == 2 and h["width"] == 80 and h["height"] == 24, h
assert isinstance(h["timestamp"], int) and h["env"]["TERM"] == "xterm-256color", h
ev = lines[1:]
assert all(len(e) == 3 and isinstance(e[0], float) and e[1] in ("o", "r")
           and isinstance(e[2], str) for e in ev), "event shape"
t = [e[0] for e in ev]
assert t == sorted(t), "times go back"
assert ["r", "100x30"] in [e[1:] for e in ev], "no resize event"
out = "".join(e[2] for e in ev if e[1] == "o")
assert "step 1/9" in out, "the first step is missing"
assert "A local variable lives" in out, "the second step (after Right) is missing"
assert "\x1b[?1049h" in out, "no switch to the full screen"
PY
    then ok "asciicast v2: JSON lines, header, times, resize, screen text"
    else bad "the cast is not what asciinema expects"
    fi
else
    head -1 "$cast" | grep -q '^{"version": 2, "width": 80, "height": 24' && ok "header (no python3 for the rest)" || bad "header"
fi

if command -v asciinema >/dev/null 2>&1; then
    run_in_tmux cat "asciinema cat $cast > $t/cat.out 2>&1"
    if wait_file "$t/cat.rc" && [ "$(cat "$t/cat.rc")" = 0 ] && grep -q "A local variable lives" "$t/cat.out"; then
        ok "asciinema reads it back"
    else
        bad "asciinema cat failed: $(tail -c 200 "$t/cat.out")"
    fi
fi

sum=$(cksum < "$cast")
run_in_tmux again "'$bin' --record $cast stack-heap 2>$t/err2"
if wait_file "$t/again.rc" && [ "$(cat "$t/again.rc")" = 2 ] && grep -q "already exists" "$t/err2" &&
   [ "$(cksum < "$cast")" = "$sum" ]; then
    ok "an existing file is refused and left as it was"
else
    bad "overwrite: status $(cat "$t/again.rc" 2>/dev/null), stderr: $(cat "$t/err2")"
fi

"$bin" --record "$t/n.cast" stack-heap </dev/null >"$t/out" 2>"$t/err3"; rc=$?
if [ $rc -eq 2 ] && grep -q "needs a terminal" "$t/err3" && [ ! -e "$t/n.cast" ] && [ ! -s "$t/out" ]; then
    ok "no terminal: refused, nothing created"
else
    bad "no terminal: status $rc, stderr: $(cat "$t/err3")"
fi

echo "record: $fails failure(s)"
[ $fails -eq 0 ]
