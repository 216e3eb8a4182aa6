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

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_AGE_S 30.0 /* MaxAge of the recordings (dcf77_ntpsec.sh's) */

static void put_d(FILE *f, const char *k, double v) {
  if (isnan(v))
    fprintf(f, "%s=nan\n", k);
  else
    fprintf(f, "%s=%.9g\n", k, v);
}

static void put_c(FILE *f, const char *k, int64_t v) {
  if (v == CDU_DERIVE_UNKNOWN)
    fprintf(f, "%s=unknown\n", k);
  else
    fprintf(f, "%s=%lld\n", k, (long long)v);
}

static void canon(FILE *f, int rc, const dcf77_ntpd_t *nt,
                  const dcf77_ntpd_snapshot_t *s) {
  fprintf(f, "rc=%d\n", rc);
  if (rc != 0) {
    fprintf(f, "err=%s\n", nt->err);
    return;
  }
  fprintf(f, "unit=%d\nassoc=%d\n", s->unit, s->assoc);
  put_d(f, "status", s->status);
  put_d(f, "current_state", s->current_state);
  put_d(f, "time_code", s->time_code);
  put_d(f, "call_bit", s->call_bit);
  put_d(f, "dst_announce", s->dst_announce);
  put_d(f, "leap_announce", s->leap_announce);
  put_d(f, "not_synchronised", s->not_synchronised);
  put_d(f, "pps", s->pps);
  put_d(f, "cest", s->cest);
  for (int i = 0; i < DCF77_RC_NSTATES; i++) {
    char k[64];
    snprintf(k, sizeof(k), "state_pct/%s", dcf77_rc_state_name(i));
    put_d(f, k, s->state_pct[i]);
  }
  put_c(f, "polls", s->polls);
  put_c(f, "noreply", s->noreply);
  put_c(f, "badformat", s->badformat);
  put_c(f, "baddata", s->baddata);
  put_d(f, "offset_s", s->offset_s);
  put_d(f, "jitter_s", s->jitter_s);
  put_d(f, "reach", s->reach);
  put_d(f, "selection", s->selection);
  put_d(f, "timecode_age_s", s->timecode_age_s);
  put_d(f, "receiving", s->receiving);
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

/* Replay a .conv: its canonical text; *mism = requests that differ. */
static char *run_conv(char **lines, size_t n, int *mism) {
  static dcf77_ntpd_t nt;
  dcf77_ntpd_snapshot_t s;
  double now = NAN;
  int unit = -1;
  for (size_t i = 0; i < n; i++) {
    sscanf(lines[i], "now %lf", &now);
    sscanf(lines[i], "unit %d", &unit);
  }
  FILE *f = tmpfile();
  conv_rep_t rep = {.lines = lines, .n = n};
  nt_setup(&nt, unit);
  nt.q.xf = conv_rep_exchange;
  nt.q.xctx = &rep;
  int rc = dcf77_ntpd_read(&nt, now, 0, &s);
  canon(f, rc, &nt, &s);
  dcf77_ntpd_free(&nt);
  *mism = rep.mismatches;
  char *text = conv_stream_str(f);
  fclose(f);
  return text;
}

/* value of "key=" in canonical text */
static double canon_get(const char *text, const char *key) {
  size_t kl = strlen(key);
  for (const char *p = strstr(text, key); p != NULL; p = strstr(p + 1, key))
    if ((p == text || p[-1] == '\n') && p[kl] == '=')
      return strtod(p + kl + 1, NULL);
  return NAN;
}

static void check_ref(const char *dir, const char *base, const char *text) {
  char path[800];
  size_t n = 0;
  snprintf(path, sizeof(path), "%.500s/%.250s.ref", dir, base);
  char **lines = conv_read_lines(path, &n);
  for (size_t i = 0; i < n; i++) {
    char key[128], msg[400];
    double want, tol;
    if (lines[i][0] == '#' ||
        sscanf(lines[i], "%127s %lf %lf", key, &want, &tol) != 3)
      continue;
    double got = canon_get(text, key);
    snprintf(msg, sizeof(msg), "%.100s: %.100s = %.9g (ntpq %.9g +- %g)",
             base, key, got, want, tol);
    OK_MSG(fabs(got - want) <= tol, msg);
  }
  conv_free_lines(lines, n);
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
    OK_MSG(canon_get(text, "rc") == 0, base);
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
      char msg[200];
      double got = canon_get(text, keys[k]);
      if (isnan(want[k]))
        continue;
      snprintf(msg, sizeof(msg), "%.100s: %s = %g (want %g)", base, keys[k],
               got, want[k]);
      OK_MSG(got == want[k], msg);
    }
  }
}

static int check_all(const char *dir, bool rebuild) {
  DIR *d = opendir(dir);
  struct dirent *e;
  int files = 0;
  OK_MSG(d != NULL, "tests/data/dcf77 exists");
  while (d != NULL && (e = readdir(d)) != NULL) {
    const char *dot = strrchr(e->d_name, '.');
    if (dot == NULL || strcmp(dot, ".conv") != 0)
      continue;
    char base[256], path[800], chk[800], msg[600];
    size_t n = 0;
    int mism = 0;
    snprintf(base, sizeof(base), "%.*s", (int)(dot - e->d_name), e->d_name);
    snprintf(path, sizeof(path), "%.500s/%.250s", dir, e->d_name);
    snprintf(chk, sizeof(chk), "%.500s/%.250s.chk", dir, base);
    char **lines = conv_read_lines(path, &n);
    char *got = run_conv(lines, n, &mism);
    conv_free_lines(lines, n);
    files++;
    FILE *f = rebuild ? fopen(chk, "w") : NULL;
    if (f != NULL) {
      fputs(got, f);
      fclose(f);
    }
    char *want = conv_slurp(chk);
    snprintf(msg, sizeof(msg), "%s replays to %s.chk", e->d_name, base);
    OK_MSG(want != NULL && strcmp(want, got) == 0, msg);
    if (want == NULL || strcmp(want, got) != 0)
      printf("# got:\n%s", got);
    snprintf(msg, sizeof(msg), "%s: the plugin sent the recorded requests",
             e->d_name);
    OK_MSG(mism == 0, msg);
    check_ref(dir, base, got);
    check_expect(base, got);
    free(want);
    free(got);
  }
  if (d != NULL)
    closedir(d);
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
