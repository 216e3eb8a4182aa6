#!/bin/bash
# row_kind.sh - the compile-time check of metric table rows (CDU_FIELD in
# plugins/cdutil.h): a GAUGE row on a double field and a DERIVE row on an
# int64_t field compile; a GAUGE row on an int64_t field and a DERIVE row on
# a double field are rejected by the compiler with the row's message.  The
# same for a row written in a TSV (plugins/NAME.metrics.tsv) and turned into
# C by scripts/gen-metric-tables.py --c-header, as the build does: the error
# names the TSV line; a malformed row stops the generator.
# Needs CC and COLLECTD_CPPFLAGS (set by make check).
top=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cc=${CC:-cc}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0; failed=0
t() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; }
build() { # ROW [FLAGS] -> compiler status; its messages in $out/ROW.err
  # shellcheck disable=SC2086 # COLLECTD_CPPFLAGS is a list of flags
  $cc -std=gnu11 -Wall -Wextra -Werror -I"$top" $COLLECTD_CPPFLAGS -D"$1" ${2:-} \
    -c "$top/tests/compile/row_kind.c" -o "$out/$1.o" 2>>"$out/$1.err"
}
# The generator reads plugins/NAME.metrics.tsv next to its own scripts/.
tree=$out/tree
mkdir -p "$tree/scripts" "$tree/plugins"
cp "$top/scripts/gen-metric-tables.py" "$tree/scripts/"
tsv() { # CASE KIND FIELD -> status of generating and compiling a one-row table
  mkdir -p "$out/$1"
  printf '# row_kind.sh\ntable\trows\trow_kind_snap_t\tstatic\ngauge\tx\t%s\t%s\ts\tTSV\n' \
    "$2" "$3" >"$tree/plugins/row_kind.metrics.tsv"
  python3 "$tree/scripts/gen-metric-tables.py" --c-header row_kind \
    "$out/$1/row_kind_metrics.h" 2>"$out/$1.err" &&
    build "$1" "-DROW_TSV -I$out/$1"
}
for row in ROW_GAUGE_DOUBLE ROW_DERIVE_INT64; do
  : >"$out/$row.err"
  build $row
  t $? "$row compiles"
  sed 's/^/# /' "$out/$row.err" | head -5
done
for case in "ROW_GAUGE_INT64 a GAUGE row needs a double field: row_kind_snap_t.events" \
  "ROW_DERIVE_DOUBLE a DERIVE row needs an int64_t field: row_kind_snap_t.value_s"; do
  row=${case%% *}; msg=${case#* }
  : >"$out/$row.err"
  build "$row"
  t "$([ $? -ne 0 ] && echo 0 || echo 1)" "$row does not compile"
  grep -qF "$msg" "$out/$row.err"
  t $? "$row is rejected with \"$msg\""
  grep -F "error" "$out/$row.err" | head -2 | sed 's/^/# /'
done
tsv TSV_GAUGE_DOUBLE GAUGE value_s
t $? "a TSV row GAUGE on a double field compiles"
sed 's/^/# /' "$out/TSV_GAUGE_DOUBLE.err" | head -5
msg="a GAUGE row needs a double field: row_kind_snap_t.events"
tsv TSV_GAUGE_INT64 GAUGE events
t "$([ $? -ne 0 ] && echo 0 || echo 1)" "a TSV row GAUGE on an int64_t field does not compile"
grep -qF "$msg" "$out/TSV_GAUGE_INT64.err"
t $? "the TSV row is rejected with \"$msg\""
grep -q "^plugins/row_kind.metrics.tsv:3:" "$out/TSV_GAUGE_INT64.err"
t $? "the compiler's messages name the TSV row's line (plugins/row_kind.metrics.tsv:3)"
grep -F -e "error" -e ".tsv:" "$out/TSV_GAUGE_INT64.err" | head -3 | sed 's/^/# /'
tsv TSV_BAD_KIND COUNTER events
t "$([ $? -ne 0 ] && echo 0 || echo 1)" "a TSV row of kind COUNTER stops the generator"
grep -qF "plugins/row_kind.metrics.tsv:3: kind 'COUNTER' is not GAUGE or DERIVE" "$out/TSV_BAD_KIND.err"
t $? "the generator names the TSV line and the bad kind"
sed 's/^/# /' "$out/TSV_BAD_KIND.err" | head -2
echo "1..$n"
[ "$failed" -eq 0 ]
