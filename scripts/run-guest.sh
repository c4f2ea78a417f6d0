#!/usr/bin/env bash
# run-guest.sh: boots the kernel with a busybox initramfs, under QEMU (x86_64 builds) or as
# User-Mode Linux (ARCH=um builds, run as a host process), runs a guest script there and
# checks the outcome. Both kinds of guest get the same initramfs, /init and log checks.
#
# usage: run-guest.sh --kernel DIR --script GUEST_SCRIPT --log OUT.log [options]
#   --kernel DIR          kernel build directory, e.g. the output of scripts/build-kernel.sh
#                         lockdep (has arch/x86/boot/bzImage: QEMU) or uml (has ./linux: UML)
#   --script FILE         guest script, run as /guest.sh by busybox `sh -e`; it can source
#                         /guest-lib.sh (kernel/guest-lib.sh)
#   --log FILE            where the whole serial console goes
#   --ko FILE             module, packed as /lockclass_bench.ko
#   --add FILE            extra file packed as /BASENAME (repeatable)
#   --smp N               guest CPUs (default 2; QEMU only: 6.12's UML has one CPU)
#   --mem MB              guest memory (default 512)
#   --icount              -icount shift=0,sleep=off: guest time advances per instruction, so
#                         in-guest timings repeat from run to run (not real-hardware figures)
#   --kvm                 use KVM instead of TCG (opt-in: it hangs on nested setups; the
#                         watchdog stops it)
#   --pin CPU             UML only: pin the UML process (and its helpers) to host CPU CPU
#   --cmdline "ARGS"      extra kernel arguments (e.g. kmemleak=on)
#   --timeout SECONDS     watchdog: the guest is killed after this long (default 600)
#   --expect-splat REGEX  the run must contain this kernel report; its lines are allowed
#                         (repeatable; see scripts/check-log.sh --expect)
#   --host-load FILE      write how busy the host was during the boot, besides the guest itself:
#                         "other_cpu_pct=X steal_pct=Y" (percent of one host CPU, from /proc/stat
#                         less this run's own processes)
#   --max-other-cpu PCT   fail the run when others took more than PCT % of a host CPU (exit 3
#                         when that is the only reason: the caller may wait and boot again)
#   --trace               run the guest script with sh -ex (prints each command)
#   --verbose             stream the whole console, not just progress lines
#
# Exit 0 when the guest script ended with rc 0 and the log has no unexpected kernel report;
# otherwise 1 with a one-line reason (`run-guest: FAIL: ...`) on stderr (3 when the only
# reason is a busy host, see --max-other-cpu); 2 on usage errors.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"

usage() { awk 'NR < 5 { next } !/^#/ || /shellcheck/ { exit } { sub(/^# ?/, ""); print }' "$0" >&2; exit 2; }
bad_usage() { echo "run-guest: $*" >&2; usage; }

kdir='' ko='' script='' log='' cmdline='' smp='' mem=512 timeout=600 icount=0 kvm=0 trace=0 verbose=0 pin=''
host_load='' max_other=''
adds=() expects=()
while [ $# -gt 0 ]; do
  case $1 in
    --icount|--kvm|--trace|--verbose) declare "${1#--}=1"; shift; continue ;;
    -h|--help) usage ;;
    --kernel|--ko|--script|--log|--add|--smp|--mem|--cmdline|--timeout|--expect-splat|--pin|--host-load|--max-other-cpu)
      [ $# -ge 2 ] || bad_usage "$1 needs a value" ;;
    *) bad_usage "unknown argument '$1'" ;;
  esac
  case $1 in
    --kernel) kdir=$2 ;; --ko) ko=$2 ;; --script) script=$2 ;; --log) log=$2 ;;
    --add) adds+=("$2") ;; --smp) smp=$2 ;; --mem) mem=$2 ;; --cmdline) cmdline=$2 ;;
    --timeout) timeout=$2 ;; --expect-splat) expects+=("$2") ;; --pin) pin=$2 ;;
    --host-load) host_load=$2 ;; --max-other-cpu) max_other=$2 ;;
  esac
  shift 2
done

[ -n "$kdir" ] || bad_usage "--kernel DIR is required"
[ -n "$script" ] || bad_usage "--script FILE is required"
[ -n "$log" ] || bad_usage "--log FILE is required"
for v in smp mem timeout; do
  [ -z "${!v}" ] || [[ ${!v} =~ ^[1-9][0-9]*$ ]] || bad_usage "--$v wants a positive integer, got '${!v}'"
