/* SPDX-License-Identifier: MIT
 * The ntp plugin under the recording mock, against fake daemons on loopback
 * UDP (a thread in this process): a scripted mode 6 server (fragmenting its
 * answers, refusing kernel variables) and a scripted chrony cmdmon server.
 * Checks: values and units, NaN when the daemon is gone, the timeout bound,
 * state-change notifications (lost sync, sys.peer change, falseticker,
 * MinSources), config errors.  The real daemons are in
 * tests/integration/ntp.sh. */
#include "plugins/ntp.c" /* sic: reach the static functions */

#include "common/phase_stats.h"
#include "tests/mock/plugin_mock.h"
#include "tests/unit/testing.h"

#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ---- scripted state of the fake daemons ---- */
typedef struct {
  const char *name;
  unsigned status; /* peer status word */
  const char *vars;
} fake_peer_t;

static struct {
  int fd;
  int port;
  volatile int stop;
  volatile int silent;       /* answer nothing */
  volatile int wrong_seq;    /* answer with sequence+1 only */
  volatile int splice;       /* system variables: see test_resend_splice */
  volatile unsigned frag;    /* fragment size (0: 468) */
  const char *volatile sys;  /* system variables text */
  volatile unsigned sys_status;
  fake_peer_t peers[4];
  volatile int npeers;
  volatile int requests;
} fk = {.fd = -1};

static void put16(uint8_t *p, unsigned v) { p[0] = v >> 8, p[1] = v & 0xff; }
static unsigned get16(const uint8_t *p) { return p[0] << 8 | p[1]; }

static void reply(const uint8_t *rq, const struct sockaddr_in *to,
                  unsigned status, const void *data, size_t len, int err) {
  size_t fs = fk.frag ? fk.frag : 468, off = 0;
  do {
    uint8_t p[600] = {0};
    size_t n = len - off < fs ? len - off : fs;
    p[0] = rq[0];
    p[1] = 0x80 | (err ? 0x40 : 0) | (off + n < len ? 0x20 : 0) | rq[1];
    put16(p + 2, get16(rq + 2) + (fk.wrong_seq ? 1 : 0));
    put16(p + 4, err ? (unsigned)err << 8 : status);
    put16(p + 6, get16(rq + 6));
    put16(p + 8, off);
    put16(p + 10, n);
    memcpy(p + 12, (const uint8_t *)data + off, n);
    sendto(fk.fd, p, 12 + ((n + 3) & ~3u), 0, (const struct sockaddr *)to,
           sizeof(*to));
    off += n;
  } while (off < len);
}

/* Two different answers to the system variables, same length: the first
 * request gets only the first fragment of A, the resend all of B, last
 * fragment first.  Reassembling A's first fragment with B's others gives
 * offset -111.222222 ms, a value neither answer contained. */
#define SPLICE_A "offset=-111.111111, stratum=2, rootdelay=1, rootdisp=1"
#define SPLICE_B "offset=-222.222222, stratum=3, rootdelay=1, rootdisp=1"

static void reply_splice(const uint8_t *rq, const struct sockaddr_in *to) {
  const char *t = fk.splice++ == 1 ? SPLICE_A : SPLICE_B;
  size_t len = strlen(t), fs = 12;
  size_t last = (len - 1) / fs * fs; /* offset of the last fragment */
  for (size_t off = fk.splice == 2 ? 0 : last;; off -= fs) {
    uint8_t p[64] = {0};
    size_t n = len - off < fs ? len - off : fs;
    p[0] = rq[0];
    p[1] = 0x80 | (off + n < len ? 0x20 : 0) | rq[1];
    memcpy(p + 2, rq + 2, 2); /* sequence */
    put16(p + 4, fk.sys_status);
    put16(p + 8, off);
    put16(p + 10, n);
    memcpy(p + 12, t + off, n);
    sendto(fk.fd, p, 12 + ((n + 3) & ~3u), 0, (const struct sockaddr *)to,
           sizeof(*to));
    if (fk.splice == 2 || off == 0)
      break;
  }
}

static void serve_one(const uint8_t *rq, size_t len,
                      const struct sockaddr_in *from) {
  fk.requests++;
  if (fk.silent || len < 12)
    return;
  unsigned op = rq[1] & 0x1f, assoc = get16(rq + 6);
  const char *vars = (const char *)rq + 12;
  if (op == 1 && assoc == 0) {
    uint8_t d[16];
    for (int i = 0; i < fk.npeers; i++) {
      put16(d + 4 * i, 100 + i);
      put16(d + 4 * i + 2, fk.peers[i].status);
    }
    reply(rq, from, fk.sys_status, d, 4 * (size_t)fk.npeers, 0);
  } else if (op == 2 && assoc == 0 && strncmp(vars, "kpps", 4) == 0) {
    reply(rq, from, 0, "", 0, 5); /* unknown variable */
  } else if (op == 2 && assoc == 0 && fk.splice) {
    reply_splice(rq, from);
  } else if (op == 2 && assoc == 0) {
    reply(rq, from, fk.sys_status, fk.sys, strlen(fk.sys), 0);
  } else if (op == 2 && assoc >= 100 && assoc < 100u + fk.npeers) {
    const char *t = fk.peers[assoc - 100].vars;
    reply(rq, from, fk.peers[assoc - 100].status, t, strlen(t), 0);
  } else {
    reply(rq, from, 0, "", 0, 4); /* bad association */
  }
}

