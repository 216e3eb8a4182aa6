/* SPDX-License-Identifier: MIT
 * The dcf77 plugin under the recording mock.
 *  - <Receiver>: the real reader thread reads a real pty; the test writes
 *    the characters of simulated minutes and drives the plugin's clocks
 *    (the seam: dcf77_clock_real_ns / dcf77_clock_mono_ns), so minutes
 *    pass in milliseconds.  The telegrams come from common/dcf77_sim.
 *  - <Ntpd>: a fake mode 6 server on 127.0.0.1 (a thread of this test)
 *    answers with variables NTPsec 1.2.2 returned for a PARSE refclock
 *    (tests/data/dcf77/ntpsec-parse-snapshots.txt), fragmented like ntpd.
 *  - configuration errors name the block and the option.
 */
#if !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* posix_openpt, ptsname */
#endif
#include "plugins/dcf77.c" /* sic: reach the static functions */

#include "common/dcf77_sim.h"
#include "common/phase_stats.h"
#include "tests/mock/plugin_mock.h"
#include "tests/unit/testing.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define NS INT64_C(1000000000)

/* ------------------------------------------------------- driven clocks */
static _Atomic int64_t fake_real;
static int64_t fake_real_ns(void) { return atomic_load(&fake_real); }
static int64_t fake_mono_ns(void) {
  return atomic_load(&fake_real) - INT64_C(1000000000) * 1000000000;
}

static uint64_t rx_chars(rx_inst_t *in) {
  pthread_mutex_lock(&in->rx.lock);
  uint64_t n = in->rx.stream.chars;
  pthread_mutex_unlock(&in->rx.lock);
  return n;
}

/* Write one character "received" at t_ns; wait until the thread took it. */
static int put_char(int master, rx_inst_t *in, uint8_t ch, int64_t t_ns) {
  uint64_t before = rx_chars(in);
  atomic_store(&fake_real, t_ns);
  if (write(master, &ch, 1) != 1)
    return -1;
  for (int i = 0; i < 4000; i++) {
    if (rx_chars(in) > before)
      return 0;
    usleep(500);
  }
  return -1;
}

static int feed_minutes(int master, rx_inst_t *in, dcf77_sim_t *sim,
                        int64_t start, int n) {
  dcf77_sim_event_t ev[DCF77_SIM_MAX_EVENTS];
  for (int i = 0; i < n; i++) {
    size_t k = dcf77_sim_minute(sim, start + 60 * i, ev);
    for (size_t j = 0; j < k; j++)
      if (put_char(master, in, ev[j].ch, ev[j].t_ns) != 0)
        return -1;
  }
  return 0;
}

static double get(const char *pi, const char *type, const char *ti) {
  return mock_get(pi, type, ti, NULL);
}

static void test_config_errors(void) {
  static const struct {
    const char *conf, *log;
  } bad[] = {
      {"<Receiver \"a\">\nDevice \"/dev/x\"\nBogus 1\n</Receiver>",
       "Bogus"},
      {"<Receiver \"b\">\nDevice \"/dev/x\"\nUdevMatch \"0403:e88a\"\n"
       "</Receiver>",
       "exactly one of Device and UdevMatch"},
      {"<Receiver \"c\">\nType \"raw50\"\n</Receiver>",
       "exactly one of Device and UdevMatch"},
      {"<Receiver \"d\">\nDevice \"ttyUSB0\"\n</Receiver>", "absolute"},
      {"<Receiver \"e\">\nDevice \"/dev/x\"\nType \"conrad\"\n</Receiver>",
       "invalid value for Type"},
      {"<Receiver \"f\">\nUdevMatch \"0403-e88a\"\n</Receiver>",
       "invalid value for UdevMatch"},
      {"<Receiver \"g\">\nDevice \"/dev/x\"\nTrustAfter 1\n</Receiver>",
       "invalid value for TrustAfter"},
      {"<Receiver \"h\">\nDevice \"/dev/x\"\nLatency 2\n</Receiver>",
       "invalid value for Latency"},
      {"<Ntpd \"n\">\nTimeout 0\n</Ntpd>", "invalid value for Timeout"},
      {"<Ntpd \"o\">\nUnit 300\n</Ntpd>", "invalid value for Unit"},
      {"<Ntpd \"p\">\nServer \"x\"\n</Ntpd>", "Server"},
      {"<Clock \"q\">\n</Clock>", "unknown block"},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char conf[512];
    snprintf(conf, sizeof(conf), "<Plugin dcf77>\n%s\n</Plugin>", bad[i].conf);
    mock_clear();
    int ret = mock_configure("dcf77", conf);
    char msg[160];
    snprintf(msg, sizeof(msg), "bad config %zu rejected, log names \"%s\"", i,
             bad[i].log);
    OK_MSG(ret != 0 && mock_log_find(bad[i].log) >= 0, msg);
  }
  EXPECT_EQ_INT(0, mock_read_count());
  dcf77_udev_match_t m;
  EXPECT_EQ_INT(0, dcf77_udev_match_parse("0403:E88A:A1B2", &m));
  EXPECT_EQ_STR("e88a", m.product);
  EXPECT_EQ_STR("A1B2", m.serial);
  EXPECT_EQ_INT(-1, dcf77_udev_match_parse("0403:e88", &m));
  EXPECT_EQ_INT(-1, dcf77_udev_match_parse("0403:e88a:", &m));
}

