#!/usr/bin/env python3
"""gen-metric-reference.py - the metric reference: every metric a plugin
documents, with its Graphite series name and its Prometheus name, labels and
TYPE as collectd 5.12's stock write_graphite and write_prometheus produce them.

  scripts/gen-metric-reference.py            print docs/metrics-prometheus.md
  scripts/gen-metric-reference.py --write    rewrite docs/metrics-prometheus.md
  scripts/gen-metric-reference.py --check    exit 1 (with a diff) if it drifted

Sources (nothing is listed by hand): the plugins are plugins/NAME.c; each
plugin's metrics are the backquoted `type-type_instance` names in the tables
of its documentation (docs/NAME.md, or the "### `NAME`" section of README.md),
which each plugin's own test keeps in step with its metric table; the data
sources and their kinds come from types.db and types.db.d/*.db.  The naming
rules below were recorded from a real collectd 5.12 and are checked against a
real scrape and real whisper files by tests/e2e/prometheus.sh and
tests/e2e/graphite.sh.  Also imported by tests/e2e/e2e.py.
"""
import glob
import os
import re
import sys
from importlib.machinery import SourceFileLoader

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STOCK_TYPESDB = os.environ.get("STOCK_TYPESDB", "/usr/share/collectd/types.db")
OUT = "docs/metrics-prometheus.md"
gen_output = SourceFileLoader("gen_output", os.path.join(TOP, "scripts", "gen_output.py")).load_module()


def load_types(files):
    """types.db files -> {type: [(ds_name, DS_TYPE), ...]}"""
    types = {}
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    line = line.strip()
                    if not line or line.startswith("#"):
                        continue
                    name, rest = line.split(None, 1)
                    ds = []
                    for part in rest.split(","):
                        fields = part.strip().split(":")
                        ds.append((fields[0], fields[1].upper()))
                    types[name] = ds
        except OSError:
            pass
    return types


def types_files(top=TOP):
    return [STOCK_TYPESDB] + sorted(glob.glob(os.path.join(top, "types.db.d", "*.db")))


def plugin_names(top=TOP):
    """Every plugin of the suite: the plugins/NAME.c sources."""
    names = []
    for src in sorted(glob.glob(os.path.join(top, "plugins", "*.c"))):
        name = os.path.basename(src)[:-2]
        # a plugin has its own Makefile fragment; helpers (cdutil.c,
        # NAME_x.c) do not
        if os.path.exists(os.path.join(top, "plugins", name + ".am")):
            names.append(name)
    return names


def doc_section(name, top=TOP):
    """The documentation text of one plugin and where it came from."""
    own = os.path.join(top, "docs", name + ".md")
    for path in (own, os.path.join(top, "README.md")):
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError:
            continue
        m = re.search(r"^### `%s`[ \t]*$" % re.escape(name), text, re.M)
        if not m:
            continue
        rest = text[m.end():]
        # The section ends at the next heading of level 1-3 outside a fenced
        # code block (a "# comment" inside ``` is not a heading).
        pos, fenced, end = 0, False, len(rest)
        for line in rest.splitlines(True):
            if line.startswith("```"):
                fenced = not fenced
            elif not fenced and re.match(r"^#{1,3} ", line):
                end = pos
                break
            pos += len(line)
        return rest[:end], os.path.relpath(path, top)
    return "", None


def documented_metrics(name, types, top=TOP):
    """[(type, type_instance, unit, meaning)] in documentation order."""
    text, _ = doc_section(name, top)
    out, seen = [], set()
    for line in text.splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2:
            continue
        for tok in re.findall(r"`([^`]+)`", cells[0]):
            typ, _, tinst = tok.partition("-")
            if typ not in types or (typ, tinst) in seen:
                continue
            seen.add((typ, tinst))
            meaning = cells[2] if len(cells) > 2 else ""
            out.append((typ, tinst, cells[1], meaning))
    return out


def prom_name(plugin, typ, ds_name, ds_type):
    """write_prometheus 5.12: collectd_PLUGIN_TYPE[_DS][_total]."""
    parts = ["collectd"]
    if plugin != typ:
        parts.append(plugin)
    parts.append(typ)
    if ds_name != "value":
        parts.append(ds_name)
    if ds_type in ("COUNTER", "DERIVE"):
        parts.append("total")
    return "_".join(parts)


def prom_type(ds_type):
    return "counter" if ds_type in ("COUNTER", "DERIVE") else "gauge"


def prom_labels(plugin, pinst, tinst, host):
    """write_prometheus 5.12 labels, in its order."""
    labels = []
    if pinst:
        labels.append((plugin, pinst))
    if tinst:
        labels.append(("type", tinst) if pinst else (plugin, tinst))
    labels.append(("instance", host))
    return labels


