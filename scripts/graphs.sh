#!/bin/bash
# graphs.sh - draw PNG graphs of the last minutes from the RRD files that
# collectd's stock rrdtool plugin writes (scripts/run.sh --graphs calls it
# every 30 s and at exit).
#   scripts/graphs.sh RRDHOSTDIR OUTDIR [SECONDS]
# RRDHOSTDIR is the rrdtool plugin's DataDir/HOST; SECONDS the time span
# (default 600).  One PNG per subject, drawn only when its series exist:
#   offsets.png         offset of every time source to the system clock:
#                       NTP peers and daemons, GNSS receivers (TOFF),
#                       PPS edges, the kernel PLL
#   jitter.png          jitter of every source: NTP peers, PPS
#   gnss-satellites.png GPS vs GLONASS satellites used, per receiver
#   rng-fips.png        FIPS 140-2 failure ratio per test and source (%)
#   adev.svg            ADEV of every source, log-log (tools/timekeeper-report
#                       on RRDHOSTDIR's parent; only with GRAPHS_ADEV=1: it
#                       needs /usr/bin/python3 with matplotlib)
# Prints the path of every image written.
set -u
dir=$1 out=$2 span=${3:-600}
mkdir -p "$out" || exit 1
colors=(1f77b4 d62728 2ca02c ff7f0e 9467bd 8c564b e377c2 17becf bcbd22 000080)

# legend text: rrdtool treats ':' as a separator and '\' specially
esc() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/:/\\:/g'; }

# draw NAME TITLE VLABEL [rrdtool options, DEF/CDEF/LINE args...]: only if
# there is at least one line to draw.  The plot area's place in the image
# (rrdtool graphv's graph_left/top/width/height) goes to .NAME.geom.
draw() {
  local name=$1 title=$2 vlabel=$3
  shift 3
  [ $# -gt 0 ] || return 0
  rrdtool graphv "$out/$name" --imgformat PNG --start "-$span" --end now \
    --width 800 --height 260 --title "$title" --vertical-label "$vlabel" \
    --slope-mode "$@" 2>"$out/.$name.err" |
    sed -n 's/^graph_\(left\|top\|width\|height\) = //p' | tr '\n' ' ' >"$out/.$name.geom" &&
    [ -s "$out/$name" ] && echo "$out/$name"
}

# series GLOB: the RRD files matching a glob under the host dir, sorted
series() {
  local f
  for f in $1; do [ -f "$f" ] && echo "$f"; done | sort
}

# offsets and jitter per source: (glob, legend prefix)
lines() { # VARPREFIX GLOB... -> args on stdout, one per line
  local prefix=$1 i=${LINE_I:-0} f inst label
  shift
  local seen=" "
  for g in "$@"; do
    while read -r f; do
      [ -n "$f" ] || continue
      case "$seen" in *" $f "*) continue ;; esac # ntp-*-* and ntp-* overlap
      seen="$seen$f "
      inst=$(basename "$(dirname "$f")")
      label="$inst $(basename "$f" .rrd)"
      echo "DEF:$prefix$i=$f:value:AVERAGE"
      echo "LINE2:$prefix$i#${colors[$((i % ${#colors[@]}))]}:$(esc "$label")"
      i=$((i + 1))
    done < <(series "$dir/$g")
  done
}

mapfile -t a < <(lines o 'ntp-*-*/time_offset-offset.rrd' 'ntp-*/time_offset-offset.rrd' \
  'gpsd-*/time_offset-toff.rrd' 'gpsd-*/time_offset-pps.rrd' 'pps-*/time_offset-edge_mean.rrd' \
  'timex/time_offset-offset.rrd' 'dcf77-*/time_offset-offset.rrd')
