/* SPDX-License-Identifier: MIT
 * conv - recorded daemon conversations (the .conv files in tests/data/ntp
 * and tests/data/dcf77) for the golden replay tests: one line per
 * datagram, "> HEX" a request we sent, "< HEX" an answer datagram; other
 * lines are comments or a test's own header lines.
 *   conv_rec_exchange  an ntp_net_exchange_fn over a real socket that
 *                      writes the conversation to a file (recording);
 *   conv_rep_exchange  an ntp_net_exchange_fn that checks each request
 *                      against the recording and feeds back its answers;
 *   conv_golden        the check loop over a directory of recordings:
 *                      each replayed to canonical "key=value" text and
 *                      compared with its .chk and .ref files.
 */
#ifndef CDS_TESTS_CONV_H
#define CDS_TESTS_CONV_H

#include "io/ntp_net.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

void conv_hexline(FILE *f, char dir, const uint8_t *p, size_t n);
size_t conv_unhex(const char *s, uint8_t *out, size_t max);

typedef struct {
  FILE *out;
  int fd;
  ntp_net_rx_cb cb;
  void *ctx;
} conv_rec_t;
int conv_rec_exchange(void *xctx, const uint8_t *req, const uint8_t *again,
                      size_t reqlen, double timeout_s, ntp_net_rx_cb cb,
                      void *ctx, char *err, size_t errlen);

typedef struct {
  char **lines;
  size_t n, pos;
  int mismatches; /* requests that differ from the recorded ones */
} conv_rep_t;
int conv_rep_exchange(void *xctx, const uint8_t *req, const uint8_t *again,
                      size_t reqlen, double timeout_s, ntp_net_rx_cb cb,
                      void *ctx, char *err, size_t errlen);

/* The lines of a file (without line ends), NULL if it cannot be read. */
char **conv_read_lines(const char *path, size_t *n);
void conv_free_lines(char **v, size_t n);
/* The whole content of a stream (from its start), or of a file (NULL if
 * it cannot be read); free() it. */
char *conv_stream_str(FILE *f);
char *conv_slurp(const char *path);

/* ---------- canonical text and the golden check ---------- */

/* The snapshots' "counter unknown" (CDU_DERIVE_UNKNOWN,
 * NTP_SNAP_COUNTER_UNKNOWN). */
#define CONV_UNKNOWN INT64_MIN

/* One canonical line "key=value": a double (%.9g, "nan") or a counter
 * ("unknown" for CONV_UNKNOWN). */
void conv_put_d(FILE *f, const char *key, double v);
void conv_put_c(FILE *f, const char *key, int64_t v);
/* The value of "key=" in canonical text, NaN if it has none. */
double conv_canon_get(const char *text, const char *key);

typedef struct {
  const char *dir;  /* the recordings: NAME.conv (NAME.m6), .chk, .ref */
  const char *tool; /* the program whose output the .ref files hold */
  bool rebuild;     /* write each NAME.chk from the replay first (-b) */
  bool m6;          /* NAME.m6 files too (answers only: no requests) */
  /* Replays one file (its lines) as canonical text into out; returns
   * the requests that differ from the recorded ones. */
  int (*canon)(FILE *out, const char *file, char **lines, size_t n);
  /* The test's own checks of one replay (NULL: none). */
  void (*extra)(const char *base, const char *text);
  /* One TAP assertion (the test's OK_MSG: its counter is its own). */
  void (*ok)(bool ok, const char *what);
} conv_golden_t;

/* Replays every recording of g->dir: its text must be NAME.chk's, and a
 * .conv must send the recorded requests and give the values of NAME.ref
 * ("KEY VALUE TOL" lines) within TOL.  Returns the recordings replayed,
 * -1 if the directory cannot be read. */
int conv_golden(const conv_golden_t *g);

#endif
