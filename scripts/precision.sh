#!/usr/bin/env bash
# precision.sh: lockdep precision matrix. Boots one guest per scenario x strategy (lockdep
# reports once per boot, then switches itself off), runs tests/guest/precision-cell.sh there,
# classifies what lockdep said from the kernel log and writes a tidy CSV:
#   scenario,strategy,expected,outcome,names_sites,source,note,count
#
# usage: precision.sh [options]
#   --flavour F        kernel flavour: uml (User-Mode Linux, default when built) or lockdep (QEMU TCG)
#   --kernel DIR --ko KO  use this kernel build and module (the peer module is taken from
#                      beside KO) instead of building them for the flavour
#   --scenarios LIST   comma list (default: all; `reload` reloads a module that takes its
#                      classes from the benchmark module, `reload-with-table` the benchmark
#                      module itself)
#   --strategies LIST  comma list (default: every strategy but noop; class-limit and the
#                      reloads also run mutex+leak_keys, the RFC as posted)
#   --out CSV|DIR      default results/precision.csv (a directory: DIR/precision.csv)
#   --raw DIR          raw logs, default raw/precision beside the CSV
#   --from-logs DIR    no boots: classify the logs DIR/<scenario>.<strategy>.log of an earlier
#                      run (e.g. results/raw/precision) and write the CSV from them
#   --check FILE       compare each outcome with FILE (lines "scenario strategy outcome");
#                      exit 1 if one differs or has no line there
#
# Exits 1 (after writing the CSV) when a cell's boot went wrong: the guest script failed or
# the log has a kernel report other than the one the cell's outcome names.
#
# Outcomes: reported-circular, reported-recursive, reported-other (another lockdep report),
# silent, lockdep-off (lockdep switched itself off, e.g. MAX_LOCKDEP_KEYS, without reporting
# the scenario's locks). names_sites: yes (the report names each site as file:line:column),
# line (file:line only), no (other names), na (no report).
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"

usage() { awk 'NR < 7 { next } !/^#/ || /shellcheck/ { exit } { sub(/^# ?/, ""); print }' "$0" >&2; exit 2; }

ALL_SCENARIOS=abba-two-sites,abba-across-objects,same-site-nesting,two-locations,generic,generic-inline,reload,reload-with-table,class-limit,fallback-name
ALL_STRATEGIES=mutex,spinlock,rcu,location,macro,dynamic,cached,pool,tracked
flavour='' kdir='' ko='' scenarios=$ALL_SCENARIOS strategies='' out=$REPO/results/precision.csv raw='' check='' from=''
while [ $# -gt 0 ]; do
  case $1 in
    --flavour|--kernel|--ko|--scenarios|--strategies|--out|--raw|--check|--from-logs) [ $# -ge 2 ] || usage ;;
    -h|--help) usage ;;
    *) echo "precision: unknown argument '$1'" >&2; usage ;;
  esac
  case $1 in
    --flavour) flavour=$2 ;; --kernel) kdir=$2 ;; --ko) ko=$2 ;; --scenarios) scenarios=$2 ;; --strategies) strategies=$2 ;;
    --out) out=$2 ;; --raw) raw=$2 ;; --check) check=$2 ;; --from-logs) from=$2 ;;
  esac
  shift 2
done
[ -z "$check" ] || [ -r "$check" ] || die "--check: cannot read $check"
[ ! -d "$out" ] || out=$out/precision.csv
[ -n "$raw" ] || raw=$(dirname "$out")/raw/precision
[ -z "$kdir" ] || [ -f "$kdir/.config" ] || die "--kernel $kdir: not a kernel build directory"
[ -z "$kdir$ko" ] || { [ -n "$kdir" ] && [ -n "$ko" ]; } || die "--kernel and --ko go together"
if [ -z "$flavour" ] && [ -n "$kdir" ]; then
  if [ -f "$kdir/linux" ]; then flavour=uml; else flavour=lockdep; fi
fi
if [ -z "$flavour" ]; then
  # User-Mode Linux when a build of it is cached (real CPU, a boot in seconds), else QEMU.
  if compgen -G "$CACHE/kernel/uml-*/.lockclass-done" >/dev/null; then flavour=uml; else flavour=lockdep; fi
fi
case $flavour in uml*) source_name=guest-uml ;; *) source_name=guest-tcg ;; esac

