/* SPDX-License-Identifier: MIT
 * Unit tests for common/ntp_snapshot: mode 6 and chrony data mapped to the
 * one schema (units ms -> s, signs, selection codes, counts, names).
 * Inputs are texts NTPsec 1.2.2 sent on this machine (see
 * tests/data/ntp/) and chronyd 4.3 field values printed by chronyc.
 */
#include "common/ntp_snapshot.h"
#include "testing.h"

#include <string.h>

static size_t parse(char *txt, ntp_m6_var_t *v) {
  size_t n = 0;
  ntp_m6_varlist_parse(txt, strlen(txt), v, 64, &n);
  return n;
}

static void test_sys(void) {
  ntp_snap_t s;
  ntp_m6_var_t v[64];
  char txt[] = "leap=3, stratum=1, precision=-23, rootdelay=0.000, "
               "rootdisp=3.044,\r\nrefid=GPS, reftime=0xeead20c9.39e531b4, "
               "tc=4, peer=17768,\r\noffset=-0.250000, frequency=-12.5, "
               "sys_jitter=0.125000,\r\nclk_jitter=0.000119, "
               "clk_wander=0.004, rootdist=1.522\r\n";
  ntp_snap_init(&s);
  OK(isnan(s.offset_s) && isnan(s.n_peers));
  EXPECT_EQ_INT(NTP_SNAP_COUNTER_UNKNOWN, s.kpps_calibrations);
  size_t n = parse(txt, v);
  ntp_snap_from_mode6_sys(&s, v, n, 0xc416);
  EXPECT_NEAR(-0.25e-3, s.offset_s, 1e-15);
  EXPECT_NEAR(0.125e-3, s.sys_jitter_s, 1e-15);
  EXPECT_NEAR(0.119e-6, s.clk_jitter_s, 1e-15);
  EXPECT_NEAR(0.004, s.wander_ppm, 1e-12);
  EXPECT_NEAR(-12.5, s.frequency_ppm, 1e-12);
  EXPECT_EQ_DOUBLE(1, s.stratum);
  EXPECT_NEAR(3.044e-3, s.root_dispersion_s, 1e-15);
  EXPECT_NEAR(1.522e-3, s.root_distance_s, 1e-15);
  EXPECT_EQ_DOUBLE(3, s.leap);
  EXPECT_EQ_DOUBLE(4, s.source_kind);
  EXPECT_EQ_DOUBLE(0, s.synchronised); /* leap 3: ntpd says unsynced */
  OK(isnan(s.rms_offset_s));
  /* classic ntpd: no rootdist -> rootdelay/2 + rootdisp */
  char txt2[] = "leap=0, stratum=2, rootdelay=10.0, rootdisp=1.5, offset=1";
  n = parse(txt2, v);
  ntp_snap_from_mode6_sys(&s, v, n, 0x0615);
  EXPECT_NEAR(6.5e-3, s.root_distance_s, 1e-15);
  EXPECT_EQ_DOUBLE(1, s.synchronised);
  EXPECT_EQ_DOUBLE(6, s.source_kind);
  OK(isnan(s.sys_jitter_s));
}

