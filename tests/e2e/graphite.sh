#!/bin/bash
# Graphite end to end: every plugin built, configured as scripts/run.d says
# for this machine, runs in the real collectd and goes through the stock
# write_graphite plugin into a real carbon-cache (Debian graphite-carbon) on
# loopback that uses our examples/storage-schemas.conf.  whisper-fetch and
# whisper-info (python3-whisper) read back what carbon stored; collectd's own
# csv writer is the reference for names and values.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/e2e.sh"
it_begin graphite
command -v carbon-cache >/dev/null || skip_all "carbon-cache (graphite-carbon) not installed"
command -v whisper-fetch >/dev/null || skip_all "whisper-fetch (python3-whisper) not installed"

validate-storage-schemas "$TOP_SRCDIR/examples/storage-schemas.conf" >"$T/validate.out" 2>&1
ok $? "examples/storage-schemas.conf passes carbon's validate-storage-schemas"

carbon_start
ok $? "carbon-cache listens on 127.0.0.1:$CARBON_PORT"

e2e_collectd_start "$(graphite_collectd_conf "$CARBON_PORT")"
plugins=$E2E_PLUGINS
sleep 5
collectd_stop
ok $? "collectd stops cleanly (write_graphite flushes)"
# carbon writes its cache to whisper asynchronously: wait until the offset
# series has the points collectd sent in its last second
wsp=$CARBON_WSP/collectd/$CD_HOST/timex/time_offset-offset.wsp
last=$(csv_last "$(csv_wait 'timex/time_offset-offset-*' 1)" 1)
for _ in $(seq 50); do
  [ -f "$wsp" ] && whisper-fetch --from=$(( ${last%.*} - 2 )) "$wsp" 2>/dev/null |
    awk -v t="${last%.*}" '$1 >= t && $2 != "None" {f=1} END {exit !f}' && break
  sleep 0.2
done

# The names the README documents, spelled out once here (timex is always
# built on Linux): HOST.timex.TYPE-INSTANCE under the prefix.
for m in time_offset-offset bool-synchronised timex_status frequency_offset-frequency; do
  [ -f "$CARBON_WSP/collectd/$CD_HOST/timex/$m.wsp" ]
  ok $? "whisper series collectd.$CD_HOST.timex.$m exists"
done
tick=$(whisper-fetch --from=$(( ${last%.*} - 10 )) "$CARBON_WSP/collectd/$CD_HOST/timex/timex_seconds-tick.wsp" |
  awk '$2 != "None" {v=$2} END {print v}')
awk -v v="$tick" 'BEGIN {exit !(v >= 1e-5 && v <= 0.1)}'
ok $? "timex_seconds-tick is a sane kernel tick in seconds ($tick)"
sync=$(whisper-fetch --from=$(( ${last%.*} - 10 )) "$CARBON_WSP/collectd/$CD_HOST/timex/bool-synchronised.wsp" |
  awk '$2 != "None" {v=$2} END {print v}')
ok "$(awk -v v="$sync" 'BEGIN {exit !(v != "" && (v == 0 || v == 1))}'; echo $?)" "bool-synchronised is 0 or 1 ($sync)"
step=$(whisper-info "$wsp" | sed -n 's/^secondsPerPoint: //p' | head -n 1)
is "$step" 1 "timex series use the 1 s schema of examples/storage-schemas.conf"
rows=$(csv_rows "$(csv_wait 'timex/time_offset-offset-*' 1)")
stored=$(whisper-dump "$wsp" | awk '/^aggregation method: average/ || /aggregation method: average/ {avg=1}
  /^Archive 0 data:/ {a=1; next} /^Archive 1 data:/ {exit} a && $2 != "0," {n++}
  END {print (avg ? n+0 : "no-average")}')
ok "$(awk -v n="$stored" -v r="$rows" 'BEGIN {exit !(n ~ /^[0-9]+$/ && n >= r - 1 && n <= r + 1)}'; echo $?)" \
  "whisper-dump: average aggregation, archive 0 holds one point per csv row ($stored points, $rows rows)"

# Every series of every configured plugin, against the csv reference.
# shellcheck disable=SC2086
py_tap python3 "$E2E_PY" graphite "$T/csv/$CD_HOST" "$CARBON_WSP" collectd. "$CD_HOST" $plugins
diag "e.g. $(find "$CARBON_WSP" -name '*.wsp' | head -n 3 | sed "s|$CARBON_WSP/||; s|/|.|g; s|\.wsp$||" | tr '\n' ' ')"

collectd_log_clean
bad=$(grep -E 'write_graphite plugin: .*(fail|error|refused)' "$T/collectd.log")
ok "$([ -z "$bad" ] && echo 0 || echo 1)" "write_graphite logged no send errors"
bad=$(grep -iE 'invalid line|traceback|unhandled error' "$T/carbon/log/stdout" | grep -v Deprecat)
ok "$([ -z "$bad" ] && echo 0 || echo 1)" "carbon-cache logged no invalid lines or tracebacks"
[ -z "$bad" ] || echo "$bad" | head -n 5 | sed 's/^/# /'
it_end
