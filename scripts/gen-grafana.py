#!/usr/bin/env python3
"""gen-grafana.py - the Grafana dashboards in examples/grafana/, one per area
(time, rng, ceph) and data source (Graphite, Prometheus), generated from one
panel list so the two flavours show the same things.

  scripts/gen-grafana.py --write    rewrite examples/grafana/*.json and the
                                    panel list in docs/dashboards.md
  scripts/gen-grafana.py --check    exit 1 if a dashboard is out of date

A panel names collectd metrics as (plugin, type, type_instance, legend); the
Graphite target and the Prometheus expression are derived with the naming
rules of scripts/gen-metric-reference.py (checked against real runs by
tests/e2e/graphite.sh and prometheus.sh).  Panels whose plugin is not in
this tree (plugins/NAME.c) are left out, so a dashboard grows as plugins
land; an area with no plugin yet gets no file.  tests/e2e/grafana.sh checks
every query against a real collectd run.

To add panels for a plugin: append to PANELS below (area, title, unit,
description with the sign convention, metrics) and run --write.
"""
import json
import os
import re
import sys
from importlib.machinery import SourceFileLoader

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ref = SourceFileLoader("genref", os.path.join(TOP, "scripts", "gen-metric-reference.py")).load_module()
rules = SourceFileLoader("genrules", os.path.join(TOP, "scripts", "gen-prometheus-rules.py")).load_module()
OUTDIR = os.path.join("examples", "grafana")
AREAS = {"time": "Time: kernel clock, PPS, NTP, GNSS, DCF77",
         "rng": "Randomness: entropy and hardware RNG",
         "ceph": "Ceph: placement-group health"}

AREAS["ceph"] = "Ceph: placement-group health, OSD headroom"


def M(plugin, typ, tinst="", legend=None, inst=None, exclude=None, doc=None):
    """One collectd metric: plugin, type, type instance (a glob: '*' = any),
    legend (default: the type instance), inst = glob of the plugin instance
    (None: the metric has none; '*': any, one line per instance), exclude =
    a regular expression of plugin instances to leave out (e.g. ntp peers
    'NAME-PEER' when only the daemon's 'NAME' is meant), doc = the meaning
    when the documented table's first row for this type is another one's
    (ntp's peer offset shares time_offset-offset with the system offset)."""
    return {"plugin": plugin, "type": typ, "tinst": tinst, "legend": legend or tinst or typ,
            "inst": inst, "exclude": exclude, "doc": doc}


def RATIO(num, den, legend=None):
    """rate(num) / rate(den) of two DERIVE metrics, per plugin instance."""
    return {"ratio": (num, den), "legend": legend or num["legend"]}


# Plugin instances: ntp's daemon is NAME and its peers NAME-PEER; ceph_health's
# cluster is C, its pools C-pool-P, its OSDs C-osd.N, its CRUSH roots
# C-root-R and its mons C-mon.M.
NTP_SYS = dict(inst="*", exclude="[^-]+-.+")
NTP_PEER = dict(inst="*-*")
CEPH_CL = dict(inst="*", exclude=".+-(pool|osd|root|mon)[-.].+")
CEPH_POOL = dict(inst="*-pool-*")
CEPH_OSD = dict(inst="*-osd.*")
CEPH_ROOT = dict(inst="*-root-*")
SIGN = ("Sign: + = the local (system) clock is behind the reference, as ntpq "
        "shows it; chrony's own sign is negated by the plugin to match.")

# Stability statistics (docs/stability.md): the plugins that dispatch them
# and how to read them.
STAB_PLUGINS = ("gpsd", "pps", "dcf77", "ntp")
STAB_SERIES = ("Series: gpsd toff, pps, toff_vs_reference, pps_vs_reference "
               "(tau0 1 s); pps edge (tau0 1 s); dcf77 offset (tau0 60 s). NaN "
               "until the window holds enough samples; only with Stability true.")
ADEV_READ = ("ADEV at tau is the typical fractional frequency change between "
             "neighbouring tau-long averages of the offset. A slope of -1 over "
             "tau means white phase noise that averages away; where the curve "
             "flattens or turns up, the oscillator's wander takes over: the "
             "longest tau worth averaging over.")

