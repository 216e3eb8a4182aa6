#!/usr/bin/env python3
"""e2e.py - checkers for the end-to-end delivery tests.  Each prints lines
"ok DESC", "not ok DESC" or "# diagnostics" (counted by py_tap in
tests/lib/e2e.sh).  The reference is always what the same collectd wrote through
its stock csv plugin (StoreRates false: raw values, one file per series); the
series under test are read back with the peers' own tools (whisper-fetch,
whisper-info) or parsed from a real HTTP scrape.

  e2e.py graphite CSVHOSTDIR WHISPERROOT PREFIX HOST PLUGIN...
  e2e.py prometheus CSVHOSTDIR SCRAPEFILE HOST PLUGIN...
  e2e.py emitted CSVHOSTDIR SCRAPEFILE PREFIX HOST PLUGIN...   (names, one a line)
"""
import functools
import glob
import math
import os
import re
import subprocess
import sys
from importlib.machinery import SourceFileLoader

TOP = os.environ.get("TOP_SRCDIR") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ref = SourceFileLoader("genref", os.path.join(TOP, "scripts", "gen-metric-reference.py")).load_module()
TYPES = ref.load_types(ref.types_files(TOP))

_failed = 0
# The suite's plugins (configure.ac CDS_PLUGIN): rules for one whose source
# is not in this tree yet are skipped with a diagnostic, not failed.
KNOWN_LATER = ("timex", "pps", "ntp", "gpsd", "dcf77", "rng", "ceph")


def ok(cond, desc):
    global _failed
    print(("ok " if cond else "not ok ") + desc)
    if not cond:
        _failed += 1
    return cond


def diag(msg):
    for line in str(msg).splitlines():
        print("# " + line)


def csv_series(csvhost, plugins):
    """Every series collectd's csv plugin wrote for our plugins:
    dicts with plugin, pinst, type, tinst, ds [(name, DSTYPE)], rows
    [(epoch, [values])]."""
    out = {}
    for d in sorted(glob.glob(os.path.join(csvhost, "*"))):
        pdir = os.path.basename(d)
        plugin, _, pinst = pdir.partition("-")
        if plugin not in plugins:
            continue
        for f in sorted(glob.glob(os.path.join(d, "*"))):
            base = re.sub(r"-\d{4}-\d{2}-\d{2}$", "", os.path.basename(f))
            typ, _, tinst = base.partition("-")
            key = (plugin, pinst, typ, tinst)
            with open(f, encoding="utf-8") as fh:
                lines = fh.read().splitlines()
            if not lines:
                continue
            names = lines[0].split(",")[1:]
            s = out.setdefault(key, {"plugin": plugin, "pinst": pinst, "type": typ,
                                     "tinst": tinst, "rows": [],
                                     "ds": [(n, dict(TYPES.get(typ, [])).get(n, "GAUGE")) for n in names]})
            for line in lines[1:]:
                fields = line.split(",")
                try:
                    s["rows"].append((float(fields[0]), [float(x) for x in fields[1:]]))
                except ValueError:
                    pass
    return [out[k] for k in sorted(out)]


