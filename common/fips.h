/* SPDX-License-Identifier: MIT
 * fips - the FIPS 140-2 (errata 2001-10-10) statistical tests of rngtest,
 * over back-to-back 20000-bit blocks, as a fast table/word-level engine.
 *
 * Semantics (rng-tools fips.c, fips.h and rngtest.c; the same in
 * rng-tools 5 and 6.x but for the runs test, see below):
 *  - a block is 2500 bytes = 20000 bits; bits are taken MSB first;
 *  - monobit: fail if ones <= 9725 or ones >= 10275;
 *  - poker: S = sum of the squares of the 16 nibble counts (5000 nibbles);
 *    fail if S < 1563176 or S > 1576928;
 *  - runs: runs of zeros and of ones are counted per length 1..5 and >= 6;
 *    fail if any of the 12 counts leaves its interval (fips_runs_min/max);
 *    a run never spans two blocks;
 *  - long run: fail if any run (zeros or ones) is >= 26 bits long;
 *  - continuous run: the block is read as 625 little-endian 32-bit words
 *    (byte 0 least significant); fail if a word equals the word before it.
 *    The word before the first one is the previous block's last word, and
 *    for the first block the "bootstrap word" (4 bytes read before it and
 *    never tested).  The state is carried across every block, failed or not.
 *
 * The runs test is done as FIPS 140-2 specifies it (rng-tools >= 6.11).
 * FIPS_COMPAT_RNGTEST5 reproduces the runs-test bug of rng-tools 5 (the
 * /usr/bin/rngtest of Debian's rng-tools5): every run but the block's last
 * one is counted in the bins of the opposite bit, and when a block's first
 * bit differs from the previous block's last bit (0 before the first block)
 * a pseudo-run is counted: in the zeros ">= 6" bin if that bit is 1, else in
 * the count of nibble 15 (an out-of-bounds write that rngtest 5 makes into
 * its poker array), which perturbs the poker sum.  It exists only so the
 * engine can be compared bit for bit with the installed rngtest.
 *
 * Pure C: no I/O, no globals except constant tables, memory independent of
 * the amount of data tested.
 */
#ifndef CDS_FIPS_H
#define CDS_FIPS_H

#include <stddef.h>
#include <stdint.h>

#define FIPS_BLOCK_BYTES 2500
#define FIPS_BLOCK_BITS 20000
#define FIPS_N_TESTS 5

/* Result bits (the values of rng-tools' fips.h). */
#define FIPS_MONOBIT 0x01u
#define FIPS_POKER 0x02u
#define FIPS_RUNS 0x04u
#define FIPS_LONGRUN 0x08u
#define FIPS_CONTINUOUS 0x10u

/* Bounds (a value passes when min <= value <= max). */
#define FIPS_MONOBIT_MIN 9726
#define FIPS_MONOBIT_MAX 10274
#define FIPS_POKER_MIN 1563176
#define FIPS_POKER_MAX 1576928
#define FIPS_LONGRUN_LEN 26 /* a run this long or longer fails */

typedef enum {
  FIPS_CORRECT = 0,        /* FIPS 140-2 / rng-tools >= 6.11 */
  FIPS_COMPAT_RNGTEST5 = 1 /* the runs-test bug of rng-tools 5 */
} fips_mode_t;

typedef enum {
  FIPS_OK = 0,
  FIPS_EINVAL = -1 /* NULL pointer or bad mode */
} fips_status_t;

/* Code paths, all with the same results (the unit test checks each one
 * against a bit-by-bit reference).  fips_init picks the fastest one the CPU
 * supports; x86-64 only has more than the generic one. */
typedef enum {
  FIPS_IMPL_GENERIC = 0, /* portable C; 16-byte vectors for the poker test */
  FIPS_IMPL_POPCNT = 1,  /* x86-64 with the POPCNT instruction */
  FIPS_IMPL_AVX2 = 2,    /* x86-64 with POPCNT and AVX2 */
  FIPS_IMPL_COUNT = 3
} fips_impl_t;