static void test_kernel(void) {
  ntp_snap_t s;
  ntp_m6_var_t v[64];
  char off[] = "koffset=0, kfreq=0, kppsfreq=0, kppsstab=0, kppsjitter=0,\r\n"
               "kppscalibdur=0, kppscalibs=0, kppscaliberrs=0, "
               "kppsjitexc=0,\r\nkppsstbexc=0";
  ntp_snap_init(&s);
  ntp_snap_from_mode6_kernel(&s, v, parse(off, v));
  OK_MSG(isnan(s.kpps_jitter_s) && isnan(s.kpps_interval_s) &&
             s.kpps_calibrations == NTP_SNAP_COUNTER_UNKNOWN,
         "inactive kernel PPS (calibdur 0) stays unknown");
  char on[] = "kppsfreq=-3.25, kppsstab=0.011, kppsjitter=0.002500,\r\n"
              "kppscalibdur=256, kppscalibs=17, kppscaliberrs=1, "
              "kppsjitexc=2,\r\nkppsstbexc=0";
  ntp_snap_from_mode6_kernel(&s, v, parse(on, v));
  EXPECT_NEAR(2.5e-6, s.kpps_jitter_s, 1e-15);
  EXPECT_NEAR(-3.25, s.kpps_frequency_ppm, 1e-12);
  EXPECT_NEAR(0.011, s.kpps_stability_ppm, 1e-12);
  EXPECT_EQ_DOUBLE(256, s.kpps_interval_s);
  EXPECT_EQ_INT(17, s.kpps_calibrations);
  EXPECT_EQ_INT(1, s.kpps_calib_errors);
  EXPECT_EQ_INT(2, s.kpps_jitter_exceeded);
  EXPECT_EQ_INT(0, s.kpps_stability_exceeded);
}

/* kppscalibdur: 1 << shift s in classic ntpd and NTPsec <= 1.2.2, the
 * shift itself (log2 s) from NTPsec 1.2.3 (ntpd/ntp_control.c); the
 * daemon's `version` says which. */
static void test_kernel_calibdur(void) {
  static const struct {
    const char *version, *calibdur;
    double want_s;
  } c[] = {
      {"ntpd ntpsec-1.2.2", "4", 4},
      {"ntpd ntpsec-1.2.2a 2023-01-03T00:00:00Z", "256", 256},
      {"ntpd 4.2.8p15@1.3728-o Wed Sep 23 11:46:38 UTC 2020 (1)", "256", 256},
      {"ntpd ntpsec-1.2.3 2024-04-07T16:06:13Z", "2", 4},
      {"ntpd ntpsec-1.2.3 2024-04-07T16:06:13Z", "8", 256},
      {"ntpd ntpsec-1.2.4", "3", 8},
      {"ntpd ntpsec-1.3.0", "5", 32},
      {"ntpd ntpsec-1.2.3 2024-04-07T16:06:13Z", "0", NAN}, /* no PPS */
  };
  for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
    ntp_snap_t s;
    ntp_m6_var_t v[16];
    char text[256];
    snprintf(text, sizeof text,
             "kppsjitter=0.002, kppscalibdur=%s, version=\"%s\"",
             c[i].calibdur, c[i].version);
    ntp_snap_init(&s);
    ntp_snap_from_mode6_kernel(&s, v, parse(text, v));
    printf("# %s, kppscalibdur=%s: %g s (want %g s)\n", c[i].version,
           c[i].calibdur, s.kpps_interval_s, c[i].want_s);
    if (isnan(c[i].want_s))
      OK(isnan(s.kpps_interval_s));
    else
      EXPECT_EQ_DOUBLE(c[i].want_s, s.kpps_interval_s);
  }
}