mods=''
if [ -n "$from" ]; then
  [ -d "$from" ] || die "--from-logs $from: no such directory"
  [ -z "$kdir" ] || die "--from-logs boots nothing: --kernel/--ko do not apply"
  [ "$(cd "$from" && pwd)" != "$(mkdir -p "$raw" && cd "$raw" && pwd)" ] \
    || die "--from-logs $from is also where --raw writes: give --out (or --raw) elsewhere"
elif [ -z "$kdir" ]; then
  kdir=$("$REPO/scripts/build-kernel.sh" "$flavour" | tail -n1)
  ko=$("$REPO/scripts/build-module.sh" "$flavour" | tail -n1)
fi
peer=$(dirname "$ko")/lockclass_precision_peer.ko
if [ -z "$from" ]; then
  peer=$(dirname "$ko")/lockclass_precision_peer.ko
  [ -f "$peer" ] || die "no $peer: the module build did not make the two-locations peer module"
  # Private copies: another build of the module (tests, benchmarks) replaces the shared ones.
  mods=$(mktemp -d "${TMPDIR:-/tmp}/precision-ko.XXXXXX")
  cp "$ko" "$peer" "$mods/"
  ko=$mods/$(basename "$ko") peer=$mods/$(basename "$peer")
fi
mkdir -p "$raw" "$(dirname "$out")"

# The warning lockdep gives when one static key comes with two name pointers (a lock macro in a
# kernel-crate generic: each instantiating module compiles its own copy of the name string).
NAME_CLASH='but found a different class .* with the same key'

# classify LOG: prints outcome, names_sites, count, expected, report names, the kinds of key
# the scenario's locks got and name-warning if lockdep gave the warning above (\037-separated:
# fields may be empty).
classify() {
  LC_ALL=C awk -v clash_re="$NAME_CLASH" '
    function tail2(path,   n, p) { n = split(path, p, "/"); return n >= 2 ? p[n-1] "/" p[n] : path }
    /lockclass_bench: precision start / {
      for (i = 1; i <= NF; i++) if ($i ~ /^expected=/) { sub(/^expected=/, "", $i); expected = $i }
      started = 1
    }
    /lockclass_bench: precision lock / {
      for (i = 1; i <= NF; i++) if ($i ~ /^key=/) {
        k = $i; sub(/^key=/, "", k)
        if (!(k in keyseen)) { keyseen[k] = 1; keys = keys (keys ? "+" : "") k }
      }
      for (i = 1; i <= NF; i++) if ($i ~ /^site=/) {
        s = $i; sub(/^site=/, "", s)
        # FILE:LINE:COLUMN -> the last two path parts with and without the column
        col = s; sub(/:[0-9]+$/, "", col); line = col
        site_full[tail2(s)] = 1; site_line[tail2(s)] = tail2(line)
      }
    }
    /lockclass_bench: precision done / {
      for (i = 1; i <= NF; i++) if ($i ~ /^count=/) { sub(/^count=/, "", $i); count = $i }
    }
    started && $0 ~ clash_re { clash = "name-warning" }
    started && !kind && /WARNING: possible circular locking dependency detected/ { kind = "reported-circular"; inrep = 1 }
    started && !kind && /WARNING: possible recursive locking detected/ { kind = "reported-recursive"; inrep = 1 }
    started && !kind && /WARNING: (inconsistent lock state|possible irq lock inversion|.*-safe -> .*-unsafe lock order|bad unlock balance|held lock freed|Nested lock was not taken|chain_key collision|bad contention)|INFO: trying to register non-static key/ { kind = "reported-other"; inrep = 1 }
    started && !kind && !off && /(MAX_LOCKDEP_[A-Z_]+|MAX_STACK_TRACE_ENTRIES|MAX_LOCK_DEPTH) too low/ { off = 1 }
    inrep {
      report = report "\n" $0
      # class names: "(NAME){usage}-{a:b}"
      line0 = $0
      while (match(line0, /\([^(){}]+\)\{[^}]*\}-\{/)) {
        nm = substr(line0, RSTART + 1, RLENGTH - 1); sub(/\)\{.*/, "", nm)
        if (!(nm in seen)) { seen[nm] = 1; names = names (names ? "; " : "") nm }
        line0 = substr(line0, RSTART + RLENGTH)
      }
      if (/<\/TASK>/) inrep = 0
    }
    END {
      outcome = kind ? kind : (off ? "lockdep-off" : "silent")
      if (!kind) ns = "na"
      else {
        ns = "yes"; nsites = 0
        for (s in site_full) {
          nsites++
          if (index(report, s)) continue
          l = site_line[s]; rest = report; found = 0
          while ((k = index(rest, l)) > 0) {
            c = substr(rest, k + length(l), 1)
            if (c !~ /[0-9:]/) { found = 1; break }
            rest = substr(rest, k + length(l))
          }
          if (found) { if (ns == "yes") ns = "line" } else ns = "no"
        }
        if (!nsites) ns = "no"
      }
      printf "%s\037%s\037%s\037%s\037%s\037%s\037%s\n", outcome, ns, count, expected, names, keys, clash
    }' "$1"
}

