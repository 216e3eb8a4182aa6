/* SPDX-License-Identifier: MIT
 * ntp_query - one complete reading of a time daemon into an ntp_snap_t:
 * NTPsec/ntpd over mode 6, chrony over cmdmon.  Layer io/ (HACKING.md):
 * plain POSIX, no collectd header, no logging (q->err says why); the
 * transport is a function pointer so that golden tests can replay recorded
 * conversations through the very same code.
 */
#ifndef CDS_NTP_QUERY_H
#define CDS_NTP_QUERY_H

#include "common/ntp_snapshot.h"
#include "io/ntp_net.h"

typedef struct {
  ntp_net_exchange_fn xf; /* ntp_net_exchange_fd, or a replay/recorder */
  void *xctx;
  double timeout_s;  /* budget of the whole reading (all queries) */
  uint16_t m6_seq;   /* next mode 6 sequence (incremented per query) */
  uint32_t cmd_seq;  /* next chrony sequence */
  char err[256];     /* why it failed (or what was skipped) */
} ntp_query_t;

/* Fill snap (ntp_snap_init first is done here).  Returns 0, or -errno
 * (-ETIMEDOUT: no answer in time; -EPROTO: protocol error, q->err says
 * which; -ECONNREFUSED: nothing listens) with snap all-unknown.  Failures
 * of optional parts (kernel PPS variables, one peer's variables, one
 * source's statistics) leave those values NaN and still return 0. */
int ntp_query_ntpd(ntp_query_t *q, ntp_snap_t *snap);
int ntp_query_chrony(ntp_query_t *q, ntp_snap_t *snap);

/* Mode 6 readings of other shapes (dcf77's <Ntpd>: the PARSE refclock's
 * READSTAT, READVAR and READCLOCK).  A reading starting now ends at
 * ntp_query_deadline(q) (monotonic s: now + q->timeout_s); each query of it
 * gets the budget left, sent once more at half of it under a new sequence
 * (ntp_net_mode6_query_x).  0 with r the answer, or -errno (-ETIMEDOUT,
 * -EPROTO: r->error_code for a server error) with q->err set. */
double ntp_query_deadline(const ntp_query_t *q);
int ntp_query_mode6(ntp_query_t *q, double deadline, unsigned op,
                    uint16_t assoc, const char *vars, ntp_m6_reasm_t *r);

#endif
