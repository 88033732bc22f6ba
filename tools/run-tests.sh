#!/bin/sh
# run-tests.sh — runs oscope's test programs and sums up what passed.
#   tools/run-tests.sh UNIT... -- SCREEN... -- SCRIPTS...
# UNIT and SCREEN are cmocka programs: their "[  PASSED  ] N test(s)." and
# "[  FAILED  ] N test(s)" lines are added up, and one that crashes, times out, or exits
# non-zero without reporting a failed test (a sanitizer report) counts as 1 failed.
# Each of SCRIPTS counts as 1 test, passed when it exits 0. Everything runs from the
# repository root, stdin from /dev/null, with a time limit of $TEST_TIMEOUT seconds
# (default 300). The last line printed is "N passed, N failed"; the exit status is 1
# if anything failed. OSCOPE_BIN is passed on as an absolute path.
set -u

start=$PWD
root=$(cd "$(dirname "$0")/.." && pwd) || exit 2
limit=${TEST_TIMEOUT:-300}
log=$(mktemp) || exit 2
rcfile=$(mktemp) || exit 2
trap 'rm -f "$log" "$rcfile"' EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
failures=""

# Prints PATH made absolute against the directory the script was started from.
absolute() {
    case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s\n' "$start/$1" ;;
    esac
}

# Runs "$@" with the time limit, showing its output and keeping a copy in $log;
# sets rc to its exit status.
run_logged() {
    { timeout -k 10 "$limit" "$@" </dev/null 2>&1; echo $? >"$rcfile"; } | tee "$log"
    rc=$(cat "$rcfile")
}

# Explains a non-zero exit status of run_logged.
why() {
    case $1 in
    124) echo "timed out after ${limit}s" ;;
    137) echo "killed by SIGKILL (or still running ${limit}s + 10s after SIGTERM)" ;;
    12[6-7]) echo "could not be run (status $1)" ;;
    *) if [ "$1" -gt 128 ]; then echo "killed by signal $(($1 - 128))"
       else echo "exit status $1"; fi ;;
    esac
}

# Records one result line: fail NAME REASON / pass NAME DETAIL.
fail() {
    failures="$failures
    $1: $2"
    echo "--> FAIL $1: $2"
}

# Runs one cmocka program and adds its counts.
run_cmocka() {
    name=$1
    path=$(absolute "$1")
    echo "==> $name"
    if [ ! -x "$path" ]; then
        failed=$((failed + 1))
        fail "$name" "not built"
        return
    fi
    run_logged "$path"
    counts=$(awk '/^\[  PASSED  \] [0-9]+ test\(s\)/ { p += $4 }
                  /^\[  FAILED  \] [0-9]+ test\(s\)/ { f += $4 }
                  END { print p + 0, f + 0 }' "$log")
    p=${counts% *}
    f=${counts#* }
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        if [ "$p" -gt 0 ]; then
            fail "$name" "$(why "$rc") after $p passed test(s) (sanitizer report?)"
        else
            fail "$name" "$(why "$rc") before reporting results"
        fi
    elif [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
        f=1
        fail "$name" "no cmocka summary in its output"
    elif [ "$f" -gt 0 ]; then
        fail "$name" "$f of $((p + f)) test(s) failed"
    else
        echo "--> ok $name ($p test(s))"
    fi
    passed=$((passed + p))
    failed=$((failed + f))
}

# Runs one test script: one test, passed when it exits 0.
run_script() {
    name=$1
    path=$(absolute "$1")
    echo "==> $name"
    if [ ! -f "$path" ]; then
        failed=$((failed + 1))
        fail "$name" "no such file"
        return
    fi
    if [ -x "$path" ]; then
        run_logged "$path"
    else
        run_logged sh "$path"
    fi
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        echo "--> ok $name"
    else
        failed=$((failed + 1))
        fail "$name" "$(why "$rc")"
    fi
}

if [ -n "${OSCOPE_BIN:-}" ]; then
    OSCOPE_BIN=$(absolute "$OSCOPE_BIN")
    export OSCOPE_BIN
fi
cd "$root" || exit 2

section=0                       # 0 unit, 1 screen, 2 scripts
for arg in "$@"; do
    if [ "$arg" = "--" ] && [ "$section" -lt 2 ]; then
        section=$((section + 1))
        if [ "$section" -eq 1 ] && [ -n "${OSCOPE_BIN:-}" ] && [ ! -x "$OSCOPE_BIN" ]; then
            echo "warning: OSCOPE_BIN=$OSCOPE_BIN is not an executable file" >&2
        fi
        continue
    fi
    case $section in
    2) run_script "$arg" ;;
    *) run_cmocka "$arg" ;;
    esac
    echo
done

if [ -n "$failures" ]; then
    echo "failed:$failures"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
