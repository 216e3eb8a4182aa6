#!/bin/sh
# run.sh: the pps plugin only where the kernel has PPS sources
# (/sys/class/pps/ppsN); on a machine without any, print nothing.
for d in /sys/class/pps/pps*; do
  [ -e "$d" ] || exit 0
  cat <<'CONF'
LoadPlugin pps
<Plugin pps>
  Discover true
</Plugin>
CONF
  exit 0
done
