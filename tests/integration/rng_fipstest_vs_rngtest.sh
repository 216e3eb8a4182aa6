#!/bin/bash
# fipstest against the installed rngtest (Debian rng-tools5, /usr/bin/rngtest)
# on the same inputs: random, biased, sticky, crafted (tests/integration/
# rng_gen.py, seeded) and fresh /dev/urandom data.
#  - fipstest --rngtest5 (the runs-test bug of rng-tools 5 reproduced) must
#    print exactly rngtest's counters: bits received, successes, failures
#    and all five per-test counts, with the same exit code;
#  - fipstest (the correct runs test) must agree with rngtest on bits
#    received, Monobit, Long run and Continuous run everywhere, and on
#    successes and the exit code wherever the runs-test bug plays no part
#    (every kind but "sticky" and "runsbug", which exist to provoke it, and
#    fresh random data, where it can strike: then the successes may differ
#    by at most the difference in Runs and Poker counts).
# Poker and Runs of the correct mode are checked against the bit-by-bit
# reference in tests/unit/test_fips.c.
. "$(dirname "$0")/../lib/collectd.sh"
IT_NAME=rng_fipstest
RNGTEST=${RNGTEST:-/usr/bin/rngtest}
FIPSTEST=$TOP_BUILDDIR/tools/fipstest
GEN="python3 $TOP_SRCDIR/tests/integration/rng_gen.py"
[ -x "$RNGTEST" ] || skip_all "rngtest not installed (Debian package rng-tools5)"
[ -x "$FIPSTEST" ] || skip_all "fipstest not built"
T=$(mktemp -d "${TMPDIR:-/tmp}/cds-it-rngfips.XXXXXX")
trap 'rm -rf "$T"' EXIT

# counters FILE: "bits succ fail mono poker runs long cont" of the LAST dump.
counters() {
  grep -E '^rngtest: (bits received|FIPS 140-2)' "$1" | tail -n 8 | sed 's/.*: //' | paste -sd' '
}
field() { echo "$1" | cut -d' ' -f"$2"; }

# run_both INPUT [OPTIONS]: r_rng r_v5 r_ok = counter lines; e_* exit codes.
run_both() {
  local in=$1
  shift
  "$RNGTEST" "$@" <"$in" >"$T/o.rng" 2>"$T/e.rng"
  e_rng=$?
  "$FIPSTEST" --rngtest5 "$@" <"$in" >"$T/o.v5" 2>"$T/e.v5"
  e_v5=$?
  "$FIPSTEST" "$@" <"$in" >"$T/o.ok" 2>"$T/e.ok"
  e_ok=$?
  r_rng=$(counters "$T/e.rng")
  r_v5=$(counters "$T/e.v5")
  r_ok=$(counters "$T/e.ok")
}

compare() { # compare KIND DESC
  local kind=$1 d=$2
  diag "$d: rngtest [$r_rng] exit $e_rng; fipstest [$r_ok] exit $e_ok"
  is "$r_v5" "$r_rng" "$d: fipstest --rngtest5 prints rngtest's 7 counters"
  is "$e_v5" "$e_rng" "$d: fipstest --rngtest5 exit code = rngtest's ($e_rng)"
  local f ok=0
  for f in 1 4 7 8; do # bits, Monobit, Long run, Continuous run
    [ "$(field "$r_ok" $f)" = "$(field "$r_rng" $f)" ] || ok=1
  done
  ok $ok "$d: fipstest = rngtest on bits received, Monobit, Long run, Continuous run"
  case $kind in
  sticky | runsbug | urandom)
    # Where the runs-test bug may change a block's outcome: as many blocks;
    # equal successes when Runs and Poker agree, else the successes differ
    # by no more than Runs and Poker do.
    is "$(($(field "$r_ok" 2) + $(field "$r_ok" 3)))" \
      "$(($(field "$r_rng" 2) + $(field "$r_rng" 3)))" "$d: same number of blocks tested"
    local ds dr dp
    ds=$(($(field "$r_ok" 2) - $(field "$r_rng" 2)))
    dp=$(($(field "$r_ok" 5) - $(field "$r_rng" 5)))
    dr=$(($(field "$r_ok" 6) - $(field "$r_rng" 6)))
    ok "$([ "${ds#-}" -le $((${dp#-} + ${dr#-})) ] && echo 0 || echo 1)" \
      "$d: successes differ ($ds) only as much as Poker ($dp) and Runs ($dr) do"
    ;;
  *)
    is "$(field "$r_ok" 2)" "$(field "$r_rng" 2)" "$d: fipstest successes = rngtest's"
    is "$e_ok" "$e_rng" "$d: fipstest exit code = rngtest's"
    ;;
  esac
}