static void test_peers(void) {
  ntp_snap_t s;
  ntp_m6_var_t v[64];
  ntp_snap_init(&s);
  char shm[] = "srcadr=127.127.28.5, srchost=\"SHM(5)\", stratum=0, "
               "reach=0xf,\r\noffset=2.526920, delay=0.000000, "
               "jitter=0.092662, dispersion=937.706322";
  ntp_snap_peer_t *p = ntp_snap_add_mode6_peer(&s, v, parse(shm, v), 0x961a);
  OK(p != NULL);
  EXPECT_EQ_STR("SHM(5)", p->name);
  EXPECT_NEAR(2.52692e-3, p->offset_s, 1e-15);
  EXPECT_NEAR(0.092662e-3, p->jitter_s, 1e-15);
  EXPECT_NEAR(0.937706322, p->dispersion_s, 1e-12);
  EXPECT_EQ_DOUBLE(0, p->delay_s);
  EXPECT_EQ_DOUBLE(4, p->reach); /* 0xf: 4 of the last 8 */
  EXPECT_EQ_DOUBLE(1, p->reachable);
  EXPECT_EQ_DOUBLE(6, p->selection);
  char self[] = "srcadr=127.0.0.1, srchost=\"127.0.0.1\", stratum=16, "
                "reach=0x0, offset=0.000000, delay=0.000000";
  p = ntp_snap_add_mode6_peer(&s, v, parse(self, v), 0x8011);
  EXPECT_EQ_STR("127.0.0.1", p->name);
  EXPECT_EQ_DOUBLE(0, p->reach);
  EXPECT_EQ_DOUBLE(0, p->reachable);
  EXPECT_EQ_DOUBLE(0, p->selection);
  OK(isnan(p->jitter_s));
  char noname[] = "srcadr=192.0.2.1, reach=0xff";
  p = ntp_snap_add_mode6_peer(&s, v, parse(noname, v), 0x9114);
  EXPECT_EQ_STR("192.0.2.1", p->name);
  EXPECT_EQ_DOUBLE(8, p->reach);
  EXPECT_EQ_DOUBLE(1, p->selection);
  char outl[] = "srchost=\"x\", reach=0x3";
  ntp_snap_add_mode6_peer(&s, v, parse(outl, v), 0x9314);
  char cand[] = "srchost=\"y\", reach=0x7";
  ntp_snap_add_mode6_peer(&s, v, parse(cand, v), 0x9414);
  char backup[] = "srchost=\"z\", reach=0x7";
  ntp_snap_add_mode6_peer(&s, v, parse(backup, v), 0x9514);
  ntp_snap_finish(&s);
  EXPECT_EQ_DOUBLE(6, s.n_peers);
  EXPECT_EQ_DOUBLE(5, s.n_reachable);
  EXPECT_EQ_DOUBLE(3, s.n_candidates); /* sys.peer + candidate + backup */
  EXPECT_EQ_DOUBLE(1, s.n_falsetickers);
  EXPECT_EQ_DOUBLE(1, s.n_outliers);
  EXPECT_EQ_STR("SHM(5)", s.sys_peer);
  /* full table */
  int full = 0;
  for (int i = 0; i < NTP_SNAP_MAX_PEERS; i++)
    full += ntp_snap_add_mode6_peer(&s, v, parse(noname, v), 0) == NULL;
  EXPECT_EQ_INT(6, full);
}

/* A tracking reply: reference, its address family and stratum; leap
 * normal, every other field 0. */
static chrony_tracking_t tracking(uint32_t ref_id, unsigned family,
                                  unsigned stratum) {
  chrony_tracking_t t;
  memset(&t, 0, sizeof t);
  t.ref_id = ref_id;
  t.ip.family = family;
  t.stratum = stratum;
  return t;
}