# (area, title, unit, description, [M or RATIO][, options]).  Options:
# "log": a log-scale y axis; "refline": (variable, legend), a dashed
# reference line at the value of a dashboard text variable (default 0);
# "stat": a stat panel (the last value) with "steps", [(from, colour), ...]
# threshold colours; "suffix": Prometheus legends end with each metric's
# legend (two metrics of one panel share their labels).  The description is
# followed by each metric's unit and meaning from the plugin's documented
# metric table (docs/NAME.md), so the two cannot drift apart.
PANELS = [
    # ---- kernel clock (timex)
    ("time", "Kernel clock synchronised", "none",
     "1 = the kernel's maxerror is below 16 s (a time daemon keeps it "
     "updated, even with STA_UNSYNC set); 0 = nobody disciplines the clock "
     "(page on it).",
     [M("timex", "bool", "synchronised")]),
    ("time", "Kernel PLL offset", "s",
     "The phase offset the kernel is still slewing. Positive = the system "
     "clock is behind and is being advanced.",
     [M("timex", "time_offset", "offset")]),
    ("time", "Kernel error bounds", "s",
     "maxerror grows by 500 ppm while nobody updates it; 16 s means unsynchronised.",
     [M("timex", "time_dispersion", "maxerror"), M("timex", "time_dispersion", "esterror")]),
    ("time", "Kernel frequency correction", "ppm",
     "The frequency correction applied. Positive = the clock is being sped up.",
     [M("timex", "frequency_offset", "frequency")]),
    ("time", "Kernel PPS (hardpps)", "s",
     "Only meaningful with a PPS source bound to the kernel.",
     [M("timex", "time_offset_rms", "pps_jitter", "pps jitter")]),
    ("time", "Kernel PPS status bits", "none",
     "PPSTIME without PPSSIGNAL = PPS lost.",
     [M("timex", "bool", "status_ppssignal", "ppssignal"), M("timex", "bool", "status_ppstime", "ppstime")]),
    # ---- NTP daemons and their peers
    ("time", "NTP daemon synchronised", "none",
     "Per daemon (<Server> block): the daemon's own claim of sync; 0 = lost sync (page on it).",
     [M("ntp", "bool", "synchronised", **NTP_SYS)]),
    ("time", "NTP system offset", "s",
     "Per daemon: the offset of the system clock it is correcting. " + SIGN,
     [M("ntp", "time_offset", "offset", **NTP_SYS)]),
    ("time", "NTP peer offsets", "s",
     "One line per source (NAME-PEER). " + SIGN + " A source far from the "
     "others is a falseticker candidate.",
     [M("ntp", "time_offset", "offset", doc="offset of the source (ntpd offset; chrony sources "
        "'Last sample', negated)", **NTP_PEER)]),
    ("time", "NTP peer jitter", "s",
     "One line per source: ntpd's peer jitter, chrony's sourcestats standard "
     "deviation. Always >= 0.",
     [M("ntp", "time_offset", "jitter", **NTP_PEER)]),
    ("time", "NTP peer reach", "none",
     "Successful polls of the last 8 (popcount of the reach register): 8 = "
     "every poll answered, 0 = unreachable.",
     [M("ntp", "clock_reachability", "", "reach", **NTP_PEER)]),
    ("time", "NTP peer selection", "none",
     "The selection state of each source: 0 reject, 1 falseticker, 2 excess, "
     "3 outlier, 4 candidate, 5 backup, 6 sys.peer, 7 pps.peer.",
     [M("ntp", "clock_state", "selection", **NTP_PEER)]),
    ("time", "NTP usable sources and falsetickers", "none",
     "Per daemon: candidates (usable sources) below your minimum, or any "
     "falseticker, deserve a page.",
     [M("ntp", "count", "candidates", **NTP_SYS), M("ntp", "count", "falsetickers", **NTP_SYS),
      M("ntp", "count", "reachable", **NTP_SYS), M("ntp", "count", "peers", **NTP_SYS)]),
    ("time", "NTP root distance", "s",
     "Per daemon: the error bound to the primary reference (root delay / 2 + "
     "root dispersion).",
     [M("ntp", "time_dispersion", "root_distance", **NTP_SYS)]),
    # ---- PPS
    ("time", "PPS signal", "none",
     "Per PPS device: 1 = pulses arrive; 0 = PPS lost.",
     [M("pps", "bool", "signal", inst="*")]),
    ("time", "PPS edge offset", "s",
     "Per PPS device: mean offset of the assert edge from the system clock's "
     "second over the interval. + = the edge is timestamped after the second "
     "(the system clock is ahead of the pulse).",
     [M("pps", "time_offset", "edge_mean", inst="*")]),
    ("time", "PPS jitter", "s",
     "Per PPS device: RMS of the edge offsets about their mean.",
     [M("pps", "time_offset_rms", "jitter", inst="*")]),
    ("time", "PPS missed pulses", "none",
     "Per PPS device: seconds of the interval without a pulse.",
     [M("pps", "count", "missed", inst="*")]),
    # ---- GNSS receivers (gpsd)
    ("time", "GNSS fix mode", "none",
     "Per receiver: 0 unknown, 1 no fix, 2 2D, 3 3D. A timing receiver "
     "wants 3 (or 2 in a fixed position mode).",
     [M("gpsd", "gauge", "fix_mode", inst="*")]),
    ("time", "GPS vs GLONASS: satellites used", "none",
     "Per receiver and constellation: satellites used in the solution. Compare "
     "receivers side by side: a GPS-only receiver shows no GLONASS line above 0.",
     [M("gpsd", "satellites", "gps_used", "GPS used", inst="*"),
      M("gpsd", "satellites", "glonass_used", "GLONASS used", inst="*")]),
    ("time", "GPS vs GLONASS: satellites visible", "none",
     "Per receiver and constellation: satellites in view.",
     [M("gpsd", "satellites", "gps_visible", "GPS visible", inst="*"),
      M("gpsd", "satellites", "glonass_visible", "GLONASS visible", inst="*")]),
    ("time", "GPS vs GLONASS: SNR of used satellites", "dB-Hz",
     "Per receiver and constellation: mean carrier-to-noise of the used "
     "satellites. A sudden drop on all = antenna or cable.",
     [M("gpsd", "snr", "gps_used_mean", "GPS mean", inst="*"),
      M("gpsd", "snr", "glonass_used_mean", "GLONASS mean", inst="*")]),
    ("time", "GNSS dilution of precision", "none",
     "Per receiver: TDOP matters for timing; lower is better (< 2 good).",
     [M("gpsd", "dilution_of_precision", "time", "TDOP", inst="*"),
      M("gpsd", "dilution_of_precision", "horizontal", "HDOP", inst="*"),
      M("gpsd", "dilution_of_precision", "vertical", "VDOP", inst="*"),
      M("gpsd", "dilution_of_precision", "position", "PDOP", inst="*"),
      M("gpsd", "dilution_of_precision", "geometric", "GDOP", inst="*")]),
    ("time", "GNSS TOFF and PPS offsets", "s",
     "Per receiver: receiver time - system clock. + = the system clock is "
     "behind. TOFF includes the serial latency (typically negative by tens "
     "of ms); PPS needs a PPS source in gpsd.",
     [M("gpsd", "time_offset", "toff", "TOFF", inst="*"),
      M("gpsd", "time_offset", "pps", "PPS", inst="*")]),
    ("time", "GNSS receivers compared with the reference", "s",
     "Per receiver: its TOFF/PPS minus the Reference receiver's. + = this "
     "receiver's messages / edge come earlier.",
     [M("gpsd", "time_offset", "toff_vs_reference", "TOFF vs ref", inst="*"),
      M("gpsd", "time_offset", "pps_vs_reference", "PPS vs ref", inst="*")]),
    ("time", "GNSS time since fix", "s",
     "Per receiver: seconds since the last 2D/3D fix; grows when the "
     "receiver lost its fix.",
     [M("gpsd", "duration", "since_fix", inst="*")]),
    # ---- DCF77
    ("time", "DCF77 state", "none",
     "Per receiver: receiving (pulses on the 1 s grid) and trusted (the "
     "decoded minutes agree). For an NTPsec PARSE refclock: the refclock "
     "delivers time codes.",
     [M("dcf77", "bool", "receiving", inst="*"), M("dcf77", "bool", "trusted", inst="*"),
      M("dcf77", "bool", "time_code", inst="*")]),
    ("time", "DCF77 valid pulses", "percent",
     "Per receiver: share of the last minute's pulses with a valid length.",
     [M("dcf77", "percent", "valid_pulses", inst="*")]),
    ("time", "DCF77 offset", "s",
     "Per receiver / refclock: offset of the decoded time. " + SIGN,
     [M("dcf77", "time_offset", "offset", inst="*")]),
    ("time", "DCF77 decoded minutes", "cpm",
     "Per receiver: decoded and trusted minutes per minute (1 = every minute).",
     [M("dcf77", "total_events", "decoded", inst="*"), M("dcf77", "total_events", "trusted", inst="*")]),
    # ---- timecheck: cross-checks of the host's time sources
    ("time", "Leap-second vote", "none",
     "Each leap voter's announcement (1 = a leap second at the coming month "
     "boundary; NaN = no fresh value), the leap file's, and leap_agree (0 = "
     "a voter disagreed for LeapHold; each voter is judged only within its "
     "own window: the NTP daemon and the kernel the last day, DCF77 the "
     "last hour).",
     [M("timecheck", "bool", "leap_announced_*"), M("timecheck", "bool", "leapfile_leap_scheduled", "leap file"),
      M("timecheck", "bool", "leap_agree", "agree"), M("timecheck", "count", "leap_voters", "voters")]),
    ("time", "Leap file: days left", "d",
     "Days until the leap-seconds file's #@ expiry; red when expired (ntpd "
     "and chronyd ignore it), orange below 30 days (LeapFileWarnDays).",
     [M("timecheck", "timecheck_days", "leapfile_expiry", "days left")],
     {"stat": True, "steps": [(None, "red"), (0, "orange"), (30, "green")]}),
    ("time", "Source pairs: difference and spread", "s",
     "Per pair A_vs_B of the configured Sources: (A + LatencyA) - (B + "
     "LatencyB), + = A's reference later than B's; and the pair's spread "
     "(robust standard deviation of the difference, NaN before 8 samples).",
     [M("timecheck", "time_offset", "*_vs_*", "difference"),
      M("timecheck", "time_offset_rms", "*_vs_*", "spread")], {"suffix": True}),
    ("time", "Source pairs apart", "none",
     "Per pair: 1 = its difference stayed beyond max(MaxApart, SpreadFactor "
     "x spread) for Hold; and the number of such pairs.",
     [M("timecheck", "bool", "apart-*"), M("timecheck", "count", "pairs_apart", "pairs apart")]),
    # ---- stability statistics (docs/stability.md; with Stability true)
    ("time", "Stability: ADEV per tau", "none",
     "Per plugin instance, series and tau (legend: instance, SERIES-tau_T): "
     "overlapping Allan deviation of the offset, dimensionless (s/s); log "
     "scale. " + ADEV_READ + " " + STAB_SERIES,
     [M(p, "time_adev", "*-tau_*", inst="*") for p in STAB_PLUGINS], {"log": True}),
    ("time", "Stability: TDEV per tau", "s",
     "Per plugin instance, series and tau: time deviation, the time error "
     "(s) left after averaging the offset over tau; log scale. It falls "
     "like 1/sqrt(tau) for white phase noise and rises where the "
     "oscillator's wander takes over. " + STAB_SERIES,
     [M(p, "time_tdev", "*-tau_*", inst="*") for p in STAB_PLUGINS], {"log": True}),
    ("time", "Stability: offset percentiles", "s",
     "Per plugin instance and series: p1, p50 (median), p99 and mean of the "
     "offsets in the sliding window (StabilityWindow), in s, with the "
     "series' own sign (gpsd and dcf77: + = system clock behind; pps edge: "
     "+ = system clock ahead). p99 - p1 is the spread that 98 % of the "
     "samples stay within. " + STAB_SERIES,
     [M(p, "time_offset", "*-" + s, inst="*") for p in STAB_PLUGINS for s in ("p1", "p50", "p99", "mean")]),
    ("time", "PPS holdover estimate", "s",
     "Per PPS device: how long the system clock would stay within "
     "HoldoverBudget if the PPS were lost now, from the ADEV of the edge "
     "offset (an optimistic trend, not a guarantee: docs/pps.md); log "
     "scale, 1e7 s = never. The dashed line is the holdover_min variable: "
     "set it to the plugin's HoldoverMin (0 = off, not drawn).",
     [M("pps", "duration", "holdover", inst="*")],
     {"log": True, "refline": ("holdover_min", "HoldoverMin")}),
    # ---- RNG
    ("rng", "Kernel entropy", "none",
     "The kernel pool: entropy available and pool size, in bits.",
     [M("rng", "entropy", "available", inst="kernel"), M("rng", "entropy", "poolsize", inst="kernel")]),
    ("rng", "CRNG ready, hardware RNG", "none",
     "crng_ready 0 = getrandom() would block (early boot); hwrng_present 1 = "
     "a hardware RNG is registered.",
     [M("rng", "bool", "crng_ready", inst="kernel"), M("rng", "bool", "hwrng_present", inst="kernel")]),
    ("rng", "Hardware RNG in use", "none",
     "One line per hardware RNG device (kernel-NAME): 1 = the one in use.",
     [M("rng", "bool", "hwrng_in_use", inst="kernel-*")]),
    ("rng", "FIPS 140-2 failure ratio per test", "percentunit",
     "Per source: failed blocks / tested blocks, per FIPS 140-2 test, over "
     "5 min (Prometheus) or per interval (Graphite). A good source fails "
     "now and then by chance: for a perfect source monobit 0.010 %, poker "
     "0.010 %, runs 0.030 %, long run 0.030 %, continuous 0.00001 % (0.080 % "
     "of blocks fail any test, docs/rng.md); a ratio far above that is a "
     "broken source.",
     [RATIO(M("rng", "total_events", t, t.replace("failed_", ""), inst="*"),
            M("rng", "total_events", "blocks", inst="*"))
      for t in ("failed_monobit", "failed_poker", "failed_runs", "failed_long_run", "failed_continuous")]),
    ("rng", "FIPS failed blocks in the window", "percent",
     "Per source: share of failed blocks in the sliding window.",
     [M("rng", "percent", "window_failed", inst="*")]),
    ("rng", "FIPS failure improbability", "none",
     "Per source: -log10 of the probability that a good source fails this "
     "often; the alarm is raised above the configured level.",
     [M("rng", "gauge", "failure_improbability", inst="*")]),
    ("rng", "RNG alarm and stuck source", "none",
     "Per source: alarm 1 = too many FIPS failures (page on it); stuck 1 = "
     "the source repeats itself.",
     [M("rng", "bool", "alarm", inst="*"), M("rng", "bool", "stuck", inst="*")]),
    ("rng", "Bytes tested", "Bps",
     "Per source: bytes read and tested per second; short reads.",
     [M("rng", "total_bytes", "read", inst="*"), M("rng", "total_bytes", "short", inst="*")]),
    ("rng", "SP 800-90B health-test failures", "cps",
     "Per source: NIST SP 800-90B Repetition Count Test (a run of identical "
     "samples) and Adaptive Proportion Test (a sample too frequent in a "
     "window) failures per second. A good source essentially never fails "
     "(alpha = 2^-30 per decision at the claimed entropy); a stuck one "
     "fails the RCT every few samples.",
     [M("rng", "total_events", "sp90b_rct_failures", "RCT", inst="*"),
      M("rng", "total_events", "sp90b_apt_failures", "APT", inst="*")]),
    ("rng", "SP 800-90B alarm and low min-entropy", "none",
     "Per source: sp90b_alarm 1 = a health test failed in the interval; "
     "entropy_low 1 = the min-entropy estimate is below ClaimedEntropy "
     "(NaN until the estimate window has filled).",
     [M("rng", "bool", "sp90b_alarm", inst="*"), M("rng", "bool", "entropy_low", inst="*")]),
    ("rng", "SP 800-90B min-entropy estimates", "none",
     "Per source, bits per sample (8 = a perfect byte): MCV, Markov and Lag "
     "estimates over EntropyWindow and their minimum, the assessed value; "
     "about 7.9 for a perfect 8-bit source over 1 MiB, 0 for a stuck one. "
     "NaN until the window has filled.",
     [M("rng", "gauge", "entropy_min", "min", inst="*"),
      M("rng", "gauge", "entropy_mcv", "MCV", inst="*"),
      M("rng", "gauge", "entropy_markov", "Markov", inst="*"),
      M("rng", "gauge", "entropy_lag", "Lag", inst="*")]),
    # ---- Ceph
    ("ceph", "Health status", "none",
     "Per cluster: 0 HEALTH_OK, 1 HEALTH_WARN, 2 HEALTH_ERR.",
     [M("ceph_health", "ceph_health_status", "", "status", inst="*")]),
    ("ceph", "Active health checks", "none",
     "Per cluster and check code: 0 absent, 1 HEALTH_WARN, 2 HEALTH_ERR.",
     [M("ceph_health", "ceph_health_check_severity", "*", "check", inst="*")]),
    ("ceph", "PG states (cluster)", "none",
     "PGs whose state has this component; a PG counts in several (the sum "
     "exceeds the total). Inactive PGs serve no I/O.",
     [M("ceph_health", "ceph_health_pgs", s, **CEPH_CL)
      for s in ("total", "active", "clean", "inactive", "degraded", "undersized", "peering",
                "recovering", "backfilling", "remapped", "stale", "down")]),
    ("ceph", "PG states per pool", "none",
     "Per pool (C-pool-NAME): PGs that are not active+clean, by component.",
     [M("ceph_health", "ceph_health_pgs", s, **CEPH_POOL)
      for s in ("inactive", "unclean", "degraded", "undersized", "stale", "down")]),
    ("ceph", "Stuck PGs", "none",
     "Per cluster: PGs in a state for at least StuckAge seconds (Ceph's "
     "definition of stuck).",
     [M("ceph_health", "ceph_health_pgs_stuck", s, **CEPH_CL)
      for s in ("any", "inactive", "unclean", "undersized", "degraded", "stale")]),
    ("ceph", "Oldest stuck PG", "s",
     "Per cluster and per pool: age of the longest stuck PG (0 = none stuck).",
     [M("ceph_health", "duration", "stuck_oldest", **CEPH_CL),
      M("ceph_health", "duration", "stuck_oldest", **CEPH_POOL)]),
    ("ceph", "Degraded, misplaced and unfound objects", "none",
     "Per cluster: unfound objects have no known copy (data at risk, "
     "page on it); degraded copies miss a replica.",
     [M("ceph_health", "objects", s, **CEPH_CL) for s in ("degraded", "misplaced", "unfound")]),
    ("ceph", "OSD headroom (smallest)", "none",
     "Per cluster, in percentage points: the smallest per-OSD distance to "
     "each ratio. Negative = an OSD is over it; act before backfillfull "
     "reaches 0 (recovery stalls) and full reaches 0 (writes stop).",
     [M("ceph_health", "ceph_health_headroom", s, **CEPH_CL) for s in ("nearfull", "backfillfull", "full")]),
    ("ceph", "OSD fill", "percent",
     "Per OSD (C-osd.N): space used; the fullest OSD limits the cluster.",
     [M("ceph_health", "percent", "utilization", **CEPH_OSD)]),
    ("ceph", "OSD headroom to backfillfull", "none",
     "Per OSD, percentage points below the backfillfull ratio; <= 0 = no "
     "backfill into it.",
     [M("ceph_health", "ceph_health_headroom", "backfillfull", **CEPH_OSD)]),
    ("ceph", "OSDs and mons", "none",
     "Per cluster: OSDs up/in of total, mons in quorum of total, an active mgr.",
     [M("ceph_health", "ceph_health_osds", s, "osds " + s, **CEPH_CL) for s in ("total", "up", "in")] +
     [M("ceph_health", "ceph_health_mons", s, "mons " + s, **CEPH_CL) for s in ("total", "quorum")] +
     [M("ceph_health", "bool", "mgr_available", **CEPH_CL)]),
    ("ceph", "Recovery rate", "none",
     "Per cluster: objects and omap keys recovered per second (0 when idle).",
     [M("ceph_health", "ceph_health_rate", s, **CEPH_CL) for s in ("recovering_objects", "recovering_keys")]),
    ("ceph", "Recovery ETA", "s",
     "Per cluster: remaining degraded + misplaced copies over the smoothed "
     "recovery rate; no value when nothing is to recover. A long ETA is a "
     "long window in which one more failure loses redundancy.",
     [M("ceph_health", "duration", "recovery_eta", **CEPH_CL)]),
    ("ceph", "Redundancy margin", "none",
     "Per cluster and per pool: further OSD losses before a PG stops I/O "
     "(smallest acting set - min_size). 0 = the next loss blocks I/O; < 0 "
     "= already blocked.",
     [M("ceph_health", "ceph_health_margin", "redundancy", "cluster", **CEPH_CL),
      M("ceph_health", "ceph_health_margin", "redundancy", "pool", **CEPH_POOL)]),
    ("ceph", "Failure-domain loss: projected fill", "percent",
     "Per CRUSH root (C-root-R): the highest OSD utilisation after losing "
     "the most damaging failure domain and re-replicating its data.",
     [M("ceph_health", "percent", "after_domain_loss", **CEPH_ROOT)]),
    ("ceph", "Failure-domain loss: headroom", "none",
     "Per CRUSH root, percentage points: the ratio minus the projected "
     "fill. Below 0 for backfillfull = losing one domain now would stall "
     "recovery (backfill_toofull), while Ceph still says HEALTH_OK.",
     [M("ceph_health", "ceph_health_headroom", s, **CEPH_ROOT)
      for s in ("after_loss_backfillfull", "after_loss_full")]),
    ("ceph", "Time to full (per OSD)", "s",
     "Per OSD: time until backfillfull / full at the fill rate of the last "
     "FillWindow; no value when the OSD is not filling.",
     [M("ceph_health", "duration", s, **CEPH_OSD) for s in ("until_backfillfull", "until_full")]),
    ("ceph", "Pool fill", "percent",
     "Per pool: Ceph's percent_used (used / (used + max_avail)).",
     [M("ceph_health", "percent", "used", **CEPH_POOL)]),
    ("ceph", "Pool quota headroom (bytes)", "bytes",
     "Per pool with a max_bytes quota: quota - stored; <= 0 = Ceph stops "
     "writes to the pool (POOL_FULL). No value without a quota.",
     [M("ceph_health", "ceph_health_quota_headroom", "bytes", **CEPH_POOL)]),
    ("ceph", "Pool quota headroom (objects)", "none",
     "Per pool with a max_objects quota: quota - objects; <= 0 = writes stop.",
     [M("ceph_health", "ceph_health_quota_headroom", "objects", **CEPH_POOL)]),
    ("ceph", "Pool client throughput", "Bps",
     "Per pool: client reads and writes (the mgr's rate over its stats "
     "period; 0 when idle).",
     [M("ceph_health", "ceph_health_rate", s, **CEPH_POOL) for s in ("client_read_bytes", "client_write_bytes")]),
    ("ceph", "Pool recovery rate", "Bps",
     "Per pool: bytes recovered per second (0 when idle).",
     [M("ceph_health", "ceph_health_rate", "recovering_bytes", **CEPH_POOL)]),
    ("ceph", "OSD commit latency", "s",
     "Per OSD: osd perf commit latency; one OSD far above the others slows "
     "every PG it serves.",
     [M("ceph_health", "latency", "commit", **CEPH_OSD)]),
]


