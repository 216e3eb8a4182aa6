#!/usr/bin/env python3
"""gen-prometheus-rules.py - examples/prometheus-recording.yml: Prometheus
recording rules that give collectd's write_prometheus series names like
node_exporter's and ceph-mgr's: one meaning per metric family, base units
(seconds, bytes, ratio), `_total` only for counters, and the plugin instance
split into meaningful labels (ntp: server and peer; ceph: cluster, pool,
ceph_daemon, root).  The alert rules and the Prometheus dashboards use
these names; the raw collectd names stay as they are (types are public
API).

  scripts/gen-prometheus-rules.py --write   rewrite the rules file
  scripts/gen-prometheus-rules.py --check   exit 1 if it is out of date

scripts/gen-metric-reference.py embeds markdown() (every recorded name with
unit and meaning, the meaning taken from the plugin's documented metric
table, docs/NAME.md) into docs/metrics-prometheus.md.

To record another series: append an R(...) to FAMILIES (one place; a new
plugin also gets an entry in RELABEL) and run scripts/gen-docs.sh.
"""
import os
import sys
from importlib.machinery import SourceFileLoader

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ref = SourceFileLoader("genref", os.path.join(TOP, "scripts", "gen-metric-reference.py")).load_module()
OUT = "examples/prometheus-recording.yml"
gen_output = SourceFileLoader("gen_output", os.path.join(TOP, "scripts", "gen_output.py")).load_module()


def R(record, plugin, typ, tinst, unit, scope=None, scale=None, extract=None, meaning=None, times=None):
    """One recorded family.  tinst: the type instance ("" none), or a
    dict {"re": regex, "not": regex} of type instances with extract =
    (label, regex with one group) copying part of it into a label; scope:
    which plugin instances (RELABEL); scale: the divisor to base units (100 for %, 10^6 for ppm);
    times: the factor to base units (86400 for days)."""
    return {"record": record, "plugin": plugin, "type": typ, "tinst": tinst, "unit": unit,
            "scope": scope, "scale": scale, "extract": extract, "meaning": meaning, "times": times}


def _drop(expr, label):
    """label_replace with an empty replacement removes the label."""
    return 'label_replace(%s, "%s", "", "%s", ".*")' % (expr, label, label)


def _copy(expr, dst, src, regex):
    """dst = the first group of regex (anchored) on src; unchanged (no dst)
    when src does not match."""
    return 'label_replace(%s, "%s", "$1", "%s", "%s")' % (expr, dst, src, regex)


# Plugin instances and how they become labels.  ntp: the daemon's system
# series have plugin instance NAME, its peers NAME-PEER (plugins/ntp.c
# peer_pinst: PEER with characters outside A-Za-z0-9._:()- replaced by "_").
# System and peer series are told apart by a series only each has (system:
# bool-synchronised; peer: clock_state-selection), never by the name; the
# peer's instance is split at its FIRST "-": a <Server> NAME must not
# contain "-" (a PEER may: host names, "ID_0000000005", IPv6 addresses).
# ceph_health: cluster C, pools C-pool-P, OSDs C-osd.N, mons C-mon.M,
# CRUSH roots C-root-R; the cluster is the part before the first
# "-pool-", "-root-", "-osd." or "-mon.".
NTP_SYS_JOIN = 'collectd_ntp_bool{type="synchronised"}'
NTP_PEER_JOIN = 'collectd_ntp_clock_state{type="selection"}'
CEPH_SCOPES = {"cluster": 'ceph_health!~".+-(pool|osd|root|mon)[-.].+"',
               "pool": 'ceph_health=~".+-pool-.+"',
               "osd": 'ceph_health=~".+-osd[.].+"',
               "root": 'ceph_health=~".+-root-.+"'}


def _relabel_ntp(expr, scope):
    if scope == "peer":
        expr = _copy(expr, "server", "ntp", "([^-]+)-.+")
        return _copy(expr, "peer", "ntp", "[^-]+-(.+)")
    return _copy(expr, "server", "ntp", "(.+)")


def _relabel_ceph(expr, scope):
    expr = _copy(expr, "cluster", "ceph_health", "(.+?)(?:-(?:pool|root)-.+|-(?:osd|mon)[.].+)?")
    if scope == "pool":
        expr = _copy(expr, "pool", "ceph_health", ".+?-pool-(.+)")
    elif scope == "osd":
        expr = _copy(expr, "ceph_daemon", "ceph_health", ".+?-(osd[.].+)")
    elif scope == "root":
        expr = _copy(expr, "root", "ceph_health", ".+?-root-(.+)")
    return expr


