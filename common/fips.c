/* SPDX-License-Identifier: MIT
 * fips - FIPS 140-2 tests over 20000-bit blocks (see fips.h for the exact
 * semantics).  No loop here looks at single bits:
 *  - monobit: popcount of 64-bit words;
 *  - poker: a byte histogram (four interleaved tables, so runs of equal
 *    bytes do not serialise on one counter), folded into nibble counts;
 *  - runs: word-level.  With the block as big-endian 64-bit words (stream
 *    bit 0 = bit 63 of word 0), S marks every run start (a bit that differs
 *    from the one before it, or the block's first bit).  A run starting at
 *    p is at least k bits long iff no run starts at p+1..p+k-1, so
 *    popcount(S & ~S<<1 & ... & ~S<<(k-1)) counts the runs of length >= k,
 *    and AND-ing with the data word splits them into runs of ones/zeros;
 *  - long run: a run of >= 26 bits always contains two adjacent whole
 *    bytes equal to 0x00 or 0xff (7 + 8 + 8 + 3 bits at worst); a SWAR test
 *    finds such byte pairs (rare in random data) and only then is the run
 *    measured, byte-wise;
 *  - continuous: 32-bit word compares.
 */
#include "common/fips.h"

#include <string.h>

const int fips_runs_min[6] = {2315, 1114, 527, 240, 103, 103};
const int fips_runs_max[6] = {2685, 1386, 723, 384, 209, 209};

static const char *const fips_names[FIPS_N_TESTS] = {
    "Monobit", "Poker", "Runs", "Long run", "Continuous run"};

const char *fips_test_name(int i) {
  return (i >= 0 && i < FIPS_N_TESTS) ? fips_names[i] : NULL;
}

uint32_t fips_word(const uint8_t b[4]) {
  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
         (uint32_t)b[3] << 24;
}

static int impl_supported(fips_impl_t impl);

fips_status_t fips_init(fips_ctx_t *ctx, uint32_t bootstrap, fips_mode_t mode) {
  if (ctx == NULL || (mode != FIPS_CORRECT && mode != FIPS_COMPAT_RNGTEST5))
    return FIPS_EINVAL;
  ctx->last32 = bootstrap;
  ctx->last_bit = 0;
  ctx->mode = mode;
  ctx->impl = FIPS_IMPL_GENERIC;
  for (int impl = FIPS_IMPL_COUNT - 1; impl > FIPS_IMPL_GENERIC; impl--)
    if (impl_supported((fips_impl_t)impl)) {
      ctx->impl = (fips_impl_t)impl;
      break;
    }
  return FIPS_OK;
}

static inline uint64_t load_be64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

static inline uint32_t load_le32(const uint8_t *p) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
#else
  return fips_word(p);
#endif
}

#define POP(x) __builtin_popcountll(x)
#define NWORDS 313 /* 312 whole 64-bit words + one of 32 bits */
#define BYTES01 0x0101010101010101ull
#define BYTES7F 0x7f7f7f7f7f7f7f7full
#define BYTES80 0x8080808080808080ull

/* Bytes of w (big-endian word) that are 0x00 or 0xff: 0x80 in that byte. */
static inline uint64_t uniform_bytes(uint64_t w) {
  uint64_t y = (w ^ (w >> 1)) & BYTES7F; /* 0 in a byte iff uniform */
  return ~((y + BYTES7F) | y) & BYTES80;
}

/* Length of the run containing the uniform byte pair at i, i+1. */
static int run_through(const uint8_t *b, int i) {
  uint8_t v = b[i];
  int lo = i, hi = i + 1, len;
  if (b[i + 1] != v)
    return 0;
  while (lo > 0 && b[lo - 1] == v)
    lo--;
  while (hi < FIPS_BLOCK_BYTES - 1 && b[hi + 1] == v)
    hi++;
  len = 8 * (hi - lo + 1);
  if (lo > 0) /* low-order (later) bits of the byte before, equal to v */
    len += __builtin_ctz((unsigned)(uint8_t)(b[lo - 1] ^ v));
  if (hi < FIPS_BLOCK_BYTES - 1) /* high-order (earlier) bits after */
    len += __builtin_clz((unsigned)(uint8_t)(b[hi + 1] ^ v)) - 24;
  return len;
}

