/* SPDX-License-Identifier: MIT
 * The rng plugin under the recording mock: configuration errors, the pool
 * values from a procfs/sysfs fixture (with a fake getrandom), and Sources
 * that are regular files and FIFOs - good data, zeros, a repeating word, a
 * silent writer (the read bound), a missing device.
 * The FIPS engine itself is tested in tests/unit/test_fips.c. */
#include "plugins/rng.c" /* sic: reach the static functions */

#include "tests/mock/plugin_mock.h"
#include "tests/unit/testing.h"

#include <sys/stat.h>
#include <sys/wait.h>

static char dir[256];
static int fake_ready = 1;

static ssize_t fake_getrandom(void *buf, size_t len, unsigned flags) {
  (void)flags;
  if (!fake_ready) {
    errno = EAGAIN;
    return -1;
  }
  memset(buf, 0x5a, len);
  return (ssize_t)len;
}

/* dir/name into path (size 512). */
static const char *in_dir(char path[512], const char *name) {
  snprintf(path, 512, "%s/%s", dir, name);
  return path;
}

static void put(const char *rel, const char *text) {
  char path[512], cmd[600];
  snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", in_dir(path, rel));
  if (system(cmd) != 0)
    return;
  FILE *f = fopen(path, "w");
  if (f != NULL) {
    fputs(text, f);
    fclose(f);
  }
}

static uint64_t xs = 0x9e3779b97f4a7c15ull;
static uint8_t rnd8(void) { /* xorshift64*: a good enough "good source" */
  xs ^= xs >> 12, xs ^= xs << 25, xs ^= xs >> 27;
  return (uint8_t)((xs * 2685821657736338717ull) >> 56);
}

/* dir/name, opened for writing (NULL if it cannot be). */
static FILE *create_in_dir(const char *name) {
  char path[512];
  return fopen(in_dir(path, name), "w");
}

static void data_file(const char *name, size_t n, int kind) {
  FILE *f = create_in_dir(name);
  for (size_t i = 0; i < n && f != NULL; i++)
    fputc(kind == 0   ? 0
          : kind == 1 ? rnd8()
                      : (int)(uint8_t[]){0xde, 0xad, 0xbe, 0xef}[i % 4],
          f);
  if (f != NULL)
    fclose(f);
}

static double get(const char *pi, const char *type, const char *ti) {
  return mock_get(pi, type, ti, NULL);
}

static int configure(const char *body) {
  char text[4096];
  snprintf(text, sizeof(text), "<Plugin rng>\n%s\n</Plugin>\n", body);
  return mock_configure("rng", text);
}

static void test_config_errors(void) {
  mock_clear();
  EXPECT_EQ_INT(-1, configure("<Source \"a\">\n Device \"/dev/zero\"\n "
                              "Bogus 1\n</Source>"));
  OK(mock_log_find("Bogus") >= 0 && mock_log_find("\"a\"") >= 0);
  EXPECT_EQ_INT(-1, configure("<Source \"b\">\n BytesPerInterval 100\n"
                              "</Source>"));
  OK(mock_log_find("absolute path") >= 0);
  EXPECT_EQ_INT(-1, configure("<Source \"c\">\n Device \"dev/zero\"\n"
                              "</Source>"));
  EXPECT_EQ_INT(-1, configure("<Source \"d\">\n Device \"/dev/zero\"\n "
                              "BytesPerInterval 2\n</Source>"));
  OK(mock_log_find("BytesPerInterval must be") >= 0);
  EXPECT_EQ_INT(-1, configure("<Source \"e\">\n Device \"/dev/zero\"\n "
                              "MaxReadTime 0\n</Source>"));
  EXPECT_EQ_INT(-1, configure("<Source \"kernel\">\n Device \"/dev/zero\"\n"
                              "</Source>"));
  EXPECT_EQ_INT(-1, configure("<Source \"kernel-x\">\n Device \"/dev/zero\"\n"
                              "</Source>"));
  EXPECT_EQ_INT(-1, configure("<Source>\n Device \"/dev/zero\"\n</Source>"));
  EXPECT_EQ_INT(-1, configure("Frobnicate true"));
  OK(mock_log_find("Frobnicate") >= 0);
  EXPECT_EQ_INT(0, mock_read_count()); /* nothing registered */
}