# plugin: (label of the plugin instance in the recorded series, or a
# function (expr, scope) -> expr for plugins whose instance holds more).
RELABEL = {"timex": None, "pps": "device", "gpsd": "receiver", "dcf77": "receiver",
           "rng": "source", "ntp": _relabel_ntp, "ceph_health": _relabel_ceph, "timecheck": None}

# Families.  Units: s, bytes, ratio (0..1), 1 (a dimensionless number), or
# a count of things; 0/1 flags and codes have no suffix.
PCT = 100
PPM = 1e6
STATE = {"re": ".+", "not": "total"}
FAMILIES = [
    # timex: the kernel clock discipline
    R("timekeeper_timex_synchronised", "timex", "bool", "synchronised", "0/1"),
    R("timekeeper_timex_offset_seconds", "timex", "time_offset", "offset", "s"),
    R("timekeeper_timex_maxerror_seconds", "timex", "time_dispersion", "maxerror", "s"),
    R("timekeeper_timex_esterror_seconds", "timex", "time_dispersion", "esterror", "s"),
    R("timekeeper_timex_frequency_adjustment_ratio", "timex", "frequency_offset", "frequency", "ratio",
      scale=PPM),
    R("timekeeper_timex_pps_jitter_seconds", "timex", "time_offset_rms", "pps_jitter", "s"),
    R("timekeeper_timex_status", "timex", "bool", {"re": "status_.+"}, "0/1",
      extract=("bit", "status_(.+)"),
      meaning="one series per kernel status bit STA_* (label bit: pll, ppstime, ppssignal, unsync, ...)"),
    R("timekeeper_timex_pps_calibration_errors_total", "timex", "total_events", "pps_error", "count"),
    # pps: PPS devices (label device)
    R("timekeeper_pps_present", "pps", "bool", "present", "0/1"),
    R("timekeeper_pps_signal", "pps", "bool", "signal", "0/1"),
    R("timekeeper_pps_missed_pulses", "pps", "count", "missed", "pulses"),
    R("timekeeper_pps_missed_pulses_total", "pps", "total_events", "missed", "pulses"),
    R("timekeeper_pps_edge_offset_seconds", "pps", "time_offset", "edge_mean", "s"),
    R("timekeeper_pps_jitter_seconds", "pps", "time_offset_rms", "jitter", "s"),
    R("timekeeper_pps_holdover_seconds", "pps", "duration", "holdover", "s"),
    # ntp: daemons (label server) and their sources (labels server, peer)
    R("timekeeper_ntp_synchronised", "ntp", "bool", "synchronised", "0/1", scope="sys"),
    R("timekeeper_ntp_offset_seconds", "ntp", "time_offset", "offset", "s", scope="sys"),
    R("timekeeper_ntp_root_distance_seconds", "ntp", "time_dispersion", "root_distance", "s", scope="sys"),
    R("timekeeper_ntp_sources", "ntp", "count", "peers", "sources", scope="sys"),
    R("timekeeper_ntp_reachable_sources", "ntp", "count", "reachable", "sources", scope="sys"),
    R("timekeeper_ntp_candidate_sources", "ntp", "count", "candidates", "sources", scope="sys"),
    R("timekeeper_ntp_falseticker_sources", "ntp", "count", "falsetickers", "sources", scope="sys"),
    R("timekeeper_ntp_peer_offset_seconds", "ntp", "time_offset", "offset", "s", scope="peer",
      meaning="offset of the source: ntpd `offset`; chrony `sources` \"Last sample\", negated "
              "(+ = the local clock is behind the source)"),
    R("timekeeper_ntp_peer_jitter_seconds", "ntp", "time_offset", "jitter", "s", scope="peer"),
    R("timekeeper_ntp_peer_reach_polls", "ntp", "clock_reachability", "", "polls of 8", scope="peer"),
    R("timekeeper_ntp_peer_selection", "ntp", "clock_state", "selection", "code", scope="peer"),
    # gpsd: GNSS receivers (label receiver)
    R("timekeeper_gpsd_fix_mode", "gpsd", "gauge", "fix_mode", "code"),
    R("timekeeper_gpsd_since_fix_seconds", "gpsd", "duration", "since_fix", "s"),
    R("timekeeper_gpsd_satellites_used", "gpsd", "satellites", "total_used", "satellites"),
    R("timekeeper_gpsd_constellation_satellites_used", "gpsd", "satellites",
      {"re": ".+_used", "not": "total_used"}, "satellites", extract=("constellation", "(.+)_used"),
      meaning="satellites of one constellation (label constellation: gps, glonass, galileo, beidou, "
              "qzss, sbas, navic) used in the solution"),
    R("timekeeper_gpsd_constellation_satellites_visible", "gpsd", "satellites",
      {"re": ".+_visible", "not": "total_visible"}, "satellites", extract=("constellation", "(.+)_visible"),
      meaning="satellites of one constellation (label constellation) in view"),
    R("timekeeper_gpsd_constellation_cn0_mean_dbhz", "gpsd", "snr",
      {"re": ".+_used_mean", "not": "total_used_mean|used_above_mask_mean"}, "dB-Hz",
      extract=("constellation", "(.+)_used_mean"),
      meaning="mean signal strength (C/N0) of the used satellites of one constellation (label constellation)"),
    R("timekeeper_gpsd_dilution_of_precision", "gpsd", "dilution_of_precision",
      {"re": "time|horizontal|vertical|position|geometric"}, "1", extract=("kind", "(.+)"),
      meaning="dilution of precision (label kind: time, horizontal, vertical, position, geometric)"),
    R("timekeeper_gpsd_toff_seconds", "gpsd", "time_offset", "toff", "s"),
    R("timekeeper_gpsd_pps_offset_seconds", "gpsd", "time_offset", "pps", "s"),
    R("timekeeper_gpsd_toff_vs_reference_seconds", "gpsd", "time_offset", "toff_vs_reference", "s"),
    R("timekeeper_gpsd_pps_vs_reference_seconds", "gpsd", "time_offset", "pps_vs_reference", "s"),
    R("timekeeper_gpsd_pps_without_fix", "gpsd", "bool", "pps_without_fix", "0/1"),
    R("timekeeper_gpsd_jamming", "gpsd", "bool", "jamming", "0/1"),
    R("timekeeper_gpsd_spoofing", "gpsd", "bool", "spoofing", "0/1"),
    # dcf77: DCF77 receivers (label receiver)
    R("timekeeper_dcf77_receiving", "dcf77", "bool", "receiving", "0/1"),
    R("timekeeper_dcf77_trusted", "dcf77", "bool", "trusted", "0/1"),
    R("timekeeper_dcf77_time_code", "dcf77", "bool", "time_code", "0/1"),
    R("timekeeper_dcf77_since_trusted_seconds", "dcf77", "clock_last_meas", "trusted", "s"),
    R("timekeeper_dcf77_valid_pulses_ratio", "dcf77", "percent", "valid_pulses", "ratio", scale=PCT),
    R("timekeeper_dcf77_offset_seconds", "dcf77", "time_offset", "offset", "s"),
    R("timekeeper_dcf77_reach_polls", "dcf77", "clock_reachability", "reach", "polls of 8"),
    R("timekeeper_dcf77_clock_status", "dcf77", "clock_state", "status", "code"),
    R("timekeeper_dcf77_decoded_minutes_total", "dcf77", "total_events", "decoded", "minutes"),
    R("timekeeper_dcf77_trusted_minutes_total", "dcf77", "total_events", "trusted", "minutes"),
    # rng: random sources (label source; "kernel" = the kernel's pool)
    R("timekeeper_rng_entropy_available_bits", "rng", "entropy", "available", "bits"),
    R("timekeeper_rng_entropy_pool_size_bits", "rng", "entropy", "poolsize", "bits"),
    R("timekeeper_rng_crng_ready", "rng", "bool", "crng_ready", "0/1"),
    R("timekeeper_rng_hwrng_present", "rng", "bool", "hwrng_present", "0/1"),
    R("timekeeper_rng_hwrng_in_use", "rng", "bool", "hwrng_in_use", "0/1"),
    R("timekeeper_rng_blocks_total", "rng", "total_events", "blocks", "blocks"),
    R("timekeeper_rng_blocks_failed_total", "rng", "total_events", "blocks_failed", "blocks"),
    R("timekeeper_rng_test_failures_total", "rng", "total_events",
      {"re": "failed_(monobit|poker|runs|long_run|continuous)"}, "blocks", extract=("test", "failed_(.+)"),
      meaning="blocks that failed one FIPS 140-2 test (label test: monobit, poker, runs, long_run, continuous)"),
    R("timekeeper_rng_window_failed_ratio", "rng", "percent", "window_failed", "ratio", scale=PCT),
    R("timekeeper_rng_failure_improbability", "rng", "gauge", "failure_improbability", "log10"),
    R("timekeeper_rng_alarm", "rng", "bool", "alarm", "0/1"),
    R("timekeeper_rng_stuck", "rng", "bool", "stuck", "0/1"),
    R("timekeeper_rng_sp80090b_alarm", "rng", "bool", "sp90b_alarm", "0/1"),
    R("timekeeper_rng_sp80090b_failures_total", "rng", "total_events", {"re": "sp90b_(rct|apt)_failures"},
      "decisions", extract=("test", "sp90b_(.+)_failures"),
      meaning="SP 800-90B health test failures (label test: rct = Repetition Count, apt = Adaptive Proportion)"),
    R("timekeeper_rng_entropy_low", "rng", "bool", "entropy_low", "0/1"),
    R("timekeeper_rng_min_entropy_bits", "rng", "gauge", {"re": "entropy_(min|mcv|markov|lag)"},
      "bits per sample", extract=("estimator", "entropy_(.+)"),
      meaning="SP 800-90B min-entropy estimate over EntropyWindow (label estimator: min = the smallest, "
              "mcv, markov, lag)"),
    R("timekeeper_rng_read_bytes_total", "rng", "total_bytes", "read", "bytes"),
    R("timekeeper_rng_short_bytes_total", "rng", "total_bytes", "short", "bytes"),
    R("timekeeper_rng_cpu_failures_total", "rng", "total_events", "cpu_failures", "executions"),
    R("timekeeper_rng_read_errors_total", "rng", "total_events", "read_errors", "errors"),
    # timecheck: cross-checks (no plugin instance; per voter label voter,
    # per pair label pair = "A_vs_B": Source names may contain "_vs_"
    # themselves (any character but "/"), so the pair is not split)
    R("timekeeper_timecheck_leap_voters", "timecheck", "count", "leap_voters", "voters"),
    R("timekeeper_timecheck_leap_agree", "timecheck", "bool", "leap_agree", "0/1",
      meaning="1 = the leap voters agree (docs/timecheck.md, \"The leap vote\"); 0 = one disagreed for "
              "LeapHold s; NaN = no voter known"),
    R("timekeeper_timecheck_leap_announced", "timecheck", "bool", {"re": "leap_announced_.+"}, "0/1",
      extract=("voter", "leap_announced_(.+)"),
      meaning="per leap voter (label voter: the LeapVoter name, or kernel): 1 = it announces a leap "
              "second; NaN = no fresh value"),
    R("timekeeper_timecheck_leap_scheduled", "timecheck", "bool", "leapfile_leap_scheduled", "0/1"),
    R("timekeeper_timecheck_leapfile_expiry_seconds", "timecheck", "timecheck_days", "leapfile_expiry", "s",
      times=86400,
      meaning="time until the leap file's `#@` expiry (the plugin's days x 86400); negative = expired; "
              "NaN = no readable file"),
    R("timekeeper_timecheck_leapfile_expiring", "timecheck", "bool", "leapfile_expiring", "0/1"),
    R("timekeeper_timecheck_pairs_apart", "timecheck", "count", "pairs_apart", "pairs"),
    R("timekeeper_timecheck_pair_offset_seconds", "timecheck", "time_offset", {"re": ".+_vs_.+"}, "s",
      extract=("pair", "(.+)"),
      meaning="per pair of sources (label pair: A_vs_B, configuration order): (A + LatencyA) - "
              "(B + LatencyB); positive = A's reference later than B's"),
    R("timekeeper_timecheck_pair_spread_seconds", "timecheck", "time_offset_rms", {"re": ".+_vs_.+"}, "s",
      extract=("pair", "(.+)"),
      meaning="per pair (label pair): robust standard deviation of the difference over SpreadWindow "
              "samples (NaN before 8)"),
    R("timekeeper_timecheck_pair_apart", "timecheck", "bool", {"re": "apart-.+"}, "0/1",
      extract=("pair", "apart-(.+)"),
      meaning="per pair (label pair): 1 = it stayed apart beyond max(MaxApart, SpreadFactor x spread) "
              "for Hold s"),
    # ceph_health (labels cluster; pool, ceph_daemon="osd.N" or root)
    R("timekeeper_ceph_health_status", "ceph_health", "ceph_health_status", "", "code", scope="cluster"),
    R("timekeeper_ceph_health_check_severity", "ceph_health", "ceph_health_check_severity", {"re": ".+"},
      "code", scope="cluster", extract=("check", "(.+)"),
      meaning="severity of an active health check (label check: the CODE, e.g. OSD_DOWN): 0 ok/inactive, "
              "1 HEALTH_WARN, 2 HEALTH_ERR"),
    R("timekeeper_ceph_mgr_available", "ceph_health", "bool", "mgr_available", "0/1", scope="cluster"),
    R("timekeeper_ceph_osds", "ceph_health", "ceph_health_osds", "total", "OSDs", scope="cluster"),
    R("timekeeper_ceph_osds_up", "ceph_health", "ceph_health_osds", "up", "OSDs", scope="cluster"),
    R("timekeeper_ceph_osds_in", "ceph_health", "ceph_health_osds", "in", "OSDs", scope="cluster"),
    R("timekeeper_ceph_mons", "ceph_health", "ceph_health_mons", "total", "mons", scope="cluster"),
    R("timekeeper_ceph_mons_quorum", "ceph_health", "ceph_health_mons", "quorum", "mons", scope="cluster"),
    R("timekeeper_ceph_pgs", "ceph_health", "ceph_health_pgs", "total", "PGs", scope="cluster"),
    R("timekeeper_ceph_pgs_by_state", "ceph_health", "ceph_health_pgs", STATE, "PGs", scope="cluster",
      extract=("state", "(.+)"), meaning="PGs in a state (label state: active, clean, degraded, down, ...)"),
    R("timekeeper_ceph_pgs_stuck", "ceph_health", "ceph_health_pgs_stuck", {"re": ".+"}, "PGs",
      scope="cluster", extract=("state", "(.+)"),
      meaning="PGs stuck in a state for StuckAge (label state: inactive, unclean, undersized, degraded, "
              "stale, any)"),
    R("timekeeper_ceph_stuck_oldest_seconds", "ceph_health", "duration", "stuck_oldest", "s", scope="cluster"),
    R("timekeeper_ceph_objects_by_state", "ceph_health", "objects", {"re": "degraded|misplaced|unfound"},
      "objects", scope="cluster", extract=("state", "(.+)"),
      meaning="object copies degraded or misplaced, objects unfound (label state)"),
    R("timekeeper_ceph_recovering_objects_per_second", "ceph_health", "ceph_health_rate", "recovering_objects",
      "objects/s", scope="cluster"),
    R("timekeeper_ceph_recovering_keys_per_second", "ceph_health", "ceph_health_rate", "recovering_keys",
      "keys/s", scope="cluster"),
    R("timekeeper_ceph_recovery_eta_seconds", "ceph_health", "duration", "recovery_eta", "s", scope="cluster"),
    R("timekeeper_ceph_headroom_ratio", "ceph_health", "ceph_health_headroom",
      {"re": "nearfull|backfillfull|full"}, "ratio", scope="cluster", scale=PCT,
      extract=("threshold", "(.+)"),
      meaning="cluster: the fullest OSD's headroom below a ratio (label threshold: nearfull, backfillfull, "
              "full); < 0 = over it"),
    R("timekeeper_ceph_redundancy_margin_osds", "ceph_health", "ceph_health_margin", "redundancy", "OSD losses",
      scope="cluster"),
    R("timekeeper_ceph_pool_pgs_by_state", "ceph_health", "ceph_health_pgs", STATE, "PGs", scope="pool",
      extract=("state", "(.+)"), meaning="PGs of a pool in a state (label state)"),
    R("timekeeper_ceph_pool_stuck_oldest_seconds", "ceph_health", "duration", "stuck_oldest", "s", scope="pool"),
    R("timekeeper_ceph_pool_redundancy_margin_osds", "ceph_health", "ceph_health_margin", "redundancy",
      "OSD losses", scope="pool"),
    R("timekeeper_ceph_pool_used_ratio", "ceph_health", "percent", "used", "ratio", scope="pool", scale=PCT),
    R("timekeeper_ceph_pool_quota_bytes", "ceph_health", "bytes", "quota", "bytes", scope="pool"),
    R("timekeeper_ceph_pool_quota_objects", "ceph_health", "objects", "quota", "objects", scope="pool"),
    R("timekeeper_ceph_pool_quota_headroom_bytes", "ceph_health", "ceph_health_quota_headroom", "bytes", "bytes",
      scope="pool"),
    R("timekeeper_ceph_pool_quota_headroom_objects", "ceph_health", "ceph_health_quota_headroom", "objects",
      "objects", scope="pool"),
    R("timekeeper_ceph_pool_client_read_bytes_per_second", "ceph_health", "ceph_health_rate", "client_read_bytes",
      "bytes/s", scope="pool"),
    R("timekeeper_ceph_pool_client_write_bytes_per_second", "ceph_health", "ceph_health_rate",
      "client_write_bytes", "bytes/s", scope="pool"),
    R("timekeeper_ceph_pool_recovering_bytes_per_second", "ceph_health", "ceph_health_rate", "recovering_bytes",
      "bytes/s", scope="pool"),
    R("timekeeper_ceph_osd_up", "ceph_health", "bool", "up", "0/1", scope="osd"),
    R("timekeeper_ceph_osd_utilization_ratio", "ceph_health", "percent", "utilization", "ratio", scope="osd",
      scale=PCT),
    R("timekeeper_ceph_osd_headroom_ratio", "ceph_health", "ceph_health_headroom",
      {"re": "nearfull|backfillfull|full"}, "ratio", scope="osd", scale=PCT, extract=("threshold", "(.+)"),
      meaning="the OSD's utilisation headroom below a ratio (label threshold: nearfull, backfillfull, full); "
              "< 0 = over it"),
    R("timekeeper_ceph_osd_until_threshold_seconds", "ceph_health", "duration",
      {"re": "until_(backfillfull|full)"}, "s", scope="osd", extract=("threshold", "until_(.+)"),
      meaning="time until the OSD crosses a ratio at its fill rate over FillWindow (label threshold: "
              "backfillfull, full); NaN when not filling"),
    R("timekeeper_ceph_osd_commit_latency_seconds", "ceph_health", "latency", "commit", "s", scope="osd"),
    R("timekeeper_ceph_root_used_after_domain_loss_ratio", "ceph_health", "percent", "after_domain_loss", "ratio",
      scope="root", scale=PCT),
    R("timekeeper_ceph_root_headroom_after_loss_ratio", "ceph_health", "ceph_health_headroom",
      {"re": "after_loss_(backfillfull|full)"}, "ratio", scope="root", scale=PCT,
      extract=("threshold", "after_loss_(.+)"),
      meaning="per CRUSH root: the fullest surviving OSD's headroom below a ratio after losing the most "
              "damaging failure domain (label threshold: backfillfull, full); < 0 = would cross it"),
]