/* A pty (*master) as the device of <Receiver NAME> with the options
 * OPTS, configured and started at fake wall time real_s (s); NULL if the
 * block was not configured. */
static rx_inst_t *start_receiver(int *master, const char *name,
                                 const char *opts, int64_t real_s) {
  *master = posix_openpt(O_RDWR | O_NOCTTY);
  OK_MSG(*master >= 0 && grantpt(*master) == 0 && unlockpt(*master) == 0,
         "pty for the simulated receiver");
  char conf[512];
  snprintf(conf, sizeof(conf),
           "<Plugin dcf77>\n<Receiver \"%s\">\nDevice \"%s\"\n%s"
           "</Receiver>\n</Plugin>",
           name, ptsname(*master), opts);
  dcf77_clock_real_ns = fake_real_ns;
  dcf77_clock_mono_ns = fake_mono_ns;
  atomic_store(&fake_real, real_s * NS);
  mock_clear();
  EXPECT_EQ_INT(0, mock_configure("dcf77", conf));
  if (rx_count == 0)
    return NULL;
  rx_inst_t *in = rx_list[rx_count - 1];
  EXPECT_EQ_INT(0, mock_init_all());
  for (int i = 0; i < 200 && !in->rx.device_open; i++)
    usleep(10000);
  return in;
}

static void test_receiver(void) {
  int master;
  const int64_t m0 = INT64_C(1795335300);
  rx_inst_t *in = start_receiver(
      &master, "rx", "Type \"mouseclock\"\nTrustAfter 2\nMaxAge 120\n",
      m0 - 30);
  EXPECT_EQ_INT(1, mock_has_read("dcf77/rx"));
  if (in == NULL) {
    close(master);
    return;
  }
  OK_MSG(in->rx.device_open, "the reader thread opened the pty");

  /* Nothing yet: receiving unknown for 3 s, no notification. */
  EXPECT_EQ_INT(0, mock_read("dcf77/rx"));
  OK(isnan(get("rx", "bool", "receiving")));
  /* Regression: the share of valid pulses is over 60 s; right after
   * opening it is unknown, not 0 % (a weak-signal threshold would fire at
   * every start). */
  OK(isnan(get("rx", "percent", "valid_pulses")));
  EXPECT_EQ_INT(0, mock_notification_count());

  /* Four clean minutes; the receiver's characters come 0.425 s late. */
  dcf77_sim_t sim;
  dcf77_sim_init(&sim, 0.0, 42);
  sim.latency_ns = 425000000;
  sim.jitter_ns = 1000000;
  OK_MSG(feed_minutes(master, in, &sim, m0, 4) == 0, "4 minutes fed");
  atomic_store(&fake_real, (m0 + 240) * NS + 500000000);
  EXPECT_EQ_INT(0, mock_clear_read("dcf77/rx"));
  EXPECT_EQ_DOUBLE(1.0, get("rx", "bool", "receiving"));
  EXPECT_EQ_DOUBLE(1.0, get("rx", "bool", "trusted"));
  EXPECT_NEAR(0.0, get("rx", "time_offset", "offset"), 0.002);
  EXPECT_NEAR(100.0, get("rx", "percent", "valid_pulses"), 2.0);
  EXPECT_NEAR(0.0, get("rx", "gauge", "pulse_spread"), 1e-9);
  EXPECT_EQ_DOUBLE(3, get("rx", "total_events", "minutes"));
  EXPECT_EQ_DOUBLE(2, get("rx", "total_events", "decoded"));
  EXPECT_EQ_DOUBLE(1, get("rx", "total_events", "trusted"));
  EXPECT_EQ_DOUBLE(1, get("rx", "total_events", "rejected_incomplete"));
  EXPECT_EQ_DOUBLE(0.0, get("rx", "bool", "cest"));
  EXPECT_NEAR(60.5, get("rx", "clock_last_meas", "trusted"), 0.01);
  /* A receiver that starts healthy is not announced (cdu_notify_change). */
  EXPECT_EQ_INT(0, mock_notification_count());
  EXPECT_EQ_INT(CDU_TABLE_SIZE(rx_metrics), mock_value_count());

  /* Garbage for a minute: a bad-character minute, pulses invalid. */
  for (int s = 0; s < 59; s++)
    put_char(master, in, 0x5A, (m0 + 240 + s) * NS + 425000000);
  put_char(master, in, 0xF0, (m0 + 301) * NS + 425000000);
  atomic_store(&fake_real, (m0 + 302) * NS);
  mock_clear_read("dcf77/rx");
  EXPECT_EQ_DOUBLE(1, get("rx", "total_events", "rejected_bad_character"));
  OK(get("rx", "percent", "valid_pulses") < 10);

  /* Silence: no pulses -> not receiving (FAILURE), later not trusted. */
  atomic_store(&fake_real, (m0 + 320) * NS);
  mock_clear_read("dcf77/rx");
  EXPECT_EQ_DOUBLE(0.0, get("rx", "bool", "receiving"));
  OK(mock_notification_count() == 1 &&
     mock_notification_at(0)->severity == NOTIF_FAILURE);
  atomic_store(&fake_real, (m0 + 240 + 130) * NS);
  mock_clear_read("dcf77/rx");
  EXPECT_EQ_DOUBLE(0.0, get("rx", "bool", "trusted"));
  OK(isnan(get("rx", "time_offset", "offset")));
  OK(get("rx", "clock_last_meas", "trusted") > 120);
  OK(mock_notification_count() == 1 &&
     mock_notification_at(0)->severity == NOTIF_WARNING);

  /* The device disappears: logged with the block name, counters kept. */
  close(master);
  for (int i = 0; i < 200 && in->rx.device_open; i++)
    usleep(10000);
  mock_clear_read("dcf77/rx");
  OK(mock_log_find("receiver \"rx\"") >= 0);
  EXPECT_EQ_DOUBLE(0.0, get("rx", "bool", "receiving"));
  EXPECT_EQ_DOUBLE(3, get("rx", "total_events", "decoded"));
  EXPECT_EQ_INT(0, mock_check_metric_table("dcf77", rx_metrics,
                                           CDU_TABLE_SIZE(rx_metrics)));
  mock_shutdown_all();
  mock_reset();
  rx_count = 0;
}

