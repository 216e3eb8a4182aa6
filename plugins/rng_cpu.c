/* SPDX-License-Identifier: MIT
 * rng plugin - the CPU's random number instructions as a Source:
 * RDRAND (the output of the on-chip DRBG) and RDSEED (the conditioned
 * entropy source behind it), x86-64 only, found with cpuid: leaf 1 ECX bit
 * 30 = RDRAND, leaf 7 (subleaf 0) EBX bit 18 = RDSEED.
 *
 * An execution returns a 64-bit word with the carry flag set, or carry clear
 * (and no data) when the hardware has none ready.  Retries, after Intel's
 * "Digital Random Number Generator (DRNG) Software Implementation Guide"
 * (sections on RDRAND and RDSEED retries): RDRAND fails only under extreme load or when broken, so up
 * to 10 retries, then the word is given up (a failure to report); RDSEED
 * fails transiently whenever its entropy source is drained, so it is retried
 * with a PAUSE in between, here up to RNG_CPU_RDSEED_RETRIES times.  Every
 * execution with carry clear is counted.  The bound on one word: 11
 * executions of RDRAND, or 101 of RDSEED and 100 PAUSEs (a few us).
 *
 * The instructions come from the compiler's intrinsics in functions built
 * with __attribute__((target)): no -mrdrnd/-mrdseed for the whole build, and
 * they are only called after cpuid said they exist.
 * Linked into plugins/rng.la and bench/rng_cpu_bench (declarations in
 * plugins/rng_int.h); no collectd, no I/O.
 */
#include "plugins/rng_int.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define RNG_CPU_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

const char *rng_cpu_name(rng_cpu_insn_t insn) {
  return insn == RNG_CPU_RDSEED ? "RDSEED" : "RDRAND";
}

#ifdef RNG_CPU_X86
__attribute__((target("rdrnd"))) static int
rng_cpu_rdrand(unsigned long long *word) {
  return _rdrand64_step(word);
}

__attribute__((target("rdseed"))) static int
rng_cpu_rdseed(unsigned long long *word) {
  return _rdseed64_step(word);
}

/* The step function of insn, or NULL and *why (for the config error). */
rng_cpu_step_fn rng_cpu_detect(rng_cpu_insn_t insn, const char **why) {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (insn == RNG_CPU_RDRAND) {
    if (__get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 30)))
      return rng_cpu_rdrand;
    *why = "this CPU has no RDRAND (cpuid leaf 1 ECX bit 30 is clear)";
    return NULL;
  }
  if (__get_cpuid_max(0, NULL) >= 7 &&
      __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 18)))
    return rng_cpu_rdseed;
  *why = "this CPU has no RDSEED (cpuid leaf 7 EBX bit 18 is clear)";
  return NULL;
}

static void rng_cpu_relax(void) { _mm_pause(); }
#else
rng_cpu_step_fn rng_cpu_detect(rng_cpu_insn_t insn, const char **why) {
  (void)insn;
  *why = "RDRAND and RDSEED are x86-64 instructions; this build is for "
         "another architecture";
  return NULL;
}

static void rng_cpu_relax(void) {}
#endif

/* cpu for insn with the step function `step` (from rng_cpu_detect). */
void rng_cpu_init(rng_cpu_t *cpu, rng_cpu_insn_t insn,
                  rng_cpu_step_fn step) {
  cpu->insn = insn;
  cpu->step = step;
  cpu->retries = insn == RNG_CPU_RDSEED ? RNG_CPU_RDSEED_RETRIES
                                        : RNG_CPU_RDRAND_RETRIES;
}

/* One word, with the retries; *failures += executions with carry clear.
 * Returns 0 when every execution failed. */
static int rng_cpu_word(const rng_cpu_t *cpu, unsigned long long *word,
                        uint64_t *failures) {
  for (unsigned i = 0; i <= cpu->retries; i++) {
    if (cpu->step(word))
      return 1;
    ++*failures;
    if (cpu->insn == RNG_CPU_RDSEED && i < cpu->retries)
      rng_cpu_relax();
  }
  return 0;
}

/* Up to n bytes into buf, 8 per word (the last word cut to what is left);
 * stops early when a word could not be had.  Returns the bytes written. */
size_t rng_cpu_fill(const rng_cpu_t *cpu, uint8_t *buf, size_t n,
                    uint64_t *failures) {
  size_t off = 0;
  while (off < n) {
    unsigned long long w;
    if (!rng_cpu_word(cpu, &w, failures))
      break;
    size_t k = n - off < sizeof(w) ? n - off : sizeof(w);
    memcpy(buf + off, &w, k);
    off += k;
  }
  return off;
}
