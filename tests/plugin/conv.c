/* SPDX-License-Identifier: MIT
 * conv - recorded daemon conversations for the golden replay tests (see
 * conv.h): the recording and replaying transports and the file helpers.
 */
#include "tests/plugin/conv.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 4096

/* ---------- hex and files ---------- */

void conv_hexline(FILE *f, char dir, const uint8_t *p, size_t n) {
  fputc(dir, f);
  fputc(' ', f);
  for (size_t i = 0; i < n; i++)
    fprintf(f, "%02x", p[i]);
  fputc('\n', f);
}

size_t conv_unhex(const char *s, uint8_t *out, size_t max) {
  size_t n = 0;
  while (s[0] && s[1] && n < max) {
    unsigned v;
    if (sscanf(s, "%2x", &v) != 1)
      break;
    out[n++] = (uint8_t)v;
    s += 2;
  }
  return n;
}

/* ---------- recording transport ---------- */

static int conv_rec_rx(void *vctx, const uint8_t *pkt, size_t len) {
  conv_rec_t *r = vctx;
  conv_hexline(r->out, '<', pkt, len);
  return r->cb(r->ctx, pkt, len);
}

int conv_rec_exchange(void *xctx, const uint8_t *req, const uint8_t *again,
                      size_t reqlen, double timeout_s, ntp_net_rx_cb cb,
                      void *ctx, char *err, size_t errlen) {
  conv_rec_t *r = xctx;
  conv_hexline(r->out, '>', req, reqlen);
  r->cb = cb;
  r->ctx = ctx;
  return ntp_net_exchange_again(r->fd, req, again, reqlen, timeout_s,
                                conv_rec_rx, r, err, errlen);
}

/* ---------- replay transport ---------- */

int conv_rep_exchange(void *xctx, const uint8_t *req, const uint8_t *again,
                      size_t reqlen, double timeout_s, ntp_net_rx_cb cb,
                      void *ctx, char *err, size_t errlen) {
  conv_rep_t *r = xctx;
  uint8_t want[2048], pkt[2048];
  (void)again; /* recorded conversations have no resends */
  (void)timeout_s;
  while (r->pos < r->n && r->lines[r->pos][0] != '>')
    r->pos++;
  if (r->pos >= r->n) {
    snprintf(err, errlen, "replay: no more recorded requests");
    return -ETIMEDOUT;
  }
  size_t wl = conv_unhex(r->lines[r->pos++] + 2, want, sizeof(want));
  if (wl != reqlen || memcmp(want, req, reqlen) != 0) {
    r->mismatches++;
    snprintf(err, errlen, "replay: request differs from the recording");
    return -EPROTO;
  }
  while (r->pos < r->n && r->lines[r->pos][0] == '<') {
    size_t n = conv_unhex(r->lines[r->pos++] + 2, pkt, sizeof(pkt));
    int c = cb(ctx, pkt, n);
    if (c != 0) {
      while (r->pos < r->n && r->lines[r->pos][0] == '<')
        r->pos++; /* rest of this answer (e.g. after an error) */
      return c > 0 ? 0 : c;
    }
  }
  snprintf(err, errlen, "no complete answer (recorded)");
  return -ETIMEDOUT;
}

char **conv_read_lines(const char *path, size_t *n) {
  FILE *f = fopen(path, "r");
  char buf[MAX_LINE * 2];
  char **v = NULL;
  *n = 0;
  if (f == NULL)
    return NULL;
  while (fgets(buf, sizeof(buf), f)) {
    buf[strcspn(buf, "\r\n")] = '\0';
    v = realloc(v, (*n + 1) * sizeof(*v));
    v[(*n)++] = strdup(buf);
  }
  fclose(f);
  return v;
}

