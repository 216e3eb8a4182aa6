#!/bin/bash
# fipstest --sp800-90b: NIST SP 800-90B health tests (RCT, APT) and
# min-entropy estimates on files and a pipe, next to the FIPS 140-2 tests.
#  - seeded random data with one run of 9 equal bytes (the RCT cutoff at the
#    defaults H = 4, alpha = 2^-30: 1 + ceil(30 / 4)) that passes FIPS 140-2:
#    exit 0 without the flag, exit 1 and exactly 1 RCT failure with it; in
#    pipe mode the block with the failure is not written;
#  - a stuck source (one random block, then 4 blocks of zeros): exactly
#    1 + floor((10000 - 9) / 8) = 1249 RCT failures (no zero at the end of
#    the random part), an APT failure per window of zeros, the estimate
#    below the claimed H, exit 1;
#  - /dev/urandom through a pipe (4 MiB): no health-test failure, estimates
#    above the claimed H and near 8 bits per byte (1 bit per bit with
#    --sample-bits 1); exit 0 unless a FIPS block failed (p = 0.08 %);
#  - bad SP 800-90B options: exit 10 with the option named.
# FIPSTEST=... runs it against another binary.
. "$(dirname "$0")/../lib/collectd.sh"
IT_NAME=rng_fipstest_sp90b
FIPSTEST=${FIPSTEST:-$TOP_BUILDDIR/tools/fipstest}
[ -x "$FIPSTEST" ] || skip_all "fipstest not built"
command -v python3 >/dev/null || skip_all "python3 not installed"
T=$(mktemp -d "${TMPDIR:-/tmp}/cds-it-rngsp90b.XXXXXX")
trap 'rm -rf "$T"' EXIT

# val FILE TEXT: the number after "rngtest: TEXT: " (last dump), or "none".
val() {
  local v
  v=$(grep -F "rngtest: $2: " "$1" | tail -n 1 | sed "s/^rngtest: $2: //; s/[ (].*//")
  echo "${v:-none}"
}
# est FILE: the min-entropy estimate, or "none".
est() {
  local v
  v=$(grep -F 'rngtest: SP 800-90B min-entropy: ' "$1" | tail -n 1 | awk '{ print $5 }')
  echo "${v:-none}"
}
above() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "none" && a + 0 > b + 0) }'; }

# Seeded inputs: 4 bootstrap bytes + blocks (bytes 1..255 where it matters).
python3 - "$T" <<'PY'
import random, sys
d = sys.argv[1]
r = random.Random(20261203)
def nz(n):
    return bytes(r.randrange(1, 256) for _ in range(n))
boot = nz(4)
# 40 blocks; block 3 (offset 2500 * 3 + 1001 of the data: 1 mod 4, so the
# run covers one aligned 32-bit word, not two - no continuous-test failure)
data = bytearray(r.randbytes(40 * 2500))
o = 3 * 2500 + 1001
data[o - 1], data[o + 9] = 0x11, 0x22
data[o:o + 9] = b"\x6c" * 9
open(d + "/run9", "wb").write(boot + bytes(data))
open(d + "/stuck", "wb").write(boot + nz(2500) + bytes(4 * 2500))
PY

# 1. one run of 9 equal bytes
"$FIPSTEST" <"$T/run9" 2>"$T/run9.plain"
rc_plain=$?
is "$(val "$T/run9.plain" "FIPS 140-2 failures")" 0 "run9: passes FIPS 140-2 (the seed is fit for this test)"
is "$rc_plain" 0 "run9 without --sp800-90b: exit 0 (FIPS behaviour unchanged)"
ok "$(grep -c 'SP 800-90B' "$T/run9.plain")" "run9 without --sp800-90b: no SP 800-90B line"
"$FIPSTEST" --sp800-90b <"$T/run9" 2>"$T/run9.err"
rc=$?
sed 's/^/# /' "$T/run9.err" | grep 'SP 800-90B'
is "$rc" 1 "run9 --sp800-90b: exit 1 (a health test failed)"
is "$(val "$T/run9.err" "SP 800-90B Repetition Count Test failures")" 1 "run9: exactly 1 RCT failure"
is "$(grep -c 'cutoff 9 identical samples' "$T/run9.err")" 1 "run9: the RCT cutoff printed is 9"
is "$(val "$T/run9.err" "SP 800-90B Adaptive Proportion Test failures")" 0 "run9: no APT failure"
is "$(val "$T/run9.err" "SP 800-90B samples")" 100000 "run9: 100000 samples (the 40 blocks, not the bootstrap word)"
is "$(val "$T/run9.err" "FIPS 140-2 successes")" 40 "run9 --sp800-90b: the FIPS counters are unchanged"
out=$( (head -c 4 "$T/run9"; cat "$T/run9") | "$FIPSTEST" -p --sp800-90b 2>/dev/null | wc -c)
is "$out" 97500 "run9 -p --sp800-90b: the block with the RCT failure is not written (39 of 40)"