static void test_chrony(void) {
  ntp_snap_t s;
  /* chronyc -c tracking: 47505337,GPS7,1,...,0.002498039,-0.000040058,
   * 0.000130601,1.605,-0.186,9.015,0.000000001,0.001133963,4.0,Normal */
  chrony_tracking_t t = tracking(0x47505337, CHRONY_IPADDR_UNSPEC, 1);
  t.current_correction_s = 0.002498039;
  t.last_offset_s = -0.000040058;
  t.rms_offset_s = 0.000130601;
  t.freq_ppm = 1.605;
  t.skew_ppm = 9.015;
  t.root_delay_s = 1e-9;
  t.root_dispersion_s = 0.001133963;
  ntp_snap_init(&s);
  ntp_snap_from_chrony_tracking(&s, &t);
  EXPECT_NEAR(0.002498039, s.offset_s, 1e-15);
  EXPECT_NEAR(-1.605, s.frequency_ppm, 1e-12);
  EXPECT_NEAR(9.015, s.wander_ppm, 1e-12);
  EXPECT_NEAR(0.000130601, s.rms_offset_s, 1e-15);
  EXPECT_NEAR(0.001133963 + 0.5e-9, s.root_distance_s, 1e-15);
  EXPECT_EQ_DOUBLE(1, s.synchronised);
  EXPECT_EQ_DOUBLE(4, s.source_kind); /* GPS refclock: uhf like ntpd */
  OK(isnan(s.sys_jitter_s) && isnan(s.clk_jitter_s));
  t.leap_status = 3;
  ntp_snap_from_chrony_tracking(&s, &t);
  EXPECT_EQ_DOUBLE(0, s.synchronised);
  EXPECT_EQ_DOUBLE(0, s.source_kind);

  EXPECT_EQ_INT(1, ntp_snap_chrony_kind(0x50505300, true, true));
  EXPECT_EQ_INT(2, ntp_snap_chrony_kind(0x44434600, true, true));
  EXPECT_EQ_INT(6, ntp_snap_chrony_kind(0x7f000001, false, true));
  EXPECT_EQ_INT(7, ntp_snap_chrony_kind(0x58595a00, true, true));
  EXPECT_EQ_INT(5, ntp_snap_chrony_kind(0x4c4f434c, true, true));

  /* chronyc -c sources: #,*,GPS7,0,2,377,6,-0.000118854,-0.000156659,
   * 0.001000001; sourcestats sd 0.000130806 */
  chrony_source_data_t d;
  chrony_sourcestats_t st;
  memset(&d, 0, sizeof d);
  memset(&st, 0, sizeof st);
  d.ip.addr[0] = 'G', d.ip.addr[1] = 'P', d.ip.addr[2] = 'S';
  d.ip.addr[3] = '7';
  d.mode = CHRONY_SD_MODE_REF;
  d.state = CHRONY_SD_SELECTED;
  d.reach = 0377;
  d.latest_meas_s = -0.000118854;
  d.latest_meas_err_s = 0.001000001;
  st.sd_s = 0.000130806;
  ntp_snap_peer_t *p = ntp_snap_add_chrony_source(&s, &d, &st);
  EXPECT_EQ_STR("GPS7", p->name);
  EXPECT_NEAR(0.000118854, p->offset_s, 1e-15);
  EXPECT_NEAR(0.000130806, p->jitter_s, 1e-15);
  EXPECT_NEAR(0.001000001, p->dispersion_s, 1e-15);
  EXPECT_EQ_DOUBLE(8, p->reach);
  EXPECT_EQ_DOUBLE(6, p->selection);
  OK(isnan(p->delay_s));
  d.state = CHRONY_SD_FALSETICKER;
  d.reach = 0;
  d.mode = CHRONY_SD_MODE_CLIENT;
  d.ip.family = 1;
  d.ip.addr[0] = 10, d.ip.addr[1] = 0, d.ip.addr[2] = 0, d.ip.addr[3] = 2;
  p = ntp_snap_add_chrony_source(&s, &d, NULL);
  EXPECT_EQ_STR("10.0.0.2", p->name);
  OK(isnan(p->jitter_s));
  EXPECT_EQ_DOUBLE(1, p->selection);
  ntp_snap_finish(&s);
  EXPECT_EQ_DOUBLE(2, s.n_peers);
  EXPECT_EQ_DOUBLE(1, s.n_reachable);
  EXPECT_EQ_DOUBLE(1, s.n_candidates);
  EXPECT_EQ_DOUBLE(1, s.n_falsetickers);
  EXPECT_EQ_STR("GPS7", s.sys_peer);
  /* Regression (scenario S2): chronyd keeps a source that stopped
   * answering combined ('+') for ~35 s after its reach register is 0; it
   * is not a usable source any more. */
  d.state = CHRONY_SD_UNSELECTED;
  d.reach = 0;
  d.ip.addr[3] = 3;
  p = ntp_snap_add_chrony_source(&s, &d, NULL);
  EXPECT_EQ_DOUBLE(4, p->selection);
  d.reach = 0200; /* answered 8 polls ago, not since: still usable */
  d.ip.addr[3] = 4;
  ntp_snap_add_chrony_source(&s, &d, NULL);
  ntp_snap_finish(&s);
  EXPECT_EQ_DOUBLE(4, s.n_peers);
  EXPECT_EQ_DOUBLE(2, s.n_reachable);
  EXPECT_EQ_DOUBLE(2, s.n_candidates);

  OK_MSG(!s.peers[0].unresolved && !s.peers[3].unresolved,
         "resolved sources are not marked unresolved");
  EXPECT_EQ_DOUBLE(0, s.n_unresolved);

  EXPECT_EQ_INT(6, ntp_snap_chrony_select(CHRONY_SD_SELECTED));
  /* chronyc (client.c) prints UNSELECTED as '+' and SELECTABLE as '-';
   * seen on chronyd 4.3 in tests/integration/ntp_falseticker.sh */
  EXPECT_EQ_INT(4, ntp_snap_chrony_select(CHRONY_SD_UNSELECTED));
  EXPECT_EQ_INT(3, ntp_snap_chrony_select(CHRONY_SD_SELECTABLE));
  EXPECT_EQ_INT(1, ntp_snap_chrony_select(CHRONY_SD_FALSETICKER));
  EXPECT_EQ_INT(3, ntp_snap_chrony_select(CHRONY_SD_JITTERY));
  EXPECT_EQ_INT(0, ntp_snap_chrony_select(CHRONY_SD_NONSELECTABLE));
  EXPECT_EQ_INT(0, ntp_snap_chrony_select(17));
}

