#!/usr/bin/env bash
# test-guest.sh: the kernel half of the tests, reported in the kernel's selftest convention
# (TAP 13: `ok N name` / `not ok N name`, `# Totals:`, exit 1 on any failure).
#
# For each guest kernel in GUEST_FLAVOURS (default "uml lockdep": User-Mode Linux, then the
# x86 lockdep kernel under QEMU) it builds (or reuses) the kernel and the module, checks
# modinfo, then boots the same guest scripts on each: the smoke run (every strategy x mode,
# unload and reload, bad parameters), the atomic-context demonstration, allocation failures
# and load/unload cycles under kmemleak (CYCLES per strategy, default 10; the full
# reliability run is CYCLES=100). Then, unless GUEST_NOSERIES=0, the module on a User-Mode
# Linux kernel without the lock-class series (flavour uml-noseries), and unless
# GUEST_DOCTESTS=0, the kernel crate's doctests as KUnit tests (flavour uml-doctests). Logs go to $TEST_LOGS
# (default $CACHE/test-logs).
. "$(dirname "$0")/common.sh"

logs=${TEST_LOGS:-$CACHE/test-logs}
flavours=${GUEST_FLAVOURS:-uml lockdep}
mkdir -p "$logs"
n=0 passed=0 failed=0 skipped=0
echo "TAP version 13"
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n $1 # SKIP $2"; }
check() { # NAME COMMAND...: one test point from a command's status
  local name=$1; shift
  if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# modinfo: every parameter is listed with a description (the module's own list, so a
# parameter added without a description fails here).
modinfo_checks() { # FLAVOUR KO
  local f=$1 ko=$2 p desc text count
  count=$(modinfo -F parm "$ko" | wc -l)
  [ "$count" -gt 0 ] && ok "$f: modinfo lists $count parameters" || not_ok "$f: modinfo lists no parameters"
  for p in $(modinfo -F parm "$ko" | cut -d: -f1); do
    desc=$(modinfo -F parm "$ko" | sed -n "s/^$p:\(.*\)/\1/p")
    # modinfo appends the type, "(int)"; what is left must be a description.
    text=$(printf '%s' "$desc" | sed 's/[[:space:]]*([a-z]*)$//; s/^[[:space:]]*//')
    [ -n "$text" ] && ok "$f: modinfo describes $p" || not_ok "$f: modinfo has no description for $p"
  done
}

guest() { # FLAVOUR NAME [run-guest options...]: boots tests/guest/NAME.sh
  local f=$1 name=$2; shift 2
  local smp=(); [ "$(flavour_arch "$f")" = um ] || smp=(--smp 2)
  step "guest test ($f): $name"
  if "$REPO/scripts/run-guest.sh" --kernel "${kdir[$f]}" --ko "${ko[$f]}" --script "$REPO/tests/guest/$name.sh" \
       --log "$logs/$f-$name.log" "${smp[@]}" --timeout 900 "$@"; then
    ok "$f: guest $name"; return 0
  fi
  not_ok "$f: guest $name (log: $logs/$f-$name.log)"; return 1
}

# What the smoke log must show: every strategy x mode has results, each with a positive figure or
# marked below the clock's resolution, or
# says why it was skipped; concurrent results at every thread count up to the CPUs; one class
# per site in every table; 1024 distinct call sites.
smoke_checks() { # FLAVOUR
  local f=$1 log=$logs/$1-smoke.log s m c cpus strategies
  strategies=$(sed -n 's/.*start strategies=\([^ ]*\).*/\1/p' "$log" | head -n1 | tr , ' ')
  cpus=$(sed -n 's/.* start .* cpus=\([0-9]*\).*/\1/p' "$log" | head -n1)
  for s in $strategies; do
    for m in lookup create init acquire concurrent atomic; do
      # Runs and bad runs: a run is bad when its figure is not positive and the module did not
      # mark its batch shorter than the clock can time (short_batch=1: a noop create of 4 sites
      # lasts a few ns, and UML's clock moves in 256 ns steps, so it reads 0 honestly).
      read -r c bad < <(awk -v s="$s" -v m="$m" '$0 ~ "lockclass_bench: result strategy="s" mode="m" " {
            c++; v = 0; short = 0
            for (i = 1; i <= NF; i++) { split($i, kv, "=")
              if (kv[1] == "ns_per_op") v = kv[2] + 0; if ($i == "short_batch=1") short = 1 }
            if (v <= 0 && !short) bad++ }
            END { print c + 0, bad + 0 }' "$log")
      if [ "$c" -gt 0 ] && [ "$bad" = 0 ]; then ok "$f: results for $s x $m ($c runs, each positive or marked below the clock's resolution)"
      elif [ "$c" = 0 ] && grep -q "skip strategy=$s mode=$m reason=" "$log"; then ok "$f: $s x $m skipped with a reason"
      else not_ok "$f: $s x $m: $c runs, $bad of them not positive without being marked short"; fi
    done
  done
  for t in $(seq 1 "${cpus:-1}"); do
    check "$f: concurrent results at $t thread(s) of $cpus CPU(s)" grep -q "result strategy=rcu mode=concurrent threads=$t " "$log"
  done
  check "$f: every table held exactly one class per site" bash -c "! grep -q 'check .* ok=0' '$log'"
  check "$f: 1024 distinct call sites compiled" grep -q "distinct_sites=1024" "$log"
}

declare -A kdir ko
for f in $flavours; do
  kdir[$f]=$("$REPO/scripts/build-kernel.sh" "$f" | tail -n1)
  ko[$f]=$("$REPO/scripts/build-module.sh" "$f" | tail -n1)
  modinfo_checks "$f" "${ko[$f]}"
  if guest "$f" smoke; then smoke_checks "$f"; else skip "$f: smoke log checks" "the smoke guest failed"; fi
  guest "$f" atomic-demo --expect-splat "BUG: sleeping function called from invalid context" || true
  guest "$f" fallback || true
  # Bounded plans: the issue's examples refused at once or run clean within 2x their estimate;
  # one name per key; names from the strategy table; CPU hotplug (skips itself on 1 CPU); the
  # class limit passed on purpose (lockdep goes off: its own boot); the cost model on icount.
  for t in plan-limits class-names names hotplug; do guest "$f" "$t" || true; done
  guest "$f" class-limit --expect-splat "MAX_LOCKDEP_KEYS too low" || true
  [ "$(flavour_arch "$f")" = um ] || guest "$f" cost-model --icount || true
  # Lockdep precision: scenario parameters refused; scenarios 1 and 2 for every strategy, one
  # boot per cell, each outcome as committed in tests/guest/precision.expected.
  guest "$f" precision-params --add "$(dirname "${ko[$f]}")/lockclass_precision_peer.ko" || true
  check "$f: lockdep precision of abba-two-sites and abba-across-objects as in tests/guest/precision.expected" \
    "$REPO/scripts/precision.sh" --kernel "${kdir[$f]}" --ko "${ko[$f]}" --scenarios abba-two-sites,abba-across-objects \
    --out "$logs/$f-precision.csv" --raw "$logs/$f-precision" --check "$REPO/tests/guest/precision.expected"
  # A site in a kernel-crate generic (and #[inline]) function, instantiated by two modules: on
  # User-Mode Linux only (a boot in seconds; the QEMU kernel runs the same Rust).
  [ "$(flavour_arch "$f")" != um ] || check "$f: lockdep precision of generic and generic-inline as in tests/guest/precision.expected" \
    "$REPO/scripts/precision.sh" --kernel "${kdir[$f]}" --ko "${ko[$f]}" --scenarios generic,generic-inline \
    --out "$logs/$f-precision-generic.csv" --raw "$logs/$f-precision-generic" --check "$REPO/tests/guest/precision.expected"
  # Load/unload cycles with kmemleak on: $CYCLES per strategy (100 for the full reliability run).
  echo "CYCLES=${CYCLES:-10}" > "$logs/cycles.conf"
  guest "$f" cycles --cmdline kmemleak=on --mem 1024 --add "$logs/cycles.conf" || true
done

# The module on a kernel without the lock-class series (kernel/patches/0001 only, as a user's own
# 6.12): it builds, runs and says which strategies it offers; the names agree there too.
if [ "${GUEST_NOSERIES:-1}" = 1 ]; then
  f=uml-noseries
  kdir[$f]=$("$REPO/scripts/build-kernel.sh" "$f" | tail -n1)
  ko[$f]=$("$REPO/scripts/build-module.sh" "$f" | tail -n1)
  guest "$f" noseries || true
  guest "$f" names || true
fi

# The `kernel` crate's rustdoc examples as KUnit tests (flavour uml-doctests), the series'
# among them: every one must pass, and the lock-class ones must have run.
if [ "${GUEST_DOCTESTS:-1}" = 1 ]; then
  f=uml-doctests
  kdir[$f]=$("$REPO/scripts/build-kernel.sh" "$f" | tail -n1)
  printf '. /guest-lib.sh\nsay "kernel crate doctests ran at boot"\n' >"$logs/doctests.sh"
  step "guest test ($f): the kernel crate's doctests"
  if "$REPO/scripts/run-guest.sh" --kernel "${kdir[$f]}" --script "$logs/doctests.sh" \
       --log "$logs/$f.log" --timeout 300; then
    ok "$f: boots with the kernel crate's doctests, log clean"
  else
    not_ok "$f: boots with the kernel crate's doctests, log clean (log: $logs/$f.log)"
  fi
  summary=$(grep -a -o '# rust_doctests_kernel: pass:[0-9]* fail:[0-9]* skip:[0-9]* total:[0-9]*' "$logs/$f.log" | head -n1)
  echo "# $f: ${summary:-no summary line}"
  check "$f: every kernel crate doctest passes ($summary)" grep -qa '# rust_doctests_kernel: pass:[1-9][0-9]* fail:0 ' "$logs/$f.log"
  lc=$(grep -ac '^\[[ 0-9.]*\]     ok [0-9]* rust_doctest_kernel_sync_lock_class_rs_' "$logs/$f.log" || true)
  check "$f: the lock-class series' doctests ran and passed ($lc of LockClass's examples)" [ "${lc:-0}" -ge 4 ]
fi

echo "1..$n"
echo "# Totals: pass:$passed fail:$failed xfail:0 xpass:0 skip:$skipped error:0"
[ "$failed" = 0 ]
