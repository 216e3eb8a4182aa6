/* SPDX-License-Identifier: MIT
 * Golden replay for the ntp plugin's protocol code (gpsd regress style).
 *
 * tests/data/ntp/ holds datagrams recorded from the real daemons on this
 * machine (tests/integration/ntp_record.sh):
 *   NAME.conv  a whole reading (every request and its answer datagrams) of
 *              NTPsec ntpd or chronyd; replayed through ntp_query_ntpd /
 *              ntp_query_chrony, i.e. the plugin's own acquisition code;
 *   NAME.m6    one mode 6 query's answer datagrams, fed to the reassembler
 *              and the varlist parser;
 *   NAME.chk   the expected canonical lines (one "key=value" per line);
 *   NAME.ref   (some) what ntpq/chronyc printed at the same moment: values
 *              checked against it independently of the .chk.
 * Usage:  test_ntp_replay [-b]          check (or -b: rebuild .chk files)
 *         test_ntp_replay record-ntpd HOST PORT OUT.conv
 *         test_ntp_replay record-chrony SOCKET|HOST PORT OUT.conv
 *         test_ntp_replay record-m6 HOST PORT OP ASSOC SEQ VARS|- OUT.m6
 */
#include "io/ntp_query.h"
#include "tests/plugin/conv.h"
#include "tests/unit/testing.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------- canonical output ---------- */

_Static_assert(NTP_SNAP_COUNTER_UNKNOWN == CONV_UNKNOWN, "unknown counters");

