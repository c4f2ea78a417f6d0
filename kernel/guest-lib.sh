# shellcheck shell=sh
# Helpers for guest scripts, which start with `. /guest-lib.sh`. Runs under busybox sh with
# -e (see kernel/init.sh): a helper that fails returns non-zero and so ends the script.
# Every helper prints a `lockclass-guest: ...` line, which scripts/run-guest.sh shows live.
#
# Overridable before sourcing: KO (module file), MODNAME (name for rmmod).

KO=${KO:-/lockclass_bench.ko}
MODNAME=${MODNAME:-lockclass_bench}
KMEMLEAK=/sys/kernel/debug/kmemleak

say() { echo "lockclass-guest: $*"; }
fail() { say "FAIL: $*"; exit 1; }

# load PARAMS...: insmod the module with PARAMS; fails the script if insmod fails.
load() {
  say "insmod $KO $*"
  insmod "$KO" "$@" || { _rc=$?; say "FAIL: insmod $KO $* (rc=$_rc)"; return "$_rc"; }
  say "loaded $MODNAME"
}

# expect_einval PARAMS...: insmod must fail with EINVAL (the module refused a parameter).
# busybox prints "insmod: can't insert 'FILE': Invalid argument" for EINVAL; other errors
# have other texts (ENOENT: "unknown symbol in module, or unknown parameter").
expect_einval() {
  say "insmod $KO $* (expecting EINVAL)"
  if _out=$(insmod "$KO" "$@" 2>&1); then
    [ -z "$_out" ] || echo "$_out"
    say "FAIL: insmod $KO $* succeeded, expected EINVAL"
    rmmod "$MODNAME" || true   # leave no module behind for the next step
    return 1
  fi
  echo "$_out"
  case $_out in
    *"Invalid argument"*) say "ok: insmod refused with EINVAL" ;;
    *) say "FAIL: insmod $KO $* failed, but not with EINVAL"; return 1 ;;
  esac
}

# unload: rmmod the module.
unload() {
  say "rmmod $MODNAME"
  rmmod "$MODNAME" || { _rc=$?; say "FAIL: rmmod $MODNAME (rc=$_rc)"; return "$_rc"; }
  say "unloaded $MODNAME"
}

