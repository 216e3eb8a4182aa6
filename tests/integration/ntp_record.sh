#!/bin/bash
# ntp_record.sh - (re)record the golden replay data in tests/data/ntp/ from
# REAL daemons on loopback (NTPsec ntpd and chronyd -x, both without
# CAP_SYS_TIME, SHM refclocks fed by ntp_shm.py), with what ntpq/chronyc
# print at the same moment as .ref files.  Not run by make check (the data
# is committed); run from the build directory after `make`:
#   TOP_SRCDIR=.. ../tests/integration/ntp_record.sh
# then `tests/plugin/test_ntp_replay -b` and review the .chk diff.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
it_begin ntp_record
it_lock ntpd
D="$TOP_SRCDIR/tests/data/ntp"
R="$TOP_BUILDDIR/tests/plugin/test_ntp_replay"
mkdir -p "$D"
ntp_shm_start 6 0.0025 0.0002 1 >/dev/null
ntp_shm_start 7 -0.0015 0.0001 0.5 >/dev/null
ntpd_conf "$T/ntpd.conf" "server 127.0.0.1 iburst minpoll 3 maxpoll 3" \
  "refclock shm unit 6 refid GPS minpoll 3 maxpoll 3"
ntpd_start "$T/ntpd.conf" || exit 1
CPORT=$(free_udp_port)
chronyd_shm_start 7 "$CPORT" || exit 1
CS=$CSOCK
for _ in $(seq 90); do
  ntpq -c as 127.0.0.1 | grep -q sys.peer &&
    "$CHRONYC" -h "$CS" -c sources | grep -q '^#,\*' && break
  sleep 1
done
sleep 9 # a few more polls: reach grows
hdr="# $(date -u +%FT%TZ) $(uname -srm); ntpsec $(dpkg-query -W -f '${Version}' ntpsec)"

rv() { ntpq -c "rv $1 $2" 127.0.0.1 | tr -d '\n' | sed -n "s/.*$2=\\([^,]*\\).*/\\1/p"; }
ms() { awk -v v="$1" 'BEGIN { printf "%.12g", v / 1000 }'; }
# ---- NTPsec: a whole reading + ntpq at the same moment ----
"$R" record-ntpd 127.0.0.1 123 "$D/ntpsec.conv" >/dev/null
sed -i "1a $hdr" "$D/ntpsec.conv"
shm=$(ntpq -c as 127.0.0.1 | awk '$7 == "sys.peer" { print $2 }')
self=$(ntpq -c as 127.0.0.1 | awk '$1 ~ /^[0-9]+$/ && $7 != "sys.peer" { print $2 }')
{
  echo "$hdr"
  echo "# KEY VALUE TOLERANCE, from ntpq -c \"rv ASSOC VAR\" right after the recording"
  echo "sys/stratum $(rv 0 stratum) 0"
  echo "sys/leap $((2#$(rv 0 leap))) 0"
  echo "sys/offset_s $(ms "$(rv 0 offset)") 1e-9"
  echo "sys/clk_jitter_s $(ms "$(rv 0 clk_jitter)") 1e-9"
  echo "sys/root_delay_s $(ms "$(rv 0 rootdelay)") 1e-6"
  echo "sys/root_dispersion_s $(ms "$(rv 0 rootdisp)") 2e-4"
  echo "sys/n_peers $(ntpq -c as 127.0.0.1 | grep -cE '^ *[0-9]+ ') 0"
  echo "peer/SHM(6)/offset_s $(ms "$(rv "$shm" offset)") 1e-9"
  echo "peer/SHM(6)/jitter_s $(ms "$(rv "$shm" jitter)") 1e-9"
  echo "peer/SHM(6)/stratum $(rv "$shm" stratum) 0"
  echo "peer/SHM(6)/reach $(python3 -c "print(bin(int('$(rv "$shm" reach)', 8)).count('1'))") 0"
  echo "peer/SHM(6)/selection 6 0"
  echo "peer/SHM(6)/poll_s $((1 << $(rv "$shm" hpoll))) 0"
  echo "peer/SHM(6)/peer_poll_s $((1 << $(rv "$shm" ppoll))) 0"
  echo "peer/127.0.0.1/reach 0 0"
  echo "peer/127.0.0.1/stratum $(rv "$self" stratum) 0"
} >"$D/ntpsec.ref"
# derived: the daemon dies after the first answer (requests after it
# unanswered): the reading fails and everything is unknown
awk '/^>/ { n++ } n <= 1 || /^>/ || /^#/' "$D/ntpsec.conv" |
  sed '2a # DERIVED from ntpsec.conv: answers after the first exchange removed (daemon gone mid-reading)' \
    >"$D/ntpsec_dies.conv"