def graphite_escape(part):
    return re.sub(r"[.\s]", "_", part)


def graphite_name(prefix, host, plugin, pinst, typ, tinst, ds_name, n_ds):
    """write_graphite 5.12 defaults (SeparateInstances false,
    AlwaysAppendDS false, EscapeCharacter "_")."""
    p = plugin + ("-" + pinst if pinst else "")
    t = typ + ("-" + tinst if tinst else "")
    name = prefix + ".".join(graphite_escape(x) for x in (host, p, t))
    if n_ds > 1:
        name += "." + graphite_escape(ds_name)
    return name


def render(top=TOP):
    types = load_types(types_files(top))
    out = []
    w = out.append
    w("# Metric reference: collectd, Graphite and Prometheus names")
    w("")
    w("<!-- Generated by scripts/gen-metric-reference.py from the plugins' documented")
    w("     metric tables and types.db; do not edit.  tests/e2e/prometheus.sh and")
    w("     tests/e2e/graphite.sh check it against a real collectd run. -->")
    w("")
    w("Every metric of every plugin, as collectd 5.12's stock writers name it.")
    w("")
    w("**collectd** identifies a value as `HOST/PLUGIN[-PLUGIN_INSTANCE]/TYPE[-TYPE_INSTANCE]`.")
    w("")
    w("**Graphite** (`write_graphite` with `Prefix \"collectd.\"` and the defaults")
    w("`SeparateInstances false`, `AlwaysAppendDS false`, `EscapeCharacter \"_\"`):")
    w("`collectd.HOST.PLUGIN[-PLUGIN_INSTANCE].TYPE[-TYPE_INSTANCE]`; dots in the host")
    w("name or an instance become `_`; a type with several data sources gets")
    w("`.DS_NAME` appended. A DERIVE value is sent as a rate per second (`StoreRates true`).")
    w("")
    w("**Prometheus** (`write_prometheus`): the metric name is")
    w("`collectd_PLUGIN_TYPE` (the plugin part is dropped when it equals the type),")
    w("then `_DS_NAME` unless the data source is called `value`, then `_total` for")
    w("DERIVE and COUNTER data sources (TYPE `counter`; everything else is a `gauge`).")
    w("The labels are:")
    w("")
    w("| collectd value | labels |")
    w("|---|---|")
    w("| no plugin instance, no type instance | `instance=\"HOST\"` |")
    w("| no plugin instance, type instance T | `PLUGIN=\"T\"`, `instance=\"HOST\"` |")
    w("| plugin instance P, no type instance | `PLUGIN=\"P\"`, `instance=\"HOST\"` |")
    w("| plugin instance P, type instance T | `PLUGIN=\"P\"`, `type=\"T\"`, `instance=\"HOST\"` |")
    w("")
    w("So the label named after the plugin holds the plugin instance (the block,")
    w("source, receiver or pool name) when there is one, and the type instance")
    w("otherwise. Example: timex's `time_offset-offset` on host `ts1` is")
    w("`collectd.ts1.timex.time_offset-offset` in Graphite and")
    w("`collectd_timex_time_offset{timex=\"offset\",instance=\"ts1\"}` in Prometheus.")
    w("")
    for name in plugin_names(top):
        rows = documented_metrics(name, types, top)
        _, src = doc_section(name, top)
        w("## `%s`" % name)
        w("")
        if not rows:
            w("No documented metrics found (expected a table in docs/%s.md)." % name)
            w("")
            continue
        w("From %s. `P` stands for the plugin instance, when the plugin uses one." % src)
        w("")
        w("| collectd `type-type_instance` | unit | Graphite series (after `collectd.HOST.%s[-P].`) | Prometheus metric | type-instance label value | TYPE |" % name)
        w("|---|---|---|---|---|---|")
        for typ, tinst, unit, _meaning in rows:
            ds = types[typ]
            for ds_name, ds_type in ds:
                gname = typ + ("-" + tinst if tinst else "") + ("." + ds_name if len(ds) > 1 else "")
                w("| `%s` | %s | `%s` | `%s` | %s | %s |" % (
                    typ + ("-" + tinst if tinst else ""), unit, gname,
                    prom_name(name, typ, ds_name, ds_type),
                    "`%s`" % tinst if tinst else "(none)", prom_type(ds_type)))
        w("")
    rules = SourceFileLoader("genrules", os.path.join(top, "scripts", "gen-prometheus-rules.py")).load_module()
    w(rules.markdown())
    return "\n".join(out)


def main(argv):
    return gen_output.write_or_check(argv, TOP, OUT, render(), "gen-metric-reference.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