done
[ -z "$pin" ] || [[ $pin =~ ^[0-9]+$ ]] || bad_usage "--pin wants a host CPU number, got '$pin'"
[ -z "$max_other" ] || [[ $max_other =~ ^[0-9]+(\.[0-9]+)?$ ]] || bad_usage "--max-other-cpu wants a percentage, got '$max_other'"
if [ -f "$kdir/.config" ] && grep -q '^CONFIG_UML=y' "$kdir/.config"; then
  guest=uml image=$kdir/linux
  [ "$icount" = 0 ] && [ "$kvm" = 0 ] || bad_usage "--icount and --kvm are QEMU options; $kdir is a User-Mode Linux kernel"
  [ -z "$smp" ] || [ "$smp" = 1 ] || bad_usage "--smp $smp: 6.12's User-Mode Linux has exactly one CPU"
else
  guest=qemu image=$kdir/arch/x86/boot/bzImage smp=${smp:-2}
  [ -z "$pin" ] || bad_usage "--pin is for User-Mode Linux kernels"
fi
[ -f "$image" ] || die "no kernel image at $image (build it with scripts/build-kernel.sh)"
[ -f "$script" ] || die "guest script $script not found"
[ -z "$ko" ] || [ -f "$ko" ] || die "module $ko not found"
for f in "${adds[@]}"; do [ -f "$f" ] || die "file $f (--add) not found"; done
[ $guest = uml ] || command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing: run scripts/setup.sh"
busybox=/bin/busybox   # Debian's busybox-static: the guest has no shared libraries
if [ ! -x "$busybox" ] || LC_ALL=C readelf -l "$busybox" 2>/dev/null | grep -q 'program interpreter'; then
  die "$busybox is not a static busybox: install busybox-static (scripts/setup.sh)"
fi
# gen_init_cpio's list format splits on whitespace.
for f in "$REPO" "$script" "$ko" "${adds[@]}"; do
  [[ $f != *[[:space:]]* ]] || die "path '$f' contains whitespace, which the initramfs list cannot hold"
done

if [ -f "$kdir/.config" ] && ! grep -q '^CONFIG_BUG=y' "$kdir/.config"; then
  # tinyconfig turns CONFIG_BUG off: WARN_ON()/BUG_ON() then print nothing at all, and
  # lockdep's DEBUG_LOCKS_WARN_ON switches lockdep off without a word.
  step "warning: $kdir has no CONFIG_BUG: WARN_ON()/BUG_ON() reports are silent and check-log.sh cannot see them (guest-lib's check_debug_locks still catches lockdep switching off)"
fi

accel=(-accel tcg)
if [ "$kvm" = 1 ]; then
  # Usable means: a character device we can open read-write (permissions, module loaded).
  { [ -c /dev/kvm ] && (exec 3<>/dev/kvm); } 2>/dev/null || die "--kvm: /dev/kvm is missing or not usable by $(id -un)"
  # QEMU's default CPU model: with -cpu host, QEMU aborts here at once ("failed to set MSR
  # 0x10a") on nested setups that lack IA32_ARCH_CAPABILITIES.
  accel=(-enable-kvm)
  step "KVM requested: known to hang on nested setups; the watchdog stops it after $timeout s"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/run-guest.XXXXXX")
