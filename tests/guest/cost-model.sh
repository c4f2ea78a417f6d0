# Guest script, for the icount guest (guest time advances per instruction, so timings repeat):
# the plan's cost model against what the plan took. Each plan's `done` line carries the
# estimate printed before the run and the actual time; an actual time beyond twice the
# estimate (an underestimate) fails. Each result row carries the run's estimate and wall
# time too: rows beyond 2x are counted and printed.
. /guest-lib.sh

check_plan() {
  dmesg -c >/dev/null
  load "$@"
  unload
  dmesg | grep -q "End of test: SUCCESS" || fail "no End of test: SUCCESS: $*"
  _done=$(dmesg | grep -o "done results=.*" | head -n1)
  _rows=$(dmesg | grep -o "result .*" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      n++; if (v["run_wall_ns"] > 2 * v["run_est_ns"] + 100000) { under++; if (!shown++) first = $0 } }
      END { printf "rows=%d rows_over_2x=%d", n, under; if (first != "") printf " first_over: %s", first }')
  say "cost-model: $* => $_done; $_rows"
  echo "$_done" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      r = v["actual_s"] / (v["estimate_s"] > 0 ? v["estimate_s"] : 0.001)
      printf "lockclass-guest: cost-model: actual/estimate=%.2f\n", r
      if (v["actual_s"] > 2 * v["estimate_s"] + 0.01) { print "lockclass-guest: FAIL: underestimate beyond 2x"; exit 1 } }'
}

check_debug_locks
check_plan strategy=all mode=lookup,init,acquire sites=64 loops=2000 runs=3
check_plan strategy=mutex,spinlock,rcu,cached,dynamic mode=create sites=64 runs=3
check_plan strategy=mutex,spinlock,rcu mode=concurrent threads=$(seq -s, 1 "$(nproc)") sites=1,64 loops=2000 runs=3
check_plan strategy=noop,location,macro,cached mode=lookup,atomic sites=1024 loops=100000 runs=3
check_plan strategy=dynamic mode=lookup,init,acquire sites=8 runs=3
check_debug_locks
say "cost-model: every plan finished within twice its estimate"