/* Word i of the block as a big-endian bit stream; the last one holds 32
 * bits in its upper half and zeros below. */
static inline uint64_t block_word(const uint8_t *b, int i) {
  if (i < NWORDS - 1)
    return load_be64(b + 8 * i);
  return (uint64_t)load_be64(b + FIPS_BLOCK_BYTES - 8) << 32;
}

/* What one pass over a block produces (before the rngtest 5 fix-ups). */
typedef struct {
  int ge[6][2]; /* ge[k][bit]: runs of `bit` of length >= k + 1 */
  long f[16];   /* nibble counts */
  int long_run;
} fips_raw_t;

/* Long run: measure the runs through the uniform byte pairs of word i (the
 * last pair straddles into the next word, whose uniform bytes are un). */
static inline int long_run_in(const uint8_t *b, int i, uint64_t u,
                              uint64_t un) {
  uint64_t pair = u & ((u << 8) | (un >> 56));
  while (pair != 0) {
    int byte = (63 - __builtin_clzll(pair)) / 8; /* counted from the right */
    int at = 8 * i + 7 - byte;
    if (at + 1 < FIPS_BLOCK_BYTES && run_through(b, at) >= FIPS_LONGRUN_LEN)
      return 1;
    pair &= ~(0xffull << (8 * byte));
  }
  return 0;
}

/* One 64-bit word of the runs count.  c: the run starts of this word (s)
 * still "long enough"; step k drops those followed by another start k bits
 * later (sn: the starts of the next word) and counts the rest, all runs in
 * the low and runs of ones in the high half of acc_k (two counters per
 * register: fewer registers, no spills). */
#define RUNS_STEP(k)                                                           \
  c &= ~((s << k) | (sn >> (64 - k)));                                         \
  acc##k += (uint64_t)POP(c) | (uint64_t)POP(c & w) << 32;
#define RUNS_WORD(valid)                                                       \
  c = s & (valid);                                                             \
  acc0 += (uint64_t)POP(c);                                                    \
  RUNS_STEP(1) RUNS_STEP(2) RUNS_STEP(3) RUNS_STEP(4) RUNS_STEP(5)

/* The last two words: word 311 (w, its starts s) with word 312 as
 * lookahead, then word 312 (32 bits; past the end every bit "starts a
 * run").  acc[k]: runs >= k+1 (low half) and of ones (high half). */
static inline __attribute__((always_inline)) void
runs_last_words(const uint8_t *b, uint64_t w, uint64_t s, uint64_t acc[6]) {
  uint64_t acc0 = acc[0], acc1 = acc[1], acc2 = acc[2], acc3 = acc[3];
  uint64_t acc4 = acc[4], acc5 = acc[5], c;
  uint64_t wn = block_word(b, NWORDS - 1);
  uint64_t sn = (wn ^ ((wn >> 1) | (w << 63))) | 0xffffffffull;
  RUNS_WORD(~0ull)
  w = wn;
  s = sn;
  sn = ~0ull;
  RUNS_WORD(0xffffffff00000000ull)
  acc[0] = acc0, acc[1] = acc1, acc[2] = acc2;
  acc[3] = acc3, acc[4] = acc4, acc[5] = acc5;
}

/* From the counts to raw->ge, and the long-run search. */
static inline __attribute__((always_inline)) void
runs_finish(const uint8_t *b, const uint64_t acc[6], fips_raw_t *raw) {
  /* Runs alternate: the first bit decides which bit has the extra run. */
  int all0 = (int)acc[0], one0 = (b[0] >> 7) ? (all0 + 1) / 2 : all0 / 2;
  raw->ge[0][1] = one0;
  raw->ge[0][0] = all0 - one0;
  for (int k = 1; k < 6; k++) {
    raw->ge[k][1] = (int)(acc[k] >> 32);
    raw->ge[k][0] = (int)(acc[k] & 0xffffffffu) - raw->ge[k][1];
  }
  /* Long run: only where two uniform bytes meet (see the top). */
  raw->long_run = 0;
  uint64_t u = uniform_bytes(load_be64(b)), un;
  for (int i = 0; i < NWORDS - 1 && !raw->long_run; i++) {
    un = uniform_bytes(block_word(b, i + 1));
    if (__builtin_expect((u & ((u << 8) | (un >> 56))) != 0, 0))
      raw->long_run = long_run_in(b, i, u, un);
    u = un;
  }
  if (!raw->long_run)
    raw->long_run = long_run_in(b, NWORDS - 1, u, 0);
}