qpid='' viewpid=''
cleanup() {
  for p in $qpid $viewpid; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
# Background jobs of a script ignore SIGINT: on Ctrl-C or TERM stop QEMU ourselves.
trap 'echo "run-guest: interrupted" >&2; exit 130' INT
trap 'echo "run-guest: terminated" >&2; exit 143' TERM

# --- initramfs -----------------------------------------------------------------------
# The kernel's own gen_init_cpio writes device nodes (/dev/console, needed before devtmpfs
# is mounted) without root rights, and gives a reproducible archive.
gen=$kdir/usr/gen_init_cpio
if [ ! -x "$gen" ]; then
  cc -O2 -o "$tmp/gen_init_cpio" "$kdir/source/usr/gen_init_cpio.c" 2>/dev/null \
    || die "no usr/gen_init_cpio in $kdir and could not build it from the kernel source"
  gen=$tmp/gen_init_cpio
fi
{
  for d in /bin /sbin /usr /usr/bin /usr/sbin /dev /proc /sys /tmp /root; do echo "dir $d 755 0 0"; done
  echo "nod /dev/console 600 0 0 c 5 1"
  echo "nod /dev/null 666 0 0 c 1 3"
  echo "file /bin/busybox $busybox 755 0 0"
  # Applet links made here rather than with `busybox --install` in the guest: /init's own
  # #!/bin/sh needs one before anything runs.
  "$busybox" --list-full | while read -r applet; do
    [ "$applet" = bin/busybox ] || echo "slink /$applet /bin/busybox 777 0 0"
  done
  echo "file /init $REPO/kernel/init.sh 755 0 0"
  echo "file /guest-lib.sh $REPO/kernel/guest-lib.sh 644 0 0"
  echo "file /guest.sh $(realpath "$script") 755 0 0"
  [ -z "$ko" ] || echo "file /lockclass_bench.ko $(realpath "$ko") 644 0 0"
  for f in "${adds[@]}"; do echo "file /$(basename "$f") $(realpath "$f") 644 0 0"; done
} >"$tmp/initramfs.list"
"$gen" -t 0 "$tmp/initramfs.list" | gzip -n -1 >"$tmp/initrd.gz"

# --- boot ----------------------------------------------------------------------------
# ignore_loglevel: lockdep prints "BUG: MAX_LOCKDEP_KEYS too low!" and "turning off the
# locking correctness validator" at KERN_DEBUG, which the default console level hides.
# panic=-1: a panic reboots at once, which -no-reboot turns into QEMU exiting.
append="panic=-1 ignore_loglevel"
[ "$trace" = 0 ] || append+=" lockclass_trace=1"
if [ $guest = uml ]; then
  # con0=null,fd:1: the console is UML's stdout (the log); lockclass_poweroff=1 tells /init to
  # end with poweroff, which makes the UML process exit (a reboot would restart it).
  append+=" mem=${mem}M initrd=$tmp/initrd.gz con=null con0=null,fd:1 lockclass_poweroff=1"
  [ -z "$cmdline" ] || append+=" $cmdline"
  read -r -a words <<<"$append"
  qemu=("$image" "${words[@]}")
  [ -z "$pin" ] || qemu=(taskset -c "$pin" "${qemu[@]}")
  what="User-Mode Linux $image$([ -z "$pin" ] || echo " pinned to host CPU $pin")"
else
  append="console=ttyS0 $append"
  [ -z "$cmdline" ] || append+=" $cmdline"
  qemu=(qemu-system-x86_64 "${accel[@]}" -m "$mem" -smp "$smp" -nic none
        -kernel "$image" -initrd "$tmp/initrd.gz" -append "$append" -nographic -no-reboot)
  [ "$icount" = 0 ] || qemu+=(-icount 'shift=0,sleep=off')
  what="$image: ${accel[*]} -smp $smp -m $mem$([ "$icount" = 0 ] || echo ' -icount')"
fi

# Host load: the host's busy and steal time (/proc/stat) over the boot, less the CPU time of
# this script's own children (the guest and its helpers, reaped by the time it is read).
host_cpu_s() { awk '/^cpu / { printf "%.2f %.2f\n", ($2 + $3 + $4 + $7 + $8) / hz, $9 / hz }' hz="$(getconf CLK_TCK)" /proc/stat; }
# `times` must run in this shell: a subshell's children start from zero.
own_cpu_s() { # VAR: sets VAR to the CPU seconds of this script's reaped children
  times >"$tmp/times"
  printf -v "$1" '%s' "$(awk 'NR == 2 { s = 0; for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); s += t[1] * 60 + t[2] } printf "%.2f", s }' "$tmp/times")"
}
read -r busy0 steal0 <<<"$(host_cpu_s)"
own_cpu_s own0

mkdir -p "$(dirname "$log")"
: >"$log"
step "booting $what, append '$append' (log: $log, watchdog ${timeout}s)"
start=$EPOCHREALTIME
# QEMU writes the console straight into the log; the terminal gets a filtered copy. The
# cleanup trap stops QEMU through timeout, which passes the TERM on; if this script is
# killed outright, the watchdog still ends QEMU.
timeout --kill-after=10 "$timeout" "${qemu[@]}" </dev/null >"$log" 2>&1 &
qpid=$!

report_re=$("$REPO/scripts/check-log.sh" --pattern)
# A module error line is preceded by a human sentence: show that too.
tail -n +1 -f --pid="$qpid" "$log" 2>/dev/null | LC_ALL=C awk -v all="$verbose" -v rep="$report_re" '
  { sub(/\r+$/, "") }
  all || /lockclass-guest:|lockclass_bench: (start|progress|error|done)/ || $0 ~ rep {
    if (!all && /lockclass_bench: error/ && prev ~ /lockclass_bench: / && prev !~ /lockclass_bench: (start|progress|error|done)/) print prev
    print; fflush()
  }
  { prev = $0 }' &
viewpid=$!
# Both run in the background so that `wait` returns at once when a signal arrives and the
# traps can stop QEMU (a foreground pipeline would delay them until it ended).
set +e
wait "$qpid"; qrc=$?
qpid=''
wait "$viewpid"   # tail --pid ends within a second of QEMU; let it flush the last lines
set -e
viewpid=''
elapsed=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
read -r busy1 steal1 <<<"$(host_cpu_s)"
own_cpu_s own1
read -r other_pct steal_pct <<<"$(awk -v w="$elapsed" -v busy="$busy0 $busy1" -v own="$own0 $own1" -v steal="$steal0 $steal1" '
  BEGIN { split(busy, b, " "); split(own, o, " "); split(steal, s, " ")
          other = (b[2] - b[1] - (o[2] - o[1])) / w * 100; if (other < 0) other = 0
          printf "%.1f %.1f\n", other, (s[2] - s[1]) / w * 100 }')"
[ -z "$host_load" ] || echo "other_cpu_pct=$other_pct steal_pct=$steal_pct" >"$host_load"

# Serial output has CRLF line ends and firmware escape sequences: normalise the log once.
sed -i 's/\r//g; s/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g' "$log"

# --- verdict -------------------------------------------------------------------------
reasons=()
endline=$(grep -a -o 'lockclass-guest: end rc=[0-9]*' "$log" | tail -n 1 || true)
if [ -z "$endline" ]; then
  if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
    reasons+=("guest hung: no end marker after ${timeout}s, watchdog killed the guest")
  elif ! grep -aq 'lockclass-guest: begin' "$log"; then
    reasons+=("guest never reached /init (guest exit status $qrc)")
  else
    reasons+=("guest ended without the end marker (guest exit status $qrc: kernel panic or crash?)")
  fi
  echo "run-guest: last lines of $log:" >&2
  tail -n 15 "$log" | sed 's/^/  | /' >&2
else
  grc=${endline##*rc=}
  [ "$grc" = 0 ] || reasons+=("guest script failed: rc=$grc")
fi

check_args=()
for e in "${expects[@]}"; do check_args+=(--expect "$e"); done
if ! "$REPO/scripts/check-log.sh" "$log" "${check_args[@]}" >"$tmp/check" 2>&1; then
  grep -q ' kernel report line' "$tmp/check" && reasons+=("kernel report in the log (lines above)")
  grep -q ' not found$' "$tmp/check" && reasons+=("expected kernel report not found")
  grep -q ' kernel report line\| not found$' "$tmp/check" || reasons+=("check-log.sh failed")
fi
cat "$tmp/check" >&2

busy=0
if [ -n "$max_other" ] && awk -v o="$other_pct" -v m="$max_other" 'BEGIN { exit !(o > m) }'; then
  reasons+=("host busy: other processes took $other_pct % of a host CPU during the boot (limit $max_other %), steal $steal_pct %")
  busy=1
fi
uptime=$(sed -n 's/.*lockclass-guest: uptime=\([0-9.]*\).*/\1/p' "$log" | tail -n 1)
if [ ${#reasons[@]} -gt 0 ]; then
  msg=$(IFS=';'; echo "${reasons[*]}"); msg=${msg//;/; }
  echo "run-guest: FAIL: $msg (log: $log)" >&2
  [ ${#reasons[@]} = 1 ] && [ $busy = 1 ] && exit 3
  exit 1
fi
echo "run-guest: ok: guest script rc=0, no unexpected kernel report; $elapsed s wall, guest uptime ${uptime:-?} s, host: others $other_pct % of a CPU, steal $steal_pct % (log: $log)" >&2