static void test_kernel(void) {
  char conf[1024];
  put("proc/sys/kernel/random/entropy_avail", "256\n");
  put("proc/sys/kernel/random/poolsize", "256\n");
  put("sys/class/misc/hw_random/rng_current", "virtio_rng.0\n");
  put("sys/class/misc/hw_random/rng_available",
      "virtio_rng.0 tpm-rng-0 none\n");
  put("sys/class/misc/hw_random/rng_quality", "1024\n");
  put("sys/class/misc/hw_random/rng_selected", "0\n");
  snprintf(conf, sizeof(conf), "ProcRoot \"%s/proc\"\nSysRoot \"%s/sys\"", dir,
           dir);
  EXPECT_EQ_INT(0, configure(conf));
  EXPECT_EQ_INT(0, mock_init_all());
  OK(mock_has_read("rng/kernel"));
  rng_getrandom = fake_getrandom;
  fake_ready = 0;
  EXPECT_EQ_INT(0, mock_clear_read("rng/kernel"));
  EXPECT_EQ_DOUBLE(256, get("kernel", "entropy", "available"));
  EXPECT_EQ_DOUBLE(256, get("kernel", "entropy", "poolsize"));
  EXPECT_EQ_DOUBLE(1, get("kernel", "bool", "pool_fixed"));
  EXPECT_EQ_DOUBLE(0, get("kernel", "bool", "crng_ready"));
  EXPECT_EQ_DOUBLE(1, get("kernel", "bool", "hwrng_present"));
  EXPECT_EQ_DOUBLE(1024, get("kernel", "gauge", "hwrng_quality"));
  EXPECT_EQ_DOUBLE(2, get("kernel", "count", "hwrng_available"));
  EXPECT_EQ_DOUBLE(0, get("kernel", "bool", "hwrng_selected"));
  EXPECT_EQ_DOUBLE(1, get("kernel-virtio_rng_0", "bool", "hwrng_in_use"));
  EXPECT_EQ_DOUBLE(0, get("kernel-tpm_rng_0", "bool", "hwrng_in_use"));
  /* An older kernel, crng ready, no hardware RNG framework. */
  put("proc/sys/kernel/random/entropy_avail", "3012\n");
  put("proc/sys/kernel/random/poolsize", "4096\n");
  if (system("rm -rf \"$RNG_TEST_DIR/sys/class/misc/hw_random\"") != 0)
    OK(0);
  fake_ready = 1;
  EXPECT_EQ_INT(0, mock_clear_read("rng/kernel"));
  EXPECT_EQ_DOUBLE(3012, get("kernel", "entropy", "available"));
  EXPECT_EQ_DOUBLE(0, get("kernel", "bool", "pool_fixed"));
  EXPECT_EQ_DOUBLE(1, get("kernel", "bool", "crng_ready"));
  EXPECT_EQ_DOUBLE(0, get("kernel", "bool", "hwrng_present"));
  EXPECT_EQ_DOUBLE(0, get("kernel", "count", "hwrng_available"));
  OK(isnan(get("kernel", "gauge", "hwrng_quality")));
  OK(mock_find(NULL, "bool", "hwrng_in_use") == NULL);
  /* A malformed value is NaN, never a made-up number. */
  put("proc/sys/kernel/random/entropy_avail", "lots\n");
  mock_clear_read("rng/kernel");
  OK(isnan(get("kernel", "entropy", "available")));
  mock_shutdown_all();
  mock_reset();
}

static void source_conf(const char *name, const char *dev, const char *extra) {
  char conf[1024];
  snprintf(conf, sizeof(conf),
           "Kernel false\n<Source \"%s\">\n Device \"%s\"\n%s\n</Source>", name,
           dev, extra);
  OK_MSG(configure(conf) == 0, "source configured");
}

/* Initialise the configured Sources, then read each once. */
static void init_and_read_all(void) {
  EXPECT_EQ_INT(0, mock_init_all());
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all());
}

/* A Source reading dir/file. */
static void file_source(const char *name, const char *file, const char *extra) {
  char path[512];
  source_conf(name, in_dir(path, file), extra);
}

