# Guest script: every plan insmod accepts finishes in bounded time and memory (issue "Every plan
# insmod accepts finishes in bounded time and memory"). Each example plan must either be refused
# at once (EINVAL, a line naming the parameter, in under a second) or run clean: End of test:
# SUCCESS, lockdep still on, within ten times the estimate the module printed before it ran
# (twice is the target, checked strictly on the deterministic icount guest by cost-model.sh).
. /guest-lib.sh

now_cs() { awk '{ printf "%d", $1 * 100 }' /proc/uptime; }

# refused_or_clean PARAMS...: one example plan.
refused_or_clean() {
  dmesg -c >/dev/null
  _t0=$(now_cs)
  say "insmod $KO $* (refused at once, or run clean)"
  if _out=$(insmod "$KO" "$@" 2>&1); then
    _t1=$(now_cs)
    dmesg | grep -q "End of test: SUCCESS" || fail "accepted, but no 'End of test: SUCCESS': $*"
    check_debug_locks
    unload
    dmesg | grep -q "exit live_allocs=0 leaked=0" || fail "allocations left behind: $*"
    _done=$(dmesg | grep -o "done results=.*" | head -n1)
    say "ran clean in $(( (_t1 - _t0) * 10 )) ms: $_done"
    # Against the estimate (s, from the module's own clock). This guest's clock is real time on
    # a shared machine, so a load can run slower than modelled when the host is busy: beyond 2x
    # is reported, beyond 10x (a model that forgot a cost, such as grace periods) fails. The
    # strict 2x check runs where time is deterministic: cost-model.sh on the icount guest.
    echo "$_done" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      r = v["actual_s"] / (v["estimate_s"] + 0.05)
      if (r > 10) { print "lockclass-guest: FAIL: actual " v["actual_s"] " s > 10 x estimate " v["estimate_s"] " s"; exit 1 }
      if (r > 2) print "lockclass-guest: note: actual " v["actual_s"] " s > 2 x estimate " v["estimate_s"] " s (real-time clock, busy host?)" }'
  else
    _t1=$(now_cs)
    echo "$_out"
    case $_out in *"Invalid argument"*) ;; *) fail "failed, but not with EINVAL: $*" ;; esac
    _line=$(dmesg | grep -m1 -o "error param=.*") || fail "refused without an 'error param=' line: $*"
    dmesg | grep -q "End of test: FAILURE reason=invalid_parameters" || fail "no End of test line: $*"
    # The module's own time to refuse (busybox insmod tries finit_module, then init_module
    # again on any failure, so the wall time covers two refusals).
    _ms=$(dmesg | sed -n 's/.*refused after_ms=\([0-9]*\).*/\1/p' | head -n1)
    [ -n "$_ms" ] && [ "$_ms" -lt 1000 ] || fail "refusal took ${_ms:-?} ms (limit 1 s): $*"
    if grep -q '^lockclass_bench ' /proc/modules; then fail "module still loaded after: $*"; fi
    [ "$(our_classes)" = 0 ] || fail "lockdep classes of the module left after: $*"
    say "refused in $_ms ms ($(( (_t1 - _t0) * 10 )) ms for insmod's two tries): $_line"
  fi
}

check_debug_locks
# Grace periods: a create run of a table unregisters every key (one grace period each), and
# dynamic waits for one per operation.
refused_or_clean strategy=rcu mode=create sites=1024 runs=1000 warmup=100 loops=1
refused_or_clean strategy=dynamic mode=lookup,init runs=1000
# A large plan whose rows once outgrew one buffer (72,000 rows): results now stream.
refused_or_clean strategy=noop,location,macro mode=lookup,init,acquire,atomic sites=1,2,4,8,16,32 runs=1000 loops=1000
# The RFC's leak: every acquire configuration adds classes; a plan that cannot fit under
# lockdep's limit is refused, counting what lockdep already holds.
in_use=$(lockdep_value lock-classes || echo -1)
refused_or_clean strategy=mutex,spinlock,rcu,cached mode=acquire sites=1024,1000,900 leak_keys=1 lockdep_classes=$in_use
dmesg | grep -q "error param=sites .*classes=" || fail "the leaking plan was not refused for its classes"
# A plan whose estimate exceeds max_seconds is refused, naming what to lower.
refused_or_clean strategy=mutex mode=lookup loops=5000000 runs=40 warmup=0 max_seconds=1
dmesg | grep -q "error param=max_seconds value=1 .*lower=" || fail "max_seconds=1 did not refuse the plan"

# Lists are sets: a repeated value is refused, naming it.
for p in sites=64,64 strategy=rcu,rcu mode=lookup,init,lookup threads=1,1; do
  dmesg -c >/dev/null
  expect_einval "$p" loops=10 runs=1
  item=${p#*=}; item=${item##*,}
  dmesg | grep -q "error param=${p%%=*} value=${p#*=} valid=distinct_values repeated=$item" \
    || fail "$p: no error line naming the repeated value $item"
  say "ok: $p refused, naming $item"
done

# With no parameters at all the default plan is taken (the default thread list is cut to the
# online CPUs), or refused by its estimate with a reason; an explicit thread count above the
# online CPUs is refused.
refused_or_clean
dmesg -c >/dev/null
expect_einval mode=concurrent threads=$(( $(nproc) + 1 )) loops=10 runs=1
dmesg | grep -q "invalid parameter threads=.*more threads than online CPUs" || fail "no reason for too many threads"
check_debug_locks
say "plan-limits: all checks passed"