/* Sources whose name is not resolved yet (address family 3, IPADDR_ID,
 * chrony ntp_sources.c): named as chronyc names them, not counted as
 * configured peers, counted apart.  chronyd 4.3 with one loopback server,
 * "server x.invalid" and "pool y.invalid" reported 10 sources, 9 of them
 * ID#0000000001..9 ('?', reach 0, stratum 0). */
static void test_chrony_unresolved(void) {
  ntp_snap_t s;
  chrony_tracking_t t = tracking(0x7f000006, CHRONY_IPADDR_INET4, 2);
  chrony_source_data_t d;
  ntp_snap_init(&s);
  ntp_snap_from_chrony_tracking(&s, &t);
  memset(&d, 0, sizeof d);
  d.ip.family = CHRONY_IPADDR_INET4;
  d.ip.addr[0] = 127, d.ip.addr[3] = 6;
  d.state = CHRONY_SD_SELECTED;
  d.reach = 0377;
  d.stratum = 1;
  ntp_snap_add_chrony_source(&s, &d, NULL);
  for (uint8_t id = 1; id <= 9; id++) {
    memset(&d, 0, sizeof d);
    d.ip.family = CHRONY_IPADDR_ID;
    d.ip.addr[3] = id;
    d.state = CHRONY_SD_NONSELECTABLE;
    ntp_snap_add_chrony_source(&s, &d, NULL);
  }
  ntp_snap_finish(&s);
  EXPECT_EQ_INT(10, s.npeers); /* all dispatched */
  EXPECT_EQ_STR("127.0.0.6", s.peers[0].name);
  EXPECT_EQ_STR("ID#0000000001", s.peers[1].name);
  EXPECT_EQ_STR("ID#0000000009", s.peers[9].name);
  OK(s.peers[9].unresolved && !s.peers[0].unresolved);
  EXPECT_EQ_DOUBLE(1, s.n_peers);
  EXPECT_EQ_DOUBLE(1, s.n_reachable);
  EXPECT_EQ_DOUBLE(1, s.n_candidates);
  EXPECT_EQ_DOUBLE(9, s.n_unresolved);
  EXPECT_EQ_STR("127.0.0.6", s.sys_peer);
  int empty = 0;
  for (size_t i = 0; i < s.npeers; i++)
    empty += s.peers[i].name[0] == '\0';
  EXPECT_EQ_INT(0, empty);
  /* NTPsec/ntpd has no such concept: NaN, not 0 */
  ntp_snap_init(&s);
  ntp_snap_from_mode6_sys(&s, NULL, 0, 0x0615);
  ntp_snap_add_mode6_peer(&s, NULL, 0, 0x961a);
  ntp_snap_finish(&s);
  EXPECT_EQ_DOUBLE(1, s.n_peers);
  OK_MSG(isnan(s.n_unresolved), "ntpd: count-unresolved is NaN");
}

