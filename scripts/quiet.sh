#!/usr/bin/env bash
# quiet.sh: was the host quiet while the real-CPU guest measured? bench.sh's checks, here so
# that a test can feed them made-up inputs (scripts/tests/test-quiet.sh).
#
#   quiet.sh select MAX_DRIFT_PCT MIN_LOADS OUT_CSV LOG...
#       The load reference (module/reference.rs: refscale's spinlock pair, timed every round
#       beside the strategies, in no comparison) of every load in the boots' logs (a log's
#       boot is the N of its name's "bootN"). A load's level is the median of its
#       configurations' `reference ... median_ns=`; a load is kept when its level lies within
#       MAX_DRIFT_PCT % of the median level of its plan's loads in all the boots (a plan: the
#       Nth distinct insmod line of its boot): the host ran it at the speed it ran the others,
#       so whatever slowed or sped the host up is not in the figures' spread (the paired ratios
#       cancel it; the figures do not). Writes one row per load to OUT_CSV (source, boot,
#       load, plan, reference_ns, plan_median_ns, max_drift_pct, kept) and prints "BOOT: why"
#       for each boot where a plan has fewer than MIN_LOADS loads kept: bench.sh repeats that
#       boot. What decides is never the figures a load took, and fast loads are set aside as
#       slow ones are.
#   quiet.sh keep LOADS_CSV CSV...
#       Drops from each CSV (tidy data or stats: columns `boot` and `load`) the rows of the
#       loads LOADS_CSV marks set aside (kept=0), in place. Raw logs keep every load.
#   quiet.sh gate RUNS_CSV QUIET_REF QUIET_OUT [PAIR_REF PAIR_OUT]
#       Prints "BOOT: why" for each guest-uml boot of RUNS_CSV that shared the host with
#       something, and nothing for a quiet run:
#       - refscale's spinlock pair more than 10 % above the run's quietest boot, or above the
#         quietest on record for this kind of host and this kernel (PAIR_REF, may be missing;
#         the lower of the two is written to PAIR_OUT);
#       - a host memory latency more than 15 % (within L3) or 25 % (past it: its quiet readings
#         drift by up to 18 % within minutes, docs/guests.md) above the quietest ever recorded
#         on this kind of host (QUIET_REF, "L3,DRAM"; may be missing).
#       Writes the lower of QUIET_REF's and this run's memory latencies to QUIET_OUT.
#   quiet.sh busy QUIET_REF L3_NS DRAM_NS
#       Prints why the host reads busy now (the memory latencies just probed, against the
#       record by gate's bounds), and nothing when it reads quiet or there is no record:
#       bench.sh waits before a real-CPU boot until this prints nothing.
set -euo pipefail

# median(a, n): sorts a[1..n] in place (insertion sort: a handful of values).
MEDIAN='function median(a, n,   i, j, t) {
  for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }'
# memwhy(l3, dram, quiet_l3, quiet_dram): why these memory latencies read busy, or "". Past the
# L3 the bound is wider: quiet readings there drift by up to 18 % within minutes (docs/guests.md).
MEMWHY='function memwhy(l3, dram, ql3, qdram,   w) { w = ""
  if (l3 != "" && ql3 != "" && l3 > 1.15 * ql3) w = w sprintf(" L3 latency %s ns (quiet %s)", l3, ql3)
  if (dram != "" && qdram != "" && dram > 1.25 * qdram) w = w sprintf(" memory latency %s ns (quiet %s)", dram, qdram)
  return w }'

