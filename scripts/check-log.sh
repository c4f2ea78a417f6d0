#!/usr/bin/env bash
# check-log.sh LOG [--expect REGEX]...   checks a guest console log for kernel reports.
# check-log.sh --pattern                 prints the regex that flags report lines (for live views).
#
# The one place that decides whether a kernel log is clean. A report is a block of lines: it
# opens at a flagged line (BUG:, WARNING:, lockdep, kmemleak, soft lockup, ...) and closes
# after its stack trace (`</TASK>`; a later `---[ end trace ]---` line still belongs to it).
# With --expect REGEX (extended regex, repeatable) the log must contain a line matching it,
# and the flagged lines of the report(s) holding such a line are allowed: a test that provokes
# one known report still fails on any other. Exit 0 if clean, 1 with the offending lines if
# not, 2 on usage errors.
set -euo pipefail

# Kept as a list so each entry can say why it is here. Matched with awk (ERE, no \b).
PATTERNS=(
  '(^|[^A-Za-z_])BUG:'                  # BUG: sleeping function..., BUG: MAX_LOCKDEP_KEYS too low!, ...
  'kernel BUG at'                       # BUG_ON(): has no colon after BUG
  '(^|[^A-Za-z_])WARNING:'              # WARN_ON() and every lockdep report header
  'Oops'
  'Call Trace'                          # a dump_stack() with no header is still worth a look
  'general protection fault'
  'Kernel panic'
  'possible recursive locking'
  'circular locking dependency'
  'inconsistent lock state'
  'INFO: trying to register non-static key'
  'lockdep is turned off'
  'DEBUG_LOCKS_WARN_ON'
  '(MAX_LOCKDEP_[A-Z_]+|MAX_STACK_TRACE_ENTRIES|MAX_LOCK_DEPTH) too low'  # not the boot banner's sizes
  'turning off the locking correctness validator'
  'new suspected memory leaks'          # kmemleak, printed by each scan that finds some
  'soft lockup'
  'hung_task|blocked for more than [0-9]+ seconds'
  'rcu.*detected stall'                 # synchronize_rcu() (key unregistering) that never ends
  'printk messages dropped'             # the log is incomplete: a report may be missing
  '(UBSAN|KASAN|KFENCE):'
)
pattern=$(IFS='|'; printf '%s' "${PATTERNS[*]}")

usage() { sed -n '2,3s/^# \{0,1\}//p' "$0" >&2; exit 2; }

log=
expects=()
while [ $# -gt 0 ]; do
  case $1 in
    --pattern) printf '%s\n' "$pattern"; exit 0 ;;
    --expect) [ $# -ge 2 ] || usage; expects+=("$2"); shift 2 ;;
    --expect=*) expects+=("${1#--expect=}"); shift ;;
    -h|--help) usage ;;
    -*) echo "check-log: unknown option $1" >&2; usage ;;
    *) [ -z "$log" ] || usage; log=$1; shift ;;
  esac
done
[ -n "$log" ] || usage
[ -r "$log" ] || { echo "check-log: cannot read $log" >&2; exit 2; }

# Regexes travel through the environment: awk -v would eat their backslashes.
export CL_PATTERN=$pattern CL_NEXPECT=${#expects[@]} CL_LOG=$log
for i in "${!expects[@]}"; do export "CL_EXPECT_$i=${expects[$i]}"; done

# LC_ALL=C: serial logs can hold stray bytes (firmware escape sequences) that are not UTF-8.
LC_ALL=C awk '
BEGIN {
  pat = ENVIRON["CL_PATTERN"]; nexp = ENVIRON["CL_NEXPECT"] + 0; logname = ENVIRON["CL_LOG"]
  for (i = 0; i < nexp; i++) { expre[i] = ENVIRON["CL_EXPECT_" i]; found[i] = 0 }
  # A flagged line that opens a new report even inside an open one ...
  strong = "(^|[^A-Za-z_])(BUG|WARNING):|kernel BUG at|general protection fault|Kernel panic|" \
           "new suspected memory leaks|soft lockup|blocked for more than|detected stall|" \
           "messages dropped|INFO: trying to register|(UBSAN|KASAN|KFENCE):"
  # ... unless the open report started within this many lines: report headers come in
  # clusters (DEBUG_LOCKS_WARN_ON(...) then WARNING: CPU: ..., BUG: ... then Oops:).
  cluster = 3
  # Reports that are a single line and have no stack trace to close them.
  oneline = "new suspected memory leaks|messages dropped"
  nblk = 0; open = 0
}
{
  sub(/\r+$/, "")
  text[NR] = $0
  # Lines our own guest userland printed are not kernel reports (their failures show as rc).
  flag[NR] = ($0 !~ /^lockclass-guest:/ && $0 ~ pat)
  if ($0 ~ /---\[ end (trace|Kernel panic)/ && nblk) {
    # The end marker comes a few lines after the trace (irq event stamps, kernel offset) and
    # "---[ end Kernel panic" is itself flagged: it belongs to the report before it.
    blk[NR] = nblk
  } else {
    if (flag[NR] && (!open || ($0 ~ strong && NR - start[nblk] > cluster))) {
      nblk++; open = 1; start[nblk] = NR
    }
    blk[NR] = open ? nblk : 0
    if (open && $0 ~ /<\/TASK>/) open = 0
  }
  if (open && flag[NR] && $0 ~ oneline && start[nblk] == NR) open = 0
  for (i = 0; i < nexp; i++)
    if ($0 ~ expre[i]) { found[i]++; hit[NR] = 1 }
}
END {
  # A report is allowed if one of its lines matched --expect, or if a matching line sits just
  # before it (WARN(1, "msg") prints msg on the line above WARNING: CPU: ...).
  for (n = 1; n <= NR; n++) {
    if (!hit[n]) continue
    if (blk[n]) { allowed[blk[n]] = 1; continue }
    for (k = n + 1; k <= n + cluster && k <= NR; k++)
      if (blk[k] && start[blk[k]] == k) { allowed[blk[k]] = 1; break }
  }
  bad = 0; ok = 0
  for (n = 1; n <= NR; n++) {
    if (!flag[n]) continue
    if (blk[n] && allowed[blk[n]]) { ok++; continue }
    if (++bad <= 40) offending[bad] = sprintf("  %s:%d: %s", logname, n, text[n])
  }
  rc = 0
  if (bad) {
    printf "check-log: %s: %d kernel report line(s)%s:\n", logname, bad, nexp ? " not expected" : ""
    for (i = 1; i <= bad && i <= 40; i++) print offending[i]
    if (bad > 40) printf "  ... and %d more\n", bad - 40
    rc = 1
  }
  for (i = 0; i < nexp; i++)
    if (!found[i]) { printf "check-log: %s: expected report /%s/ not found\n", logname, expre[i]; rc = 1 }
  if (!rc) {
    if (nexp) printf "check-log: %s: only the expected report(s) (%d flagged line(s))\n", logname, ok
    else printf "check-log: %s: clean\n", logname
  }
  exit rc
}' "$log"
