/* SPDX-License-Identifier: MIT
 * fipstest - a command-line twin of rngtest (rng-tools): FIPS 140-2 tests
 * of the data on stdin, on the same common/fips engine as the rng plugin.
 *
 * Compatible with rngtest: the bootstrap word (the first 4 bytes, after 4
 * discarded ones in pipe mode), the statistics lines on stderr with the
 * same texts and the same "rngtest: " prefix (so scripts that parse
 * rngtest's output work unchanged; the banner says fipstest), -c/-b/-t/-p,
 * and the exit codes: 0 = at least one block and none failed, 1 = a block
 * failed or none was tested (or the input ended before the bootstrap word),
 * 10 = usage, 11 = I/O error, 12 = OS error.
 *
 * Differences, on purpose:
 *  - the runs test is the correct one (rng-tools >= 6.11); --rngtest5
 *    reproduces the runs-test bug of rng-tools 5 for comparisons;
 *  - input is read in large chunks (up to 1 MiB) and tested in place, so
 *    the "speed" lines are measured per read / per chunk of blocks, not per
 *    block (the counters are exactly those of rngtest); in pipe mode the
 *    good blocks of each read are written once that read is tested, so a
 *    slow source's blocks come out one by one, as with rngtest.
 *
 * --sp800-90b adds NIST SP 800-90B (common/sp800_90b.h, as the rng plugin's
 * Sources): the Repetition Count and Adaptive Proportion Tests on every byte
 * of the tested blocks, and the MCV / Markov / Lag min-entropy estimates
 * over the last --entropy-window bytes, printed with the statistics as
 * "rngtest: SP 800-90B ..." lines.  With it, exit code 1 also means a health
 * test failed or the min-entropy estimate is below --claimed-entropy; in
 * pipe mode a block with a health-test failure is not written.
 */
#ifdef HAVE_CONFIG_H
#include "cds_config.h"
#endif
#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "?"
#endif

#include "common/fips.h"
#include "common/sp800_90b.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PREFIX "rngtest: "
#define BUF_BYTES (1u << 20)
#define EXIT_FAIL 1
#define EXIT_USAGE 10
#define EXIT_IOERR 11
#define EXIT_OSERR 12

typedef struct { /* a throughput: min/avg/max over samples */
  double min_bps, max_bps;
  double bits, secs;
} bw_stat_t;

typedef struct {
  uint64_t blockcount, blockstats, timedstats_s;
  int pipemode, rngtest5;
  const char *impl;
  /* --sp800-90b and its settings (the rng plugin's defaults) */
  int sp90b;
  unsigned sample_bits; /* 1 or 8 */
  double claimed_h;     /* bits per sample; NaN = sample_bits / 2 */
  double alpha_log2;    /* alpha = 2^-alpha_log2 */
  uint64_t ewin_bytes;  /* estimate window, bytes; 0 = no estimates */
} options_t;

static volatile sig_atomic_t got_signal;
static void on_signal(int sig) { got_signal = sig; }

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void bw_add(bw_stat_t *st, double bits, double secs) {
  if (secs <= 0 || bits <= 0)
    return;
  double bps = bits / secs;
  if (st->bits == 0 || bps < st->min_bps)
    st->min_bps = bps;
  if (bps > st->max_bps)
    st->max_bps = bps;
  st->bits += bits;
  st->secs += secs;
}

/* "name: (min=..; avg=..; max=..)Mibits/s", scaled like rngtest. */
static void bw_print(const char *name, const bw_stat_t *st) {
  static const char mult[] = "KMGTPE";
  double v[3] = {st->min_bps, st->secs > 0 ? st->bits / st->secs : 0,
                 st->max_bps};
  size_t m = 0;
  while (m < sizeof(mult) - 1 && v[0] >= 1024 && v[1] >= 1024 && v[2] >= 1024) {
    for (int i = 0; i < 3; i++)
      v[i] /= 1024;
    m++;
  }
  fprintf(stderr, PREFIX "%s: (min=%.3f; avg=%.3f; max=%.3f)%s%sbits/s\n", name,
          v[0], v[1], v[2], m ? (char[]){mult[m - 1], 0} : "", m ? "i" : "");
}

