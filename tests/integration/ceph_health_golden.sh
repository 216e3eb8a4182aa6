#!/bin/bash
# Golden cross-check: for every recorded state in tests/data/ceph_health,
# an independent python reader of the raw JSON
# (ceph_health_golden_ref.py) must print exactly the reviewed expected.chk
# that tests/unit/test_ceph_golden compares the C parsers against.
top=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
py=/usr/bin/python3
[ -x "$py" ] || { echo "1..0 # SKIP /usr/bin/python3 missing"; exit 0; }
n=0; failed=0
for d in "$top"/tests/data/ceph_health/*/; do
  s=$(basename "$d")
  n=$((n + 1))
  if out=$("$py" "$top/tests/integration/ceph_health_golden_ref.py" "$d" 2>&1) &&
     diff -u "$d/expected.chk" <(echo "$out") >/tmp/cds-golden-$$.diff; then
    echo "ok $n - python reference reading of $s equals expected.chk"
  else
    echo "not ok $n - python reference reading of $s equals expected.chk"
    sed 's/^/# /' /tmp/cds-golden-$$.diff | head -n 30
    failed=$((failed + 1))
  fi
done
rm -f /tmp/cds-golden-$$.diff
echo "1..$n"
[ "$failed" -eq 0 ]