/* A stalled host: no pulse for 3 s while characters wait unread in the
 * tty means the reader did not run, not that the receiver fell silent:
 * receiving is unknown (NaN), not 0 (which sent "no DCF77 pulses" and, a
 * second later, "pulses again").  The reader thread is not started here:
 * the test plays it, so nothing drains the tty. */
static void test_reader_behind(void) {
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  int slave = -1;
  if (OK_MSG(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0,
             "pty"))
    slave = open(ptsname(master), O_RDONLY | O_NOCTTY | O_NONBLOCK);
  struct termios tio; /* raw, as the reader sets a receiver's line */
  if (slave >= 0 && tcgetattr(slave, &tio) == 0) {
    cfmakeraw(&tio);
    tcsetattr(slave, TCSANOW, &tio);
  }
  if (!OK_MSG(slave >= 0, "pty slave open")) {
    if (master >= 0)
      close(master);
    return;
  }
  dcf77_clock_real_ns = fake_real_ns;
  dcf77_clock_mono_ns = fake_mono_ns;
  atomic_store(&fake_real, INT64_C(1795336000) * NS);
  dcf77_rx_t rx;
  memset(&rx, 0, sizeof(rx));
  dcf77_params_default(&rx.params);
  rx.max_age_s = 120;
  dcf77_rx_init(&rx);
  rx.device_open = true;
  rx.fd = slave;
  rx.have_pulse = true;
  rx.last_pulse_mono_ns = fake_mono_ns() - 5 * NS; /* 5 s ago */
  dcf77_rx_snapshot_t o;

  dcf77_rx_snapshot(&rx, &o); /* nothing unread: the receiver is silent */
  EXPECT_EQ_DOUBLE(0.0, o.receiving);
  OK(!o.behind);

  uint8_t pulses[5] = {0xF0, 0xF0, 0x80, 0xF0, 0xF0};
  OK(write(master, pulses, sizeof(pulses)) == (ssize_t)sizeof(pulses));
  for (int i = 0; i < 100; i++) { /* the pty passes them on */
    dcf77_rx_snapshot(&rx, &o);
    if (o.behind)
      break;
    usleep(10000);
  }
  OK(o.behind);
  OK(isnan(o.receiving));

  uint8_t buf[16]; /* the reader catches up */
  OK(read(slave, buf, sizeof(buf)) == (ssize_t)sizeof(pulses));
  dcf77_rx_snapshot(&rx, &o);
  OK(!o.behind);
  EXPECT_EQ_DOUBLE(0.0, o.receiving);
  rx.last_pulse_mono_ns = fake_mono_ns(); /* (it fed them) */
  dcf77_rx_snapshot(&rx, &o);
  EXPECT_EQ_DOUBLE(1.0, o.receiving);
  close(slave);
  close(master);
  pthread_mutex_destroy(&rx.lock);
}

/* ------------------------------------------------- fake mode 6 server */
static const char *readclock_text =
    "name=\"RAWDCF_MOUSECLOCK\", "
    "timecode=\"------------------M-S12--1--P1--8--p-2---21241---1-24--2--p\""
    ", poll=3, noreply=0, badformat=1, baddata=0, fudgetime1=425.000, "
    "stratum=0, refid=DCFa, flags=0, "
    "device=\"RAW DCF77 CODE (Expert mouseCLOCK USB v2.0)\", "
    "refclock_time=\"eead228d.00000000 2026-11-22T08:13:01.000Z\", "
    "refclock_status=\"TIME CODE; (LEAP INDICATION; CALLBIT)\", "
    "refclock_format=\"RAW DCF77 Timecode\", "
    "refclock_states=\"*NOMINAL: 00:00:09 (6.97%); BAD FORMAT: 00:02:00 "
    "(93.02%); running time: 00:02:09\"\r\n";