static void *fake_main(void *arg) {
  (void)arg;
  while (!fk.stop) {
    struct pollfd pfd = {.fd = fk.fd, .events = POLLIN};
    if (poll(&pfd, 1, 20) <= 0)
      continue;
    uint8_t b[600];
    struct sockaddr_in from;
    socklen_t fl = sizeof(from);
    ssize_t n = recvfrom(fk.fd, b, sizeof(b), 0, (struct sockaddr *)&from, &fl);
    if (n > 0)
      serve_one(b, (size_t)n, &from);
  }
  return NULL;
}

static int fake_start(pthread_t *th) {
  struct sockaddr_in a = {.sin_family = AF_INET,
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t al = sizeof(a);
  fk.fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fk.fd < 0 || bind(fk.fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
      getsockname(fk.fd, (struct sockaddr *)&a, &al) != 0)
    return -1;
  fk.port = ntohs(a.sin_port);
  return pthread_create(th, NULL, fake_main, NULL);
}

static double g(const char *pinst, const char *type, const char *ti) {
  return mock_get(pinst, type, ti, NULL);
}

static double mono_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

#define SYS_OK                                                               \
  "leap=0, stratum=2, rootdelay=1.500, rootdisp=0.250, rootdist=1.000,\r\n" \
  "refid=GPS, peer=100, offset=-0.125000, frequency=-7.250, "                \
  "sys_jitter=0.050000,\r\nclk_jitter=0.001000, clk_wander=0.002\r\n"

/* A fresh plugin with one <Server "name"> at the fake daemon, Timeout
 * 0.4 s, and `opts` (further options, one a line). */
static void fake_server(const char *name, const char *opts) {
  char conf[512];
  mock_reset();
  module_register();
  snprintf(conf, sizeof conf,
           "<Plugin ntp>\n<Server \"%s\">\nHost \"127.0.0.1\"\nPort %d\n"
           "Timeout 0.4\n%s</Server>\n</Plugin>\n",
           name, fk.port, opts);
  EXPECT_EQ_INT(0, mock_configure("ntp", conf));
}

static void test_ntpd(void) {
  char conf[512];
  snprintf(conf, sizeof conf,
           "<Plugin ntp>\n<Server \"fake\">\nHost \"127.0.0.1\"\n"
           "Port %d\nProtocol \"ntpd\"\nTimeout 0.4\nMinSources 2\n"
           "NotifyHold 0\n</Server>\n</Plugin>\n",
           fk.port);
  EXPECT_EQ_INT(0, mock_configure("ntp", conf));
  EXPECT_EQ_INT(1, mock_has_read("ntp/fake"));
  fk.sys = SYS_OK;
  fk.sys_status = 0x0418; /* LI 0, uhf radio */
  fk.frag = 40;           /* every answer in several fragments */
  fk.peers[0] = (fake_peer_t){"SHM(0)", 0x961a,
                              "srcadr=127.127.28.0, srchost=\"SHM(0)\", "
                              "stratum=0, reach=0xff,\r\noffset=-0.125, "
                              "delay=0.000, jitter=0.040, dispersion=0.9"};
  fk.peers[1] = (fake_peer_t){"10.1.1.1", 0x9414,
                              "srcadr=10.1.1.1, stratum=1, reach=0x7f, "
                              "offset=0.5, delay=2.5, jitter=0.1, "
                              "dispersion=1.5"};
  fk.peers[2] = (fake_peer_t){"10.1.1.2", 0x8011,
                              "srcadr=10.1.1.2, stratum=16, reach=0x0, "
                              "offset=0, delay=0, jitter=0, dispersion=0"};
  fk.npeers = 3;
  EXPECT_EQ_INT(0, mock_read("ntp/fake"));
  EXPECT_NEAR(-0.125e-3, g("fake", "time_offset", "offset"), 1e-15);
  EXPECT_NEAR(0.05e-3, g("fake", "time_offset", "sys_jitter"), 1e-15);
  EXPECT_NEAR(1e-6, g("fake", "time_offset", "clock_jitter"), 1e-15);
  EXPECT_NEAR(-7.25, g("fake", "frequency_offset", "frequency"), 1e-12);
  EXPECT_NEAR(0.002, g("fake", "clock_skew_ppm", "wander"), 1e-12);
  EXPECT_EQ_DOUBLE(2, g("fake", "clock_stratum", ""));
  EXPECT_NEAR(1.5e-3, g("fake", "delay", "root_delay"), 1e-15);
  EXPECT_NEAR(1e-3, g("fake", "time_dispersion", "root_distance"), 1e-15);
  EXPECT_EQ_DOUBLE(0, g("fake", "clock_state", "leap"));
  EXPECT_EQ_DOUBLE(4, g("fake", "clock_mode", "source_kind"));
  EXPECT_EQ_DOUBLE(1, g("fake", "bool", "synchronised"));
  OK_MSG(isnan(g("fake", "time_offset", "kernel_pps_jitter")),
         "kernel PPS refused by the daemon: NaN");
  OK(mock_find("fake", "total_events", "kernel_pps_calibrations") == NULL);
  EXPECT_EQ_DOUBLE(3, g("fake", "count", "peers"));
  EXPECT_EQ_DOUBLE(2, g("fake", "count", "reachable"));
  EXPECT_EQ_DOUBLE(2, g("fake", "count", "candidates"));
  EXPECT_EQ_DOUBLE(0, g("fake", "count", "falsetickers"));
  EXPECT_NEAR(-0.125e-3, g("fake-SHM(0)", "time_offset", "offset"), 1e-15);
  EXPECT_EQ_DOUBLE(8, g("fake-SHM(0)", "clock_reachability", ""));
  EXPECT_EQ_DOUBLE(6, g("fake-SHM(0)", "clock_state", "selection"));
  EXPECT_NEAR(2.5e-3, g("fake-10.1.1.1", "delay", "delay"), 1e-15);
  EXPECT_EQ_DOUBLE(7, g("fake-10.1.1.1", "clock_reachability", ""));
  EXPECT_EQ_DOUBLE(0, g("fake-10.1.1.2", "bool", "reachable"));
  EXPECT_EQ_INT(0, (int)mock_notification_count()); /* healthy start */

  /* 10.1.1.1 turns falseticker: usable sources 1 < MinSources 2 */
  mock_clear();
  fk.peers[1].status = 0x9114;
  EXPECT_EQ_INT(0, mock_read("ntp/fake"));
  EXPECT_EQ_DOUBLE(1, g("fake", "count", "falsetickers"));
  EXPECT_EQ_DOUBLE(1, g("fake-10.1.1.1", "clock_state", "selection"));
  EXPECT_EQ_INT(1, mock_notified(0, "source 10.1.1.1 is a falseticker"));
  EXPECT_EQ_INT(1, mock_notified(0, "1 usable sources (MinSources 2)"));
  EXPECT_EQ_INT(2, (int)mock_notification_count());
  EXPECT_EQ_INT(0, mock_clear_read("ntp/fake"));
  EXPECT_EQ_INT(0, (int)mock_notification_count()); /* no repeats */

  /* sys.peer moves, then sync is lost */
  mock_clear();
  fk.peers[0].status = 0x9414;
  fk.peers[1].status = 0x961a;
  EXPECT_EQ_INT(0, mock_read("ntp/fake"));
  EXPECT_EQ_INT(1, mock_notified(0, "sys.peer changed to \"10.1.1.1\""));
  EXPECT_EQ_INT(1, mock_notified(0, "no longer a falseticker"));
  mock_clear();
  fk.sys_status = 0xc000;
  fk.sys = "leap=3, stratum=16, offset=0, rootdelay=0, rootdisp=0";
  EXPECT_EQ_INT(0, mock_read("ntp/fake"));
  EXPECT_EQ_DOUBLE(0, g("fake", "bool", "synchronised"));
  EXPECT_EQ_INT(1, mock_notified(0, "lost sync"));
  OK(isnan(g("fake", "time_offset", "sys_jitter")));

  /* a silent daemon: NaN everywhere, within the timeout */
  mock_clear();
  fk.silent = 1;
  double t0 = mono_s();
  EXPECT_EQ_INT(-1, mock_read("ntp/fake"));
  double took = mono_s() - t0;
  printf("# silent daemon: read took %.3f s (Timeout 0.4)\n", took);
  OK_MSG(took >= 0.35 && took < 0.6, "a dead daemon costs about Timeout");
  OK(isnan(g("fake", "time_offset", "offset")));
  OK(isnan(g("fake-SHM(0)", "time_offset", "offset")));
  OK(isnan(g("fake-10.1.1.2", "clock_reachability", "")));
  EXPECT_EQ_INT(1, mock_notified(0, "does not answer"));
  OK(mock_log_find("no reading from ntpd") >= 0);
  mock_clear();
  fk.silent = 0;
  EXPECT_EQ_INT(0, mock_read("ntp/fake")); /* c_release: complain again */
  /* replies with a wrong sequence only: ignored, timeout */
  mock_clear();
  fk.wrong_seq = 1;
  EXPECT_EQ_INT(-1, mock_read("ntp/fake"));
  OK(mock_log_find("wrong sequence") >= 0);
  fk.wrong_seq = 0;
  mock_clear();
  fk.sys = SYS_OK;
  fk.sys_status = 0x0418;
  EXPECT_EQ_INT(0, mock_read("ntp/fake"));
  EXPECT_EQ_INT(1, mock_notified(0, "answers again"));
  EXPECT_EQ_INT(1, mock_notified(0, "synchronised (sys.peer \"10.1.1.1\""));
}

/* The plugin's monotonic clock, driven by the tests (s). */
static double fake_now;
static double fake_clock(void) { return fake_now; }

/* A fresh <Server "name"> (fake_server) whose daemon is synchronised to
 * SHM(0), with 10.1.1.1 in status `peer1` (0x9414 candidate, 0x9114
 * falseticker), on the injected monotonic clock. */
static void hold_server(const char *name, const char *opts, unsigned peer1) {
  fake_server(name, opts);
  fk.sys = SYS_OK;
  fk.sys_status = 0x0418;
  fk.peers[0].status = 0x961a; /* SHM(0) sys.peer */
  fk.peers[1].status = peer1;
  ntp_clock_s = fake_clock;
}

/* NotifyHold (default 30 s): a falseticker verdict, a drop below
 * MinSources and a sys.peer change are notified only once they lasted the
 * hold time; one selection round's flap is silent, the metrics are not. */
static void test_notify_hold(void) {
  hold_server("held", "MinSources 2\n", 0x9414);
  double t0 = 1000000;
  fake_now = t0;
  EXPECT_EQ_INT(0, mock_read("ntp/held"));
  EXPECT_EQ_INT(0, (int)mock_notification_count());
  /* one round as falseticker (and below MinSources), then back: flapping */
  for (int i = 1; i <= 20; i++) {
    fake_now = t0 + i;
    fk.peers[1].status = (i % 4 == 1) ? 0x9114 : 0x9414;
    EXPECT_EQ_INT(0, mock_read("ntp/held"));
  }
  EXPECT_EQ_INT(0, (int)mock_notification_count());
  OK_MSG(mock_find("held", "count", "falsetickers") != NULL,
         "the metrics are dispatched while notifications are held");
  /* a lasting falseticker: notified once it held 30 s, not before */
  fk.peers[1].status = 0x9114;
  for (int i = 21; i <= 50; i++) {
    fake_now = t0 + i;
    EXPECT_EQ_INT(0, mock_read("ntp/held"));
  }
  EXPECT_EQ_DOUBLE(1, g("held", "count", "falsetickers"));
  EXPECT_EQ_INT(0, mock_notified(0, "is a falseticker"));
  fake_now = t0 + 51;
  EXPECT_EQ_INT(0, mock_read("ntp/held"));
  EXPECT_EQ_INT(1, mock_notified(0, "source 10.1.1.1 is a falseticker"));
  EXPECT_EQ_INT(1, mock_notified(0, "1 usable sources (MinSources 2)"));
  /* sys.peer moves for good: one OKAY-level notification after the hold */
  mock_clear();
  fk.peers[0].status = 0x9414;
  fk.peers[1].status = 0x961a;
  for (int i = 52; i <= 82; i++) {
    fake_now = t0 + i;
    EXPECT_EQ_INT(0, mock_read("ntp/held"));
  }
  EXPECT_EQ_INT(1, mock_notified(0, "sys.peer changed to \"10.1.1.1\""));
  int warn = 0;
  for (size_t i = 0; i < mock_notification_count(); i++)
    if (strstr(mock_notification_at(i)->message, "sys.peer changed"))
      warn += mock_notification_at(i)->severity != NOTIF_OKAY;
  EXPECT_EQ_INT(0, warn);
  EXPECT_EQ_INT(1, mock_notified(0, "no longer a falseticker"));
  ntp_clock_s = ntp_mono_now;
  mock_shutdown_all();
}

/* A reading that fails interrupts NotifyHold: a falseticker seen for 5 s
 * before the daemon went silent and again after it answers (a restart) is
 * notified only once it has lasted 30 s from the answer, not at once. */
static void test_hold_interrupted(void) {
  hold_server("gap", "MinSources 0\n", 0x9114);
  double t0 = 2000000;
  for (int i = 0; i <= 5; i++) {
    fake_now = t0 + i;
    EXPECT_EQ_INT(0, mock_read("ntp/gap"));
  }
  fk.silent = 1;
  fake_now = t0 + 10;
  OK_MSG(mock_read("ntp/gap") != 0, "the silent daemon's reading fails");
  fk.silent = 0;
  fake_now = t0 + 40;
  EXPECT_EQ_INT(0, mock_read("ntp/gap"));
  EXPECT_EQ_INT(0, mock_notified(0, "is a falseticker"));
  fake_now = t0 + 69;
  EXPECT_EQ_INT(0, mock_read("ntp/gap"));
  EXPECT_EQ_INT(0, mock_notified(0, "is a falseticker"));
  fake_now = t0 + 70;
  EXPECT_EQ_INT(0, mock_read("ntp/gap"));
  EXPECT_EQ_INT(1, mock_notified(0, "source 10.1.1.1 is a falseticker"));
  ntp_clock_s = ntp_mono_now;
  mock_shutdown_all();
}

/* NotifyHold is measured on a monotonic clock: the wall clock (cdtime(),
 * mock_now here) stepping back 1 h between the first sight of a
 * falseticker and the next reading must not delay the notification.
 * Real time passes (sleep), so the plugin's real clock is used. */
static void test_hold_wall_step(void) {
  hold_server("step", "MinSources 0\nNotifyHold 0.2\n", 0x9114);
  fk.npeers = 3;
  cdtime_t wall = TIME_T_TO_CDTIME_T(1700000000);
  mock_now = wall;
  fake_now = 1000;
  EXPECT_EQ_INT(0, mock_read("ntp/step"));
  EXPECT_EQ_INT(0, mock_notified(0, "is a falseticker"));
  mock_now = wall - TIME_T_TO_CDTIME_T(3600); /* wall clock stepped back */
  fake_now += 0.3; /* monotonic: 0.3 s later, > NotifyHold */
  EXPECT_EQ_INT(0, mock_read("ntp/step"));
  printf("# wall clock stepped back 1 h, 0.3 s later: %d falseticker "
         "notification(s)\n",
         mock_notified(0, "source 10.1.1.1 is a falseticker"));
  EXPECT_EQ_INT(1, mock_notified(0, "source 10.1.1.1 is a falseticker"));
  ntp_clock_s = ntp_mono_now;
  mock_now = 0;
  mock_shutdown_all();
}

/* Pool associations come and go: three new peers every reading (a pool
 * replacing its servers; NTPsec's assocN names behave alike), 120 readings
 * = 360 names.  A departed peer is dispatched as NaN until it has been
 * absent PeerForget seconds (default max(1024, 4 x Interval)), then
 * forgotten; new peers are always tracked (falseticker notifications). */
static char pool_vars[3][192];

static void pool_round(int r, bool falseticker) {
  for (int k = 0; k < 3; k++) {
    snprintf(pool_vars[k], sizeof pool_vars[k],
             "srcadr=10.9.%d.%d, stratum=2, reach=0xff, offset=0.1, "
             "delay=1, jitter=0.1, dispersion=1",
             r, k + 1);
    fk.peers[k] = (fake_peer_t){"pool", falseticker && k == 0 ? 0x9114 : 0x9414,
                                pool_vars[k]};
  }
  fk.npeers = 3;
}

/* Peer instances "PREFIX-..." dispatched since mock_clear, and how many of
 * them were NaN. */
static void count_peers(const char *prefix, int *all, int *nan) {
  size_t l = strlen(prefix);
  *all = *nan = 0;
  for (size_t i = 0; i < mock_value_count(); i++) {
    const mock_value_t *v = mock_value_at(i);
    if (strncmp(v->plugin_instance, prefix, l) != 0 ||
        v->plugin_instance[l] != '-' || strcmp(v->type, "time_offset") != 0 ||
        strcmp(v->type_instance, "offset") != 0)
      continue;
    (*all)++;
    *nan += isnan(v->gauge);
  }
}

static int pool_readings(const char *inst, int first, int last, double step) {
  char name[64];
  int errors = 0;
  snprintf(name, sizeof name, "ntp/%s", inst);
  for (int r = first; r <= last; r++) {
    pool_round(r, false);
    fake_now = 5000 + step * r;
    mock_clear();
    errors += mock_read(name) != 0;
  }
  return errors;
}

static void test_peer_forget(void) {
  int all, nan;
  fake_server("pool", "Interval 10\nMinSources 0\nNotifyHold 0\n");
  fk.sys = SYS_OK;
  fk.sys_status = 0x0418;
  ntp_clock_s = fake_clock;
  /* one reading every 300 s: absent 300, 600, 900 s < 1024 s: NaN;
   * 1200 s: forgotten */
  EXPECT_EQ_INT(0, pool_readings("pool", 0, 119, 300));
  count_peers("pool", &all, &nan);
  printf("# 360 pool names, default PeerForget: last reading dispatched %d "
         "peers, %d of them NaN\n", all, nan);
  EXPECT_EQ_INT(12, all);
  EXPECT_EQ_INT(9, nan);
  OK(isnan(g("pool-10.9.116.1", "time_offset", "offset")));
  OK_MSG(mock_find("pool-10.9.115.1", "time_offset", "offset") == NULL,
         "a peer absent 1200 s > 1024 s is no longer dispatched");
  /* a new peer turns falseticker: still tracked */
  pool_round(120, true);
  fake_now = 5000 + 300 * 120;
  EXPECT_EQ_INT(0, mock_clear_read("ntp/pool"));
  printf("# new peer 10.9.120.1 falseticker: %d notification(s)\n",
         mock_notified(0, "source 10.9.120.1 is a falseticker"));
  EXPECT_EQ_INT(1, mock_notified(0, "source 10.9.120.1 is a falseticker"));
  /* forgotten 1200 s later: its falseticker verdict is cleared */
  int gone = 0;
  for (int r = 121; r <= 124; r++) {
    EXPECT_EQ_INT(0, pool_readings("pool", r, r, 300));
    gone += mock_notified(0, "source 10.9.120.1 is gone");
  }
  EXPECT_EQ_INT(1, gone);
  mock_shutdown_all();

  /* Interval 600: the default is 4 x 600 = 2400 s > 1024 s */
  fake_server("slow", "Interval 600\nMinSources 0\nNotifyHold 0\n");
  EXPECT_EQ_INT(0, pool_readings("slow", 0, 9, 600));
  count_peers("slow", &all, &nan);
  printf("# Interval 600: last reading dispatched %d peers, %d NaN\n", all,
         nan);
  EXPECT_EQ_INT(9, nan); /* absent 600, 1200, 1800 s; 2400 s forgotten */
  mock_shutdown_all();

  /* PeerForget 1 day: 150 names within it overflow the table (128): the
   * longest absent peer is forgotten early, logged once */
  fake_server("big", "MinSources 0\nNotifyHold 0\nPeerForget 86400\n");
  int logged = 0;
  for (int r = 0; r < 50; r++) {
    EXPECT_EQ_INT(0, pool_readings("big", r, r, 60));
    logged += mock_log_find("peer table full") >= 0;
  }
  count_peers("big", &all, &nan);
  printf("# 150 names within PeerForget: %d peers dispatched, table full "
         "logged in %d reading(s)\n", all, logged);
  EXPECT_EQ_INT(NTP_PEER_TABLE, all);
  EXPECT_EQ_INT(1, logged);
  OK(mock_find("big-10.9.49.3", "time_offset", "offset") != NULL);
  OK(mock_find("big-10.9.0.1", "time_offset", "offset") == NULL);
  pool_round(50, true);
  EXPECT_EQ_INT(0, mock_clear_read("ntp/big"));
  EXPECT_EQ_INT(1, mock_notified(0, "source 10.9.50.1 is a falseticker"));
  ntp_clock_s = ntp_mono_now;
  mock_shutdown_all();
}

/* A resend (at Timeout/2) must not mix two answers: the daemon's first
 * answer loses its later fragments, the answer to the resend arrives
 * complete (last fragment first).  Only one answer may be used. */
static void test_resend_splice(void) {
  fake_server("splice", "MinSources 0\n");
  fk.sys_status = 0x0418;
  fk.npeers = 0;
  fk.splice = 1;
  EXPECT_EQ_INT(0, mock_read("ntp/splice"));
  fk.splice = 0;
  double off = g("splice", "time_offset", "offset");
  printf("# resend: offset %.9f s, stratum %g (A: -0.111111111 s, stratum 2; "
         "B: -0.222222222 s, stratum 3)\n",
         off, g("splice", "clock_stratum", ""));
  OK_MSG(fabs(off - -0.111222222) > 1e-9, "no spliced offset");
  EXPECT_NEAR(-0.222222222, off, 1e-12);
  EXPECT_EQ_DOUBLE(3, g("splice", "clock_stratum", ""));
  mock_shutdown_all();
}


/* ---- Stability (docs/stability.md): one sample per poll, counted once ----
 * The fake ntpd's peer SHM(0) takes a sample every 2^hpoll s (rec, with up
 * to 0.2 s of timing jitter) whose offset is white noise of known sigma;
 * the plugin reads every 1 s, so it sees each sample about 4 times.  The
 * system offset is new white noise at every reading (tau0 = Interval). */
#define STAB_BASE 3900000000.0 /* NTP era 0 seconds of the fake daemon */
#define STAB_SIG_PEER 1e-3     /* s: white phase noise of the peer */
#define STAB_SIG_SYS 0.5e-3    /* s: of the system offset */

static uint64_t stab_rng = 0x9e3779b97f4a7c15u;
static double stab_uniform(void) { /* (0, 1): xorshift64* */
  stab_rng ^= stab_rng >> 12, stab_rng ^= stab_rng << 25,
      stab_rng ^= stab_rng >> 27;
  return ((stab_rng * 0x2545f4914f6cdd1du >> 11) + 0.5) / 9007199254740992.0;
}
static double stab_gauss(void) { /* Box-Muller, N(0, 1) */
  return sqrt(-2 * log(stab_uniform())) * cos(2 * M_PI * stab_uniform());
}

static void ntp_ts(char *buf, size_t len, double s) { /* s since era 0 */
  double sec = floor(s);
  snprintf(buf, len, "0x%08x.%08x", (unsigned)sec,
           (unsigned)((s - sec) * 4294967296.0));
}

static char stab_sys[512], stab_peer[256];

/* The daemon at fake time t (s): system offset x_sys (s), the peer's last
 * sample at t_rec (s) with offset x (s), polling 2^hpoll s. */
static void stab_daemon(double t, double x_sys, double t_rec, double x,
                        int hpoll) {
  char clk[32], rec[32];
  ntp_ts(clk, sizeof clk, STAB_BASE + t);
  ntp_ts(rec, sizeof rec, STAB_BASE + t_rec);
  snprintf(stab_sys, sizeof stab_sys,
           "leap=0, stratum=2, rootdelay=1, rootdisp=1, peer=100, "
           "offset=%.9f, clock=%s", x_sys * 1e3, clk);
  snprintf(stab_peer, sizeof stab_peer,
           "srcadr=127.127.28.0, srchost=\"SHM(0)\", stratum=0, reach=0xff, "
           "offset=%.9f, delay=0, jitter=0.04, dispersion=0.9, hpoll=%d, "
           "ppoll=%d, rec=%s", x * 1e3, hpoll, hpoll, rec);
  fk.sys = stab_sys;
  fk.peers[0] = (fake_peer_t){"SHM(0)", 0x961a, stab_peer};
  fk.npeers = 1;
}

typedef struct {
  int samples;     /* distinct peer samples so far (since the poll change) */
  int miscounts;   /* readings whose count-offset-samples differed */
  int early_value; /* readings with a finite value before enough samples */
  int late_nan;    /* readings with NaN after enough samples */
} stab_run_t;

/* Checks one reading: count equals the distinct samples, ADEV at tau0 NaN
 * below 10 samples and finite from then on, p50 likewise at 8. */
static void stab_check_reading(stab_run_t *r, double poll) {
  char tau[32];
  snprintf(tau, sizeof tau, "offset-tau_%.0f", poll);
  double n = g("stab-SHM(0)", "count", "offset-samples");
  double adev = g("stab-SHM(0)", "time_adev", tau);
  double p50 = g("stab-SHM(0)", "time_offset", "offset-p50");
  r->miscounts += n != r->samples;
  r->early_value += (r->samples < 10 && !isnan(adev)) ||
                    (r->samples < 8 && !isnan(p50));
  r->late_nan += (r->samples >= 10 && isnan(adev)) ||
                 (r->samples >= 8 && isnan(p50));
}

/* `polls` samples at 2^hpoll s, read every second from fake time *t on;
 * the samples also go into ref (fed on their nominal grid) and the system
 * offsets into sys_ref. */
static void stab_run(double *t, int hpoll, int polls, phase_stats_t *ref,
                     phase_stats_t *sys_ref, stab_run_t *r) {
  double poll = ldexp(1, hpoll), t_rec = 0, x = 0, next = *t;
  double t_end = *t + polls * poll;
  int k = 0;
  for (; *t < t_end; *t += 1) {
    if (*t >= next) { /* a new sample 0.5 +- 0.2 s before this reading */
      t_rec = next - 0.5 + 0.2 * (2 * stab_uniform() - 1);
      next += poll;
      x = STAB_SIG_PEER * stab_gauss();
      phase_stats_add(ref, x, (int64_t)(k * poll * 1e9));
      k++, r->samples++;
    }
    double x_sys = STAB_SIG_SYS * stab_gauss();
    phase_stats_add(sys_ref, x_sys, (int64_t)(*t * 1e9));
    stab_daemon(*t, x_sys, t_rec, x, hpoll);
    fake_now = 1e6 + *t;
    EXPECT_EQ_INT(0, mock_clear_read("ntp/stab"));
    stab_check_reading(r, poll);
  }
}

/* ADEV at tau0 of the plugin vs the reference phase_stats fed the same
 * samples, and vs sqrt(3) sigma / tau0 (white PM, SP 1065 eq. 11) within
 * 4 standard errors: for white PM at m = 1 the edf is about
 * (N + 1)(N - 2) / (2(N - 1)) (SP 1065 Table 5 simplified), and the
 * relative standard error of a deviation is 1 / sqrt(2 edf). */
static void stab_check_adev(const char *pinst, const char *series,
                            const phase_stats_t *ref, double sigma,
                            double tau0) {
  char ti[64];
  phase_stats_tau_t taus[PHASE_STATS_MAX_OCTAVES];
  phase_stats_taus(ref, taus, PHASE_STATS_MAX_OCTAVES);
  snprintf(ti, sizeof ti, "%s-tau_%.0f", series, tau0);
  double adev = g(pinst, "time_adev", ti);
  snprintf(ti, sizeof ti, "%s-samples", series);
  double n = g(pinst, "count", ti);
  double expect = sqrt(3) * sigma / tau0;
  double edf = (n + 1) * (n - 2) / (2 * (n - 1));
  double tol = 4 / sqrt(2 * edf) * expect;
  printf("# %s %s: %.0f samples, ADEV(%g s) %.4g, reference %.4g, "
         "sqrt(3) sigma/tau %.4g +- %.3g\n",
         pinst, series, n, tau0, adev, taus[0].adev, expect, tol);
  EXPECT_NEAR(taus[0].adev, adev, 1e-9 * expect);
  EXPECT_NEAR(expect, adev, tol);
}

/* No reading of run r had a wrong count, a value too early or a NaN too
 * late. */
static void stab_expect_clean(const char *what, const stab_run_t *r) {
  printf("# %s: %d distinct samples, %d readings with a wrong count, %d "
         "with a value too early, %d NaN too late\n",
         what, r->samples, r->miscounts, r->early_value, r->late_nan);
  EXPECT_EQ_INT(0, r->miscounts);
  EXPECT_EQ_INT(0, r->early_value);
  EXPECT_EQ_INT(0, r->late_nan);
}

static void test_stability(void) {
  fake_server("stab", "Interval 1\nMinSources 0\nNotifyHold 0\n"
                      "Stability true\nStabilityWindow 1024\n");
  fk.sys_status = 0x0418;
  ntp_clock_s = fake_clock;
  phase_stats_t ref, sys_ref;
  EXPECT_EQ_INT(PHASE_STATS_OK, phase_stats_init(&ref, 4000000000, 256));
  EXPECT_EQ_INT(PHASE_STATS_OK, phase_stats_init(&sys_ref, 1000000000, 1024));
  /* 200 samples at poll 4 s (800 readings): window 1024 s = 256 polls */
  double t = 0;
  stab_run_t r = {0};
  stab_run(&t, 2, 200, &ref, &sys_ref, &r);
  stab_expect_clean("poll 4 s, read every 1 s", &r);
  EXPECT_EQ_DOUBLE(200, g("stab-SHM(0)", "count", "offset-samples"));
  stab_check_adev("stab-SHM(0)", "offset", &ref, STAB_SIG_PEER, 4);
  EXPECT_NEAR(STAB_SIG_PEER, g("stab-SHM(0)", "time_offset", "offset-std"),
              0.25 * STAB_SIG_PEER);
  /* the system offset: one sample per reading, tau0 = Interval 1 s */
  EXPECT_EQ_DOUBLE(800, g("stab", "count", "system-samples"));
  stab_check_adev("stab", "system", &sys_ref, STAB_SIG_SYS, 1);
  /* poll 4 s -> 8 s: the peer's statistics restart with tau0 = 8 s */
  phase_stats_free(&ref);
  EXPECT_EQ_INT(PHASE_STATS_OK, phase_stats_init(&ref, 8000000000, 128));
  r = (stab_run_t){0};
  stab_run(&t, 3, 40, &ref, &sys_ref, &r);
  stab_expect_clean("poll 8 s, since the change", &r);
  OK_MSG(mock_find("stab-SHM(0)", "time_adev", "offset-tau_4") == NULL,
         "after the poll change no tau of the old tau0 is dispatched");
  stab_check_adev("stab-SHM(0)", "offset", &ref, STAB_SIG_PEER, 8);
  /* the daemon stops answering: NaN, the rows are still dispatched */
  fk.silent = 1;
  EXPECT_EQ_INT(-1, mock_clear_read("ntp/stab"));
  OK(isnan(g("stab", "count", "system-samples")));
  OK(isnan(g("stab-SHM(0)", "time_adev", "offset-tau_8")));
  OK(mock_find("stab-SHM(0)", "count", "offset-samples") != NULL);
  fk.silent = 0;
  phase_stats_free(&ref);
  phase_stats_free(&sys_ref);
  ntp_clock_s = ntp_mono_now;
  mock_shutdown_all();

  /* off by default: no statistics dispatched */
  fake_server("plain", "MinSources 0\n");
  EXPECT_EQ_INT(0, mock_read("ntp/plain"));
  OK(mock_find(NULL, "time_adev", NULL) == NULL);
  OK(mock_find(NULL, "count", "system-samples") == NULL);
  mock_shutdown_all();
}

static void test_config_errors(void) {
  mock_reset();
  module_register();
  EXPECT_EQ_INT(-1, mock_configure("ntp", "<Plugin ntp>\n<Server \"a\">\n"
                                          "Bogus 1\n</Server>\n</Plugin>\n"));
  OK(mock_log_find("unknown option \"Bogus\"") >= 0);
  EXPECT_EQ_INT(-1, mock_configure("ntp", "<Plugin ntp>\n<Server \"b\">\n"
                                          "Protocol \"openntpd\"\n</Server>\n"
                                          "</Plugin>\n"));
  EXPECT_EQ_INT(-1, mock_configure("ntp", "<Plugin ntp>\n<Server \"c\">\n"
                                          "Socket \"/x.sock\"\n</Server>\n"
                                          "</Plugin>\n"));
  OK(mock_log_find("Socket is for Protocol chrony") >= 0);
  EXPECT_EQ_INT(-1, mock_configure("ntp", "<Plugin ntp>\n<Server \"d\">\n"
                                          "Timeout 0\n</Server>\n</Plugin>\n"));
  OK(mock_log_find("ntp plugin: <Server \"d\">: Timeout must be a number in "
                   "(0, 60], not 0.") >= 0);
  EXPECT_EQ_INT(-1, mock_configure("ntp", "<Plugin ntp>\n<Server \"h\">\n"
                                          "NotifyHold -1\n</Server>\n</Plugin>\n"));
  OK(mock_log_find("ntp plugin: <Server \"h\">: NotifyHold must be a number "
                   "in [0, 86400], not -1.") >= 0);
  EXPECT_EQ_INT(-1, mock_configure("ntp", "<Plugin ntp>\n<Server \"f\">\n"
                                          "PeerForget -1\n</Server>\n</Plugin>\n"));
  OK(mock_log_find("ntp plugin: <Server \"f\">: PeerForget must be a number "
                   "in [0, 604800], not -1.") >= 0);
  EXPECT_EQ_INT(-1, mock_configure("ntp", "<Plugin ntp>\n<Server \"e\">\n"
                                          "Protocol \"chrony\"\nSocket \"rel\"\n"
                                          "</Server>\n</Plugin>\n"));
  EXPECT_EQ_INT(-1, mock_configure("ntp", "<Plugin ntp>\n<Server>\n"
                                          "</Server>\n</Plugin>\n"));
  EXPECT_EQ_INT(0, mock_read_count());
  /* two servers, defaults */
  EXPECT_EQ_INT(0, mock_configure("ntp",
                                  "<Plugin ntp>\n<Server \"x\">\n</Server>\n"
                                  "<Server \"y\">\nProtocol \"chrony\"\n"
                                  "Interval 5\n</Server>\n</Plugin>\n"));
  EXPECT_EQ_INT(2, mock_read_count());
  mock_shutdown_all();
}

int main(void) {
  pthread_t th;
  module_register();
  EXPECT_EQ_INT(0, mock_check_metric_table("ntp", ntp_sys_metrics,
                                           CDU_TABLE_SIZE(ntp_sys_metrics)));
  EXPECT_EQ_INT(0, mock_check_metric_table("ntp", ntp_peer_metrics,
                                           CDU_TABLE_SIZE(ntp_peer_metrics)));
  if (fake_start(&th) != 0) {
    OK_MSG(0, "cannot start the fake daemon on loopback");
    return testing_done();
  }
  test_ntpd();
  mock_shutdown_all();
  test_notify_hold();
  test_hold_interrupted();
  test_hold_wall_step();
  test_peer_forget();
  test_resend_splice();
  test_stability();
  fk.stop = 1;
  pthread_join(th, NULL);
  close(fk.fd);
  test_config_errors();
  return testing_done();
}
