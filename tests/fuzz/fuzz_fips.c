/* SPDX-License-Identifier: MIT
 * libFuzzer target: the rng plugin's input, the bytes of the entropy
 * source, through the FIPS 140-2 stream tests (common/fips.c) and the
 * stuck-source detector and failure window (common/rng_health.c).
 * Input: byte 0 = mode (correct / rng-tools 5) and chunk size; the rest is
 * the device's output, fed in chunks as short reads would deliver it.
 * Oracle beyond "no crash": every implementation (generic, POPCNT, AVX2,
 * as the CPU has them) gives the same counts, whatever the chunking.
 * Seeds: 2504-byte runs (seeds.py): random, all zero, a period-3 pattern.
 */
#include "common/fips.h"
#include "common/rng_health.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static fips_stream_t st; /* 2.5 KiB */

static int run(fips_mode_t mode, fips_impl_t impl, const uint8_t *d,
               size_t n, size_t chunk, fips_counts_t *c) {
  if (fips_stream_init(&st, mode) != FIPS_OK)
    abort();
  if (fips_set_impl(&st.ctx, impl) != FIPS_OK)
    return -1; /* not on this CPU */
  memset(c, 0, sizeof(*c));
  unsigned any = 0;
  for (size_t o = 0; o < n; o += chunk) {
    size_t k = n - o < chunk ? n - o : chunk;
    if (fips_stream_feed(&st, d + o, k, 0, c, &any) != (long)k)
      abort();
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  fips_mode_t mode = (data[0] & 1) ? FIPS_COMPAT_RNGTEST5 : FIPS_CORRECT;
  size_t chunk = 1 + (size_t)(data[0] >> 1) * 41; /* 1 .. 5208 */
  const uint8_t *d = data + 1;
  size_t n = size - 1;
  fips_counts_t ref, c;
  int have_ref = 0;
  for (int impl = 0; impl < FIPS_IMPL_COUNT; impl++) {
    if (run(mode, (fips_impl_t)impl, d, n, impl ? chunk : n, &c) != 0)
      continue;
    if (!have_ref) {
      ref = c;
      have_ref = 1;
    } else if (memcmp(&ref, &c, sizeof(c)) != 0) {
      abort(); /* implementations (or chunkings) disagree */
    }
  }
  rng_period_t per;
  rng_period_reset(&per);
  for (size_t o = 0; o < n; o += chunk)
    rng_period_feed(&per, d + o, n - o < chunk ? n - o : chunk);
  (void)rng_period_get(&per);
  uint8_t ring[7];
  rng_window_t w;
  if (rng_window_init(&w, ring, 1 + data[0] % sizeof(ring)) == 0)
    for (size_t i = 0; i < n; i++)
      rng_window_push(&w, d[i] & 1);
  return 0;
}