# 2. stuck after one block
"$FIPSTEST" --sp800-90b <"$T/stuck" 2>"$T/stuck.err"
rc=$?
sed 's/^/# /' "$T/stuck.err" | grep 'SP 800-90B'
is "$rc" 1 "stuck: exit 1"
is "$(val "$T/stuck.err" "SP 800-90B Repetition Count Test failures")" 1249 "stuck: 1249 RCT failures (10000 zeros, cutoff 9)"
apt=$(val "$T/stuck.err" "SP 800-90B Adaptive Proportion Test failures")
ok "$(awk -v a="$apt" 'BEGIN { exit !(a != "none" && a >= 19 && a <= 20) }'; echo $?)" "stuck: 19..20 APT failures, one per window of zeros (got $apt)"
ok "$(grep -q 'min-entropy: .* (BELOW the claimed 4)' "$T/stuck.err"; echo $?)" "stuck: the estimate is reported below the claimed H"
is "$(val "$T/stuck.err" "SP 800-90B blocks with a failure")" 4 "stuck: 4 blocks with a failure"

# 3. /dev/urandom through a pipe
head -c $((4 << 20)) /dev/urandom | "$FIPSTEST" --sp800-90b 2>"$T/ur.err"
rc=$?
sed 's/^/# /' "$T/ur.err" | grep 'SP 800-90B'
is "$(val "$T/ur.err" "SP 800-90B Repetition Count Test failures")" 0 "urandom: no RCT failure"
is "$(val "$T/ur.err" "SP 800-90B Adaptive Proportion Test failures")" 0 "urandom: no APT failure"
e=$(est "$T/ur.err")
ok "$(above "$e" 4 && echo 0 || echo 1)" "urandom: min-entropy $e above the claimed 4 bits per byte"
near "$e" 7.9 0.1 "urandom: min-entropy near 8 bits per byte (99 % lower bound over 1 MiB: ~7.89)"
ok "$(grep -q 'over the last 1048576 samples' "$T/ur.err"; echo $?)" "urandom: estimated over the last 1 MiB (the default window)"
fails=$(val "$T/ur.err" "FIPS 140-2 failures")
is "$rc" "$([ "$fails" = 0 ] && echo 0 || echo 1)" "urandom: exit status set by FIPS alone ($fails FIPS failures)"
head -c $((1 << 20)) /dev/urandom | "$FIPSTEST" --sp800-90b --sample-bits=1 --alpha=40 2>"$T/ur1.err"
sed 's/^/# /' "$T/ur1.err" | grep 'SP 800-90B'
blocks=$(awk -v a="$(val "$T/ur1.err" "FIPS 140-2 successes")" -v b="$(val "$T/ur1.err" "FIPS 140-2 failures")" 'BEGIN { print (a + b) * 20000 }')
is "$(val "$T/ur1.err" "SP 800-90B samples")" "$blocks" "urandom 1-bit: every bit of the blocks is a sample"
is "$(grep -c 'cutoff 81 identical samples' "$T/ur1.err")" 1 "urandom 1-bit, alpha 2^-40: RCT cutoff 1 + 40 / 0.5 = 81"
e=$(est "$T/ur1.err")
near "$e" 0.98 0.02 "urandom 1-bit: min-entropy near 1 bit per bit"
is "$(val "$T/ur1.err" "SP 800-90B Repetition Count Test failures")" 0 "urandom 1-bit: no RCT failure"

# 4. bad options
for bad in "--sample-bits=4" "--claimed-entropy=9" "--alpha=10" "--sample-bits=1 --claimed-entropy=2"; do
  # shellcheck disable=SC2086
  "$FIPSTEST" --sp800-90b $bad </dev/null 2>"$T/bad.err"
  rc=$?
  name=${bad%%=*}; name=${bad##* }; name=${name%%=*}
  ok "$( [ "$rc" = 10 ] && grep -q -- "$name" "$T/bad.err" && echo 0 || echo 1)" "$bad: exit 10 naming $name (got $rc: $(head -1 "$T/bad.err"))"
done
it_end