static void test_good_and_zero_files(void) {
  char rid[64];
  data_file("good.bin", 4 + 20 * 2500, 1);
  data_file("zero.bin", 4 + 4 * 2500, 0);
  data_file("word.bin", 4 + 4 * 2500, 2);
  file_source("good", "good.bin", "BytesPerInterval 50000\nWindow 100");
  file_source("zero", "zero.bin", "BytesPerInterval 10000\nWindow 10");
  file_source("word", "word.bin", "BytesPerInterval 10000\nWindow 10");
  EXPECT_EQ_INT(0, mock_init_all());
  EXPECT_EQ_INT(3, mock_read_count());
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all());
  EXPECT_EQ_DOUBLE(20, get("good", "total_events", "blocks"));
  OK(get("good", "total_events", "blocks_failed") <= 1);
  EXPECT_EQ_DOUBLE(0, get("good", "bool", "stuck"));
  EXPECT_EQ_DOUBLE(0, get("good", "bool", "alarm"));
  OK(get("good", "gauge", "failure_improbability") < 3);
  EXPECT_EQ_DOUBLE(20, get("good", "count", "window_blocks"));
  /* The first read adds the 4 bootstrap bytes to BytesPerInterval. */
  EXPECT_EQ_DOUBLE(50004, get("good", "total_bytes", "read"));
  EXPECT_EQ_DOUBLE(0, get("good", "total_bytes", "short"));
  /* Zeros: every block fails every test, stuck and alarm at once. */
  EXPECT_EQ_DOUBLE(4, get("zero", "total_events", "blocks_failed"));
  static const char *tests[] = {"failed_monobit", "failed_poker", "failed_runs",
                                "failed_long_run", "failed_continuous"};
  for (int i = 0; i < 5; i++)
    EXPECT_EQ_DOUBLE(4, get("zero", "total_events", tests[i]));
  EXPECT_EQ_DOUBLE(100, get("zero", "percent", "window_failed"));
  EXPECT_NEAR(12.0, get("zero", "gauge", "failure_improbability"), 1e-6);
  EXPECT_EQ_DOUBLE(1, get("zero", "bool", "stuck"));
  EXPECT_EQ_DOUBLE(1, get("zero", "bool", "alarm"));
  /* A repeating 32-bit word: only the continuous test fails (and the
   * poker/runs ones on such regular data), stuck within one interval. */
  EXPECT_EQ_DOUBLE(4, get("word", "total_events", "failed_continuous"));
  EXPECT_EQ_DOUBLE(1, get("word", "bool", "stuck"));
  /* Notifications: stuck + alarm + SP 800-90B health (zeros: RCT; the
   * repeated word: APT) for zero and word, none for good. */
  int zero_n = 0, word_n = 0, good_n = 0;
  for (size_t i = 0; i < mock_notification_count(); i++) {
    const notification_t *n = mock_notification_at(i);
    zero_n +=
        strcmp(n->plugin_instance, "zero") == 0 && n->severity == NOTIF_FAILURE;
    word_n += strcmp(n->plugin_instance, "word") == 0;
    good_n += strcmp(n->plugin_instance, "good") == 0;
  }
  EXPECT_EQ_INT(3, zero_n);
  EXPECT_EQ_INT(3, word_n);
  EXPECT_EQ_INT(0, good_n);
  /* Same state next interval: no repeated notification. */
  mock_clear_read("rng/zero");
  EXPECT_EQ_INT(0, mock_notification_count());
  /* The zero file turns good: stuck and the SP 800-90B health alarm clear
   * at once (OKAY), the FIPS alarm once the window (10 blocks) has
   * forgotten the bad blocks. */
  data_file("zero.bin", 4 + 4 * 2500, 1);
  mock_clear_read("rng/zero");
  EXPECT_EQ_DOUBLE(0, get("zero", "bool", "stuck"));
  EXPECT_EQ_DOUBLE(1, get("zero", "bool", "alarm"));
  EXPECT_EQ_DOUBLE(0, get("zero", "bool", "sp90b_alarm"));
  OK(mock_notification_count() == 2 &&
     mock_notification_at(0)->severity == NOTIF_OKAY &&
     mock_notification_at(1)->severity == NOTIF_OKAY);
  mock_clear();
  for (int i = 0; i < 3; i++)
    mock_read("rng/zero");
  EXPECT_EQ_DOUBLE(0, get("zero", "bool", "alarm"));
  OK(mock_notification_count() == 1 &&
     mock_notified(NOTIF_OKAY, "back to normal") == 1);
  snprintf(rid, sizeof(rid), "rng/%s", "good");
  EXPECT_EQ_INT(0, mock_check_metric_table("rng", rng_source_metrics,
                                           CDU_TABLE_SIZE(rng_source_metrics)));
  EXPECT_EQ_INT(0, mock_check_metric_table("rng", rng_pool_metrics,
                                           CDU_TABLE_SIZE(rng_pool_metrics)));
  mock_shutdown_all();
  mock_reset();
}

/* A FIFO: a writer that sends fewer bytes than asked and then stays silent;
 * the read returns after MaxReadTime with the shortfall counted. */
