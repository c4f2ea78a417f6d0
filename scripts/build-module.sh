#!/usr/bin/env bash
# build-module.sh [FLAVOUR]: builds the module (and the precision peer module) against the
# cached kernel of FLAVOUR (building that kernel first if needed). Prints the path of the .ko
# on stdout; lockclass_precision_peer.ko is beside it.
. "$(dirname "$0")/common.sh"

flavour=${1:-lockdep}
kdir=$("$REPO/scripts/build-kernel.sh" "$flavour" | tail -n1)
read -r -a arch_args <<<"$(flavour_make_args "$flavour")"
krustflags=$(flavour_module_rustflags "$flavour")
step "building module against $flavour kernel"
# Each build gets a directory of its own (a copy of the sources, so the flavours' objects never
# mix in the work tree), and $CACHE/module/FLAVOUR is switched to it by an atomic rename: a
# build never deletes a module that another run (tests, bench) is about to boot.
mkdir -p "$CACHE/module"
out=$(mktemp -d "$CACHE/module/$flavour.XXXXXX")
cp -r "$REPO/Kbuild" "$REPO/module" "$REPO/lockclass-core" "$out/"
find "$out" \( -name '*.o' -o -name '.*.cmd' -o -name '*.ko' \) -delete
make -s -C "$kdir" M="$out" "${KMAKE_ARGS[@]}" "${arch_args[@]}" ${krustflags:+"KRUSTFLAGS=$krustflags"} modules >&2 \
  || die "module build failed (in $out)"
link=$CACHE/module/$flavour
[ ! -d "$link" ] || [ -L "$link" ] || rm -rf "$link"   # the layout before per-build directories
ln -s "$(basename "$out")" "$link.new.$$"
mv -T "$link.new.$$" "$link"
# Builds of this flavour older than two hours are no longer in use (a bench run takes less).
find "$CACHE/module" -mindepth 1 -maxdepth 1 -type d -name "$flavour.??????" -mmin +120 ! -path "$out" -exec rm -rf {} +
echo "$out/lockclass_bench.ko"