# ---- single mode 6 queries ----
m6() { "$R" record-m6 127.0.0.1 123 "$@"; }
m6 1 0 11 - "$D/readstat.m6"
m6 2 0 12 - "$D/readvar_sys_default.m6"
m6 2 "$shm" 13 - "$D/readvar_peer_2frag.m6"
m6 4 0 14 - "$D/readclock_shm.m6"
m6 2 9999 15 - "$D/error_bad_assoc.m6"
m6 2 0 16 "offset,nonexistent" "$D/error_unknown_var.m6"
sed 's/^expect 2 \([0-9]*\) 13$/expect 2 \1 14/' "$D/readvar_peer_2frag.m6" |
  sed '1a # DERIVED from readvar_peer_2frag.m6: the client expects sequence 14, the datagrams carry 13 (a late answer to an old query)' \
    >"$D/wrong_sequence.m6"
awk '/^</ { n++; if (n == 2) { print substr($0, 1, 2 + 2 * 100); next } } { print }' \
  "$D/readvar_peer_2frag.m6" |
  sed '1a # DERIVED from readvar_peer_2frag.m6: the 2nd datagram truncated to 100 octets' \
    >"$D/truncated.m6"

# ---- chrony: Unix socket and UDP ----
"$R" record-chrony "$CS" - "$D/chrony.conv" >/dev/null
sed -i "1a $hdr; chrony 4.3 (Unix socket)" "$D/chrony.conv"
tr=$("$CHRONYC" -h "$CS" -c tracking)
src=$("$CHRONYC" -h "$CS" -c sources | grep GPS7)
sst=$("$CHRONYC" -h "$CS" -c sourcestats | grep GPS7)
f() { echo "$1" | cut -d, -f"$2"; }
neg() { awk -v v="$1" 'BEGIN { printf "%.9f", -v }'; }
{
  echo "$hdr; chrony 4.3"
  echo "# KEY VALUE TOLERANCE, from chronyc -c tracking|sources|sourcestats right after the recording"
  echo "sys/stratum $(f "$tr" 3) 0"
  echo "sys/offset_s $(f "$tr" 5) 1e-5"
  echo "sys/rms_offset_s $(f "$tr" 7) 1e-8"
  echo "sys/frequency_ppm $(neg "$(f "$tr" 8)") 1e-3"
  echo "sys/wander_ppm $(f "$tr" 10) 1e-3"
  echo "sys/root_delay_s $(f "$tr" 11) 1e-9"
  echo "sys/root_dispersion_s $(f "$tr" 12) 1e-4"
  echo "peer/GPS7/offset_s $(neg "$(f "$src" 8)") 1e-9"
  echo "peer/GPS7/dispersion_s $(f "$src" 10) 1e-9"
  echo "peer/GPS7/jitter_s $(f "$sst" 8) 1e-9"
  echo "peer/GPS7/selection 6 0"
  echo "peer/GPS7/poll_s $((1 << $(f "$src" 5))) 0"
  echo "# NP, NR: a new sample may arrive between the recording and chronyc"
  echo "peer/GPS7/n_samples $(f "$sst" 2) 1"
  echo "peer/GPS7/n_runs $(f "$sst" 3) 2"
  echo "peer/GPS7/skew_ppm $(f "$sst" 6) 1e-3"
} >"$D/chrony.ref"
"$R" record-chrony 127.0.0.1 "$CPORT" "$D/chrony_udp.conv" >/dev/null
sed -i "1a $hdr; chrony 4.3 (UDP)" "$D/chrony_udp.conv"
ls -l "$D"
