#!/usr/bin/env bash
# build-module.sh [FLAVOUR]: builds the module against the cached kernel of FLAVOUR (building
# that kernel first if needed). Prints the path of the .ko on stdout.
. "$(dirname "$0")/common.sh"

flavour=${1:-lockdep}
kdir=$("$REPO/scripts/build-kernel.sh" "$flavour" | tail -n1)
out=$CACHE/module/$flavour
read -r -a arch_args <<<"$(flavour_make_args "$flavour")"
krustflags=$(flavour_module_rustflags "$flavour")
step "building module against $flavour kernel"
# Build in a copy so the flavours' objects never mix in the work tree.
rm -rf "$out"; mkdir -p "$out"
cp -r "$REPO/Kbuild" "$REPO/module" "$REPO/lockclass-core" "$out/"
find "$out" \( -name '*.o' -o -name '.*.cmd' -o -name '*.ko' \) -delete
make -s -C "$kdir" M="$out" "${KMAKE_ARGS[@]}" "${arch_args[@]}" ${krustflags:+"KRUSTFLAGS=$krustflags"} modules >&2 \
  || die "module build failed"
echo "$out/lockclass_bench.ko"