static inline __attribute__((always_inline)) void runs_core(const uint8_t *b,
                                                            fips_raw_t *raw) {
  uint64_t acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0, acc4 = 0, acc5 = 0;
  uint64_t w = load_be64(b), wn, sn, c;
  uint64_t s = (w ^ (w >> 1)) | (1ull << 63); /* bit 0 starts a run */
  for (int i = 1; i < NWORDS - 1; i++) {
    wn = load_be64(b + 8 * i);
    sn = wn ^ ((wn >> 1) | (w << 63));
    RUNS_WORD(~0ull)
    w = wn;
    s = sn;
  }
  uint64_t acc[6] = {acc0, acc1, acc2, acc3, acc4, acc5};
  runs_last_words(b, w, s, acc);
  runs_finish(b, acc, raw);
}

/* Poker: per-lane byte counters of "nibble == v" over VW-byte vectors,
 * flushed before they can overflow (each step adds at most 2 per lane). */
#define POKER_CORE(VT, VW)                                                     \
  {                                                                            \
    const int chunk = 120 * VW; /* 240 per lane at most */                     \
    int i = 0;                                                                 \
    memset(raw->f, 0, sizeof(raw->f));                                         \
    while (i + VW <= FIPS_BLOCK_BYTES) {                                       \
      VT acc[16];                                                              \
      int end = i + chunk < FIPS_BLOCK_BYTES ? i + chunk : FIPS_BLOCK_BYTES;   \
      memset(acc, 0, sizeof(acc));                                             \
      for (; i + VW <= end; i += VW) {                                         \
        VT x, lo, hi;                                                          \
        memcpy(&x, b + i, VW);                                                 \
        lo = x & 15;                                                           \
        hi = x >> 4;                                                           \
        _Pragma("GCC unroll 16") for (int v = 0; v < 16; v++) {                \
          VT vv = (VT){0} + (uint8_t)v;                                        \
          acc[v] -= (VT)(lo == vv);                                            \
          acc[v] -= (VT)(hi == vv);                                            \
        }                                                                      \
      }                                                                        \
      for (int v = 0; v < 16; v++)                                             \
        for (int j = 0; j < VW; j++)                                           \
          raw->f[v] += acc[v][j];                                              \
    }                                                                          \
    for (; i < FIPS_BLOCK_BYTES; i++) {                                        \
      raw->f[b[i] >> 4]++;                                                     \
      raw->f[b[i] & 15]++;                                                     \
    }                                                                          \
  }

typedef uint8_t fips_v16 __attribute__((vector_size(16)));

static void block_generic(const uint8_t *b, fips_raw_t *raw) {
  runs_core(b, raw);
  POKER_CORE(fips_v16, 16)
}

#if defined(__x86_64__) && defined(__GNUC__)
#define FIPS_X86 1
#include <immintrin.h>
typedef uint8_t fips_v32 __attribute__((vector_size(32)));

__attribute__((target("popcnt"))) static void block_popcnt(const uint8_t *b,
                                                           fips_raw_t *raw) {
  runs_core(b, raw);
  POKER_CORE(fips_v16, 16)
}

#define AVX2_TARGET __attribute__((target("avx2,popcnt,bmi,bmi2")))
#define AVX2_INLINE AVX2_TARGET static inline __attribute__((always_inline))

/* Per-byte popcounts of m (a nibble table lookup with vpshufb). */
AVX2_INLINE __m256i popcount_bytes(__m256i m, __m256i lut, __m256i low) {
  __m256i lo = _mm256_and_si256(m, low);
  __m256i hi = _mm256_and_si256(_mm256_srli_epi16(m, 4), low);
  return _mm256_add_epi8(_mm256_shuffle_epi8(lut, lo),
                         _mm256_shuffle_epi8(lut, hi));
}

