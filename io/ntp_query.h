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

#endif
