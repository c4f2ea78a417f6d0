#!/usr/bin/env bash
# quiet.sh: was the host quiet while the real-CPU guest measured? bench.sh's two checks, here
# so that a test can feed them made-up inputs (scripts/tests/test-quiet.sh).
#
#   quiet.sh levels LOG
#       The load reference of a boot's log (module/reference.rs: refscale's spinlock pair,
#       timed every round beside the strategies, in no comparison): each load's level is the
#       median of its configurations' `reference ... median_ns=` figures. Prints
#       "MEDIAN,MIN,MAX" of the loads' levels, ns (",," when the log has none).
#   quiet.sh gate RUNS_CSV QUIET_REF QUIET_OUT MAX_DRIFT_PCT
#       Prints "BOOT: why" for each guest-uml boot of RUNS_CSV that shared the host with
#       something, and nothing for a quiet run:
#       - refscale's spinlock pair more than 10 % above the run's quietest boot;
#       - a host memory latency more than 15 % (within L3) or 25 % (past it: its quiet readings
#         drift by up to 18 % within minutes, docs/guests.md) above the quietest ever recorded
#         on this kind of host (QUIET_REF, "L3,DRAM"; may be missing);
#       - a load whose reference level lies more than MAX_DRIFT_PCT % from the median boot's:
#         the host ran faster or slower for that load than for the run's others, which spreads
#         every figure of that load alike (the paired ratios cancel it; the figures do not).
#       Writes the lower of QUIET_REF's and this run's memory latencies to QUIET_OUT.
set -euo pipefail

# median(a, n): sorts a[1..n] in place (insertion sort: a handful of values).
MEDIAN='function median(a, n,   i, j, t) {
  for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }'

case ${1:-} in
  levels)
    [ $# = 2 ] || { echo "usage: quiet.sh levels LOG" >&2; exit 2; }
    awk "$MEDIAN"'
      /lockclass_bench: start / { n++ }
      /lockclass_bench: reference / && n { for (i = 1; i <= NF; i++) if ($i ~ /^median_ns=/) v[n, ++c[n]] = substr($i, 11) + 0 }
      END {
        for (l = 1; l <= n; l++) if (c[l]) { split("", a); for (i = 1; i <= c[l]; i++) a[i] = v[l, i]; lv[++m] = median(a, c[l]) }
        if (!m) { print ",,"; exit }
        lo = hi = lv[1]; for (i = 2; i <= m; i++) { if (lv[i] < lo) lo = lv[i]; if (lv[i] > hi) hi = lv[i] }
        printf "%.2f,%.2f,%.2f\n", median(lv, m), lo, hi }' "$2" ;;
  gate)
    [ $# = 5 ] || { echo "usage: quiet.sh gate RUNS_CSV QUIET_REF QUIET_OUT MAX_DRIFT_PCT" >&2; exit 2; }
    awk -F, -v ref="$(cat "$3" 2>/dev/null || true)" -v quiet="$4" -v drift="$5" "$MEDIAN"'
      FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; split(ref, r, ","); l3 = r[1]; dram = r[2]; next }
      function low(cur, v) { return cur == "" || v < cur ? v : cur }
      function col(name) { return (name in c) ? $c[name] : "" }
      col("source") == "guest-uml" { b = col("boot"); boots[b] = 1
        rs[b] = col("refscale_lock_ns"); m3[b] = col("mem_l3_ns"); md[b] = col("mem_dram_ns")
        lvl[b] = col("ref_pair_ns"); llo[b] = col("ref_pair_ns_min"); lhi[b] = col("ref_pair_ns_max")
        if (rs[b] != "") min = low(min, rs[b]); if (m3[b] != "") l3 = low(l3, m3[b]); if (md[b] != "") dram = low(dram, md[b])
        if (lvl[b] != "") all[++nl] = lvl[b] }
      END {
        if (l3 != "") printf "%s,%s\n", l3, dram > quiet
        if (nl) mid = median(all, nl)
        for (b in boots) {
          why = ""
          if (rs[b] != "" && rs[b] > 1.10 * min) why = why sprintf(" refscale pair %s ns (quiet %s)", rs[b], min)
          if (m3[b] != "" && m3[b] > 1.15 * l3) why = why sprintf(" L3 latency %s ns (quiet %s)", m3[b], l3)
          if (md[b] != "" && md[b] > 1.25 * dram) why = why sprintf(" memory latency %s ns (quiet %s)", md[b], dram)
          if (nl && llo[b] != "" && (llo[b] < (1 - drift / 100) * mid || lhi[b] > (1 + drift / 100) * mid))
            why = why sprintf(" load reference %s-%s ns (run median %s, within %s %% wanted)", llo[b], lhi[b], mid, drift)
          if (why != "") printf "%s:%s\n", b, why } }' "$2" ;;
  *) echo "usage: quiet.sh levels LOG | quiet.sh gate RUNS_CSV QUIET_REF QUIET_OUT MAX_DRIFT_PCT" >&2; exit 2 ;;
esac
