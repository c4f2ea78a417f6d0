#!/usr/bin/env bash
# test-quiet.sh: scripts/quiet.sh, the checks that decide whether bench.sh keeps a real-CPU
# boot, on made-up logs and runs.csv files: a quiet run passes, and each way of being busy or
# drifting names the boot and why.
# Ends with one line "N passed, M failed"; exit 1 if anything failed.
# shellcheck source-path=SCRIPTDIR/.. source=common.sh
. "$(dirname "$0")/../common.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-quiet.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
Q=$REPO/scripts/quiet.sh
check() { # NAME WANT GOT
  if [ "$2" = "$3" ]; then passed=$((passed + 1)); echo "ok   - $1"
  else failed=$((failed + 1)); echo "FAIL - $1: want '$2', got '$3'"; fi
}

# select: a boot's log, two plans (its insmod lines) loaded twice each; LEVELS gives the
# reference medians of each load's configurations, "a b c|d e|..." in load order.
boot_log() { # FILE PLAN1_LEVELS PLAN2_LEVELS PLAN1_LEVELS PLAN2_LEVELS
  local f=$1 l=0; shift
  for refs in "$@"; do
    l=$((l + 1))
    if [ $((l % 2)) = 1 ]; then plan="strategy=all mode=lookup,init sites=64"; else plan="strategy=noop mode=lookup sites=1024,1"; fi
    echo "lockclass-guest: insmod /lockclass_bench.ko $plan lockdep_classes=$((240 + l))"
    echo "[    0.1] lockclass_bench: start strategies=noop modes=lookup"
    for r in $refs; do echo "[    0.2] lockclass_bench: reference mode=lookup threads=1 sites=64 pairs=32768 median_ns=$r min_ns=1 max_ns=99"; done
  done >"$f"
}
mkdir -p "$tmp/raw"
for b in 1 2 3 4; do boot_log "$tmp/raw/guest-uml-lockdep-boot$b.log" "50 52 51" "60 60" "51 51 52" "60 61 60"; done
sel() { "$Q" select 3 "${1:-2}" "$tmp/loads.csv" "$tmp"/raw/guest-uml-lockdep-boot*.log; }
check "select: a steady run keeps every load" "" "$(sel)"
check "  ... one row per load, a load's level the median of its configurations'" \
  "guest-uml,2,1,1,51.00,51.00,3,1" "$(grep '^guest-uml,2,1,' "$tmp/loads.csv")"
check "  ... each plan against its own median" "guest-uml,2,2,2,60.00,60.00,3,1" "$(grep '^guest-uml,2,2,' "$tmp/loads.csv")"
boot_log "$tmp/raw/guest-uml-lockdep-boot3.log" "50 52 51" "60 60" "54 53 53" "61 60"
check "select: a load 4 % slow is set aside; its boot keeps one of two, so it is repeated" \
  "3: plan 1: 1 of 2 loads within 3 % of its median reference 51.00 ns;" "$(sel)"
check "  ... and loads.csv says which" "guest-uml,3,3,1,53.00,51.00,3,0" "$(grep '^guest-uml,3,3,' "$tmp/loads.csv")"
check "select: with one load per plan enough, the boot stands" "" "$(sel 1)"
boot_log "$tmp/raw/guest-uml-lockdep-boot3.log" "50 52 51" "57 58" "51 51 52" "61 60"
check "select: so is a load 4 % fast" \
  "3: plan 2: 1 of 2 loads within 3 % of its median reference 60.00 ns;" "$(sel)"
check "select: a log without reference lines writes nothing and repeats nothing" "" \
  "$("$Q" select 3 2 "$tmp/none.csv" /dev/null; cat "$tmp/none.csv" 2>/dev/null)"

# keep: the set-aside loads' rows leave the data and stats CSVs, matched by boot and load.
printf 'source,boot,load,plan,reference_ns,plan_median_ns,max_drift_pct,kept\nguest-uml,1,1,1,51,51,3,1\nguest-uml,1,2,1,56,51,3,0\nguest-uml,2,2,1,51,51,3,1\n' >"$tmp/k.csv"
printf 'strategy,ns_per_op,boot,load\nmutex,10,1,1\nmutex,12,1,2\nmutex,11,2,2\npool,1,1,2\n' >"$tmp/data.csv"
printf 'source,strategy,classes,boot,load\nguest-uml,mutex,64,1,2\nguest-uml,mutex,64,2,1\n' >"$tmp/stats.csv"
"$Q" keep "$tmp/k.csv" "$tmp/data.csv" "$tmp/stats.csv"
check "keep: boot 1's load 2 leaves the data, header and other loads stay" \
  "strategy,ns_per_op,boot,load|mutex,10,1,1|mutex,11,2,2" "$(paste -sd'|' "$tmp/data.csv")"
check "  ... and the stats, whatever their columns' order" "source,strategy,classes,boot,load|guest-uml,mutex,64,2,1" \
  "$(paste -sd'|' "$tmp/stats.csv")"
