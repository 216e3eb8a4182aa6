/* SPDX-License-Identifier: MIT
 * Golden replay for dcf77's <Ntpd> (as tests/plugin/test_ntp_replay.c is
 * for the ntp plugin).  tests/data/dcf77/ holds whole readings recorded
 * from a real NTPsec ntpd running its PARSE driver (refclock generic,
 * subtype 19) on a pty fed by tests/integration/dcf77_feed.py
 * (tests/integration/dcf77_record.sh):
 *   NAME.conv  "now S" (the wall clock of the recording, s), "unit U"
 *              (Unit), then every request and its answer datagrams;
 *              replayed through dcf77_ntpd_read, the plugin's own code;
 *   NAME.chk   the expected canonical lines ("key=value");
 *   NAME.ref   what ntpq printed at the same moment ("KEY VALUE TOL"),
 *              checked independently of the .chk.
 * Usage:  test_dcf77_replay [-b]                  check (-b: rebuild .chk)
 *         test_dcf77_replay record HOST PORT UNIT OUT.conv
 */
#include "plugins/cdutil.h"
#include "plugins/dcf77_ntpd.h"
#include "tests/plugin/conv.h"
#include "tests/unit/testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_AGE_S 30.0 /* MaxAge of the recordings (dcf77_ntpsec.sh's) */

_Static_assert(CDU_DERIVE_UNKNOWN == CONV_UNKNOWN, "unknown counters");

static void canon(FILE *f, int rc, const dcf77_ntpd_t *nt,
                  const dcf77_ntpd_snapshot_t *s) {
  fprintf(f, "rc=%d\n", rc);
  if (rc != 0) {
    fprintf(f, "err=%s\n", nt->err);
    return;
  }
  fprintf(f, "unit=%d\nassoc=%d\n", s->unit, s->assoc);
  conv_put_d(f, "status", s->status);
  conv_put_d(f, "current_state", s->current_state);
  conv_put_d(f, "time_code", s->time_code);
  conv_put_d(f, "call_bit", s->call_bit);
  conv_put_d(f, "dst_announce", s->dst_announce);
  conv_put_d(f, "leap_announce", s->leap_announce);
  conv_put_d(f, "not_synchronised", s->not_synchronised);
  conv_put_d(f, "pps", s->pps);
  conv_put_d(f, "cest", s->cest);
  for (int i = 0; i < DCF77_RC_NSTATES; i++) {
    char k[64];
    snprintf(k, sizeof(k), "state_pct/%s", dcf77_rc_state_name(i));
    conv_put_d(f, k, s->state_pct[i]);
  }
  conv_put_c(f, "polls", s->polls);
  conv_put_c(f, "noreply", s->noreply);
  conv_put_c(f, "badformat", s->badformat);
  conv_put_c(f, "baddata", s->baddata);
  conv_put_d(f, "offset_s", s->offset_s);
  conv_put_d(f, "jitter_s", s->jitter_s);
  conv_put_d(f, "reach", s->reach);
  conv_put_d(f, "selection", s->selection);
  conv_put_d(f, "timecode_age_s", s->timecode_age_s);
  conv_put_d(f, "receiving", s->receiving);
  fprintf(f, "bad_var=%s\n", nt->bad_var);
}

static void nt_setup(dcf77_ntpd_t *nt, int unit) {
  memset(nt, 0, sizeof(*nt));
  snprintf(nt->name, sizeof(nt->name), "replay");
  nt->timeout_s = 2;
  nt->max_age_s = MAX_AGE_S;
  nt->unit_cfg = unit;
  dcf77_ntpd_init(nt);
}

/* Replay a .conv into f as canonical text; the requests that differ. */
static int run_conv(FILE *f, const char *file, char **lines, size_t n) {
  static dcf77_ntpd_t nt;
  dcf77_ntpd_snapshot_t s;
  double now = NAN;
  int unit = -1;
  (void)file;
  for (size_t i = 0; i < n; i++) {
    sscanf(lines[i], "now %lf", &now);
    sscanf(lines[i], "unit %d", &unit);
  }
  conv_rep_t rep = {.lines = lines, .n = n};
  nt_setup(&nt, unit);
  nt.q.xf = conv_rep_exchange;
  nt.q.xctx = &rep;
  int rc = dcf77_ntpd_read(&nt, now, 0, &s);
  canon(f, rc, &nt, &s);
  dcf77_ntpd_free(&nt);
  return rep.mismatches;
}