# Stability statistics (docs/stability.md) of the plugins that have them:
# label series (the statistic's input: toff, pps, edge, offset, system...).
STAB_FAMILIES = []
for _p in ("gpsd", "pps", "dcf77", "ntp"):
    # ntp: the daemon's (series system) and its sources' (series offset) in one family
    for _sc in ([("sys", "peer")] if _p == "ntp" else [None]):
        STAB_FAMILIES += [
            R("timekeeper_%s_allan_deviation" % _p, _p, "time_adev", {"re": ".+-tau_.+"}, "1", scope=_sc,
              extract=[("series", "(.+)-tau_.+"), ("tau_seconds", ".+-tau_(.+)")],
              meaning="overlapping Allan deviation of a series' offset at tau (labels series, tau_seconds)"),
            R("timekeeper_%s_time_deviation_seconds" % _p, _p, "time_tdev", {"re": ".+-tau_.+"}, "s", scope=_sc,
              extract=[("series", "(.+)-tau_.+"), ("tau_seconds", ".+-tau_(.+)")],
              meaning="time deviation (TDEV) of a series' offset at tau (labels series, tau_seconds)"),
            R("timekeeper_%s_window_offset_mean_seconds" % _p, _p, "time_offset", {"re": ".+-mean"}, "s",
              scope=_sc, extract=("series", "(.+)-mean"),
              meaning="mean of a series' offset over the stability window (label series)"),
            R("timekeeper_%s_window_offset_quantile_seconds" % _p, _p, "time_offset", {"re": ".+-p(1|5|50|95|99)"},
              "s", scope=_sc, extract=[("series", "(.+)-p[0-9]+"), ("percentile", ".+-p([0-9]+)")],
              meaning="a percentile of a series' offset over the stability window (labels series, "
                      "percentile: 1, 5, 50, 95, 99)"),
        ]
