#!/bin/bash
# row_kind.sh - the compile-time check of metric table rows (CDU_FIELD in
# plugins/cdutil.h): a GAUGE row on a double field and a DERIVE row on an
# int64_t field compile; a GAUGE row on an int64_t field and a DERIVE row on
# a double field are rejected by the compiler with the row's message.
# Needs CC and COLLECTD_CPPFLAGS (set by make check).
top=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cc=${CC:-cc}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0; failed=0
t() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; }
build() { # ROW -> compiler status; its messages in $out/ROW.err
  # shellcheck disable=SC2086 # COLLECTD_CPPFLAGS is a list of flags
  $cc -std=gnu11 -Wall -Wextra -Werror -I"$top" $COLLECTD_CPPFLAGS -D"$1" \
    -c "$top/tests/compile/row_kind.c" -o "$out/$1.o" 2>"$out/$1.err"
}
for row in ROW_GAUGE_DOUBLE ROW_DERIVE_INT64; do
  build $row
  t $? "$row compiles"
  sed 's/^/# /' "$out/$row.err" | head -5
done
for case in "ROW_GAUGE_INT64 a GAUGE row needs a double field: row_kind_snap_t.events" \
  "ROW_DERIVE_DOUBLE a DERIVE row needs an int64_t field: row_kind_snap_t.value_s"; do
  row=${case%% *}; msg=${case#* }
  build "$row"
  t "$([ $? -ne 0 ] && echo 0 || echo 1)" "$row does not compile"
  grep -qF "$msg" "$out/$row.err"
  t $? "$row is rejected with \"$msg\""
  grep -F "error" "$out/$row.err" | head -2 | sed 's/^/# /'
done
echo "1..$n"
[ "$failed" -eq 0 ]