/* What each recorded situation must decode to, whatever the recording's
 * details (tests/data/dcf77/README): NAN = not checked. */
static const struct {
  const char *base;
  double status, current_state, time_code, receiving;
} expect[] = {
    {"startup", 0, 0, 0, 0},     /* NOMINAL, but no time code yet */
    {"nominal", 0, 0, 1, 1},     /* receiving */
    /* garbage: clock status 2; still receiving until the last time code
     * is older than MaxAge */
    {"bad_format", 2, 2, NAN, NAN},
    {"silent", NAN, 0, NAN, 0},  /* *NOMINAL, time code older than MaxAge */
};

static void check_expect(const char *base, const char *text) {
  static const char *const keys[] = {"status", "current_state", "time_code",
                                     "receiving"};
  for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
    if (strcmp(expect[i].base, base) != 0)
      continue;
    const double want[] = {expect[i].status, expect[i].current_state,
                           expect[i].time_code, expect[i].receiving};
    OK_MSG(conv_canon_get(text, "rc") == 0, base);
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
      char msg[200];
      double got = conv_canon_get(text, keys[k]);
      if (isnan(want[k]))
        continue;
      snprintf(msg, sizeof(msg), "%.100s: %s = %g (want %g)", base, keys[k],
               got, want[k]);
      OK_MSG(got == want[k], msg);
    }
  }
}

static void tap_ok(bool ok, const char *what) { OK_MSG(ok, what); }

static int check_all(const char *dir, bool rebuild) {
  conv_golden_t g = {.dir = dir, .tool = "ntpq", .rebuild = rebuild,
                     .canon = run_conv, .extra = check_expect, .ok = tap_ok};
  int files = conv_golden(&g);
  OK_MSG(files >= 0, "tests/data/dcf77 exists");
  OK_MSG(files >= 4, "at least 4 recorded readings");
  return testing_done();
}

static int record(char **argv) {
  static dcf77_ntpd_t nt;
  dcf77_ntpd_snapshot_t s;
  conv_rec_t r = {0};
  struct timespec wall, mono;
  char *end;
  long unit = strtol(argv[4], &end, 10);
  if (*argv[4] == '\0' || *end != '\0' || unit < 0 || unit > 255) {
    fprintf(stderr, "unit must be 0..255, not %s\n", argv[4]);
    return 1;
  }
  nt_setup(&nt, (int)unit);
  r.fd = ntp_net_open_udp(argv[2], argv[3], nt.err, sizeof(nt.err));
  if (r.fd < 0 || (r.out = fopen(argv[5], "w")) == NULL) {
    fprintf(stderr, "%s\n", nt.err);
    return 1;
  }
  clock_gettime(CLOCK_REALTIME, &wall);
  clock_gettime(CLOCK_MONOTONIC, &mono);
  double now = (double)wall.tv_sec + (double)wall.tv_nsec * 1e-9;
  fprintf(r.out, "# recorded from a real NTPsec ntpd (PARSE refclock) on "
                 "127.0.0.1 by tests/integration/dcf77_record.sh\n"
                 "now %.6f\nunit %s\n",
          now, argv[4]);
  nt.q.xf = conv_rec_exchange;
  nt.q.xctx = &r;
  int rc = dcf77_ntpd_read(&nt, now,
                           (double)mono.tv_sec + (double)mono.tv_nsec * 1e-9,
                           &s);
  fclose(r.out);
  ntp_net_close(r.fd, NULL);
  canon(stdout, rc, &nt, &s);
  dcf77_ntpd_free(&nt);
  return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
  if (argc == 6 && strcmp(argv[1], "record") == 0)
    return record(argv);
  const char *top = getenv("TOP_SRCDIR");
  char dir[512];
  snprintf(dir, sizeof(dir), "%s/tests/data/dcf77", top ? top : ".");
  return check_all(dir, argc > 1 && strcmp(argv[1], "-b") == 0);
}
