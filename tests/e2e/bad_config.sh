#!/bin/bash
# bad_config.sh - every plugin, fed the invalid options and values of
# tests/e2e/bad_config.tsv, inside the REAL collectd daemon, beside a
# healthy block of the same plugin ("good") and two other plugins (timex,
# and rng reading /dev/urandom as "ref"):
#  - each row's ERROR line names the plugin, the block and the option
#    (the row's regex);
#  - the faulty block is rejected: its instance never dispatches;
#  - collectd keeps running (collectd 5.12 exits on a config callback that
#    returns non-zero: the plugins return 0 after rejecting, see
#    cdu_config_result) and the other plugins keep dispatching.
# One daemon per plugin (all its rows in one <Plugin> section).
. "$(dirname "$0")/../lib/collectd.sh"
it_begin bad_config
table=$TOP_SRCDIR/tests/e2e/bad_config.tsv
good_block() {
  case $1 in
    rng) printf '<Source "good">\n Device "/dev/urandom"\n BytesPerInterval 2500\n</Source>' ;;
    ntp) printf '<Server "good">\n Host "127.0.0.1"\n Port 1\n</Server>' ;;
    gpsd) printf '<Server "good">\n Port 1\n</Server>' ;;
    dcf77) printf '<Ntpd "good">\n Host "127.0.0.1"\n Port 1\n</Ntpd>' ;;
    pps) printf '<Device "good">\n Path "/dev/pps-bad-config-test"\n</Device>' ;;
    *) ;;
  esac
}
for plugin in $(grep -v "^#" "$table" | cut -f1 | awk '!seen[$0]++'); do
  if [ ! -f "$(our_plugindir)/$plugin.so" ]; then
    ok 0 "$plugin # SKIP not built here"
    continue
  fi
  blocks=$(awk -F'\t' -v p="$plugin" '$1 == p { print $4 }' "$table" | sed 's/\\n/\n/g')
  ref=""
  [ "$plugin" != rng ] && ref='LoadPlugin rng
<Plugin rng>
  <Source "ref">
    Device "/dev/urandom"
    BytesPerInterval 2500
  </Source>
</Plugin>'
  rm -rf "$T/csv"
  collectd_start "LoadPlugin timex
$ref
LoadPlugin $plugin
<Plugin $plugin>
$(good_block "$plugin")
$blocks
</Plugin>"
  # collectd keeps running and the other plugins keep dispatching
  refinst=ref; [ "$plugin" = rng ] && refinst=good
  f1=$(csv_wait 'timex/*' 20)
  f2=$(csv_wait "rng-$refinst/*" 20)
  # 3 rows each (polled, up to 30 s, not a 3 s sleep: a loaded host may
  # stall collectd's reads)
  for _ in $(seq 150); do
    [ -n "$f1" ] && [ -n "$f2" ] && [ "$(csv_rows "$f1")" -ge 3 ] && [ "$(csv_rows "$f2")" -ge 3 ] && break
    kill -0 "$CD_PID" 2>/dev/null || break
    sleep 0.2
  done
  alive=1; kill -0 "$CD_PID" 2>/dev/null && alive=0
  ok $alive "$plugin: collectd is still running after the bad blocks"
  ok "$([ -n "$f1" ] && [ "$(csv_rows "$f1")" -ge 3 ] && echo 0 || echo 1)" "$plugin: timex keeps dispatching"
  ok "$([ -n "$f2" ] && [ "$(csv_rows "$f2")" -ge 3 ] && echo 0 || echo 1)" "$plugin: rng \"$refinst\" keeps dispatching"
  if [ "$alive" -ne 0 ]; then sed 's/^/# /' "$T/collectd.stdout" | tail -n 5; fi
  while IFS=$'\t' read -r p case inst _ regex; do
    [ "$p" = "$plugin" ] || continue
    line=$(grep -E "$regex" "$T/collectd.log" | head -n 1)
    ok "$([ -n "$line" ] && echo 0 || echo 1)" "$plugin / $case: the error names plugin, block and option"
    [ -n "$line" ] && echo "#   ${line#*] }"
    if [ -z "$regex" ]; then
      ok 1 "$plugin / $case: malformed table row (5 tab-separated fields)"
      continue
    fi
    if [ "$inst" != - ] && [ "$inst" != good ]; then
      ok "$(ls -d "$T/csv/$CD_HOST/$plugin-$inst" >/dev/null 2>&1 && echo 1 || echo 0)" \
        "$plugin / $case: block \"$inst\" rejected (nothing dispatched)"
    fi
  done < <(grep -v '^#' "$table")
  collectd_stop
done
it_end
