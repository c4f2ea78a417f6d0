#!/usr/bin/env bash
# bench.sh: the main job. Installs what is missing, builds (or reuses) the kernels and the
# module, runs the benchmark in the guests, runs the criterion suite on the host, and writes
# results/: raw logs, tidy CSV, plots and REPORT.md.
#
# Guests: User-Mode Linux (real CPU, 1 CPU: the headline figures, several boots for the
# spread), QEMU TCG with icount (instruction-exact, emulated), QEMU TCG in real time (2 vCPUs:
# the concurrent mode), and QEMU icount on a kernel without lockdep (the baseline).
#
# usage: scripts/bench.sh [--quick] [--no-host] [--no-guest] [--no-plain] [--no-qemu] [--kvm]
#                         [--boots N] [--out DIR]
#   --quick     fewer loops and runs, and criterion's --quick: a fast look, not reference data
#   --no-host   skip the criterion suite (keeps results/host/ as it is)
#   --no-guest  skip the guest runs (keeps results/raw/ as it is)
#   --no-plain  skip the baseline kernel without lockdep
#   --no-qemu   only the User-Mode Linux guest (no emulated sources)
#   --kvm       also run the QEMU guest under KVM (only where /dev/kvm really works)
#   --boots N   User-Mode Linux boots of the plan (default 5; the spread is taken across them)
#   --out DIR   write there instead of results/ (a trial run that leaves the reference data alone)
. "$(dirname "$0")/common.sh"

quick=0 host=1 guest=1 plain=1 qemu_guests=1 kvm=0 boots=5 results=$REPO/results
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;; --no-host) host=0 ;; --no-guest) guest=0 ;; --no-plain) plain=0 ;;
    --kvm) kvm=1 ;; --no-qemu) qemu_guests=0 plain=0 ;;
    --out) [ $# -ge 2 ] || die "--out wants a directory"; results=$(mkdir -p "$2" && cd "$2" && pwd); shift ;;
    --boots) [ $# -ge 2 ] && [[ $2 =~ ^[1-9][0-9]*$ ]] || die "--boots wants a positive number"; boots=$2; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done

smp=2   # the machines this runs on have 2 cores; more vCPUs than cores would measure the host scheduler
if [ $quick = 1 ]; then loops=2000 runs=3 reps=1; else loops=100000 runs=5 reps=2; fi
# icount time is deterministic: fewer loops give the same figure.
icount_loops=$((loops / 10)) icount_runs=3
strategies_no_dynamic=noop,mutex,spinlock,rcu,location,macro,cached,pool
# One CPU suffices for everything but `concurrent`: the real-CPU guest (UML) runs these, each
# load $reps times per boot so that the spread is measured across loads and boots, not only
# across the runs of one load. 1) every strategy x single-CPU mode at 64 sites; 2) lookup over
# 1..1024 sites (bucket load).
# 3) question 3's fallback, timed: the same create/init work with every table allocation
# failing (an injected failure rate of 1), so every class comes from the fallback.
uml_loads=(
  "strategy=all mode=lookup,create,init,acquire,atomic sites=64 loops=$loops runs=$runs warmup=1"
  "strategy=$strategies_no_dynamic mode=lookup sites=1,16,256,1024 loops=$loops runs=$runs warmup=1"
  "strategy=mutex,spinlock,rcu,cached mode=create,init sites=64 loops=$loops runs=$runs warmup=1 fail_alloc_every=1"
)
# The emulated guests: icount for instruction-exact comparisons of the same plan, real-time TCG
# for the concurrent mode on 2 vCPUs (every thread on one bucket's lock at 1 site).
icount_loads=(
  "strategy=all mode=lookup,create,init,acquire,atomic sites=64 loops=$icount_loops runs=$icount_runs warmup=1"
  "strategy=$strategies_no_dynamic mode=lookup sites=1,16,256,1024 loops=$icount_loops runs=$icount_runs warmup=1"
)
tcg_loads=(
  "strategy=$strategies_no_dynamic mode=concurrent sites=1,64 threads=$(seq -s, 1 $smp) loops=$loops runs=$runs warmup=1"
)

start=$(date +%s)
elapsed() { echo "$(( ($(date +%s) - start) / 60 )) min elapsed"; }
eta=0
[ -x "$BINDGEN" ] || eta=$((eta + 4))
for f in lockdep plain uml; do [ $f = plain ] && [ $plain = 0 ] && continue; ls -d "$CACHE"/kernel/$f-*/.lockclass-done >/dev/null 2>&1 || eta=$((eta + 7)); done
[ $guest = 1 ] && eta=$((eta + (quick ? 3 : 8)))
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

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
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
  t0=$(date +%s)
  "$REPO/scripts/run-guest.sh" --kernel "${kdir[$f]}" --ko "${ko[$f]}" --script "$script" \
    --log "$results/raw/$log.log" --timeout 3600 "${refscale[@]}" "$@" || die "guest run $log failed: see results/raw/$log.log"
  wall=$(( $(date +%s) - t0 ))
  report parse "$results/raw/$log.log" --source "$src" --boot "$boot" --kernel "$kver" --flavour "${f/uml/lockdep}" \
    --rustc "$krustc" --cpu "$cpu$([ "$src" = guest-uml ] || echo " (emulated by QEMU)")" \
    --date "$today" --out "$results/$log.csv" --stats-out "$results/$log.stats.csv" \
    --calibration-out "$results/$log.calibration.csv"
}

