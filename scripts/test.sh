#!/usr/bin/env bash
# test.sh: every test of the project (the README's test command; CI runs exactly this).
# Host: formatting, lints, unit and integration tests, loom model checks, one pass of every
# benchmark. Kernel: the runner's self-test and the guest tests (smoke matrix, bad
# parameters, unload/reload, atomic context, allocation failure) on the cached lockdep kernel;
# the draft lock-class series' sample and lifecycle test on its own uml kernel. Keeps going
# after a failing step and exits non-zero if any failed.
. "$(dirname "$0")/common.sh"

"$REPO/scripts/setup.sh"
cd "$REPO"
failed=()
logs=$(mktemp -d "${TMPDIR:-/tmp}/test-sh.XXXXXX")
trap 'rm -rf "$logs"' EXIT
# Each step's output streams as it runs and is kept: a failed step's failing lines are repeated
# at the end, where a CI log that keeps only its tail still shows them.
run() { # NAME COMMAND...
  local name=$1 log=$logs/step.log rc=0; shift
  step "test: $name"
  "$@" 2>&1 | tee "$log" || rc=$?
  if [ "$rc" = 0 ]; then echo "test.sh: ok: $name"; rm -f "$log"
  else echo "test.sh: FAILED: $name (exit $rc)"; failed+=("$name"); mv "$log" "$logs/failed-${#failed[@]}.log"; fi
}

run "cargo fmt" cargo fmt --all --check
# rustfmt follows the module tree from main.rs, including the shared code it mounts.
run "rustfmt module" rustfmt --edition 2021 --check module/main.rs
run "cargo clippy" cargo clippy --workspace --all-targets -- -D warnings
run "cargo test" cargo test --workspace
# loom swaps the atomics, so it gets a target directory of its own.
run "loom model checks" env RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR="$REPO/target/loom" \
  cargo test -p host-bench --release --test loom
run "every benchmark once" cargo bench -p host-bench -- --test
run "bench staging (a failed or interrupted run keeps results/)" "$REPO/scripts/tests/test-bench.sh"
run "quiet-host checks (which boots bench.sh repeats)" "$REPO/scripts/tests/test-quiet.sh"
run "guest runner self-test" "$REPO/scripts/tests/test-runner.sh"
run "guest tests" "$REPO/scripts/test-guest.sh"
# The lock-class series (kernel/patches/0002-0006) on the uml kernel: its sample, and the
# per-module pool across 100 load/unload cycles, address reuse and exhaustion.
run "lock-class series: sample and module lifecycle (uml)" "$REPO/samples/rust_lock_classes/check.sh" uml
run "lock-class series: sample and module lifecycle (QEMU lockdep)" "$REPO/samples/rust_lock_classes/check.sh" lockdep

if [ ${#failed[@]} -gt 0 ]; then
  for i in "${!failed[@]}"; do
    echo "test.sh: --- ${failed[$i]}: its failing lines (else its last lines) ---"
    f=$logs/failed-$((i + 1)).log
    grep -E '^(FAIL|not ok|error|test result: FAILED|---- )|FAILED|panicked' "$f" | tail -n 25 | grep . || tail -n 15 "$f"
  done
  echo "test.sh: failed steps: ${failed[*]}"
  exit 1
fi
echo "test.sh: all steps passed"