FAMILIES += STAB_FAMILIES


def has_pinst(plugin):
    return RELABEL[plugin] is not None


def tinst_key(plugin):
    """The collectd label holding the type instance (write_prometheus)."""
    return "type" if has_pinst(plugin) else plugin


def source_selector(f, types):
    ds_name, ds_type = types[f["type"]][0]
    name = ref.prom_name(f["plugin"], f["type"], ds_name, ds_type)
    key, m = tinst_key(f["plugin"]), []
    t = f["tinst"]
    if isinstance(t, dict):
        m.append('%s=~"%s"' % (key, t["re"]))
        if t.get("not"):
            m.append('%s!~"%s"' % (key, t["not"]))
    elif t:
        m.append('%s="%s"' % (key, t))
    if f["plugin"] == "ceph_health" and f["scope"]:
        m.append(CEPH_SCOPES[f["scope"]])
    return "%s{%s}" % (name, ",".join(m)) if m else name


def expression(f, types):
    """The PromQL of a family; a tuple scope is the union of its scopes."""
    if isinstance(f["scope"], tuple):
        return " or ".join(expression(dict(f, scope=s), types) for s in f["scope"])
    plugin, key = f["plugin"], tinst_key(f["plugin"])
    expr = source_selector(f, types)
    if plugin == "ntp":
        expr = "(%s and on(instance, ntp) %s)" % (expr, NTP_PEER_JOIN if f["scope"] == "peer" else NTP_SYS_JOIN)
    ext = f["extract"]
    for label, regex in ([ext] if isinstance(ext, tuple) else ext or []):
        expr = _copy(expr, label, key, regex)
    rl = RELABEL[plugin]
    if callable(rl):
        expr = rl(expr, f["scope"])
    elif rl:
        expr = _copy(expr, rl, plugin, "(.+)")
    if has_pinst(plugin):
        expr = _drop(expr, "type")
    expr = _drop(expr, plugin)
    if f["scale"]:
        expr = "%s / %g" % (expr, f["scale"])
    if f["times"]:
        expr = "%s * %g" % (expr, f["times"])
    return expr


