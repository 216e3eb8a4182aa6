# shellcheck shell=bash
# e2e.sh - end-to-end delivery tests: our plugins inside the real collectd
# daemon, writing into real Graphite (carbon-cache) and Prometheus
# (write_prometheus) on loopback.  Sourced by tests/e2e/*.sh after
# tests/lib/collectd.sh.  Everything is data-driven: the plugins are the
# .so files the build produced, their configuration the scripts/run.d/NAME.*
# snippets, the expected series what collectd's own csv writer wrote.
#
#   e2e_plugins              names of the plugins built (one per line)
#   e2e_plugin_conf          collectd.conf lines: every built plugin's run.d snippet
#   e2e_our_plugins_loaded   names of our plugins the config really loads
#   carbon_start             carbon-cache on loopback, own conf/storage in $T/carbon
#   e2e_wait_series PLUGINS  wait until every loaded plugin wrote a csv row
#   e2e_collectd_start WRITER [EXTRA]  collectd with WRITER + every run.d
#                            snippet + EXTRA;
#                            E2E_PLUGINS; ok: each wrote a csv row

E2E_DIR=$TOP_SRCDIR/tests/e2e
E2E_PY=$E2E_DIR/e2e.py

e2e_plugins() {
  local so
  for so in "$(our_plugindir)"/*.so; do
    [ -f "$so" ] && basename "$so" .so
  done
}

# The collectd.conf lines scripts/run.sh would use on this machine for every
# plugin that was built: scripts/run.d/NAME.sh "$T" (may print nothing when
# its device or daemon is absent) or scripts/run.d/NAME.conf.
e2e_plugin_conf() {
  local name
  for name in $(e2e_plugins); do
    if [ -x "$TOP_SRCDIR/scripts/run.d/$name.sh" ]; then
      "$TOP_SRCDIR/scripts/run.d/$name.sh" "$T"
    elif [ -f "$TOP_SRCDIR/scripts/run.d/$name.conf" ]; then
      cat "$TOP_SRCDIR/scripts/run.d/$name.conf"
    fi
  done
}

# Our plugins a config text loads (LoadPlugin NAME or <LoadPlugin NAME>).
e2e_loaded() {
  local built
  built=" $(e2e_plugins | tr '\n' ' ') "
  printf '%s\n' "$1" | sed -nE 's/^[[:space:]]*<?LoadPlugin[[:space:]]+"?([a-z_0-9]+)"?.*/\1/p' |
    while read -r p; do case "$built" in *" $p "*) echo "$p" ;; esac; done | sort -u
}

# carbon_start [SCHEMAS]: a private carbon-cache (Debian graphite-carbon) on
# loopback with its own config, storage and log under $T/carbon, using
# SCHEMAS (default: our examples/storage-schemas.conf).  Sets CARBON_PORT
# (plaintext line receiver), CARBON_WSP (whisper root), CARBON_PID.
carbon_start() {
  local schemas=${1:-$TOP_SRCDIR/examples/storage-schemas.conf} c=$T/carbon
  mkdir -p "$c/conf" "$c/storage/whisper" "$c/storage/lists" "$c/log" "$c/run"
  cp "$schemas" "$c/conf/storage-schemas.conf"
  CARBON_PORT=$(free_port)
  local pickle query
  pickle=$(free_port)
  query=$(free_port)
  cat >"$c/conf/carbon.conf" <<EOF
[cache]
STORAGE_DIR = $c/storage/
LOCAL_DATA_DIR = $c/storage/whisper/
WHITELISTS_DIR = $c/storage/lists/
CONF_DIR = $c/conf/
LOG_DIR = $c/log/
PID_DIR = $c/run/
DATABASE = whisper
USER =
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = $CARBON_PORT
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = $pickle
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = $query
WHISPER_AUTOFLUSH = True
# sparse files: the 1 s schema preallocates ~3.8 MB per series otherwise
WHISPER_SPARSE_CREATE = True
WHISPER_FALLOCATE_CREATE = False
LOG_UPDATES = False
EOF
  CARBON_WSP=$c/storage/whisper
  PYTHONWARNINGS=ignore carbon-cache --config="$c/conf/carbon.conf" --pidfile="$c/run/carbon.pid" \
    --nodaemon --logdir="$c/log" start >"$c/log/stdout" 2>&1 &
  CARBON_PID=$!
  it_track_pid "$CARBON_PID"
  wait_port "$CARBON_PORT" 30
}

# e2e_collectd_start WRITER-LINES [EXTRA-LINES]: collectd_start with
# WRITER-LINES, then every built plugin's run.d snippet and EXTRA-LINES; sets
# E2E_PLUGINS (our plugins they load) and asserts that each wrote a csv row
# within 20 s.
e2e_collectd_start() {
  local conf
  conf="$(e2e_plugin_conf)
${2:-}"
  E2E_PLUGINS=$(e2e_loaded "$conf" | tr '\n' ' ')
  diag "plugins built and configured here: $E2E_PLUGINS"
  collectd_start "$1
$conf"
  # shellcheck disable=SC2086
  e2e_wait_series 20 $E2E_PLUGINS
  ok $? "collectd wrote csv rows for every configured plugin"
}

# e2e_wait_series SECS PLUGIN...: wait until each plugin wrote a csv row.
e2e_wait_series() {
  local secs=$1 p
  shift
  for p in "$@"; do
    csv_wait "$p*/*" "$secs" >/dev/null || return 1
  done
}

# prometheus_collectd_conf PORT: collectd.conf lines for the stock
# write_prometheus plugin on 127.0.0.1:PORT (the stock plugin directory is
# selected for it, ours again afterwards).
prometheus_collectd_conf() { conf_fill write_prometheus PORT="$1"; }

# graphite_collectd_conf PORT: the stock write_graphite plugin to carbon.
graphite_collectd_conf() { conf_fill write_graphite PORT="$1"; }

# prometheus_start TARGET_PORT [RULES...]: a private Prometheus server (Debian
# prometheus) on 127.0.0.1 scraping collectd's write_prometheus every second
# (job "collectd") and evaluating the RULES files every second.  Sets PROM_URL.
prometheus_start() {
  local target=$1 p=$T/prometheus port
  shift
  mkdir -p "$p/data"
  port=$(free_port)
  {
    echo "global: {scrape_interval: 1s, evaluation_interval: 1s}"
    [ $# -gt 0 ] && echo "rule_files: [$(printf '"%s", ' "$@" | sed 's/, $//')]"
    echo "scrape_configs:"
    echo "  - job_name: collectd"
    echo "    static_configs: [{targets: [\"127.0.0.1:$target\"]}]"
  } >"$p/prometheus.yml"
  prometheus --config.file="$p/prometheus.yml" --storage.tsdb.path="$p/data" \
    --web.listen-address="127.0.0.1:$port" --log.level=warn >"$p/log" 2>&1 &
  PROM_PID=$!
  it_track_pid "$PROM_PID"
  PROM_URL=http://127.0.0.1:$port
  wait_port "$port" 30
}

# prom_query EXPR: the instant-query API's JSON.
prom_query() { curl -sf --get --data-urlencode "query=$1" "$PROM_URL/api/v1/query"; }
