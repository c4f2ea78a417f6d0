# Guest script: one lockdep precision cell (scenario x strategy). Lockdep reports once per
# boot and then switches itself off, so every cell gets a fresh boot; scripts/precision.sh
# passes the cell on the kernel command line (unknown KEY=VALUE words reach /init's
# environment): precision_scenario=NAME precision_strategy=NAME[+leak_keys].
# The verdict (what lockdep reported) is read from the log on the host, not here.
. /guest-lib.sh

sc=${precision_scenario:?no precision_scenario= on the kernel command line}
st=${precision_strategy:?no precision_strategy= on the kernel command line}
extra=''
case $st in *+leak_keys) st=${st%+leak_keys}; extra=leak_keys=1 ;; esac
say "precision cell scenario=$sc strategy=$st $extra"
check_debug_locks   # a fresh boot: nothing may have switched lockdep off yet
lockdep_stats lock-classes

# $extra is empty or one word: left unquoted on purpose.
# shellcheck disable=SC2086
case $sc in
  reload)
    # The peer (a module taking its classes from this one) is reloaded; this one stays.
    load scenario=reload-peer strategy="$st" $extra
    for load in 1 2; do
      say "insmod /lockclass_precision_peer.ko ($load)"
      insmod /lockclass_precision_peer.ko || fail "insmod of the peer module failed"
      rmmod lockclass_precision_peer || fail "rmmod of the peer module failed"
    done
    unload ;;
  reload-with-table)
    load scenario=reload-before strategy="$st" $extra
    unload
    load scenario=reload-after strategy="$st" $extra
    unload ;;
  two-locations|generic|generic-inline)
    load scenario="$sc" strategy="$st" $extra
    say "insmod /lockclass_precision_peer.ko"
    insmod /lockclass_precision_peer.ko || fail "insmod of the peer module failed"
    rmmod lockclass_precision_peer || fail "rmmod of the peer module failed"
    unload ;;
  class-limit)
    # Per-object keys are given back one RCU grace period each: minutes on a preemptible SMP
    # kernel, so the cell allows as long as the host's watchdog does.
    load scenario=class-limit strategy="$st" past_class_limit=1 max_seconds=900 $extra
    unload ;;
  *)
    load scenario="$sc" strategy="$st" $extra
    unload ;;
esac
lockdep_stats lock-classes debug_locks
say "precision cell done"