def glob_re(g):
    """A plugin-instance glob as a PromQL regular expression."""
    return "".join(".+" if c == "*" else re.escape(c) if c in "()[]{}|+?^$\\" else c for c in g)


def metrics_of(spec):
    for t in spec[4]:
        if "ratio" in t:
            yield from t["ratio"]
        else:
            yield t


def graphite_path(m, types):
    ds = types[m["type"]]
    inst = m["inst"] if m["inst"] else ""
    path = ref.graphite_name("collectd.", "$host", m["plugin"], inst, m["type"], m["tinst"], ds[0][0], len(ds))
    if m["exclude"]:
        path = "exclude(%s, '\\.%s-%s\\.')" % (path, m["plugin"], m["exclude"])
    return path


def graphite_target(t, types, multi):
    if "ratio" in t:
        num, den = t["ratio"]
        expr = "divideSeriesLists(%s, %s)" % (graphite_path(num, types), graphite_path(den, types))
        return "aliasSub(aliasByNode(%s, 2), '$', ' %s')" % (expr, t["legend"])
    m = t
    path = graphite_path(m, types)
    if m["inst"] and "*" in m["inst"] or "*" in m["tinst"]:
        # node 2 is the plugin[-instance], node 3 the type[-instance]
        nodes = ("2, 3" if m["inst"] else "3") if "*" in m["tinst"] else "2"
        alias = "aliasByNode(%s, %s)" % (path, nodes)
        return "aliasSub(%s, '$', ' %s')" % (alias, m["legend"]) if multi and "*" not in m["tinst"] else alias
    return "alias(%s, '%s')" % (path, m["legend"])


