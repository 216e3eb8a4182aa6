#!/usr/bin/env python3
"""gen-grafana.py - the Grafana dashboards in examples/grafana/, one per area
(time, rng, ceph) and data source (Graphite, Prometheus), generated from one
panel list so the two flavours show the same things.

  scripts/gen-grafana.py --write    rewrite examples/grafana/*.json
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
import sys
from importlib.machinery import SourceFileLoader

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ref = SourceFileLoader("genref", os.path.join(TOP, "scripts", "gen-metric-reference.py")).load_module()
OUTDIR = os.path.join("examples", "grafana")
AREAS = {"time": "Time: kernel clock, PPS, NTP, GNSS, DCF77",
         "rng": "Randomness: entropy and hardware RNG",
         "ceph": "Ceph: placement-group health"}

# (area, title, unit, description, [(plugin, type, type_instance, legend)],
#  per_instance): per_instance True = one line per plugin instance.
PANELS = [
    ("time", "Kernel clock synchronised", "none",
     "timex bool-synchronised: 1 = adjtimex is not TIME_ERROR and STA_UNSYNC is clear; "
     "0 = the kernel considers the clock unsynchronised (page on it).",
     [("timex", "bool", "synchronised", "synchronised")], False),
    ("time", "Kernel PLL offset", "s",
     "timex time_offset-offset: the phase offset the kernel is still slewing. "
     "Positive = the system clock is behind and is being advanced.",
     [("timex", "time_offset", "offset", "offset")], False),
    ("time", "Kernel error bounds", "s",
     "timex maximum and estimated error. maxerror grows by 500 ppm while nobody "
     "updates it; 16 s means unsynchronised.",
     [("timex", "time_dispersion", "maxerror", "maxerror"),
      ("timex", "time_dispersion", "esterror", "esterror")], False),
    ("time", "Kernel frequency correction", "ppm",
     "timex frequency_offset-frequency: the frequency correction applied. "
     "Positive = the clock is being sped up.",
     [("timex", "frequency_offset", "frequency", "frequency")], False),
    ("time", "Kernel PPS (hardpps)", "s",
     "timex kernel PPS jitter; only meaningful with a PPS source bound to the kernel.",
     [("timex", "time_offset_rms", "pps_jitter", "pps jitter")], False),
    ("time", "Kernel PPS status bits", "none",
     "STA_PPSSIGNAL (a PPS signal is present) and STA_PPSTIME (the kernel disciplines "
     "time with it). PPSTIME without PPSSIGNAL = PPS lost.",
     [("timex", "bool", "status_ppssignal", "ppssignal"),
      ("timex", "bool", "status_ppstime", "ppstime")], False),
]


def graphite_target(plugin, typ, tinst, legend, per_instance, n_ds=1, ds="value"):
    pi = "*" if per_instance else ""
    path = ref.graphite_name("collectd.", "$host", plugin, pi, typ, tinst, ds, n_ds)
    if per_instance:
        return "aliasByNode(%s, 2)" % path
    return "alias(%s, '%s')" % (path, legend)


def prom_expr(plugin, typ, tinst, ds_name, ds_type, per_instance):
    name = ref.prom_name(plugin, typ, ds_name, ds_type)
    labels = []
    if tinst:
        labels.append('%s="%s"' % ("type" if per_instance else plugin, tinst))
    labels.append('instance=~"$host"')
    expr = "%s{%s}" % (name, ",".join(labels))
    if ds_type in ("DERIVE", "COUNTER"):
        expr = "rate(%s[5m])" % expr
    return expr


def panel(pid, area_panels_index, spec, source, types):
    _area, title, unit, desc, metrics, per_instance = spec
    targets = []
    for i, (plugin, typ, tinst, legend) in enumerate(metrics):
        ds_name, ds_type = types[typ][0]
        ref_id = chr(ord("A") + i)
        if source == "graphite":
            targets.append({"refId": ref_id, "target": graphite_target(plugin, typ, tinst, legend, per_instance)})
        else:
            targets.append({"refId": ref_id, "expr": prom_expr(plugin, typ, tinst, ds_name, ds_type, per_instance),
                            "legendFormat": "{{%s}}" % plugin if per_instance else legend})
    return {
        "id": pid,
        "type": "timeseries",
        "title": title,
        "description": desc,
        "datasource": {"type": source, "uid": "${datasource}"},
        "gridPos": {"h": 8, "w": 12, "x": 12 * (area_panels_index % 2), "y": 8 * (area_panels_index // 2)},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom"}},
        "targets": targets,
    }


def dashboard(area, source, specs, types):
    if source == "graphite":
        host_var = {"name": "host", "type": "query", "datasource": {"type": "graphite", "uid": "${datasource}"},
                    "query": "collectd.*", "refresh": 1, "multi": False, "includeAll": False}
    else:
        host_var = {"name": "host", "type": "query", "datasource": {"type": "prometheus", "uid": "${datasource}"},
                    "query": "label_values(instance)", "refresh": 1, "multi": True, "includeAll": True}
    return {
        "title": "collectd-timekeeper: %s (%s)" % (AREAS[area], "Graphite" if source == "graphite" else "Prometheus"),
        "uid": "cdtk-%s-%s" % (area, source),
        "description": "Generated by scripts/gen-grafana.py; metric names: docs/metrics-prometheus.md.",
        "tags": ["collectd", "collectd-timekeeper", area],
        "timezone": "utc",
        "schemaVersion": 38,
        "version": 1,
        "editable": True,
        "refresh": "10s",
        "time": {"from": "now-1h", "to": "now"},
        "templating": {"list": [
            {"name": "datasource", "type": "datasource", "query": source, "label": "data source"},
            host_var]},
        "panels": [panel(i + 1, i, s, source, types) for i, s in enumerate(specs)],
    }


def render():
    types = ref.load_types(ref.types_files(TOP))
    have = set(ref.plugin_names(TOP))
    out = {}
    for area in AREAS:
        specs = [p for p in PANELS if p[0] == area and all(m[0] in have for m in p[4])]
        if not specs:
            continue
        for source in ("graphite", "prometheus"):
            out["timekeeper-%s-%s.json" % (area, source)] = json.dumps(
                dashboard(area, source, specs, types), indent=2, sort_keys=True) + "\n"
    return out


def main(argv):
    files = render()
    d = os.path.join(TOP, OUTDIR)
    if "--write" in argv:
        os.makedirs(d, exist_ok=True)
        for name in os.listdir(d):
            if name.endswith(".json") and name not in files:
                os.remove(os.path.join(d, name))
        for name, text in files.items():
            with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                f.write(text)
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
        return bad
    for name in files:
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