# why SCENARIO STRATEGY OUTCOME: the mechanism behind a cell that differs from its expected
# truth (printed only when it does; the log holds the report or its absence).
why() {
  case $1:$2:$3 in
    abba-across-objects:dynamic:silent|two-locations:dynamic:silent|generic*:dynamic:silent)
      echo "why: a key per lock object, so each object is its own class and the classes form no cycle" ;;
    same-site-nesting:*:reported-recursive)
      echo "why: parent and child share their site's class; nesting them without mutex_lock_nested() looks like taking one lock twice" ;;
    two-locations:location:silent)
      echo "why: each module's copy has its own Location object for the site, so two keys and two unrelated pairs of classes" ;;
    two-locations:macro:silent)
      echo "why: each module's copy of the source has its own static key (scenario generic has the one static of a kernel-crate generic)" ;;
    two-locations:tracked:silent|generic*:tracked:silent)
      echo "why: LockClass::at() keys a site in the pool of the module that holds its Location, and each module has its own Location for the site, so each module has its own class" ;;
    generic*:location:silent)
      echo "why: each instantiating module compiles its own Location for the kernel crate's site, so two keys and two unrelated pairs of classes" ;;
    reload:*:reported-circular)
      echo "why: the table that gave the unloaded module its classes outlives it: the keys stay registered, so the first load's A-then-B dependency is still in lockdep's graph when the second load takes B then A (a stale dependency)" ;;
    class-limit:dynamic:lockdep-off)
      echo "why: one class per live object; lockdep's table (MAX_LOCKDEP_KEYS) fills and lockdep turns itself off" ;;
    class-limit:*+leak_keys:lockdep-off)
      echo "why: keys are never unregistered, so every emptying of the table (between the benchmark's configurations, or at this module's unload) leaves 1024 classes behind that nothing reclaims" ;;
  esac
}