static void test_fifo(void) {
  char fifo[512];
  OK(mkfifo(in_dir(fifo, "src.fifo"), 0600) == 0);
  file_source("fifo", "src.fifo", "BytesPerInterval 20000\nMaxReadTime 0.3");
  file_source("missing", "no-such-device", "");
  mock_init_all();
  /* No writer yet: end of file at once, nothing read, gauges NaN; not an
   * error (regression: -1 made collectd back off and the threshold plugin
   * report the source's values missing). */
  EXPECT_EQ_INT(0, mock_clear_read("rng/fifo"));
  OK(isnan(get("fifo", "bool", "stuck")));
  EXPECT_EQ_DOUBLE(20004, get("fifo", "total_bytes", "short"));
  pid_t pid = fork();
  if (pid == 0) { /* 4 + 3 blocks of zeros, then silence with the FIFO open */
    int fd = open(fifo, O_WRONLY);
    static uint8_t z[4 + 3 * 2500];
    if (fd >= 0 && write(fd, z, sizeof(z)) == (ssize_t)sizeof(z))
      sleep(3);
    _exit(0);
  }
  usleep(200000); /* the writer has opened the FIFO and written */
  mock_clear();
  double t0 = rng_mono();
  EXPECT_EQ_INT(0, mock_read("rng/fifo"));
  double took = rng_mono() - t0;
  printf("# FIFO read took %.3f s (MaxReadTime 0.3)\n", took);
  OK(took >= 0.25 && took < 0.6);
  EXPECT_EQ_DOUBLE(3, get("fifo", "total_events", "blocks"));
  EXPECT_EQ_DOUBLE(7504, get("fifo", "total_bytes", "read"));
  EXPECT_EQ_DOUBLE(20004 + 20004 - 7504, get("fifo", "total_bytes", "short"));
  EXPECT_EQ_DOUBLE(1, get("fifo", "bool", "stuck"));
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
  /* A missing device: an error counted and logged, -1 for backoff. */
  EXPECT_EQ_INT(-1, mock_clear_read("rng/missing"));
  EXPECT_EQ_DOUBLE(1, get("missing", "total_events", "read_errors"));
  OK(mock_log_find("cannot open") >= 0);
  OK(mock_find("missing", "total_events", "blocks") != NULL); /* counters */
  mock_shutdown_all();
  mock_reset();
}

/* Regression (tests/scenarios/rng_stuck.sh): a source that gets stuck in
 * the middle of a read.  4 + 1.5 blocks of good data, then a repeated
 * 32-bit word: the read of 4 blocks has a good first block, so neither
 * "periodic" nor "every block failed the continuous test" holds; the 3
 * blocks in a row at its end failing the continuous test flag it stuck in
 * this read (it used to wait for the next read, a whole interval later).
 * Good data again: the run is broken, no longer stuck. */
static void test_stuck_mid_read(void) {
  FILE *f = create_in_dir("mid.bin");
  for (size_t i = 0; i < 4 + 4 * 2500 && f != NULL; i++)
    fputc(i < 4 + 3750 ? rnd8()
                       : (int)(uint8_t[]){0xde, 0xad, 0xbe, 0xef}[i % 4],
          f);
  if (f != NULL)
    fclose(f);
  file_source("mid", "mid.bin", "BytesPerInterval 10000\nWindow 100");
  EXPECT_EQ_INT(0, mock_init_all());
  EXPECT_EQ_INT(0, mock_clear_read("rng/mid"));
  EXPECT_EQ_DOUBLE(4, get("mid", "total_events", "blocks"));
  EXPECT_EQ_DOUBLE(3, get("mid", "total_events", "failed_continuous"));
  EXPECT_EQ_DOUBLE(1, get("mid", "bool", "stuck"));
  int stuck_n = 0;
  for (size_t i = 0; i < mock_notification_count(); i++) {
    const notification_t *n = mock_notification_at(i);
    stuck_n += n->severity == NOTIF_FAILURE &&
               strstr(n->message, "its last 3 blocks failed the continuous") != NULL;
  }
  EXPECT_EQ_INT(1, stuck_n);
  data_file("mid.bin", 4 + 4 * 2500, 1);
  EXPECT_EQ_INT(0, mock_clear_read("rng/mid"));
  EXPECT_EQ_DOUBLE(0, get("mid", "bool", "stuck"));
  OK(mock_notification_count() >= 1 &&
     mock_notification_at(0)->severity == NOTIF_OKAY);
  mock_shutdown_all();
  mock_reset();
}

/* Write `blocks` blocks (after a 4-byte bootstrap word) to `name`: random
 * data, where block `planted` repeats one 32-bit word once (it fails the
 * continuous test and nothing else), or - with planted < 0 - the same
 * block every time, made of random words each sent twice (a TRNG replaying
 * a stuck buffer: every block fails the continuous test, no period <= 16). */
static void cont_file(const char *name, int blocks, int planted) {
  static uint8_t blk[2500];
  FILE *f = create_in_dir(name);
  for (int i = 0; i < 4 && f != NULL; i++)
    fputc(rnd8(), f);
  for (size_t i = 0; i < sizeof(blk); i++) /* 2500 = 312 word pairs + 4 */
    blk[i] = i % 8 >= 4 && i + 4 <= sizeof(blk) ? blk[i - 4] : rnd8();
  for (int b = 0; b < blocks && f != NULL; b++) {
    if (planted >= 0) {
      for (size_t i = 0; i < sizeof(blk); i++)
        blk[i] = rnd8();
      if (b == planted)
        memcpy(blk + 104, blk + 100, 4); /* words 25 and 26 equal */
    }
    fwrite(blk, 1, sizeof(blk), f);
  }
  if (f != NULL)
    fclose(f);
}

static int stuck_failures(const char *inst) {
  int n = 0;
  for (size_t i = 0; i < mock_notification_count(); i++) {
    const notification_t *m = mock_notification_at(i);
    n += strcmp(m->plugin_instance, inst) == 0 &&
         strcmp(m->type_instance, "stuck") == 0 &&
         m->severity == NOTIF_FAILURE;
  }
  return n;
}

