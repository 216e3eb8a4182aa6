#!/bin/bash
# Static checks of the public metric surface: every types.db.d line is
# well-formed and never redefines a stock collectd type; every plugin has
# its reference docs/NAME.md and examples/NAME.conf.  (Each plugin's own test
# checks its metric table against types.db and docs/NAME.md row by row;
# tests/check-readme.sh checks the README against docs/.)
# The metric tables of docs/NAME.md are generated from plugins/NAME.metrics.tsv
# (scripts/gen-metric-tables.py).
top=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
stock=${STOCK_TYPESDB:-/usr/share/collectd/types.db}
n=0; failed=0
t() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; }
for db in "$top"/types.db.d/*.db; do
  bad=$(grep -vE '^\s*(#|$)' "$db" | grep -vE '^[a-z][a-z0-9_]*\s+[a-z_]+:(GAUGE|DERIVE|COUNTER|ABSOLUTE):(U|-?[0-9.e+]+):(U|-?[0-9.e+]+)(,\s*[a-z_]+:(GAUGE|DERIVE|COUNTER|ABSOLUTE):(U|-?[0-9.e+]+):(U|-?[0-9.e+]+))*\s*$')
  t "$([ -z "$bad" ] && echo 0 || echo 1)" "$(basename "$db"): every line is a valid types.db entry"
  [ -z "$bad" ] || echo "$bad" | sed 's/^/# /'
  if [ -f "$stock" ]; then
    dup=$(grep -vE '^\s*(#|$)' "$db" | awk '{print $1}' | while read -r ty; do grep -qE "^$ty[[:space:]]" "$stock" && echo "$ty"; done)
    t "$([ -z "$dup" ] && echo 0 || echo 1)" "$(basename "$db"): no stock type redefined"
  fi
done
for src in "$top"/plugins/*.c; do
  name=$(basename "$src" .c)
  # A plugin is plugins/NAME.c with its fragment plugins/NAME.am; other .c
  # files there are helpers (cdutil.c, NAME_x.c).
  [ -f "$top/plugins/$name.am" ] || continue
  grep -q "^### \`$name\`" "$top/docs/$name.md" 2>/dev/null
  t $? "docs/$name.md is the reference of the $name plugin"
  [ -f "$top/examples/$name.conf" ]
  t $? "examples/$name.conf exists"
done
# A metric row whose first cell lists several names must not paste that
# list again into its description (docs/ceph_health.md's PG-state row once
# read "ceph-mgr's `PG_`ceph_health_pgs-active`, ...`" instead of PG_STATES);
# the man pages and docs/metrics-prometheus.md copy the description.
for doc in "$top"/docs/*.md; do
  rep=$(python3 - "$doc" <<'PY'
import re, sys
for i, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    first, _, rest = line.partition(" | ")
    names = re.findall(r"`([^`]+)`", first) if line.startswith("| `") else []
    if len(names) > 1 and all("`%s`" % n in rest for n in names):
        print("line %d repeats its %d names" % (i, len(names)))
PY
)
  t "$([ -z "$rep" ] && echo 0 || echo 1)" "docs/$(basename "$doc"): no metric row repeats its own name list"
  [ -z "$rep" ] || echo "$rep" | sed 's/^/# /'
done
python3 "$top/scripts/gen-metric-tables.py" --check
t $? "docs/NAME.md metric tables match the C metric tables (else run scripts/gen-docs.sh)"
echo "1..$n"
[ "$failed" -eq 0 ]
