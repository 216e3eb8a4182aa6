/* SPDX-License-Identifier: MIT
 * gnss_sky - one receiver's sky view summarised per constellation, and the
 * completion logic for sky reports that arrive in parts.
 *
 * Pure: the caller copies gpsd's satellite list (gnssid, svid, PRN, signal
 * strength, used flag, sigid) into gnss_sat_t and the DOPs into gnss_sky_t;
 * nothing here knows libgps.  Constellation numbers are gpsd's/u-blox's
 * gnssid: 0 GPS, 1 SBAS, 2 Galileo, 3 BeiDou, 4 IMES, 5 QZSS, 6 GLONASS,
 * 7 NavIC.
 *
 * Satellites, not signals: a dual-band receiver (u-blox F9, NMEA 4.11) has
 * one entry per satellite and signal, so gnss_sky_count() counts distinct
 * (constellation, svid) as satellites, a satellite is used if any of its
 * signals is, and its SNR is that of its strongest used signal.  Signals
 * are counted on their own, and per frequency band (from gpsd's u-blox
 * sigid, gnss_band()), so a lost second band shows.
 *
 * Why completion: a multi-constellation NMEA receiver sends one $xxGSV group
 * per talker, and gpsd emits a SKY report after each group, so within one
 * cycle the first SKY of a GPS+GLONASS receiver has only the GPS satellites.
 * Dispatching that report shows GLONASS at 0 for one sample (the "dip" other
 * collectors show).  gnss_sky_feed() holds such a partial report back until
 * the set of constellations is complete again (see gnss_sky_feed()).
 */
#ifndef CDS_GNSS_SKY_H
#define CDS_GNSS_SKY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
  GNSS_GPS = 0,
  GNSS_SBAS = 1,
  GNSS_GALILEO = 2,
  GNSS_BEIDOU = 3,
  GNSS_IMES = 4,
  GNSS_QZSS = 5,
  GNSS_GLONASS = 6,
  GNSS_NAVIC = 7,
  GNSS_N = 8,        /* constellations (array size) */
  GNSS_TOTAL = GNSS_N /* index of the all-constellation totals */
};

/* Lower-case constellation name ("gps", "glonass", ...), "total" for
 * GNSS_TOTAL, NULL when out of range. */
const char *gnss_name(int gnss);

/* Frequency bands reported per constellation (index into band[][]):
 *   GPS      0 L1, 1 L2, 2 L5
 *   Galileo  0 E1, 1 E5a, 2 E5b
 *   GLONASS  0 L1, 1 L2
 *   BeiDou   0 B1, 1 B2
 * Other constellations are not broken down by band. */
#define GNSS_BANDS 3

/* Band index of u-blox `sigid` (gpsd's satellite_t sigid, gps.h) in
 * constellation `gnss`: GPS 0 L1 C/A; 3 L2 CL, 4 L2 CM; 6 L5 I, 7 L5 Q.
 * Galileo 0 E1 C, 1 E1 B; 3 E5a I, 4 E5a Q; 5 E5b I, 6 E5b Q.  GLONASS
 * 0 L1 OF; 2 L2 OF.  BeiDou 0 B1I D1, 1 B1I D2, 5 B1C pilot, 6 B1C data;
 * 2 B2I D1, 3 B2I D2, 7 B2a pilot, 8 B2a data.  -1 for any other pair. */
int gnss_band(int gnss, int sigid);

/* Lower-case band name ("l1", "e5b", "b2", ...); NULL when the
 * constellation has no such band. */
const char *gnss_band_name(int gnss, int band);

/* Constellation of an NMEA 4.x style PRN (1-32 GPS, 33-64 SBAS, 65-96
 * GLONASS, 120-158 SBAS, 193-202 QZSS, 201-237 and 401-437 BeiDou, 301-336
 * Galileo); -1 when unknown.  Used when a report has no usable gnssid. */
int gnss_from_prn(int prn);

typedef struct {
  int gnssid; /* 0..7, or -1 unknown */
  int svid;   /* native id; 0 = unknown (then gnssid is ignored) */
  int prn;    /* NMEA-style PRN, fallback when svid is 0 */
  double ss;  /* signal strength, dB-Hz; 0 or NaN = not tracked */
  bool used;  /* used in the navigation solution */
  int sigid;  /* gpsd's (u-blox) signal id; 0 = the first or only signal */
  double el;  /* elevation, degrees above the horizon; NaN = unknown */
} gnss_sat_t;

