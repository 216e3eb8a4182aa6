/* SPDX-License-Identifier: MIT
 * ntp_snapshot - one schema for what NTPsec/ntpd (mode 6) and chrony
 * (cmdmon) say about themselves.  Pure: the builders take decoded protocol
 * data (common/ntp_mode6, common/chrony_cmdmon) and fill the snapshot.
 *
 * Units and signs (SI seconds; ppm):
 *  - offsets follow NTP: + = the local clock is behind the source / true
 *    time (ntpq's sign).  chrony reports the opposite sign for sources
 *    ("+" = local fast); the builders negate it.
 *  - frequency follows ntpd: the correction applied, + = the clock is sped
 *    up.  chrony reports the clock's own error (+ = fast): negated.
 *  - every unknown value is NaN.
 */
#ifndef CDS_NTP_SNAPSHOT_H
#define CDS_NTP_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/chrony_cmdmon.h"
#include "common/ntp_mode6.h"

#define NTP_SNAP_MAX_PEERS 64
#define NTP_SNAP_NAME_LEN 64

typedef struct {
  char name[NTP_SNAP_NAME_LEN]; /* "SHM(5)", "127.0.0.1", "GPS7" (raw) */
  double offset_s;     /* + = local clock behind the source */
  double delay_s;      /* round-trip delay (chrony: NaN) */
  double jitter_s;     /* ntpd jitter; chrony sourcestats std dev */
  double dispersion_s; /* ntpd dispersion; chrony error bound (+/-) */
  double stratum;
  double reach;     /* successful polls among the last 8 (popcount) */
  double selection; /* NTP_M6_SEL_* code 0..7 (chrony states mapped) */
  double reachable; /* 0/1: reach register != 0 */
  /* polling (both daemons) */
  double poll_s;       /* our poll interval: 2^hpoll (ntpd), 2^poll (chrony) */
  double peer_poll_s;  /* the peer's poll interval 2^ppoll (ntpd); chrony NaN */
  double sample_age_s; /* since the last packet (ntpd clock - rec) or
                          sample (chrony since_sample) was received */
  /* chrony sourcestats (ntpd: NaN) */
  double n_samples, n_runs; /* NP, NR */
  double span_s;            /* interval the samples cover */
  double resid_freq_ppm;    /* "Freq" negated: + = local clock slow vs it */
  double skew_ppm;          /* "Freq Skew": error bound of resid_freq */
  double est_offset_s;      /* "Offset" negated: + = local clock behind */
  unsigned reach_register;
  unsigned select; /* same as selection, as an integer */
  bool unresolved; /* chrony: name not resolved yet (ID#...), not counted */
} ntp_snap_peer_t;

typedef struct {
  /* system */
  double offset_s;       /* ntpd offset; chrony "System time" correction */
  double sys_jitter_s;   /* ntpd sys_jitter; chrony: NaN */
  double clk_jitter_s;   /* ntpd clk_jitter; chrony: NaN */
  double wander_ppm;     /* ntpd clk_wander; chrony skew */
  double frequency_ppm;  /* see the sign note above */
  double rms_offset_s;   /* chrony RMS offset; ntpd: NaN */
  double stratum;
  double root_delay_s;
  double root_dispersion_s;
  double root_distance_s; /* rootdist, else rootdelay/2 + rootdisp */
  double leap;            /* 0 none, 1 insert, 2 delete, 3 unsynchronised */
  double source_kind;     /* mode 6 clock source code, see ntp_snap_kind */
  double synchronised;    /* 0/1: leap != 3 and stratum < 16 */
  /* NTPsec kernel PPS discipline (NaN when not exposed / PPS inactive) */
  double kpps_jitter_s;
  double kpps_frequency_ppm;
  double kpps_stability_ppm;
  double kpps_interval_s;
  int64_t kpps_calibrations;   /* counters; CDU_DERIVE_UNKNOWN style: */
  int64_t kpps_calib_errors;   /* INT64_MIN when unknown */
  int64_t kpps_jitter_exceeded;
  int64_t kpps_stability_exceeded;
  /* counts over the peers below */
  double n_peers, n_reachable, n_candidates, n_falsetickers, n_outliers;
  double n_unresolved; /* chrony sources not resolved yet; ntpd: NaN */
  /* server statistics (ntpq sysstats, chronyc serverstats): counters
   * since the daemon started (classic ntpd: since its last stats reset),
   * NTP_SNAP_COUNTER_UNKNOWN where the daemon has no such counter */
  double uptime_s; /* ntpd ss_uptime; chrony NaN */
  int64_t pkt_received;    /* ntpd ss_received (all, mode 6 included);
                              chrony ntp_hits (its NTP port) */
  int64_t pkt_current_version, pkt_old_version; /* ss_thisver, ss_oldver */
  int64_t pkt_bad_format, pkt_bad_auth;   /* ss_badformat, ss_badauth */
  int64_t pkt_declined, pkt_restricted;   /* ss_declined, ss_restricted */
  int64_t pkt_rate_limited; /* ntpd ss_limited; chrony ntp_drops */
  int64_t pkt_kod_sent, pkt_processed;    /* ss_kodsent, ss_processed */
  int64_t pkt_authenticated, pkt_interleaved; /* chrony ntp_auth_hits, ... */
  int64_t cmd_received, cmd_dropped;      /* chrony cmd_hits, cmd_drops */
  int64_t nke_accepted, nke_dropped;      /* chrony nke_hits, nke_drops */
  int64_t log_dropped;                    /* chrony log_drops */
  /* peers */
  char sys_peer[NTP_SNAP_NAME_LEN]; /* "" when none */
  size_t npeers;
  ntp_snap_peer_t peers[NTP_SNAP_MAX_PEERS];
} ntp_snap_t;