static int srv_fd = -1;
static _Atomic int srv_stop, srv_silent;
static uint16_t clock_status = 0x0020;
static volatile unsigned peer_reach = 0x7; /* the reach the fake ntpd reports */
/* Out-of-range numbers instead of the real ones (reach, poll, noreply,
 * badformat, baddata): a garbled or hostile daemon. */
static _Atomic int srv_huge;
/* 2: the next READCLOCK answer loses its second fragment; 1: the one after
 * it (the resent request) comes whole but with poll=14, one octet longer:
 * a reply spliced from the two has poll=3 and a misplaced second half. */
static _Atomic int srv_splice;
static _Atomic int srv_readclocks; /* READCLOCK requests seen */
static _Atomic int srv_delay_ms;   /* each answer this late (a slow ntpd) */

static void reply_frags(int fd, const struct sockaddr_in *to,
                        const uint8_t *req, uint16_t status,
                        const uint8_t *data, size_t len, int max_frags) {
  size_t off = 0;
  do {
    size_t n = len - off > 468 ? 468 : len - off;
    uint8_t p[12 + 472] = {0};
    p[0] = req[0];
    p[1] = (uint8_t)(0x80 | (req[1] & 0x1f) | (off + n < len ? 0x20 : 0));
    memcpy(p + 2, req + 2, 2);   /* sequence */
    p[4] = status >> 8;
    p[5] = status & 0xff;
    memcpy(p + 6, req + 6, 2);   /* association */
    p[8] = off >> 8;
    p[9] = off & 0xff;
    p[10] = n >> 8;
    p[11] = n & 0xff;
    memcpy(p + 12, data + off, n);
    /* NTPsec 1.2.2 pads with stale buffer bytes, not NULs (regression:
     * such answers were dropped). */
    memset(p + 12 + n, '-', ((n + 3) & ~(size_t)3) - n);
    sendto(fd, p, 12 + ((n + 3) & ~(size_t)3), 0,
           (const struct sockaddr *)to, sizeof(*to));
    off += n;
  } while (off < len && --max_frags > 0);
}

static void reply(int fd, const struct sockaddr_in *to, const uint8_t *req,
                  uint16_t status, const uint8_t *data, size_t len) {
  reply_frags(fd, to, req, status, data, len, 1000);
}

static void answer(const uint8_t *req, size_t len, struct sockaddr_in *from) {
  if (len < 12)
    return;
  unsigned op = req[1] & 0x1f;
  unsigned assoc = (unsigned)req[6] << 8 | req[7];
  char vars[128] = "";
  size_t cnt = (size_t)req[10] << 8 | req[11];
  if (cnt < sizeof(vars) && 12 + cnt <= len)
    memcpy(vars, req + 12, cnt);
  char text[1200];
  if (op == 1 && assoc == 0) {
    /* 100: SHM (127.127.28.0), 101: PARSE unit 0 (sys.peer, 0x961a) */
    static const uint8_t list[] = {0, 100, 0x94, 0x14, 0, 101, 0x96, 0x1a};
    reply(srv_fd, from, req, 0x0618, list, sizeof(list));
  } else if (op == 2 && strcmp(vars, "srcadr") == 0) {
    snprintf(text, sizeof(text), "srcadr=127.127.%s\r\n",
             assoc == 101 ? "8.0" : "28.0");
    reply(srv_fd, from, req, 0x961a, (uint8_t *)text, strlen(text));
  } else if (op == 2 && assoc == 101 && atomic_load(&srv_huge)) {
    snprintf(text, sizeof(text),
             "offset=-0.363666, jitter=1.884240, reach=1e30\r\n");
    reply(srv_fd, from, req, 0x961a, (uint8_t *)text, strlen(text));
  } else if (op == 2 && assoc == 101) {
    snprintf(text, sizeof(text),
             "offset=-0.363666, jitter=1.884240, reach=0x%x\r\n", peer_reach);
    reply(srv_fd, from, req, 0x961a, (uint8_t *)text, strlen(text));
  } else if (op == 4 && assoc == 101) {
    /* Long enough for two fragments, as NTPsec's (468 + 45 octets). */
    snprintf(text, sizeof(text), "%s, refclock_id=\"DCFa\", "
             "refclock_iomode=\"normal\", refclock_driver_version=\"4.81 "
             "2009/05/01 10:15:29\"\r\n", readclock_text);
    atomic_fetch_add(&srv_readclocks, 1);
    int splice = atomic_load(&srv_splice), frags = 1000;
    char *p = strstr(text, "poll=3, noreply=0, badformat=1, baddata=0");
    if (splice == 2) {
      frags = 1; /* the second fragment is lost */
    } else if (splice == 1) {
      memmove(p + 7, p + 6, strlen(p + 6) + 1);
      memcpy(p, "poll=14", 7);
    } else if (atomic_load(&srv_huge)) {
      char rest[1200];
      snprintf(rest, sizeof(rest), "%s", p + strlen("poll=3, noreply=0, "
                                                    "badformat=1, baddata=0"));
      snprintf(p, sizeof(text) - (size_t)(p - text), "poll=1e30, "
               "noreply=-1e30, badformat=nan, baddata=1e19%s", rest);
    }
    if (splice > 0)
      atomic_store(&srv_splice, splice - 1);
    reply_frags(srv_fd, from, req, clock_status, (uint8_t *)text, strlen(text),
                frags);
  } else {
    uint8_t p[12] = {req[0], (uint8_t)(0xC0 | op), req[2], req[3], 4, 0,
                     req[6], req[7]};
    sendto(srv_fd, p, 12, 0, (struct sockaddr *)from, sizeof(*from));
  }
}

