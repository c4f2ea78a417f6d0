#!/usr/bin/env bash
# bench.sh: the main job. Installs what is missing, builds (or reuses) the kernels and the
# module, runs the benchmark in the guests, runs the criterion suite on the host, and writes
# results/: raw logs, tidy CSV, plots and REPORT.md.
#
# Guests: User-Mode Linux (real CPU, 1 CPU: the headline figures, several boots for the
# spread), QEMU TCG with icount (instruction-exact, emulated), QEMU TCG in real time (2 vCPUs:
# the concurrent mode), and QEMU icount on a kernel without lockdep (the baseline).
#
# usage: scripts/bench.sh [--quick] [--no-host] [--no-guest] [--no-uml] [--no-plain] [--no-qemu]
#                         [--kvm] [--boots N] [--max-other-cpu PCT] [--max-load-drift PCT]
#                         [--max-wait MIN] [--out DIR]
#   --quick     fewer loops and runs, and criterion's --quick: a fast look, not reference data
#   --no-host   skip the criterion suite (keeps the host figures already in results/)
#   --no-guest  skip the guest runs (keeps the guest figures already in results/)
#   --no-uml    skip User-Mode Linux (real CPU): keeps its figures already in results/, and the
#               report says on its first screen that they are not from this run
#   --no-plain  skip the baseline kernel without lockdep
#   --no-qemu   no emulated sources (QEMU icount and TCG)
#   --kvm       also run the QEMU guest under KVM (only where /dev/kvm really works)
#   --boots N   User-Mode Linux boots of the plan (default 6: loads of different parameters pair
#               by boot, and an exact 95 % interval of a median needs at least 6 pairs)
#   --max-other-cpu PCT  a real-time boot during which other processes took more than PCT % of
#               a host CPU (default 5) is repeated, up to 3 times, then the run stops
#   --max-load-drift PCT  a User-Mode Linux load whose own reference (module/reference.rs)
#               lies more than PCT % (default 3) from its plan's median over the run is set
#               aside (loads.csv); a boot left with too few loads of a plan is repeated, up to
#               4 times, then the run stops (scripts/quiet.sh)
#   --max-wait MIN  before each User-Mode Linux boot, wait while the host's memory latencies
#               read busy against this host's record (default: up to 60 min, then the run stops)
#   --out DIR   write there instead of results/ (a trial run that leaves the reference data alone)
#
# The run writes into a staging copy of the output directory and moves it into place only when
# everything succeeded: a failed or interrupted run leaves the previous results/ as it was.
. "$(dirname "$0")/common.sh"

quick=0 host=1 guest=1 uml=1 plain=1 qemu_guests=1 kvm=0 boots=6 max_other=5 max_drift=3 max_wait=60 results=$REPO/results
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;; --no-host) host=0 ;; --no-guest) guest=0 ;; --no-plain) plain=0 ;; --no-uml) uml=0 ;;
    --kvm) kvm=1 ;; --no-qemu) qemu_guests=0 plain=0 ;;
    --out) [ $# -ge 2 ] || die "--out wants a directory"; results=$(mkdir -p "$2" && cd "$2" && pwd); shift ;;
    --boots) [ $# -ge 2 ] && [[ $2 =~ ^[1-9][0-9]*$ ]] || die "--boots wants a positive number"; boots=$2; shift ;;
    --max-other-cpu) [ $# -ge 2 ] && [[ $2 =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--max-other-cpu wants a percentage"; max_other=$2; shift ;;
    --max-load-drift) [ $# -ge 2 ] && [[ $2 =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--max-load-drift wants a percentage"; max_drift=$2; shift ;;
    --max-wait) [ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]] || die "--max-wait wants minutes"; max_wait=$2; shift ;;
    -h|--help) sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done

