#!/usr/bin/env bash
# samples/rust_lock_classes/check.sh [FLAVOUR]: builds the sample of the lock-class series in
# kernel/patches/ against the kernel of FLAVOUR (built first if needed), prints its section
# sizes, and on a kernel with lockdep (`uml`; `lockdep` under QEMU) boots it with guest.sh
# (classes in /proc/lockdep while loaded, none after rmmod, no kernel report), then runs the
# lifecycle test (lifecycle-guest.sh: CYCLES, default 100, load/unload cycles of a generated
# 64-site module, address reuse, pool exhaustion, one module unloaded while another stays, a
# reload after a rebuild that moved the locks).
# Honours LOCKCLASS_CACHE like the other scripts.
. "$(dirname "$0")/../../scripts/common.sh"

flavour=${1:-uml}
here=$REPO/samples/rust_lock_classes
kdir=$("$REPO/scripts/build-kernel.sh" "$flavour" | tail -n1)
read -r -a arch_args <<<"$(flavour_make_args "$flavour")"
krustflags=$(flavour_module_rustflags "$flavour")
out=$CACHE/sample/$flavour
rm -rf "$out"; mkdir -p "$out"
cp "$here/Kbuild" "$here/rust_lock_classes.rs" "$out/"
# The lifecycle test's modules: three of 64 sites (a pool's size), one of 70 (6 past it), and
# d rebuilt with its sites moved (its own build directory: one module name per directory).
adds=()
mkdir -p "$out/rebuilt"
for m in a:64 b:64 c:70 d:64; do
  name=rust_lock_sites_${m%%:*}
  "$here/gen-sites.sh" "$name" "${m#*:}" >"$out/$name.rs"
  echo "obj-m += $name.o" >>"$out/Kbuild"
  adds+=(--add "$out/$name.ko")
done
"$here/gen-sites.sh" rust_lock_sites_d 64 1 >"$out/rebuilt/rust_lock_sites_d.rs"
echo "obj-m += rust_lock_sites_d.o" >"$out/rebuilt/Kbuild"
step "building the rust_lock_classes sample and the lifecycle modules against the $flavour kernel"
for dir in "$out" "$out/rebuilt"; do
  make -s -C "$kdir" M="$dir" "${KMAKE_ARGS[@]}" "${arch_args[@]}" ${krustflags:+"KRUSTFLAGS=$krustflags"} modules >&2 \
    || die "sample build failed (in $dir)"
done
cp "$out/rebuilt/rust_lock_sites_d.ko" "$out/rust_lock_sites_d_rebuilt.ko"
adds+=(--add "$out/rust_lock_sites_d_rebuilt.ko")
size -A "$out/rust_lock_classes.ko" | awk -v f="$flavour" '$1 ~ /^\.(text|data|rodata|bss|rust_lock_class_pool)/ { print "sample " f ": " $1 " " $2 }'
size "$out/rust_lock_classes.ko" | tail -n1 | awk -v f="$flavour" '{ print "sample " f ": text " $1 " data " $2 " bss " $3 }'
# The guest checks need lockdep (the `plain` kernel has none: sizes only). QEMU kernels boot
# emulated (TCG): slower, the same checks.
grep -q '^CONFIG_LOCKDEP=y' "$kdir/.config" || exit 0
"$REPO/scripts/run-guest.sh" --kernel "$kdir" --add "$out/rust_lock_classes.ko" --script "$here/guest.sh" \
  --log "$out/guest.log" --timeout 300
grep -E 'lockclass-guest|rust_lock_classes:' "$out/guest.log" | grep -v '^dmesg:'
echo "CYCLES=${CYCLES:-100}" >"$out/cycles.conf"
"$REPO/scripts/run-guest.sh" --kernel "$kdir" "${adds[@]}" --add "$out/cycles.conf" \
  --script "$here/lifecycle-guest.sh" --log "$out/lifecycle.log" --timeout 1200 --cmdline kmemleak=on --mem 1024
grep -E 'lockclass-guest: (ok|after|FAIL|rust_lock_sites)' "$out/lifecycle.log"
