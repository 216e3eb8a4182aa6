#!/bin/bash
# run.d/ntp.sh - the ntp plugin's lines for the demo: one <Server> block per
# time daemon that answers on this machine (NTPsec/ntpd on 127.0.0.1:123,
# chronyd on 127.0.0.1:323 or its Unix socket); nothing if none answers.
# $1: the demo's temp dir (unused).  CHRONY_CMDPORT: chronyd's UDP command
# port if not 323.  RUN_STABILITY=1 (run.sh --graphs): Stability true in
# every <Server>, for the ADEV plot (window 3600 s: 3600 readings).
servers=""
stab=""
[ "${RUN_STABILITY:-0}" = 1 ] && stab='    Stability true
    StabilityWindow 3600
'
if command -v ntpq >/dev/null &&
   timeout 3 ntpq -c "rv 0 stratum" 127.0.0.1 2>/dev/null | grep -q stratum=; then
  servers+="  <Server \"ntpd\">
    Protocol \"ntpd\"
    Host \"127.0.0.1\"
$stab  </Server>
"
fi
chronyc=$(command -v chronyc || ls /var/tmp/cds-chrony-root/usr/bin/chronyc 2>/dev/null)
for sock in /run/chrony/chronyd.sock /var/run/chrony/chronyd.sock; do
  if [ -S "$sock" ]; then
    servers+="  <Server \"chrony\">
    Protocol \"chrony\"
    Socket \"$sock\"
$stab  </Server>
"
    break
  fi
done
if [ -n "$chronyc" ] && ! echo "$servers" | grep -q '"chrony"' &&
   timeout 3 "$chronyc" -h 127.0.0.1 -p "${CHRONY_CMDPORT:-323}" -c tracking >/dev/null 2>&1; then
  servers+="  <Server \"chrony\">
    Protocol \"chrony\"
    Host \"127.0.0.1\"
    Port ${CHRONY_CMDPORT:-323}
$stab  </Server>
"
fi
[ -n "$servers" ] || exit 0
printf 'LoadPlugin ntp\n<Plugin ntp>\n%s</Plugin>\n' "$servers"