[ ${#a[@]} -gt 0 ] && draw offsets.png "Offset per source (+ = system clock behind the source)" seconds "${a[@]}"

mapfile -t a < <(lines j 'ntp-*-*/time_offset-jitter.rrd' 'ntp-*/time_offset-sys_jitter.rrd' \
  'pps-*/time_offset_rms-jitter.rrd')
# logarithmic: a source's first estimate (chrony: 4 s before it has
# samples) would otherwise flatten the sub-millisecond jitter to a line at 0
[ ${#a[@]} -gt 0 ] && draw jitter.png "Jitter per source (log scale)" seconds --logarithmic --units=si "${a[@]}"

a=()
i=0
for d in $(series "$dir/gpsd-*/satellites-gps_used.rrd"); do
  d=$(dirname "$d")
  inst=$(basename "$d")
  c=${colors[$((i % ${#colors[@]}))]}
  a+=("DEF:g$i=$d/satellites-gps_used.rrd:value:AVERAGE" "LINE3:g$i#$c:$(esc "$inst GPS used")")
  [ -f "$d/satellites-gps_visible.rrd" ] &&
    a+=("DEF:gv$i=$d/satellites-gps_visible.rrd:value:AVERAGE" "LINE1:gv$i#$c:$(esc "$inst GPS visible"):dashes")
  if [ -f "$d/satellites-glonass_used.rrd" ]; then
    c=${colors[$(((i + 1) % ${#colors[@]}))]}
    a+=("DEF:r$i=$d/satellites-glonass_used.rrd:value:AVERAGE" "LINE2:r$i#$c:$(esc "$inst GLONASS used")")
    [ -f "$d/satellites-glonass_visible.rrd" ] &&
      a+=("DEF:rv$i=$d/satellites-glonass_visible.rrd:value:AVERAGE" "LINE1:rv$i#$c:$(esc "$inst GLONASS visible"):dashes")
  fi
  i=$((i + 2))
done
[ ${#a[@]} -gt 0 ] && draw gnss-satellites.png "GPS vs GLONASS: satellites used (thick) and visible (dashed)" satellites \
  --lower-limit -0.05 "${a[@]}"

a=()
i=0 s=0
for b in $(series "$dir/rng-*/total_events-blocks.rrd"); do
  d=$(dirname "$b")
  src=$(basename "$d")
  s=$((s + 1))
  a+=("DEF:b$s=$b:value:AVERAGE")
  for t in monobit poker runs long_run continuous; do
    f=$d/total_events-failed_$t.rrd
    [ -f "$f" ] || continue
    c=${colors[$((i % ${#colors[@]}))]}
    a+=("DEF:f$i=$f:value:AVERAGE" "CDEF:p$i=b$s,0,GT,f$i,b$s,/,100,*,UNKN,IF"
      "LINE2:p$i#$c:$(esc "$src $t")")
    i=$((i + 1))
  done
done
# a good source sits at 0: keep 0 above the x axis so its line shows
[ ${#a[@]} -gt 1 ] && draw rng-fips.png "FIPS 140-2 failure ratio per test (failed / tested blocks)" percent \
  --lower-limit -0.05 "${a[@]}"

# adev.svg: the report's ADEV image (its report.json names the images it
# drew), from the same span of the rrd files; its stderr to .adev.err
adev() {
  local tmp img
  tmp=$(mktemp -d "$out/.report.XXXXXX") || return 0
  if /usr/bin/python3 "$(dirname "$0")/../tools/timekeeper-report" --rrd "$(dirname "$dir")" \
    --since "${span}s" -o "$tmp" >/dev/null 2>"$out/.adev.err"; then
    img=$(/usr/bin/python3 -c 'import json, sys
print(next((k for k in json.load(open(sys.argv[1]))["images"] if k.startswith("adev.")), ""))' \
      "$tmp/report.json" 2>>"$out/.adev.err")
    [ -n "$img" ] && [ -s "$tmp/$img" ] && mv "$tmp/$img" "$out/adev.${img##*.}" && echo "$out/adev.${img##*.}"
  fi
  rm -rf "$tmp"
}
[ "${GRAPHS_ADEV:-0}" = 1 ] && adev
exit 0