/* Regression: one block per interval (BytesPerInterval 2500, as docs/rng.md
 * suggests for /dev/hwrng).  A good source fails the continuous test by
 * chance (p = 1.5e-7 per block); such a lone block made its whole interval
 * "every block failed the continuous test" and flagged the source stuck.
 * Stuck needs RNG_STUCK_RUN failing blocks in a row, counted in blocks
 * across intervals; a source failing every block still gets there. */
static void test_one_block_per_interval(void) {
  cont_file("lone.bin", 5, 2);
  cont_file("replay.bin", 5, -1);
  file_source("lone", "lone.bin", "BytesPerInterval 2500\nWindow 100");
  file_source("replay", "replay.bin", "BytesPerInterval 2500\nWindow 100");
  EXPECT_EQ_INT(0, mock_init_all());
  int lone_stuck = 0;
  mock_clear();
  for (int i = 0; i < 5; i++) {
    EXPECT_EQ_INT(0, mock_read("rng/lone"));
    lone_stuck += get("lone", "bool", "stuck") != 0;
  }
  EXPECT_EQ_DOUBLE(5, get("lone", "total_events", "blocks"));
  EXPECT_EQ_DOUBLE(1, get("lone", "total_events", "failed_continuous"));
  OK_MSG(lone_stuck == 0, "one continuous-test failure in a one-block "
                          "interval: never stuck");
  EXPECT_EQ_INT(0, stuck_failures("lone"));
  for (int i = 1; i <= 4; i++) {
    EXPECT_EQ_INT(0, mock_clear_read("rng/replay"));
    EXPECT_EQ_DOUBLE(i, get("replay", "total_events", "failed_continuous"));
    char msg[96];
    snprintf(msg, sizeof(msg), "replayed buffer, block %d: stuck = %d", i,
             i >= RNG_STUCK_RUN);
    OK_MSG(get("replay", "bool", "stuck") == (i >= RNG_STUCK_RUN), msg);
    EXPECT_EQ_INT(i == RNG_STUCK_RUN, stuck_failures("replay"));
  }
  mock_shutdown_all();
  mock_reset();
}


/* SP 800-90B, part 1: the health tests of each Source.  Defaults: 8-bit
 * samples, H = 4 bits per sample, alpha = 2^-30: RCT cutoff 1 + ceil(30 / 4)
 * = 9 equal bytes.  Every file starts with 4 + 2500 random bytes whose
 * first and last bits are 1 (the run of zeros, in bytes or in bits, has a
 * known length). */
static void sp90b_file(const char *name, size_t zeros, size_t biased) {
  FILE *f = create_in_dir(name);
  for (size_t i = 0; i < 4 + 2500 && f != NULL; i++)
    fputc(rnd8() | 0x81, f);
  for (size_t i = 0; i < zeros && f != NULL; i++)
    fputc(0, f);
  for (size_t i = 0; i < 4 + 2500 - zeros && f != NULL; i++)
    fputc(rnd8() | 0x81, f);
  for (size_t i = 0; i < biased && f != NULL; i++) { /* P(0) = 1/5 */
    uint8_t b = rnd8();
    fputc(rnd8() < 51 ? 0 : b | 0x81, f);
  }
  if (f != NULL)
    fclose(f);
}

static int notif_count(const char *inst, const char *ti, int severity) {
  int n = 0;
  for (size_t i = 0; i < mock_notification_count(); i++) {
    const notification_t *m = mock_notification_at(i);
    n += strcmp(m->plugin_instance, inst) == 0 &&
         strcmp(m->type_instance, ti) == 0 && m->severity == severity;
  }
  return n;
}