if [ $guest = 1 ]; then
  step "[2/5] kernels and module ($(elapsed))"
  flavours=(uml); [ $qemu_guests = 1 ] && flavours+=(lockdep); [ $plain = 1 ] && flavours+=(plain)
  declare -A kdir ko
  for f in "${flavours[@]}"; do
    kdir[$f]=$("$REPO/scripts/build-kernel.sh" "$f" | tail -n1)
    ko[$f]=$("$REPO/scripts/build-module.sh" "$f" | tail -n1)
  done

  step "[3/5] guest runs ($(elapsed))"
  mkdir -p "$results/raw"
  rm -f "$results"/guest-*.csv "$results"/raw/guest-*.log
  uml_plan=()
  for ((r = 1; r <= reps; r++)); do uml_plan+=("${uml_loads[@]}"); done
  guest_script "$tmp/uml.sh" "" "${uml_plan[@]}"
  guest_script "$tmp/icount.sh" tsc "${icount_loads[@]}"
  guest_script "$tmp/tcg.sh" tsc "${tcg_loads[@]}"
  # One row per guest boot; the exact insmod parameters are in the raw log (`insmod ...` lines).
  echo "source,flavour,boot,kernel,preempt,rustc,guest,cpus,memory_mb,pinned,date,host_cpu,wall_s,log" > "$results/runs.csv"
  runs_row() { # SRC FLAVOUR BOOT GUEST CPUS PINNED LOG (after run_source, which sets $wall)
    local preempt
    preempt=$(grep -o '^CONFIG_PREEMPT\(_VOLUNTARY\|_NONE\)\?=y' "${kdir[$2]}/.config" | head -n1 | sed 's/^CONFIG_//; s/=y//')
    echo "$1,${2/uml/lockdep},$3,$kver,$preempt,$krustc,$4,$5,512,$6,$today,$cpu,$wall,raw/$7.log" >> "$results/runs.csv"
  }
  # Not pinned to a host CPU: pinning made no measurable difference to the spread here
  # (docs/guests.md), which comes from the host's speed varying over seconds.
  for ((b = 1; b <= boots; b++)); do
    step "guest-uml boot $b/$boots ($(elapsed))"
    run_source guest-uml uml "$b" "guest-uml-lockdep-boot$b" "$tmp/uml.sh"
    runs_row guest-uml uml "$b" "User-Mode Linux" 1 "" "guest-uml-lockdep-boot$b"
  done
  qemu_runs=(); [ $qemu_guests = 1 ] && qemu_runs+=("icount lockdep" "tcg lockdep")
  [ $plain = 1 ] && qemu_runs+=("icount plain")
  [ $kvm = 1 ] && qemu_runs+=("kvm lockdep")
  for r in ${qemu_runs[@]+"${qemu_runs[@]}"}; do
    set -- $r; mode=$1 f=$2
    step "guest-$mode, $f kernel ($(elapsed))"
    extra=(--smp $smp); [ "$mode" = icount ] && extra+=(--icount); [ "$mode" = kvm ] && extra+=(--kvm)
    script=$tmp/$mode.sh; [ "$mode" = kvm ] && script=$tmp/tcg.sh
    run_source "guest-$mode" "$f" 1 "guest-$mode-$f" "$script" "${extra[@]}"
    runs_row "guest-$mode" "$f" 1 "$qemu $mode" $smp "" "guest-$mode-$f"
  done
  if [ -x "$REPO/scripts/precision.sh" ]; then
    step "lockdep precision: one User-Mode Linux boot per scenario x strategy ($(elapsed))"
    "$REPO/scripts/precision.sh" --out "$results" || die "precision scenarios failed"
  fi
  step "key cost at lock init: User-Mode Linux, and QEMU icount over possible CPUs ($(elapsed))"
  kcargs=(--out "$results"); [ $quick = 1 ] && kcargs+=(--boots 1); [ $qemu_guests = 1 ] || kcargs+=(--no-qemu)
  "$REPO/scripts/keycost.sh" "${kcargs[@]}" || die "key-cost runs failed"
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
for opt in stats:stats.csv precision:precision.csv calibration:calibration.csv runs:runs.csv keycost:keycost.csv; do
  [ -f "$results/${opt#*:}" ] && rargs+=("--${opt%%:*}" "$results/${opt#*:}")
done
report render "${rargs[@]}"
step "bench: done in $(( ($(date +%s) - start) / 60 )) min: $results/REPORT.md"
