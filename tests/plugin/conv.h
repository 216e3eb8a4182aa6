/* SPDX-License-Identifier: MIT
 * conv - recorded daemon conversations (the .conv files in tests/data/ntp
 * and tests/data/dcf77) for the golden replay tests: one line per
 * datagram, "> HEX" a request we sent, "< HEX" an answer datagram; other
 * lines are comments or a test's own header lines.
 *   conv_rec_exchange  an ntp_net_exchange_fn over a real socket that
 *                      writes the conversation to a file (recording);
 *   conv_rep_exchange  an ntp_net_exchange_fn that checks each request
 *                      against the recording and feeds back its answers.
 */
#ifndef CDS_TESTS_CONV_H
#define CDS_TESTS_CONV_H

#include "io/ntp_net.h"

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

#endif
