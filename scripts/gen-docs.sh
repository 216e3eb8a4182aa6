#!/bin/bash
# gen-docs.sh - regenerate the metric tables of docs/NAME.md from the C
# metric tables, then everything derived from the plugins' docs and types:
# the plugin sections of README.md, docs/metrics-prometheus.md,
# man/collectd-timekeeper-*.5 and
# examples/grafana/*.json.  Run after merging or changing a plugin's
# docs/NAME.md (tests/e2e/{prometheus,man,grafana}.sh fail until then).
#   scripts/gen-docs.sh [--check]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mode=--write
[ "${1:-}" = --check ] && mode=--check
rc=0
# gen-metric-tables.py first: it writes the metric tables of docs/NAME.md
# from the plugins' C metric tables, which everything below reads.
python3 "$here/gen-metric-tables.py" "$mode" || rc=1
# Then gen-grafana.py: it writes the panel list of docs/dashboards.md,
# which gen-readme.py embeds into README.md.
for g in gen-grafana.py gen-readme.py gen-metric-reference.py gen-man.py; do
  python3 "$here/$g" "$mode" || rc=1
done
exit $rc
