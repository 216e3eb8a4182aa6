#!/bin/bash
# Prometheus end to end: every plugin built, configured as scripts/run.d says
# for this machine, runs in the real collectd; the stock write_prometheus
# plugin exposes the values on 127.0.0.1.  The test scrapes it with curl and
# checks names, labels, TYPE and values against collectd's own csv writer
# and the generated metric reference (docs/metrics-prometheus.md); promtool
# parses the exposition; then a real Prometheus server (Debian prometheus)
# scrapes collectd and evaluates examples/prometheus-recording.yml and
# examples/prometheus-alerts.yml: every recorded series an alert rule or a
# Prometheus dashboard uses exists, for the plugins that run here.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/e2e.sh"
it_begin prometheus
command -v curl >/dev/null || skip_all "curl not installed"
[ -f "$STOCK_PLUGINDIR/write_prometheus.so" ] || skip_all "collectd's write_prometheus plugin not installed"

port=$(free_port)
# timecheck needs no peer for its kernel voter and a leap file (400 days
# from its expiry: the machine's own may have expired)
extra=
if e2e_plugins | grep -qx timecheck; then
  printf '#$\t3676924800\n#@\t%s\n2272060800\t10\n' \
    $(($(date -u +%s) + 2208988800 + 400 * 86400)) >"$T/leap-seconds.list"
  extra="LoadPlugin timecheck
<Plugin timecheck>
  LeapFile \"$T/leap-seconds.list\"
</Plugin>"
fi
e2e_collectd_start "$(prometheus_collectd_conf "$port")" "$extra"
plugins=$E2E_PLUGINS
sleep 2
curl -sf -D "$T/headers" "http://127.0.0.1:$port/metrics" >"$T/scrape.txt"
ok $? "GET http://127.0.0.1:$port/metrics"
grep -qi '^content-type: text/plain; version=0.0.4' "$T/headers"
ok $? "served as Prometheus text format 0.0.4"
diag "e.g. $(grep -m 3 '^collectd_timex_' "$T/scrape.txt" | tr '\n' ';')"

if command -v promtool >/dev/null; then
  promtool check metrics <"$T/scrape.txt" >"$T/promtool.out" 2>&1
  rc=$?
  # 0 clean, 3 lint findings only, 1 parse error
  ok "$([ "$rc" -ne 1 ] && echo 0 || echo 1)" "promtool parses the exposition (lint findings are reported below)"
  sed 's/^/# promtool lint: /' "$T/promtool.out" | head -n 5
fi

# Every series of every configured plugin, against the csv reference and
# the documented reference.
# shellcheck disable=SC2086
py_tap python3 "$E2E_PY" prometheus "$T/csv/$CD_HOST" "$T/scrape.txt" "$CD_HOST" $plugins
python3 "$TOP_SRCDIR/scripts/gen-metric-reference.py" --check >"$T/ref.diff" 2>&1
ok $? "docs/metrics-prometheus.md is what scripts/gen-metric-reference.py generates"
head -n 20 "$T/ref.diff" | sed 's/^/# /'

# The same selectors as a person would graph them.
sync=$(csv_last "$(csv_wait 'timex/bool-synchronised-*' 1)")
line=$(grep '^collectd_timex_bool{timex="synchronised",instance="'"$CD_HOST"'"} ' "$T/scrape.txt")
ok $? "collectd_timex_bool{timex=\"synchronised\",instance=\"$CD_HOST\"} is exposed"
near "$(echo "$line" | awk '{print $2}')" "$sync" 0 "and has collectd's value"

if command -v prometheus >/dev/null; then
  rules=$TOP_SRCDIR/examples/prometheus-alerts.yml
  rec=$TOP_SRCDIR/examples/prometheus-recording.yml
  prometheus_start "$port" "$rec" "$rules"
  ok $? "a Prometheus server runs on $PROM_URL with examples/prometheus-recording.yml and -alerts.yml"
  up=""
  for _ in $(seq 100); do
    up=$(prom_query 'up{job="collectd"}' | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")' 2>/dev/null)
    [ "$up" = 1 ] && break
    sleep 0.2
  done
  is "$up" 1 "Prometheus scrapes collectd (up == 1)"
  # let a few rule evaluations happen
  sleep 3
  n_scrape=$(grep -cE "^collectd_($(echo $plugins | tr ' ' '|'))_" "$T/scrape.txt")
  n_prom=$(prom_query "count({__name__=~\"collectd_($(echo $plugins | tr ' ' '|'))_.*\"})" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)')
  is "$n_prom" "$n_scrape" "Prometheus ingested every series of our plugins ($n_scrape)"
  curl -sf "$PROM_URL/api/v1/rules" >"$T/rules.json"
  bad=$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))["data"]["groups"]
for g in d:
    for r in g["rules"]:
        if r.get("health") != "ok": print(r["name"], r.get("health"), r.get("lastError"))' "$T/rules.json")
  ok "$([ -z "$bad" ] && echo 0 || echo 1)" "every recording and alert rule evaluates without error"
  [ -z "$bad" ] && diag "rules: $(python3 -c 'import json,sys; print(sum(len(g["rules"]) for g in json.load(open(sys.argv[1]))["data"]["groups"]))' "$T/rules.json") evaluated"
  [ -z "$bad" ] || echo "$bad" | head -n 5 | sed 's/^/# /'
  # Every recorded series an alert or a dashboard uses exists in the live
  # run, for the plugins that run here, whenever collectd emitted a raw
  # series its recording rule reads.
  nomatch=""
  nsel=0
  nskip=0
  while IFS=$'\t' read -r plugin where sel emitted; do
    case " $plugins " in *" $plugin "*) ;; *) continue ;; esac
    [ "$emitted" = 1 ] || { nskip=$((nskip + 1)); continue; }
    nsel=$((nsel + 1))
    c=$(prom_query "count($sel)" | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)')
    [ "$c" -ge 1 ] 2>/dev/null || nomatch="$nomatch [$where] $sel"
  done < <(python3 "$E2E_PY" live-selectors "$T/scrape.txt" "$rules" "$TOP_SRCDIR"/examples/grafana/*-prometheus.json)
  ok "$([ -z "$nomatch" ] && [ "$nsel" -gt 0 ] && echo 0 || echo 1)" \
    "all $nsel recorded series used by alert rules and dashboards of the plugins running here exist in Prometheus"
  [ -z "$nomatch" ] || diag "no series for:$nomatch"
  diag "$nskip recorded selectors of running plugins not checked: this run emitted none of their raw series"
  # The lost-sync alert follows the kernel's state as collectd saw it.
  state=$(curl -sf "$PROM_URL/api/v1/alerts" | python3 -c 'import json,sys
a = [x for x in json.load(sys.stdin)["data"]["alerts"] if x["labels"].get("alertname") == "ClockNotSynchronised"]
print(a[0]["state"] if a else "inactive")')
  if [ "$sync" = 0 ] || [ "$sync" = "0.000000" ]; then
    ok "$(case "$state" in pending | firing) echo 0 ;; *) echo 1 ;; esac)" \
      "kernel unsynchronised here: ClockNotSynchronised is $state (pending until 'for: 5m')"
  else
    is "$state" inactive "kernel synchronised here: ClockNotSynchronised is inactive"
  fi
fi

collectd_log_clean
bad=$(grep -E 'write_prometheus plugin: .*(fail|error)' "$T/collectd.log")
ok "$([ -z "$bad" ] && echo 0 || echo 1)" "write_prometheus logged no errors"
it_end