static void *server(void *arg) {
  (void)arg;
  while (!atomic_load(&srv_stop)) {
    uint8_t buf[600];
    struct sockaddr_in from;
    socklen_t fl = sizeof(from);
    struct timeval tv = {0, 100000};
    setsockopt(srv_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ssize_t n = recvfrom(srv_fd, buf, sizeof(buf), 0,
                         (struct sockaddr *)&from, &fl);
    if (n > 0 && atomic_load(&srv_delay_ms) > 0)
      usleep((useconds_t)atomic_load(&srv_delay_ms) * 1000);
    if (n > 0 && !atomic_load(&srv_silent))
      answer(buf, (size_t)n, &from);
  }
  return NULL;
}

/* <Ntpd NAME> at the fake server's UDP port, Timeout 0.3 s and the
 * options OPTS; mock_configure's result. */
static int configure_ntpd(const char *name, unsigned port, const char *opts) {
  char conf[256];
  snprintf(conf, sizeof(conf),
           "<Plugin dcf77>\n<Ntpd \"%s\">\nPort \"%u\"\nTimeout 0.3\n%s"
           "</Ntpd>\n</Plugin>",
           name, port, opts);
  mock_clear();
  return mock_configure("dcf77", conf);
}

/* The monotonic clock of the Ntpd tests: mock_now (the wall clock) minus a
 * skew that a simulated wall-clock step changes. */
static double mono_skew_s = 1.7e9;
static int64_t ntpd_mono_ns(void) {
  return (int64_t)((CDTIME_T_TO_DOUBLE(mock_now) - mono_skew_s) * 1e9);
}

static void test_ntpd(void) {
  dcf77_clock_mono_ns = ntpd_mono_ns;
  srv_fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET,
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t al = sizeof(a);
  OK_MSG(bind(srv_fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
             getsockname(srv_fd, (struct sockaddr *)&a, &al) == 0,
         "fake mode 6 server bound");
  pthread_t th;
  pthread_create(&th, NULL, server, NULL);
  EXPECT_EQ_INT(0, configure_ntpd("ntpd", ntohs(a.sin_port), "MaxAge 60\n"));
  mock_init_all();
  /* refclock_time 08:13:01Z; "now" 08:13:05Z */
  mock_now = DOUBLE_TO_CDTIME_T(1795335185.0);
  EXPECT_EQ_INT(0, mock_read("dcf77/ntpd"));
  EXPECT_EQ_DOUBLE(0, get("ntpd", "clock_state", "status"));
  EXPECT_EQ_DOUBLE(0, get("ntpd", "clock_state", "current"));
  EXPECT_EQ_DOUBLE(1, get("ntpd", "bool", "time_code"));
  EXPECT_EQ_DOUBLE(0, get("ntpd", "bool", "call_bit"));
  EXPECT_EQ_DOUBLE(0, get("ntpd", "bool", "leap_announced"));
  EXPECT_NEAR(6.97, get("ntpd", "percent", "state_nominal"), 1e-9);
  EXPECT_NEAR(93.02, get("ntpd", "percent", "state_bad_format"), 1e-9);
  EXPECT_EQ_DOUBLE(0, get("ntpd", "percent", "state_no_response"));
  EXPECT_EQ_DOUBLE(3, get("ntpd", "total_events", "poll"));
  EXPECT_EQ_DOUBLE(1, get("ntpd", "total_events", "badformat"));
  EXPECT_NEAR(-0.363666e-3, get("ntpd", "time_offset", "offset"), 1e-12);
  EXPECT_NEAR(1.88424e-3, get("ntpd", "time_offset_rms", "jitter"), 1e-12);
  EXPECT_EQ_DOUBLE(7, get("ntpd", "clock_reachability", "reach"));
  EXPECT_EQ_DOUBLE(6, get("ntpd", "clock_state", "selection"));
  EXPECT_NEAR(4.0, get("ntpd", "clock_last_meas", "timecode"), 1e-6);
  EXPECT_EQ_DOUBLE(1, get("ntpd", "bool", "receiving"));
  EXPECT_EQ_INT(CDU_TABLE_SIZE(ntpd_metrics), mock_value_count());
  EXPECT_EQ_INT(0, mock_notification_count()); /* healthy from the start */

  /* Regression: the time code's age ran on the wall clock.  The wall clock
   * steps 1 h forward while 1 s passes: still 5 s old, still receiving
   * (it was 3604 s: "not receiving" and a FAILURE).  Stepping back keeps
   * it 5 s old too. */
  mock_now = DOUBLE_TO_CDTIME_T(1795335185.0 + 3600);
  mono_skew_s += 3599;
  EXPECT_EQ_INT(0, mock_clear_read("dcf77/ntpd"));
  EXPECT_NEAR(5.0, get("ntpd", "clock_last_meas", "timecode"), 1e-6);
  EXPECT_EQ_DOUBLE(1, get("ntpd", "bool", "receiving"));
  EXPECT_EQ_INT(0, mock_notification_count());
  mock_now = DOUBLE_TO_CDTIME_T(1795335186.0);
  mono_skew_s -= 3599; /* the wall clock steps back, no time passes */
  EXPECT_EQ_INT(0, mock_clear_read("dcf77/ntpd"));
  EXPECT_NEAR(5.0, get("ntpd", "clock_last_meas", "timecode"), 1e-6);
  EXPECT_EQ_INT(0, mock_notification_count());

  /* Regression: a lost fragment made the transport resend the READCLOCK
   * request with the same sequence number, and the second fragment of the
   * answer to the resend completed the first fragment of the first answer
   * (poll=3 from one, a shifted rest from the other).  Each send now has
   * its own sequence: only the second, whole answer counts (poll=14). */
  atomic_store(&srv_readclocks, 0);
  atomic_store(&srv_splice, 2);
  EXPECT_EQ_INT(0, mock_clear_read("dcf77/ntpd"));
  EXPECT_EQ_INT(2, atomic_load(&srv_readclocks)); /* sent again once */
  EXPECT_EQ_DOUBLE(14, get("ntpd", "total_events", "poll"));
  EXPECT_NEAR(6.97, get("ntpd", "percent", "state_nominal"), 1e-9);
  EXPECT_EQ_DOUBLE(1, get("ntpd", "bool", "time_code"));

  /* Out-of-range numbers: NaN / unknown, a warning, no undefined cast
   * (UBSan: "1e+30 is outside the range of representable values"). */
  atomic_store(&srv_huge, 1);
  EXPECT_EQ_INT(0, mock_clear_read("dcf77/ntpd"));
  OK(isnan(get("ntpd", "clock_reachability", "reach")));
  OK(mock_find("ntpd", "total_events", "poll") == NULL);
  OK(mock_find("ntpd", "total_events", "noreply") == NULL);
  OK(mock_find("ntpd", "total_events", "badformat") == NULL);
  OK(mock_find("ntpd", "total_events", "baddata") == NULL);
  EXPECT_EQ_DOUBLE(0, get("ntpd", "bool", "receiving"));
  OK(mock_log_find("out of range") >= 0);
  atomic_store(&srv_huge, 0);
  EXPECT_EQ_INT(0, mock_clear_read("dcf77/ntpd"));
  EXPECT_EQ_DOUBLE(1, get("ntpd", "bool", "receiving"));
  EXPECT_EQ_DOUBLE(3, get("ntpd", "total_events", "poll"));

  /* Regression (tests/scenarios/healthy_baseline.sh): one poll without a
   * sample (reach 036: bit 0 clear) while the time code is fresh is
   * ordinary for a PARSE refclock; it used to flap "not receiving" FAILURE
   * then OKAY a second later.  Two polls in a row without one (034) are
   * "not receiving". */
  peer_reach = 036;
  EXPECT_EQ_INT(0, mock_clear_read("dcf77/ntpd"));
  EXPECT_EQ_DOUBLE(1, get("ntpd", "bool", "receiving"));
  EXPECT_EQ_INT(0, mock_notification_count());
  peer_reach = 034;
  EXPECT_EQ_INT(0, mock_clear_read("dcf77/ntpd"));
  EXPECT_EQ_DOUBLE(0, get("ntpd", "bool", "receiving"));
  OK(mock_notification_count() == 1 &&
     mock_notified(NOTIF_FAILURE, "reach 034") == 1);
  peer_reach = 0x7;
  EXPECT_EQ_INT(0, mock_clear_read("dcf77/ntpd"));
  EXPECT_EQ_DOUBLE(1, get("ntpd", "bool", "receiving"));
  OK(mock_notification_count() == 1 &&
     mock_notification_at(0)->severity == NOTIF_OKAY);

  /* A silent receiver: NTPsec still says NOMINAL; the stale time code
   * (older than MaxAge) makes it "not receiving". */
  mock_now = DOUBLE_TO_CDTIME_T(1795335181.0 + 90);
  mock_clear_read("dcf77/ntpd");
  EXPECT_EQ_DOUBLE(0, get("ntpd", "clock_state", "current"));
  EXPECT_EQ_DOUBLE(0, get("ntpd", "bool", "receiving"));
  OK(mock_notification_count() == 1 &&
     mock_notified(NOTIF_FAILURE, "not receiving") == 1);

  /* Bad format: clock status 2, a WARNING. */
  clock_status = 0x0032;
  mock_clear_read("dcf77/ntpd");
  EXPECT_EQ_DOUBLE(2, get("ntpd", "clock_state", "status"));
  OK(mock_notification_count() == 1 &&
     mock_notification_at(0)->severity == NOTIF_WARNING);

  /* ntpd stops answering: NaN, no counters, an error naming the block. */
  atomic_store(&srv_silent, 1);
  EXPECT_EQ_INT(-1, mock_clear_read("dcf77/ntpd"));
  int found = 0;
  OK(isnan(mock_get("ntpd", "clock_state", "status", &found)) && found);
  OK(mock_find("ntpd", "total_events", "poll") == NULL);
  OK(mock_log_find("Ntpd \"ntpd\"") >= 0);
  EXPECT_EQ_INT(0, mock_check_metric_table("dcf77", ntpd_metrics,
                                           CDU_TABLE_SIZE(ntpd_metrics)));

  /* Regression: Timeout bounded each query, so a slow ntpd (every answer
   * 100 ms late, within the 300 ms Timeout) held collectd's read thread
   * for 5 queries (READSTAT, two srcadr lookups, READVAR, READCLOCK):
   * 0.5 s.  Timeout is the budget of the whole reading, as in the ntp
   * plugin: the read gives up (NaN) by Timeout. */
  atomic_store(&srv_silent, 0);
  atomic_store(&srv_delay_ms, 100);
  EXPECT_EQ_INT(0, configure_ntpd("slow", ntohs(a.sin_port), ""));
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  EXPECT_EQ_INT(-1, mock_read("dcf77/slow"));
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double took = (double)(t1.tv_sec - t0.tv_sec) +
                (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
  char msg[96];
  snprintf(msg, sizeof(msg), "a slow ntpd's read took %.3f s, Timeout 0.3 s",
           took);
  OK_MSG(took < 0.3 + 0.05, msg);
  OK(isnan(mock_get("slow", "clock_state", "status", &found)) && found);
  OK(mock_log_find("Ntpd \"slow\"") >= 0);
  atomic_store(&srv_delay_ms, 0);
  atomic_store(&srv_stop, 1);
  pthread_join(th, NULL);
  close(srv_fd);
  mock_shutdown_all();
}

/* ------------------------------------------------ stability statistics */

/* White phase noise: Gaussian (splitmix64 + Box-Muller), fixed seed. */
static uint64_t rng_state = 0x2545F4914F6CDD1DULL;
static double gauss(void) {
  double u[2];
  for (int i = 0; i < 2; i++) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    u[i] = ((double)(z >> 11) + 0.5) / 9007199254740992.0;
  }
  return sqrt(-2.0 * log(u[0])) * cos(2 * M_PI * u[1]);
}

static double sget(const char *type, const char *what, int *found) {
  char ti[DATA_MAX_NAME_LEN];
  snprintf(ti, sizeof(ti), "offset-%s", what);
  return mock_get("st", type, ti, found);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

#define ST_MINUTES 72 /* simulated minutes fed */
#define ST_W 64       /* window: StabilityWindow 3840 s / 60 s */
#define ST_SIGMA 0.002 /* white PM of the receiver's latency, s */

/* Feed sim minutes [from, to) with a latency of 0.425 s + e[j]: the
 * decoder's mark (the mean over the minute's pulses) moves by e[j], so
 * the minute's offset is exactly -e[j]. */
static int feed_noisy(int master, rx_inst_t *in, dcf77_sim_t *sim, int64_t m0,
                      const int64_t *e, int from, int to) {
  for (int j = from; j < to; j++) {
    sim->latency_ns = 425000000 + e[j];
    if (feed_minutes(master, in, sim, m0 + 60 * j, 1) != 0)
      return -1;
  }
  return 0;
}

/* The plugin's values after `fed` sim minutes, read 1 s after the last. */
static void st_read(int64_t m0, int fed) {
  atomic_store(&fake_real, (m0 + 60 * fed) * NS + NS);
  mock_clear_read("dcf77/st");
}

static void test_stability(void) {
  int master;
  const int64_t m0 = INT64_C(1795400000) / 60 * 60;
  rx_inst_t *in = start_receiver(&master, "st",
                                 "TrustAfter 2\nMaxAge 300\nStability true\n"
                                 "StabilityWindow 3840\n",
                                 m0 - 30);
  if (in == NULL) {
    close(master);
    return;
  }
  static int64_t e[ST_MINUTES];
  for (int j = 0; j < ST_MINUTES; j++)
    e[j] = (int64_t)llround(ST_SIGMA * gauss() * 1e9);
  dcf77_sim_t sim;
  dcf77_sim_init(&sim, 0.0, 7);
  sim.jitter_ns = 0;
  /* Sim minute 0 is incomplete, 1 the first decoded, from 2 on each is
   * trusted once the next mark ends it: after n sim minutes, n - 3. */
  OK(feed_noisy(master, in, &sim, m0, e, 0, 10) == 0);
  st_read(m0, 10);
  int found = 0;
  EXPECT_EQ_DOUBLE(7, sget("count", "samples", NULL));
  OK_MSG(isnan(sget("time_offset", "p50", &found)) && found,
         "offset-p50 NaN with 7 samples");
  OK(feed_noisy(master, in, &sim, m0, e, 10, 11) == 0);
  st_read(m0, 11);
  OK_MSG(isfinite(sget("time_offset", "p50", NULL)),
         "offset-p50 finite with 8 samples");
  OK_MSG(isnan(sget("time_adev", "tau_60", NULL)),
         "ADEV at 60 s NaN with 8 samples");
  OK(feed_noisy(master, in, &sim, m0, e, 11, 13) == 0);
  st_read(m0, 13);
  OK_MSG(isfinite(sget("time_adev", "tau_60", NULL)),
         "ADEV at 60 s finite with 10 samples");
  OK(feed_noisy(master, in, &sim, m0, e, 13, ST_MINUTES) == 0);
  st_read(m0, ST_MINUTES);

  /* The window: the last ST_W trusted minutes, sim minutes
   * ST_MINUTES - 2 - ST_W .. ST_MINUTES - 2, offsets -e[j]. */
  phase_stats_t ref;
  phase_stats_init(&ref, 60 * NS, ST_W);
  double x[ST_W];
  for (int k = 0; k < ST_W; k++) {
    int j = ST_MINUTES - 1 - ST_W + k;
    x[k] = -e[j] * 1e-9;
    phase_stats_add(&ref, x[k], (m0 + 60 * (j + 1)) * NS);
  }
  EXPECT_EQ_DOUBLE(ST_W, sget("count", "samples", NULL));
  phase_stats_tau_t t[PHASE_STATS_MAX_OCTAVES];
  uint32_t nt = phase_stats_taus(&ref, t, PHASE_STATS_MAX_OCTAVES);
  EXPECT_EQ_INT(5, (int)nt); /* m = 1 .. 16 = ST_W / 4 */
  for (uint32_t i = 0; i < nt; i++) {
    char tau[32], what[160];
    snprintf(tau, sizeof(tau), "tau_%u", 60 * t[i].m);
    double adev = sget("time_adev", tau, NULL);
    double tdev = sget("time_tdev", tau, NULL);
    /* White PM (tau0 = 60 s): ADEV = sqrt(3) s / tau within 5 standard
     * deviations of the estimate, edf = (N+1)(N-2m) / (2(N-m)) (NIST
     * SP 1065, table 12), relative deviation 1 / sqrt(2 edf). */
    double n = ST_W, m = t[i].m;
    double edf = (n + 1) * (n - 2 * m) / (2 * (n - m));
    double expect = sqrt(3.0) * ST_SIGMA / t[i].tau_s;
    double tol = 5.0 / sqrt(2 * edf);
    snprintf(what, sizeof(what), "%s ADEV %.3g within %.0f %% of %.3g; "
             "ADEV, TDEV as phase_stats %.6g, %.6g", tau, adev, 100 * tol,
             expect, t[i].adev, t[i].tdev);
    OK_MSG(fabs(adev / expect - 1) < tol &&
               fabs(adev - t[i].adev) <= 1e-9 * t[i].adev &&
               fabs(tdev - t[i].tdev) <= 1e-9 * t[i].tdev,
           what);
  }
  found = 0;
  sget("time_adev", "tau_1920", &found);
  OK_MSG(!found, "no tau beyond window / 4");
  qsort(x, ST_W, sizeof(x[0]), cmp_double);
  double sum = 0, ss = 0;
  for (int k = 0; k < ST_W; k++)
    sum += x[k];
  for (int k = 0; k < ST_W; k++)
    ss += (x[k] - sum / ST_W) * (x[k] - sum / ST_W);
  EXPECT_NEAR(sum / ST_W, sget("time_offset", "mean", NULL), 1e-12);
  EXPECT_NEAR(sqrt(ss / (ST_W - 1)), sget("time_offset", "std", NULL), 1e-12);
  /* Hyndman-Fan 7: p50 of 64 = mean of the 32nd and 33rd; p1 at rank
   * 0.63, p99 at rank 62.37. */
  EXPECT_NEAR((x[31] + x[32]) / 2, sget("time_offset", "p50", NULL), 1e-12);
  EXPECT_NEAR(x[0] + 0.63 * (x[1] - x[0]), sget("time_offset", "p1", NULL),
              1e-12);
  EXPECT_NEAR(x[62] + 0.37 * (x[63] - x[62]),
              sget("time_offset", "p99", NULL), 1e-12);
  phase_stats_free(&ref);

  /* Silence past MaxAge (300 s): NaN, never the last value. */
  atomic_store(&fake_real, (m0 + 60 * ST_MINUTES + 400) * NS);
  mock_clear_read("dcf77/st");
  found = 0;
  OK(isnan(sget("time_adev", "tau_60", &found)) && found);
  OK(isnan(sget("time_offset", "p99", NULL)));
  close(master);
  mock_shutdown_all();
  mock_reset();
  rx_count = 0;

  /* Bad options name the block; StabilityTau0 is fixed at 60 s here. */
  module_register();
  mock_clear();
  OK(mock_configure("dcf77", "<Receiver \"b\">\nDevice \"/dev/null\"\n"
                             "Stability true\nStabilityWindow 600\n"
                             "</Receiver>") != 0);
  OK(mock_log_find("\"b\": StabilityWindow") >= 0);
  OK(mock_configure("dcf77", "<Receiver \"c\">\nDevice \"/dev/null\"\n"
                             "StabilityTau0 1\n</Receiver>") != 0);
  OK(mock_log_find("\"c\": StabilityTau0") >= 0);
  mock_reset();
  rx_count = 0;
}

int main(void) {
  module_register();
  test_config_errors();
  test_receiver();
  test_reader_behind();
  module_register();
  test_stability();
  module_register();
  test_ntpd();
  return testing_done();
}
