#!/bin/bash
# test.sh - the suite's test command: install what the tests need, build,
# and run every test; prints "N passed, N failed, N skipped" over all passes.
#   scripts/test.sh              all passes (what CI runs):
#     1. -Werror build, `make check` without the long tests (Makefile.am's
#        CHECK_LONG_TESTS: demo lab, DCF77 acquisition scenario, soak, Ceph
#        recoveries and failovers; counted as skipped) and with the healthy
#        baseline at 120 s: unit, mock-plugin, real-collectd integration
#        (every plugin against its real peer), end-to-end, scenario, fault
#        and fuzz tests;
#     2. ASan+UBSan build: the unit and mock-plugin tests;
#     3. valgrind memcheck: the real collectd daemon with our plugins
#        (integration tests of timex, rng, pps, gpsd, ntp) must show no error
#        and no definitely-lost block in our code.
#   scripts/test.sh --full       the same three passes, pass 1 with every
#                                test (the long ones, the 10-minute baseline)
#   scripts/test.sh --long       only the long tests (what --full adds)
#   scripts/test.sh --quick      pass 1 only
#   scripts/test.sh --sanitize   ASan+UBSan build, every test (the daemon
#                                runs with the sanitizer runtimes preloaded)
#   scripts/test.sh --valgrind   every test, C tests and daemon under valgrind
#   Extra arguments go to `make check` (e.g. TESTS='tests/unit/test_fips').
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
mode=all
case "${1:-}" in
  --quick | --sanitize | --valgrind | --full | --long) mode=${1#--}; shift ;;
esac
scripts/deps.sh build test || { echo "0 passed, 1 failed"; exit 1; }
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ] ||
   [ -n "$(find . -name '*.am' -newer Makefile.in -not -path './build*' 2>/dev/null)" ]; then
  autoreconf -fi >/dev/null 2>&1 || { autoreconf -fi; echo "0 passed, 1 failed"; exit 1; }
fi

total_pass=0 total_fail=0 total_skip=0
# phase NAME BUILDDIR "CONFIGURE ARGS" [make check args...]
phase() {
  local name=$1 build=$2 conf=$3
  shift 3
  echo "=== $name"
  mkdir -p "$build" || return 1
  (
    cd "$build" || exit 1
    # shellcheck disable=SC2086
    ../configure --enable-werror $conf >configure.out 2>&1 ||
      { tail -n 30 configure.out; exit 1; }
    sed -n '/^  plugin *build/,/^$/p' configure.out
    make -j"$(nproc)" >make.out 2>&1 || { tail -n 40 make.out; exit 1; }
    rm -f test-suite.log
    make -j"$(nproc)" check "$@" 2>&1 | grep -E '^(FAIL|ERROR|XPASS|SKIP):' | grep -vE '^SKIP: .* [0-9]+ ' ; true
  ) || { total_fail=$((total_fail + 1)); return 1; }
  local log=$build/test-suite.log
  num() { sed -n "s/^# $1: *\([0-9]*\)/\1/p" "$log" | head -n 1; }
  local pass fail err xpass skip
  pass=$(num PASS); fail=$(num FAIL); err=$(num ERROR); xpass=$(num XPASS); skip=$(num SKIP)
  if [ -z "$pass" ]; then total_fail=$((total_fail + 1)); return 1; fi
  local failed=$((fail + err + xpass))
  if [ "$failed" -gt 0 ]; then
    echo "--- $name: failures (details in $build/test-suite.log and $build/tests/**/*.log)"
    (cd "$build" && grep -hE '^(not ok|# )' $(grep -lE '^(not ok|Bail out)' $(find tests -name '*.log') 2>/dev/null) 2>/dev/null | head -n 80)
  fi
  echo "$name: $pass passed, $failed failed, $skip skipped"
  total_pass=$((total_pass + pass)); total_fail=$((total_fail + failed)); total_skip=$((total_skip + skip))
}

c_tests() { (cd build-asan && make -s print-c-tests); }
# configured BUILD [ARGS]: BUILD configured (for its print-*-tests lists)
configured() { mkdir -p "$1" && (cd "$1" && ../configure --enable-werror ${2:-} >/dev/null 2>&1); }
# ci_tests: every test but the long ones, which are counted as skipped
ci_tests() { (cd build && make -s print-ci-tests); }
long_skipped() {
  local long
  long=$(cd build && make -s print-long-tests)
  echo "long tests not run (scripts/test.sh --full runs them): $long"
  total_skip=$((total_skip + $(echo "$long" | wc -w)))
}
case "$mode" in
  quick) phase "build + make check" build "" "$@" ;;
  long) configured build && phase "the long tests" build "" TESTS="$(cd build && make -s print-long-tests)" "$@" ;;
  sanitize) phase "ASan+UBSan: every test" build-asan "--enable-sanitizers" "$@" ;;
  valgrind) CDS_VALGRIND=1 phase "valgrind: every test" build "" "$@" ;;
  all | full)
    if [ "$mode" = all ]; then
      configured build && long_skipped
      BASELINE_SECONDS=${BASELINE_SECONDS:-120} phase "build + make check (without the long tests)" build "" \
        TESTS="$(ci_tests)" "$@"
    else
      phase "build + make check" build "" "$@"
    fi
    mkdir -p build-asan && (cd build-asan && ../configure --enable-sanitizers >/dev/null 2>&1)
    phase "ASan+UBSan: unit and mock-plugin tests" build-asan "--enable-sanitizers" TESTS="$(c_tests)"
    CDS_VALGRIND=1 phase "valgrind memcheck: the daemon with our plugins" build "" \
      TESTS="tests/integration/timex.sh tests/integration/rng.sh tests/integration/pps.sh tests/integration/gpsd.sh tests/integration/ntp.sh"
    ;;
esac
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