/* chronyd's local reference ("local stratum N" and no usable source):
 * reference.c REF_GetReferenceParams reports ref_id NTP_REFID_LOCAL
 * 0x7F7F0101 (127.127.1.1, ntp.h), leap normal, address family unspec;
 * chronyc tracking prints "Reference ID : 7F7F0101 ()". */
static void test_chrony_local(void) {
  ntp_snap_t s;
  chrony_tracking_t t = tracking(0x7F7F0101, CHRONY_IPADDR_UNSPEC, 8);
  ntp_snap_init(&s);
  ntp_snap_from_chrony_tracking(&s, &t);
  EXPECT_EQ_DOUBLE(5, s.source_kind); /* local, as ntpd's status word */
  EXPECT_EQ_DOUBLE(8, s.stratum);
  EXPECT_EQ_DOUBLE(1, s.synchronised);
  EXPECT_EQ_INT(5, ntp_snap_chrony_kind(0x7F7F0101, true, true));
  EXPECT_EQ_INT(0, ntp_snap_chrony_kind(0x7F7F0101, true, false));
  /* an NTP server at 127.127.1.1 is an NTP server, not the local clock */
  EXPECT_EQ_INT(6, ntp_snap_chrony_kind(0x7F7F0101, false, true));
}

static void test_misc(void) {
  char out[16];
  EXPECT_EQ_STR("SHM(0)", ntp_snap_sanitize("SHM(0)", out, sizeof out));
  EXPECT_EQ_STR("a_b_c", ntp_snap_sanitize("a/b c", out, sizeof out));
  EXPECT_EQ_STR("fe80::1", ntp_snap_sanitize("fe80::1", out, sizeof out));
  EXPECT_EQ_STR("0123456789abcde",
                ntp_snap_sanitize("0123456789abcdefgh", out, sizeof out));
  EXPECT_EQ_INT(0, ntp_snap_reach_count(0));
  EXPECT_EQ_INT(8, ntp_snap_reach_count(0xff));
  EXPECT_EQ_INT(8, ntp_snap_reach_count(0x1ff));
  EXPECT_EQ_INT(3, ntp_snap_reach_count(0x13));
}

/* ntpq sysstats: NTPsec 1.2.2 has every ss_* twice, NAME (since the hourly
 * reset of `statistics sysstats`) and NAME_r (since start): the total
 * wins; classic ntpd 4.2.8 only has NAME. */