csv_field() { # quotes a CSV field when it needs it
  case $1 in *[,\"]*) printf '"%s"' "${1//\"/\"\"}" ;; *) printf '%s' "$1" ;; esac
}

tmp_csv=$(mktemp "${TMPDIR:-/tmp}/precision.XXXXXX")
tmp_run=$(mktemp "${TMPDIR:-/tmp}/precision-run.XXXXXX")
trap 'rm -rf "$tmp_csv" "$tmp_run" "$mods"' EXIT
echo "scenario,strategy,expected,outcome,names_sites,source,note,count" >"$tmp_csv"
mismatches=0 cells=0 broken=0
IFS=, read -r -a scenario_list <<<"$scenarios"
for sc in "${scenario_list[@]}"; do
  cell_strategies=${strategies:-$ALL_STRATEGIES}
  case $sc in reload*|class-limit) [ -n "$strategies" ] || cell_strategies+=,mutex+leak_keys ;; esac
  IFS=, read -r -a strategy_list <<<"$cell_strategies"
  for st in "${strategy_list[@]}"; do
    cells=$((cells + 1))
    log=$raw/$sc.$st.log
    guest_note=''
    if [ -n "$from" ]; then
      log=$from/$sc.$st.log
      [ -r "$log" ] || die "--from-logs: no $log"
      # The log says which guest it came from: UML's boot banner has no BIOS.
      if grep -q 'SeaBIOS\|Booting from ROM' "$log"; then source_name=guest-tcg; else source_name=guest-uml; fi
    else
      step "precision: $sc x $st ($source_name)"
      # run-guest.sh cannot know which report the cell provokes (that is what is measured), so
      # its verdict on reports is left to check-log.sh below; its other failures count.
      "$REPO/scripts/run-guest.sh" --kernel "$kdir" --ko "$ko" --add "$peer" \
        --script "$REPO/tests/guest/precision-cell.sh" --log "$log" --timeout 900 \
        --cmdline "precision_scenario=$sc precision_strategy=$st" 2>"$tmp_run" || true
    fi
    IFS=$'\037' read -r outcome names_sites count expected names keys clash < <(classify "$log")
    grep -q 'lockclass-guest: end rc=0' "$log" \
      || guest_note="guest failed: $(grep -a -h -o 'lockclass-guest: FAIL: .*\|run-guest: FAIL: .*' "$log" "$tmp_run" | head -n1)"
    # Anything in the log besides the report this cell provoked is a problem of its own.
    expect_args=()
    case $outcome in
      reported-circular) expect_args=(--expect 'possible circular locking dependency detected') ;;
      reported-recursive) expect_args=(--expect 'possible recursive locking detected') ;;
      lockdep-off) expect_args=(--expect 'too low!') ;;
      reported-other) expect_args=(--expect 'WARNING: |INFO: trying to register non-static key') ;;
    esac
    [ -z "$clash" ] || expect_args+=(--expect "$NAME_CLASH")
    # From the log's own directory: the .check names the log, not the run's staging directory.
    if ! (cd "$(dirname "$log")" && "$REPO/scripts/check-log.sh" "$(basename "$log")" "${expect_args[@]}") >"$raw/$sc.$st.check" 2>&1; then
      guest_note="${guest_note:+$guest_note; }unexpected kernel report (see $sc.$st.check)"
    fi
    note=''
    case $expected:$outcome in
      reported-*:silent) note="missed" ;;
      silent:reported-*) note="false report" ;;
      reported-circular:reported-circular|reported-recursive:reported-recursive|silent:silent) ;;
      *) note="differs from expected" ;;
    esac
    [ "$expected" = "$outcome" ] || { w=$(why "$sc" "$st" "$outcome"); [ -z "$w" ] || note="${note:+$note; }$w"; }
    [ -z "$clash" ] || note="${note:+$note; }name-warning: lockdep warned that one key came with two names (each module compiles its own copy of the site's name string; lockdep compares name pointers: \"Looking for class ... but found a different class ... with the same key\"), once per boot"
    [ -z "$keys" ] || note="${note:+$note; }keys: $keys"
    [ -z "$names" ] || note="${note:+$note; }report names: $names"
    if [ "$sc" = class-limit ]; then
      before=$(sed -n 's/.*lockclass-guest: lockdep lock-classes: \([0-9]*\).*/\1/p' "$log" | head -n1)
      if [ "$outcome" = lockdep-off ]; then
        note="${note:+$note; }lockdep switched off after $count classes from the module (lock-classes before: ${before:-?})"
      elif [ -n "$count" ]; then
        note="${note:+$note; }no cliff: every site (${count}) got a class, lockdep still on (lock-classes before: ${before:-?})"
      fi
    fi
    case $st in *+leak_keys) note="${note:+$note; }leak_keys=1 (the RFC as posted)" ;; esac
    [ -z "$guest_note" ] || { note="${note:+$note; }$guest_note"; broken=$((broken + 1)); }
    [ -n "$expected" ] || expected=unknown
    printf '%s,%s,%s,%s,%s,%s,%s,%s\n' "$sc" "$st" "$expected" "$outcome" "$names_sites" \
      "$source_name" "$(csv_field "$note")" "$count" >>"$tmp_csv"
    echo "precision: $sc x $st: expected $expected, outcome $outcome, names_sites $names_sites${count:+, count $count}${guest_note:+ ($guest_note)}" >&2
    if [ -n "$check" ]; then
      # A fourth word, name-warning, expects lockdep's warning about one key with two names.
      want=$(awk -v s="$sc" -v t="$st" '$1 == s && $2 == t { print $3 ($4 ? " " $4 : "") }' "$check")
      got=$outcome${clash:+ $clash}
      if [ "$want" != "$got" ] || [ -n "$guest_note" ]; then
        mismatches=$((mismatches + 1))
        echo "precision: FAIL: $sc x $st: outcome $got, committed expectation ${want:-none}${guest_note:+; $guest_note}" >&2
      else
        echo "precision: ok: $sc x $st: $got as expected" >&2
      fi
    fi
  done
done
mv "$tmp_csv" "$out"
rm -rf "$mods" "$tmp_run"
trap - EXIT
echo "precision: $cells cells written to $out" >&2
[ "$broken" = 0 ] || echo "precision: $broken cell(s) whose boot went wrong (guest failure or an unexpected kernel report): see their note" >&2
[ "$mismatches" = 0 ] || echo "precision: $mismatches cell(s) differ from $check" >&2
[ "$broken" = 0 ] && [ "$mismatches" = 0 ]