typedef struct {
  options_t opt;
  fips_ctx_t ctx;
  fips_counts_t counts;
  uint64_t bytes_received, bytes_sent, blocks, statruns;
  bw_stat_t in_bw, fips_bw, out_bw, sp90b_bw;
  sp90b_health_t health; /* --sp800-90b */
  sp90b_window_t ewin;
  uint8_t *ering;
  uint64_t sp90b_blocks_failed; /* blocks with a health-test failure */
  int entropy_low;              /* the last estimate was below H */
  double start, last_dump;
  int exitstatus;
  uint8_t *out;
  size_t out_len;
} state_t;

/* The SP 800-90B lines: health-test counts and cutoffs, then the estimates
 * over the bytes in the window (computed here: about 30 ns per byte for
 * 8-bit samples, 2 us per byte for 1-bit ones, docs/rng.md). */
static void dump_sp90b(state_t *s) {
  const sp90b_health_t *h = &s->health;
  fprintf(stderr,
          PREFIX "SP 800-90B samples: %" PRIu64 " (%u-bit, H = %g bits per "
                 "sample, alpha = 2^-%g)\n",
          h->samples, h->cfg.bits, h->cfg.h, s->opt.alpha_log2);
  fprintf(stderr,
          PREFIX "SP 800-90B Repetition Count Test failures: %" PRIu64
                 " (cutoff %" PRIu32 " identical samples)\n",
          h->rct_failures, h->rct_cutoff);
  fprintf(stderr,
          PREFIX "SP 800-90B Adaptive Proportion Test failures: %" PRIu64
                 " (cutoff %" PRIu32 " of %" PRIu32 " samples)\n",
          h->apt_failures, h->apt_cutoff, h->apt_window);
  fprintf(stderr, PREFIX "SP 800-90B blocks with a failure: %" PRIu64 "\n",
          s->sp90b_blocks_failed);
  sp90b_estimate_t e;
  if (s->ering == NULL ||
      sp90b_estimate_window(&s->ewin, h->cfg.bits, &e) != SP90B_OK)
    return; /* estimates off, or fewer than 2 samples */
  s->entropy_low = e.min < h->cfg.h;
  fprintf(stderr,
          PREFIX "SP 800-90B min-entropy MCV: %.4f, Markov: %.4f, Lag: %.4f "
                 "bits per sample\n",
          e.mcv, e.markov, e.lag);
  fprintf(stderr,
          PREFIX "SP 800-90B min-entropy: %.4f bits per sample over the last "
                 "%" PRIu64 " samples (%s the claimed %g)\n",
          e.min, e.samples, s->entropy_low ? "BELOW" : "at or above",
          h->cfg.h);
}

static void dump_stats(state_t *s) {
  fprintf(stderr, PREFIX "bits received from input: %" PRIu64 "\n",
          s->bytes_received * 8);
  if (s->opt.pipemode)
    fprintf(stderr, PREFIX "bits sent to output: %" PRIu64 "\n",
            s->bytes_sent * 8);
  fprintf(stderr, PREFIX "FIPS 140-2 successes: %" PRIu64 "\n",
          s->counts.successes);
  fprintf(stderr, PREFIX "FIPS 140-2 failures: %" PRIu64 "\n",
          s->counts.failures);
  for (int i = 0; i < FIPS_N_TESTS; i++)
    fprintf(stderr, PREFIX "FIPS 140-2(2001-10-10) %s: %" PRIu64 "\n",
            fips_test_name(i), s->counts.per_test[i]);
  if (s->opt.sp90b)
    dump_sp90b(s);
  bw_print("input channel speed", &s->in_bw);
  bw_print("FIPS tests speed", &s->fips_bw);
  if (s->opt.sp90b)
    bw_print("SP 800-90B tests speed", &s->sp90b_bw);
  if (s->opt.pipemode)
    bw_print("output channel speed", &s->out_bw);
  fprintf(stderr, PREFIX "Program run time: %.0f microseconds\n",
          (now_s() - s->start) * 1e6);
}

