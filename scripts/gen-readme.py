#!/usr/bin/env python3
"""gen-readme.py --write|--check: the generated regions of README.md.

README.md is a hand-written front door; only what would drift from the
plugins' references is generated, between <!-- REGION:begin ... --> and
<!-- REGION:end --> markers:
  plugin-table  one row per plugin: the question it answers, its reference;
  plugins       one short section per plugin: the question, the config of
                examples/NAME.conf without its comments, the plugin's most
                useful metrics with unit and meaning taken from the metric
                tables of docs/NAME.md, and links to docs/NAME.md and the
                man page.
The references stay complete in docs/NAME.md and the man pages
(scripts/gen-man.py).  A metric listed below that docs/NAME.md does not
document is an error, so the README cannot name a metric that does not exist.
"""
import os
import re
import sys

# One entry per plugin, in the suite's order: (name, the question it
# answers, its most useful metrics as documented in docs/NAME.md).  Adding a
# plugin is one line here, then scripts/gen-docs.sh.
PLUGINS = [
    ("timex", "Is the kernel clock disciplined, how far is it off, and is a leap second armed?", ["time_offset-offset", "frequency_offset-frequency", "time_dispersion-maxerror", "bool-synchronised", "clock_state-kernel"]),
    ("pps", "Is every PPS line pulsing, and how far and how steadily is each edge from the system's second?", ["bool-signal", "count-missed", "time_offset-edge_mean", "time_offset_rms-jitter", "duration-since_last_pulse"]),
    ("ntp", "What does ntpd, NTPsec or chronyd think of its own time: offset, usable sources, falsetickers?", ["time_offset-offset", "bool-synchronised", "count-candidates", "count-falsetickers", "time_dispersion-root_distance"]),
    ("gpsd", "Has every GNSS receiver a fix, with how many satellites per constellation, and where are its PPS and serial time?", ["gauge-fix_mode", "satellites-total_used", "snr-total_used_mean", "time_offset-pps", "bool-jamming"]),
    ("dcf77", "Is the DCF77 radio clock receiving, and is its decoded time trusted and close to the system clock?", ["bool-receiving", "percent-valid_pulses", "bool-trusted", "time_offset-offset", "clock_state-status"]),
    ("timecheck", "Do the host's time sources agree with each other, on the offset and on the next leap second, and is the leap file still valid?", ["bool-leap_agree", "timecheck_days-leapfile_expiry", "bool-leapfile_expiring", "count-pairs_apart", "time_offset-A_vs_B"]),
    ("rng", "Is the kernel's CRNG ready, and do the hardware RNGs still pass FIPS 140-2 and SP 800-90B?", ["bool-crng_ready", "total_events-blocks_failed", "gauge-failure_improbability", "bool-stuck", "bool-sp90b_alarm"]),
    ("ceph_health", "Are Ceph's placement groups serving I/O, how long have some been stuck, and how close are the OSDs to full?", ["ceph_health_status", "ceph_health_pgs-inactive", "ceph_health_pgs_stuck-any", "ceph_health_margin-redundancy", "duration-until_full"]),
]

MEANING_MAX = 120  # characters of a metric's meaning shown in the README

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(rel):
    with open(os.path.join(TOP, rel), encoding="utf-8") as f:
        return f.read()


def metric_rows(name):
    """{metric: (unit, meaning)} from the tables of docs/NAME.md whose
    first column is backquoted metric names."""
    rows = {}
    for line in read("docs/%s.md" % name).splitlines():
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if len(cells) < 3:
            continue
        for metric in re.findall(r"`([^`]+)`", cells[0]):
            rows.setdefault(metric, (cells[1], cells[2]))
    return rows


def shorten(text, limit=MEANING_MAX):
    """A meaning as documented when it fits in `limit` characters; else its
    leading clauses (split at '; ' or '. ' outside a code span) that fit;
    else its first clause cut at a word boundary outside a code span and
    outside parentheses."""
    text = text.rstrip(". ")
    if len(text) <= limit:
        return text
    code, depth, clause, word = False, 0, None, None
    for i, ch in enumerate(text[:limit]):
        if ch == "`":
            code = not code
        elif code:
            continue
        elif ch in "([])":  # an interval may be written (a, b]
            depth += 1 if ch in "([" else -1
        elif text[i:i + 2] in ("; ", ". ") and depth == 0:
            clause = i
        elif ch == " " and depth == 0:
            word = i
    if clause is not None:
        return text[:clause]
    return text[:word] + " …"


def config_example(name):
    """examples/NAME.conf without comments and blank lines."""
    path = "examples/%s.conf" % name
    if not os.path.exists(os.path.join(TOP, path)):
        return []
    out = []
    for line in read(path).splitlines():
        line = re.sub(r"\s+#.*$", "", line).rstrip()
        if line and not line.lstrip().startswith("#"):
            out.append(line)
    return out


def metrics_table(name, metrics):
    rows = metric_rows(name)
    out = ["| metric | unit | meaning |", "|---|---|---|"]
    for metric in metrics:
        if metric not in rows:
            sys.exit("gen-readme.py: %s: `%s` is not in the metric tables of "
                     "docs/%s.md" % (name, metric, name))
        unit, meaning = rows[metric]
        out.append("| `%s` | %s | %s |" % (metric, unit, shorten(meaning)))
    return out


def plugin_table():
    out = ["| plugin | answers | reference |", "|---|---|---|"]
    for name, question, _ in PLUGINS:
        out.append("| [`%s`](#%s) | %s | [docs/%s.md](docs/%s.md), "
                   "`man collectd-timekeeper-%s` |"
                   % (name, name, question, name, name, name))
    return "\n".join(out) + "\n"


def plugin_sections():
    parts = []
    for name, question, metrics in PLUGINS:
        lines = ["### `%s`" % name, "", question, ""]
        conf = config_example(name)
        if conf:
            lines += ["```", *conf, "```", "",
                      "([examples/%s.conf](examples/%s.conf) has every "
                      "option, commented.)" % (name, name), ""]
        lines += metrics_table(name, metrics)
        lines += ["", "Every option and metric: [docs/%s.md](docs/%s.md), "
                  "`man collectd-timekeeper-%s` ([man/collectd-timekeeper-%s.5]"
                  "(man/collectd-timekeeper-%s.5))." % ((name,) * 5)]
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


REGIONS = {"plugin-table": plugin_table, "plugins": plugin_sections}


def regenerate(readme):
    for region, generate in REGIONS.items():
        marker = "<!-- %s:begin" % region
        if marker not in readme:
            sys.exit("gen-readme.py: README.md has no %s region" % region)
        begin = readme.index("\n", readme.index(marker)) + 1
        end = readme.index("<!-- %s:end -->" % region)
        readme = readme[:begin] + "\n" + generate() + "\n" + readme[end:]
    return readme


def main():
    readme = read("README.md")
    new = regenerate(readme)
    if sys.argv[1:] == ["--check"]:
        if new != readme:
            print("README.md is out of date: run scripts/gen-docs.sh")
            sys.exit(1)
    elif sys.argv[1:] == ["--list"]:
        for name, _, metrics in PLUGINS:
            print(name, *metrics)
    else:
        with open(os.path.join(TOP, "README.md"), "w", encoding="utf-8") as f:
            f.write(new)


if __name__ == "__main__":
    main()
