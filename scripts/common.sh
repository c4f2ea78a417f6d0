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
KRUSTDOC=/usr/bin/rustdoc        # the same package's rustdoc (the kernel crate's doctests)
KMAKE_ARGS=(LLVM=1 "RUSTC=$KRUSTC" "RUSTDOC=$KRUSTDOC" "BINDGEN=$BINDGEN")

# Kernel flavours: `lockdep` and `plain` are x86_64 guests for QEMU (base.config + the flavour's
# fragment); `uml` is User-Mode Linux (ARCH=um, its own complete fragment), whose kernel code runs
# natively on the host CPU.
flavour_arch() { case $1 in uml*) echo um ;; *) echo x86 ;; esac; }
flavour_frags() { # FLAVOUR: the config fragments, in merge order
  case $1 in
    uml) echo "$REPO/kernel/config/uml.config" ;;
    uml-*) echo "$REPO/kernel/config/uml.config $REPO/kernel/config/$1.config" ;;  # an overlay
    *) echo "$REPO/kernel/config/base.config $REPO/kernel/config/$1.config" ;;
  esac
}
# make arguments per flavour. `um` gives C code -mcmodel=large but Rust a PIE relocation model
# whose GOT-relative relocations the module loader refuses ("Unknown rela relocation: 9"); a
# static relocation model alone overflows (modules live above 2 GiB), so Rust modules get the
# large code model too.
flavour_make_args() {
  if [ "$(flavour_arch "$1")" = um ]; then
    echo "ARCH=um"
  fi
}
flavour_module_rustflags() {
  [ "$(flavour_arch "$1")" = um ] && echo "-Crelocation-model=static -Ccode-model=large" || true
}

# run_guest_quietly WHAT run-guest.sh ARGS...: one boot, repeated (30 s later, at most 4 boots
# in all) while run-guest.sh says the host was busy beside it (exit 3, --max-other-cpu), then
# the run stops. The last boot's load is in the --host-load file the caller passes.
run_guest_quietly() {
  local what=$1 try rc; shift
  for try in 1 2 3 4; do
    rc=0; "$@" || rc=$?
    [ $rc = 3 ] || return $rc
    [ $try -lt 4 ] || die "$what: the host stayed busy in $try boots; stop the other work and run again"
    step "host busy during $what: waiting 30 s, then boot $((try + 1)) of at most 4"
    sleep 30
  done
}

step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# memprobe_sizes: the two buffer sizes (KiB) scripts/probe/memprobe.c chases, read off this
# host's caches, since hosts differ (an L3 of 32 MiB on one kind, of 480 MiB on another):
# eight L2s but at most a quarter of the L3 (past the private caches, within the shared one),
# then twice the L3 (past it), at most 1 GiB (setting a bigger buffer up costs seconds per
# probe) and at least 96 MiB. Falls back to 8192 and 98304 where the caches are not reported.
memprobe_sizes() {
  local l2 l3
  l2=$(getconf LEVEL2_CACHE_SIZE 2>/dev/null || echo 0)
  l3=$(getconf LEVEL3_CACHE_SIZE 2>/dev/null || echo 0)
  awk -v l2="${l2:-0}" -v l3="${l3:-0}" 'BEGIN {
    l2 = int(l2 / 1024); l3 = int(l3 / 1024)
    if (l2 <= 0 || l3 <= 0) { print "8192 98304"; exit }
    s = 8 * l2; if (s > l3 / 4) s = int(l3 / 4)
    m = 2 * l3; if (m > 1048576) m = 1048576; if (m < 98304) m = 98304
    print s, m }'
}