/* A summarised sky report.  Arrays are indexed by constellation, with the
 * totals at [GNSS_TOTAL]; satellites of unknown constellation count in the
 * totals only.  A satellite is one (constellation, svid) (the PRN when svid
 * is 0), however many signals of it are listed. */
typedef struct {
  int visible[GNSS_N + 1];        /* satellites in the report */
  int used[GNSS_N + 1];           /* of those, used (any signal used) */
  double snr_used_mean[GNSS_N + 1]; /* dB-Hz, mean over used satellites of
                                       their strongest used signal with
                                       ss > 0; NaN if none */
  double snr_used_max[GNSS_N + 1];  /* dB-Hz, max of the same; NaN if none */
  /* dB-Hz, the mean of snr_used_mean[GNSS_TOTAL] over the used satellites
   * at or above the elevation mask only (gnss_sky_count_mask; elevation of
   * the satellite's first entry, unknown = below); NaN if none. */
  double snr_used_masked_mean;
  int signals[GNSS_N + 1];      /* entries (satellite x signal) */
  int signals_used[GNSS_N + 1]; /* of those, flagged used */
  int band[GNSS_N][GNSS_BANDS]; /* satellites with a signal on the band */
  unsigned mask; /* bit g set = constellation g has >= 1 visible satellite */
  /* Signal groups present, for completion: bit 4*g + band (band 3 = a
   * signal of no known band, or a satellite listed again with the same
   * sigid, as gpsd 3.22 does for BeiDou B2I from NMEA). */
  uint32_t groups;
  /* Dilutions of precision as reported (NaN = not reported). */
  double hdop, vdop, pdop, tdop, gdop;
} gnss_sky_t;

typedef enum {
  GNSS_SKY_OK = 0,
  GNSS_SKY_EINVAL = -1 /* NULL pointer, or n > 0 with sats == NULL */
} gnss_sky_status_t;

/* Summarise `n` satellites into `out` (DOPs are set to NaN; the caller fills
 * them afterwards).  No elevation mask: snr_used_masked_mean equals
 * snr_used_mean[GNSS_TOTAL]. */
gnss_sky_status_t gnss_sky_count(const gnss_sat_t *sats, size_t n,
                                 gnss_sky_t *out);
/* The same with an elevation mask (degrees; NaN = none) for
 * snr_used_masked_mean: low satellites have the weakest and most
 * multipath-prone signals, so their C/N0 is left out of that mean. */
gnss_sky_status_t gnss_sky_count_mask(const gnss_sat_t *sats, size_t n,
                                      double mask_deg, gnss_sky_t *out);

/* Completion tracker, one per receiver.  Zero-initialise it (or call
 * gnss_sky_reset, e.g. after a reconnect). */
typedef struct {
  bool have_committed;
  uint32_t committed_groups; /* signal groups of the last complete report */
  bool have_pending;
  gnss_sky_t pending; /* a partial report held back */
} gnss_sky_tracker_t;

void gnss_sky_reset(gnss_sky_tracker_t *t);

/* Feed one SKY report.  Returns the number of views published (0, 1 or 2;
 * *out holds the latest one, which the caller publishes when the return is
 * > 0), GNSS_SKY_EINVAL on NULL arguments.  Completeness is judged by
 * signal groups (constellation and band, `groups`), because gpsd emits a
 * SKY after each $xxGSV group, which for a dual-band receiver is one per
 * signal.  Rules, in this order:
 *  1. if a partial report is held and `in` does not strictly add signal
 *     groups to it, the held report's cycle ended there (a constellation or
 *     band really was lost): it is published as the new complete view;
 *  2. a report that has all signal groups of the last complete view is
 *     complete: it is published (a held partial of the same cycle is
 *     dropped);
 *  3. otherwise `in` misses a signal group and is held; so is every report
 *     until the first view is published (after a reset, the first report
 *     may be the first part of a cycle: the first view is published at the
 *     first report that does not add signal groups to the held one).
 * So a partial report is never published while its cycle can still
 * complete, and a real loss is published one report later.  Returns 2 when
 * rule 1 and rule 2 both published (the held view was superseded at once). */
int gnss_sky_feed(gnss_sky_tracker_t *t, const gnss_sky_t *in,
                  gnss_sky_t *out);

#endif