def close(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    # the csv plugin prints gauges with 6 decimals ("%lf")
    return abs(a - b) <= 1e-6 + 1e-9 * abs(b)


def cdround(t):
    """CDTIME_T_TO_TIME_T: collectd rounds to the nearest second."""
    return int(math.floor(t + 0.5))


def whisper_fetch(path, start, end):
    out = subprocess.run(["whisper-fetch", "--from=%d" % start, "--until=%d" % end, path],
                         capture_output=True, text=True, check=False).stdout
    pts = {}
    for line in out.splitlines():
        ts, _, val = line.partition("\t")
        if val and val != "None":
            pts[int(ts)] = float(val)
    return pts


def whisper_step(path):
    out = subprocess.run(["whisper-info", path], capture_output=True, text=True, check=False).stdout
    m = re.search(r"secondsPerPoint: (\d+)", out)
    return int(m.group(1)) if m else None


def interval(rows):
    d = sorted(b[0] - a[0] for a, b in zip(rows, rows[1:]))
    return d[len(d) // 2] if d else None


def graphite(csvhost, root, prefix, host, plugins):
    series = csv_series(csvhost, plugins)
    ok(series, "collectd's csv writer has series for %s (the reference)" % " ".join(plugins))
    expected = set()
    n_cmp = 0
    bad_vals, bad_missing, bad_step = [], [], []
    for s in series:
        step = interval(s["rows"])
        for i, (ds_name, ds_type) in enumerate(s["ds"]):
            name = ref.graphite_name(prefix, host, s["plugin"], s["pinst"], s["type"],
                                     s["tinst"], ds_name, len(s["ds"]))
            if ds_type in ("DERIVE", "COUNTER") and len(s["rows"]) < 2:
                # write_graphite sends counters as rates: the first reading
                # has none (e.g. a plugin with a 10 s interval in a 5 s run)
                continue
            if all(math.isnan(v[i]) for _, v in s["rows"]):
                # nothing but NaN (e.g. a chronyd that has not synchronised):
                # write_graphite sends no line for NaN, so no file is due
                continue
            expected.add(name)
            path = os.path.join(root, *name.split(".")) + ".wsp"
            if not os.path.exists(path):
                bad_missing.append(name)
                continue
            spp = whisper_step(path)
            if step and spp and spp > step + 0.5:
                bad_step.append("%s: whisper keeps %ss points, collectd sends every %.0fs" % (name, spp, step))
            rows = s["rows"]
            pts = whisper_fetch(path, rows[0][0] - 5, rows[-1][0] + 5)
            for j, (t, vals) in enumerate(rows):
                ts = cdround(t)
                if ts not in pts:
                    continue
                if ds_type in ("DERIVE", "COUNTER"):
                    # write_graphite StoreRates true: a rate per second
                    if j == 0:
                        continue
                    t0, v0 = rows[j - 1]
                    want = (vals[i] - v0[i]) / (t - t0)
                else:
                    want = vals[i]
                n_cmp += 1
                if not close(pts[ts], want):
                    bad_vals.append("%s @%d: whisper %r, csv %r" % (name, ts, pts[ts], want))
    ok(not bad_missing, "every csv series has its whisper file under the documented name (%d series)" % len(expected))
    for b in bad_missing[:10]:
        diag("missing: " + b)
    found = set()
    hostdir = os.path.join(root, *[x for x in prefix.split(".") if x], ref.graphite_escape(host))
    for plugin in plugins:
        for pat in (plugin, plugin + "-*"):
            for path in glob.glob(os.path.join(hostdir, pat, "**", "*.wsp"), recursive=True):
                found.add(os.path.relpath(path, root)[:-4].replace(os.sep, "."))
    extra = sorted(found - expected)
    ok(not extra, "no whisper series of our plugins beyond the csv ones (%d found)" % len(found))
    for e in extra[:10]:
        diag("extra: " + e)
    ok(n_cmp >= 2 * len(expected), "%d whisper points compared with the csv rows (>= 2 per series)" % n_cmp)
    ok(not bad_vals, "every whisper point equals collectd's value (gauges) or rate (derives)")
    for b in bad_vals[:10]:
        diag(b)
    ok(not bad_step, "the storage schema keeps every point (first archive step <= collectd interval)")
    for b in bad_step[:10]:
        diag(b)


def parse_scrape(path):
    """Prometheus text format -> (types {family: TYPE}, samples [(name, {labels}, value, ts)])."""
    types, samples = {}, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# TYPE "):
                _, _, fam, typ = line.split(" ", 3)
                types[fam] = typ
                continue
            if not line or line.startswith("#"):
                continue
            m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)(?: (\d+))?$', line)
            if not m:
                samples.append((None, line, None, None))
                continue
            labels = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
            order = re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="', m.group(3) or "")
            samples.append((m.group(1), labels, float(m.group(4)), int(m.group(5)) if m.group(5) else None, order))
    return types, samples


def prometheus(csvhost, scrape, host, plugins):
    series = csv_series(csvhost, plugins)
    ok(series, "collectd's csv writer has series for %s (the reference)" % " ".join(plugins))
    types, samples = parse_scrape(scrape)
    bad_syntax = [s[1] for s in samples if s[0] is None]
    ok(not bad_syntax, "every line of the scrape is valid Prometheus text format")
    ours = {}
    for s in samples:
        if s[0] is None:
            continue
        if any(s[0].startswith("collectd_%s_" % p) or s[0] in ("collectd_%s" % p, "collectd_%s_total" % p)
               for p in plugins):
            ours[(s[0], tuple(sorted(s[1].items())))] = s
    expected, bad = set(), []
    n_val = 0
    for s in series:
        for i, (ds_name, ds_type) in enumerate(s["ds"]):
            name = ref.prom_name(s["plugin"], s["type"], ds_name, ds_type)
            labels = ref.prom_labels(s["plugin"], s["pinst"], s["tinst"], host)
            key = (name, tuple(sorted(labels)))
            expected.add(key)
            got = ours.get(key)
            if not got:
                bad.append("missing %s%s" % (name, dict(labels)))
                continue
            if got[4] != [k for k, _ in labels]:
                bad.append("%s: label order %s, expected %s" % (name, got[4], [k for k, _ in labels]))
            if types.get(name) != ref.prom_type(ds_type):
                bad.append("%s: TYPE %s, expected %s" % (name, types.get(name), ref.prom_type(ds_type)))
            # the sample's timestamp (ms) names the csv row it came from
            row = [r for r in s["rows"] if got[3] is not None and abs(r[0] * 1000 - got[3]) <= 1]
            if row:
                n_val += 1
                if not close(got[2], row[0][1][i]):
                    bad.append("%s%s = %r, csv %r" % (name, dict(labels), got[2], row[0][1][i]))
    ok(not bad, "every csv series is exposed with the documented name, labels, TYPE and value (%d series)" % len(expected))
    for b in bad[:15]:
        diag(b)
    extra = sorted(set(ours) - expected)
    ok(not extra, "no series of our plugins beyond the csv ones (%d exposed)" % len(ours))
    for e in extra[:10]:
        diag("extra: %s %s" % e)
    ok(n_val >= len(expected) * 0.8,
       "%d of %d sample values matched to their csv row by timestamp" % (n_val, len(expected)))


def placeholder_row(name, tinst):
    """A reference row of metric name whose type instance holds names the
    user chose, written as upper-case placeholders (timecheck's
    `leap_announced_NAME`, `apart-A_vs_B`), matches tinst."""
    if tinst is None:
        return False
    for rname, rtinst in reference_rows():
        if rname != name or not re.search(r"(?<![A-Za-z])[A-Z]+(?![A-Za-z])", rtinst):
            continue
        pat = re.sub(r"(?<![A-Za-z])[A-Z]+(?![A-Za-z])", "\0", rtinst)
        if re.fullmatch(".+".join(re.escape(x) for x in pat.split("\0")), tinst):
            return True
    return False


def documented_check(scrape, plugins):
    """Every series we expose appears in the generated metric reference."""
    with open(os.path.join(TOP, ref.OUT), encoding="utf-8") as f:
        doc = f.read()
    types, samples = parse_scrape(scrape)
    missing = set()
    for s in samples:
        if s[0] is None or not any(s[0].startswith("collectd_%s_" % p) for p in plugins):
            continue
        plugin = [p for p in plugins if s[0].startswith("collectd_%s_" % p)][0]
        if "type" in s[1]:
            rows = ["`%s` | `%s` |" % (s[0], s[1]["type"])]
        elif plugin in s[1]:
            # the plugin label: the type instance, or the plugin instance
            # of a series without type instance
            rows = ["`%s` | `%s` |" % (s[0], s[1][plugin]), "`%s` | (none) |" % s[0]]
        else:
            rows = ["`%s` | (none) |" % s[0]]
        if not any(r in doc for r in rows) and not placeholder_row(s[0], s[1].get("type", s[1].get(plugin))):
            missing.add(rows[0])
    ok(not missing, "every exposed series of ours is in %s" % ref.OUT)
    for m in sorted(missing)[:10]:
        diag("not in reference: " + m)


def emitted(csvhost, scrape, prefix, host, plugins):
    """The names a real run emits: 'graphite NAME' and 'prometheus NAME{tinst}'."""
    for s in csv_series(csvhost, plugins):
        for ds_name, ds_type in s["ds"]:
            print("graphite " + ref.graphite_name(prefix, host, s["plugin"], s["pinst"], s["type"],
                                                  s["tinst"], ds_name, len(s["ds"])))
    if scrape and os.path.exists(scrape):
        _, samples = parse_scrape(scrape)
        for s in samples:
            if s[0] and any(s[0].startswith("collectd_%s_" % p) for p in plugins):
                print("prometheus %s %s" % (s[0], ",".join("%s=%s" % kv for kv in sorted(s[1].items()))))


def selectors(text):
    """collectd_* and recorded timekeeper_* selectors in a PromQL expression:
    [(plugin, name, labels {k: v}, text)]; plugin None when unknown."""
    names = sorted(ref.plugin_names(TOP), key=len, reverse=True)
    fams = recorded_families()
    out = []
    for m in re.finditer(r"\b((?:collectd|timekeeper)_[a-z0-9_]+)(\{([^}]*)\})?", text):
        if m.group(1).startswith("timekeeper_"):
            plugin = fams[m.group(1)][0]["plugin"] if m.group(1) in fams else None
        else:
            plugin = next((p for p in names if m.group(1).startswith("collectd_%s_" % p)), None)
        labels = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"([^"]*)"', m.group(3) or ""))
        if m.group(1).startswith("timekeeper_"):  # every matcher's label, literal or not
            for k in re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*"', m.group(3) or ""):
                labels.setdefault(k, None)
        out.append((plugin, m.group(1), labels, m.group(0)))
    return out