def m_scope(m):
    """The recorded family's scope (scripts/gen-prometheus-rules.py) of a
    panel metric, from its plugin-instance glob."""
    if m["plugin"] == "ntp":
        if m["exclude"]:
            return "sys"
        return "peer" if m["inst"] == "*-*" else ("sys", "peer")
    if m["plugin"] == "ceph_health":
        for key, scope in (("-pool-", "pool"), ("-osd.", "osd"), ("-root-", "root")):
            if key in (m["inst"] or ""):
                return scope
        return "cluster"
    return None


def _extracted(f, tinst):
    """{label: value} that f's extract regexes take from a type instance
    ('*' = any: no value for that label)."""
    ext = f["extract"]
    out = {}
    for label, regex in ([ext] if isinstance(ext, tuple) else ext or []):
        mt = re.fullmatch(regex, tinst.replace("*", "\0"))
        if mt and "\0" not in mt.group(1):
            out[label] = mt.group(1)
    return out


def family_of(m):
    """(recorded family, {label: value}) for a panel metric; exits when the
    recording rules have no family for it (add one to FAMILIES)."""
    scope, probe = m_scope(m), m["tinst"].replace("*", "X")
    for f in rules.FAMILIES:
        if (f["plugin"], f["type"], f["scope"]) != (m["plugin"], m["type"], scope):
            continue
        t = f["tinst"]
        if isinstance(t, str):
            if t == m["tinst"]:
                return f, {}
        elif re.fullmatch(t["re"], probe) and not (t.get("not") and re.fullmatch(t["not"], probe)):
            return f, _extracted(f, m["tinst"])
    raise SystemExit("gen-grafana: no recorded family for %s %s-%s (scope %s) in scripts/gen-prometheus-rules.py"
                     % (m["plugin"], m["type"], m["tinst"], scope))


