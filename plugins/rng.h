/* SPDX-License-Identifier: MIT
 * rng plugin - what plugins/rng.c and plugins/rng_pool.c share. */
#ifndef CDS_RNG_H
#define CDS_RNG_H

#include <stddef.h>
#include <sys/types.h>

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
  char current[RNG_HWRNG_NAME];                   /* rng_current, raw */
  int n_available;
  char available[RNG_MAX_HWRNG][RNG_HWRNG_NAME];  /* sanitized names */
} rng_pool_t;

typedef ssize_t (*rng_getrandom_fn)(void *buf, size_t len, unsigned flags);

/* Read the pool files under proc_root ("/proc") and sys_root ("/sys").
 * Returns the number of values found (0: nothing readable). */
int rng_pool_read(const char *proc_root, const char *sys_root,
                  rng_getrandom_fn getrandom_fn, rng_pool_t *out);

/* A device name as a type-instance part: [A-Za-z0-9_-], others -> '_'. */
void rng_sanitize(char *dst, size_t size, const char *src);

#endif
