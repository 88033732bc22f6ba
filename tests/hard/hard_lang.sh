#!/bin/sh
# hard_lang.sh — LANG=C (and LC_ALL=C): every view (menu, each scene, watch) at 80x24 and
# 132x43 draws only ASCII, in the help overlay and after a few steps too, and quits with
# status 0. Through tmux (a private server): libvterm mis-renders the REP sequence that
# ncurses uses for repeated characters under LANG=C.
set -u
bin=${OSCOPE_BIN:-./oscope}
command -v tmux >/dev/null || { echo "FAIL: tmux is missing (tools/deps.sh test installs it)"; exit 1; }
sock="oscope-hard-lang-$$"
T="tmux -L $sock -f /dev/null"
dir=$(mktemp -d) || exit 1
trap '$T kill-server 2>/dev/null; rm -rf "$dir"' EXIT
fails=0
checked=0

# Prints the pane; waits up to 10 s for text $2 in pane $1.
wait_for() {
    i=0
    until $T capture-pane -p -t "$1" | grep -qF -- "$2"; do
        i=$((i + 1))
        if [ $i -gt 100 ]; then
            echo "FAIL: $1: \"$2\" never appeared:"
            $T capture-pane -p -t "$1"
            return 1
        fi
        sleep 0.1
    done
}

# Fails when pane $1 shows any byte outside printable ASCII.
ascii_only() {
    if $T capture-pane -p -t "$1" | LC_ALL=C grep -q '[^ -~]'; then
        echo "FAIL: $1 ($2): non-ASCII characters with LANG=C:"
        $T capture-pane -p -t "$1" | LC_ALL=C grep -n '[^ -~]' | head -5
        return 1
    fi
    checked=$((checked + 1))
}

# One view: name, size, text its first screen shows ("" for none), then its arguments.
view() {
    name=$1 size=$2 ready=$3
    shift 3
    s="v$checked$(echo "$name" | tr -c 'a-z0-9' '_')"
    $T new-session -d -s "$s" -x "${size%x*}" -y "${size#*x}" \
        "env LANG=C LC_ALL=C ESCDELAY=25 TMPDIR=$dir HOME=$dir XDG_STATE_HOME=$dir $bin $*; echo EXIT=\$?; sleep 30" || {
        echo "FAIL: $name: tmux could not start"; fails=$((fails + 1)); return; }
    ok=1
    if [ -n "$ready" ]; then wait_for "$s" "$ready" || ok=0; else sleep 1; fi
    [ $ok -eq 1 ] && { ascii_only "$s" "first screen" || ok=0; }
    for k in Right Right Down; do $T send-keys -t "$s" "$k"; sleep 0.3; done
    [ $ok -eq 1 ] && { ascii_only "$s" "after Right Right Down" || ok=0; }
    $T send-keys -t "$s" '?'
    sleep 0.3
    [ $ok -eq 1 ] && { ascii_only "$s" "help" || ok=0; }
    $T send-keys -t "$s" '?' q
    wait_for "$s" "EXIT=" || ok=0
    if ! $T capture-pane -p -t "$s" | grep -q '^EXIT=0$'; then
        echo "FAIL: $name at $size: did not quit with status 0"
        ok=0
    fi
    $T kill-session -t "$s" 2>/dev/null
    if [ $ok -eq 1 ]; then echo "ok: $name at $size"; else fails=$((fails + 1)); fi
}

for size in 80x24 132x43; do
    view menu "$size" "Scenes"
    for id in $("$bin" --list | awk '{ print $1 }'); do
        view "$id" "$size" "step " "$id"
    done
    if "$bin" watch -b -n 1 -d 0.1 >/dev/null 2>&1 </dev/null; then
        view watch "$size" "" watch -d 0.5
    else
        echo "skip: watch is not built yet"
    fi
done
echo "hard_lang: $checked screens checked, $fails view(s) failed"
[ $fails -eq 0 ]