def inst_labels(f):
    """The labels naming an instance (device, server, peer, pool...)."""
    ext = f["extract"]
    extl = {lab for lab, _ in ([ext] if isinstance(ext, tuple) else ext or [])}
    order = ["server", "peer", "cluster", "pool", "ceph_daemon", "root", "device", "receiver", "source"]
    return [x for x in order if x in rules.labels(f) - extl]


def ext_labels(f):
    ext = f["extract"]
    return [lab for lab, _ in ([ext] if isinstance(ext, tuple) else ext or [])]


def prom_selector(m, types):
    """The panel metric as a recorded series (examples/prometheus-recording.yml)."""
    f, fixed = family_of(m)
    labels = ['%s="%s"' % kv for kv in sorted(fixed.items())]
    if m["inst"] and "*" not in m["inst"]:
        labels.append('%s="%s"' % (inst_labels(f)[0], m["inst"]))
    elif m["inst"] and m["inst"] != "*" and m["plugin"] == "rng":
        labels.append('%s=~"%s"' % (inst_labels(f)[0], glob_re(m["inst"])))
    labels.append('instance=~"$host"')
    expr = "%s{%s}" % (f["record"], ",".join(labels))
    if types[m["type"]][0][1] in ("DERIVE", "COUNTER"):
        expr = "rate(%s[5m])" % expr
    if f["scale"] == rules.PPM:
        expr = "%s * 1e6" % expr  # the panel shows ppm
    if f["times"]:
        expr = "%s / %g" % (expr, f["times"])  # the panel shows days, as Graphite
    return expr


