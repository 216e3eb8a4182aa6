#!/bin/sh
# run.sh: the pps plugin only where the kernel has PPS sources
# (/sys/class/pps/ppsN); on a machine without any, print nothing.
# RUN_STABILITY=1 (run.sh --graphs): Stability true, for the ADEV plot.
for d in /sys/class/pps/pps*; do
  [ -e "$d" ] || exit 0
  printf 'LoadPlugin pps\n<Plugin pps>\n  Discover true\n'
  [ "${RUN_STABILITY:-0}" = 1 ] && printf '  Stability true\n  StabilityWindow 3600\n'
  printf '</Plugin>\n'
  exit 0
done
