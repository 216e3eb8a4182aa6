#!/bin/bash
# Prometheus rules, unit-tested with promtool (no collectd, no server; takes
# seconds): `promtool test rules` runs every tests/e2e/promtool/*.yml, which
# feed collectd's raw write_prometheus series through the shipped recording
# rules (examples/prometheus-recording.yml) into the shipped alert rules
# (examples/prometheus-alerts.yml).  Fails when an alert rule has no test
# that makes it fire or none where it must stay silent, when a test feeds
# recorded instead of raw series (the recording rules would go untested), or
# when the recording rules are not what scripts/gen-prometheus-rules.py
# generates, or when an alert rule or a Prometheus dashboard uses a collectd
# name or a name (or label) the recording rules do not record.
#
# To test the alerts of a new plugin (or group): add
# tests/e2e/promtool/alerts-GROUP.yml with the same rule_files as the
# others; its recorded names go into FAMILIES of scripts/gen-prometheus-rules.py.
. "$(dirname "$0")/../lib/collectd.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/cds-promtool.XXXXXX")
trap 'rm -rf "$T"' EXIT
command -v promtool >/dev/null || skip_all "promtool not installed (prometheus)"
rec=$TOP_SRCDIR/examples/prometheus-recording.yml
alerts=$TOP_SRCDIR/examples/prometheus-alerts.yml
dir=$TOP_SRCDIR/tests/e2e/promtool

python3 "$TOP_SRCDIR/scripts/gen-prometheus-rules.py" --check >"$T/gen.out" 2>&1
ok $? "examples/prometheus-recording.yml is what scripts/gen-prometheus-rules.py generates"
head -n 10 "$T/gen.out" | sed 's/^/# /'

promtool check rules "$rec" "$alerts" >"$T/check.out" 2>&1
ok $? "promtool check rules accepts the recording and the alert rules"
grep -E 'SUCCESS|FAILED|error' "$T/check.out" | head -n 5 | sed 's/^/# /'

for t in "$dir"/*.yml; do
  # promtool resolves rule_files relative to the test file
  promtool test rules "$t" >"$T/test.out" 2>&1
  ok $? "promtool test rules $(basename "$t")"
  grep -q SUCCESS "$T/test.out" || head -n 40 "$T/test.out" | sed 's/^/# /'
done

# The alert rules and the Prometheus dashboards use recorded names only,
# each recorded by examples/prometheus-recording.yml with the labels used.
for f in "$alerts" "$TOP_SRCDIR"/examples/grafana/*-prometheus.json; do
  case $f in *.json) kind=dashboard ;; *) kind=alerts ;; esac
  TOP_SRCDIR=$TOP_SRCDIR python3 "$TOP_SRCDIR/tests/e2e/e2e.py" documented-selectors "$f" "$kind" >"$T/sel.out" 2>&1
  ok $? "$(basename "$f"): recorded names only, each recorded with the labels it is selected by"
  grep '^#' "$T/sel.out" | head -n 10
done

# Coverage: every alert rule has a firing case and a silent case; every
# test file loads both rule files and feeds raw collectd series only.
python3 - "$alerts" "$dir" >"$T/cov.out" 2>&1 <<'EOF'
import glob
import os
import sys
import yaml
alerts_path, tdir = sys.argv[1], sys.argv[2]
rules = yaml.safe_load(open(alerts_path, encoding="utf-8"))
names = [r["alert"] for g in rules["groups"] for r in g["rules"] if "alert" in r]
fires, silent, bad = {}, {}, []
want_files = {"../../../examples/prometheus-recording.yml", "../../../examples/prometheus-alerts.yml"}
for path in sorted(glob.glob(os.path.join(tdir, "*.yml"))):
    doc = yaml.safe_load(open(path, encoding="utf-8"))
    base = os.path.basename(path)
    tests = doc.get("tests") or []
    if any(t.get("alert_rule_test") for t in tests) and not want_files <= set(doc.get("rule_files") or []):
        bad.append("%s: rule_files must list %s" % (base, " and ".join(sorted(want_files))))
    for t in tests:
        for s in t.get("input_series") or []:
            if not s["series"].startswith(("collectd_", "up{")):
                bad.append("%s: input %s is not a raw collectd series" % (base, s["series"]))
        for a in t.get("alert_rule_test") or []:
            (fires if a.get("exp_alerts") else silent).setdefault(a["alertname"], []).append(base)
for n in names:
    if n not in fires:
        bad.append("%s: no test where it fires" % n)
    if n not in silent:
        bad.append("%s: no test where it must not fire" % n)
for n in sorted(set(fires) | set(silent)):
    if n not in names:
        bad.append("%s: tested, but no such alert rule" % n)
print("%d alert rules, %d with a firing and a silent test" % (len(names), len([n for n in names if n in fires and n in silent])))
for b in bad:
    print(b)
sys.exit(1 if bad or not names else 0)
EOF
ok $? "every alert rule of prometheus-alerts.yml has a test where it fires and one where it does not"
sed 's/^/# /' "$T/cov.out" | head -n 20
echo "1..$_tap_n"
[ "$_tap_failed" -eq 0 ]
