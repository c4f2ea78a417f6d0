# Guest script: going past lockdep's class limit on purpose (past_class_limit=1). The RFC's
# leak (leak_keys=1) never unregisters, so each acquire configuration adds classes until lockdep
# prints "BUG: MAX_LOCKDEP_KEYS too low!" and switches itself off (the host expects that
# report). The module must say so at once and mark every later result row lockdep=0, and the
# same plan without the opt-in must be refused.
. /guest-lib.sh

in_use=$(lockdep_value lock-classes)
plan="strategy=mutex mode=acquire leak_keys=1 sites=1024,1023,1022,1021,1020,1019,1018,1017 loops=1024 runs=1 warmup=0 lockdep_classes=$in_use"
dmesg -c >/dev/null
# shellcheck disable=SC2086
expect_einval $plan
dmesg | grep -q "error param=sites .*classes=" || fail "the plan was not refused for its classes"
dmesg -c >/dev/null
# shellcheck disable=SC2086
load $plan past_class_limit=1
dmesg | grep -q "MAX_LOCKDEP_KEYS too low" || fail "lockdep did not run out of classes"
dmesg | grep -q "lockdep_off strategy=mutex mode=acquire" || fail "the module did not say lockdep went off"
# After the lockdep_off line, every result row says lockdep=0; all rows are marked.
dmesg | sed -n '/lockdep_off /,$p' | grep "lockclass_bench: result " | grep -v "lockdep=0" && fail "a row after lockdep_off says lockdep=1"
dmesg | grep "lockclass_bench: result " | grep -v "past_class_limit=1" && fail "a row of the plan is not marked"
dmesg | grep -q "End of test: SUCCESS" || fail "no End of test: SUCCESS (the opt-in run completed)"
unload
say "class-limit: refused without the opt-in; with it lockdep went off, rows marked"
