/* SPDX-License-Identifier: MIT
 * rng_cpu_bench [WORDS] - the cost of the CPU's RNG as the rng plugin reads
 * it (plugins/rng_cpu.c: rng_cpu_fill, with its retries): ns per 64-bit
 * word and MB/s of RDRAND and RDSEED, and their failures (carry clear), on
 * WORDS words (default 1000000) each, best of 3 runs (CLOCK_MONOTONIC).
 *   make bench-rng-cpu   (from the build directory)
 */
#include "plugins/rng_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void bench(rng_cpu_insn_t insn, size_t words) {
  const char *why = "";
  rng_cpu_step_fn step = rng_cpu_detect(insn, &why);
  if (step == NULL) {
    printf("%s: %s\n", rng_cpu_name(insn), why);
    return;
  }
  rng_cpu_t cpu;
  rng_cpu_init(&cpu, insn, step);
  uint8_t *buf = malloc(words * 8);
  if (buf == NULL)
    return;
  double best = -1;
  uint64_t failures = 0;
  size_t got = 0;
  for (int run = 0; run < 3; run++) {
    double t0 = now_s();
    got = rng_cpu_fill(&cpu, buf, words * 8, &failures);
    double t = now_s() - t0;
    if (best < 0 || t < best)
      best = t;
  }
  printf("%s: %.1f ns per 64-bit word, %.1f MB/s; %zu of %zu bytes in the "
         "last run; %" PRIu64 " failures (carry clear) in 3 runs\n",
         rng_cpu_name(insn), best * 1e9 / (double)words,
         (double)words * 8 / best / 1e6, got, words * 8, failures);
  free(buf);
}

int main(int argc, char **argv) {
  size_t words = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
  if (words == 0)
    words = 1;
  bench(RNG_CPU_RDRAND, words);
  bench(RNG_CPU_RDSEED, words);
  return 0;
}