static void test_sp90b_health(void) {
  sp90b_file("run8.bin", 8, 0); /* C - 1 zeros: no failure */
  sp90b_file("run9.bin", 9, 0); /* C zeros: one RCT failure */
  sp90b_file("biased.bin", 0, 50000);
  data_file("good90b.bin", 200000, 1);
  file_source("run8", "run8.bin", "BytesPerInterval 5008\nEntropyWindow 0");
  file_source("run9", "run9.bin", "BytesPerInterval 5008\nEntropyWindow 0");
  file_source("biased", "biased.bin",
              "BytesPerInterval 55008\nEntropyWindow 0");
  file_source("good90b", "good90b.bin",
              "BytesPerInterval 200000\nEntropyWindow 0");
  init_and_read_all();
  EXPECT_EQ_DOUBLE(0, get("run8", "total_events", "sp90b_rct_failures"));
  EXPECT_EQ_DOUBLE(0, get("run8", "bool", "sp90b_alarm"));
  EXPECT_EQ_DOUBLE(1, get("run9", "total_events", "sp90b_rct_failures"));
  EXPECT_EQ_DOUBLE(0, get("run9", "total_events", "sp90b_apt_failures"));
  EXPECT_EQ_DOUBLE(1, get("run9", "bool", "sp90b_alarm"));
  EXPECT_EQ_INT(1, notif_count("run9", "sp90b_alarm", NOTIF_FAILURE));
  int cut9 = 0;
  for (size_t i = 0; i < mock_notification_count(); i++)
    cut9 += strcmp(mock_notification_at(i)->plugin_instance, "run9") == 0 &&
            strstr(mock_notification_at(i)->message, "cutoff 9 ") != NULL;
  EXPECT_EQ_INT(1, cut9);
  double apt = get("biased", "total_events", "sp90b_apt_failures");
  printf("# biased (P(0) = 0.2): %g APT failures in %d windows\n", apt,
         55008 / 512);
  OK(apt >= 5);
  EXPECT_EQ_DOUBLE(0, get("biased", "total_events", "sp90b_rct_failures"));
  EXPECT_EQ_DOUBLE(1, get("biased", "bool", "sp90b_alarm"));
  EXPECT_EQ_INT(1, notif_count("biased", "sp90b_alarm", NOTIF_FAILURE));
  EXPECT_EQ_DOUBLE(0, get("good90b", "total_events", "sp90b_rct_failures"));
  EXPECT_EQ_DOUBLE(0, get("good90b", "total_events", "sp90b_apt_failures"));
  EXPECT_EQ_DOUBLE(0, get("good90b", "bool", "sp90b_alarm"));
  EXPECT_EQ_INT(0, notif_count("good90b", "sp90b_alarm", NOTIF_FAILURE));
  /* Recovery: run9 turns good, one OKAY; the same state again: nothing. */
  data_file("run9.bin", 5008, 1);
  EXPECT_EQ_INT(0, mock_clear_read("rng/run9"));
  EXPECT_EQ_DOUBLE(0, get("run9", "bool", "sp90b_alarm"));
  EXPECT_EQ_INT(1, notif_count("run9", "sp90b_alarm", NOTIF_OKAY));
  EXPECT_EQ_INT(0, mock_clear_read("rng/run9"));
  EXPECT_EQ_INT(0, notif_count("run9", "sp90b_alarm", NOTIF_OKAY));
  mock_shutdown_all();
  mock_reset();
}

/* 1-bit samples, default H = 0.5: RCT cutoff 1 + ceil(30 / 0.5) = 61 equal
 * bits: 7 zero bytes (56 bits) pass, 8 (64 bits) fail once. */
static void test_sp90b_bits(void) {
  sp90b_file("bits7.bin", 7, 0);
  sp90b_file("bits8.bin", 8, 0);
  file_source("bits7", "bits7.bin",
              "BytesPerInterval 5008\nSampleBits 1\nEntropyWindow 0");
  file_source("bits8", "bits8.bin",
              "BytesPerInterval 5008\nSampleBits 1\nEntropyWindow 0");
  init_and_read_all();
  EXPECT_EQ_DOUBLE(0, get("bits7", "total_events", "sp90b_rct_failures"));
  EXPECT_EQ_DOUBLE(1, get("bits8", "total_events", "sp90b_rct_failures"));
  EXPECT_EQ_DOUBLE(1, get("bits8", "bool", "sp90b_alarm"));
  mock_shutdown_all();
  mock_reset();
}

static void test_sp90b_config(void) {
  static const struct {
    const char *opt, *msg;
  } bad[] = {
      {"SampleBits 4", "SampleBits must be 1 or 8"},
      {"SampleBits 1\nClaimedEntropy 2", "ClaimedEntropy must be"},
      {"ClaimedEntropy 0", "ClaimedEntropy must be"},
      {"Alpha 19", "rng plugin: <Source \"cfg\">: Alpha must be a number in "
                   "[20, 40], not 19."},
      {"Alpha 41", "rng plugin: <Source \"cfg\">: Alpha must be a number in "
                   "[20, 40], not 41."},
      {"EntropyWindow 100", "EntropyWindow must be"},
      {"EntropyEvery 0", "EntropyEvery must be"},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char conf[512];
    mock_clear();
    snprintf(conf, sizeof(conf),
             "Kernel false\n<Source \"cfg\">\n Device \"/dev/urandom\"\n %s\n"
             "</Source>",
             bad[i].opt);
    EXPECT_EQ_INT(-1, configure(conf));
    OK_MSG(mock_log_find(bad[i].msg) >= 0 && mock_log_find("\"cfg\"") >= 0 &&
               mock_log_find("rng plugin") >= 0,
           bad[i].msg);
  }
  EXPECT_EQ_INT(0, mock_read_count());
  mock_reset();
}

