# Guest script of lifecycle.sh: the per-module pool across module lifetimes.
#  1. CYCLES load/unload cycles of a 64-site module (a): 64 classes named after its sites
#     while loaded, none after each unload, /proc/lockdep readable after every unload and, after
#     the last, no line of it (class or dependency) naming the module; lockdep's classes, direct
#     dependencies and chains not growing with the cycles over their second half.
#  2. Address reuse: another 64-site module (b) loaded where (a) was (checked) gets its own
#     classes (named after b's sites, none of a's). With the kernel's address cache (patch
#     0006), a's reloads at one address (counted) and b check that the loader purged it.
#  3. Exhaustion: a 70-site module (c) gets 64 pool classes and 6 overflow classes (its
#     Location as the key, still in its memory), all gone after its unload.
#  4. One module unloaded while another stays: with a and b loaded, rmmod a leaves b's 64
#     classes and none of a's.
#  5. A reload after a rebuild that moved the locks: d, then d rebuilt (every site a line down,
#     its pairs taken the other way round): the rebuilt module gets 64 classes of its own, none
#     left of the first build, and no lockdep report (the first build's dependencies went with it).
#  Then kmemleak (booted with kmemleak=on) finds nothing unreferenced.
. /guest-lib.sh
CYCLES=100
[ -r /cycles.conf ] && . /cycles.conf
# A class line starts with its key's address and ends with its name (lockdep adds "#N" to the
# Nth class of one name); its dependencies follow on lines of their own (" -> [...] name").
ours() { grep -cE "${LOCKDEP_CLASS_LINE}.*$1\.rs:[0-9]+:[0-9]+(#[0-9]+)?\$" /proc/lockdep || true; }
overflow() { grep -cE "${LOCKDEP_CLASS_LINE}.* rust_lock_class_overflow(#[0-9]+)?\$" /proc/lockdep || true; }
# first_line MODULE: the lowest source line among the module's classes ("file:line").
first_line() { grep -E "$LOCKDEP_CLASS_LINE" /proc/lockdep | grep -oE "$1\.rs:[0-9]+" | sort -t: -k2,2n | head -n1; }
totals() { echo "$(lockdep_value lock-classes) $(lockdep_value 'direct dependencies') $(lockdep_value 'dependency chains')"; }
# load_addr MODULE: where it was loaded (/proc/modules), while it is loaded; one module built
# again from the same source lays its `Location`s out the same way from there.
load_addr() { awk -v m="$1" '$1 == m { print $6 }' /proc/modules; }
cycle() { # MODULE EXPECTED_CLASSES
  insmod "/$1.ko" || fail "insmod $1"
  load_addr "$1" >>"/tmp/load_addr.$1"
  n=$(ours "$1")
  [ "$n" = "$2" ] || fail "$1: $n classes named after its sites while loaded, expected $2"
  rmmod "$1" || fail "rmmod $1"
  left=$(ours "$1")
  [ "$left" = 0 ] || fail "$1: $left classes left after rmmod"
  cat /proc/lockdep >/dev/null || fail "/proc/lockdep unreadable after rmmod $1"
}
check_debug_locks
cycle rust_lock_sites_a 64
base=$(totals)
names() { sed -En "s/${LOCKDEP_CLASS_LINE}.*: //p" /proc/lockdep | sort; }
names >/tmp/classes.base
say "after the first cycle: lock-classes, direct dependencies, dependency chains: $base"
i=1
while [ $i -lt "$CYCLES" ]; do
  cycle rust_lock_sites_a 64
  i=$((i + 1))
  [ $((i % 10)) != 0 ] || say "after cycle $i: $(totals)"
  [ $i != $((CYCLES / 2)) ] || mid=$(totals)
  [ $i != $((CYCLES * 3 / 4)) ] || q3=$(totals)
done
left=$(grep -c 'rust_lock_sites_a\.rs' /proc/lockdep || true)
[ "$left" = 0 ] || fail "$left lines of /proc/lockdep (classes or dependencies) still name rust_lock_sites_a"
left=$(grep -c 'rust_lock_sites_a\.rs' /proc/lockdep_chains || true)
[ "$left" = 0 ] || fail "$left lines of /proc/lockdep_chains still name rust_lock_sites_a"
now=$(totals)
say "after $CYCLES cycles: lock-classes, direct dependencies, dependency chains: $now"
# What else the kernel does meanwhile makes classes and dependencies of its own, early in the
# run and in steps (the new classes are named here): up to 6 on UML and 22 chains under QEMU
# with 2 CPUs over the second half of 100 cycles, and once 40 direct dependencies on UML in one
# step (random's reseed work, the driver core). A leak grows with the cycles, in every stretch
# of them: one class, dependency or chain per cycle adds $CYCLES / 4 in each quarter. So a
# count leaks when it grew by four fifths of that in both the third and the fourth quarter.
names >/tmp/classes.now
grep -vxFf /tmp/classes.base /tmp/classes.now | sed 's/^/lockclass-guest: new class (not the module'"'"'s): /'
min=$(( CYCLES / 5 ))
set -- $mid; m1=$1 m2=$2 m3=$3
set -- $q3; q1=$1 q2=$2 q3c=$3
set -- $now
leaks() { [ $(( $2 - $1 )) -ge "$min" ] && [ $(( $3 - $2 )) -ge "$min" ]; }
! leaks "$m1" "$q1" "$1" && ! leaks "$m2" "$q2" "$2" && ! leaks "$m3" "$q3c" "$3" \
  || fail "lockdep grew with the cycles in both quarters of their second half ($mid -> $q3 -> $now, $min or more each): a leak"
