#!/usr/bin/env bash
# test-guest.sh: the kernel half of the tests. Builds (or reuses) the lockdep kernel and the
# module, checks modinfo, then boots four guests: the smoke run (every strategy x mode, unload
# and reload, bad parameters), the atomic-context demonstration, allocation failures, and
# load/unload cycles under kmemleak (CYCLES per strategy, default 10; the full reliability
# run is CYCLES=100). Logs go to $TEST_LOGS (default $CACHE/test-logs). Ends with
# "N passed, M failed".
. "$(dirname "$0")/common.sh"

logs=${TEST_LOGS:-$CACHE/test-logs}
mkdir -p "$logs"
kdir=$("$REPO/scripts/build-kernel.sh" lockdep | tail -n1)
ko=$("$REPO/scripts/build-module.sh" lockdep | tail -n1)
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "test-guest: ok: $*"; }
not_ok() { failed=$((failed + 1)); echo "test-guest: FAILED: $*"; }

# modinfo: every parameter is listed with a description.
params=(strategy mode threads sites loops runs warmup atomic_demo fail_alloc_every leak_keys)
for p in "${params[@]}"; do
  desc=$(modinfo -F parm "$ko" | sed -n "s/^$p:\(.*\)/\1/p")
  # modinfo appends the type, "(int)"; what is left must be a description.
  text=$(printf '%s' "$desc" | sed 's/[[:space:]]*([a-z]*)$//; s/^[[:space:]]*//')
  if [ -n "$text" ]; then ok "modinfo describes $p"; else not_ok "modinfo has no description for $p"; fi
done
[ "$(modinfo -F parm "$ko" | wc -l)" = "${#params[@]}" ] && ok "modinfo lists exactly ${#params[@]} parameters" \
  || not_ok "modinfo lists $(modinfo -F parm "$ko" | wc -l) parameters, expected ${#params[@]}"

guest() { # NAME [run-guest options...]
  local name=$1; shift
  step "guest test: $name"
  if "$REPO/scripts/run-guest.sh" --kernel "$kdir" --ko "$ko" --script "$REPO/tests/guest/$name.sh" \
       --log "$logs/$name.log" --smp 2 --timeout 900 "$@"; then
    ok "guest $name"; return 0
  fi
  not_ok "guest $name (log: $logs/$name.log)"; return 1
}

if guest smoke; then
  # Every strategy x mode has results with a positive figure, or says why it was skipped.
  strategies=$(sed -n 's/.*start strategies=\([^ ]*\).*/\1/p' "$logs/smoke.log" | head -n1 | tr , ' ')
  for s in $strategies; do
    for m in lookup create init acquire concurrent atomic; do
      n=$(awk -v s="$s" -v m="$m" '$0 ~ "lockclass_bench: result strategy="s" mode="m" " {
            for (i = 1; i <= NF; i++) if ($i ~ /^ns_per_op=/) { split($i, kv, "="); if (kv[2] + 0 > 0) c++ } }
            END { print c + 0 }' "$logs/smoke.log")
      if [ "$n" -gt 0 ]; then ok "results for $s x $m ($n runs)"
      elif grep -q "skip strategy=$s mode=$m reason=" "$logs/smoke.log"; then ok "$s x $m skipped with a reason"
      else not_ok "no positive result for $s x $m"; fi
    done
  done
  for threads in 1 2; do
    grep -q "result strategy=rcu mode=concurrent threads=$threads " "$logs/smoke.log" \
      && ok "concurrent results at $threads threads" || not_ok "no concurrent results at $threads threads"
  done
  grep -q "check .* ok=0" "$logs/smoke.log" && not_ok "a table held more or fewer classes than sites" \
    || ok "every table held exactly one class per site"
  grep -q "distinct_sites=1024" "$logs/smoke.log" && ok "1024 distinct call sites compiled" \
    || not_ok "the module does not have 1024 distinct call sites"
fi
guest atomic-demo --expect-splat "BUG: sleeping function called from invalid context" || true
guest fallback || true
# Load/unload cycles with kmemleak on: $CYCLES per strategy (100 for the full reliability run).
echo "CYCLES=${CYCLES:-10}" > "$logs/cycles.conf"
guest cycles --cmdline kmemleak=on --mem 1024 --add "$logs/cycles.conf" || true

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