/* SP 800-90B, part 2: estimates over EntropyWindow 65536 bytes, NaN until
 * the window has filled, then every EntropyEvery reads.  Good data: all
 * three near 8 bits per byte (99 % lower bounds: MCV about 7.56 over
 * 64 KiB), no entropy_low; zeros: 0, entropy_low and one FAILURE. */
static void test_sp90b_estimates(void) {
  data_file("est_good.bin", 200004, 1);
  data_file("est_zero.bin", 40004, 0);
  file_source("estg", "est_good.bin",
              "BytesPerInterval 40000\nEntropyWindow 65536\n"
              "EntropyEvery 2");
  file_source("estz", "est_zero.bin",
              "BytesPerInterval 40000\nEntropyWindow 65536");
  init_and_read_all(); /* 40004 bytes: not full */
  OK(isnan(get("estg", "gauge", "entropy_min")));
  OK(isnan(get("estz", "bool", "entropy_low")));
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all()); /* 80004: full */
  double mcv = get("estg", "gauge", "entropy_mcv");
  double mk = get("estg", "gauge", "entropy_markov");
  double lag = get("estg", "gauge", "entropy_lag");
  double mn = get("estg", "gauge", "entropy_min");
  printf("# good 64 KiB: MCV %.3f Markov %.3f Lag %.3f min %.3f\n", mcv, mk,
         lag, mn);
  OK(mcv > 7.3 && mcv < 8 && mk > 7.5 && mk <= 8 && lag > 7.3 && lag < 8);
  EXPECT_EQ_DOUBLE(fmin(mcv, fmin(mk, lag)), mn);
  EXPECT_EQ_DOUBLE(0, get("estg", "bool", "entropy_low"));
  EXPECT_EQ_INT(0, notif_count("estg", "entropy_low", NOTIF_FAILURE));
  EXPECT_NEAR(0, get("estz", "gauge", "entropy_min"), 0.01);
  EXPECT_EQ_DOUBLE(1, get("estz", "bool", "entropy_low"));
  EXPECT_EQ_INT(1, notif_count("estz", "entropy_low", NOTIF_FAILURE));
  /* EntropyEvery 2: the next read repeats the estimate, the one after
   * recomputes it over a window that moved by 40000 bytes. */
  mock_clear_read("rng/estg");
  EXPECT_EQ_DOUBLE(mn, get("estg", "gauge", "entropy_min"));
  mock_clear_read("rng/estg");
  printf("# after 2 reads: read %g, MCV %.6f, Lag %.6f (was %.6f)\n",
         get("estg", "total_bytes", "read"), get("estg", "gauge", "entropy_mcv"),
         get("estg", "gauge", "entropy_lag"), lag);
  OK(get("estg", "gauge", "entropy_lag") != lag);
  mock_shutdown_all();
  mock_reset();
}

/* ------------------------------------------------ the CPU's RNG (seam) */

/* The fake RDRAND/RDSEED: 0 = good words, 1 = three executions with carry
 * clear before each good one, 2 = 0xFFFFFFFFFFFFFFFF with carry set (the
 * AMD RDRAND bug after resume from suspend), 3 = carry always clear. */
static int cpu_mode, cpu_present = 1;
static uint64_t cpu_calls;
static int fake_step(unsigned long long *word) {
  cpu_calls++;
  if (cpu_mode == 3 || (cpu_mode == 1 && cpu_calls % 4 != 0))
    return 0;
  *word = ~0ull;
  if (cpu_mode != 2)
    for (int i = 0; i < 8; i++)
      *word = *word << 8 | rnd8();
  return 1;
}
static rng_cpu_step_fn fake_probe(rng_cpu_insn_t insn, const char **why) {
  if (cpu_present)
    return fake_step;
  *why = insn == RNG_CPU_RDSEED ? "no RDSEED here (test)"
                                : "no RDRAND here (test)";
  return NULL;
}

static void test_cpu_config(void) {
  rng_cpu_probe = fake_probe;
  cpu_present = 0;
  mock_clear();
  EXPECT_EQ_INT(-1, configure("Kernel false\n<Source \"cpu\">\n Device "
                              "\"rdseed\"\n</Source>"));
  OK_MSG(mock_log_find("rng plugin: Source \"cpu\": Device \"rdseed\": no "
                       "RDSEED here (test)") >= 0,
         "an absent instruction: the error names plugin, block, option");
  cpu_present = 1;
  mock_clear();
  EXPECT_EQ_INT(-1, configure("Kernel false\n<Source \"cpu\">\n Device "
                              "\"rdrandom\"\n</Source>"));
  OK(mock_log_find("absolute path") >= 0);
  mock_shutdown_all();
  mock_reset();
}

/* Words per read: ceil((BytesPerInterval + 4) / 8) on the first read.
 * Source "rdrand" without a Device is the instruction of that name. */
