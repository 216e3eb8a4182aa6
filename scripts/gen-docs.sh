#!/bin/bash
# gen-docs.sh - regenerate the metric tables of docs/NAME.md from the
# plugins' metric tables (plugins/NAME.metrics.tsv), then everything derived
# from the plugins' docs and types:
# the generated regions of README.md (per-plugin summaries),
# docs/metrics-prometheus.md, man/collectd-timekeeper-*.5,
# examples/grafana/*.json and examples/prometheus-recording.yml.  Run after
# merging or changing a plugin's metric table or docs/NAME.md
# (tests/e2e/{prometheus,man,grafana}.sh fail until then).
#   scripts/gen-docs.sh [--check]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mode=--write
[ "${1:-}" = --check ] && mode=--check
rc=0
# gen-metric-tables.py first: it writes the metric tables of docs/NAME.md
# from plugins/NAME.metrics.tsv, which everything below reads.
python3 "$here/gen-metric-tables.py" "$mode" || rc=1
# gen-grafana.py before gen-readme.py: it writes the panel list of
# docs/dashboards.md.
for g in gen-prometheus-rules.py gen-grafana.py gen-readme.py gen-metric-reference.py gen-man.py; do
  python3 "$here/$g" "$mode" || rc=1
done
exit $rc
