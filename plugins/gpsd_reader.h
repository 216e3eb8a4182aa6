/* SPDX-License-Identifier: MIT
 * gpsd_reader - the gpsd plugin's connection side: one reader thread per
 * <Server> block keeps a libgps connection open (watch: JSON + PPS),
 * decodes each report and files it into the snapshot of the receiver
 * (gpsd device) it came from.  The read callback (gpsd.c) only copies
 * snapshots, under gpsd_lock, and never waits for the network.
 */
#ifndef CDS_GPSD_READER_H
#define CDS_GPSD_READER_H

#include "collectd.h"
#include "plugin.h"
#include "utils_complain.h"

#include "common/gnss_sky.h"
#include "common/gpsd_json.h"
#include "io/worker.h"
#include "plugins/cdutil.h"
#include "plugins/gpsd_integrity.h"
#include "plugins/stability.h"

#include <gps.h>
#include <pthread.h>
#include <stdint.h>

#define GPSD_LINE_MAX 16384 /* one JSON report (a SKY of 140 sats < 16 KiB) */

/* The clock of every stamp, age, hold and timeout below: CLOCK_BOOTTIME as
 * cdtime_t (never stepped, counts suspend).  Never cdtime(): a step of the
 * wall clock would make old values fresh or fresh ones stale.  A seam: the
 * plugin test replaces it. */
extern cdtime_t (*gpsd_clock)(void);

/* The stability series of a receiver (plugins/stability.h), in dispatch
 * order; each is named by gpsd_stab_series[]. */
enum {
  GPSD_STAB_TOFF,     /* toff_ns */
  GPSD_STAB_PPS,      /* pps_ns */
  GPSD_STAB_TOFF_REF, /* toff_ns - that of the Reference, same second */
  GPSD_STAB_PPS_REF,  /* pps_ns - that of the Reference, same second */
  GPSD_STAB_N
};
extern const char *const gpsd_stab_series[GPSD_STAB_N];

/* Plugin-level options, set at configuration time only. */
extern char gpsd_reference[DATA_MAX_NAME_LEN]; /* "" = no comparison */
extern stab_config_t gpsd_stab;                /* Stability* options */

/* The GPS time a TOFF/PPS report is about (its "real" member). */
typedef struct {
  int64_t sec, nsec;
} gpsd_real_t;

/* One receiver = one gpsd device path on one server. */
typedef struct gpsd_rx_s {
  struct gpsd_rx_s *next;
  char path[GPSD_JSON_DEVICE_LEN]; /* gpsd's "device" */
  char name[DATA_MAX_NAME_LEN];    /* plugin instance: alias or path */
  bool configured;                 /* from a <Receiver> block */
  cdtime_t seen_at;                /* last report of any class (gpsd_clock) */
  /* TPV; every *_at is on gpsd_clock, 0 = none (or invalidated) */
  cdtime_t tpv_at;
  int mode;        /* 0 unknown, 1 no fix, 2 2D, 3 3D */
  double ept_s;    /* estimated time error, s (NaN = not reported) */
  cdtime_t fix_at; /* last TPV with mode >= 2 */
  /* SKY, after completion */
  gnss_sky_tracker_t tracker;
  gnss_sky_t sky;
  cdtime_t sky_at;
  /* TOFF and PPS: offset = real - clock, ns */
  int64_t toff_ns;
  cdtime_t toff_at;
  int64_t pps_ns;
  cdtime_t pps_at;
  bool pps_has_precision, pps_has_qerr;
  int pps_precision;
  int64_t pps_qerr_ps;
  /* The "real" time of the last TOFF and PPS report: a report repeating it
   * is not a new sample, and equal seconds pair a receiver with the
   * Reference. */
  gpsd_real_t toff_real, pps_real;
  /* Stability statistics, allocated at the first sample while Stability is
   * on (NULL otherwise); fed by the reader thread, one sample per TOFF/PPS
   * report (slot time: the report's arrival on gpsd_clock), read by the
   * read callback, both under gpsd_lock. */
  phase_stats_t *stab[GPSD_STAB_N];
  bool stab_failed; /* out of memory: logged once, stays NaN */
  /* Notification state; touched by the read callback only. */
  cdu_state_t fix_state;
  cdu_state_t used_state[GNSS_N];
  /* PPS without a fix, jamming and spoofing signs (gpsd_integrity.h). */
  gpsd_ig_rx_t ig;
} gpsd_rx_t;

typedef struct {
  char name[DATA_MAX_NAME_LEN]; /* <Server "name"> */
  char *host;
  char *port;
  cdtime_t max_age;       /* older snapshots are dispatched as NaN */
  cdtime_t reconnect_max; /* backoff limit between connection attempts */
  bool report_unconfigured;
  gpsd_rx_t *rx; /* receivers (configured first, then as seen) */
  bool connected;
  uint64_t reports, bad_reports;
  worker_t worker; /* the reader thread; its backoff sleep wakes on stop */
  c_complain_t complaint;
  c_complain_t silent; /* connected, but no report for MaxAge */
  char line[GPSD_LINE_MAX];
  char rbuf[GPSD_LINE_MAX]; /* bytes read, not yet a whole line */
  size_t rlen;
} gpsd_server_t;

/* Guards every field above that both threads touch (rx lists, snapshots,
 * connected) and the server registry. */
extern pthread_mutex_t gpsd_lock;

/* Registry of configured servers (for instance names and Reference). */
int gpsd_registry_add(gpsd_server_t *srv);
void gpsd_registry_remove(gpsd_server_t *srv);
size_t gpsd_registry_size(void);
gpsd_server_t *gpsd_registry_at(size_t i);

/* Find the receiver of `path`; create it (unconfigured, named after the
 * path) when `create` is set.  Caller holds gpsd_lock. */
gpsd_rx_t *gpsd_rx_get(gpsd_server_t *srv, const char *path, bool create);
/* Free a receiver and its statistics (not linked anywhere any more). */
void gpsd_rx_free(gpsd_rx_t *rx);
/* Find a receiver by plugin-instance name, on any server.  Caller holds
 * gpsd_lock. */
gpsd_rx_t *gpsd_rx_by_name(const char *name, gpsd_server_t **srv_out);

/* Decode one report (the exact line, and the gps_data_t libgps filled from
 * it) into its receiver's snapshot, stamped `now` (gpsd_clock).  Takes
 * gpsd_lock.
 * Returns 0 if used, 1 if ignored (class not used, receiver not reported),
 * -1 if malformed.  This is the plugin's seam: the reader thread reads the
 * socket itself and feeds it each well-formed line after gps_unpack() (not
 * gps_read(), see reader_line()), the plugin test feeds recorded lines the
 * same way. */
int gpsd_handle_report(gpsd_server_t *srv, const char *line, size_t len,
                       const struct gps_data_t *g, cdtime_t now);

/* The connection is gone: every snapshot of the server is invalidated (NaN
 * until fresh reports arrive).  Caller holds gpsd_lock. */
void gpsd_server_invalidate(gpsd_server_t *srv);

/* Start / stop (signal and join) the reader thread. */
int gpsd_reader_start(gpsd_server_t *srv);
void gpsd_reader_stop(gpsd_server_t *srv);

#endif