RECORDING = os.path.join("examples", "prometheus-recording.yml")


def recorded_source(fam):
    """(collectd metric name, [(label, op, value)]) a recorded family reads."""
    rules = SourceFileLoader("genrules", os.path.join(TOP, "scripts", "gen-prometheus-rules.py")).load_module()
    sel = rules.source_selector(fam, TYPES)
    name, _, rest = sel.partition("{")
    return name, re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)"', rest)


@functools.lru_cache(maxsize=None)
def recorded_families():
    """{recorded name: [family of scripts/gen-prometheus-rules.py]} for the
    names that examples/prometheus-recording.yml records."""
    import yaml
    rules = SourceFileLoader("genrules", os.path.join(TOP, "scripts", "gen-prometheus-rules.py")).load_module()
    with open(os.path.join(TOP, RECORDING), encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    names = {r["record"] for g in doc["groups"] for r in g["rules"] if "record" in r}
    out = {}
    for fam in rules.FAMILIES:
        if fam["record"] in names:
            fam = dict(fam, labels=rules.labels(fam))
            out.setdefault(fam["record"], []).append(fam)
    return out


def rule_selectors(path):
    import yaml
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    for g in doc["groups"]:
        for r in g["rules"]:
            for plugin, _name, _labels, text in selectors(r["expr"]):
                print("%s\t%s\t%s" % (plugin, r.get("alert") or r.get("record"), text))


def live_selectors(scrape, rules_path, dashboards):
    """The recorded selectors of the alert rules and of the Prometheus
    dashboards, one a line: plugin, where, selector ($host = any), and 1
    when the scrape holds a raw series the family's recording rule reads
    (so a real Prometheus must then have the recorded series), else 0."""
    import json
    import yaml
    _types, samples = parse_scrape(scrape)
    samples = [x for x in samples if x[0]]
    fams = recorded_families()
    exprs = []
    with open(rules_path, encoding="utf-8") as f:
        for g in yaml.safe_load(f)["groups"]:
            exprs += [(r.get("alert") or r.get("record"), r["expr"]) for r in g["rules"]]
    for path in dashboards:
        with open(path, encoding="utf-8") as f:
            for p in json.load(f).get("panels", []):
                exprs += [("%s: %s" % (os.path.basename(path), p["title"]), t["expr"])
                          for t in p.get("targets", []) if "expr" in t]
    seen = set()
    for where, expr in exprs:
        for plugin, name, _labels, sel in selectors(expr.replace("$host", ".*")):
            if not name.startswith("timekeeper_") or sel in seen:
                continue
            seen.add(sel)
            emitted = any(x[0] == raw and label_match(rl, x[1])
                          for raw, rl in (recorded_source(f) for f in fams.get(name, [])) for x in samples)
            print("%s\t%s\t%s\t%d" % (plugin, where, sel, emitted))


def reference_rows():
    """{(prom name, type-instance label value or '')} from the generated reference."""
    with open(os.path.join(TOP, ref.OUT), encoding="utf-8") as f:
        doc = f.read()
    rows = set()
    for m in re.finditer(r"^\| `[^`]+` \| [^|]* \| `[^`]+` \| `([^`]+)` \| (`([^`]*)`|\(none\)) \|", doc, re.M):
        rows.add((m.group(1), m.group(3) or ""))
    return rows


def documented_selectors(path, kind):
    """Every collectd_* selector of a rules file (kind rules) or of any text
    (kind text) names a documented series: metric name, and the value of the
    plugin-named or type label when it is a literal type instance.  Every
    recorded timekeeper_* selector names a series that
    examples/prometheus-recording.yml records, with labels it carries.
    Kinds alerts (a rules file) and dashboard (a Prometheus dashboard's
    queries) must use recorded names only."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if kind in ("rules", "alerts"):
        import yaml
        text = "\n".join(r["expr"] for g in yaml.safe_load(text)["groups"] for r in g["rules"])
    elif kind == "dashboard":
        import json
        text = "\n".join(t.get("expr", "") for p in json.loads(text).get("panels", []) for t in p.get("targets", []))
    recorded_only = kind in ("alerts", "dashboard")
    rows = reference_rows()
    names = {n for n, _ in rows}
    n, bad, later = 0, [], set()
    fams = recorded_families()
    for plugin, name, labels, sel in selectors(text):
        if name.startswith("timekeeper_"):
            n += 1
            if name not in fams:
                bad.append("%s: not recorded by %s" % (sel, RECORDING))
                continue
            extra = set(labels) - set.union(*(f["labels"] for f in fams[name]))
            if extra:
                bad.append("%s: %s has no label %s" % (sel, name, ", ".join(sorted(extra))))
            continue
        if recorded_only:
            n += 1
            bad.append("%s: a collectd name; use the recorded name (docs/metrics-prometheus.md)" % sel)
            continue
        if plugin is None:
            m = re.match(r"collectd_([a-z0-9]+)_", name)
            if m and m.group(1) in KNOWN_LATER:
                later.add(m.group(1))
                continue
            bad.append("%s: not one of our plugins" % sel)
            continue
        n += 1
        if name not in names:
            bad.append("%s: no such metric in %s" % (sel, ref.OUT))
            continue
        tinst = labels.get("type", labels.get(plugin))
        if tinst is not None and (name, tinst) not in rows and (name, "") not in rows:
            bad.append("%s: no type instance %r for %s in %s" % (sel, tinst, name, ref.OUT))
    if later:
        diag("not checked, plugin not in this tree yet: " + " ".join(sorted(later)))
    ok(n > 0 and not bad, "%s: all %d selectors name documented or recorded series" % (os.path.basename(path), n))
    for b in bad[:15]:
        diag(b)


def parse_thresholds(path):
    """(plugin, plugin instance, type, type instance) of every <Type> in a
    threshold plugin configuration (comments ignored)."""
    out, stack, attrs = [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            m = re.match(r'^<(\w+)(?:\s+"?([^">]*)"?)?>$', line)
            if m:
                stack.append((m.group(1).lower(), m.group(2) or ""))
                attrs.append({})
                continue
            if line.startswith("</"):
                kind, name = stack.pop()
                a = attrs.pop()
                if kind == "type":
                    plugin = next((n for k, n in reversed(stack) if k == "plugin" and n != "threshold"), "")
                    pinst = attrs[-1].get("instance", "") if stack and stack[-1][0] == "plugin" else ""
                    out.append((plugin, pinst, name, a.get("instance", "")))
                continue
            key, _, val = line.partition(" ")
            if attrs:
                attrs[-1][key.lower()] = val.strip().strip('"')
    return out


def thresholds_documented(path):
    types = ref.load_types(ref.types_files(TOP))
    rules = parse_thresholds(path)
    have = set(ref.plugin_names(TOP))
    later = sorted({r[0] for r in rules if r[0] not in have})
    if later:
        diag("not checked, plugin not in this tree yet: " + " ".join(later))
    rules = [r for r in rules if r[0] in have]
    bad = []
    for plugin, _pinst, typ, tinst in rules:
        doc = {(t, i) for t, i, _u, _m in ref.documented_metrics(plugin, types, TOP)}
        if (typ, tinst) not in doc:
            bad.append("%s %s-%s is not a documented metric of %s" % (plugin, typ, tinst, plugin))
    ok(rules and not bad, "%s: all %d thresholds name documented metrics" % (os.path.basename(path), len(rules)))
    for b in bad:
        diag(b)


def inject_faults(csvhost, path, expect_file, plugins):
    """A <Plugin threshold> block that the current values violate: per
    plugin, one gauge series with a finite value that the shipped file does
    not watch, with FailureMin 1000000000000000000000000000000."""
    watched = {(p, t, i) for p, _pi, t, i in parse_thresholds(path)}
    lines, expect = ["<Plugin threshold>"], []
    for plugin in plugins:
        for s in csv_series(csvhost, [plugin]):
            if (s["plugin"], s["type"], s["tinst"]) in watched or len(s["ds"]) != 1:
                continue
            if s["ds"][0][1] != "GAUGE" or not s["rows"] or not all(
                    math.isfinite(r[1][0]) for r in s["rows"][-3:]):
                continue
            lines += ['  <Plugin "%s">' % plugin]
            if s["pinst"]:
                lines += ['    Instance "%s"' % s["pinst"]]
            lines += ['    <Type "%s">' % s["type"]]
            if s["tinst"]:
                lines += ['      Instance "%s"' % s["tinst"]]
            lines += ["      FailureMin 1000000000000000000000000000000", "    </Type>", "  </Plugin>"]
            expect.append("plugin = %s,.*type = %s,%s" % (
                plugin, s["type"], " type_instance = %s," % s["tinst"] if s["tinst"] else ""))
            break
    lines.append("</Plugin>")
    with open(expect_file, "w", encoding="utf-8") as f:
        f.write("\n".join(expect) + "\n")
    print("\n".join(lines))


def label_match(selector_labels, sample_labels):
    for k, op, v in selector_labels:
        have = sample_labels.get(k, "")
        if op == "=" and have != v:
            return False
        if op == "!=" and have == v:
            return False
        if op == "=~" and not re.fullmatch(v, have):
            return False
        if op == "!~" and re.fullmatch(v, have):
            return False
    return True


def grafana(csvhost, scrape, host, plugins, files):
    """Every query of every dashboard refers to a series the real run
    emitted.  A query of a plugin that did not run here, or whose series
    this run could not produce (e.g. PPS without PPS hardware), is checked
    against the documented reference only and listed as NOT VERIFIED (a TAP
    SKIP naming every such query), never passed silently."""
    import fnmatch
    import json
    running = set(plugins)
    emitted_g = set()
    for s in csv_series(csvhost, plugins):
        for ds_name, _t in s["ds"]:
            emitted_g.add(ref.graphite_name("collectd.", host, s["plugin"], s["pinst"], s["type"],
                                            s["tinst"], ds_name, len(s["ds"])))
    _types, samples = parse_scrape(scrape)
    samples = [x for x in samples if x[0]]
    rows = reference_rows()
    doc_g = set()
    types = ref.load_types(ref.types_files(TOP))
    for p in ref.plugin_names(TOP):
        for typ, tinst, _u, _m in ref.documented_metrics(p, types, TOP):
            ds = types[typ]
            for ds_name, _t in ds:
                doc_g.add((p, typ + ("-" + tinst if tinst else "") + ("." + ds_name if len(ds) > 1 else "")))
    unverified_all = {}
    for path in files:
        name = os.path.basename(path)
        try:
            with open(path, encoding="utf-8") as f:
                dash = json.load(f)
        except (OSError, ValueError) as e:
            ok(False, "%s: valid JSON (%s)" % (name, e))
            continue
        source = "graphite" if "graphite" in name else "prometheus"
        panels = dash.get("panels", [])
        ids = [p.get("id") for p in panels]
        tvars = [v.get("name") for v in dash.get("templating", {}).get("list", [])]
        ok(dash.get("uid") and dash.get("title") and panels and len(set(ids)) == len(ids)
           and isinstance(dash.get("schemaVersion"), int) and {"datasource", "host"} <= set(tvars),
           "%s: dashboard schema (uid, title, schemaVersion, $datasource and $host variables, "
           "%d panels with unique ids)" % (name, len(panels)))
        grid_ok = all(isinstance(p.get("gridPos"), dict) and p["gridPos"].get("w", 0) > 0
                      and p["gridPos"].get("x", 0) + p["gridPos"].get("w", 0) <= 24 for p in panels)
        ok(grid_ok and all(p.get("title") and p.get("type") in ("timeseries", "stat") and p.get("description")
                           and p.get("fieldConfig", {}).get("defaults", {}).get("unit") for p in panels),
           "%s: every panel has a title, a description, a unit and a place on the 24-column grid" % name)
        ok(all(p.get("datasource", {}).get("type") == source and p.get("targets") and
               all(t.get("refId") and t.get("target" if source == "graphite" else "expr") for t in p["targets"])
               for p in panels),
           "%s: every panel has %s targets" % (name, source))
        n, bad, verified, unverified = 0, [], 0, []
        for p in panels:
            for t in p["targets"]:
                if source == "graphite":
                    for m in re.finditer(r"collectd\.[A-Za-z0-9_$*.\-]+", t["target"]):
                        pat = m.group(0).replace("$host", ref.graphite_escape(host))
                        parts = pat.split(".")
                        plugin = parts[2].split("-")[0] if len(parts) > 2 else ""
                        n += 1
                        if plugin in running and any(len(e.split(".")) == len(parts) and all(
                                fnmatch.fnmatchcase(a, b) for a, b in zip(e.split("."), parts)) for e in emitted_g):
                            verified += 1
                            continue
                        tail = ".".join(parts[3:])
                        if plugin in running and any(e.split(".")[2].split("-")[0] == plugin and
                                                     fnmatch.fnmatchcase(".".join(e.split(".")[3:]), tail)
                                                     for e in emitted_g):
                            # the metric was emitted, under other instances
                            bad.append("%s: %s: the run emitted %s, but not under these instances"
                                       % (p["title"], m.group(0), tail))
                        elif not any(pl == plugin and fnmatch.fnmatchcase(x, tail) for pl, x in doc_g):
                            bad.append("%s: %s is neither emitted nor documented" % (p["title"], m.group(0)))
                        else:
                            unverified.append((plugin, p["title"], m.group(0)))
                else:
                    for plugin, mname, _l, sel in selectors(t["expr"]):
                        n += 1
                        if mname.startswith("timekeeper_"):
                            # a recorded series: verified when the run
                            # emitted a raw series its recording rule reads
                            # (tests/e2e/prometheus.sh queries the recorded
                            # series themselves in a real Prometheus)
                            fams = recorded_families().get(mname)
                            if not fams:
                                bad.append("%s: %s is not recorded by %s" % (p["title"], sel, RECORDING))
                            elif plugin in running and any(
                                    x[0] == raw and label_match(rl, x[1])
                                    for raw, rl in (recorded_source(f) for f in fams) for x in samples):
                                verified += 1
                            else:
                                unverified.append((plugin, p["title"], sel))
                            continue
                        lab = re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)"', sel)
                        lab = [(k, op, v.replace("$host", host)) for k, op, v in lab]
                        if plugin in running and any(x[0] == mname and label_match(lab, x[1]) for x in samples):
                            verified += 1
                            continue
                        tv = [v for k, op, v in lab if k in ("type", plugin) and op == "="]
                        if plugin in running and any(x[0] == mname and (not tv or tv[0] in x[1].values())
                                                     for x in samples):
                            bad.append("%s: %s: the run emitted this metric, but no series matches the labels"
                                       % (p["title"], sel))
                        elif (mname, tv[0] if tv else "") in rows or (not tv and any(r[0] == mname for r in rows)):
                            unverified.append((plugin, p["title"], sel))
                        else:
                            bad.append("%s: %s is neither emitted nor documented" % (p["title"], sel))
        ok(n > 0 and not bad, "%s: all %d queries refer to series of the real run (%d) or documented ones (%d)"
           % (name, n, verified, len(unverified)))
        for b in bad[:10]:
            diag(b)
        if unverified:
            for plugin, title, q in unverified:
                why = "ran, but this run did not produce the series" if plugin in running else "not running here"
                diag("NOT VERIFIED (%s: %s): %s: %s" % (plugin, why, title, q))
            who = sorted({u[0] for u in unverified})
            print("ok %s: %d queries NOT VERIFIED against a real run (plugins %s), only against the "
                  "documented reference # SKIP not verifiable in this run, listed above"
                  % (name, len(unverified), " ".join(who)))
            unverified_all[name] = len(unverified)
        else:
            ok(verified == n, "%s: every query verified against the real run" % name)
    return unverified_all

# The line colours of scripts/graphs.sh (rrdtool draws its own frame, grid
# and arrows in greys and light reds, none of them within 24 of these).
GRAPH_COLORS = ["1f77b4", "d62728", "2ca02c", "ff7f0e", "9467bd", "8c564b", "e377c2", "17becf",
                "bcbd22", "000080"]


def png_pixels(path):
    """Decode a non-interlaced 8-bit PNG (rrdtool's output): (width, height,
    [(r, g, b)]).  Checks the signature and every chunk's CRC."""
    import struct
    import zlib
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("no PNG signature")
    pos, idat, palette, ihdr = 8, b"", None, None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        crc, = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        if zlib.crc32(kind + body) & 0xffffffff != crc:
            raise ValueError("bad CRC in chunk %r" % kind)
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = [tuple(body[i:i + 3]) for i in range(0, len(body), 3)]
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + n
    w, h, depth, ctype, _c, _f, interlace = ihdr
    if depth != 8 or interlace:
        raise ValueError("unsupported PNG depth %d / interlace %d" % (depth, interlace))
    bpp = {2: 3, 6: 4, 3: 1, 0: 1, 4: 2}[ctype]
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    px = []
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
        for x in range(w):
            v = line[x * bpp:(x + 1) * bpp]
            if ctype == 3:
                px.append(palette[v[0]])
            elif ctype in (0, 4):
                px.append((v[0], v[0], v[0]))
            else:
                px.append(tuple(v[:3]))
    return w, h, px


def png_check(path, min_line_pixels):
    """A PNG graph of graphs.sh: valid, of a sane size, and with at least
    MIN pixels in the line colours inside the plot area (the lines, not
    their legend), whose place graphs.sh saved in .NAME.geom (rrdtool
    graphv: left top width height)."""
    name = os.path.basename(path)
    try:
        w, h, px = png_pixels(path)
    except (OSError, ValueError, KeyError, TypeError) as e:
        ok(False, "%s: valid PNG (%s)" % (name, e))
        return
    ok(w >= 400 and h >= 200, "%s: valid PNG, %dx%d pixels" % (name, w, h))
    geom = os.path.join(os.path.dirname(path), "." + name + ".geom")
    try:
        left, top, gw, gh = [int(x) for x in open(geom, encoding="utf-8").read().split()]
    except (OSError, ValueError):
        ok(False, "%s: plot area known (%s)" % (name, geom))
        return
    cols = [tuple(int(c[i:i + 2], 16) for i in (0, 2, 4)) for c in GRAPH_COLORS]
    n = 0
    for p in [px[y * w + x] for y in range(top, min(top + gh, h)) for x in range(left, min(left + gw, w))]:
        for c in cols:
            if abs(p[0] - c[0]) <= 24 and abs(p[1] - c[1]) <= 24 and abs(p[2] - c[2]) <= 24:
                n += 1
                break
    ok(n >= min_line_pixels, "%s: %d pixels of the plot area in the line colours (>= %d: data was drawn)" % (name, n, min_line_pixels))


def main(argv):
    cmd = argv[0]
    if cmd == "png":
        png_check(argv[1], int(argv[2]))
        return 1 if _failed else 0
    if cmd == "grafana":
        i = argv.index("--")
        grafana(argv[1], argv[2], argv[3], argv[4:i], argv[i + 1:])
        return 1 if _failed else 0
    if cmd == "thresholds-documented":
        thresholds_documented(argv[1])
        return 1 if _failed else 0
    if cmd == "inject-faults":
        inject_faults(argv[1], argv[2], argv[3], argv[4:])
        return 0
    if cmd == "rule-selectors":
        rule_selectors(argv[1])
        return 0
    if cmd == "live-selectors":
        live_selectors(argv[1], argv[2], argv[3:])
        return 0
    if cmd == "documented-selectors":
        documented_selectors(argv[1], argv[2])
        return 1 if _failed else 0
    if cmd == "graphite":
        graphite(argv[1], argv[2], argv[3], argv[4], argv[5:])
    elif cmd == "prometheus":
        prometheus(argv[1], argv[2], argv[3], argv[4:])
        documented_check(argv[2], argv[4:])
    elif cmd == "emitted":
        emitted(argv[1], argv[2], argv[3], argv[4], argv[5:])
        return 0
    else:
        print("usage: see the docstring", file=sys.stderr)
        return 2
    return 1 if _failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