static void canon_snap(FILE *f, int rc, const ntp_snap_t *s) {
  char k[160];
  fprintf(f, "rc=%d\n", rc);
  conv_put_d(f, "sys/offset_s", s->offset_s);
  conv_put_d(f, "sys/sys_jitter_s", s->sys_jitter_s);
  conv_put_d(f, "sys/clk_jitter_s", s->clk_jitter_s);
  conv_put_d(f, "sys/wander_ppm", s->wander_ppm);
  conv_put_d(f, "sys/frequency_ppm", s->frequency_ppm);
  conv_put_d(f, "sys/rms_offset_s", s->rms_offset_s);
  conv_put_d(f, "sys/stratum", s->stratum);
  conv_put_d(f, "sys/root_delay_s", s->root_delay_s);
  conv_put_d(f, "sys/root_dispersion_s", s->root_dispersion_s);
  conv_put_d(f, "sys/root_distance_s", s->root_distance_s);
  conv_put_d(f, "sys/leap", s->leap);
  conv_put_d(f, "sys/source_kind", s->source_kind);
  conv_put_d(f, "sys/synchronised", s->synchronised);
  conv_put_d(f, "sys/kpps_jitter_s", s->kpps_jitter_s);
  conv_put_d(f, "sys/n_peers", s->n_peers);
  conv_put_d(f, "sys/n_reachable", s->n_reachable);
  conv_put_d(f, "sys/n_candidates", s->n_candidates);
  conv_put_d(f, "sys/n_falsetickers", s->n_falsetickers);
  conv_put_d(f, "sys/n_outliers", s->n_outliers);
  fprintf(f, "sys/sys_peer=%s\n", s->sys_peer);
  conv_put_d(f, "sys/uptime_s", s->uptime_s);
#define SC(field) conv_put_c(f, "sys/" #field, s->field)
  SC(pkt_received);
  SC(pkt_current_version);
  SC(pkt_old_version);
  SC(pkt_bad_format);
  SC(pkt_bad_auth);
  SC(pkt_declined);
  SC(pkt_restricted);
  SC(pkt_rate_limited);
  SC(pkt_kod_sent);
  SC(pkt_processed);
  SC(pkt_authenticated);
  SC(pkt_interleaved);
  SC(cmd_received);
  SC(cmd_dropped);
  SC(nke_accepted);
  SC(nke_dropped);
  SC(log_dropped);
#undef SC
  for (size_t i = 0; i < s->npeers; i++) {
    const ntp_snap_peer_t *p = &s->peers[i];
#define PP(field)                                                             \
  snprintf(k, sizeof(k), "peer/%s/" #field, p->name);                         \
  conv_put_d(f, k, p->field)
    PP(offset_s);
    PP(delay_s);
    PP(jitter_s);
    PP(dispersion_s);
    PP(stratum);
    PP(reach);
    PP(selection);
    PP(reachable);
    PP(poll_s);
    PP(peer_poll_s);
    /* the daemon's clock - rec + our monotonic time since the first query:
     * that last part is replay speed, not data: to the ms */
    snprintf(k, sizeof(k), "peer/%s/sample_age_s", p->name);
    conv_put_d(f, k, round(p->sample_age_s * 1e3) / 1e3);
    PP(n_samples);
    PP(n_runs);
    PP(span_s);
    PP(resid_freq_ppm);
    PP(skew_ppm);
    PP(est_offset_s);
#undef PP
  }
}

static void canon_str(FILE *f, const char *k, const char *v) {
  fprintf(f, "%s=", k);
  for (const unsigned char *p = (const unsigned char *)v; *p; p++)
    if (*p >= 0x20 && *p < 0x7f && *p != '\\')
      fputc(*p, f);
    else
      fprintf(f, "\\x%02x", *p);
  fputc('\n', f);
}

/* A .m6 file: "expect OP ASSOC SEQ" then "<" datagrams. */
static void canon_m6(FILE *f, char **lines, size_t n) {
  static ntp_m6_reasm_t r;
  unsigned op = 0, assoc = 0, seq = 0;
  ntp_m6_status_t st = NTP_M6_E_ARG;
  uint8_t pkt[2048];
  for (size_t i = 0; i < n; i++)
    if (sscanf(lines[i], "expect %u %u %u", &op, &assoc, &seq) == 3)
      break;
  ntp_m6_reasm_init(&r, 2, op, (uint16_t)seq, (uint16_t)assoc);
  for (size_t i = 0; i < n; i++) {
    if (lines[i][0] != '<')
      continue;
    size_t len = conv_unhex(lines[i] + 2, pkt, sizeof(pkt));
    st = ntp_m6_reasm_add(&r, pkt, len);
    fprintf(f, "datagram len=%zu -> %s\n", len, ntp_m6_strstatus(st));
    if (st == NTP_M6_DONE || ntp_m6_status_fatal(st))
      break;
  }
  fprintf(f, "result=%s fragments=%u status=0x%04x\n", ntp_m6_strstatus(st),
          r.nfrags, r.status);
  if (st == NTP_M6_E_SERVER)
    fprintf(f, "error=%u %s\n", r.error_code,
            ntp_m6_error_name(r.error_code));
  if (st != NTP_M6_DONE)
    return;
  if (op == NTP_M6_OP_READSTAT && assoc == 0) {
    ntp_m6_assoc_t as[64];
    size_t na = 0;
    ntp_m6_readstat_parse(r.data, r.len, as, 64, &na);
    for (size_t i = 0; i < na; i++) {
      ntp_m6_peer_status_t ps;
      ntp_m6_peer_status(as[i].status, &ps);
      fprintf(f, "assoc=%u status=0x%04x select=%s reach=%d\n", as[i].assoc,
              as[i].status, ps.select_name, ps.reachable);
    }
    return;
  }
  ntp_m6_var_t v[128];
  size_t nv = 0;
  st = ntp_m6_varlist_parse((char *)r.data, r.len, v, 128, &nv);
  fprintf(f, "parse=%s vars=%zu\n", ntp_m6_strstatus(st), nv);
  for (size_t i = 0; i < nv; i++)
    canon_str(f, v[i].name, v[i].value ? v[i].value : "(bare)");
}

/* ---------- check mode ---------- */

static int run_conv(FILE *f, char **lines, size_t n, bool chrony) {
  static ntp_snap_t snap;
  conv_rep_t rep = {.lines = lines, .n = n};
  ntp_query_t q = {.xf = conv_rep_exchange, .xctx = &rep, .timeout_s = 1,
                   .m6_seq = 1, .cmd_seq = 1};
  int rc = chrony ? ntp_query_chrony(&q, &snap) : ntp_query_ntpd(&q, &snap);
  canon_snap(f, rc, &snap);
  if (rc != 0)
    fprintf(f, "err=%s\n", q.err);
  return rep.mismatches;
}

/* One recording into f as canonical text; the requests that differ. */
static int canon_file(FILE *f, const char *file, char **lines, size_t n) {
  if (strstr(file, ".conv"))
    return run_conv(f, lines, n, strncmp(file, "chrony", 6) == 0);
  canon_m6(f, lines, n);
  return 0;
}

static void tap_ok(bool ok, const char *what) { OK_MSG(ok, what); }

static int check_all(const char *dir, bool rebuild) {
  conv_golden_t g = {.dir = dir, .tool = "tool", .rebuild = rebuild,
                     .m6 = true, .canon = canon_file, .ok = tap_ok};
  int files = conv_golden(&g);
  if (files < 0) {
    OK_MSG(0, "tests/data/ntp exists");
    return testing_done();
  }
  OK_MSG(files >= 8, "at least 8 recorded cases");
  return testing_done();
}

/* ---------- a source vanishing mid-reading ---------- */

/* chronyd removes a source between N_SOURCES and SOURCE_DATA (a pool
 * member replaced, "chronyc delete"): cmdmon.c handle_source_data then
 * answers RPY_NULL with status STT_NOSUCHSOURCE.  The answers here are
 * chrony.conv's (a real chronyd 4.3), re-addressed to each request:
 * N_SOURCES says 3, SOURCE_DATA index 1 gets the error, the others are the
 * recorded GPS7 renamed GPS0 / GPS2. */
typedef struct {
  unsigned command[8];
  uint8_t ans[8][CHRONY_MAX_PKT];
  size_t len[8], n;
  uint32_t vanish;    /* SOURCE_DATA index answered STT_NOSUCHSOURCE */
  uint32_t stats_next; /* SOURCESTATS index naming the next source */
} van_t;

static void van_load(van_t *v, char **lines, size_t n) {
  unsigned command = 0;
  uint8_t pkt[2048];
  for (size_t i = 0; i < n && v->n < 8; i++) {
    size_t len = conv_unhex(lines[i] + 2, pkt, sizeof(pkt));
    if (lines[i][0] == '>' && len >= CHRONY_REQ_HDR_LEN)
      command = (unsigned)(pkt[4] << 8 | pkt[5]);
    if (lines[i][0] != '<' || len > CHRONY_MAX_PKT)
      continue;
    v->command[v->n] = command;
    memcpy(v->ans[v->n], pkt, len);
    v->len[v->n++] = len;
  }
}

static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

static int van_exchange(void *xctx, const uint8_t *req, const uint8_t *again,
                        size_t reqlen, double timeout_s, ntp_net_rx_cb cb,
                        void *ctx, char *err, size_t errlen) {
  van_t *v = xctx;
  uint8_t pkt[CHRONY_MAX_PKT];
  (void)again;
  (void)timeout_s;
  if (reqlen < CHRONY_REQ_HDR_LEN + 4)
    return -EINVAL;
  unsigned command = (unsigned)(req[4] << 8 | req[5]);
  uint32_t index = be32(req + CHRONY_REQ_HDR_LEN);
  size_t k = 0;
  while (k < v->n && v->command[k] != command)
    k++;
  if (k == v->n) {
    snprintf(err, errlen, "no recorded answer to command %u", command);
    return -ETIMEDOUT;
  }
  size_t len = v->len[k];
  memcpy(pkt, v->ans[k], len);
  memcpy(pkt + 16, req + 8, 4); /* the request's sequence */
  if (command == CHRONY_REQ_N_SOURCES)
    pkt[CHRONY_RPY_HDR_LEN + 3] = 3;
  if (command == CHRONY_REQ_SOURCE_DATA && index == v->vanish) {
    pkt[6] = 0, pkt[7] = 1; /* RPY_NULL */
    pkt[8] = 0, pkt[9] = 4; /* STT_NOSUCHSOURCE */
    len = CHRONY_RPY_HDR_LEN;
  } else if (command == CHRONY_REQ_SOURCE_DATA) {
    pkt[CHRONY_RPY_HDR_LEN + 3] = (uint8_t)('0' + index); /* GPS<index> */
  } else if (command == CHRONY_REQ_SOURCESTATS) { /* its ref_id */
    pkt[CHRONY_RPY_HDR_LEN + 3] =
        (uint8_t)('0' + index + (index == v->stats_next));
  }
  int c = cb(ctx, pkt, len);
  return c > 0 ? 0 : c < 0 ? c : -ETIMEDOUT;
}

static void test_vanished_source(const char *dir) {
  static ntp_snap_t whole, snap;
  char path[512];
  size_t n = 0;
  snprintf(path, sizeof(path), "%s/chrony.conv", dir);
  char **lines = conv_read_lines(path, &n);
  conv_rep_t rep = {.lines = lines, .n = n};
  ntp_query_t q = {.xf = conv_rep_exchange, .xctx = &rep, .timeout_s = 1,
                   .cmd_seq = 1};
  EXPECT_EQ_INT(0, ntp_query_chrony(&q, &whole));
  van_t v = {.vanish = 1, .stats_next = 99};
  van_load(&v, lines, n);
  ntp_query_t vq = {.xf = van_exchange, .xctx = &v, .timeout_s = 1,
                    .cmd_seq = 1};
  int rc = ntp_query_chrony(&vq, &snap);
  printf("# source 1 of 3 vanished: rc %d, %zu sources, offset %.9g s "
         "(%s)\n", rc, snap.npeers, snap.offset_s, vq.err);
  EXPECT_EQ_INT(0, rc);
  EXPECT_EQ_INT(2, snap.npeers);
  EXPECT_EQ_STR("GPS0", snap.peers[0].name);
  EXPECT_EQ_STR("GPS2", snap.peers[1].name);
  EXPECT_EQ_DOUBLE(2, snap.n_peers);
  EXPECT_EQ_DOUBLE(whole.offset_s, snap.offset_s); /* tracking kept */
  EXPECT_EQ_DOUBLE(whole.stratum, snap.stratum);
  EXPECT_EQ_DOUBLE(whole.peers[0].offset_s, snap.peers[1].offset_s);
  EXPECT_EQ_DOUBLE(whole.peers[0].jitter_s, snap.peers[1].jitter_s);
  OK_MSG(!isnan(snap.offset_s) && !isnan(snap.peers[0].offset_s),
         "values known");
  /* removed between SOURCE_DATA and SOURCESTATS: the stats at that index
   * are the next source's (another refid) and must not be attached */
  van_t w = {.vanish = 99, .stats_next = 1};
  van_load(&w, lines, n);
  vq.xctx = &w;
  EXPECT_EQ_INT(0, ntp_query_chrony(&vq, &snap));
  printf("# SOURCESTATS 1 names GPS2: GPS1 jitter %.9g s\n",
         snap.peers[1].jitter_s);
  EXPECT_EQ_INT(3, snap.npeers);
  EXPECT_EQ_STR("GPS1", snap.peers[1].name);
  OK_MSG(isnan(snap.peers[1].jitter_s),
         "stats naming another source are dropped (jitter NaN)");
  EXPECT_EQ_DOUBLE(whole.peers[0].jitter_s, snap.peers[0].jitter_s);
  EXPECT_EQ_DOUBLE(whole.peers[0].jitter_s, snap.peers[2].jitter_s);
  EXPECT_EQ_DOUBLE(whole.peers[0].offset_s, snap.peers[1].offset_s);
  conv_free_lines(lines, n);
}

/* ---------- record modes ---------- */

static int record_query(int argc, char **argv, bool chrony) {
  conv_rec_t r = {0};
  char err[256] = "", client[108] = "";
  static ntp_snap_t snap;
  const char *out = argv[argc - 1];
  r.fd = argv[2][0] == '/'
             ? ntp_net_open_unix(argv[2], client, sizeof(client), err,
                                 sizeof(err))
             : ntp_net_open_udp(argv[2], argv[3], err, sizeof(err));
  if (r.fd < 0 || (r.out = fopen(out, "w")) == NULL) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  fprintf(r.out, "# recorded from a real %s on 127.0.0.1 by "
                 "tests/integration/ntp_record.sh\n",
          chrony ? "chronyd 4.3" : "NTPsec 1.2.2 ntpd");
  ntp_query_t q = {.xf = conv_rec_exchange, .xctx = &r, .timeout_s = 2,
                   .m6_seq = 1, .cmd_seq = 1};
  int rc = chrony ? ntp_query_chrony(&q, &snap) : ntp_query_ntpd(&q, &snap);
  fclose(r.out);
  ntp_net_close(r.fd, client);
  canon_snap(stdout, rc, &snap);
  return rc == 0 ? 0 : 1;
}

static int m6_rx_all(void *ctx, const uint8_t *pkt, size_t len) {
  conv_hexline(ctx, '<', pkt, len);
  return 0; /* keep everything until the timeout */
}

static int record_m6(char **argv) {
  char err[256] = "";
  uint8_t req[600];
  size_t len = 0;
  int fd = ntp_net_open_udp(argv[2], argv[3], err, sizeof(err));
  FILE *out = fopen(argv[8], "w");
  const char *vars = strcmp(argv[7], "-") ? argv[7] : NULL;
  if (fd < 0 || out == NULL ||
      ntp_m6_build_request(req, sizeof(req), &len, 2,
                           (int)strtol(argv[4], NULL, 0),
                           (int)strtol(argv[6], NULL, 0),
                           (int)strtol(argv[5], NULL, 0), vars) != NTP_M6_OK)
    return 1;
  fprintf(out, "# recorded from a real NTPsec 1.2.2 ntpd on 127.0.0.1 by "
               "tests/integration/ntp_record.sh: op %s assoc %s seq %s vars "
               "%s\nexpect %s %s %s\n",
          argv[4], argv[5], argv[6], argv[7], argv[4], argv[5], argv[6]);
  conv_hexline(out, '>', req, len);
  ntp_net_exchange(fd, req, len, 1.0, m6_rx_all, out, err, sizeof(err));
  fclose(out);
  close(fd);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 5 && strcmp(argv[1], "record-ntpd") == 0)
    return record_query(argc, argv, false);
  if (argc >= 4 && strcmp(argv[1], "record-chrony") == 0)
    return record_query(argc, argv, true);
  if (argc == 9 && strcmp(argv[1], "record-m6") == 0)
    return record_m6(argv);
  const char *top = getenv("TOP_SRCDIR");
  char dir[512];
  snprintf(dir, sizeof(dir), "%s/tests/data/ntp", top ? top : ".");
  test_vanished_source(dir);
  return check_all(dir, argc > 1 && strcmp(argv[1], "-b") == 0);
}