# Areas whose plugin runs with LeaderOnly on several hosts (ceph_health on
# every mon): the values of one cluster come from whichever host leads, so
# the host variable defaults to all hosts and Prometheus merges the hosts
# (max without(instance)) into one line per cluster across leader changes.
LEADER_AREAS = {"ceph"}


def prom_target(t, types, multi, merge_hosts=False):
    expr, legend = prom_target1(t, types, multi)
    if merge_hosts:
        expr = "max without(instance) (%s)" % expr
    return expr, legend


def prom_target1(t, types, multi):
    if "ratio" in t:
        num, den = t["ratio"]
        fn, fd = family_of(num)[0], family_of(den)[0]
        extra = sorted(rules.labels(fn) - rules.labels(fd))
        expr = "%s / %s %s" % (prom_selector(num, types),
                               "ignoring(%s)" % ", ".join(extra) if extra else "", prom_selector(den, types))
        return " ".join(expr.split()), "%s %s" % (legend_of(fn, []), t["legend"])
    m = t
    f, fixed = family_of(m)
    free = [x for x in ext_labels(f) if x not in fixed]
    inst = inst_labels(f) if m["inst"] and "*" in m["inst"] else []
    if free:
        return prom_selector(m, types), legend_of(f, inst + free)
    if inst:
        return prom_selector(m, types), legend_of(f, inst) + (" " + m["legend"] if multi else "")
    return prom_selector(m, types), m["legend"]


def legend_of(f, names):
    """A legend naming the series by its labels."""
    return " ".join("{{%s}}" % x for x in (names or inst_labels(f)))


