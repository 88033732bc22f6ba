#!/bin/sh
# watch_batch.sh — `oscope watch -b`: CSV without a terminal, checked against /proc read
# at the same moment; empty fields where there is no value (first-row rates, not
# permitted, exited); --csv never replaces a file; bad input exits 2 with one line.
# Exit status 0 when every check passes.
set -u

BIN=${OSCOPE_BIN:-./oscope}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# col NAME FILE ROW: field NAME of data row ROW (1 = first after the header).
col() {
    awk -F, -v name="$1" -v row="$3" '
        NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
        NR == row + 1 { if (c) print $c; else print "NO-COLUMN" }' "$2"
}

# meminfo KEY: the value of KEY in /proc/meminfo (KiB).
meminfo() {
    awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo
}

# ---- a header and three rows, every row as wide as the header ----
if ! "$BIN" watch -b -n 3 -d 0.2 >"$tmp/three.csv" 2>"$tmp/err"; then
    fail "watch -b -n 3 -d 0.2 exited $?: $(cat "$tmp/err")"
fi
[ "$(wc -l <"$tmp/three.csv")" -eq 4 ] || fail "expected a header and 3 rows, got: $(cat "$tmp/three.csv")"
head -n 1 "$tmp/three.csv" | grep -q '^time,mono_s,mem_total_kib,' || fail "header: $(head -n 1 "$tmp/three.csv")"
awk -F, 'NR == 1 { n = NF } NF != n { bad = 1 } END { exit bad }' "$tmp/three.csv" ||
    fail "a row is not as wide as the header"
[ -s "$tmp/err" ] && fail "stderr was not empty: $(cat "$tmp/err")"

# Times: ISO-8601 UTC wall clock; monotonic seconds that grow.
for r in 1 2 3; do
    t=$(col time "$tmp/three.csv" $r)
    echo "$t" | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$' ||
        fail "row $r time: $t"
done
awk -F, 'NR > 2 && $2 + 0 <= prev { bad = 1 } NR > 1 { prev = $2 + 0 } END { exit bad }' "$tmp/three.csv" ||
    fail "mono_s does not grow"

# MemTotal is exactly what /proc/meminfo says; the swap in use is total minus free.
[ "$(col mem_total_kib "$tmp/three.csv" 2)" = "$(meminfo MemTotal)" ] ||
    fail "mem_total_kib $(col mem_total_kib "$tmp/three.csv" 2) != MemTotal $(meminfo MemTotal)"
swap=$(( $(meminfo SwapTotal) - $(meminfo SwapFree) ))
[ "$(col swap_used_kib "$tmp/three.csv" 3)" = "$swap" ] ||
    fail "swap_used_kib $(col swap_used_kib "$tmp/three.csv" 3) != $swap"
run=$(col procs_running "$tmp/three.csv" 2)
[ "$run" -ge 1 ] 2>/dev/null && [ "$run" -le 100000 ] || fail "procs_running '$run'"

# Rates: empty on the first row (never a made-up 0), numbers on the next ones.
for name in $(head -n 1 "$tmp/three.csv" | tr , '\n' | grep '_per_s$'); do
    v=$(col "$name" "$tmp/three.csv" 1)
    [ -z "$v" ] || fail "$name on the first row: '$v'"
    v=$(col "$name" "$tmp/three.csv" 2)
    echo "$v" | grep -Eq '^[0-9]+\.[0-9]{2}$' || fail "$name on row 2: '$v'"
done
[ "$(col ctxt_per_s "$tmp/three.csv" 3)" != "" ] || fail "ctxt_per_s empty on row 3"

# ---- -p $$: this shell, against its own /proc/$$/status ----
"$BIN" watch -b -n 2 -d 0.2 -p $$ >"$tmp/self.csv" 2>"$tmp/err" || fail "watch -p \$\$ exited $?: $(cat "$tmp/err")"
threads=$(awk '$1 == "Threads:" { print $2 }' /proc/$$/status)
rss=$(awk '$1 == "VmRSS:" { print $2 }' /proc/$$/status)
[ "$(col pid$$_threads "$tmp/self.csv" 2)" = "$threads" ] ||
    fail "pid$$_threads $(col pid$$_threads "$tmp/self.csv" 2) != $threads"
got=$(col pid$$_rss_kib "$tmp/self.csv" 2)
diff=$((got - rss))
[ "${diff#-}" -le $((rss / 10 + 256)) ] || fail "pid$$_rss_kib $got far from VmRSS $rss"
[ "$(col pid$$_comm "$tmp/self.csv" 1)" = "$(cat /proc/$$/comm)" ] ||
    fail "pid$$_comm '$(col pid$$_comm "$tmp/self.csv" 1)' != '$(cat /proc/$$/comm)'"
col pid$$_state "$tmp/self.csv" 2 | grep -Eq '^[RSD]$' || fail "pid$$_state '$(col pid$$_state "$tmp/self.csv" 2)'"
[ "$(col pid$$_fds "$tmp/self.csv" 1)" -ge 3 ] 2>/dev/null || fail "pid$$_fds '$(col pid$$_fds "$tmp/self.csv" 1)'"
[ -z "$(col pid$$_minflt_per_s "$tmp/self.csv" 1)" ] || fail "pid$$_minflt_per_s on the first row"
[ -n "$(col pid$$_minflt_per_s "$tmp/self.csv" 2)" ] || fail "pid$$_minflt_per_s empty on row 2"