def labels(f):
    """The labels a family's series carry."""
    out = {"instance", "job"}
    rl, scope = RELABEL[f["plugin"]], f["scope"]
    scopes = scope if isinstance(scope, tuple) else (scope,)
    if f["plugin"] == "ntp":
        out |= {"server"} | ({"peer"} if "peer" in scopes else set())
    elif f["plugin"] == "ceph_health":
        out |= {"cluster"} | {{"pool": "pool", "osd": "ceph_daemon", "root": "root"}.get(s) for s in scopes} - {None}
    elif rl:
        out.add(rl)
    ext = f["extract"]
    out |= {lab for lab, _ in ([ext] if isinstance(ext, tuple) else ext or [])}
    return out


def meaning(f, docs):
    """The family's own meaning, else the documented one of its collectd
    metric; a family with neither is an error (every name is documented)."""
    if f["meaning"]:
        return f["meaning"]
    m = docs[f["plugin"]].get((f["type"], f["tinst"])) if isinstance(f["tinst"], str) else None
    if not m:
        raise SystemExit("%s: no meaning (give meaning= or document %s-%s in docs/%s.md)"
                         % (f["record"], f["type"], f["tinst"], f["plugin"]))
    return m


def documented(types):
    out = {}
    for p in RELABEL:
        out[p] = {}
        if p not in ref.plugin_names(TOP):
            continue
        for typ, tinst, _unit, mn in ref.documented_metrics(p, types, TOP):
            out[p].setdefault((typ, tinst), mn)
    return out