# 1. Seeded inputs of every kind.
for kind in random biased sticky zeros ones alt repeat bootrepeat longrun monobit partial; do
  for seed in 1 2; do
    [ $seed = 2 ] && case $kind in zeros | ones | alt) continue ;; esac
    $GEN $kind $seed 240 >"$T/in" || { ok 1 "generate $kind"; continue; }
    run_both "$T/in"
    compare $kind "$kind (seed $seed)"
  done
done

# 2. The runs-test bug itself: one crafted block, passed by the FIPS 140-2
#    runs test, failed by rngtest 5's.
$GEN runsbug 1 1 >"$T/in"
run_both "$T/in"
compare runsbug "runsbug"
is "$(field "$r_rng" 6) $(field "$r_ok" 6) $(field "$r_ok" 2)" "1 0 1" \
  "runsbug: rngtest reports Runs 1; fipstest passes the block (Runs 0, 1 success)"

# 3. Fresh random data (4 MB from /dev/urandom).
head -c $((4 + 1600 * 2500)) /dev/urandom >"$T/in"
run_both "$T/in"
compare urandom "urandom 4 MB"

# 4. Options: -c, -b (every intermediate dump), -p (the good blocks echoed).
$GEN biased 3 60 >"$T/in"
run_both "$T/in" -c 7
compare biased "-c 7"
is "$(field "$r_ok" 1)" $((32 + 7 * 20000)) "-c 7: bits received = bootstrap + 7 blocks"
run_both "$T/in" -b 25
dumps() { grep -E '^rngtest: (bits received|FIPS 140-2)' "$1" | sed 's/.*: //' | paste -sd' '; }
is "$(dumps "$T/e.v5")" "$(dumps "$T/e.rng")" "-b 25: every statistics dump identical (--rngtest5)"
is "$(grep -c 'bits received' "$T/e.ok")" "$(grep -c 'bits received' "$T/e.rng")" "-b 25: as many dumps as rngtest"
run_both "$T/in" -p
compare biased "-p"
cmp -s "$T/o.v5" "$T/o.rng"
ok $? "-p: fipstest --rngtest5 writes exactly rngtest's good blocks to stdout"
cmp -s "$T/o.ok" "$T/o.rng"
ok $? "-p: fipstest writes the same good blocks"
is "$(grep 'bits sent' "$T/e.ok" | sed 's/.*: //')" "$(grep 'bits sent' "$T/e.rng" | sed 's/.*: //')" \
  "-p: bits sent to output identical"

# 5. Short inputs: nothing, 3 bytes (no bootstrap word), the bootstrap word
#    only, 104 bytes (no whole block).
for n in 0 3 4 104; do
  head -c $n "$T/in" >"$T/short"
  run_both "$T/short"
  is "$r_ok|$e_ok" "$r_rng|$e_rng" "$n-byte input: same counters and exit code ($e_rng)"
  is "$(grep -c 'entropy source drained' "$T/e.ok")" "$(grep -c 'entropy source drained' "$T/e.rng")" \
    "$n-byte input: 'entropy source drained' as rngtest"
done

# 6. Usage errors: exit 10 like rngtest.
for args in "-c x" "-b -1" "--no-such-option"; do
  # shellcheck disable=SC2086
  "$RNGTEST" $args </dev/null >/dev/null 2>&1
  a=$?
  # shellcheck disable=SC2086
  "$FIPSTEST" $args </dev/null >/dev/null 2>&1
  is $? "$a" "usage error '$args': exit code $a as rngtest"
done

# 7. The line texts: every stat line name of rngtest appears in fipstest's.
$GEN random 4 5 >"$T/in"
run_both "$T/in" -p
names() { sed -n 's/^\(rngtest: [^:(]*\):.*/\1/p' "$1" | sort; }
is "$(names "$T/e.ok" | paste -sd'|')" "$(names "$T/e.rng" | paste -sd'|')" "the same statistics line names"
it_end
