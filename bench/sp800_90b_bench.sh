#!/bin/bash
# bench/sp800_90b_bench.sh [BENCH] [MB] - SP 800-90B health tests and
# estimators (bench/sp800_90b_bench) on MB MiB of /dev/urandom (default
# 128, a temporary file), and rngtest (rng-tools5) on the same file in the
# same run.  What is compared: rngtest runs the FIPS 140-2 block tests
# (monobit, poker, runs, long run, continuous) on 20000-bit blocks, reading
# the file on stdin; sp800_90b runs the SP 800-90B RCT + APT on data already
# in memory.  Different tests: the ratio is the cost of continuous health
# testing by each, not a like-for-like algorithm comparison.
#   make bench-sp800-90b      (from the build directory)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${1:-$top/build/bench/sp800_90b_bench}
MB=${2:-128}
RNGTEST=${RNGTEST:-/usr/bin/rngtest}
[ -x "$BENCH" ] || { echo "no $BENCH (make check builds it)"; exit 1; }
. "$top/bench/bench_input.sh"
bench_input sp90b-bench "$MB"
echo "input: $bytes bytes from /dev/urandom; $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)"
"$BENCH" "$in" ${SAMPLES:-} | tee "$dir/out"
read -r mb8 mb1 < <(awk '/^HEALTH_MBPS/ { print $2, $3 }' "$dir/out")
if [ -x "$RNGTEST" ]; then
  t=$(secs "$RNGTEST")
  r=$(awk -v t="$t" -v n="$bytes" 'BEGIN { printf "%.1f", n / t / 1e6 }')
  grep -E 'successes|failures:' "$dir/err" | sed 's/^/  rngtest /'
  echo "rngtest (FIPS 140-2, file on stdin): $r MB/s"
  awk -v a="$mb8" -v b="$mb1" -v r="$r" 'BEGIN {
    printf "ratio sp800_90b health / rngtest: 8-bit samples %.1fx, 1-bit samples %.1fx\n", a / r, b / r }'
else
  echo "no rngtest (apt-get install rng-tools5): ratio not measured"
fi
