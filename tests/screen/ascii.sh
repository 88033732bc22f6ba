#!/bin/sh
# ascii.sh — with LANG=C oscope draws in plain ASCII (no box-drawing bytes), still marks
# the line about to run, and exits cleanly. Driven through tmux (a private server).
set -u
bin=${OSCOPE_BIN:-./oscope}
command -v tmux >/dev/null || { echo "tmux is missing"; exit 1; }
sock="oscope-ascii-$$"
T="tmux -L $sock -f /dev/null"
trap '$T kill-server 2>/dev/null' EXIT
$T new-session -d -s s -x 80 -y 24 "env LANG=C LC_ALL=C ESCDELAY=25 $bin stack-heap; sleep 5"
i=0
until $T capture-pane -p -t s | grep -q 'step 1/9'; do
    i=$((i + 1)); [ $i -gt 100 ] && { echo "FAIL: no first step"; $T capture-pane -p -t s; exit 1; }
    sleep 0.1
done
sleep 0.5
$T send-keys -t s Right
sleep 1
screen=$($T capture-pane -p -t s)
echo "$screen"
if printf '%s' "$screen" | LC_ALL=C grep -q '[^ -~]'; then
    echo "FAIL: non-ASCII characters on an ASCII terminal"; exit 1
fi
printf '%s\n' "$screen" | grep -q '^+- lab code' || { echo "FAIL: no ASCII box"; exit 1; }
printf '%s\n' "$screen" | grep -q '^|>    int \*p = &local;' || { echo "FAIL: next line not marked with >"; exit 1; }
$T send-keys -t s q
sleep 0.5
echo "ascii: ok"