static void test_sysstats(void) {
  ntp_snap_t s;
  ntp_m6_var_t v[64];
  char ntpsec[] = "ss_uptime=3600, ss_received=7, ss_received_r=107, "
                  "ss_thisver=5, ss_thisver_r=105, ss_oldver=1, "
                  "ss_oldver_r=2, ss_badformat=0, ss_badformat_r=3, "
                  "ss_badauth_r=4, ss_declined_r=5, ss_restricted_r=6, "
                  "ss_limited_r=7, ss_kodsent_r=8, ss_processed_r=9";
  ntp_snap_init(&s);
  OK(s.pkt_received == NTP_SNAP_COUNTER_UNKNOWN && isnan(s.uptime_s));
  ntp_snap_from_mode6_sysstats(&s, v, parse(ntpsec, v));
  EXPECT_EQ_DOUBLE(3600, s.uptime_s);
  EXPECT_EQ_INT(107, s.pkt_received);
  EXPECT_EQ_INT(105, s.pkt_current_version);
  EXPECT_EQ_INT(2, s.pkt_old_version);
  EXPECT_EQ_INT(3, s.pkt_bad_format);
  EXPECT_EQ_INT(4, s.pkt_bad_auth);
  EXPECT_EQ_INT(5, s.pkt_declined);
  EXPECT_EQ_INT(6, s.pkt_restricted);
  EXPECT_EQ_INT(7, s.pkt_rate_limited);
  EXPECT_EQ_INT(8, s.pkt_kod_sent);
  EXPECT_EQ_INT(9, s.pkt_processed);
  OK_MSG(s.pkt_authenticated == NTP_SNAP_COUNTER_UNKNOWN &&
             s.cmd_received == NTP_SNAP_COUNTER_UNKNOWN,
         "chrony-only counters stay unknown for ntpd");
  char classic[] = "ss_uptime=12, ss_received=40, ss_thisver=30, "
                   "ss_kodsent=-1, ss_processed=x";
  ntp_snap_init(&s);
  ntp_snap_from_mode6_sysstats(&s, v, parse(classic, v));
  EXPECT_EQ_INT(40, s.pkt_received);
  EXPECT_EQ_INT(30, s.pkt_current_version);
  OK_MSG(s.pkt_kod_sent == NTP_SNAP_COUNTER_UNKNOWN &&
             s.pkt_processed == NTP_SNAP_COUNTER_UNKNOWN &&
             s.pkt_old_version == NTP_SNAP_COUNTER_UNKNOWN,
         "negative, non-numeric and missing counters: unknown");
}

/* hpoll/ppoll and the age of the last packet, from an NTPsec 1.2.2 peer
 * answer (tests/data/ntp/readvar_peer_2frag.m6) */
static void test_mode6_poll_age(void) {
  ntp_snap_t s;
  ntp_m6_var_t v[64];
  char shm[] = "srcadr=127.127.28.6, ppoll=3, hpoll=4, reach=0xf, "
               "reftime=0xeead25d3.7c60b71c, rec=0xeead25d3.d9a25128";
  ntp_snap_init(&s);
  size_t n = parse(shm, v);
  ntp_snap_peer_t *p = ntp_snap_add_mode6_peer(&s, v, n, 0x961a);
  EXPECT_EQ_DOUBLE(16, p->poll_s);
  EXPECT_EQ_DOUBLE(8, p->peer_poll_s);
  OK(isnan(p->sample_age_s)); /* needs the daemon's clock */
  /* clock 2.5 s after rec (0x80000000 = 0.5 s), read 0.25 s earlier */
  ntp_snap_mode6_peer_age(p, v, n, "0xeead25d6.59a25128", 0.25);
  EXPECT_NEAR(2.75, p->sample_age_s, 1e-9);
  ntp_snap_mode6_peer_age(p, v, n, "junk", 0.25);
  OK(isnan(p->sample_age_s));
  char never[] = "srcadr=127.0.0.1, hpoll=99, rec=0x00000000.00000000";
  n = parse(never, v);
  p = ntp_snap_add_mode6_peer(&s, v, n, 0x8011);
  OK_MSG(isnan(p->poll_s) && isnan(p->peer_poll_s), "bad or missing poll");
  ntp_snap_mode6_peer_age(p, v, n, "0xeead25d6.59a25128", 0);
  OK_MSG(isnan(p->sample_age_s), "rec 0: nothing received yet");
  double d = 0;
  /* across the NTP era boundary (2036-02-07): era 1 second 5 minus era 0
   * second 2^32 - 3 = 8 s */
  EXPECT_EQ_INT(0, ntp_snap_ts_diff("0x00000005.00000000",
                                    "0xfffffffd.00000000", &d));
  EXPECT_NEAR(8, d, 1e-12);
  EXPECT_EQ_INT(0, ntp_snap_ts_diff("0xfffffffd.00000000",
                                    "0x00000005.00000000", &d));
  EXPECT_NEAR(-8, d, 1e-12);
  EXPECT_EQ_INT(-1, ntp_snap_ts_diff("0x1.2", "12.5", &d));
  EXPECT_EQ_INT(-1, ntp_snap_ts_diff("0x00000001.00000000x",
                                     "0x00000001.00000000", &d));
}