void conv_free_lines(char **v, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

char *conv_stream_str(FILE *f) {
  long len;
  char *s;
  fflush(f);
  if ((len = ftell(f)) < 0 || (s = calloc(1, (size_t)len + 1)) == NULL)
    return strdup("");
  rewind(f);
  if (fread(s, 1, (size_t)len, f) != (size_t)len)
    s[0] = '\0';
  return s;
}

char *conv_slurp(const char *path) {
  FILE *f = fopen(path, "r");
  if (f == NULL)
    return NULL;
  fseek(f, 0, SEEK_END);
  char *buf = conv_stream_str(f);
  fclose(f);
  return buf;
}

/* ---------- canonical text and the golden check ---------- */

void conv_put_d(FILE *f, const char *key, double v) {
  if (isnan(v))
    fprintf(f, "%s=nan\n", key);
  else
    fprintf(f, "%s=%.9g\n", key, v);
}

void conv_put_c(FILE *f, const char *key, int64_t v) {
  if (v == CONV_UNKNOWN)
    fprintf(f, "%s=unknown\n", key);
  else
    fprintf(f, "%s=%lld\n", key, (long long)v);
}

double conv_canon_get(const char *text, const char *key) {
  size_t kl = strlen(key);
  for (const char *p = strstr(text, key); p != NULL; p = strstr(p + 1, key))
    if ((p == text || p[-1] == '\n') && p[kl] == '=')
      return strtod(p + kl + 1, NULL);
  return NAN;
}

/* One assertion of g, its description printf-style (cut at 599 bytes). */
__attribute__((format(printf, 3, 4))) static void
golden_ok(const conv_golden_t *g, bool ok, const char *fmt, ...) {
  char msg[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  g->ok(ok, msg);
}

/* The .ref checks: values against what g->tool printed. */
static void golden_ref(const conv_golden_t *g, const char *base,
                       const char *text) {
  char path[800];
  size_t n = 0;
  snprintf(path, sizeof(path), "%.500s/%.250s.ref", g->dir, base);
  char **lines = conv_read_lines(path, &n);
  for (size_t i = 0; i < n; i++) {
    char key[200];
    double want, tol;
    if (lines[i][0] == '#' ||
        sscanf(lines[i], "%199s %lf %lf", key, &want, &tol) != 3)
      continue;
    double got = conv_canon_get(text, key);
    golden_ok(g, fabs(got - want) <= tol, "%s: %s = %.9g (%s %.9g +- %g)",
              base, key, got, g->tool, want, tol);
  }
  conv_free_lines(lines, n);
}

/* Replays g->dir/file through g->canon: its canonical text (free() it). */
static char *golden_replay(const conv_golden_t *g, const char *file,
                           int *mism) {
  char path[800];
  size_t n = 0;
  snprintf(path, sizeof(path), "%.500s/%.250s", g->dir, file);
  char **lines = conv_read_lines(path, &n);
  FILE *f = tmpfile();
  if (f == NULL) {
    conv_free_lines(lines, n);
    return strdup("");
  }
  *mism = g->canon(f, file, lines, n);
  char *text = conv_stream_str(f);
  fclose(f);
  conv_free_lines(lines, n);
  return text;
}

/* One recording: NAME.chk (rebuilt first with g->rebuild), the requests
 * and NAME.ref of a .conv, then the test's own checks. */
static void golden_file(const conv_golden_t *g, const char *file,
                        const char *base, bool conv) {
  char chk[800];
  int mism = 0;
  char *got = golden_replay(g, file, &mism);
  snprintf(chk, sizeof(chk), "%.500s/%.250s.chk", g->dir, base);
  FILE *f = g->rebuild ? fopen(chk, "w") : NULL;
  if (f != NULL) {
    fputs(got, f);
    fclose(f);
  }
  char *want = conv_slurp(chk);
  bool same = want != NULL && strcmp(want, got) == 0;
  golden_ok(g, same, "%s replays to %s.chk", file, base);
  if (!same)
    printf("# got:\n%s", got);
  if (conv) {
    golden_ok(g, mism == 0, "%s: the plugin sent the recorded requests",
              file);
    golden_ref(g, base, got);
  }
  if (g->extra != NULL)
    g->extra(base, got);
  free(want);
  free(got);
}

int conv_golden(const conv_golden_t *g) {
  DIR *d = opendir(g->dir);
  struct dirent *e;
  int files = 0;
  if (d == NULL)
    return -1;
  while ((e = readdir(d)) != NULL) {
    const char *dot = strrchr(e->d_name, '.');
    bool conv = dot != NULL && strcmp(dot, ".conv") == 0;
    if (!conv && !(g->m6 && dot != NULL && strcmp(dot, ".m6") == 0))
      continue;
    char base[256];
    snprintf(base, sizeof(base), "%.*s", (int)(dot - e->d_name), e->d_name);
    golden_file(g, e->d_name, base, conv);
    files++;
  }
  closedir(d);
  return files;
}