smp=2   # the machines this runs on have 2 cores; more vCPUs than cores would measure the host scheduler
if [ $quick = 1 ]; then loops=2000 runs=3 reps=2 keep=1; else loops=100000 runs=5 reps=4 keep=2; fi
# The real-CPU guest's loads run 15 rounds: each load's figure is then a median over three
# times the host's time (its speed wanders by a few % over fractions of a second); each plan
# runs $reps times per boot, and the $keep or more whose own reference (scripts/quiet.sh) shows
# the host at its usual speed are kept.
uml_runs=$((quick ? runs : 15))
# icount time is deterministic: fewer loops give the same figure.
icount_loops=$((loops / 10)) icount_runs=3
strategies_no_dynamic=noop,mutex,spinlock,rcu,location,macro,cached,pool,tracked
# One CPU suffices for everything but `concurrent`: the real-CPU guest (UML) runs these, each
# load $reps times per boot so that the spread is measured across loads and boots, not only
# across the runs of one load. 1) every strategy x single-CPU mode at 64 sites; 2) lookup over
# 1024..1 sites (bucket load), largest first: with 1 site first, the lock-taking tables read up
# to 1.8x slow for the first runs of some loads, with 1024 first in none (docs/guests.md).
# 3) question 3's fallback, timed: the same create/init work with every table allocation
# failing (an injected failure rate of 1), so every class comes from the fallback; also at
# 1024 sites, where a batch of creates (one per site) is long enough for UML's clock.
# 4) creates at 1024 sites without failures, for the same reason (a run's creates are one per
# site; `pool`'s claimed slot stays claimed): the registered-key side of the fallback's
# comparison, and `pool`'s create against `macro`'s, in the same rounds.
uml_loads=(
  "strategy=all mode=lookup,create,init,acquire,atomic sites=64 loops=$loops runs=$uml_runs warmup=1"
  "strategy=$strategies_no_dynamic mode=lookup sites=1024,256,16,1 loops=$loops runs=$uml_runs warmup=1"
  "strategy=mutex,spinlock,rcu,cached mode=create,init sites=64,1024 loops=$loops runs=$uml_runs warmup=1 fail_alloc_every=1"
  "strategy=mutex,spinlock,rcu,cached,pool,macro mode=create sites=1024 loops=$loops runs=$uml_runs warmup=1"
)
# The emulated guests: icount for instruction-exact comparisons of the same plan, real-time TCG
# for the concurrent mode on 2 vCPUs (every thread on one bucket's lock at 1 site).
icount_loads=(
  "strategy=all mode=lookup,create,init,acquire,atomic sites=64 loops=$icount_loops runs=$icount_runs warmup=1"
  # Without `tracked`: past its pool's 64 sites each of its lookups probes the whole pool,
  # which under emulation takes the load past its time limit; real-CPU figures cover it.
  # Emptying the tables between configurations waits for ~5200 emulated grace periods of
  # 20-24 ms (the module's estimate: 113-124 s), past the default limit of 120 s: 300.
  "strategy=${strategies_no_dynamic//,tracked/} mode=lookup sites=1024,256,16,1 loops=$icount_loops runs=$icount_runs warmup=1 max_seconds=300"
)
tcg_loads=(
  "strategy=$strategies_no_dynamic mode=concurrent sites=1,64 threads=$(seq -s, 1 $smp) loops=$loops runs=$runs warmup=1"
)

start=$(date +%s)
elapsed() { echo "$(( ($(date +%s) - start) / 60 )) min elapsed"; }
eta=0
[ -x "$BINDGEN" ] || eta=$((eta + 4))
for f in lockdep plain uml; do [ $f = plain ] && [ $plain = 0 ] && continue; [ $f = uml ] && [ $uml = 0 ] && continue; ls -d "$CACHE"/kernel/$f-k*/.lockclass-done >/dev/null 2>&1 || eta=$((eta + 7)); done
[ $guest = 1 ] && eta=$((eta + (quick ? 3 : 14)))
[ $guest = 1 ] || uml=0 qemu_guests=0 plain=0
[ $host = 1 ] && eta=$((eta + (quick ? 3 : 8)))
step "bench: estimated total ${eta} min on 2 cores (kernel builds are cached after the first run)"

step "[1/5] set-up"
"$REPO/scripts/setup.sh"
kver=$(dpkg-query -W -f='${Version}' linux-source-$KERNEL_SERIES)
krustc=$("$KRUSTC" --version)
qemu=$(qemu-system-x86_64 --version | head -n1 | tr ',' ' ')
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1 | tr ',' ' ')
today=$(date -u +%F)