# ---- a process that exits mid-run: "exited", its fields empty ----
sleep 0.3 &
gone=$!
"$BIN" watch -b -n 6 -d 0.2 -p $gone >"$tmp/gone.csv" 2>"$tmp/err" || fail "watch -p (exits) exited $?"
wait $gone
[ "$(col pid${gone}_state "$tmp/gone.csv" 1)" = "S" ] || fail "first state '$(col pid${gone}_state "$tmp/gone.csv" 1)'"
[ "$(col pid${gone}_state "$tmp/gone.csv" 6)" = "exited" ] || fail "last state '$(col pid${gone}_state "$tmp/gone.csv" 6)'"
[ -z "$(col pid${gone}_rss_kib "$tmp/gone.csv" 6)" ] || fail "an exited process's RSS is not empty"
[ -n "$(col mem_total_kib "$tmp/gone.csv" 6)" ] || fail "system values stopped with the process"

# ---- not permitted: another user's /proc/PID/io is empty, not 0 ----
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    as_other="setpriv --reuid=65534 --regid=65534 --clear-groups"
elif [ "$(id -u)" -ne "$(stat -c %u /proc/1)" ]; then
    as_other=""
else
    as_other=skip
fi
if [ "$as_other" != skip ]; then
    $as_other "$BIN" watch -b -n 2 -d 0.2 -p 1 >"$tmp/init.csv" 2>"$tmp/err" ||
        fail "watch -p 1 as another user exited $?: $(cat "$tmp/err")"
    for r in 1 2; do
        for name in pid1_read_bytes_per_s pid1_write_bytes_per_s pid1_fds; do
            v=$(col $name "$tmp/init.csv" $r)
            [ -z "$v" ] || fail "$name is '$v', not empty, on row $r"
        done
    done
    [ -n "$(col pid1_threads "$tmp/init.csv" 2)" ] || fail "pid1_threads empty: status is readable"
fi

# ---- --csv: never replaces a file unless --force ----
echo keep >"$tmp/rec.csv"
"$BIN" watch -b -n 1 --csv "$tmp/rec.csv" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] || fail "--csv over an existing file did not exit 2"
grep -q "already exists" "$tmp/err" || fail "--csv refusal says: $(cat "$tmp/err")"
[ "$(cat "$tmp/rec.csv")" = keep ] || fail "--csv changed an existing file"
"$BIN" watch -b -n 2 -d 0.1 --csv "$tmp/rec.csv" --force >"$tmp/out" 2>"$tmp/err" || fail "--csv --force exited $?"
[ "$(wc -l <"$tmp/rec.csv")" -eq 3 ] || fail "--csv --force wrote: $(cat "$tmp/rec.csv")"
[ -s "$tmp/out" ] && fail "with --csv, -b still wrote to stdout"
"$BIN" watch -b -n 1 --csv "$tmp/new.csv" >/dev/null 2>&1 || fail "--csv to a new file exited $?"
[ "$(wc -l <"$tmp/new.csv")" -eq 2 ] || fail "--csv to a new file wrote: $(cat "$tmp/new.csv")"

# ---- bad input: exit 2, one line on stderr ----
bad() {
    "$BIN" watch "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
    [ $rc -eq 2 ] || fail "watch $* exited $rc, not 2"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "watch $*: stderr is not one line: $(cat "$tmp/err")"
    grep -q '^oscope watch: ' "$tmp/err" || fail "watch $*: $(cat "$tmp/err")"
    [ -s "$tmp/out" ] && fail "watch $* wrote to stdout"
}
bad -b -d 0.01
bad -b -d abc
bad -b -d
bad -b -n 0
bad -b -n x
bad -b -p abc
bad -b -p
bad -b --bogus
bad -b -x
bad -b extra
bad -b -p 2147483647
bad -n 1                      # no terminal and no -b
grep -q -- '-b' "$tmp/err" || fail "without a terminal the message does not point to -b: $(cat "$tmp/err")"

# ---- signals and a closed pipe end a run cleanly, between rows ----
"$BIN" watch -b -d 0.1 >"$tmp/sig.csv" 2>"$tmp/err" &
w=$!
sleep 0.6
kill -TERM $w
wait $w
rc=$?
[ $rc -eq 0 ] || fail "SIGTERM: exit status $rc"
[ "$(wc -l <"$tmp/sig.csv")" -ge 2 ] || fail "SIGTERM: no rows written"
awk -F, 'NR == 1 { n = NF } NF != n { bad = 1 } END { exit bad }' "$tmp/sig.csv" ||
    fail "SIGTERM left half a row"
tail -c 1 "$tmp/sig.csv" | od -An -c | grep -q '\\n' || fail "SIGTERM: the file does not end in a newline"
"$BIN" watch -b -d 0.1 2>"$tmp/err" | head -n 2 >/dev/null
[ -s "$tmp/err" ] && fail "| head: stderr says $(cat "$tmp/err")"

if [ $failures -ne 0 ]; then
    echo "watch_batch: $failures check(s) failed"
    exit 1
fi
echo "watch_batch: all checks passed"
exit 0