case ${1:-} in
  select)
    [ $# -ge 5 ] || { echo "usage: quiet.sh select MAX_DRIFT_PCT MIN_LOADS OUT_CSV LOG..." >&2; exit 2; }
    drift=$2 min=$3 out=$4; shift 4
    rm -f "$out"
    awk -v drift="$drift" -v min="$min" -v out="$out" "$MEDIAN"'
      FNR == 1 { boot = FILENAME; sub(/.*boot/, "", boot); sub(/[^0-9].*/, "", boot); boots[boot] = 1; n = 0; np = 0; split("", planof) }
      /lockclass-guest: insmod \/lockclass_bench\.ko / { p = $0; sub(/.*insmod /, "", p); sub(/ lockdep_classes=.*/, "", p)
        if (!(p in planof)) planof[p] = ++np; cur = planof[p] }
      /lockclass_bench: start / { n++; plan[boot, n] = cur; loads[boot] = n }
      /lockclass_bench: reference / && n { for (i = 1; i <= NF; i++) if ($i ~ /^median_ns=/) v[boot, n, ++c[boot, n]] = substr($i, 11) + 0 }
      END {
        for (b in boots) for (l = 1; l <= loads[b]; l++) if (c[b, l]) {
          split("", a); for (i = 1; i <= c[b, l]; i++) a[i] = v[b, l, i]
          lv[b, l] = median(a, c[b, l]); p = plan[b, l]; all[p, ++m[p]] = lv[b, l]; nl++ }
        if (!nl) exit
        # Per plan: what a plan leaves in lockdep (thousands of keys) may move the pair a little.
        for (p in m) { split("", a); for (i = 1; i <= m[p]; i++) a[i] = all[p, i]; mid[p] = median(a, m[p]) }
        print "source,boot,load,plan,reference_ns,plan_median_ns,max_drift_pct,kept" > out
        for (b in boots) {
          split("", kept); split("", tried)
          for (l = 1; l <= loads[b]; l++) {
            p = plan[b, l]; k = ((b, l) in lv) && lv[b, l] >= (1 - drift / 100) * mid[p] && lv[b, l] <= (1 + drift / 100) * mid[p]
            tried[p]++; kept[p] += k
            printf "guest-uml,%s,%d,%d,%s,%s,%s,%d\n", b, l, p, ((b, l) in lv) ? sprintf("%.2f", lv[b, l]) : "", (p in mid) ? sprintf("%.2f", mid[p]) : "", drift, k > out }
          why = ""
          for (p in tried) if (kept[p] + 0 < min) why = why sprintf(" plan %d: %d of %d loads within %s %% of its median reference %s ns;", p, kept[p], tried[p], drift, (p in mid) ? sprintf("%.2f", mid[p]) : "-")
          if (why != "") printf "%s:%s\n", b, why } }' "$@"
    # By boot and load (awk's `for (b in boots)` has no order).
    if [ -f "$out" ]; then { head -n1 "$out"; tail -n +2 "$out" | sort -t, -k2,2n -k3,3n; } >"$out.sorted" && mv "$out.sorted" "$out"; fi ;;
  keep)
    [ $# -ge 2 ] || { echo "usage: quiet.sh keep LOADS_CSV CSV..." >&2; exit 2; }
    loads=$2; shift 2
    for f in "$@"; do
      awk -F, 'FNR == 1 { split("", c); for (i = 1; i <= NF; i++) c[$i] = i
          if (!("boot" in c) || !("load" in c)) { print FILENAME ": no boot and load columns" > "/dev/stderr"; exit 1 }
          if (NR != FNR) print; next }
        NR == FNR { if ($c["kept"] == 0) drop[$c["boot"], $c["load"]] = 1; next }
        !(($c["boot"], $c["load"]) in drop)' "$loads" "$f" >"$f.kept" || { rm -f "$f.kept"; exit 1; }
      mv "$f.kept" "$f"
    done ;;
  gate)
    [ $# = 4 ] || [ $# = 6 ] || { echo "usage: quiet.sh gate RUNS_CSV QUIET_REF QUIET_OUT [PAIR_REF PAIR_OUT]" >&2; exit 2; }
    awk -F, -v ref="$(cat "$3" 2>/dev/null || true)" -v quiet="$4" \
      -v pair_ref="$( [ $# = 6 ] && cat "$5" 2>/dev/null || true)" -v pair_out="${6:-}" "$MEMWHY"'
      FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; split(ref, r, ","); l3 = r[1]; dram = r[2]; min = pair_ref; next }
      function low(cur, v) { return cur == "" || v < cur ? v : cur }
      # A column older runs.csv files lack reads empty (not $0).
      function col(name) { return (name in c) ? $c[name] : "" }
      col("source") == "guest-uml" { b = col("boot"); boots[b] = 1
        rs[b] = col("refscale_lock_ns"); m3[b] = col("mem_l3_ns"); md[b] = col("mem_dram_ns")
        if (rs[b] != "") min = low(min, rs[b]); if (m3[b] != "") l3 = low(l3, m3[b]); if (md[b] != "") dram = low(dram, md[b]) }
      END {
        if (l3 != "") printf "%s,%s\n", l3, dram > quiet
        if (pair_out != "" && min != "") print min > pair_out
        for (b in boots) {
          why = ""
          if (rs[b] != "" && rs[b] > 1.10 * min) why = why sprintf(" refscale pair %s ns (quiet %s)", rs[b], min)
          why = why memwhy(m3[b], md[b], l3, dram)
          if (why != "") printf "%s:%s\n", b, why } }' "$2" ;;
  busy)
    [ $# = 4 ] || { echo "usage: quiet.sh busy QUIET_REF L3_NS DRAM_NS" >&2; exit 2; }
    awk -v ref="$(cat "$2" 2>/dev/null || true)" -v l3="$3" -v dram="$4" "$MEMWHY"'
      BEGIN { if (split(ref, r, ",") == 2) { w = memwhy(l3, dram, r[1], r[2]); if (w != "") print substr(w, 2) } }' ;;
  *) echo "usage: quiet.sh select MAX_DRIFT_PCT MIN_LOADS OUT_CSV LOG... | keep LOADS_CSV CSV... | gate RUNS_CSV QUIET_REF QUIET_OUT [PAIR_REF PAIR_OUT] | busy QUIET_REF L3_NS DRAM_NS" >&2; exit 2 ;;
esac
