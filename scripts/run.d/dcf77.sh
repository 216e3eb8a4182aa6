#!/bin/bash
# run.d/dcf77.sh TMPDIR - collectd.conf lines for the dcf77 plugin, only when
# this machine has something to watch: a PARSE refclock in a running ntpd
# (answering mode 6 on 127.0.0.1) and/or a Gude mouseCLOCK USB v2.0
# (USB 0403:e88a).  Prints nothing otherwise.  RUN_STABILITY=1 (run.sh
# --graphs): Stability true in each block, for the ADEV plot (τ0 = 60 s).
blocks=""
stab=""
[ "${RUN_STABILITY:-0}" = 1 ] && stab='
    Stability true
    StabilityWindow 3600'
if command -v ntpq >/dev/null &&
   timeout 3 ntpq -c raw -c as 127.0.0.1 2>/dev/null | awk '$1 ~ /^[0-9]+$/ {print $2}' |
   while read -r a; do timeout 2 ntpq -c raw -c "rv $a srcadr" 127.0.0.1 2>/dev/null; done |
   grep -q 'srcadr=127\.127\.8\.'; then
  blocks="$blocks
  <Ntpd \"ntpd\">
    Host \"127.0.0.1\"$stab
  </Ntpd>"
fi
for d in /sys/bus/usb/devices/*; do
  [ "$(cat "$d/idVendor" 2>/dev/null)" = 0403 ] &&
    [ "$(cat "$d/idProduct" 2>/dev/null)" = e88a ] || continue
  blocks="$blocks
  <Receiver \"mouseclock\">
    UdevMatch \"0403:e88a\"
    Type \"mouseclock\"$stab
  </Receiver>"
  break
done
[ -n "$blocks" ] || exit 0
echo "LoadPlugin dcf77"
echo "<Plugin dcf77>$blocks"
echo "</Plugin>"