say "ok: $CYCLES cycles of 64 sites: 64 classes while loaded, none after each unload and no line of /proc/lockdep naming the module; lockdep $base after the first, $mid half-way, $q3 at three quarters, $now after the last (not growing with the cycles)"
# The kernel's address cache (patch 0006) keys by a `Location`'s address: a reload at the
# same address finds a stale entry unless the loader purged it, and a stale entry names the
# class after the new pool's unwritten slot, which `ours` then does not count.
same=$(sort /tmp/load_addr.rust_lock_sites_a | uniq -c | sort -rn | awk 'NR == 1 { print $1 " at " $2 }')
say "rust_lock_sites_a loaded $same, of $CYCLES loads"
insmod /rust_lock_sites_b.ko || fail "insmod rust_lock_sites_b"
at=$(load_addr rust_lock_sites_b); was=$(tail -n1 /tmp/load_addr.rust_lock_sites_a)
[ "$at" = "$was" ] || fail "rust_lock_sites_b loaded at $at, not where a was ($was): address reuse not tested"
say "rust_lock_sites_b loaded at $at, where a was"
n=$(ours rust_lock_sites_b); a=$(ours rust_lock_sites_a)
[ "$n" = 64 ] && [ "$a" = 0 ] || fail "rust_lock_sites_b where a was: $n classes of its own, $a of a's"
rmmod rust_lock_sites_b || fail "rmmod rust_lock_sites_b"
say "ok: a module loaded where another was gets its own 64 classes, none of the other's"
insmod /rust_lock_sites_c.ko || fail "insmod rust_lock_sites_c"
n=$(ours rust_lock_sites_c); o=$(overflow)
[ "$n" = 64 ] && [ "$o" = 6 ] || fail "rust_lock_sites_c (70 sites): $n pool classes, $o overflow classes; expected 64 and 6"
rmmod rust_lock_sites_c || fail "rmmod rust_lock_sites_c"
o=$(overflow)
[ "$o" = 0 ] || fail "$o overflow classes left after rmmod rust_lock_sites_c"
say "ok: 70 sites: 64 from the pool, 6 overflow classes, none left after unload"
insmod /rust_lock_sites_a.ko || fail "insmod rust_lock_sites_a"
insmod /rust_lock_sites_b.ko || fail "insmod rust_lock_sites_b"
rmmod rust_lock_sites_a || fail "rmmod rust_lock_sites_a"
n=$(ours rust_lock_sites_b); a=$(ours rust_lock_sites_a)
[ "$n" = 64 ] && [ "$a" = 0 ] || fail "rmmod a while b stays: b has $n classes (expected 64), a $a left"
rmmod rust_lock_sites_b || fail "rmmod rust_lock_sites_b"
[ "$(ours rust_lock_sites_b)" = 0 ] || fail "rust_lock_sites_b: classes left after rmmod"
say "ok: one module unloaded while another stays: the other keeps its 64 classes"
insmod /rust_lock_sites_d.ko || fail "insmod rust_lock_sites_d"
first=$(first_line rust_lock_sites_d)
rmmod rust_lock_sites_d || fail "rmmod rust_lock_sites_d"
insmod /rust_lock_sites_d_rebuilt.ko || fail "insmod rust_lock_sites_d (rebuilt)"
n=$(ours rust_lock_sites_d)
moved=$(first_line rust_lock_sites_d)
[ "$n" = 64 ] || fail "rust_lock_sites_d rebuilt: $n classes, expected 64"
[ -n "$first" ] && [ "$first" != "$moved" ] || fail "rust_lock_sites_d rebuilt: first class $moved, the first build's was $first: the sites did not move"
rmmod rust_lock_sites_d || fail "rmmod rust_lock_sites_d (rebuilt)"
check_debug_locks
say "ok: a rebuild that moved the locks (first site $first, then $moved) and took them the other way round: 64 classes of its own, no report"
# Booted with kmemleak=on: every module's allocations went with it (leaks print the kernel's
# "new suspected memory leaks" line, which check-log.sh fails).
kmemleak_scan || fail "kmemleak could not scan"
check_debug_locks