def families():
    """The families whose plugin is in this tree, grouped by plugin."""
    have = set(ref.plugin_names(TOP))
    order = list(dict.fromkeys(f["plugin"] for f in FAMILIES))
    return sorted((f for f in FAMILIES if f["plugin"] in have), key=lambda f: order.index(f["plugin"]))


def yaml_quote(s):
    return "'%s'" % s.replace("'", "''")


def render():
    types = ref.load_types(ref.types_files(TOP))
    docs = documented(types)
    lines = ["# Prometheus recording rules for collectd-timekeeper: collectd's",
             "# write_prometheus names (collectd_PLUGIN_TYPE{PLUGIN=...,type=...}) recorded",
             "# as one family per meaning, in base units, with meaningful labels.",
             "# Generated by scripts/gen-prometheus-rules.py; do not edit.  Every name:",
             "# docs/metrics-prometheus.md (\"Recorded names\").  Load it next to the",
             "# alert rules, which use these names:",
             "#",
             "#   rule_files: [ \"timekeeper-recording.yml\", \"timekeeper-alerts.yml\" ]",
             "#",
             "# ntp: a <Server> block's NAME must not contain \"-\" (peers' instances",
             "# NAME-PEER are split at the first \"-\" into labels server and peer).",
             "groups:"]
    group = None
    for f in families():
        if f["plugin"] != group:
            group = f["plugin"]
            lines += ["  - name: timekeeper-recording-%s" % group.replace("_", "-"),
                      "    rules:"]
        lines += ["      # %s: %s" % (f["unit"], meaning(f, docs).replace("\n", " ")[:200]),
                  "      - record: %s" % f["record"],
                  "        expr: %s" % yaml_quote(expression(f, types))]
    return "\n".join(lines) + "\n"


