#!/bin/sh
# /init of the guest initramfs (busybox sh); scripts/run-guest.sh packs it with /guest.sh,
# /guest-lib.sh and the module. It runs /guest.sh once, prints the markers run-guest.sh looks
# for, and ends the VM. Not `set -e` here: init must always reach the end marker and reboot,
# or the kernel panics ("Attempted to kill init") and the run looks like a crash.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
# Kernel command-line words KEY=VALUE that the kernel does not know reach init as
# environment variables: run-guest.sh --trace adds lockclass_trace=1.
trace=${lockclass_trace:-0}

# The initramfs has /dev/console (so this script has a console before devtmpfs is mounted);
# devtmpfs is not mounted automatically when the root is an initramfs.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug || echo "lockclass-guest: no debugfs in this kernel"

echo "lockclass-guest: begin"
echo "lockclass-guest: kernel=$(uname -r) cpus=$(nproc) mem_kb=$(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo)"

# -e: the first failing command ends the guest script with its status, which then shows in
# the end marker (the helpers in guest-lib.sh print each command before running it).
if [ "$trace" = 1 ]; then flags=-ex; else flags=-e; fi
cd /
sh "$flags" /guest.sh
rc=$?

echo "lockclass-guest: uptime=$(cut -d' ' -f1 /proc/uptime)"
echo "lockclass-guest: end rc=$rc"
# With QEMU's -no-reboot a reboot ends QEMU; `poweroff -f` would need ACPI power-off. User-Mode
# Linux (run-guest.sh passes lockclass_poweroff=1) restarts itself on reboot but exits on poweroff.
if [ "${lockclass_poweroff:-0}" = 1 ]; then poweroff -f; else reboot -f; fi
# Not reached unless the reboot syscall failed; keep init alive so the watchdog reports it.
echo "lockclass-guest: reboot/poweroff failed"
while :; do sleep 3600; done
