/* SPDX-License-Identifier: MIT
 * rng plugin - kernel entropy/crng state and the hardware RNG in use, and
 * FIPS 140-2 failure rates and NIST SP 800-90B health tests and min-entropy
 * estimates of live random sources (<Source> blocks).
 * Sources: /proc/sys/kernel/random, /sys/class/misc/hw_random, getrandom(),
 * and each Source's Device, read non-blocking for at most MaxReadTime, or
 * the CPU's RDRAND / RDSEED instruction (Device "rdrand" / "rdseed").
 * Privileges: none for the pool; reading /dev/hwrng needs root (0600).
 */
#include "collectd.h"
#include "plugin.h"
#include "utils/common/common.h"
#include "utils_complain.h"

#include "common/fips.h"
#include "common/rng_health.h"
#include "common/sp800_90b.h"
#include "plugins/cdutil.h"
#include "plugins/rng_int.h"

#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stddef.h>
#include <sys/random.h>
#include <time.h>

#define RNG_CHUNK 65536
#define RNG_MAX_BYTES (16 << 20)
/* Blocks in a row (counted across intervals) failing the continuous test
 * that mark a source stuck: a good source fails it with p = 625 * 2^-32 =
 * 1.5e-7 per block, so two in a row come by chance with p = 2e-14. */
#define RNG_STUCK_RUN 2
/* EntropyWindow bounds, bytes: 0 (off) or RNG_EWIN_MIN .. RNG_MAX_BYTES. */
#define RNG_EWIN_MIN 1024

typedef struct { /* what one Source read dispatches */
  int64_t blocks, failed, per_test[FIPS_N_TESTS];
  int64_t bytes_read, bytes_short, read_errors;
  double window_failed_pct, window_blocks, improbability, stuck, alarm;
  int64_t rct_failures, apt_failures;
  double health_alarm;
  double ent_mcv, ent_markov, ent_lag, ent_min, ent_low;
  int64_t cpu_failures;
} rng_snap_t;

/* The metric tables rng_pool_metrics, rng_source_metrics and rng_cpu_metrics
 * (CPU RNG sources only), generated from plugins/rng.metrics.tsv: the one
 * place an rng metric is named (besides the per-device bool-hwrng_NAME rows
 * of the kernel instance). */
#include "rng_metrics.h"

typedef struct {
  char name[DATA_MAX_NAME_LEN];
  char device[PATH_MAX];
  size_t bytes_per_interval, window_size;
  double max_read_s, p_good, notify_log10;
  int fd;
  fips_stream_t stream;
  fips_counts_t counts;
  int64_t bytes_read, bytes_short, read_errors;
  rng_window_t window;
  uint8_t *ring, *buf;
  int alarm;
  int cont_run; /* blocks in a row, up to the last, failing continuous */
  cdu_state_t alarm_state, stuck_state;
  c_complain_t complaint;
  /* SP 800-90B: health tests on every byte read; estimates over the last
   * EntropyWindow bytes, recomputed every EntropyEvery reads once full. */
  sp90b_health_t health;
  sp90b_window_t ewin;
  uint8_t *ering;
  size_t ewin_size;   /* bytes, 0 = no estimates */
  unsigned est_every; /* reads */
  unsigned est_age;   /* reads since the last estimate */
  sp90b_estimate_t est;
  int ent_low; /* est.min < claimed H */
  cdu_state_t health_state, ent_state;
  /* Device "rdrand" / "rdseed": the instruction (cpu.step NULL: a file). */
  rng_cpu_t cpu;
  uint64_t cpu_failures; /* executions with carry clear */
} rng_source_t;

static char rng_proc_root[PATH_MAX] = "/proc";
static char rng_sys_root[PATH_MAX] = "/sys";
static bool rng_kernel = true;
static rng_getrandom_fn rng_getrandom = getrandom; /* a seam for tests */
/* cpuid, and the instruction it finds (a seam for tests). */
static rng_cpu_step_fn (*rng_cpu_probe)(rng_cpu_insn_t insn,
                                        const char **why) = rng_cpu_detect;

