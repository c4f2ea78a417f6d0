#!/usr/bin/env bash
# test-bench.sh: scripts/bench.sh never leaves a half-written results directory. Runs the real
# script on a copy of results/ with a stand-in `cargo` on PATH (no kernels, no criterion): once
# failing half-way through writing, once interrupted, once succeeding. The copy must be
# byte-identical after the first two, and replaced after the third.
# Ends with one line "N passed, M failed"; exit 1 if anything failed.
# shellcheck source-path=SCRIPTDIR/.. source=common.sh
. "$(dirname "$0")/../common.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1${2:+: $2}"; }

# The stand-in for `cargo run ... -p lockclass-report -- merge|render ...`: it writes into the
# directory bench.sh gives it (the staged one) and then behaves as $FAKE_CARGO says.
mkdir -p "$tmp/bin"
cat >"$tmp/bin/cargo" <<'STUB'
#!/usr/bin/env bash
echo "cargo $*" >>"$FAKE_LOG"
while [ $# -gt 0 ] && [ "$1" != -- ]; do shift; done; shift || true
cmd=${1:-}; out=''; prev=''
for a in "$@"; do [ "$prev" = --out ] && out=$a; prev=$a; done
case $cmd in
  merge) echo "half-written" >"$2" ;;
  render)
    echo "half-written" >"$out/REPORT.md"; rm -f "$out/data.csv"
    case $FAKE_CARGO in
      fail) exit 1 ;;
      hang) echo "fake render: started" >&2; exec sleep 600 ;;
    esac ;;
esac
exit 0
STUB
chmod +x "$tmp/bin/cargo"

src=$tmp/results
cp -a "$REPO/results" "$src"
cp -a "$src" "$tmp/before"
export FAKE_LOG=$tmp/cargo.log
run_bench() { PATH="$tmp/bin:$PATH" "$REPO/scripts/bench.sh" --no-guest --no-host --out "$src"; }
same() { # NAME: the results copy is byte-identical to before, with no staging left beside it
  if diff -r "$tmp/before" "$src" >"$tmp/diff" 2>&1; then pass "$1: results/ byte-identical"
  else fail "$1: results/ changed" "$(head -5 "$tmp/diff")"; fi
  if compgen -G "$tmp/.results.*" >/dev/null; then fail "$1: staging left behind" "$(ls -d "$tmp"/.results.*)"
  else pass "$1: no staging directory left"; fi
}

# 1. The report step fails after writing half its output.
if FAKE_CARGO=fail run_bench >"$tmp/fail.out" 2>&1; then fail "failing run exits non-zero" "$(tail -n 5 "$tmp/fail.out")"
else pass "failing run exits non-zero"; fi
same "failed run"

# 2. Interrupted while the report is written: TERM to the run's whole process group, as a CI
# timeout or Ctrl-C's group signal sends it (bash defers its trap until the stand-in has died).
FAKE_CARGO=hang PATH="$tmp/bin:$PATH" setsid "$REPO/scripts/bench.sh" --no-guest --no-host --out "$src" >"$tmp/hang.out" 2>&1 &
pid=$!
started=0
for _ in $(seq 1 300); do grep -q 'fake render: started' "$tmp/hang.out" && { started=1; break; }; sleep 0.2; done
if [ $started = 1 ]; then pass "interrupted run reached the report step"
else fail "interrupted run reached the report step" "$(tail -n 5 "$tmp/hang.out")"; fi
kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
rc=0; wait "$pid" || rc=$?
if [ "$rc" != 0 ]; then pass "interrupted run exits non-zero ($rc)"
else fail "interrupted run exits non-zero" "$(tail -n 5 "$tmp/hang.out")"; fi
same "interrupted run"

# 3. A run that succeeds replaces the directory, kept figures and all.
if FAKE_CARGO=ok run_bench >"$tmp/ok.out" 2>&1; then pass "successful run exits 0"
else fail "successful run exits 0" "$(tail -5 "$tmp/ok.out")"; fi
if grep -qx 'half-written' "$src/REPORT.md"; then pass "  ... and its output replaced results/"
else fail "  ... and its output replaced results/"; fi
if cmp -s "$tmp/before/guest-icount-lockdep.csv" "$src/guest-icount-lockdep.csv"; then pass "  ... keeping the figures it did not measure"
else fail "  ... keeping the figures it did not measure"; fi
for s in guest-uml guest-icount host; do
  if grep -q -- "render .*--stale $s=not measured in this run" "$FAKE_LOG"; then pass "  ... telling the report that $s is from an earlier run"
  else fail "  ... telling the report that $s is from an earlier run" "$(grep render "$FAKE_LOG" | tail -n1)"; fi
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
