#!/bin/sh
# deps.sh — installs the Debian packages oscope needs that are missing.
#   tools/deps.sh build   what `make` and `make run` need
#   tools/deps.sh test    that, plus what `make test` needs
# As root it runs apt-get; otherwise it prints the exact command and stops (status 1).
set -u
need="gcc make pkg-config libncurses-dev libproc2-dev"
if [ "${1:-build}" = test ]; then
    need="$need libcmocka-dev libvterm-dev tmux procps util-linux clang libclang-rt-14-dev valgrind htop"
fi
missing=""
for p in $need; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
    case "$st" in *" installed") ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "oscope needs these packages:$missing (install them with your package manager)" >&2
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "oscope needs packages that are missing. Run:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq$missing >/dev/null || {
    echo "apt-get could not install:$missing" >&2; exit 1; }
