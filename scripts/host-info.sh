#!/usr/bin/env bash
# host-info.sh [--header] [--pretty]: what identifies this host beyond its (often masked)
# model name, as one CSV fragment for runs.csv:
#   host_vendor,host_family,host_model,host_stepping,host_avx512f,host_amx_tile,host_xsave_bytes,hypervisor,host_kernel
# host_xsave_bytes is CPUID leaf 0xD's size for the features the host kernel enabled (XCR0):
# the area a ptrace'd process's FP state fills, which User-Mode Linux must hold.
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"

header=0 pretty=0
for a in "$@"; do
  case $a in --header) header=1 ;; --pretty) pretty=1 ;; *) die "host-info: unknown argument '$a'" ;; esac
done
fields=host_vendor,host_family,host_model,host_stepping,host_avx512f,host_amx_tile,host_xsave_bytes,hypervisor,host_kernel
[ $header = 0 ] || { echo "$fields"; exit 0; }

cpuinfo() { sed -n "s/^$1[[:space:]]*: //p" /proc/cpuinfo | head -n1; }
flag() { if grep -qw "$1" <(cpuinfo flags); then echo yes; else echo no; fi; }

# CPUID is not readable from the shell: a tiny C program, built once into the cache.
xsave=$CACHE/tools/xsave-size
if [ ! -x "$xsave" ]; then
  mkdir -p "$CACHE/tools"
  printf '%s\n' '#include <cpuid.h>' '#include <stdio.h>' \
    'int main(void) { unsigned a, b, c, d;' \
    '  if (!__get_cpuid_count(0xd, 0, &a, &b, &c, &d)) return 1;' \
    '  printf("%u\n", b); return 0; }' >"$CACHE/tools/xsave-size.c"
  cc -O2 -o "$xsave" "$CACHE/tools/xsave-size.c" 2>/dev/null || xsave=false
fi
xbytes=$("$xsave" 2>/dev/null || echo unknown)

# The virtual machine's hypervisor, and a container around this process if there is one.
hyp=none
if command -v systemd-detect-virt >/dev/null; then
  hyp=$(systemd-detect-virt --vm 2>/dev/null || true); hyp=${hyp:-none}
  c=$(systemd-detect-virt --container 2>/dev/null || true)
  [ -z "$c" ] || [ "$c" = none ] || hyp="$hyp+$c"
elif [ "$(flag hypervisor)" = yes ]; then hyp=unknown
fi

vals=("$(cpuinfo vendor_id)" "$(cpuinfo 'cpu family')" "$(cpuinfo model)" "$(cpuinfo stepping)" "$(flag avx512f)" "$(flag amx_tile)" \
      "$xbytes" "$hyp" "$(uname -r)")
if [ $pretty = 1 ]; then
  echo "${vals[0]} family ${vals[1]} model ${vals[2]} stepping ${vals[3]}, avx512f ${vals[4]}, amx_tile ${vals[5]}, XSAVE ${vals[6]} bytes, hypervisor ${vals[7]}, kernel ${vals[8]}"
else
  (IFS=,; echo "${vals[*]//,/ }")
fi
