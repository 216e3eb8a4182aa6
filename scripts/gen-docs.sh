#!/bin/bash
# gen-docs.sh - regenerate everything derived from the plugins' docs and
# types: docs/metrics-prometheus.md, man/collectd-timekeeper-*.5 and
# examples/grafana/*.json.  Run after merging or changing a plugin's
# docs/NAME.md (tests/e2e/{prometheus,man,grafana}.sh fail until then).
#   scripts/gen-docs.sh [--check]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mode=--write
[ "${1:-}" = --check ] && mode=--check
rc=0
for g in gen-metric-reference.py gen-man.py gen-grafana.py; do
  python3 "$here/$g" "$mode" || rc=1
done
exit $rc
