/* SPDX-License-Identifier: MIT
 * dcf77_ntpd - Source 1 of the dcf77 plugin: ntpd's / NTPsec's PARSE
 * ("generic") refclock, read over NTP mode 6 with the ntp plugin's client
 * (io/ntp_query, io/ntp_net, common/ntp_mode6).
 *
 * Each read, on a fresh UDP socket (as the ntp plugin's): READSTAT (the
 * associations), READVAR of the refclock's association (srcadr, looked up
 * once per new association id; offset, jitter, reach), READCLOCK (the
 * driver's clock variables).  Timeout is the budget of the whole reading,
 * as in the ntp plugin: every query gets what is left of it, and one not
 * answered by half of that is sent once more under a new sequence number
 * (only fragments of the current sequences are reassembled, so a reply is
 * never spliced from two answers).
 */
#ifndef CDS_DCF77_NTPD_H
#define CDS_DCF77_NTPD_H

#include "common/dcf77_refclock.h"
#include "common/ntp_mode6.h"
#include "io/ntp_query.h"

#include <stdbool.h>
#include <stdint.h>

#define DCF77_NTPD_MAX_ASSOC 64

typedef struct {
  char name[64];
  char host[256];
  char port[16];
  double timeout_s; /* budget of one whole reading, s */
  double max_age_s; /* a time code older than this: not receiving */
  int assoc_cfg;    /* Association: 0 = find the refclock */
  int unit_cfg;     /* Unit: -1 = the lowest PARSE unit */

  ntp_query_t q;   /* the mode 6 client: sequence, transport, budget */
  double deadline; /* end of the reading in progress, monotonic s */
  struct {
    uint16_t assoc;
    int unit; /* -1: not a PARSE refclock */
  } cache[DCF77_NTPD_MAX_ASSOC];
  int ncache;
  ntp_m6_reasm_t *r; /* reassembly buffer (large: on the heap) */
  char err[512];     /* why the last acquire failed */
  char bad_var[64];  /* a variable out of range in the last read, or "" */
  /* The last refclock_time seen and when (monotonic clock): its age runs
   * on the monotonic clock, so a step of the wall clock does not age it. */
  bool tc_have;
  double tc_time_s;      /* refclock_time, UTC (s since 1970) */
  double tc_age0_s;      /* its age when first seen (wall clock then) */
  double tc_seen_mono_s; /* when it was first seen, monotonic s */
} dcf77_ntpd_t;

typedef struct {
  double status;        /* clock status code 0..6 (clock status word) */
  double current_state; /* the starred refclock_states entry, 0..6 */
  double time_code, call_bit, dst_announce, leap_announce, not_synchronised,
      pps, cest; /* refclock_status flags, 0/1 */
  double state_pct[DCF77_RC_NSTATES];
  int64_t polls, noreply, badformat, baddata;
  double offset_s, jitter_s; /* association; + = system clock behind */
  double reach;              /* reach register 0..255 */
  double selection;          /* peer selection code 0..7 */
  double timecode_age_s;     /* age of refclock_time, s (NaN if never) */
  double receiving;          /* last poll reached, time code fresh: 0/1 */
  int unit;                  /* PARSE unit (127.127.8.U), for messages */
  int assoc;
} dcf77_ntpd_snapshot_t;

void dcf77_ntpd_init(dcf77_ntpd_t *nt);
void dcf77_ntpd_free(dcf77_ntpd_t *nt);
/* One read at wall time now_s (UTC, s) and monotonic time mono_s (s).
 * 0: *out filled (fields the daemon did not give, or gave out of range, are
 * NaN or CDU_DERIVE_UNKNOWN; nt->bad_var names one out of range); -1:
 * nothing usable, nt->err says why. */
int dcf77_ntpd_acquire(dcf77_ntpd_t *nt, double now_s, double mono_s,
                       dcf77_ntpd_snapshot_t *out);
/* The same over the transport already in nt->q (xf, xctx): the seam of the
 * recorded-conversation replay tests (tests/plugin/test_dcf77_replay.c). */
int dcf77_ntpd_read(dcf77_ntpd_t *nt, double now_s, double mono_s,
                    dcf77_ntpd_snapshot_t *out);

#endif