def markdown():
    """The "Recorded names" section of docs/metrics-prometheus.md."""
    types = ref.load_types(ref.types_files(TOP))
    docs = documented(types)
    out = ["## Recorded names (examples/prometheus-recording.yml)", "",
           "Recording rules generated by scripts/gen-prometheus-rules.py turn the",
           "names above into one family per meaning, in base units (seconds, bytes,",
           "ratio 0..1 instead of % or ppm), `_total` only for counters, and labels",
           "that say what they hold; the collectd `type` label is gone (its value is",
           "in the name or in a label named for what it is).  The shipped alert rules",
           "(examples/prometheus-alerts.yml) and the Prometheus dashboards use these",
           "names, so load both rule files.  Labels besides `instance` (the collectd",
           "host) and `job`:",
           "",
           "| plugin | labels |",
           "|---|---|",
           "| timex | (none) |",
           "| pps | `device` (the `<Device>` block) |",
           "| ntp | `server` (the `<Server>` NAME); per source also `peer` |",
           "| gpsd | `receiver` |",
           "| dcf77 | `receiver` (the `<Ntpd>`/`<Receiver>` block) |",
           "| rng | `source` (`kernel` = the kernel's pool) |",
           "| ceph_health | `cluster`; per pool `pool`, per OSD `ceph_daemon=\"osd.N\"` (as ceph-mgr), per CRUSH root `root` |",
           "| timecheck | per leap voter `voter` (the `<LeapVoter>` name, `kernel`); per pair `pair` (`A_vs_B`) |",
           "",
           "**timecheck `pair`.** A pair's series keep the plugin's `A_vs_B` whole",
           "in one label: a `<Source>` name may be any characters but `/`, `_vs_`",
           "included, so `a_vs_b_vs_c` could be `a` vs `b_vs_c` or `a_vs_b` vs `c`.",
           "",
           "**ntp `server` and `peer`.** The plugin names a source's values `NAME-PEER`",
           "(PEER with characters other than `A-Za-z0-9._:()-` replaced by `_`, e.g.",
           "`local-ID_0000000005`, `local-2001:db8::1`, `local-ntp-1.example.org`).",
           "The rules tell system and source series apart by a series only each has,",
           "and split a source's instance at its **first** `-`: `server` is what comes",
           "before it, `peer` the rest (which may contain `-`).  So a `<Server>` NAME",
           "must not contain `-` (`local-a-b` would read as server `local`, peer `a-b`",
           "also when NAME was `local-a`); name blocks e.g. `local`, `chrony_a`.",
           "",
           "| recorded name | unit | meaning | from (collectd name) |",
           "|---|---|---|---|"]
    for f in families():
        src = source_selector(f, types)
        if f["plugin"] == "ntp":
            src += " (%s)" % {"peer": "source NAME-PEER", "sys": "daemon NAME"}.get(f["scope"], "daemon NAME and source NAME-PEER")
        if f["scale"]:
            src += " / %g" % f["scale"]
        if f["times"]:
            src += " * %g" % f["times"]
        out.append("| `%s` | %s | %s | `%s` |" % (f["record"], f["unit"],
                                                   meaning(f, docs).replace("|", "\\|").replace("\n", " "),
                                                   src.replace("|", "\\|")))
    out += ["", "### Migration from the collectd names", "",
            "Alert rules and dashboards written against the collectd names keep",
            "working (those names do not change).  To move to the recorded names,",
            "replace each selector by the recorded name of the table above and the",
            "plugin-named label by the label of the plugin's row; values given in %",
            "or ppm become ratios (divide thresholds by 100 or 10^6), percentage",
            "points of ceph headroom become ratios too.  Examples:", "",
            "| collectd selector | recorded selector |", "|---|---|",
            "| `collectd_ntp_time_offset{ntp=\"local\",type=\"offset\"}` | `timekeeper_ntp_offset_seconds{server=\"local\"}` |",
            "| `collectd_ntp_time_offset{ntp=\"local-192.0.2.1\",type=\"offset\"}` | `timekeeper_ntp_peer_offset_seconds{server=\"local\",peer=\"192.0.2.1\"}` |",
            "| `collectd_ceph_health_ceph_health_status{ceph_health=\"ceph\"}` | `timekeeper_ceph_health_status{cluster=\"ceph\"}` |",
            "| `collectd_ceph_health_percent{ceph_health=\"ceph-pool-rbd\",type=\"used\"} > 85` | `timekeeper_ceph_pool_used_ratio{cluster=\"ceph\",pool=\"rbd\"} > 0.85` |",
            "| `collectd_ceph_health_ceph_health_headroom{ceph_health=\"ceph-osd.3\",type=\"full\"} < 5` | `timekeeper_ceph_osd_headroom_ratio{ceph_daemon=\"osd.3\",threshold=\"full\"} < 0.05` |",
            "| `collectd_timex_frequency_offset{timex=\"frequency\"}` (ppm) | `timekeeper_timex_frequency_adjustment_ratio` |",
            "| `collectd_pps_bool{pps=\"pps0\",type=\"signal\"}` | `timekeeper_pps_signal{device=\"pps0\"}` |",
            "| `collectd_rng_total_events_total{rng=\"hw\",type=\"blocks\"}` | `timekeeper_rng_blocks_total{source=\"hw\"}` |",
            ""]
    return "\n".join(out)


def main(argv):
    return gen_output.write_or_check(argv, TOP, OUT, render(), "gen-prometheus-rules.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
