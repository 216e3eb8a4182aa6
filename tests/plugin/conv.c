/* SPDX-License-Identifier: MIT
 * conv - recorded daemon conversations for the golden replay tests (see
 * conv.h): the recording and replaying transports and the file helpers.
 */
#include "tests/plugin/conv.h"

#include <errno.h>
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
