#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian 12 machine; skips what is there.
. "$(dirname "$0")/common.sh"

PACKAGES=(
  linux-source-6.12 rustc-web rust-web-src          # kernel source + a rustc that has core's source
  clang lld llvm libclang-dev                        # LLVM=1 build, bindgen's libclang
  make gcc patch bc flex bison libelf-dev libssl-dev cpio dwarves kmod xz-utils
  qemu-system-x86 busybox-static                     # the guest
  fonts-dejavu-core                                  # text in the PNG plots
  valgrind                                           # host export: instructions per lookup
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if ! "$BINDGEN" --version 2>/dev/null | grep -q '^bindgen 0\.71'; then
  step "installing bindgen-cli $BINDGEN_VERSION into $CACHE/tools (about a minute)"
  cargo install --quiet --locked bindgen-cli --version "$BINDGEN_VERSION" --root "$CACHE/tools"
fi
step "toolchain ready: $("$KRUSTC" --version), $("$BINDGEN" --version)"
