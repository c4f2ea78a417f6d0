# Guest script: CPU hotplug during concurrent runs. The concurrent mode binds one kthread per
# online CPU and must hold the CPU set stable for the run (cpus_read_lock), so a CPU going
# offline meanwhile waits for the run instead of leaving a thread unbound or a task NULL.
# Needs 2+ CPUs and CONFIG_HOTPLUG_CPU (skipped with a message otherwise, e.g. on UML).
. /guest-lib.sh

online=/sys/devices/system/cpu/cpu1/online
if [ "$(nproc)" -lt 2 ] || [ ! -w "$online" ]; then
  say "hotplug: skipped: needs 2 CPUs and a writable $online (CPUs: $(nproc))"
  exit 0
fi
dmesg -c >/dev/null
say "insmod $KO mode=concurrent (in the background) while cpu1 goes offline and online"
insmod "$KO" strategy=mutex,spinlock,rcu,cached mode=concurrent threads=1,2 sites=1,64 loops=20000 runs=5 &
pid=$!
# Toggle only once the plan is accepted (validation counts the online CPUs).
while kill -0 "$pid" 2>/dev/null && ! dmesg | grep -q "lockclass_bench: start "; do sleep 0.1; done
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 200 ]; do
  echo 0 > "$online" || true
  echo 1 > "$online" || true
  i=$((i + 1))
done
wait "$pid" && rc=0 || rc=$?
[ "$(cat "$online")" = 1 ] || echo 1 > "$online"
say "hotplug: cpu1 toggled $i times during the load; insmod rc=$rc"
# Either the whole plan ran (the toggles waited), or a run found fewer CPUs than threads and
# the load failed cleanly: both are fine, a crash or a hang is not.
if [ "$rc" = 0 ]; then
  dmesg | grep -q "End of test: SUCCESS" || fail "no End of test: SUCCESS"
  unload
else
  dmesg | grep -q "End of test: FAILURE" || fail "insmod failed without an End of test line"
  if grep -q '^lockclass_bench ' /proc/modules; then fail "module still loaded after a failed insmod"; fi
fi
check_debug_locks
say "hotplug: concurrent runs survived cpu1 going offline and online"
