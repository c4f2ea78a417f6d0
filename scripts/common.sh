# Shared settings for the project's scripts. Sourced, not run.
# shellcheck shell=bash
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${LOCKCLASS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lockclass-bench}
KERNEL_SERIES=6.12
KERNEL_TARBALL=/usr/src/linux-source-$KERNEL_SERIES.tar.xz
KRUSTC=/usr/bin/rustc            # Debian's rustc-web: has its library source (rust-web-src)
BINDGEN_VERSION='^0.71'
BINDGEN=$CACHE/tools/bin/bindgen
KMAKE_ARGS=(LLVM=1 "RUSTC=$KRUSTC" "BINDGEN=$BINDGEN")

step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
