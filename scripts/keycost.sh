#!/usr/bin/env bash
# keycost.sh: where a lock's init time goes, by key kind, against possible CPUs and loaded
# modules with per-CPU data (lockdep's static_obj() loops over both). One guest boot per cell;
# each loads tests/guest/keycost.sh's plan (the module's `keycost` rows, and `init` of the
# strategies whose keys differ in kind) and writes a tidy CSV:
#   source,possible_cpus,percpu_modules,boot,row,name,ns_per_op
# row=key: `__mutex_init` with one key of kind `name` (the module's keycost.rs); row=init: the
# median `init` result (lookup + `__mutex_init`) of strategy `name`. possible_cpus is what the
# module read from the kernel (QEMU: -smp N; the key-cost rows run on one of them, the others
# idle; an icount guest runs its vCPUs in turn on one host thread).
#
# usage: keycost.sh [--out CSV|DIR] [--boots N] [--no-qemu] [--no-uml]
#   --out      default results/keycost.csv (a directory: DIR/keycost.csv); logs in raw/keycost
#   --boots N  User-Mode Linux boots per cell (default 3; real CPU, its time drifts)
#   --no-qemu  leave out the QEMU icount sweep over possible CPUs (-smp 1, 2, 4, 8)
#   --no-uml   leave out the User-Mode Linux cells (1 CPU, real CPU)
#   --max-other-cpu PCT  repeat a User-Mode Linux cell (up to 3 times, 30 s apart) during which
#              other processes took more than PCT % of a host CPU (default 5), then stop
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"

usage() { awk 'NR < 10 { next } !/^#/ || /shellcheck/ { exit } { sub(/^# ?/, ""); print }' "$0" >&2; exit 2; }
out=$REPO/results/keycost.csv boots=3 qemu=1 uml=1 max_other=5
while [ $# -gt 0 ]; do
  case $1 in
    --out) [ $# -ge 2 ] || usage; out=$2; shift ;;
    --boots) [ $# -ge 2 ] || usage; boots=$2; shift ;;
    --no-qemu) qemu=0 ;;
    --no-uml) uml=0 ;;
    --max-other-cpu) [ $# -ge 2 ] || usage; max_other=$2; shift ;;
    -h|--help) usage ;;
    *) echo "keycost: unknown argument '$1'" >&2; usage ;;
  esac
  shift
done
[[ $boots =~ ^[1-9][0-9]*$ ]] || die "--boots: a positive number"
[ ! -d "$out" ] || out=$out/keycost.csv
raw=$(dirname "$out")/raw/keycost
mkdir -p "$raw"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# rows SOURCE CPUS PERCPU BOOT LOG: the log's keycost lines and median init results as CSV.
rows() {
  awk -v src="$1" -v cpus="$2" -v pcpu="$3" -v boot="$4" '
    function field(k,   i) { for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) return substr($i, length(k) + 2); return "" }
    / lockclass_bench: keycost / { cpus = field("possible_cpus"); printf "%s,%s,%s,%s,key,%s,%s\n", src, cpus, pcpu, boot, field("key"), field("ns_per_op") }
    / lockclass_bench: result / && field("mode") == "init" { n = ++cnt[field("strategy")]; v[field("strategy"), n] = field("ns_per_op") + 0 }
    END {
      for (s in cnt) {
        m = cnt[s]; for (i = 1; i <= m; i++) a[i] = v[s, i]
        for (i = 2; i <= m; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
        printf "%s,%s,%s,%s,init,%s,%.3f\n", src, cpus, pcpu, boot, s, (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
      }
    }' "$5"
}

# cell SOURCE FLAVOUR CPUS PERCPU BOOT [run-guest options]: one boot.
cell() {
  local src=$1 f=$2 cpus=$3 pcpu=$4 boot=$5 kdir ko log; shift 5
  kdir=${kdirs[$f]:=$("$REPO/scripts/build-kernel.sh" "$f" | tail -n1)}
  ko=${kos[$f]:=$("$REPO/scripts/build-module.sh" "$f" | tail -n1)}
  log=$raw/$src-cpus$cpus-percpu$pcpu-boot$boot.log
  { echo "percpu=$pcpu"; cat "$REPO/tests/guest/keycost.sh"; } > "$tmp/guest.sh"
  step "keycost: $src, possible_cpus=$cpus, per-CPU modules +$pcpu, boot $boot"
  # Real-CPU cells want a quiet host (as bench.sh's boots); icount counts instructions.
  local quiet=()
  [ "$src" = guest-icount ] || quiet=(--max-other-cpu "$max_other")
  run_guest_quietly "keycost boot $(basename "$log")" "$REPO/scripts/run-guest.sh" --kernel "$kdir" --ko "$ko" \
    --add "$(dirname "$ko")/lockclass_percpu.ko" --script "$tmp/guest.sh" --log "$log" --timeout 900 \
    ${quiet[@]+"${quiet[@]}"} "$@" || die "keycost boot failed: see $log"
  rows "$src" "$cpus" "$pcpu" "$boot" "$log" >> "$tmp/rows.csv"
}

declare -A kdirs kos
: > "$tmp/rows.csv"
if [ $uml = 1 ]; then
  for ((b = 1; b <= boots; b++)); do
    for pcpu in 0 1; do cell guest-uml uml 1 $pcpu $b; done
  done
fi
if [ $qemu = 1 ]; then
  # icount: guest time is instructions, so one boot per cell repeats exactly.
  for cpus in 1 2 4 8; do
    for pcpu in 0 1; do cell guest-icount lockdep $cpus $pcpu 1 --icount --smp $cpus; done
  done
fi
{ echo "source,possible_cpus,percpu_modules,boot,row,name,ns_per_op"; sort -t, -k1,1 -k2,2n -k3,3n -k4,4n -k5,5 -k6,6 "$tmp/rows.csv"; } > "$out"
step "keycost: $(($(wc -l < "$out") - 1)) rows in $out"