static int write_all(state_t *s, const uint8_t *p, size_t n) {
  double t0 = now_s();
  size_t off = 0;
  while (off < n) {
    ssize_t r = write(1, p + off, n - off);
    if (r < 0 && errno == EINTR && !got_signal)
      continue;
    if (r <= 0) {
      fprintf(stderr, PREFIX "error writing to output: %s\n",
              r < 0 ? strerror(errno) : "write channel stuck");
      s->exitstatus = EXIT_IOERR;
      return -1;
    }
    off += (size_t)r;
    s->bytes_sent += (uint64_t)r;
  }
  bw_add(&s->out_bw, 8.0 * (double)n, now_s() - t0);
  return 0;
}

static int flush_out(state_t *s) {
  int r = s->out_len ? write_all(s, s->out, s->out_len) : 0;
  s->out_len = 0;
  return r;
}

/* After each block, as rngtest: stop at -c, else dump at -b / -t. */
static int after_block(state_t *s) {
  if (s->opt.blockcount && s->blocks >= s->opt.blockcount)
    return 1;
  int dump = s->opt.blockstats && ++s->statruns >= s->opt.blockstats;
  if (!dump && s->opt.timedstats_s) {
    double t = now_s();
    dump = t - s->last_dump > (double)s->opt.timedstats_s;
  }
  if (dump) {
    if (flush_out(s))
      return -1;
    dump_stats(s);
    s->last_dump = now_s();
    s->statruns = 0;
  }
  return 0;
}

/* SP 800-90B on one block: the health tests and the estimate window.
 * Returns 1 when a health test failed in it. */
static int sp90b_block(state_t *s, const uint8_t *p) {
  double t0 = now_s();
  unsigned f = sp90b_health_feed(&s->health, p, FIPS_BLOCK_BYTES);
  if (s->ering != NULL)
    sp90b_window_push(&s->ewin, p, FIPS_BLOCK_BYTES);
  bw_add(&s->sp90b_bw, FIPS_BLOCK_BITS, now_s() - t0);
  s->sp90b_blocks_failed += f != 0;
  return f != 0;
}

/* Test the whole blocks in buf[0..len); returns the bytes used, and sets
 * *stop when -c is reached or output failed. */
static size_t test_blocks(state_t *s, const uint8_t *buf, size_t len,
                          int *stop) {
  size_t off = 0;
  double t0 = now_s();
  uint64_t n = 0;
  while (!*stop && len - off >= FIPS_BLOCK_BYTES) {
    int r = fips_test_block(&s->ctx, buf + off, NULL);
    fips_count(&s->counts, (unsigned)r);
    if (s->opt.sp90b && sp90b_block(s, buf + off))
      r |= 1 << FIPS_N_TESTS; /* not written in pipe mode */
    s->bytes_received += FIPS_BLOCK_BYTES;
    s->blocks++;
    n++;
    if (r == 0 && s->opt.pipemode) {
      if (s->out_len + FIPS_BLOCK_BYTES > BUF_BYTES && flush_out(s))
        *stop = 1;
      memcpy(s->out + s->out_len, buf + off, FIPS_BLOCK_BYTES);
      s->out_len += FIPS_BLOCK_BYTES;
    }
    off += FIPS_BLOCK_BYTES;
    int a = after_block(s);
    if (a != 0 || got_signal)
      *stop = 1;
  }
  bw_add(&s->fips_bw, (double)n * FIPS_BLOCK_BITS, now_s() - t0);
  return off;
}

/* read() into buf until `want` bytes or EOF/error.  Returns bytes read;
 * *eof / *err set accordingly.  A signal stops it. */
