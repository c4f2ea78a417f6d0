#!/usr/bin/env bash
# build-kernel.sh FLAVOUR: builds (or finds cached) a minimal Rust-enabled kernel: `lockdep` or
# `plain` (x86_64, booted by QEMU) or `uml` (User-Mode Linux, run as a host process).
# Prints the build directory on stdout. Cache key: kernel version, config fragments, the patches
# in kernel/patches/ and kernel/patches/test/ (applied to the source first), rustc, bindgen.
. "$(dirname "$0")/common.sh"

flavour=${1:-lockdep}
read -r -a frags <<<"$(flavour_frags "$flavour")"
for f in "${frags[@]}"; do
  [ -f "$f" ] || die "unknown kernel flavour '$flavour' (valid: $(cd "$REPO/kernel/config" && ls ./*.config | grep -v base | sed 's/.config//;s|./||' | tr '\n' ' '))"
done
read -r -a arch_args <<<"$(flavour_make_args "$flavour")"
kmake=("${KMAKE_ARGS[@]}" "${arch_args[@]}")
if [ "$(flavour_arch "$flavour")" = um ]; then targets=(linux modules); image=linux
else targets=(bzImage modules); image=arch/x86/boot/bzImage; fi

kver=$(dpkg-query -W -f='${Version}' linux-source-$KERNEL_SERIES)
# kernel/patches/*.patch (the series), then kernel/patches/test/*.patch (test scaffolding, not
# for merging), in order, are applied to the source before every build: they are part of the
# source's and every kernel's cache key, so a changed series rebuilds once.
# A `-noseries` flavour is the tree a user without the series has: 0001 (the um boot fix) alone.
shopt -s nullglob
series=("$REPO"/kernel/patches/*.patch "$REPO"/kernel/patches/test/*.patch)
bare=("$REPO"/kernel/patches/0001-*.patch)
shopt -u nullglob
case $flavour in *-noseries) patches=(${bare[@]+"${bare[@]}"}) ;; *) patches=(${series[@]+"${series[@]}"}) ;; esac
pkey_of() { cat /dev/null "$@" | sha256sum | cut -c1-8; }
pkey=$(pkey_of ${patches[@]+"${patches[@]}"})
key=$( { echo "$kver"; cat "${frags[@]}" ${patches[@]+"${patches[@]}"}; "$KRUSTC" --version; "$BINDGEN" --version; } | sha256sum | cut -c1-12)
out=$CACHE/kernel/$flavour-k$key
mkdir -p "$CACHE/kernel"
# Two runs may build the same flavour at once (bench and tests): one builds, the other waits.
exec 8>"$CACHE/kernel/.$flavour.lock"
flock 8
if [ -f "$out/.lockclass-done" ]; then
  step "kernel ($flavour) cached at $out"
  echo "$out"; exit 0
fi

src=$CACHE/src/linux-$kver-p$pkey
exec 9>"$CACHE/.unpack.lock"
flock 9
if [ ! -f "$src/.lockclass-unpacked" ]; then
  step "unpacking kernel source $kver and applying ${#patches[@]} patch(es) from kernel/patches/"
  rm -rf "$src"; mkdir -p "$src"
  tar -xf "$KERNEL_TARBALL" -C "$src" --strip-components=1
  for p in ${patches[@]+"${patches[@]}"}; do
    patch -d "$src" -p1 --batch --forward --quiet <"$p" || die "kernel patch $(basename "$p") does not apply to linux-source $kver"
  done
  touch "$src/.lockclass-unpacked"
  # Sources with another patch series are stale (the two kept: with the series, and without).
  find "$CACHE/src" -mindepth 1 -maxdepth 1 -name "linux-$kver-p*" \
    ! -name "linux-$kver-p$(pkey_of ${series[@]+"${series[@]}"})" \
    ! -name "linux-$kver-p$(pkey_of ${bare[@]+"${bare[@]}"})" -exec rm -rf {} +
fi
flock -u 9

step "configuring kernel ($flavour) in $out"
rm -rf "$out"; mkdir -p "$out"
make -s -C "$src" O="$out" "${kmake[@]}" tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "${frags[@]}" >/dev/null
make -s -C "$src" O="$out" "${kmake[@]}" olddefconfig >/dev/null

# Kconfig silently drops what a dependency forbids: check every wanted option really stuck.
bad=0
while IFS= read -r line; do
  case "$line" in
    CONFIG_*=*) grep -qx "$line" "$out/.config" || { echo "config: wanted $line, got: $(grep "^${line%%=*}=\|^# ${line%%=*} is not set" "$out/.config" || echo unset)" >&2; bad=1; } ;;
    "# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *}; grep -q "^$opt=" "$out/.config" && { echo "config: wanted $opt off, got $(grep "^$opt=" "$out/.config")" >&2; bad=1; } ;;
  esac
done < <(cat "${frags[@]}" | awk '{ o = $0; sub(/^# /, "", o); sub(/[= ].*/, "", o) }
                                   /^CONFIG_|^# CONFIG_/ { if (!(o in v)) k[++n] = o; v[o] = $0 }
                                   END { for (i = 1; i <= n; i++) print v[k[i]] }')   # a later fragment overrides
[ $bad = 0 ] || die "kernel config ($flavour) lost options above; check their dependencies"

step "building kernel ($flavour) with $(nproc) jobs (3 to 10 minutes on 2 cores)"
start=$(date +%s)
make -s -C "$src" O="$out" "${kmake[@]}" -j"$(nproc)" "${targets[@]}" >"$out/build.log" 2>&1 \
  || { tail -40 "$out/build.log" >&2; die "kernel build failed (log: $out/build.log)"; }
[ -f "$out/$image" ] || die "kernel build left no $image in $out"
step "kernel ($flavour) built in $(( $(date +%s) - start )) s"
touch "$out/.lockclass-done"
# Older builds of this flavour (other config, compiler or source) are stale: drop them.
find "$CACHE/kernel" -mindepth 1 -maxdepth 1 -name "$flavour-k????????????" ! -name "$(basename "$out")" -exec rm -rf {} +
echo "$out"
