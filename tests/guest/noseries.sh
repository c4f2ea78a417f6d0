# Guest script: the module on a kernel built without the lock-class series (flavour
# uml-noseries: kernel/patches/0001 alone, as a user's own 6.12 kernel). It builds and runs
# there, its load log and offers line say the kernel has no lock-class API, `tracked` is not
# among its strategies, and what needs the series is refused with a reason.
. /guest-lib.sh

dmesg -c >/dev/null
load strategy=all mode=lookup,init loops=100 runs=1 warmup=0 sites=16
unload
dmesg | grep -q 'offers strategies=.* kernel_lock_class_api=no' \
  || fail "the load log does not say that this kernel has no lock-class API"
offers=$(dmesg | sed -n 's/.* offers strategies=\([^ ]*\).*/\1/p' | head -n1)
case ",$offers," in *,tracked,*) fail "tracked offered on a kernel without the series: $offers" ;; esac
dmesg | grep -q 'lockclass_bench: done results=' || fail "the benchmark did not finish"

dmesg -c >/dev/null
expect_einval strategy=tracked mode=lookup
dmesg | grep -q 'error param=strategy value=tracked valid=' || fail "strategy=tracked refused without naming the valid ones"
expect_einval scenario=generic strategy=macro
dmesg | grep -q 'error param=scenario value=generic valid=' || fail "scenario=generic refused without naming the valid ones"
say "noseries: the module runs without the series: strategies $offers, no tracked, no generic scenarios"
