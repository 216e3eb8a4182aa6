#!/bin/bash
# bench/rng_fipstest.sh [FIPSTEST] [MB] - fipstest against rngtest on the
# same input (default 128 MB from /dev/urandom, in a temporary file), in one
# run: each program reads the file on stdin (page cache) and through a pipe
# (cat | prog); wall-clock throughput, best of 3 for fipstest (rngtest is
# slow enough for one run), and the ratio.  Also fipstest's code paths, and
# fipstest --sp800-90b (both test families: FIPS 140-2 and the SP 800-90B
# health tests and estimates, 8-bit and 1-bit samples) against rngtest.
#   make bench-rng        (from the build directory)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
FIPSTEST=${1:-$top/build/tools/fipstest}
MB=${2:-128}
RNGTEST=${RNGTEST:-/usr/bin/rngtest}
[ -x "$FIPSTEST" ] || { echo "no fipstest at $FIPSTEST (build first)"; exit 1; }
[ -x "$RNGTEST" ] || { echo "no rngtest (apt-get install rng-tools5)"; exit 1; }
. "$top/bench/bench_input.sh"
bench_input rng-bench "$MB"

best() { # best of 3
  local b="" s
  for _ in 1 2 3; do
    s=$("$@")
    if [ -z "$b" ] || awk -v s="$s" -v b="$b" 'BEGIN { exit !(s < b) }'; then b=$s; fi
  done
  echo "$b"
}
calc() { awk "BEGIN { printf \"%.1f\\n\", $1 }"; }
mbps() { calc "$bytes / $1 / 1e6"; }
mibits() { calc "$bytes * 8 / $1 / 1048576"; }

echo "input: $bytes bytes ($MB MiB) from /dev/urandom; $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "fipstest default code path: $("$FIPSTEST" -c 1 < "$in" 2>&1 >/dev/null | head -1)"
r_file=$(secs "$RNGTEST")
grep -E 'successes|failures:' "$dir/err" | sed 's/^/  rngtest  /'
f_file=$(best secs "$FIPSTEST")
grep -E 'successes|failures:' "$dir/err" | sed 's/^/  fipstest /'
r_pipe=$(secs_pipe "$RNGTEST")
f_pipe=$(best secs_pipe "$FIPSTEST")
s_file=$(best secs "$FIPSTEST" --sp800-90b)
grep -E 'SP 800-90B (Rep|Adap|min-entropy:)' "$dir/err" | sed 's/^/  fipstest --sp800-90b /'
s1_file=$(best secs "$FIPSTEST" --sp800-90b --sample-bits=1)
printf '%-28s %10s %12s %12s\n' "" "seconds" "MB/s" "Mibit/s"
printf '%-28s %10s %12s %12s\n' "rngtest  < file" "$r_file" "$(mbps "$r_file")" "$(mibits "$r_file")"
printf '%-28s %10s %12s %12s\n' "fipstest < file" "$f_file" "$(mbps "$f_file")" "$(mibits "$f_file")"
printf '%-28s %10s %12s %12s\n' "rngtest  (cat | pipe)" "$r_pipe" "$(mbps "$r_pipe")" "$(mibits "$r_pipe")"
printf '%-28s %10s %12s %12s\n' "fipstest (cat | pipe)" "$f_pipe" "$(mbps "$f_pipe")" "$(mibits "$f_pipe")"
printf '%-28s %10s %12s %12s\n' "fipstest --sp800-90b < file" "$s_file" "$(mbps "$s_file")" "$(mibits "$s_file")"
printf '%-28s %10s %12s %12s\n' "  ... --sample-bits=1" "$s1_file" "$(mbps "$s1_file")" "$(mibits "$s1_file")"
for impl in generic popcnt avx2; do
  s=$(best secs "$FIPSTEST" --impl=$impl)
  grep -q 'not available' "$dir/err" && continue
  printf '%-28s %10s %12s %12s\n' "fipstest --impl=$impl" "$s" "$(mbps "$s")" "$(mibits "$s")"
done
echo "ratio fipstest/rngtest, file: $(calc "$r_file / $f_file")x"
echo "ratio fipstest/rngtest, pipe: $(calc "$r_pipe / $f_pipe")x"
echo "ratio fipstest --sp800-90b (FIPS 140-2 + SP 800-90B)/rngtest (FIPS 140-2), file: $(calc "$r_file / $s_file")x (1-bit samples: $(calc "$r_file / $s1_file")x)"