# Built once here, so that no compile time lands inside a guest run's wall time.
(cd "$REPO" && cargo build -q --release -p lockclass-report)
report() { (cd "$REPO" && cargo run -q --release -p lockclass-report -- "$@"); }

tmp=$(mktemp -d)
# The host's memory-system latency before and after each real-CPU boot (scripts/probe/): the
# quietness check that sees other tenants' cache and memory traffic, which takes no CPU time
# of this machine's and which refscale's cache-resident spinlock pair barely feels.
MEMPROBE_KIB=$(memprobe_sizes)   # past L2 within the shared L3; past the L3 (common.sh)
memprobe=$tmp/memprobe
cc -O2 -o "$memprobe" "$REPO/scripts/probe/memprobe.c" || die "cannot build scripts/probe/memprobe.c"
# The quietest readings ever taken on this kind of host (CPU model, flags, caches), kept
# between runs: a run that is busy from its first boot to its last is still caught.
quiet_ref=$CACHE/quiet/$( { grep -m1 '^model name' /proc/cpuinfo; grep -m1 '^flags' /proc/cpuinfo; lscpu 2>/dev/null | grep -i 'cache'; echo "$MEMPROBE_KIB"; } | sha256sum | cut -c1-12).memprobe
# Staging: everything is written to a copy of the output directory, which replaces it only at
# the very end. A failure or an interrupt leaves the previous results exactly as they were.
final=$results
stage=$(dirname "$final")/.$(basename "$final").stage.$$
trap 'rm -rf "$tmp" "$stage"' EXIT
trap 'echo "bench: interrupted; $final is as it was" >&2; exit 130' INT
trap 'echo "bench: terminated; $final is as it was" >&2; exit 143' TERM
rm -rf "$stage"; mkdir -p "$stage"
[ ! -d "$final" ] || cp -a "$final/." "$stage/"
results=$stage
# keep_rows OLD NEW DROP_RE [COLUMN]: NEW gains the rows of OLD whose COLUMN (a header name,
# default source) does not match DROP_RE: figures of sources this run did not measure. Columns
# are matched by name, so an older OLD with fewer columns still fits NEW's header.
keep_rows() {
  local old=$1 new=$2 re=$3 col=${4:-source}
  [ -f "$old" ] || return 0
  awk -F, -v OFS=, -v re="$re" -v col="$col" '
    FNR == 1 { if (NR == 1) { for (i = 1; i <= NF; i++) oi[$i] = i } else { n = NF; for (i = 1; i <= NF; i++) nh[i] = $i }; next }
    NR == FNR { if ($oi[col] !~ re) rows[++k] = $0; next }
    END { for (r = 1; r <= k; r++) { split(rows[r], f, ","); line = ""
            for (i = 1; i <= n; i++) line = line (i > 1 ? "," : "") (nh[i] in oi ? f[oi[nh[i]]] : "")
            print line } }' "$old" "$new" >"$new.kept"
  cat "$new.kept" >>"$new"; rm -f "$new.kept"
}
# guest_script FILE CLOCKSOURCE LOAD...: a guest script that runs each load, checking that
# lockdep is still on around every one, then refscale's calibration types.
guest_script() {
  local file=$1 cs=$2; shift 2
  {
    echo ". /guest-lib.sh"
    [ -z "$cs" ] || echo "wait_clocksource $cs   # do not time across the tsc-early -> tsc switch"
    echo "check_debug_locks"
    # lockdep_classes: the classes in use now, so the module sizes its class budget on what
    # is really free rather than on its assumption (-1 on the kernel without lockdep).
    for l in "$@"; do
      echo "load $l lockdep_classes=\$(lockdep_value lock-classes || echo -1)"; echo "check_debug_locks"; echo "unload"
    done
    for t in lock rcu clock; do echo "refscale $t"; done
    echo "check_debug_locks"
  } > "$file"
}
# run_source SRC FLAVOUR BOOT LOG SCRIPT [run-guest options...]: one boot (its wall time in
# $wall), parsed into CSVs. The `uml` kernel is the lockdep flavour built for ARCH=um.
run_source() {
  local src=$1 f=$2 boot=$3 log=$4 script=$5 t0; shift 5
  local refscale=(--add "${kdir[$f]}/kernel/torture.ko" --add "${kdir[$f]}/kernel/rcu/refscale.ko")
  # Real-time sources need a quiet host: a boot beside other work is repeated (icount counts
  # instructions, so the host's load cannot change its figures).
  local quiet=(--max-other-cpu "$max_other")
  [[ $src == guest-icount ]] && quiet=()
  t0=$(date +%s)
  run_guest_quietly "guest run $log" "$REPO/scripts/run-guest.sh" --kernel "${kdir[$f]}" --ko "${ko[$f]}" \
    --script "$script" --log "$results/raw/$log.log" --timeout 3600 "${refscale[@]}" --host-load "$tmp/load" \
    ${quiet[@]+"${quiet[@]}"} "$@" || die "guest run $log failed: see $results/raw/$log.log (removed when this run ends)"
  wall=$(( $(date +%s) - t0 ))
  report parse "$results/raw/$log.log" --source "$src" --boot "$boot" --kernel "$kver" --flavour "${f/uml/lockdep}" \
    --rustc "$krustc" --cpu "$cpu$([ "$src" = guest-uml ] || echo " (emulated by QEMU)")" \
    --date "$today" --out "$results/$log.csv" --stats-out "$results/$log.stats.csv" \
    --calibration-out "$results/$log.calibration.csv"
}