def describe(spec, types, docs):
    """The panel's text, then each metric's documented unit and meaning."""
    lines, seen = [spec[3]], set()
    for m in metrics_of(spec):
        key = (m["plugin"], m["type"], m["tinst"])
        if key in seen:
            continue
        seen.add(key)
        name = m["type"] + ("-" + m["tinst"] if m["tinst"] else "")
        if "*" in m["tinst"]:
            lines.append("%s/%s: one series per type instance." % (m["plugin"], name))
            continue
        doc = docs[m["plugin"]].get((m["type"], m["tinst"]))
        if doc is None:
            raise SystemExit("gen-grafana: %s %s is not in the documented metric table of docs/%s.md"
                             % (m["plugin"], name, m["plugin"]))
        meaning = m["doc"] or re.sub(r"[`*]", "", doc[1]).strip()
        lines.append("%s/%s [%s]%s" % (m["plugin"], name, doc[0] or "-", ": " + meaning if meaning else ""))
    return "\n".join(lines)


def spec_opts(spec):
    return spec[5] if len(spec) > 5 else {}


def refline_target(ref_id, refline, source):
    """A constant line at the value of the text variable refline[0]."""
    var, legend = refline
    if source == "graphite":
        return {"refId": ref_id, "target": "alias(constantLine($%s), '%s')" % (var, legend)}
    return {"refId": ref_id, "expr": "vector($%s)" % var, "legendFormat": legend}


def field_config(unit, opts):
    """Unit, log-scale y axis and the reference line's dashed style."""
    defaults = {"unit": unit}
    if opts.get("log"):
        defaults["custom"] = {"scaleDistribution": {"type": "log", "log": 10}}
    overrides = []
    if "refline" in opts:
        overrides.append({"matcher": {"id": "byName", "options": opts["refline"][1]},
                          "properties": [{"id": "custom.lineStyle",
                                          "value": {"fill": "dash", "dash": [10, 10]}}]})
    return {"defaults": defaults, "overrides": overrides}


def refline_vars(specs):
    """The text variables of the reference lines (value 0 = not drawn on a
    log axis, as 0 means off for the options they mirror)."""
    out = []
    for spec in specs:
        refline = spec_opts(spec).get("refline")
        if refline and refline[0] not in [v["name"] for v in out]:
            out.append({"name": refline[0], "type": "textbox", "label": refline[1] + " (s)",
                        "query": "0", "current": {"text": "0", "value": "0"}})
    return out


def prom_unit(unit, targets):
    """The recorded families hold % and percentage points as a ratio 0..1."""
    ms = [m for t in targets for m in metrics_of_target(t)]
    if unit in ("percent", "none") and ms and all(family_of(m)[0]["scale"] == rules.PCT for m in ms):
        return "percentunit"
    return unit


def metrics_of_target(t):
    return list(t["ratio"]) if "ratio" in t else [t]