# lockdep_stats [FIELD...]: prints FIELDs of /proc/lockdep_stats (default: the ones that
# track lock classes) as `lockclass-guest: lockdep FIELD: VALUE`. A kernel without lockdep
# has no such file: that is said, and is not an error (the baseline flavour runs the same
# scripts).
lockdep_stats() {
  if [ ! -r /proc/lockdep_stats ]; then say "lockdep: no /proc/lockdep_stats (kernel without lockdep)"; return 0; fi
  [ $# -gt 0 ] || set -- "lock-classes" "direct dependencies" "dependency chains" \
    "stack-trace entries" "zapped classes" "debug_locks"
  for _f in "$@"; do
    _line=$(grep "^ *$_f: " /proc/lockdep_stats) || { say "FAIL: lockdep: no field '$_f' in /proc/lockdep_stats"; return 1; }
    say "lockdep $(echo "$_line" | sed 's/^ *//; s/  */ /g')"
  done
}

# lockdep_value FIELD: prints just the number of a /proc/lockdep_stats field (for $(...)),
# e.g. before=$(lockdep_value lock-classes). Prints nothing and fails without lockdep.
lockdep_value() {
  sed -n "s/^ *$1: *\([0-9]*\).*/\1/p" /proc/lockdep_stats 2>/dev/null | grep .
}

# check_debug_locks: fails if lockdep has switched itself off (debug_locks: 0), which it does
# after its first report or when a table such as MAX_LOCKDEP_KEYS is full: every later
# result would then be measured without lockdep.
check_debug_locks() {
  _v=$(lockdep_value debug_locks) || { say "lockdep: not in this kernel"; return 0; }
  [ "$_v" = 1 ] || { say "FAIL: lockdep is off (debug_locks: $_v)"; return 1; }
  say "lockdep: on (debug_locks: 1)"
}

# wait_clocksource [NAME [SECONDS]]: waits until the kernel's clocksource is NAME (default
# tsc, for at most 10 s) and prints it. The guest boots on tsc-early and switches to tsc
# only after the refined calibration, 2 to 4 s into a TCG boot, which is when a benchmark
# would start; timings taken across the switch, or on hpet after the TSC was found
# unstable, are not comparable. Fails if the clocksource never becomes NAME.
wait_clocksource() {
  _want=${1:-tsc} _left=${2:-10}
  _cs_file=/sys/devices/system/clocksource/clocksource0/current_clocksource
  while [ "$(cat "$_cs_file")" != "$_want" ] && [ "$_left" -gt 0 ]; do
    sleep 1; _left=$((_left - 1))
  done
  _cs=$(cat "$_cs_file")
  [ "$_cs" = "$_want" ] || { say "FAIL: clocksource is $_cs, not $_want (available: $(cat /sys/devices/system/clocksource/clocksource0/available_clocksource))"; return 1; }
  say "clocksource=$_cs"
}

# kmemleak_scan: runs kmemleak and prints what it reports. Needs the kernel booted with
# kmemleak=on (run-guest.sh --cmdline kmemleak=on): the config builds it in default-off.
# kmemleak ignores objects younger than 5 s at the start of a scan (MSECS_MIN_AGE), so a
# leak made just before would go unseen: wait that long first (the code says 5000 ms; the
# kmemleak documentation still says 1000). Then scan twice: a stale pointer left in a
# register or on a stack can hide an object from one scan. Leaks fail the run through the
# kernel's "N new suspected memory leaks" line, which check-log.sh flags.
kmemleak_scan() {
  [ -w "$KMEMLEAK" ] || { say "FAIL: kmemleak: no $KMEMLEAK (boot with kmemleak=on on a kernel with CONFIG_DEBUG_KMEMLEAK)"; return 1; }
  say "kmemleak: waiting 5 s (minimum object age), then scanning"
  sleep 5
  echo scan > "$KMEMLEAK"
  echo scan > "$KMEMLEAK"
  _n=$(grep -c '^unreferenced object' "$KMEMLEAK" || true)
  sed 's/^/lockclass-guest: kmemleak: /' "$KMEMLEAK"
  say "kmemleak: $_n unreferenced object(s)"
}

# A class line of /proc/lockdep starts with its key's address, which x86 prints as
# "(____ptrval____)" until pointer hashing is ready (an extended regex, for grep -E / sed -E).
LOCKDEP_CLASS_LINE='^([0-9a-f]+|\(____ptrval____\)) '

# our_classes: how many lockdep classes belong to the module, by name in /proc/lockdep: the
# site classes are named after lockclass-core/call_sites.rs, the others start with
# location_/fallback_/lockclass_. Counting by name, not lockdep's total, keeps classes that
# the rest of the kernel creates meanwhile (kmemleak's scanner, workqueues) out of the check.
our_classes() {
  [ -r /proc/lockdep ] || { echo 0; return 0; }
  grep -c -E 'call_sites\.rs|location_lock_class|fallback_lock_class|lockclass_bench' /proc/lockdep || true
}

# refscale TYPE [LOOPS [NRUNS]]: runs the kernel's own read-side benchmark (refscale.ko, after
# torture.ko, both packed by run-guest.sh --add) with one reader, and prints each of its runs
# as `lockclass-guest: calibration type=TYPE run=R ns_per_op=F`, so that the strategies can be
# placed beside primitives a kernel reader knows: `lock` (raw_spin_lock + raw_spin_unlock),
# `rcu` (rcu_read_lock + rcu_read_unlock), `clock` (ktime_get_real_fast_ns). Not `rwsem`: it
# trips DEBUG_ATOMIC_SLEEP by itself.
refscale() {
  _t=$1 _loops=${2:-100000} _nruns=${3:-10}
  [ -f /refscale.ko ] && [ -f /torture.ko ] || { say "FAIL: refscale: /refscale.ko or /torture.ko missing"; return 1; }
  grep -q '^torture ' /proc/modules || insmod /torture.ko || { say "FAIL: insmod /torture.ko"; return 1; }
  say "insmod /refscale.ko scale_type=$_t nreaders=1 loops=$_loops nruns=$_nruns shutdown=0"
  insmod /refscale.ko scale_type="$_t" nreaders=1 loops="$_loops" nruns="$_nruns" shutdown=0 \
    || { say "FAIL: insmod /refscale.ko scale_type=$_t"; return 1; }
  # The runs table follows the END OF TEST line (several records of "run<TAB>ns" lines).
  _left=300
  while :; do
    _n=$(dmesg | sed -n "/$_t-ref-scale: END OF TEST/,\$p" | sed 's/^\[[^]]*\] *//' | grep -c '^[0-9][0-9]*	[0-9.]*$' || true)
    [ "$_n" -ge "$_nruns" ] && break
    [ "$_left" -gt 0 ] || { say "FAIL: refscale $_t: no result table after 300 s"; rmmod refscale || true; return 1; }
    sleep 1; _left=$((_left - 1))
  done
  rmmod refscale
  dmesg | sed -n "/$_t-ref-scale: END OF TEST/,\$p" | sed 's/^\[[^]]*\] *//' \
    | grep '^[0-9][0-9]*	[0-9.]*$' | head -n "$_nruns" \
    | while read -r _run _ns; do say "calibration type=$_t run=$_run ns_per_op=$_ns"; done
}
