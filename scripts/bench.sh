#!/usr/bin/env bash
# bench.sh: the main job. Installs what is missing, builds (or reuses) the kernels and the
# module, runs the benchmark in QEMU (icount and real-time TCG; lockdep and plain kernels),
# runs the criterion suite on the host, and writes results/: raw logs, tidy CSV, plots and
# REPORT.md.
#
# usage: scripts/bench.sh [--quick] [--no-host] [--no-guest] [--no-plain] [--kvm]
#   --quick     fewer loops and runs, and criterion's --quick: a fast look, not reference data
#   --no-host   skip the criterion suite (keeps results/host/ as it is)
#   --no-guest  skip the QEMU runs (keeps results/raw/ as it is)
#   --no-plain  skip the baseline kernel without lockdep
#   --kvm       also run the guest under KVM (only where /dev/kvm really works)
. "$(dirname "$0")/common.sh"

quick=0 host=1 guest=1 plain=1 kvm=0
for a in "$@"; do
  case $a in
    --quick) quick=1 ;; --no-host) host=0 ;; --no-guest) guest=0 ;; --no-plain) plain=0 ;;
    --kvm) kvm=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) die "unknown option $a (see --help)" ;;
  esac
done

results=$REPO/results
smp=2   # the machines this runs on have 2 cores; more vCPUs than cores would measure the host scheduler
if [ $quick = 1 ]; then loops=2000 runs=3; else loops=100000 runs=5; fi
# 1) every strategy x mode at 64 sites (concurrent at 1..vCPUs threads); 2) lookup over
# 1..1024 sites (bucket load); 3) concurrent on one site: every thread on one bucket's lock.
loads=(
  "strategy=all mode=all sites=64 threads=$(seq -s, 1 $smp) loops=$loops runs=$runs warmup=1"
  "strategy=noop,mutex,spinlock,rcu,location,macro,cached mode=lookup sites=1,16,256,1024 threads=1 loops=$loops runs=$runs warmup=1"
  "strategy=noop,mutex,spinlock,rcu,location,macro,cached mode=concurrent sites=1 threads=$(seq -s, 1 $smp) loops=$loops runs=$runs warmup=1"
)

start=$(date +%s)
eta=0
[ -x "$BINDGEN" ] || eta=$((eta + 4))
for f in lockdep plain; do [ $f = plain ] && [ $plain = 0 ] && continue; ls -d "$CACHE"/kernel/$f-*/.lockclass-done >/dev/null 2>&1 || eta=$((eta + 5)); done
[ $guest = 1 ] && eta=$((eta + (quick ? 3 : 12) + (plain ? (quick ? 1 : 4) : 0)))
[ $host = 1 ] && eta=$((eta + (quick ? 3 : 8)))
step "bench: estimated total ${eta} min on 2 cores (kernel builds are cached after the first run)"

step "[1/5] set-up"
"$REPO/scripts/setup.sh"
kver=$(dpkg-query -W -f='${Version}' linux-source-$KERNEL_SERIES)
krustc=$("$KRUSTC" --version)
qemu=$(qemu-system-x86_64 --version | head -n1 | tr ',' ' ')
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1 | tr ',' ' ')
today=$(date -u +%F)

report() { (cd "$REPO" && cargo run -q --release -p lockclass-report -- "$@"); }

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if [ $guest = 1 ]; then
  step "[2/5] kernels and module"
  flavours=(lockdep); [ $plain = 1 ] && flavours+=(plain)
  declare -A kdir ko
  for f in "${flavours[@]}"; do
    kdir[$f]=$("$REPO/scripts/build-kernel.sh" "$f" | tail -n1)
    ko[$f]=$("$REPO/scripts/build-module.sh" "$f" | tail -n1)
  done

  step "[3/5] guest runs"
  {
    echo ". /guest-lib.sh"
    echo "wait_clocksource   # tsc-early -> tsc happens seconds into boot: do not time across it"
    echo "check_debug_locks"
    for l in "${loads[@]}"; do echo "load $l"; echo "check_debug_locks"; echo "unload"; done
  } > "$tmp/bench-guest.sh"
  mkdir -p "$results/raw"
  runs_to_do=("icount lockdep" "tcg lockdep")
  [ $plain = 1 ] && runs_to_do+=("icount plain")
  [ $kvm = 1 ] && runs_to_do+=("kvm lockdep")
  rm -f "$results"/guest-*.csv
  # One row per guest run; the exact insmod parameters are in the raw log (`insmod ...` lines).
  echo "source,flavour,kernel,rustc,qemu,vcpus,memory_mb,date,host_cpu,log" > "$results/runs.csv"
  i=0
  for r in "${runs_to_do[@]}"; do
    i=$((i + 1))
    set -- $r; mode=$1 f=$2
    src=guest-$mode
    log=$results/raw/$src-$f.log
    step "guest run $i/${#runs_to_do[@]}: $src, $f kernel ($(( ($(date +%s) - start) / 60 )) min elapsed)"
    extra=(); [ "$mode" = icount ] && extra+=(--icount); [ "$mode" = kvm ] && extra+=(--kvm)
    "$REPO/scripts/run-guest.sh" --kernel "${kdir[$f]}" --ko "${ko[$f]}" --script "$tmp/bench-guest.sh" \
      --log "$log" --smp $smp --timeout 3600 "${extra[@]}" || die "guest run $src ($f) failed: see $log"
    echo "$src,$f,$kver,$krustc,$qemu $mode,$smp,512,$today,$cpu,raw/$src-$f.log" >> "$results/runs.csv"
    report parse "$log" --source "$src" --kernel "$kver" --flavour "$f" --rustc "$krustc" \
      --cpu "$cpu (emulated by QEMU $mode)" --date "$today" \
      --out "$results/$src-$f.csv" --stats-out "$results/$src-$f.stats.csv"
  done
  report merge "$results/stats.csv" "$results"/guest-*.stats.csv
fi

if [ $host = 1 ]; then
  step "[4/5] host criterion suite ($(( ($(date +%s) - start) / 60 )) min elapsed)"
  qargs=(); [ $quick = 1 ] && qargs=(--quick)
  (cd "$REPO" && cargo bench -p host-bench -- "${qargs[@]}")
  (cd "$REPO" && cargo run -q --release -p host-bench --bin export)
fi

step "[5/5] tidy CSV, plots and report"
inputs=()
for c in "$results"/guest-*.csv; do case $c in *.stats.csv) ;; *) [ -f "$c" ] && inputs+=("$c") ;; esac; done
[ -f "$results/host/host.csv" ] && inputs+=("$results/host/host.csv")
[ ${#inputs[@]} -gt 0 ] || die "no results to report"
report merge "$results/data.csv" "${inputs[@]}"
rargs=(--data "$results/data.csv" --out "$results")
[ -f "$results/stats.csv" ] && rargs+=(--stats "$results/stats.csv")
[ -f "$results/host/memory.csv" ] && rargs+=(--memory "$results/host/memory.csv")
report render "${rargs[@]}"
step "bench: done in $(( ($(date +%s) - start) / 60 )) min: $results/REPORT.md"
