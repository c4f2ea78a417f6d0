# SPDX-License-Identifier: GPL-2.0
# Builds module/ against a Rust-enabled kernel tree, the usual out-of-tree way:
#   make KDIR=/path/to/kernel/build LLVM=1
KDIR ?= /lib/modules/$(shell uname -r)/build

all modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

.PHONY: all modules clean