/* Four big-endian 64-bit words from p. */
AVX2_INLINE __m256i load_be4(const uint8_t *p, __m256i bswap) {
  return _mm256_shuffle_epi8(_mm256_loadu_si256((const void *)p), bswap);
}

/* The runs count of runs_core, four words at a time: words 0..311 in 78
 * steps (per-byte counters, summed every 26 steps: at most 8 per step),
 * then the last two words as scalars.  The block is copied behind 8 bytes
 * whose last bit differs from the block's first (so bit 0 starts a run). */
AVX2_TARGET static void runs_avx2(const uint8_t *b, fips_raw_t *raw) {
  uint8_t pad[8 + FIPS_BLOCK_BYTES + 40];
  memset(pad, 0, 8);
  memcpy(pad + 8, b, FIPS_BLOCK_BYTES);
  memset(pad + 8 + FIPS_BLOCK_BYTES, 0, 40);
  pad[7] = (b[0] & 0x80) ? 0 : 1;
  const uint8_t *q = pad + 8;
  const __m256i bswap =
      _mm256_setr_epi8(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8, 7,
                       6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
  const __m256i lut =
      _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1,
                       2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low = _mm256_set1_epi8(0x0f), zero = _mm256_setzero_si256();
  __m256i tot[11];
  for (int j = 0; j < 11; j++)
    tot[j] = zero;
  for (int part = 0; part < 3; part++) {
    __m256i n[11];
    for (int j = 0; j < 11; j++)
      n[j] = zero;
    for (int i = part * 104; i < part * 104 + 104; i += 4) {
      __m256i wp = load_be4(q + 8 * i - 8, bswap);
      __m256i w = load_be4(q + 8 * i, bswap);
      __m256i wn = load_be4(q + 8 * i + 8, bswap);
      __m256i s =
          _mm256_xor_si256(w, _mm256_or_si256(_mm256_srli_epi64(w, 1),
                                              _mm256_slli_epi64(wp, 63)));
      __m256i sn =
          _mm256_xor_si256(wn, _mm256_or_si256(_mm256_srli_epi64(wn, 1),
                                               _mm256_slli_epi64(w, 63)));
      __m256i c = s;
      n[0] = _mm256_add_epi8(n[0], popcount_bytes(c, lut, low));
#define RUNS_VSTEP(k)                                                          \
  c = _mm256_andnot_si256(                                                     \
      _mm256_or_si256(_mm256_slli_epi64(s, k), _mm256_srli_epi64(sn, 64 - k)), \
      c);                                                                      \
  n[2 * k - 1] = _mm256_add_epi8(n[2 * k - 1], popcount_bytes(c, lut, low));   \
  n[2 * k] = _mm256_add_epi8(                                                  \
      n[2 * k], popcount_bytes(_mm256_and_si256(c, w), lut, low));
      RUNS_VSTEP(1) RUNS_VSTEP(2) RUNS_VSTEP(3) RUNS_VSTEP(4) RUNS_VSTEP(5)
    }
    for (int j = 0; j < 11; j++)
      tot[j] = _mm256_add_epi64(tot[j], _mm256_sad_epu8(n[j], zero));
  }
  uint64_t sum[11], lanes[4], acc[6];
  for (int j = 0; j < 11; j++) {
    _mm256_storeu_si256((void *)lanes, tot[j]);
    sum[j] = lanes[0] + lanes[1] + lanes[2] + lanes[3];
  }
  acc[0] = sum[0];
  for (int k = 1; k < 6; k++)
    acc[k] = sum[2 * k - 1] | sum[2 * k] << 32;
  /* Word 312 (32 bits; past the end every bit "starts a run"): scalar. */
  uint64_t w311 = load_be64(q + 8 * 311), w312 = block_word(b, NWORDS - 1);
  uint64_t s312 = (w312 ^ ((w312 >> 1) | (w311 << 63))) | 0xffffffffull;
  {
    uint64_t acc0 = acc[0], acc1 = acc[1], acc2 = acc[2], acc3 = acc[3];
    uint64_t acc4 = acc[4], acc5 = acc[5], c, w = w312, s = s312, sn = ~0ull;
    RUNS_WORD(0xffffffff00000000ull)
    acc[0] = acc0, acc[1] = acc1, acc[2] = acc2;
    acc[3] = acc3, acc[4] = acc4, acc[5] = acc5;
  }
  runs_finish(b, acc, raw);
}

AVX2_TARGET static void block_avx2(const uint8_t *b, fips_raw_t *raw) {
  runs_avx2(b, raw);
  POKER_CORE(fips_v32, 32)
}
#endif

static int impl_supported(fips_impl_t impl) {
  switch (impl) {
  case FIPS_IMPL_GENERIC:
    return 1;
#ifdef FIPS_X86
  case FIPS_IMPL_POPCNT:
    __builtin_cpu_init();
    return __builtin_cpu_supports("popcnt");
  case FIPS_IMPL_AVX2:
    __builtin_cpu_init();
    return __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("avx2") &&
           __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
#endif
  default:
    return 0;
  }
}

fips_status_t fips_set_impl(fips_ctx_t *ctx, fips_impl_t impl) {
  if (ctx == NULL || !impl_supported(impl))
    return FIPS_EINVAL;
  ctx->impl = impl;
  return FIPS_OK;
}

const char *fips_impl_name(fips_impl_t impl) {
  static const char *const names[] = {"generic", "popcnt", "avx2"};
  return (impl >= 0 && impl < FIPS_IMPL_COUNT) ? names[impl] : NULL;
}

static void block_raw(const fips_ctx_t *ctx, const uint8_t *b,
                      fips_raw_t *raw) {
  switch (ctx->impl) {
#ifdef FIPS_X86
  case FIPS_IMPL_AVX2:
    block_avx2(b, raw);
    return;
  case FIPS_IMPL_POPCNT:
    block_popcnt(b, raw);
    return;
#endif
  default:
    block_generic(b, raw);
  }
}

static int continuous(fips_ctx_t *ctx, const uint8_t *b) {
  int repeats = load_le32(b) == ctx->last32;
  for (int i = 4; i < FIPS_BLOCK_BYTES; i += 4) /* no carried state: SIMD */
    repeats += load_le32(b + i) == load_le32(b + i - 4);
  ctx->last32 = load_le32(b + FIPS_BLOCK_BYTES - 4);
  return repeats;
}

/* The rngtest 5 bookkeeping, from the correct counts (see fips.h). */
static void rngtest5_runs(fips_ctx_t *ctx, const uint8_t *b, fips_block_t *r,
                          int f15) {
  int first = b[0] >> 7, last = b[FIPS_BLOCK_BYTES - 1] & 1;
  uint8_t x = (uint8_t)(b[FIPS_BLOCK_BYTES - 1] ^ (last ? 0xff : 0x00));
  int len = x ? __builtin_ctz(x) : 8; /* length of the final run, up to 8 */
  int cls = (len >= 6 ? 6 : len) - 1;
  for (int k = 0; k < 6; k++) { /* every run but the last: other bit */
    int z = r->runs[0][k], o = r->runs[1][k];
    r->runs[0][k] = o;
    r->runs[1][k] = z;
  }
  r->runs[1 - last][cls]--; /* the last run stays in its own bin */
  r->runs[last][cls]++;
  if (first != ctx->last_bit) { /* the pseudo-run at block start */
    if (first)
      r->runs[0][5]++;
    else
      r->poker_sum += 2L * f15 + 1; /* poker[15]++ */
  }
  ctx->last_bit = last;
}

int fips_test_block(fips_ctx_t *ctx, const uint8_t *block, fips_block_t *out) {
  static const int nibble_ones[16] = {0, 1, 1, 2, 1, 2, 2, 3,
                                      1, 2, 2, 3, 2, 3, 3, 4};
  fips_block_t r;
  fips_raw_t raw;
  if (ctx == NULL || block == NULL)
    return FIPS_EINVAL;
  block_raw(ctx, block, &raw);
  r.ones = 0;
  r.poker_sum = 0;
  for (int v = 0; v < 16; v++) {
    r.ones += (int)raw.f[v] * nibble_ones[v];
    r.poker_sum += raw.f[v] * raw.f[v];
  }
  for (int bit = 0; bit < 2; bit++) {
    for (int k = 0; k < 5; k++)
      r.runs[bit][k] = raw.ge[k][bit] - raw.ge[k + 1][bit];
    r.runs[bit][5] = raw.ge[5][bit];
  }
  r.long_run = raw.long_run;
  r.repeats = continuous(ctx, block);
  if (ctx->mode == FIPS_COMPAT_RNGTEST5)
    rngtest5_runs(ctx, block, &r, (int)raw.f[15]);
  else
    ctx->last_bit = block[FIPS_BLOCK_BYTES - 1] & 1;

  r.result = 0;
  if (r.ones < FIPS_MONOBIT_MIN || r.ones > FIPS_MONOBIT_MAX)
    r.result |= FIPS_MONOBIT;
  if (r.poker_sum < FIPS_POKER_MIN || r.poker_sum > FIPS_POKER_MAX)
    r.result |= FIPS_POKER;
  for (int bit = 0; bit < 2; bit++)
    for (int k = 0; k < 6; k++)
      if (r.runs[bit][k] < fips_runs_min[k] ||
          r.runs[bit][k] > fips_runs_max[k])
        r.result |= FIPS_RUNS;
  if (r.long_run)
    r.result |= FIPS_LONGRUN;
  if (r.repeats)
    r.result |= FIPS_CONTINUOUS;
  if (out != NULL)
    *out = r;
  return (int)r.result;
}

void fips_count(fips_counts_t *counts, unsigned result) {
  if (result == 0) {
    counts->successes++;
    return;
  }
  counts->failures++;
  for (int i = 0; i < FIPS_N_TESTS; i++)
    if (result & (1u << i))
      counts->per_test[i]++;
}

fips_status_t fips_stream_init(fips_stream_t *s, fips_mode_t mode) {
  if (s == NULL)
    return FIPS_EINVAL;
  memset(s, 0, sizeof(*s));
  s->mode = mode;
  return fips_init(&s->ctx, 0, mode);
}

int fips_stream_next(fips_stream_t *s, const uint8_t *data, size_t len,
                     size_t *used, unsigned *result) {
  size_t off = 0;
  int r;
  if (s == NULL || used == NULL || result == NULL || (data == NULL && len > 0))
    return FIPS_EINVAL;
  *used = 0;
  if (!s->bootstrapped) {
    size_t n = 4 - s->pending < len ? 4 - s->pending : len;
    memcpy(s->buf + s->pending, data, n);
    s->pending += n;
    off = n;
    if (s->pending < 4) {
      *used = off;
      return 0;
    }
    fips_init(&s->ctx, fips_word(s->buf), s->mode);
    s->bootstrapped = 1;
    s->pending = 0;
  }
  if (s->pending == 0 && len - off >= FIPS_BLOCK_BYTES) { /* in place */
    r = fips_test_block(&s->ctx, data + off, NULL);
    *used = off + FIPS_BLOCK_BYTES;
  } else {
    size_t n = FIPS_BLOCK_BYTES - s->pending;
    if (n > len - off)
      n = len - off;
    memcpy(s->buf + s->pending, data + off, n);
    s->pending += n;
    *used = off + n;
    if (s->pending < FIPS_BLOCK_BYTES)
      return 0;
    s->pending = 0;
    r = fips_test_block(&s->ctx, s->buf, NULL);
  }
  if (r < 0)
    return r;
  *result = (unsigned)r;
  return 1;
}

long fips_stream_feed(fips_stream_t *s, const uint8_t *data, size_t len,
                      uint64_t max_blocks, fips_counts_t *counts,
                      unsigned *any_result) {
  size_t used = 0, n;
  uint64_t done = 0;
  unsigned r;
  if (s == NULL || (data == NULL && len > 0))
    return FIPS_EINVAL;
  while (used < len && (max_blocks == 0 || done < max_blocks)) {
    int got = fips_stream_next(s, data + used, len - used, &n, &r);
    if (got < 0)
      return got;
    used += n;
    if (got == 1) {
      done++;
      if (counts != NULL)
        fips_count(counts, r);
      if (any_result != NULL)
        *any_result |= r;
    }
  }
  return (long)used;
}
