#!/bin/bash
# run.sh: the gpsd plugin, only when a gpsd answers on localhost:2947
# (GPSD_PORT: another port, e.g. a gpsfake replay's).
# $1 = a temp dir (unused).  RUN_STABILITY=1 (run.sh --graphs): Stability
# true, for the ADEV plot.
port=${GPSD_PORT:-2947}
stab=""
[ "${RUN_STABILITY:-0}" = 1 ] && stab=$'\n  Stability true\n  StabilityWindow 3600'
if command -v gpspipe >/dev/null 2>&1 &&
   timeout 3 gpspipe -w -n 1 "localhost:$port" 2>/dev/null | grep -q '"class":"VERSION"'; then
  cat <<CONF
LoadPlugin gpsd
<Plugin gpsd>$stab
  <Server "local">
    Host "localhost"
    Port "$port"
    MaxAge 5
  </Server>
</Plugin>
CONF
fi
exit 0
