# Guest script: one name per key. The `location` strategy and the tables' allocation-failure
# fallback both use a site's `Location` as a static key; lockdep keeps the first name a key is
# initialised with, so both paths must pass the same name, and it must say the site
# (file:line:column). Provoke both on the same sites, then read /proc/lockdep.
. /guest-lib.sh

site_re='call_sites\.rs:[0-9]+:[0-9]+'
dmesg -c >/dev/null
load strategy=mutex,location mode=acquire sites=16 fail_alloc_every=3 loops=100 runs=2
dmesg | grep -q "stats strategy=mutex .*fallbacks=[1-9]" || fail "the mutex table took no fallback"
[ -r /proc/lockdep ] || fail "no /proc/lockdep"
# No class of the module may carry one of the old generic names.
if grep -E 'location_lock_class|fallback_lock_class' /proc/lockdep; then
  fail "a class still has a generic name (above)"
fi
# Every site's classes are named after the site: the table's records, and the Location keys
# shared by the fallback and `location` (lockdep suffixes a repeated name with #N).
named=$(grep -oE "$site_re(#[0-9]+)?\$" /proc/lockdep | sort)
echo "$named" | sed 's/^/lockclass-guest: class /'
distinct=$(echo "$named" | sed 's/#.*//' | sort -u | grep -c . || true)
[ "$distinct" = 16 ] || fail "$distinct distinct site names in /proc/lockdep, expected 16"
# Each site name belongs to at most two classes: its table record's key and its Location key.
over=$(echo "$named" | sed 's/#.*//' | uniq -c | awk '$1 > 2')
[ -z "$over" ] || fail "a site name names more than two classes: $over"
# Lockdep compares name pointers when it finds a key's class: a different name for the same
# key would print this warning.
dmesg | grep -q "Looking for class" && fail "lockdep saw one key under two names"
unload
dmesg | grep -q "exit live_allocs=0 leaked=0" || fail "allocations left behind"
check_debug_locks
say "class-names: the fallback and location classes of 16 sites carry the sites' names"
