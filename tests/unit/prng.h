/* SPDX-License-Identifier: MIT
 * prng.h - xoshiro256** seeded through splitmix64 (Blackman and Vigna,
 * https://prng.di.unimi.it/): reproducible samples for the tests and the
 * benchmarks.  Not for anything that needs real randomness.
 */
#ifndef TESTS_PRNG_H
#define TESTS_PRNG_H

#include <stdint.h>

typedef struct {
  uint64_t s[4];
} prng_t;

static inline uint64_t prng_splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static inline void prng_seed(prng_t *r, uint64_t seed) {
  for (int i = 0; i < 4; i++)
    r->s[i] = prng_splitmix64(&seed);
}

static inline uint64_t prng_rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

static inline uint64_t prng_next(prng_t *r) {
  uint64_t *s = r->s, out = prng_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = prng_rotl(s[3], 45);
  return out;
}

#endif /* TESTS_PRNG_H */