static size_t read_some(state_t *s, uint8_t *buf, size_t want, int *eof,
                        int *err) {
  double t0 = now_s();
  ssize_t r;
  do {
    r = read(0, buf, want);
  } while (r < 0 && (errno == EINTR || errno == EAGAIN) && !got_signal);
  if (r < 0) {
    if (!got_signal) {
      fprintf(stderr, PREFIX "error reading input: %s\n", strerror(errno));
      *err = 1;
    }
    return 0;
  }
  if (r == 0) {
    *eof = 1;
    return 0;
  }
  bw_add(&s->in_bw, 8.0 * (double)r, now_s() - t0);
  return (size_t)r;
}

/* The 4 (pipe mode: 8) bytes before the first block. */
static int bootstrap(state_t *s, uint8_t *buf) {
  size_t need = s->opt.pipemode ? 8 : 4, have = 0;
  int eof = 0, err = 0;
  while (have < need && !eof && !err && !got_signal)
    have += read_some(s, buf + have, need - have, &eof, &err);
  if (have < need) { /* rngtest: exit 1, no statistics, also on an error */
    if (err)
      exit(EXIT_FAIL);
    if (!s->opt.pipemode)
      fprintf(stderr, PREFIX "entropy source drained\n");
    exit(EXIT_FAIL);
  }
  s->bytes_received += need;
  fips_init(&s->ctx, fips_word(buf + need - 4),
            s->opt.rngtest5 ? FIPS_COMPAT_RNGTEST5 : FIPS_CORRECT);
  if (s->opt.impl != NULL) {
    for (int i = 0; i < FIPS_IMPL_COUNT; i++)
      if (strcmp(s->opt.impl, fips_impl_name(i)) == 0 &&
          fips_set_impl(&s->ctx, i) == FIPS_OK)
        return 0;
    fprintf(stderr, PREFIX "code path \"%s\" not available here\n",
            s->opt.impl);
    exit(EXIT_USAGE);
  }
  return 0;
}

static void run(state_t *s, uint8_t *buf) {
  size_t have = 0;
  int eof = 0, err = 0, stop = 0;
  bootstrap(s, buf);
  while (!stop && !got_signal) {
    size_t r = read_some(s, buf + have, BUF_BYTES - have, &eof, &err);
    have += r;
    size_t used = test_blocks(s, buf, have, &stop);
    memmove(buf, buf + used, have - used);
    have -= used;
    /* Pipe mode: out with the good blocks of this read now.  A slow source
     * gets each block through as soon as it is complete (rngtest writes
     * each block at once); fast input still goes out in large writes. */
    if (flush_out(s))
      break;
    if (eof || err)
      break;
  }
  if ((eof || err) && !stop)
    s->bytes_received += have; /* a trailing partial block: not tested */
  if (eof && !s->opt.pipemode)
    fprintf(stderr, PREFIX "entropy source drained\n");
  if (err)
    s->exitstatus = EXIT_IOERR;
  flush_out(s);
}

static void usage(FILE *f) {
  fprintf(f,
          "Usage: fipstest [OPTION...]\n"
          "Check the randomness of data using FIPS 140-2 RNG tests (a "
          "faster twin of rngtest).\n\n"
          "  -c, --blockcount=n   Exit after processing n blocks (default: "
          "0)\n"
          "  -p, --pipe           Enable pipe mode: work silently, and echo "
          "to stdout all good blocks\n"
          "  -t, --timedstats=n   Dump statistics every n seconds (default: "
          "0)\n"
          "  -b, --blockstats=n   Dump statistics every n blocks (default: "
          "0)\n"
          "      --rngtest5       Reproduce the runs-test bug of rng-tools 5\n"
          "      --impl=NAME      Force a code path: generic, popcnt, avx2\n"
          "      --sp800-90b      Also run the NIST SP 800-90B health tests "
          "(RCT, APT)\n"
          "                       and min-entropy estimates (MCV, Markov, "
          "Lag)\n"
          "      --sample-bits=n  SP 800-90B sample width: 8 (bytes, "
          "default) or 1 (bits)\n"
          "      --claimed-entropy=H  claimed min-entropy, bits per sample "
          "(default n/2)\n"
          "      --alpha=a        false-positive rate 2^-a per test, 20..40 "
          "(default 30)\n"
          "      --entropy-window=bytes  estimate over the last bytes, 0 = "
          "off\n"
          "                       (default 1048576; 65536 for 1-bit "
          "samples)\n"
          "  -?, --help           Give this help list\n"
          "  -V, --version        Print program version\n\n"
          "FIPS tests operate on 20000-bit blocks.  Data is read from stdin.  "
          "Statistics and messages are sent to stderr.\n\n"
          "If no errors happen nor any blocks fail the FIPS tests, the "
          "program will return exit status 0.  If any blocks fail the tests, "
          "the exit status will be 1.  With --sp800-90b, also if a health "
          "test fails or the min-entropy estimate is below the claimed "
          "entropy.\n");
}

