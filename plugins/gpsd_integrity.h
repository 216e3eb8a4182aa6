/* SPDX-License-Identifier: MIT
 * gpsd_integrity - the gpsd plugin's integrity checks per receiver:
 *  - PPS without a fix: gpsd PPS reports keep arriving while the receiver
 *    has had no fix (TPV mode < 2) for PPSWithoutFixAfter, i.e. the PPS is
 *    free-running and ntpd/chronyd may still be disciplined by it;
 *  - jamming signs: the mean C/N0 of the used satellites at or above
 *    ElevationMask (all constellations) drops by more than
 *    CN0DropThreshold against its median over CN0DropWindow;
 *  - spoofing signs: with a surveyed Position, the fix is more than
 *    PositionJumpMax away from it while C/N0 is normal.
 * Every age and window is on gpsd_clock (CLOCK_BOOTTIME).
 */
#ifndef CDS_GPSD_INTEGRITY_H
#define CDS_GPSD_INTEGRITY_H

#include "collectd.h"
#include "plugin.h"

#include "common/gnss_integrity.h"
#include "plugins/cdutil.h"

struct gps_data_t;

/* Plugin-level options, set at configuration time only. */
typedef struct {
  cdtime_t pps_without_fix_after; /* PPSWithoutFixAfter, default 60 s */
  double elevation_mask_deg;      /* ElevationMask, default 15 deg */
  double cn0_drop_db;             /* CN0DropThreshold, default 6 dB */
  cdtime_t cn0_drop_window;       /* CN0DropWindow, default 60 s */
  double position_jump_m;         /* PositionJumpMax, default 100 m */
} gpsd_ig_config_t;
extern gpsd_ig_config_t gpsd_ig;

/* Per receiver; the surveyed position and TPV are filed by the reader
 * thread under gpsd_lock, the detector and notification states are the
 * read callback's. */
typedef struct {
  bool has_position;               /* a Position option */
  double pos_lat, pos_lon, pos_hae; /* surveyed: deg, deg, m above WGS-84 */
  double lat, lon, hae;            /* last TPV (NaN = not reported) */
  cdtime_t nofix_since;            /* first TPV with mode < 2, 0 = has fix */
  gnss_drop_t cn0;                 /* drop detector of cn0_mean */
  cdu_state_t pps_state, jam_state, spoof_state;
} gpsd_ig_rx_t;

/* Values at read time; NaN = unknown. */
typedef struct {
  double pps_without_fix; /* 0/1 */
  double cn0_mean;        /* dB-Hz */
  double cn0_drop_db;     /* median - current, dB, + = lower now */
  double jamming;         /* 0/1 */
  double horizontal_m;    /* distance of the fix from Position, m */
  double altitude_m;      /* altHAE - surveyed, m, + = reported above */
  double spoofing;        /* 0/1 */
} gpsd_ig_values_t;

/* Plugin-level option c: 0 done, -1 bad value (logged), 1 not ours. */
int gpsd_ig_config_option(oconfig_item_t *c);
/* "Position LAT LON ALT" of a <Receiver> block into ig; -1 (logged) if
 * the values are not three numbers in range. */
int gpsd_ig_config_position(const char *rx_name, oconfig_item_t *c,
                            gpsd_ig_rx_t *ig);
void gpsd_ig_init(gpsd_ig_rx_t *ig);
/* A TPV report (mode as filed) at `now`.  Caller holds gpsd_lock. */
void gpsd_ig_tpv(gpsd_ig_rx_t *ig, const struct gps_data_t *g, cdtime_t now);
/* Fill *v; `tpv`, `sky`, `pps`: whether those snapshots are fresh.
 * Caller holds gpsd_lock. */
void gpsd_ig_values(gpsd_ig_rx_t *ig, int mode, bool tpv, bool pps,
                    double cn0_mean, cdtime_t now, gpsd_ig_values_t *v);
/* Notifications on change (read callback). */
void gpsd_ig_notify(gpsd_ig_rx_t *ig, const char *rx_name,
                    const gpsd_ig_values_t *v);

#endif