/* State carried from block to block. */
typedef struct {
  uint32_t last32; /* previous 32-bit word (continuous test) */
  int last_bit;    /* last bit of the previous block (rngtest 5 mode) */
  fips_mode_t mode;
  fips_impl_t impl;
} fips_ctx_t;

/* What one block measured (filled by fips_test_block). */
typedef struct {
  unsigned result; /* OR of the FIPS_* bits of the failed tests; 0 = pass */
  int ones;        /* monobit: number of 1 bits */
  long poker_sum;  /* poker: sum of squared nibble counts */
  int runs[2][6];  /* runs[bit][len - 1]; runs[bit][5] = length >= 6 */
  int long_run;    /* 1 if a run >= 26 bits was seen */
  int repeats;     /* continuous test: number of words equal to their
                      predecessor */
} fips_block_t;

/* Counters over many blocks, as rngtest prints them. */
typedef struct {
  uint64_t successes;              /* blocks that passed every test */
  uint64_t failures;               /* blocks that failed at least one */
  uint64_t per_test[FIPS_N_TESTS]; /* Monobit, Poker, Runs, Long run,
                                      Continuous run */
} fips_counts_t;

/* Inclusive pass interval of the runs test for length 1..6 (6 = ">= 6"),
 * identical for runs of zeros and of ones. */
extern const int fips_runs_min[6];
extern const int fips_runs_max[6];

/* "Monobit", "Poker", "Runs", "Long run", "Continuous run" (index = bit
 * number: 0x01 -> 0 ... 0x10 -> 4); NULL outside 0..4. */
const char *fips_test_name(int i);

/* The continuous-test word from 4 bytes (little-endian). */
uint32_t fips_word(const uint8_t b[4]);

fips_status_t fips_init(fips_ctx_t *ctx, uint32_t bootstrap, fips_mode_t mode);

/* Force a code path (tests, benchmarks); FIPS_EINVAL if the CPU lacks it. */
fips_status_t fips_set_impl(fips_ctx_t *ctx, fips_impl_t impl);
const char *fips_impl_name(fips_impl_t impl);

/* Test one 2500-byte block; `out` may be NULL.  Returns the result mask
 * (0 = every test passed), or a negative fips_status_t. */
int fips_test_block(fips_ctx_t *ctx, const uint8_t *block, fips_block_t *out);

/* Add one block's result to counters (result >= 0). */
void fips_count(fips_counts_t *counts, unsigned result);

/* A stream of bytes cut into blocks: the first 4 bytes are the bootstrap
 * word, then every complete 2500-byte block is tested; bytes of an
 * incomplete block wait for the next call.  Memory: one block. */
typedef struct {
  fips_ctx_t ctx;
  fips_mode_t mode;
  int bootstrapped; /* the 4 bootstrap bytes have been seen */
  size_t pending;   /* bytes waiting in buf */
  uint8_t buf[FIPS_BLOCK_BYTES];
} fips_stream_t;

fips_status_t fips_stream_init(fips_stream_t *s, fips_mode_t mode);

/* Feed bytes until one block is complete: returns 1 with its result in
 * *result when a block was tested, 0 when all `len` bytes were taken and
 * more are needed, or a negative status.  *used: bytes consumed. */
int fips_stream_next(fips_stream_t *s, const uint8_t *data, size_t len,
                     size_t *used, unsigned *result);

/* Feed `len` bytes; test at most `max_blocks` complete blocks (0 = no
 * limit), adding their results to `counts` and OR-ing the results into
 * *any_result (may be NULL).  Returns the number of bytes consumed (less
 * than len only when max_blocks stopped it), or a negative status. */
long fips_stream_feed(fips_stream_t *s, const uint8_t *data, size_t len,
                      uint64_t max_blocks, fips_counts_t *counts,
                      unsigned *any_result);

#endif /* CDS_FIPS_H */
