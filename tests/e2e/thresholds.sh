#!/bin/bash
# Alerting: examples/thresholds.conf loaded as shipped (Include) into the
# real collectd with every plugin built and configured for this machine;
# collectd's threshold plugin must turn the kernel's real sync state into
# the documented notification, and an injected fault per running plugin (a
# threshold its current value violates) into a FAILURE notification.  The
# Prometheus rules get promtool's and YAML's checks, and the files may
# only name documented metrics (the alert rules: recorded names that
# examples/prometheus-recording.yml records, with labels they carry).
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/e2e.sh"
it_begin thresholds
[ -f "$STOCK_PLUGINDIR/threshold.so" ] || skip_all "collectd's threshold plugin not installed"
thr=$TOP_SRCDIR/examples/thresholds.conf
rules=$TOP_SRCDIR/examples/prometheus-alerts.yml
rec=$TOP_SRCDIR/examples/prometheus-recording.yml

# Static: both files name only documented metrics; the YAML is valid rules.
py_tap python3 "$E2E_PY" thresholds-documented "$thr"
py_tap python3 "$E2E_PY" documented-selectors "$rules" alerts
py_tap python3 "$E2E_PY" documented-selectors "$rec" rules
python3 -c 'import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
assert isinstance(d["groups"], list) and d["groups"]
for g in d["groups"]:
    assert g["name"] and g["rules"]
    for r in g["rules"]:
        assert r["alert"] and r["expr"] and r["labels"]["severity"] in ("page", "warning"), r
        assert r["annotations"]["summary"], r' "$rules" 2>"$T/yaml.err"
ok $? "prometheus-alerts.yml: valid YAML, every rule has alert, expr, severity page|warning, summary"
sed 's/^/# /' "$T/yaml.err" | tail -n 3
if command -v promtool >/dev/null; then
  promtool check rules "$rec" "$rules" >"$T/promtool.out" 2>&1
  ok $? "promtool check rules accepts prometheus-recording.yml and prometheus-alerts.yml"
  sed 's/^/# /' "$T/promtool.out" | tail -n 3
fi

# Run 1: the shipped file as is.
conf=$(e2e_plugin_conf)
plugins=$(e2e_loaded "$conf" | tr '\n' ' ')
diag "plugins built and configured here: $plugins"
collectd_start "$conf
PluginDir \"$STOCK_PLUGINDIR\"
Include \"$thr\""
grep -qiE 'error|unknown|invalid' "$T/configtest.out"
ok "$([ $? -ne 0 ] && echo 0 || echo 1)" "collectd -t accepts the configuration with thresholds.conf included"
# shellcheck disable=SC2086
e2e_wait_series 20 $plugins
ok $? "collectd wrote csv rows for every configured plugin"
sleep 3
sync=$(csv_last "$(csv_wait 'timex/bool-synchronised-*' 1)")
n=$(notifications_matching 'severity = FAILURE, host = it-host, plugin = timex, type = bool, type_instance = synchronised, message = .*below the failure threshold')
if awk -v v="$sync" 'BEGIN {exit !(v == 0)}'; then
  is "$n" 1 "kernel unsynchronised here: exactly one FAILURE notification for timex bool-synchronised (state change only)"
else
  is "$n" 0 "kernel synchronised here: no FAILURE notification for timex bool-synchronised"
fi
grep -m 1 'Notification: severity = FAILURE' "$T/collectd.log" | sed 's/^/# /'
collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"

# Run 2: one injected fault per running plugin, next to the shipped file.
python3 "$E2E_PY" inject-faults "$T/csv/$CD_HOST" "$thr" "$T/expect" $plugins >"$T/faults.conf"
nfault=$(grep -c . "$T/expect")
ok "$([ "$nfault" -ge 1 ] && echo 0 || echo 1)" "a fault injected for $nfault plugin(s)"
sed 's/^/# fault: /' "$T/expect"
mv "$T/collectd.log" "$T/collectd.log.1"
collectd_start "$conf
PluginDir \"$STOCK_PLUGINDIR\"
Include \"$thr\"
Include \"$T/faults.conf\""
# every injected fault's FAILURE (polled, up to 30 s: a loaded host may stall
# collectd's reads), then 3 more reads, which must not repeat one
for _ in $(seq 150); do
  miss=0
  while read -r pat; do
    [ -n "$pat" ] || continue
    [ "$(notifications_matching "severity = FAILURE, host = it-host, $pat message = .*below the failure threshold of 1[0-9]{30}\\.")" -ge 1 ] || miss=1
  done <"$T/expect"
  [ $miss = 0 ] && break
  sleep 0.2
done
csv_reads 'timex/bool-synchronised-*' 3 30
while read -r pat; do
  [ -n "$pat" ] || continue
  is "$(notifications_matching "severity = FAILURE, host = it-host, $pat message = .*below the failure threshold of 1[0-9]{30}\\.")" 1 \
    "injected fault -> one FAILURE notification ($pat)"
done <"$T/expect"
collectd_log_clean
bad=$(grep -E '\[error\] threshold plugin' "$T/collectd.log.1" "$T/collectd.log")
ok "$([ -z "$bad" ] && echo 0 || echo 1)" "the threshold plugin logged no configuration errors"
[ -z "$bad" ] || echo "$bad" | sed 's/^/# /'
it_end