static void rng_source_free(void *arg) {
  rng_source_t *s = arg;
  if (s == NULL)
    return;
  if (s->fd >= 0)
    close(s->fd);
  sfree(s->ring);
  sfree(s->buf);
  sfree(s->ering);
  sfree(s);
}

/* ------------------------------------------------------------ sources */

typedef struct { /* one interval of one Source */
  size_t target, got; /* BytesPerInterval (+ 4 for the bootstrap word) */
  int blocks, error;
  rng_period_t period;
} rng_interval_t;

static double rng_mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Wait up to 10 ms (at most `left` s) for data.  /dev/hwrng has no poll():
 * poll() reports it readable at once, so sleep 1 ms instead of spinning. */
static void rng_wait(int fd, double left) {
  struct pollfd pfd = {.fd = fd, .events = POLLIN};
  int ms = left >= 0.010 ? 10 : (int)(left * 1000) + 1;
  double t0 = rng_mono();
  if (poll(&pfd, 1, ms) > 0 && rng_mono() - t0 < 0.0005)
    nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
}

/* Test the bytes: whole blocks into the counters and the window. */
static void rng_feed(rng_source_t *s, const uint8_t *p, size_t n,
                     rng_interval_t *iv) {
  rng_period_feed(&iv->period, p, n);
  sp90b_health_feed(&s->health, p, n);
  if (s->ering != NULL)
    sp90b_window_push(&s->ewin, p, n);
  while (n > 0) {
    size_t used = 0;
    unsigned res = 0;
    int r = fips_stream_next(&s->stream, p, n, &used, &res);
    if (r < 0)
      return;
    p += used;
    n -= used;
    if (r == 1) {
      fips_count(&s->counts, res);
      rng_window_push(&s->window, res != 0);
      iv->blocks++;
      s->cont_run = (res & FIPS_CONTINUOUS) ? s->cont_run + 1 : 0;
    }
  }
}