printf 'source,boot,type,run,ns_per_op\nguest-uml,1,lock,1,36.5\n' >"$tmp/cal.csv"
check "keep: a CSV without a load column is refused and left as it was" "1|source,boot,type,run,ns_per_op|guest-uml,1,lock,1,36.5" \
  "$("$Q" keep "$tmp/k.csv" "$tmp/cal.csv" 2>/dev/null; echo $?)|$(paste -sd'|' "$tmp/cal.csv")"

# gate: six boots of runs.csv.
runs() {
  echo "source,boot,other_cpu_pct,refscale_lock_ns,mem_l3_ns,mem_dram_ns,log"
  echo "guest-icount,1,0,652,,,raw/guest-icount-lockdep.log"
  for b in 1 2 3 4 5 6; do
    local rs=36.5 l3=45 dram=230
    case "$b:${1:-}" in
      4:refscale) rs=41.0 ;;
      3:l3) l3=53 ;;
      5:dram) dram=300 ;;
    esac
    echo "guest-uml,$b,0.1,$rs,$l3,$dram,raw/guest-uml-lockdep-boot$b.log"
  done
}
gate() { "$Q" gate "$tmp/runs.csv" "$tmp/ref" "$tmp/quiet.out"; }
echo "44,240" >"$tmp/ref"
runs >"$tmp/runs.csv"
check "gate: a quiet, steady run repeats nothing" "" "$(gate)"
check "  ... and the host's record keeps the lower latencies" "44,230" "$(cat "$tmp/quiet.out")"
runs refscale >"$tmp/runs.csv"
check "gate: refscale's pair 12 % above the quietest boot repeats the boot" \
  "4: refscale pair 41.0 ns (quiet 36.5)" "$(gate)"
runs l3 >"$tmp/runs.csv"
check "gate: an L3 latency 20 % above the host's record repeats the boot" \
  "3: L3 latency 53 ns (quiet 44)" "$(gate)"
runs dram >"$tmp/runs.csv"
check "gate: a memory latency 30 % above the run's lowest repeats the boot" \
  "5: memory latency 300 ns (quiet 230)" "$(gate)"
rm -f "$tmp/ref"
runs >"$tmp/runs.csv"
check "gate: without a record, the run's own lowest latencies are the quiet ones" "" "$(gate)"
check "  ... and become the record" "45,230" "$(cat "$tmp/quiet.out")"
# The pair's record for this host and kernel: a run busy from its first boot to its last.
runs >"$tmp/runs.csv"
echo "33.0" >"$tmp/pair"
check "gate: every boot's pair 11 % above the host's record repeats them all" "1 2 3 4 5 6" \
  "$("$Q" gate "$tmp/runs.csv" "$tmp/ref" "$tmp/quiet.out" "$tmp/pair" "$tmp/pair.out" | cut -d: -f1 | sort -n | paste -sd' ')"
check "  ... naming the record" "1: refscale pair 36.5 ns (quiet 33.0)" \
  "$("$Q" gate "$tmp/runs.csv" "$tmp/ref" "$tmp/quiet.out" "$tmp/pair" "$tmp/pair.out" | grep '^1:')"
check "  ... and keeping it" "33.0" "$(cat "$tmp/pair.out")"
echo "36.0" >"$tmp/pair"
check "gate: a run within 10 % of the record passes, and the record stays the lower" "|36.0" \
  "$("$Q" gate "$tmp/runs.csv" "$tmp/ref" "$tmp/quiet.out" "$tmp/pair" "$tmp/pair.out")|$(cat "$tmp/pair.out")"
rm -f "$tmp/pair"
check "gate: without a record, the run's quietest pair becomes it" "|36.5" \
  "$("$Q" gate "$tmp/runs.csv" "$tmp/ref" "$tmp/quiet.out" "$tmp/pair" "$tmp/pair.out")|$(cat "$tmp/pair.out")"

# A runs.csv from before the memory probe: the refscale check still applies.
runs refscale | cut -d, -f1-4,7 >"$tmp/runs.csv"
check "gate: a runs.csv without memory latencies still gets the refscale check" \
  "4: refscale pair 41.0 ns (quiet 36.5)" "$(gate)"

# busy: the host's latencies just probed, before a boot, against the record (gate's bounds).
echo "44,230" >"$tmp/ref"
check "busy: latencies near the record read quiet" "" "$("$Q" busy "$tmp/ref" 50 280)"
check "busy: an L3 latency 3.5 times the record reads busy, and says so" \
  "L3 latency 154 ns (quiet 44)" "$("$Q" busy "$tmp/ref" 154 240)"
check "busy: a memory latency 30 % above the record reads busy" \
  "memory latency 300 ns (quiet 230)" "$("$Q" busy "$tmp/ref" 44 300)"
check "busy: without a record nothing reads busy (nothing to wait for)" "" "$("$Q" busy "$tmp/none" 154 300)"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
