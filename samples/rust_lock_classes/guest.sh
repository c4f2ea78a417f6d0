# Guest script for samples/rust_lock_classes (run by check.sh): the sample loads, its five
# classes appear in /proc/lockdep named after their call sites, and are gone after rmmod.
. /guest-lib.sh
dmesg -c >/dev/null
before=$(lockdep_value lock-classes)
insmod /rust_lock_classes.ko || fail "insmod failed"
dmesg | sed 's/^/dmesg: /'
classes=$(grep -E "${LOCKDEP_CLASS_LINE}.*rust_lock_classes\.rs:[0-9]+:[0-9]+\$" /proc/lockdep || true)
echo "$classes" | sed 's/^/lockclass-guest: loaded: /'
n=$(echo "$classes" | grep -c . || true)
[ "$n" = 5 ] || fail "$n sample classes in /proc/lockdep, expected 5 (rx, tx, pool, atomic, state)"
say "lock-classes before insmod: $before"
grep -E 'lock-classes|direct dependencies|dependency chains' /proc/lockdep_stats | sed 's/^/lockclass-guest: loaded: /'
rmmod rust_lock_classes || fail "rmmod failed"
dmesg | tail -n 1 | sed 's/^/dmesg: /'
left=$(grep -cE 'rust_lock_classes\.rs:' /proc/lockdep || true)
[ "$left" = 0 ] || fail "$left sample classes left in /proc/lockdep after rmmod"
grep -E 'lock-classes|direct dependencies|dependency chains' /proc/lockdep_stats | sed 's/^/lockclass-guest: unloaded: /'
cat /proc/lockdep >/dev/null || fail "/proc/lockdep unreadable after rmmod"
check_debug_locks
say "sample: 5 classes while loaded, none after rmmod"