static int rng_open(rng_source_t *s) {
  if (s->fd >= 0)
    return 0;
  s->fd = open(s->device, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (s->fd >= 0)
    return 0;
  s->read_errors++;
  c_complain(LOG_ERR, &s->complaint,
             "rng plugin: Source \"%s\": cannot open %s: %s", s->name,
             s->device, STRERRNO);
  return -1;
}

/* The CPU's RNG: words in chunks of up to RNG_CHUNK bytes until
 * BytesPerInterval, MaxReadTime (checked between chunks), or a word that
 * could not be had after its retries (rng_cpu.c): then the rest of the
 * interval is short, as for a silent device. */
static void rng_cpu_acquire(rng_source_t *s, rng_interval_t *iv) {
  double deadline = rng_mono() + s->max_read_s;
  while (iv->got < iv->target) {
    size_t want = iv->target - iv->got;
    if (want > RNG_CHUNK)
      want = RNG_CHUNK;
    size_t r = rng_cpu_fill(&s->cpu, s->buf, want, &s->cpu_failures);
    iv->got += r;
    s->bytes_read += (int64_t)r;
    rng_feed(s, s->buf, r, iv);
    if (r < want) {
      c_complain(LOG_ERR, &s->complaint,
                 "rng plugin: Source \"%s\": %s returned no data (carry "
                 "flag clear) %u times in a row; %zu bytes short in this "
                 "interval.",
                 s->name, rng_cpu_name(s->cpu.insn), s->cpu.retries + 1,
                 iv->target - iv->got);
      return;
    }
    if (rng_mono() >= deadline)
      return;
  }
}

/* Read up to BytesPerInterval, for at most MaxReadTime (plus one read()).
 * At end of file (a regular file, a FIFO without writer) the device is
 * reopened, once per interval: a file is read again from its start. */
static void rng_acquire(rng_source_t *s, rng_interval_t *iv) {
  if (s->cpu.step != NULL) {
    rng_cpu_acquire(s, iv);
    return;
  }
  double deadline = rng_mono() + s->max_read_s;
  int reopened = 0;
  while (iv->got < iv->target) {
    if (rng_open(s) != 0) {
      iv->error = 1;
      return;
    }
    size_t want = iv->target - iv->got;
    ssize_t r = read(s->fd, s->buf, want < RNG_CHUNK ? want : RNG_CHUNK);
    int again = r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    if (r > 0) {
      iv->got += (size_t)r;
      s->bytes_read += r;
      rng_feed(s, s->buf, (size_t)r, iv);
    } else if (r < 0 && errno == EINTR) {
      continue;
    } else if (r == 0 || !again) {
      if (r < 0) {
        s->read_errors++;
        iv->error = 1;
        c_complain(LOG_ERR, &s->complaint,
                   "rng plugin: Source \"%s\": reading %s failed: %s", s->name,
                   s->device, STRERRNO);
      }
      close(s->fd);
      s->fd = -1;
      if (r < 0 || reopened++)
        return;
      continue;
    }
    double left = deadline - rng_mono();
    if (left <= 0)
      return;
    if (again)
      rng_wait(s->fd, left);
  }
}

static void rng_notify(rng_source_t *s, const rng_interval_t *iv,
                       const rng_snap_t *snap) {
  int per = rng_period_get(&iv->period);
  if (snap->stuck > 0)
    cdu_notify_change(
        &s->stuck_state, 1, NOTIF_FAILURE, "rng", s->name, "bool", "stuck",
        "rng plugin: Source \"%s\" (%s) looks stuck: %s%d%s.", s->name,
        s->device, per ? "its data repeats with a period of " : "its last ",
        per ? per : s->cont_run,
        per ? " byte(s)" : " blocks failed the continuous test");
  else
    cdu_notify_change(&s->stuck_state, 0, NOTIF_OKAY, "rng", s->name, "bool",
                      "stuck",
                      "rng plugin: Source \"%s\" (%s) is no longer "
                      "stuck.",
                      s->name, s->device);
  cdu_notify_change(
      &s->alarm_state, s->alarm, s->alarm ? NOTIF_FAILURE : NOTIF_OKAY, "rng",
      s->name, "gauge", "failure_improbability",
      "rng plugin: Source \"%s\" (%s): %zu of the last %zu blocks failed "
      "FIPS 140-2 tests; a good source (%g of its blocks fail) does that with "
      "probability 10^-%.1f%s.",
      s->name, s->device, s->window.failed, s->window.n, s->p_good,
      snap->improbability, s->alarm ? "" : " (back to normal)");
}

/* SP 800-90B notifications: the health alarm of this interval and the
 * estimate against the claimed H (each once per change). */
static void rng_notify_sp90b(rng_source_t *s) {
  const sp90b_health_t *h = &s->health;
  cdu_notify_change(
      &s->health_state, h->alarm, h->alarm ? NOTIF_FAILURE : NOTIF_OKAY,
      "rng", s->name, "bool", "sp90b_alarm",
      "rng plugin: Source \"%s\" (%s): SP 800-90B health tests %s: %" PRIu64
      " Repetition Count Test failure(s) (cutoff %" PRIu32
      " equal samples), %" PRIu64 " Adaptive Proportion Test failure(s) "
      "(cutoff %" PRIu32 " of %" PRIu32 " samples) in total; %u-bit samples, "
      "H = %g bits, alpha = 2^%g.",
      s->name, s->device, h->alarm ? "failed" : "pass again", h->rct_failures,
      h->rct_cutoff, h->apt_failures, h->apt_cutoff, h->apt_window,
      h->cfg.bits, h->cfg.h, log2(h->cfg.alpha));
  if (isnan(s->est.min))
    return;
  cdu_notify_change(
      &s->ent_state, s->ent_low, s->ent_low ? NOTIF_FAILURE : NOTIF_OKAY,
      "rng", s->name, "bool", "entropy_low",
      "rng plugin: Source \"%s\" (%s): SP 800-90B min-entropy estimate %.3f "
      "bits per sample (MCV %.3f, Markov %.3f, Lag %.3f over %" PRIu64
      " samples) is %s the claimed %g.",
      s->name, s->device, s->est.min, s->est.mcv, s->est.markov, s->est.lag,
      s->est.samples, s->ent_low ? "below" : "again at or above", h->cfg.h);
}

/* The estimates: NaN until the window is full, then recomputed on the
 * first full read and every EntropyEvery reads (cost: docs/rng.md). */
static void rng_estimate(rng_source_t *s) {
  if (s->ering == NULL || s->ewin.n < s->ewin.size)
    return;
  if (!isnan(s->est.min) && ++s->est_age < s->est_every)
    return;
  s->est_age = 0;
  if (sp90b_estimate_window(&s->ewin, s->health.cfg.bits, &s->est) !=
      SP90B_OK)
    return;
  s->ent_low = s->est.min < s->health.cfg.h;
}

static int rng_source_read(user_data_t *ud) {
  rng_source_t *s = ud->data;
  rng_interval_t iv = {.target = s->bytes_per_interval};
  rng_snap_t snap;
  rng_period_reset(&iv.period);
  if (!s->stream.bootstrapped) /* BytesPerInterval 2500: a block at once */
    iv.target += 4 - s->stream.pending;
  rng_acquire(s, &iv);
  s->bytes_short += (int64_t)(iv.target - iv.got);
  if (iv.got == 0 && !iv.error) /* a silent device, a FIFO without writer */
    c_complain(LOG_WARNING, &s->complaint,
               "rng plugin: Source \"%s\": %s delivered no data within "
               "MaxReadTime (%.3f s).",
               s->name, s->device, s->max_read_s);
  if (iv.got > 0 && !iv.error)
    c_release(LOG_INFO, &s->complaint,
              "rng plugin: Source \"%s\": %s delivers again.", s->name,
              s->device);
  snap.blocks = (int64_t)(s->counts.successes + s->counts.failures);
  snap.failed = (int64_t)s->counts.failures;
  for (int i = 0; i < FIPS_N_TESTS; i++)
    snap.per_test[i] = (int64_t)s->counts.per_test[i];
  snap.bytes_read = s->bytes_read;
  snap.bytes_short = s->bytes_short;
  snap.read_errors = s->read_errors;
  /* Nothing read this interval: the window says nothing new - NaN. */
  int fresh = iv.got > 0, have = fresh && s->window.n > 0;
  size_t n = s->window.n, k = s->window.failed;
  snap.window_blocks = fresh ? (double)n : NAN;
  snap.window_failed_pct = have ? 100.0 * (double)k / (double)n : NAN;
  snap.improbability = have ? rng_binom_tail_log10(n, k, s->p_good) : NAN;
  if (!isnan(snap.improbability)) /* on at NotifyLog10, off below 1/3 */
    s->alarm = snap.improbability >=
               (s->alarm ? s->notify_log10 / 3 : s->notify_log10);
  snap.alarm = fresh ? s->alarm : NAN;
  /* Stuck: periodic data, or the stream ending in RNG_STUCK_RUN blocks in a
   * row failing the continuous test, counted in blocks across intervals (a
   * lone failing block - a good source's chance - never suffices, even when
   * it is the only block of the interval; a source that got stuck in the
   * middle of this read is flagged by this read, not the next). */
  snap.stuck = fresh ? (rng_period_get(&iv.period) != 0 ||
                        (iv.blocks > 0 && s->cont_run >= RNG_STUCK_RUN))
                     : NAN;
  if (fresh)
    rng_estimate(s);
  snap.rct_failures = (int64_t)s->health.rct_failures;
  snap.apt_failures = (int64_t)s->health.apt_failures;
  snap.health_alarm = fresh ? s->health.alarm : NAN;
  snap.ent_mcv = fresh ? s->est.mcv : NAN;
  snap.ent_markov = fresh ? s->est.markov : NAN;
  snap.ent_lag = fresh ? s->est.lag : NAN;
  snap.ent_min = fresh ? s->est.min : NAN;
  snap.ent_low = fresh && !isnan(s->est.min) ? s->ent_low : NAN;
  snap.cpu_failures = (int64_t)s->cpu_failures;
  cdu_dispatch_table("rng", s->name, rng_source_metrics,
                     CDU_TABLE_SIZE(rng_source_metrics), &snap);
  if (s->cpu.step != NULL)
    cdu_dispatch_table("rng", s->name, rng_cpu_metrics,
                       CDU_TABLE_SIZE(rng_cpu_metrics), &snap);
  if (fresh) {
    rng_notify(s, &iv, &snap);
    rng_notify_sp90b(s);
    sp90b_health_ack(&s->health);
  }
  /* -1 (collectd's read backoff) only for open()/read() errors.  A source
   * that merely delivered nothing (a FIFO whose writer is not there yet or
   * restarts, a slow device) is a short read, counted in total_bytes-short:
   * with -1 collectd suspended the callback, the values stopped, and the
   * threshold plugin reported every series of the source "missing" (a
   * FAILURE) after a one-interval gap (tests/scenarios/rng_stuck.sh). */
  return iv.error ? -1 : 0;
}

/* ------------------------------------------------------------ config */

/* SP 800-90B options: cross-checks, then the health state and the window. */
static int rng_sp90b_setup(rng_source_t *s, double bits, double h,
                           double alpha_log2, double ewin) {
  if (bits != 1 && bits != 8) {
    ERROR("rng plugin: Source \"%s\": SampleBits must be 1 or 8.", s->name);
    return -1;
  }
  if (isnan(h)) /* the default: half the sample width (docs/rng.md) */
    h = bits / 2;
  if (!(h > 0 && h <= bits)) {
    ERROR("rng plugin: Source \"%s\": ClaimedEntropy must be above 0 and at "
          "most SampleBits (%g) bits per sample.",
          s->name, bits);
    return -1;
  }
  if (isnan(ewin)) /* the default bounds the Lag estimate's cost */
    ewin = bits == 8 ? 1048576 : 65536;
  if (ewin != 0 && ewin < RNG_EWIN_MIN) {
    ERROR("rng plugin: Source \"%s\": EntropyWindow must be 0 (off) or a "
          "number from %d to %d bytes.",
          s->name, RNG_EWIN_MIN, RNG_MAX_BYTES);
    return -1;
  }
  sp90b_config_t cfg = {.bits = (unsigned)bits, .h = h,
                        .alpha = exp2(-alpha_log2)};
  sp90b_status_t st = sp90b_health_init(&s->health, &cfg);
  if (st != SP90B_OK) {
    ERROR("rng plugin: Source \"%s\": SP 800-90B: %s.", s->name,
          sp90b_strerror(st));
    return -1;
  }
  s->ewin_size = (size_t)ewin;
  s->est = (sp90b_estimate_t){.mcv = NAN, .markov = NAN, .lag = NAN,
                              .min = NAN};
  if (s->ewin_size == 0)
    return 0;
  s->ering = malloc(s->ewin_size);
  if (s->ering == NULL ||
      sp90b_window_init(&s->ewin, s->ering, s->ewin_size) != 0)
    return -1;
  return 0;
}

/* Device "rdrand" / "rdseed" (any case): the instruction, if cpuid has it;
 * so is a Source of that name without a Device.  Returns 0 for those and
 * for paths, -1 for an absent instruction. */
static int rng_cpu_setup(rng_source_t *s) {
  rng_cpu_insn_t insn;
  if (s->device[0] == '\0' && (strcasecmp(s->name, "rdrand") == 0 ||
                               strcasecmp(s->name, "rdseed") == 0))
    sstrncpy(s->device, s->name, sizeof(s->device));
  if (strcasecmp(s->device, "rdrand") == 0)
    insn = RNG_CPU_RDRAND;
  else if (strcasecmp(s->device, "rdseed") == 0)
    insn = RNG_CPU_RDSEED;
  else
    return 0;
  const char *why = "not available";
  rng_cpu_step_fn step = rng_cpu_probe(insn, &why);
  if (step == NULL) {
    ERROR("rng plugin: Source \"%s\": Device \"%s\": %s.", s->name,
          s->device, why);
    return -1;
  }
  rng_cpu_init(&s->cpu, insn, step);
  sstrncpy(s->device, insn == RNG_CPU_RDSEED ? "rdseed" : "rdrand",
           sizeof(s->device));
  return 0;
}

/* Checks across options, and the buffers of a configured Source. */
static int rng_source_setup(rng_source_t *s) {
  if (rng_cpu_setup(s) != 0)
    return -1;
  if (s->cpu.step == NULL && s->device[0] != '/') {
    ERROR("rng plugin: Source \"%s\": Device must be an absolute path, "
          "\"rdrand\" or \"rdseed\".",
          s->name);
    return -1;
  }
  if (strncmp(s->name, "kernel", strlen("kernel")) == 0) {
    ERROR("rng plugin: Source \"%s\": names starting with \"kernel\" are "
          "taken by the pool values; choose another.",
          s->name);
    return -1;
  }
  s->ring = malloc(s->window_size);
  s->buf = malloc(RNG_CHUNK);
  if (s->ring == NULL || s->buf == NULL ||
      rng_window_init(&s->window, s->ring, s->window_size) != 0 ||
      fips_stream_init(&s->stream, FIPS_CORRECT) != FIPS_OK)
    return -1;
  return 0;
}

/* Upper bound on one estimate over EntropyWindow, seconds: measured 29 ns
 * per byte for 8-bit samples, 1.9 us per byte for 1-bit ones (the Lag
 * estimate dominates, docs/rng.md), doubled for a loaded machine. */
static double rng_estimate_cost(const rng_source_t *s) {
  double per_byte = s->health.cfg.bits == 1 ? 4e-6 : 6e-8;
  return (double)s->ewin_size * per_byte;
}

static int rng_config_source(oconfig_item_t *ci) {
  rng_source_t *s = calloc(1, sizeof(*s));
  cdtime_t interval = 0;
  double bytes = 5000, window = 1000;
  double bits = 8, h = NAN, alpha_log2 = 30, ewin = NAN, every = 6;
  int status = 0;
  if (s == NULL)
    return -1;
  s->fd = -1;
  s->max_read_s = 0.5;
  s->p_good = 0.001;
  s->notify_log10 = 9;
  if (cdu_block_name("rng", ci, s->name, sizeof(s->name)) != 0) {
    sfree(s);
    return -1;
  }
  for (int i = 0; i < ci->children_num && status == 0; i++) {
    oconfig_item_t *c = ci->children + i;
    if (strcasecmp("Device", c->key) == 0)
      status = cf_util_get_string_buffer(c, s->device, sizeof(s->device));
    else if (strcasecmp("BytesPerInterval", c->key) == 0)
      status = cdu_get_double_range("rng", ci, c, 4, RNG_MAX_BYTES, &bytes);
    else if (strcasecmp("Interval", c->key) == 0)
      status = cf_util_get_cdtime(c, &interval);
    else if (strcasecmp("MaxReadTime", c->key) == 0)
      status = cdu_get_double_range("rng", ci, c, 0.001, 10, &s->max_read_s);
    else if (strcasecmp("Window", c->key) == 0)
      status = cdu_get_double_range("rng", ci, c, 1, 1000000, &window);
    else if (strcasecmp("GoodFailureRate", c->key) == 0)
      status = cdu_get_double_range("rng", ci, c, 1e-9, 0.5, &s->p_good);
    else if (strcasecmp("NotifyLog10", c->key) == 0)
      status = cdu_get_double_range("rng", ci, c, 1, 300, &s->notify_log10);
    else if (strcasecmp("SampleBits", c->key) == 0)
      status = cdu_get_double_range("rng", ci, c, 1, 8, &bits);
    else if (strcasecmp("ClaimedEntropy", c->key) == 0)
      status = cdu_get_double_range("rng", ci, c, 1e-6, 8, &h);
    else if (strcasecmp("Alpha", c->key) == 0)
      status = cdu_get_double_range("rng", ci, c, 20, 40, &alpha_log2);
    else if (strcasecmp("EntropyWindow", c->key) == 0)
      status = cdu_get_double_range("rng", ci, c, 0, RNG_MAX_BYTES, &ewin);
    else if (strcasecmp("EntropyEvery", c->key) == 0)
      status = cdu_get_double_range("rng", ci, c, 1, 100000, &every);
    else
      status = cdu_unknown_option("rng", ci, s->name, c);
  }
  if (status == 0) { /* only in range once every option passed */
    s->bytes_per_interval = (size_t)bytes;
    s->window_size = (size_t)window;
    s->est_every = (unsigned)every;
    status = rng_source_setup(s);
    if (status == 0)
      status = rng_sp90b_setup(s, bits, h, alpha_log2, floor(ewin));
  }
  if (status != 0) {
    ERROR("rng plugin: Source \"%s\" rejected.", s->name);
    rng_source_free(s);
    return -1;
  }
  if (s->max_read_s >=
      CDTIME_T_TO_DOUBLE(interval ? interval : plugin_get_interval()))
    WARNING("rng plugin: Source \"%s\": MaxReadTime %.3f s is not shorter "
            "than the interval.",
            s->name, s->max_read_s);
  C_COMPLAIN_INIT(&s->complaint);
  /* MaxReadTime plus one read() plus one estimate (docs/rng.md). */
  return cdu_register_read_bounded(
      "rng", s->name, rng_source_read, interval,
      DOUBLE_TO_CDTIME_T(s->max_read_s + rng_estimate_cost(s)), s,
      rng_source_free);
}

static int rng_config(oconfig_item_t *ci) {
  int status = 0;
  for (int i = 0; i < ci->children_num; i++) {
    oconfig_item_t *c = ci->children + i;
    int r;
    if (strcasecmp("Source", c->key) == 0)
      r = rng_config_source(c);
    else if (strcasecmp("ProcRoot", c->key) == 0)
      r = cf_util_get_string_buffer(c, rng_proc_root, sizeof(rng_proc_root));
    else if (strcasecmp("SysRoot", c->key) == 0)
      r = cf_util_get_string_buffer(c, rng_sys_root, sizeof(rng_sys_root));
    else if (strcasecmp("Kernel", c->key) == 0)
      r = cf_util_get_boolean(c, &rng_kernel);
    else {
      ERROR("rng plugin: unknown option \"%s\".", c->key);
      r = -1;
    }
    if (r != 0)
      status = -1;
  }
  return cdu_config_result("rng", status);
}

/* ------------------------------------------------------------ kernel */

static int rng_kernel_read(user_data_t *ud) {
  rng_pool_t p;
  (void)ud;
  if (rng_pool_read(rng_proc_root, rng_sys_root, rng_getrandom, &p) == 0) {
    ERROR("rng plugin: nothing readable under %s/sys/kernel/random.",
          rng_proc_root);
    cdu_dispatch_table("rng", "kernel", rng_pool_metrics,
                       CDU_TABLE_SIZE(rng_pool_metrics), NULL);
    return -1;
  }
  cdu_dispatch_table("rng", "kernel", rng_pool_metrics,
                     CDU_TABLE_SIZE(rng_pool_metrics), &p);
  for (int i = 0; i < p.n_available; i++) { /* 1 for the device in use */
    char cur[RNG_HWRNG_NAME], pi[DATA_MAX_NAME_LEN];
    rng_sanitize(cur, sizeof(cur), p.current);
    snprintf(pi, sizeof(pi), "kernel-%s", p.available[i]);
    cdu_dispatch_gauge("rng", pi, "bool", "hwrng_in_use",
                       strcmp(cur, p.available[i]) == 0 ? 1 : 0);
  }
  return 0;
}

static int rng_init(void) {
  if (rng_kernel)
    return cdu_register_read("rng", "kernel", rng_kernel_read, 0, NULL, NULL);
  return 0;
}

void module_register(void) {
  plugin_register_complex_config("rng", rng_config);
  plugin_register_init("rng", rng_init);
}
