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

# levels: each load's level is the median of its configurations' reference medians.
cat >"$tmp/boot.log" <<'EOF'
[    0.1] lockclass_bench: start strategies=noop modes=lookup
[    0.2] lockclass_bench: reference mode=lookup threads=1 sites=64 pairs=32768 median_ns=50.000 min_ns=49.0 max_ns=51.0
[    0.3] lockclass_bench: reference mode=init threads=1 sites=64 pairs=32768 median_ns=52.000 min_ns=49.0 max_ns=53.0
[    0.4] lockclass_bench: reference mode=acquire threads=1 sites=64 pairs=32768 median_ns=51.000 min_ns=49.0 max_ns=51.0
[    0.5] lockclass_bench: start strategies=noop modes=lookup
[    0.6] lockclass_bench: reference mode=lookup threads=1 sites=1024 pairs=32768 median_ns=55.000 min_ns=54.0 max_ns=56.0
[    0.7] lockclass_bench: reference mode=lookup threads=1 sites=1 pairs=32768 median_ns=54.000 min_ns=53.0 max_ns=55.0
EOF
check "levels: median, lowest and highest of the loads' levels" "52.75,51.00,54.50" "$("$Q" levels "$tmp/boot.log")"
check "levels: a log without reference lines gives empty fields" ",," "$("$Q" levels /dev/null)"

# gate: six boots; row BOOT REFSCALE LEVEL LO HI L3 DRAM.
runs() {
  echo "source,boot,other_cpu_pct,refscale_lock_ns,ref_pair_ns,ref_pair_ns_min,ref_pair_ns_max,mem_l3_ns,mem_dram_ns,log"
  echo "guest-icount,1,0,652,,,,,,raw/guest-icount-lockdep.log"
  for b in 1 2 3 4 5 6; do
    local rs=36.5 lvl=54.0 lo=53.5 hi=54.6 l3=45 dram=230
    case "$b:${1:-}" in
      4:refscale) rs=41.0 ;;
      4:slow-load) hi=56.9 ;;
      2:fast-load) lo=51.9 ;;
      3:l3) l3=53 ;;
    esac
    echo "guest-uml,$b,0.1,$rs,$lvl,$lo,$hi,$l3,$dram,raw/guest-uml-lockdep-boot$b.log"
  done
}
gate() { "$Q" gate "$tmp/runs.csv" "$tmp/ref" "$tmp/quiet.out" 3; }
echo "44,240" >"$tmp/ref"
runs >"$tmp/runs.csv"
check "gate: a quiet, steady run repeats nothing" "" "$(gate)"
check "  ... and the host's record keeps the lower latencies" "44,230" "$(cat "$tmp/quiet.out")"
runs slow-load >"$tmp/runs.csv"
check "gate: a load 5 % slower than the run's median repeats its boot" \
  "4: load reference 53.5-56.9 ns (run median 54, within 3 % wanted)" "$(gate)"
runs fast-load >"$tmp/runs.csv"
check "gate: so does a load 4 % faster" \
  "2: load reference 51.9-54.6 ns (run median 54, within 3 % wanted)" "$(gate)"
runs refscale >"$tmp/runs.csv"
check "gate: refscale's pair 12 % above the quietest boot repeats the boot" \
  "4: refscale pair 41.0 ns (quiet 36.5)" "$(gate)"
runs l3 >"$tmp/runs.csv"
check "gate: an L3 latency 20 % above the host's record repeats the boot" \
  "3: L3 latency 53 ns (quiet 44)" "$(gate)"
rm -f "$tmp/ref"
runs >"$tmp/runs.csv"
check "gate: without a record, the run's own lowest latencies are the quiet ones" "" "$(gate)"
check "  ... and become the record" "45,230" "$(cat "$tmp/quiet.out")"
# A runs.csv written before the load reference existed: the other checks still apply.
runs refscale | cut -d, -f1-4,8- >"$tmp/runs.csv"
check "gate: a runs.csv without the load reference still gets the other checks" \
  "4: refscale pair 41.0 ns (quiet 36.5)" "$(gate)"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