/* chronyc -c sources / sourcestats on chronyd 4.3: poll, "LastRx" and the
 * sourcestats columns NP, NR, Span, Frequency, Freq Skew, Offset. */
static void test_chrony_polls_stats(void) {
  ntp_snap_t s;
  chrony_source_data_t d;
  chrony_sourcestats_t st;
  chrony_serverstats_t ss;
  memset(&d, 0, sizeof d);
  memset(&st, 0, sizeof st);
  ntp_snap_init(&s);
  d.ip.family = 1;
  d.ip.addr[0] = 127, d.ip.addr[3] = 1;
  d.poll = -2;
  d.since_sample_s = 3;
  d.reach = 0377;
  st.n_samples = 12, st.n_runs = 7, st.span_s = 45;
  st.resid_freq_ppm = 0.125, st.skew_ppm = 2.5, st.est_offset_s = -4e-6;
  ntp_snap_peer_t *p = ntp_snap_add_chrony_source(&s, &d, &st);
  EXPECT_EQ_DOUBLE(0.25, p->poll_s);
  OK(isnan(p->peer_poll_s));
  EXPECT_EQ_DOUBLE(3, p->sample_age_s);
  EXPECT_EQ_DOUBLE(12, p->n_samples);
  EXPECT_EQ_DOUBLE(7, p->n_runs);
  EXPECT_EQ_DOUBLE(45, p->span_s);
  EXPECT_EQ_DOUBLE(-0.125, p->resid_freq_ppm); /* chrony + = local fast */
  EXPECT_EQ_DOUBLE(2.5, p->skew_ppm);
  EXPECT_EQ_DOUBLE(4e-6, p->est_offset_s); /* + = local clock behind */
  d.since_sample_s = UINT32_MAX; /* no sample yet (sourcestats.c) */
  d.ip.addr[3] = 2;
  p = ntp_snap_add_chrony_source(&s, &d, NULL);
  OK_MSG(isnan(p->sample_age_s) && isnan(p->n_samples) &&
             isnan(p->skew_ppm),
         "no sample yet, no sourcestats: NaN");
  for (int k = 0; k < CHRONY_SS_N; k++)
    ss.v[k] = 100 + k;
  ss.v[CHRONY_SS_NKE_RX] = CHRONY_SS_UNKNOWN;
  ntp_snap_from_chrony_serverstats(&s, &ss);
  EXPECT_EQ_INT(100 + CHRONY_SS_NTP_RX, s.pkt_received);
  EXPECT_EQ_INT(100 + CHRONY_SS_NTP_DROP, s.pkt_rate_limited);
  EXPECT_EQ_INT(100 + CHRONY_SS_NTP_AUTH, s.pkt_authenticated);
  EXPECT_EQ_INT(100 + CHRONY_SS_NTP_INTERLEAVED, s.pkt_interleaved);
  EXPECT_EQ_INT(100 + CHRONY_SS_CMD_RX, s.cmd_received);
  EXPECT_EQ_INT(100 + CHRONY_SS_CMD_DROP, s.cmd_dropped);
  EXPECT_EQ_INT(100 + CHRONY_SS_NKE_DROP, s.nke_dropped);
  EXPECT_EQ_INT(100 + CHRONY_SS_LOG_DROP, s.log_dropped);
  OK(s.nke_accepted == NTP_SNAP_COUNTER_UNKNOWN);
  OK_MSG(s.pkt_current_version == NTP_SNAP_COUNTER_UNKNOWN &&
             isnan(s.uptime_s),
         "ntpd-only values stay unknown for chrony");
}

int main(void) {
  test_sys();
  test_kernel();
  test_kernel_calibdur();
  test_peers();
  test_chrony();
  test_chrony_unresolved();
  test_chrony_local();
  test_misc();
  test_sysstats();
  test_mode6_poll_age();
  test_chrony_polls_stats();
  return testing_done();
}
