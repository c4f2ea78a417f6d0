// SPDX-License-Identifier: GPL-2.0
/*
 * memprobe KIB...: the host's memory-system latency, as a quietness check for real-CPU runs.
 * memprobe --stream KIB SECONDS: writes over a KIB KiB buffer for SECONDS, line after line (the
 * memory traffic that the check must see, for its test).
 *
 * For each size, a dependent pointer chase over a random cycle of cache lines in a KIB KiB
 * buffer; prints "KIB ns_per_load" per size (the best of 7 passes). A buffer past the private
 * caches but within the shared last-level cache reads the latency other tenants' traffic
 * raises first, if they share it (what slowed lockdep's table walks in an earlier run while the
 * CPU-time checks saw nothing); one past the last-level cache reads memory's, which any
 * tenant's memory traffic raises.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LINE 64
#define LOADS (1 << 19)

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static double chase(size_t kib)
{
	size_t n = kib * 1024 / LINE, i;
	char *buf = aligned_alloc(4096, n * LINE);
	size_t *order = malloc(n * sizeof(*order));
	double best = 1e300;
	void **p;
	int pass;

	if (!buf || !order) {
		fprintf(stderr, "memprobe: cannot allocate %zu KiB\n", kib);
		exit(1);
	}
	/* Sattolo's shuffle: one cycle through every line, in random order. */
	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n - 1; i > 0; i--) {
		size_t j = next() % i, t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < n; i++)
		*(void **)(buf + order[i] * LINE) = buf + order[(i + 1) % n] * LINE;
	p = (void **)buf;
	for (pass = 0; pass < 8; pass++) {
		double t0 = now_ns(), dt;
		long k;

		for (k = 0; k < LOADS; k++)
			p = *p;
		dt = (now_ns() - t0) / LOADS;
		/* The first pass only warms the caches and the TLB. */
		if (pass > 0 && dt < best)
			best = dt;
	}
	/* Keeps the chase: its end is printed nowhere but must not be optimised out. */
	if (p == NULL)
		fprintf(stderr, "memprobe: impossible\n");
	free(order);
	free(buf);
	return best;
}

static int stream(long kib, double seconds)
{
	size_t n = kib * 1024, i;
	volatile char *buf = malloc(n);
	double end = now_ns() + seconds * 1e9;

	if (!buf) {
		fprintf(stderr, "memprobe: cannot allocate %ld KiB\n", kib);
		return 1;
	}
	while (now_ns() < end)
		for (i = 0; i < n; i += LINE)
			buf[i]++;
	free((void *)buf);
	return 0;
}

int main(int argc, char **argv)
{
	int i;

	if (argc == 4 && !strcmp(argv[1], "--stream"))
		return stream(strtol(argv[2], NULL, 10), strtod(argv[3], NULL));

	if (argc < 2) {
		fprintf(stderr, "usage: memprobe KIB...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		long kib = strtol(argv[i], NULL, 10);

		if (kib < 4) {
			fprintf(stderr, "memprobe: size '%s' KiB: at least 4\n", argv[i]);
			return 2;
		}
		printf("%ld %.2f\n", kib, chase(kib));
	}
	return 0;
}
