#!/bin/bash
# run.sh: the gpsd plugin, only when a gpsd answers on localhost:2947
# (GPSD_PORT: another port, e.g. a gpsfake replay's).
# $1 = a temp dir (unused).
port=${GPSD_PORT:-2947}
if command -v gpspipe >/dev/null 2>&1 &&
   timeout 3 gpspipe -w -n 1 "localhost:$port" 2>/dev/null | grep -q '"class":"VERSION"'; then
  cat <<CONF
LoadPlugin gpsd
<Plugin gpsd>
  <Server "local">
    Host "localhost"
    Port "$port"
    MaxAge 5
  </Server>
</Plugin>
CONF
fi
exit 0