static void test_cpu_source(void) {
  rng_cpu_probe = fake_probe;
  cpu_present = 1;
  EXPECT_EQ_INT(0, configure("Kernel false\n"
                             "<Source \"rdrand\">\n"
                             " BytesPerInterval 25000\n</Source>\n"
                             "<Source \"rdseed\">\n Device \"RDSEED\"\n"
                             " BytesPerInterval 5000\n</Source>"));
  EXPECT_EQ_INT(0, mock_init_all());
  EXPECT_EQ_INT(0, mock_check_metric_table("rng", rng_cpu_metrics,
                                           CDU_TABLE_SIZE(rng_cpu_metrics)));
  /* Good words after 3 failures each: 3126 words, 9378 failures. */
  cpu_mode = 1, cpu_calls = 0;
  EXPECT_EQ_INT(0, mock_clear_read("rng/rdrand"));
  EXPECT_EQ_DOUBLE(25004, get("rdrand", "total_bytes", "read"));
  EXPECT_EQ_DOUBLE(0, get("rdrand", "total_bytes", "short"));
  EXPECT_EQ_DOUBLE(3 * 3126, get("rdrand", "total_events", "cpu_failures"));
  EXPECT_EQ_DOUBLE(10, get("rdrand", "total_events", "blocks"));
  EXPECT_EQ_DOUBLE(0, get("rdrand", "total_events", "sp90b_rct_failures"));
  EXPECT_EQ_DOUBLE(0, get("rdrand", "bool", "stuck"));
  /* Stuck at all ones, carry set: no instruction failure, but FIPS and
   * SP 800-90B see it: 25000 bytes of 0xff, RCT cutoff 9 (the run goes on
   * from the last good byte only if it was 0xff: at least 3124). */
  cpu_mode = 2;
  EXPECT_EQ_INT(0, mock_clear_read("rng/rdrand"));
  EXPECT_EQ_DOUBLE(3 * 3126, get("rdrand", "total_events", "cpu_failures"));
  EXPECT_EQ_DOUBLE(20, get("rdrand", "total_events", "blocks"));
  OK(get("rdrand", "total_events", "blocks_failed") >= 10);
  double rct = get("rdrand", "total_events", "sp90b_rct_failures");
  printf("# all ones: %g RCT failures in 25000 bytes\n", rct);
  OK(rct >= 3124 && rct <= 3125);
  OK(get("rdrand", "total_events", "sp90b_apt_failures") >= 48);
  EXPECT_EQ_DOUBLE(1, get("rdrand", "bool", "stuck"));
  EXPECT_EQ_DOUBLE(1, get("rdrand", "bool", "sp90b_alarm"));
  EXPECT_EQ_INT(1, notif_count("rdrand", "stuck", NOTIF_FAILURE));
  /* Carry always clear: RDRAND gives up after 1 + 10 executions, RDSEED
   * after 1 + 100; a short read (no collectd backoff), logged once. */
  cpu_mode = 3;
  EXPECT_EQ_INT(0, mock_clear_read("rng/rdrand"));
  EXPECT_EQ_DOUBLE(3 * 3126 + 11,
                   get("rdrand", "total_events", "cpu_failures"));
  EXPECT_EQ_DOUBLE(25000, get("rdrand", "total_bytes", "short"));
  OK(isnan(get("rdrand", "bool", "stuck")));
  OK(mock_log_find("RDRAND returned no data") >= 0);
  EXPECT_EQ_INT(0, mock_read("rng/rdseed"));
  EXPECT_EQ_DOUBLE(101, get("rdseed", "total_events", "cpu_failures"));
  EXPECT_EQ_DOUBLE(5004, get("rdseed", "total_bytes", "short"));
  /* Back to good words: data again, no new failure. */
  cpu_mode = 0;
  EXPECT_EQ_INT(0, mock_clear_read("rng/rdseed"));
  EXPECT_EQ_DOUBLE(101, get("rdseed", "total_events", "cpu_failures"));
  EXPECT_EQ_DOUBLE(5004, get("rdseed", "total_bytes", "read"));
  EXPECT_EQ_DOUBLE(0, get("rdseed", "bool", "stuck"));
  mock_shutdown_all();
  mock_reset();
}

int main(void) {
  snprintf(dir, sizeof(dir), "/tmp/test_rng.%d", (int)getpid());
  mkdir(dir, 0700);
  setenv("RNG_TEST_DIR", dir, 1);
  module_register();
  test_config_errors();
  mock_reset();
  module_register();
  test_kernel();
  module_register();
  test_good_and_zero_files();
  module_register();
  test_fifo();
  module_register();
  test_stuck_mid_read();
  module_register();
  test_one_block_per_interval();
  module_register();
  test_sp90b_config();
  module_register();
  test_sp90b_health();
  module_register();
  test_sp90b_bits();
  module_register();
  test_sp90b_estimates();
  module_register();
  test_cpu_config();
  module_register();
  test_cpu_source();
  char cmd[300];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  if (system(cmd) != 0)
    printf("# could not remove %s\n", dir);
  return testing_done();
}