def panel(pid, idx, spec, source, types, docs):
    area, title, unit, _desc, targets = spec[:5]
    opts = spec_opts(spec)
    multi = len(targets) > 1
    out = []
    for i, t in enumerate(targets):
        ref_id = chr(ord("A") + i)
        if source == "graphite":
            out.append({"refId": ref_id, "target": graphite_target(t, types, multi)})
        else:
            expr, legend = prom_target(t, types, multi, area in LEADER_AREAS)
            if opts.get("suffix"):
                legend = "%s %s" % (legend, t["legend"])
            out.append({"refId": ref_id, "expr": expr, "legendFormat": legend})
    if "refline" in opts:
        out.append(refline_target(chr(ord("A") + len(targets)), opts["refline"], source))
    if opts.get("stat"):
        return stat_panel(pid, idx, spec, source, types, docs, out)
    return {
        "id": pid,
        "type": "timeseries",
        "title": title,
        "description": describe(spec, types, docs),
        "datasource": {"type": source, "uid": "${datasource}"},
        "gridPos": {"h": 8, "w": 12, "x": 12 * (idx % 2), "y": 8 * (idx // 2)},
        "fieldConfig": field_config(prom_unit(unit, targets) if source == "prometheus" else unit, opts),
        "options": {"legend": {"displayMode": "list", "placement": "bottom"},
                    "tooltip": {"mode": "multi"}},
        "targets": out,
    }


def stat_panel(pid, idx, spec, source, types, docs, targets):
    """A stat panel: the last value, coloured by the spec's steps."""
    opts = spec_opts(spec)
    steps = [{"color": c, "value": v} for v, c in opts["steps"]]
    return {
        "id": pid,
        "type": "stat",
        "title": spec[1],
        "description": describe(spec, types, docs),
        "datasource": {"type": source, "uid": "${datasource}"},
        "gridPos": {"h": 8, "w": 12, "x": 12 * (idx % 2), "y": 8 * (idx // 2)},
        "fieldConfig": {"defaults": {"unit": spec[2], "decimals": 1,
                                     "thresholds": {"mode": "absolute", "steps": steps}},
                        "overrides": []},
        "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                    "colorMode": "background", "graphMode": "none", "textMode": "value_and_name"},
        "targets": targets,
    }


# grafana.com-style import: Dashboards -> Import asks for a data source of
# each __inputs entry and replaces "${DS_...}" by its uid everywhere.  Only
# the data source variable's default uses it: the panels use that variable,
# so a provisioned file (no replacement; the variable then falls back to the
# first data source of its type) works as well as an imported one.
SOURCE_NAMES = {"graphite": "Graphite", "prometheus": "Prometheus"}
GRAFANA_MIN = "9.0.0"  # schemaVersion 38 and timeseries panels


def ds_input(source):
    return "DS_%s" % source.upper()


def import_inputs(source):
    return [{"name": ds_input(source), "label": SOURCE_NAMES[source],
             "description": "the %s data source collectd writes to" % SOURCE_NAMES[source],
             "type": "datasource", "pluginId": source, "pluginName": SOURCE_NAMES[source]}]


def import_requires(source, panels):
    req = [{"type": "grafana", "id": "grafana", "name": "Grafana", "version": GRAFANA_MIN},
           {"type": "datasource", "id": source, "name": SOURCE_NAMES[source], "version": "1.0.0"}]
    for ptype in sorted({p["type"] for p in panels}):
        req.append({"type": "panel", "id": ptype, "version": "",
                    "name": {"timeseries": "Time series", "stat": "Stat"}.get(ptype, ptype)})
    return req


def dashboard(area, source, specs, types, docs):
    if source == "graphite" and area in LEADER_AREAS:
        host_var = {"name": "host", "type": "query", "datasource": {"type": "graphite", "uid": "${datasource}"},
                    "query": "collectd.*", "refresh": 1, "multi": True, "includeAll": True, "allValue": "*",
                    "current": {"text": "All", "value": "$__all"}}
    elif source == "graphite":
        host_var = {"name": "host", "type": "query", "datasource": {"type": "graphite", "uid": "${datasource}"},
                    "query": "collectd.*", "refresh": 1, "multi": False, "includeAll": False}
    elif area in LEADER_AREAS:
        host_var = {"name": "host", "type": "query", "datasource": {"type": "prometheus", "uid": "${datasource}"},
                    "query": "label_values(instance)", "refresh": 1, "multi": True, "includeAll": True,
                    "allValue": ".*", "current": {"text": "All", "value": "$__all"}}
    else:
        host_var = {"name": "host", "type": "query", "datasource": {"type": "prometheus", "uid": "${datasource}"},
                    "query": "label_values(instance)", "refresh": 1, "multi": True, "includeAll": True}
    panels = [panel(i + 1, i, s, source, types, docs) for i, s in enumerate(specs)]
    ds_default = "${%s}" % ds_input(source)
    return {
        "__inputs": import_inputs(source),
        "__requires": import_requires(source, panels),
        "title": "collectd-timekeeper: %s (%s)" % (AREAS[area], SOURCE_NAMES[source]),
        "uid": "cdtk-%s-%s" % (area, source),
        "description": "Generated by scripts/gen-grafana.py; what it shows: docs/dashboards.md; "
                       "metric names: docs/metrics-prometheus.md.",
        "tags": ["collectd", "collectd-timekeeper", area],
        "timezone": "utc",
        "schemaVersion": 38,
        "version": 1,
        "editable": True,
        "refresh": "10s",
        "time": {"from": "now-1h", "to": "now"},
        "templating": {"list": [
            {"name": "datasource", "type": "datasource", "query": source, "label": "data source",
             "current": {"text": ds_default, "value": ds_default}},
            host_var] + refline_vars(specs)},
        "panels": panels,
    }


def render():
    types = ref.load_types(ref.types_files(TOP))
    have = set(ref.plugin_names(TOP))
    docs = {p: {(t, i): (u, mn) for t, i, u, mn in ref.documented_metrics(p, types, TOP)} for p in have}
    out = {}
    for area in AREAS:
        specs = [p for p in PANELS if p[0] == area and all(m["plugin"] in have for m in metrics_of(p))]
        if not specs:
            continue
        for source in ("graphite", "prometheus"):
            out["timekeeper-%s-%s.json" % (area, source)] = json.dumps(
                dashboard(area, source, specs, types, docs), indent=2, sort_keys=True) + "\n"
    return out


DOC = os.path.join("docs", "dashboards.md")
DOC_BEGIN = "<!-- panels:begin (generated by scripts/gen-grafana.py; do not edit) -->"
DOC_END = "<!-- panels:end -->"


def panel_doc():
    """The panel list of docs/dashboards.md: per area, title and what it shows."""
    have = set(ref.plugin_names(TOP))
    out = [DOC_BEGIN]
    for area in AREAS:
        specs = [p for p in PANELS if p[0] == area and all(m["plugin"] in have for m in metrics_of(p))]
        if not specs:
            continue
        out += ["", "**%s** (`timekeeper-%s-*.json`)" % (AREAS[area], area), ""]
        out += ["| panel | unit | shows |", "|---|---|---|"]
        for spec in specs:
            _a, title, unit, desc, _t = spec[:5]
            names = []
            for m in metrics_of(spec):
                n = "%s `%s`" % (m["plugin"], m["type"] + ("-" + m["tinst"] if m["tinst"] else ""))
                if n not in names:
                    names.append(n)
            out.append("| %s | %s | %s (%s) |" % (title, unit, desc.replace("|", "/"), ", ".join(names)))
    out += ["", DOC_END]
    return "\n".join(out)


def doc_text():
    path = os.path.join(TOP, DOC)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    a, b = text.index(DOC_BEGIN), text.index(DOC_END) + len(DOC_END)
    return text, text[:a] + panel_doc() + text[b:]


def main(argv):
    files = render()
    old_doc, new_doc = doc_text()
    d = os.path.join(TOP, OUTDIR)
    if "--write" in argv:
        os.makedirs(d, exist_ok=True)
        for name in os.listdir(d):
            if name.endswith(".json") and name not in files:
                os.remove(os.path.join(d, name))
        for name, text in files.items():
            with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                f.write(text)
        with open(os.path.join(TOP, DOC), "w", encoding="utf-8") as f:
            f.write(new_doc)
        return 0
    if "--check" in argv:
        bad = 0
        present = set(n for n in os.listdir(d) if n.endswith(".json")) if os.path.isdir(d) else set()
        for name, text in files.items():
            p = os.path.join(d, name)
            if not os.path.exists(p) or open(p, encoding="utf-8").read() != text:
                print("%s/%s is out of date: run scripts/gen-grafana.py --write" % (OUTDIR, name))
                bad = 1
        for name in sorted(present - set(files)):
            print("%s/%s is not generated any more" % (OUTDIR, name))
            bad = 1
        if old_doc != new_doc:
            print("%s: the panel list is out of date: run scripts/gen-grafana.py --write" % DOC)
            bad = 1
        return bad
    for name in files:
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