static uint64_t count_arg(const char *arg) {
  char *end = NULL;
  errno = 0;
  long long v = strtoll(arg, &end, 0); /* like rngtest's %i */
  if (errno != 0 || end == arg || *end != '\0' || v < 0 || v > INT32_MAX) {
    fprintf(stderr,
            "fipstest: invalid count \"%s\"\n"
            "Try `fipstest --help' for more information.\n",
            arg);
    exit(EXIT_USAGE);
  }
  return (uint64_t)v;
}

/* A number of an SP 800-90B option in [lo, hi]; exits 10 otherwise. */
static double number_arg(const char *name, const char *arg, double lo,
                         double hi) {
  char *end = NULL;
  errno = 0;
  double v = strtod(arg, &end);
  if (errno != 0 || end == arg || *end != '\0' || !(v >= lo && v <= hi)) {
    fprintf(stderr,
            "fipstest: --%s must be a number from %g to %g, not \"%s\"\n"
            "Try `fipstest --help' for more information.\n",
            name, lo, hi, arg);
    exit(EXIT_USAGE);
  }
  return v;
}

/* The SP 800-90B state from the options (after parsing). */
static void sp90b_setup(state_t *s) {
  options_t *o = &s->opt;
  if (isnan(o->claimed_h))
    o->claimed_h = o->sample_bits / 2.0;
  if (o->claimed_h > o->sample_bits) {
    fprintf(stderr, "fipstest: --claimed-entropy must be at most "
                    "--sample-bits (%u)\n", o->sample_bits);
    exit(EXIT_USAGE);
  }
  sp90b_config_t cfg = {.bits = o->sample_bits, .h = o->claimed_h,
                        .alpha = exp2(-o->alpha_log2)};
  sp90b_status_t st = sp90b_health_init(&s->health, &cfg);
  if (st != SP90B_OK) {
    fprintf(stderr, "fipstest: SP 800-90B: %s\n", sp90b_strerror(st));
    exit(EXIT_USAGE);
  }
  if (o->ewin_bytes == UINT64_MAX) /* the plugin's default */
    o->ewin_bytes = o->sample_bits == 8 ? 1048576 : 65536;
  if (o->ewin_bytes == 0)
    return;
  s->ering = malloc(o->ewin_bytes);
  if (s->ering == NULL ||
      sp90b_window_init(&s->ewin, s->ering, o->ewin_bytes) != 0) {
    fprintf(stderr, "fipstest: out of memory\n");
    exit(EXIT_OSERR);
  }
}

