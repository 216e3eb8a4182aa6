#!/bin/bash
# test.sh - the suite's test command: install what the tests need, build,
# run `make check` (unit, plugin and real-collectd integration tests) and
# print "N passed, N failed, N skipped".
#   scripts/test.sh [--sanitize | --valgrind] [make check arguments, e.g. TESTS=...]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
build=build
conf_extra=()
case "${1:-}" in
  --sanitize) shift; build=build-asan; conf_extra=(--enable-sanitizers) ;;
  --valgrind) shift; export CDS_VALGRIND=1 ;;
esac
scripts/deps.sh build test || { echo "0 passed, 1 failed"; exit 1; }
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ] ||
   [ -n "$(find plugins -name '*.am' -newer Makefile.in 2>/dev/null)" ]; then
  autoreconf -fi >/dev/null 2>&1 || { autoreconf -fi; echo "0 passed, 1 failed"; exit 1; }
fi
mkdir -p "$build" && cd "$build" || exit 1
../configure --enable-werror "${conf_extra[@]}" >configure.out 2>&1 ||
  { tail -n 30 configure.out; echo "0 passed, 1 failed"; exit 1; }
sed -n '/^  plugin *build/,/^$/p' configure.out
make -j"$(nproc)" >make.out 2>&1 || { tail -n 40 make.out; echo "0 passed, 1 failed"; exit 1; }
make -j"$(nproc)" check "$@" 2>&1 | grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP):' |
  grep -vE '^PASS:' ; true
log=test-suite.log
num() { sed -n "s/^# $1: *\([0-9]*\)/\1/p" "$log" | head -n 1; }
pass=$(num PASS); fail=$(num FAIL); err=$(num ERROR); xpass=$(num XPASS); skip=$(num SKIP)
if [ -z "$pass" ]; then echo "0 passed, 1 failed"; exit 1; fi
failed=$((fail + err + xpass))
if [ "$failed" -gt 0 ]; then
  echo "--- failures (details in $build/test-suite.log and $build/tests/**/*.log)"
  grep -hE '^(not ok|# )' $(grep -lE '^(not ok|Bail out)' $(find tests -name '*.log') 2>/dev/null) 2>/dev/null | head -n 80
fi
echo "$pass passed, $failed failed, $skip skipped"
[ "$failed" -eq 0 ]
