#!/bin/bash
# dcf77_record.sh - (re)record the golden replay data of dcf77's <Ntpd> in
# tests/data/dcf77/ from a REAL NTPsec ntpd running its PARSE driver
# (refclock generic subtype 19) on two ptys fed by dcf77_feed.py, in a
# private network namespace, without CAP_SYS_TIME (as dcf77_ntpsec.sh).
# Each reading comes with what ntpq printed right after it (NAME.ref).  Not
# run by make check (the data is committed; about 5 minutes); run from the
# build directory after `make`:
#   TOP_SRCDIR=.. ../tests/integration/dcf77_record.sh
# then `tests/plugin/test_dcf77_replay -b` and review the .chk diff.
#   startup.conv     unit 0 before its first time code
#   nominal.conv     unit 0 *NOMINAL with a fresh time code
#   bad_format.conv  unit 0 fed garbage: *BAD FORMAT
#   silent.conv      unit 1 silent for longer than MaxAge: still *NOMINAL
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
if [ -z "${DCF77_IN_NETNS:-}" ]; then
  [ "$(id -u)" = 0 ] || skip_all "needs root (network namespace)"
  exec unshare -n env DCF77_IN_NETNS=1 "$0" "$@"
fi
ip link set lo up 2>/dev/null || skip_all "cannot bring up loopback in the namespace"
it_begin dcf77_record
it_lock ntpd
D="$TOP_SRCDIR/tests/data/dcf77"
R="$TOP_BUILDDIR/tests/plugin/test_dcf77_replay"
hdr="# $(date -u +%FT%TZ) $(uname -srm); ntpsec $(dpkg-query -W -f '${Version}' ntpsec)"
dcf77_feed_start "$T/feed.ready" "$T/feed.log" "$T/dcf77-0:0.425" "$T/dcf77-1:0.425" ||
  { ok 1 "feeder made two ptys"; it_end; exit 1; }
ntpd_dcf77_start || { ok 1 "ntpd runs without CAP_SYS_TIME"; it_end; exit 1; }

cv() { ntpq -c raw -c "cv $1" 127.0.0.1 2>/dev/null | tr -d '\r' | tr '\n' ' '; }
assoc_of() { # assoc id of 127.127.8.$1
  local a
  for a in $(ntpq -c as 127.0.0.1 2>/dev/null | awk '$1 ~ /^[0-9]+$/ {print $2}'); do
    ntpq -c raw -c "rv $a srcadr" 127.0.0.1 2>/dev/null | tr -d '\r' |
      grep -qE "srcadr=127\.127\.8\.$1(,|\$)" && { echo "$a"; return; }
  done
}
# record NAME UNIT: the reading, then ntpq's view of the same association
record() {
  local a
  a=$(assoc_of "$2")
  "$R" record 127.0.0.1 123 "$2" "$D/$1.conv" >"$T/$1.canon" || diag "$1: reading failed"
  sed -i "1a $hdr" "$D/$1.conv"
  CV=$(cv "$a") RV=$(ntpq -c raw -c "rv $a offset,jitter,reach" 127.0.0.1 2>/dev/null | tr -d '\r' | tr '\n' ' ') \
    HDR="$hdr" python3 - >"$D/$1.ref" <<'PY'
import os, re
cv, rv = os.environ["CV"], os.environ["RV"]
names = ["NOMINAL", "NO RESPONSE", "BAD FORMAT", "FAULT", "PROPAGATION DELAY",
         "ILLEGAL DATE", "ILLEGAL TIME"]
keys = ["nominal", "no_response", "bad_format", "fault", "propagation",
        "illegal_date", "illegal_time"]
print(os.environ["HDR"])
print("# KEY VALUE TOLERANCE, from ntpq -c raw -c \"cv A\" -c \"rv A offset,jitter,reach\" right after the reading")
print("# (counters and percentages: a poll, or a second of running time, may pass in between)")
def var(name):
    m = re.search(r'(?:^|[ ,])' + name + r'=("[^"]*"|[^,]*)', cv + ", " + rv)
    return m.group(1).strip('"') if m else None
for k in ("poll", "noreply", "badformat", "baddata"):
    if var(k) is not None:
        print("%s %s 1" % ("polls" if k == "poll" else k, var(k)))
states = var("refclock_states") or ""
for n, k in zip(names, keys):
    m = re.search(r'(\*?)' + n + r': [^(]*\(([0-9.]+)%\)', states)
    if m:
        print("state_pct/%s %s 1" % (k, m.group(2)))
        if m.group(1):
            print("current_state %d 0" % names.index(n))
# the flags set now; the parenthesised list after them is what the
# receiver type can report, not what is set (NTPsec
# ntpd/refclock_generic.c parse_control(); common/dcf77_refclock.h)
st = (var("refclock_status") or "").split("(")[0]
print("time_code %d 0" % ("TIME CODE" in st))
print("leap_announce %d 0" % bool(re.search(r"LEAP (ADD|DELETE) WARNING", st)))
print("call_bit %d 0" % ("CALL BIT" in st))
for k, tol in (("offset", 1e-9), ("jitter", 1e-9)):
    if var(k) is not None:
        print("%s_s %.12g %g" % (k, float(var(k)) / 1000, tol))
if var("reach") is not None:
    print("reach %d 0" % int(var("reach"), 0))
PY
  diag "$1 (assoc $a): $(tr '\n' ' ' <"$T/$1.canon" | cut -c1-300)"
}

a0=
for _ in $(seq 30); do a0=$(assoc_of 0); [ -n "$a0" ] && break; sleep 1; done
[ -n "$a0" ]
ok $? "NTPsec has the PARSE association of unit 0 ($a0)"
cv "$a0" | grep -q 'refclock_time="<UNDEFINED>\|refclock_time=""' || diag "unit 0 already has a time code"
record startup 0
for i in $(seq 60); do
  cv "$a0" | grep -q 'refclock_status="TIME CODE' && cv "$a0" | grep -q '\*NOMINAL' &&
    [ "$(cv "$(assoc_of 1)" | grep -c 'refclock_status="TIME CODE')" = 1 ] && break
  sleep 5
done
sleep 3 # a poll with a sample: reach bit 0 set
cv "$a0" | grep -q '\*NOMINAL'
ok $? "unit 0 *NOMINAL after $((i * 5)) s"
record nominal 0
touch "$T/dcf77-0.garbage" "$T/dcf77-1.pause"
for i in $(seq 50); do cv "$a0" | grep -q 'refclock_states="[^"]*\*BAD FORMAT' && break; sleep 2; done
cv "$a0" | grep -q 'refclock_states="[^"]*\*BAD FORMAT'
ok $? "unit 0 *BAD FORMAT after garbage"
record bad_format 0
sleep 35 # unit 1's last time code older than MaxAge (30 s)
record silent 1
grep -q '^receiving=0' "$T/silent.canon"
ok $? "unit 1 silent: not receiving"
ls -l "$D"
it_end