#define NTP_SNAP_COUNTER_UNKNOWN INT64_MIN

/* Everything unknown (NaN, counters INT64_MIN, no peers). */
void ntp_snap_init(ntp_snap_t *s);

/* Fill the system part from a mode 6 READVAR (assoc 0) variable list and
 * the response's system status word.  Values in ms are converted to s. */
void ntp_snap_from_mode6_sys(ntp_snap_t *s, const ntp_m6_var_t *v, size_t n,
                             uint16_t status);
/* Kernel PPS variables (kppsjitter, kppsfreq, kppsstab, kppscalibdur,
 * kppscalibs, kppscaliberrs, kppsjitexc, kppsstbexc) and `version`.  NTPsec
 * prints 0 for all of them while kernel PPS is inactive (kppscalibdur 0):
 * left NaN.  kppscalibdur is 1 << shift s in classic ntpd and NTPsec
 * <= 1.2.2, the shift (log2 s) in NTPsec >= 1.2.3: `version` says which
 * (missing: seconds); kpps_interval_s is in seconds either way. */
void ntp_snap_from_mode6_kernel(ntp_snap_t *s, const ntp_m6_var_t *v,
                                size_t n);
/* Add one peer from its READVAR variable list and its peer status word.
 * Returns the new peer, or NULL when the table is full. */
ntp_snap_peer_t *ntp_snap_add_mode6_peer(ntp_snap_t *s, const ntp_m6_var_t *v,
                                         size_t n, uint16_t peer_status);

/* ntpq sysstats: ss_uptime and the ss_* counters (NTPsec 1.2: the ss_*_r
 * totals since start when present, else the plain names, which NTPsec
 * resets hourly with `statistics sysstats` and classic ntpd 4.2.8 keeps
 * since its last reset).  Counters missing from v stay unknown. */
void ntp_snap_from_mode6_sysstats(ntp_snap_t *s, const ntp_m6_var_t *v,
                                  size_t n);
/* A peer's sample age: daemon_now - rec, where daemon_now is the daemon's
 * `clock` system variable plus elapsed_s (s, monotonic) since it was read.
 * Both stamps come from the daemon's clock: ours is not involved.  NaN
 * when rec is missing or 0 (nothing received yet). */
void ntp_snap_mode6_peer_age(ntp_snap_peer_t *p, const ntp_m6_var_t *v,
                             size_t n, const char *daemon_clock,
                             double elapsed_s);
/* Seconds from NTP timestamp `from` to `to`, both as mode 6 prints them
 * ("0xSSSSSSSS.FFFFFFFF"): era-safe (the 32-bit seconds difference taken
 * as signed, valid while |to - from| < 68 years).  Returns 0, or -1 when
 * either is not a timestamp or `from` is 0 (never). */
int ntp_snap_ts_diff(const char *to, const char *from, double *out);

/* chrony serverstats (any reply layout). */
void ntp_snap_from_chrony_serverstats(ntp_snap_t *s,
                                      const chrony_serverstats_t *ss);

/* chrony: system part from tracking; one source from source data and its
 * sourcestats (stats may be NULL: jitter NaN). */
void ntp_snap_from_chrony_tracking(ntp_snap_t *s, const chrony_tracking_t *t);
ntp_snap_peer_t *ntp_snap_add_chrony_source(ntp_snap_t *s,
                                            const chrony_source_data_t *d,
                                            const chrony_sourcestats_t *st);

/* chrony source state -> NTP_M6_SEL_*, by chronyc's symbols: selected '*'
 * 6 sys.peer, unselected '+' (combined) 4 candidate, selectable '-' (not
 * combined) 3 outlier, jittery '~' 3 outlier, falseticker 'x' 1,
 * nonselectable '?' 0 reject. */
unsigned ntp_snap_chrony_select(unsigned chrony_state);
/* Source kind (mode 6 code) of a chrony reference from its refid and
 * whether it is a refclock: PPS* 1, DCF/MSF/WWVB/JJY 2, GPS/GNSS/NMEA/SHM/
 * GLO/GAL 4 (as ntpd classes GPS), LOCL/LOCAL 5, an NTP server 6, other
 * refclocks 7; unsynchronised 0. */
unsigned ntp_snap_chrony_kind(uint32_t refid, bool refclock, bool synced);

/* Count peers (configured, reachable, candidates = selection >= candidate,
 * i.e. candidate/backup/sys.peer/pps.peer, and reach register != 0,
 * falsetickers, outliers) and set
 * sys_peer from the peer with selection sys.peer (or pps.peer). */
void ntp_snap_finish(ntp_snap_t *s);

/* popcount of the low 8 bits. */
unsigned ntp_snap_reach_count(unsigned reach_register);

/* A collectd-safe instance part: chars outside [A-Za-z0-9._:()-] become
 * '_'; returns out. */
char *ntp_snap_sanitize(const char *in, char *out, size_t len);

#endif