if [ $guest = 1 ]; then
  step "[2/5] kernels and module ($(elapsed))"
  flavours=(); [ $uml = 1 ] && flavours+=(uml); [ $qemu_guests = 1 ] && flavours+=(lockdep); [ $plain = 1 ] && flavours+=(plain)
  declare -A kdir ko
  for f in ${flavours[@]+"${flavours[@]}"}; do
    kdir[$f]=$("$REPO/scripts/build-kernel.sh" "$f" | tail -n1)
    # The real-CPU source first, and at once: a kernel that cannot boot on this host stops the
    # run here, with its cause, rather than after the other kernels' builds.
    if [ "$f" = uml ]; then
      "$REPO/scripts/boot-check.sh" "${kdir[$f]}" --log "$tmp/boot-check.log" \
        || die "User-Mode Linux cannot run on this host (cause above); scripts/bench.sh --no-uml measures the other sources and keeps the real-CPU figures already in results/"
    fi
    ko[$f]=$("$REPO/scripts/build-module.sh" "$f" | tail -n1)
  done

  step "[3/5] guest runs ($(elapsed))"
  mkdir -p "$results/raw"
  # Only what this run measures is replaced; the other sources' figures stay.
  drop=()
  [ $uml = 1 ] && drop+=(guest-uml-)
  [ $qemu_guests = 1 ] && drop+=(guest-icount-lockdep guest-tcg- guest-kvm-)
  [ $plain = 1 ] && drop+=(guest-icount-plain)
  for d in ${drop[@]+"${drop[@]}"}; do rm -f "$results/$d"*.csv "$results/raw/$d"*.log; done
  drop_re="^raw/($(IFS='|'; echo "${drop[*]:-none}"))"
  uml_plan=()
  # Loads 3 and 4 register and unregister thousands of keys (creates at 1024 sites): every
  # repetition of the headline loads 1 and 2 comes before them, so that none runs in the state
  # they leave. (Suspected of a per-load slowdown of the lock-taking tables, they were cleared:
  # it appears with either order, docs/guests.md.)
  for ((r = 1; r <= reps; r++)); do uml_plan+=("${uml_loads[@]:0:2}"); done
  for ((r = 1; r <= reps; r++)); do uml_plan+=("${uml_loads[@]:2}"); done
  guest_script "$tmp/uml.sh" "" "${uml_plan[@]}"
  guest_script "$tmp/icount.sh" tsc "${icount_loads[@]}"
  # The kernel without lockdep has no lock-class API (CONFIG_RUST_LOCK_CLASS): no `tracked`.
  guest_script "$tmp/icount-plain.sh" tsc "${icount_loads[@]//,tracked/}"
  # The concurrent plan six times: an exact 95 % interval of a median over loads needs six.
  tcg_plan=(); for ((r = 1; r <= (quick ? 1 : 6); r++)); do tcg_plan+=("${tcg_loads[@]}"); done
  guest_script "$tmp/tcg.sh" tsc "${tcg_plan[@]}"
  # One row per guest boot; the exact insmod parameters are in the raw log (`insmod ...` lines).
  # What the host was (beyond its masked model name) and how quiet it was during each boot.
  [ ! -f "$results/runs.csv" ] || mv "$results/runs.csv" "$tmp/runs.old.csv"
  echo "source,flavour,boot,kernel,preempt,rustc,guest,cpus,memory_mb,pinned,date,host_cpu,$("$REPO/scripts/host-info.sh" --header),other_cpu_pct,steal_pct,refscale_lock_ns,mem_l3_ns,mem_dram_ns,wall_s,log" > "$results/runs.csv"
  hostinfo=$("$REPO/scripts/host-info.sh")
  runs_row() { # SRC FLAVOUR BOOT GUEST CPUS PINNED LOG (after run_source, which sets $wall)
    local preempt load mem=,
    preempt=$(grep -o '^CONFIG_PREEMPT\(_VOLUNTARY\|_NONE\)\?=y' "${kdir[$2]}/.config" | head -n1 | sed 's/^CONFIG_//; s/=y//')
    load=$(sed 's/other_cpu_pct=//; s/ steal_pct=/,/' "$tmp/load")
    [ ! -f "$tmp/mem.$7" ] || mem=$(cat "$tmp/mem.$7")
    sed -i "\|,raw/$7.log\$|d" "$results/runs.csv"   # a repeated boot replaces its row
    echo "$1,${2/uml/lockdep},$3,$kver,$preempt,$krustc,$4,$5,512,$6,$today,$cpu,$hostinfo,$load,$(refscale_lock "$7"),$mem,$wall,raw/$7.log" >> "$results/runs.csv"
  }
  # refscale_lock LOG: median of refscale's raw spinlock lock+unlock in that boot (ns), the
  # second check that the host was quiet: the same pair should read the same in every boot.
  refscale_lock() {
    [ -f "$results/$1.calibration.csv" ] || return 0
    awk -F, '$3 == "lock" { print $5 }' "$results/$1.calibration.csv" | sort -g |
      awk '{ v[++n] = $1 } END { if (n) printf "%.1f", n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }'
  }
  keep_rows "$tmp/runs.old.csv" "$results/runs.csv" "$drop_re" log
  # Not pinned to a host CPU: pinning made no measurable difference to the spread here
  # (docs/guests.md), which comes from the host's speed varying over seconds.
  # mem_probe NAME: the probe's two latencies (ns) into $tmp/mem.NAME, the larger of the
  # readings before and after the boot (whichever side of it other work was on).
  mem_probe() {
    "$memprobe" $MEMPROBE_KIB | awk '{ print $2 }' | paste -sd, >>"$tmp/mem.$1.all"
    awk -F, '{ for (i = 1; i <= 2; i++) if ($i > m[i]) m[i] = $i } END { printf "%s,%s", m[1], m[2] }' "$tmp/mem.$1.all" >"$tmp/mem.$1"
  }
  # wait_quiet NAME: a boot on a host whose other tenants keep its caches busy would only be
  # repeated, so probe (mem_probe) until the host reads near its record, saying so each time;
  # the quiet probe is the boot's reading before, and busy ones are dropped.
  wait_quiet() {
    local start=$SECONDS why l3 dram
    while :; do
      rm -f "$tmp/mem.$1"*
      mem_probe "$1"
      IFS=, read -r l3 dram <<<"$(cat "$tmp/mem.$1")"
      why=$("$REPO/scripts/quiet.sh" busy "$quiet_ref" "$l3" "$dram")
      [ -n "$why" ] || return 0
      [ $((SECONDS - start)) -lt $((max_wait * 60)) ] ||
        die "the host stayed busy for $max_wait min, $why; stop the other work and run again"
      step "the host reads busy, $why: waiting for it to quiet ($(((SECONDS - start) / 60)) of $max_wait min)"
      sleep 60
    done
  }
  uml_boot() { # BOOT
    wait_quiet "guest-uml-lockdep-boot$1"
    run_source guest-uml uml "$1" "guest-uml-lockdep-boot$1" "$tmp/uml.sh"
    mem_probe "guest-uml-lockdep-boot$1"
    runs_row guest-uml uml "$1" "User-Mode Linux" 1 "" "guest-uml-lockdep-boot$1"
  }
  for ((b = 1; b <= boots * uml; b++)); do
    step "guest-uml boot $b/$boots ($(elapsed))"
    uml_boot "$b"
  done
  # Quiet values (scripts/quiet.sh): refscale's pair against the run's quietest boot and the
  # quietest on record for this host kind and kernel ($pair_ref; the pair depends on the
  # kernel too), the host's memory latencies against the quietest on record for this kind of
  # host ($quiet_ref); and each load's own reference against its plan's median over the run's
  # boots, which sets aside loads the host ran faster or slower than the others (loads.csv).
  # A boot that fails a check, or keeps fewer than $keep loads of a plan, is repeated (four
  # times at most); then the run stops rather than write figures from a busy or drifting host.
  pair_ref=${quiet_ref%.memprobe}-$(basename "${kdir[uml]:-none}").refscale
  uml_logs() { for ((b = 1; b <= boots; b++)); do echo "$results/raw/guest-uml-lockdep-boot$b.log"; done; }
  for ((pass = 1; pass <= 5 && uml; pass++)); do
    # The gate also writes the quiet memory latencies (the lower of the record's and this
    # run's) to $tmp/quiet, which the host's record takes once no boot is repeated.
    slow=$( { "$REPO/scripts/quiet.sh" gate "$results/runs.csv" "$quiet_ref" "$tmp/quiet" "$pair_ref" "$tmp/pair"
              mapfile -t logs < <(uml_logs)
              "$REPO/scripts/quiet.sh" select "$max_drift" "$keep" "$results/loads.csv" "${logs[@]}"; } |
            awk '{ b = $0; sub(/:.*/, "", b); w = $0; sub(/^[^:]*:/, "", w); why[b] = why[b] w }
                 END { for (b in why) print b ":" why[b] }' | sort -n)
    [ -n "$slow" ] || break
    [ $pass -lt 5 ] || die "User-Mode Linux boots stayed off this host's quiet values (runs.csv, loads.csv; quiet values kept in $quiet_ref and $pair_ref):$(printf '\n%s' "$slow" | sed 's/^\([0-9]\)/  boot \1/')
the host is not quiet; stop the other work and run again"
    while IFS=: read -r b why; do
      step "guest-uml boot $b read off the host's quiet values:$why repeating it ($(elapsed))"
      uml_boot "$b"
    done <<<"$slow"
  done
  # Only the kept loads' figures go on (every load stays in its raw log and in loads.csv).
  if [ $uml = 1 ] && [ -f "$results/loads.csv" ]; then
    kept=(); for ((b = 1; b <= boots; b++)); do kept+=("$results/guest-uml-lockdep-boot$b".{csv,stats.csv}); done
    "$REPO/scripts/quiet.sh" keep "$results/loads.csv" "${kept[@]}"
  fi
  # This run's quietest memory latencies and refscale pair join the host's records (the
  # lower of each).
  if [ -s "$tmp/quiet" ]; then
    mkdir -p "$(dirname "$quiet_ref")"
    mv "$tmp/quiet" "$quiet_ref"
  fi
  [ ! -s "$tmp/pair" ] || { mkdir -p "$(dirname "$pair_ref")"; mv "$tmp/pair" "$pair_ref"; }
  qemu_runs=(); [ $qemu_guests = 1 ] && qemu_runs+=("icount lockdep" "tcg lockdep")
  [ $plain = 1 ] && qemu_runs+=("icount plain")
  [ $kvm = 1 ] && qemu_runs+=("kvm lockdep")
  for r in ${qemu_runs[@]+"${qemu_runs[@]}"}; do
    set -- $r; mode=$1 f=$2
    step "guest-$mode, $f kernel ($(elapsed))"
    extra=(--smp $smp); [ "$mode" = icount ] && extra+=(--icount); [ "$mode" = kvm ] && extra+=(--kvm)
    script=$tmp/$mode.sh; [ "$mode" = kvm ] && script=$tmp/tcg.sh
    [ "$f" = plain ] && script=$tmp/$mode-plain.sh
    run_source "guest-$mode" "$f" 1 "guest-$mode-$f" "$script" "${extra[@]}"
    runs_row "guest-$mode" "$f" 1 "$qemu $mode" $smp "" "guest-$mode-$f"
  done
  if [ $uml = 1 ]; then
    step "lockdep precision: one User-Mode Linux boot per scenario x strategy ($(elapsed))"
    "$REPO/scripts/precision.sh" --out "$results" || die "precision scenarios failed"
  fi
  step "key cost at lock init: User-Mode Linux, and QEMU icount over possible CPUs ($(elapsed))"
  kcargs=(--out "$results/keycost.new.csv" --max-other-cpu "$max_other"); [ $quick = 1 ] && kcargs+=(--boots 1)
  [ $qemu_guests = 1 ] || kcargs+=(--no-qemu); [ $uml = 1 ] || kcargs+=(--no-uml)
  if [ $uml = 1 ] || [ $qemu_guests = 1 ]; then
    "$REPO/scripts/keycost.sh" "${kcargs[@]}" || die "key-cost runs failed"
    kdrop=(); [ $uml = 1 ] && kdrop+=(guest-uml); [ $qemu_guests = 1 ] && kdrop+=(guest-icount)
    keep_rows "$results/keycost.csv" "$results/keycost.new.csv" "^($(IFS='|'; echo "${kdrop[*]}"))\$"
    mv "$results/keycost.new.csv" "$results/keycost.csv"
  fi
  report merge "$results/stats.csv" "$results"/guest-*.stats.csv
  cals=("$results"/guest-*.calibration.csv)
  [ -f "${cals[0]}" ] && report merge "$results/calibration.csv" "${cals[@]}"
fi

if [ $host = 1 ]; then
  step "[4/5] host criterion suite ($(elapsed))"
  qargs=(); [ $quick = 1 ] && qargs=(--quick)
  (cd "$REPO" && cargo bench -p host-bench -- "${qargs[@]}")
  (cd "$REPO" && cargo run -q --release -p host-bench --bin export -- --out "$results/host")
fi

step "[5/5] tidy CSV, plots and report ($(elapsed))"
inputs=()
for c in "$results"/guest-*.csv; do case $c in *.stats.csv|*.calibration.csv) ;; *) [ -f "$c" ] && inputs+=("$c") ;; esac; done
# Without a host run, a trial run elsewhere (--out) still reports the reference host figures.
hostdir=$results/host
[ $host = 1 ] || [ -f "$hostdir/host.csv" ] || hostdir=$REPO/results/host
[ -f "$hostdir/host.csv" ] && inputs+=("$hostdir/host.csv")
[ ${#inputs[@]} -gt 0 ] || die "no results to report"
report merge "$results/data.csv" "${inputs[@]}"
rargs=(--data "$results/data.csv" --out "$results")
[ -f "$hostdir/memory.csv" ] && rargs+=(--memory "$hostdir/memory.csv")
[ -f "$hostdir/scaling.csv" ] && rargs+=(--scaling "$hostdir/scaling.csv")
for opt in stats:stats.csv precision:precision.csv calibration:calibration.csv runs:runs.csv loads:loads.csv keycost:keycost.csv; do
  [ -f "$results/${opt#*:}" ] && rargs+=("--${opt%%:*}" "$results/${opt#*:}")
done
# Figures kept from an earlier run are named as such on the report's first screen.
[ $uml = 1 ] || rargs+=(--stale "guest-uml=not measured in this run (scripts/bench.sh $([ $guest = 1 ] && echo --no-uml || echo --no-guest))")
[ $qemu_guests = 1 ] || rargs+=(--stale "guest-icount=not measured in this run" --stale "guest-tcg=not measured in this run")
[ $host = 1 ] || rargs+=(--stale "host=not measured in this run (--no-host)")
report render "${rargs[@]}"

# Everything succeeded: the staged directory replaces the old one.
old=$(dirname "$final")/.$(basename "$final").old.$$
rm -rf "$old"
[ ! -d "$final" ] || mv "$final" "$old"
mv "$stage" "$final"
rm -rf "$old"
step "bench: done in $(( ($(date +%s) - start) / 60 )) min: $final/REPORT.md"
