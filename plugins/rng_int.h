/* SPDX-License-Identifier: MIT
 * rng_int - what the rng plugin's files share (declarations only):
 * rng.c (configuration, read callbacks, metric tables), rng_pool.c (the
 * kernel random pool and hardware RNG framework, procfs and sysfs) and
 * rng_cpu.c (the CPU's RDRAND / RDSEED instructions; also built into
 * bench/rng_cpu_bench).  No collectd headers: rng_pool.c and rng_cpu.c are
 * POSIX I/O and compiler intrinsics only.
 */
#ifndef RNG_INT_H
#define RNG_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- rng_pool.c ------------------------------------------------------ */
#define RNG_MAX_HWRNG 8
#define RNG_HWRNG_NAME 64

/* The kernel's random pool and hardware RNG, as read (NaN = unknown). */
typedef struct {
  double entropy_avail;   /* bits, /proc/sys/kernel/random/entropy_avail */
  double poolsize;        /* bits, .../poolsize */
  double pool_fixed;      /* 1: poolsize is 256 (kernel >= 5.18 semantics) */
  double crng_ready;      /* 1: getrandom(GRND_NONBLOCK) succeeds */
  double hwrng_present;   /* 1: rng_current names a device (not "none") */
  double hwrng_quality;   /* rng_quality: entropy credited per 1024 bits */
  double hwrng_available; /* number of devices in rng_available */
  double hwrng_selected;  /* rng_selected: 1 = chosen by the user */
  char current[RNG_HWRNG_NAME]; /* rng_current, raw */
  int n_available;
  char available[RNG_MAX_HWRNG][RNG_HWRNG_NAME]; /* sanitized names */
} rng_pool_t;

typedef ssize_t (*rng_getrandom_fn)(void *buf, size_t len, unsigned flags);

/* Read the pool files under proc_root ("/proc") and sys_root ("/sys"), and
 * crng readiness from getrandom_fn(GRND_NONBLOCK).
 * Returns the number of values found (0: nothing readable). */
int rng_pool_read(const char *proc_root, const char *sys_root,
                  rng_getrandom_fn getrandom_fn, rng_pool_t *out);

/* A device name as a plugin-instance part: [A-Za-z0-9_], others -> '_'. */
void rng_sanitize(char *dst, size_t size, const char *src);

/* ---- rng_cpu.c ------------------------------------------------------- */
#define RNG_CPU_RDRAND_RETRIES 10  /* Intel DRNG guide */
#define RNG_CPU_RDSEED_RETRIES 100 /* with a PAUSE each */

typedef enum { RNG_CPU_RDRAND = 1, RNG_CPU_RDSEED = 2 } rng_cpu_insn_t;

/* One execution: 1 and *word set (carry set), or 0 (carry clear). */
typedef int (*rng_cpu_step_fn)(unsigned long long *word);

typedef struct {
  rng_cpu_insn_t insn;
  rng_cpu_step_fn step;
  unsigned retries; /* executions after the first one, per word */
} rng_cpu_t;

/* "RDRAND" or "RDSEED". */
const char *rng_cpu_name(rng_cpu_insn_t insn);

/* The step function of insn (cpuid says the CPU has it), or NULL and *why
 * (a sentence for the configuration error). */
rng_cpu_step_fn rng_cpu_detect(rng_cpu_insn_t insn, const char **why);

/* cpu for insn with the step function `step` (from rng_cpu_detect). */
void rng_cpu_init(rng_cpu_t *cpu, rng_cpu_insn_t insn, rng_cpu_step_fn step);

/* Up to n bytes into buf, 8 per word (the last word cut to what is left),
 * each word with its retries; *failures += executions with carry clear.
 * Stops early when a word could not be had.  Returns the bytes written. */
size_t rng_cpu_fill(const rng_cpu_t *cpu, uint8_t *buf, size_t n,
                    uint64_t *failures);

#endif /* RNG_INT_H */