static void parse(int argc, char **argv, options_t *o) {
  static const struct option longs[] = {
      {"blockcount", required_argument, NULL, 'c'},
      {"pipe", no_argument, NULL, 'p'},
      {"timedstats", required_argument, NULL, 't'},
      {"blockstats", required_argument, NULL, 'b'},
      {"rngtest5", no_argument, NULL, '5'},
      {"impl", required_argument, NULL, 'i'},
      {"sp800-90b", no_argument, NULL, 'S'},
      {"sample-bits", required_argument, NULL, 'B'},
      {"claimed-entropy", required_argument, NULL, 'H'},
      {"alpha", required_argument, NULL, 'A'},
      {"entropy-window", required_argument, NULL, 'W'},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0}};
  int c;
  opterr = 0;
  o->sample_bits = 8;
  o->claimed_h = NAN;
  o->alpha_log2 = 30;
  o->ewin_bytes = UINT64_MAX; /* unset */
  for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
    if (strcmp(argv[i], "-?") == 0) { /* rngtest's (argp's) help option */
      usage(stdout);
      exit(0);
    }
  while ((c = getopt_long(argc, argv, "c:pt:b:V", longs, NULL)) != -1) {
    switch (c) {
    case 'c':
      o->blockcount = count_arg(optarg);
      break;
    case 'b':
      o->blockstats = count_arg(optarg);
      break;
    case 't':
      o->timedstats_s = count_arg(optarg);
      break;
    case 'p':
      o->pipemode = 1;
      break;
    case '5':
      o->rngtest5 = 1;
      break;
    case 'i':
      o->impl = optarg;
      break;
    case 'S':
      o->sp90b = 1;
      break;
    case 'B':
      o->sample_bits = (unsigned)number_arg("sample-bits", optarg, 1, 8);
      if (o->sample_bits != 1 && o->sample_bits != 8) {
        fprintf(stderr, "fipstest: --sample-bits must be 1 or 8\n");
        exit(EXIT_USAGE);
      }
      break;
    case 'H':
      o->claimed_h = number_arg("claimed-entropy", optarg, 1e-6, 8);
      break;
    case 'A':
      o->alpha_log2 = number_arg("alpha", optarg, 20, 40);
      break;
    case 'W':
      o->ewin_bytes = (uint64_t)number_arg("entropy-window", optarg, 0, 1 << 30);
      break;
    case 'V':
      printf("fipstest (collectd-timekeeper) %s\n", PACKAGE_VERSION);
      exit(0);
    case 'h':
      usage(stdout);
      exit(0);
    default:
      fprintf(stderr, "fipstest: bad option or missing argument\n"
                      "Try `fipstest --help' for more information.\n");
      exit(EXIT_USAGE);
    }
  }
  if (optind < argc) {
    fprintf(stderr, "fipstest: too many arguments\n");
    exit(EXIT_USAGE);
  }
}

int main(int argc, char **argv) {
  static state_t s;
  struct sigaction sa;
  parse(argc, argv, &s.opt);
  if (s.opt.sp90b)
    sp90b_setup(&s);
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal; /* no SA_RESTART: read() returns EINTR */
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0) {
    fprintf(stderr, "fipstest: unable to install signal handlers: %s\n",
            strerror(errno));
    return EXIT_OSERR;
  }
  uint8_t *buf = malloc(BUF_BYTES);
  s.out = s.opt.pipemode ? malloc(BUF_BYTES) : NULL;
  if (buf == NULL || (s.opt.pipemode && s.out == NULL)) {
    fprintf(stderr, "fipstest: out of memory\n");
    return EXIT_OSERR;
  }
#ifdef F_SETPIPE_SZ
  fcntl(0, F_SETPIPE_SZ, (int)BUF_BYTES); /* fewer wake-ups; may fail */
#endif
  s.start = s.last_dump = now_s();
  if (!s.opt.pipemode) {
    fips_ctx_t probe;
    fips_init(&probe, 0, FIPS_CORRECT);
    fprintf(stderr,
            "fipstest (collectd-timekeeper) %s: FIPS 140-2 runs test %s, "
            "code path %s\n\n" PREFIX "starting FIPS tests...\n",
            PACKAGE_VERSION,
            s.opt.rngtest5 ? "as in rng-tools 5 (--rngtest5)" : "correct",
            s.opt.impl ? s.opt.impl : fips_impl_name(probe.impl));
  }
  run(&s, buf);
  dump_stats(&s);
  if (s.exitstatus == 0 && (s.counts.failures || !s.counts.successes))
    s.exitstatus = EXIT_FAIL;
  if (s.exitstatus == 0 && s.opt.sp90b &&
      (s.health.rct_failures || s.health.apt_failures || s.entropy_low))
    s.exitstatus = EXIT_FAIL;
  free(buf);
  free(s.ering);
  free(s.out);
  return s.exitstatus;
}
