#!/usr/bin/env bash
# boot-check.sh KDIR [--cmdline ARGS] [--log FILE]: boots the kernel in KDIR once with a
# trivial /init (seconds), before anything long is started on it. Exit 0 if it reached /init
# and powered off cleanly; otherwise exit 1 with one line naming the cause found in its log
# (a known one is explained, an unknown one is quoted).
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"

kdir=${1:-}; [ -n "$kdir" ] || die "usage: boot-check.sh KDIR [--cmdline ARGS] [--log FILE]"
shift
cmdline='' log=''
while [ $# -gt 0 ]; do
  case $1 in
    --cmdline) [ $# -ge 2 ] || die "--cmdline needs a value"; cmdline=$2; shift 2 ;;
    --log) [ $# -ge 2 ] || die "--log needs a file"; log=$2; shift 2 ;;
    *) die "boot-check: unknown argument '$1'" ;;
  esac
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/boot-check.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
log=${log:-$tmp/boot.log}
printf 'echo "lockclass-guest: boot check: $(uname -r), $(nproc) CPU"\n' >"$tmp/guest.sh"
args=(--kernel "$kdir" --script "$tmp/guest.sh" --log "$log" --timeout 120)
[ -z "$cmdline" ] || args+=(--cmdline "$cmdline")
if "$REPO/scripts/run-guest.sh" "${args[@]}" >"$tmp/out" 2>&1; then
  step "boot check: $kdir boots here ($(grep -o 'lockclass-guest: boot check: .*' "$log" | head -n1 | cut -d' ' -f4-))"
  exit 0
fi

# Known causes, by the line the kernel leaves in its log.
host=$("$REPO/scripts/host-info.sh" --pretty 2>/dev/null || echo "host unknown")
if line=$(grep -a -m1 'ptrace set fp regs failed' "$log"); then
  cause="User-Mode Linux cannot give a process back its FP registers: the host refuses an FP (XSAVE) area smaller than its own ('$line'; host: $host). kernel/patches/0001-um-size-the-FP-register-area-from-the-host-at-start-.patch sizes the area from the host at start-up: rebuild the kernel with it (scripts/build-kernel.sh applies kernel/patches/), or run without this source (scripts/bench.sh --no-uml)"
elif line=$(grep -a -m1 -i 'ptrace.*\(operation not permitted\|failed\)\|check_ptrace' "$log"); then
  cause="User-Mode Linux needs ptrace on the host, which refused it ('$line'): a container or a Yama/seccomp policy may forbid it"
elif line=$(grep -a -m1 -i 'create_mem_file\|No space left on device\|Failed to create.*tmp' "$log"); then
  cause="User-Mode Linux could not create its memory file ('$line'): it needs a writable, large enough TMPDIR or /dev/shm"
elif line=$(grep -a -m1 'Kernel panic\|BUG:\|Oops' "$log"); then
  cause="the kernel panicked or reported a bug before /init finished: '$line'"
else
  line=$(grep -a -v '^\s*$' "$log" | tail -n 1)
  status=$(grep -o 'guest exit status [0-9]*\|watchdog killed the guest' "$tmp/out" | head -n1)
  cause="unknown (${status:-no exit status}): the log ends with '${line:-nothing at all}'"
fi
sed 's/^/  | /' "$tmp/out" | tail -n 20 >&2
echo "boot-check: FAIL: $kdir cannot boot on this host: $cause (log: $log)" >&2
exit 1
