#!/bin/bash
# A fleet, not one box: three network namespaces act as hosts.  Two time
# servers ("fleet-a", "fleet-b") run the real collectd with every plugin
# built and configured here and send through collectd's own network plugin,
# signed (SecurityLevel Sign, HMAC-SHA-256), to a central collectd in a third
# namespace, which writes csv and exposes write_prometheus.  A third sender
# ("fleet-rogue") uses a wrong password.  Checks: the central keeps the hosts
# apart (one csv tree and one Prometheus `instance` per host, the same series
# set for each), the values are the senders' own, and the rogue's data is
# refused.  The configuration is examples/fleet/ (sender.conf, central.conf)
# with the addresses and passwords filled in.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/e2e.sh"
it_begin fleet
[ "$(id -u)" = 0 ] || skip_all "needs root for network namespaces"
command -v ip >/dev/null || skip_all "iproute2 not installed"
[ -f "$STOCK_PLUGINDIR/network.so" ] || skip_all "collectd's network plugin not installed"
ns=cdtk$$
ip netns add "$ns-c" 2>/dev/null || skip_all "cannot create network namespaces here"
fleet_cleanup() {
  it_cleanup
  for h in a b r c; do ip netns del "$ns-$h" 2>/dev/null; done
}
trap fleet_cleanup EXIT
ip -n "$ns-c" link set lo up
# one veth per sender: 10.231.N.1 (sender) <-> 10.231.N.2 (central), inside
# our own namespaces only
n=0
for h in a b r; do
  n=$((n + 1))
  ip netns add "$ns-$h"
  ip link add "$ns$h" netns "$ns-$h" type veth peer name "$ns${h}c" netns "$ns-c"
  ip -n "$ns-$h" addr add "10.231.$n.1/24" dev "$ns$h"
  ip -n "$ns-c" addr add "10.231.$n.2/24" dev "$ns${h}c"
  ip -n "$ns-$h" link set lo up
  ip -n "$ns-$h" link set "$ns$h" up
  ip -n "$ns-c" link set "$ns${h}c" up
done
ok 0 "namespaces $ns-{a,b,r} (senders) and $ns-c (central) with veth links"

tdb="\"$STOCK_TYPESDB\""
for f in "$TOP_SRCDIR"/types.db.d/*.db; do tdb="$tdb \"$f\""; done
plugin_conf=$(e2e_plugin_conf)
plugins=$(e2e_loaded "$plugin_conf" | tr '\n' ' ')
diag "plugins built and configured here: $plugins"
port=$(free_port)
printf 'fleet: s3cret-fleet\n' >"$T/passwd"

# conf NAME BODY: a full collectd.conf (logfile, csv) under $T/NAME
conf() {
  mkdir -p "$T/$1/csv"
  cat >"$T/$1/collectd.conf" <<EOF
Hostname "$2"
FQDNLookup false
Interval 1
BaseDir "$T/$1"
PIDFile "$T/$1/collectd.pid"
TypesDB $tdb
PluginDir "$STOCK_PLUGINDIR"
LoadPlugin logfile
<Plugin logfile>
  File "$T/$1/collectd.log"
  LogLevel info
</Plugin>
LoadPlugin csv
<Plugin csv>
  DataDir "$T/$1/csv"
</Plugin>
$3
EOF
}
start_in() { # start_in NS NAME
  ip netns exec "$1" "$COLLECTD_BIN" -f -C "$T/$2/collectd.conf" >"$T/$2/stdout" 2>&1 &
  it_track_pid $!
}
sed -e "s|@PASSWD@|$T/passwd|" -e "s|@PROM_PORT@|$port|" \
  "$TOP_SRCDIR/examples/fleet/central.conf" >"$T/central.body"
conf central fleet-central "$(cat "$T/central.body")"
start_in "$ns-c" central
sender() { # sender NS-SUFFIX NAME N PASSWORD
  sed -e "s|@CENTRAL@|10.231.$3.2|" -e "s|@PASSWORD@|$4|" "$TOP_SRCDIR/examples/fleet/sender.conf" >"$T/$2.body"
  conf "$2" "$2" "$(cat "$T/$2.body")
PluginDir \"$(our_plugindir)\"
$plugin_conf"
  start_in "$ns-$1" "$2"
}
sleep 1
sender a fleet-a 1 s3cret-fleet
sender b fleet-b 2 s3cret-fleet
sender r fleet-rogue 3 wrong-password

# Wait for the central to have every plugin's series from both hosts.
for h in fleet-a fleet-b; do
  for p in $plugins; do
    for _ in $(seq 150); do
      ls "$T/central/csv/$h/$p"*/* >/dev/null 2>&1 && break
      sleep 0.1
    done
  done
done
sleep 3
for h in fleet-a fleet-b; do
  for p in $plugins; do
    c=$(ls "$T/central/csv/$h/$p"*/* 2>/dev/null | wc -l)
    s=$(ls "$T/$h/csv/$h/$p"*/* 2>/dev/null | wc -l)
    ok "$([ "$c" -ge 1 ] && [ "$c" = "$s" ] && echo 0 || echo 1)" \
      "central has all $s series of $p from $h (it got $c)"
  done
done
[ ! -d "$T/central/csv/fleet-rogue" ]
ok $? "central refused everything from fleet-rogue (wrong password)"
grep -qE 'network plugin: Verifying HMAC-SHA-256 signature failed' "$T/central/collectd.log"
ok $? "because the signature check failed (central's log says so)"

# Values are the senders' own: compare one row per timestamp.
f=$(ls "$T/fleet-a/csv/fleet-a/timex/timex_seconds-tick-"* 2>/dev/null | head -n 1)
g=$(ls "$T/central/csv/fleet-a/timex/timex_seconds-tick-"* 2>/dev/null | head -n 1)
same=$(awk -F, 'NR == FNR {v[$1] = $2; next} ($1 in v) {n++; if (v[$1] != $2) bad++} END {print (n > 0 && !bad) ? n : 0}' "$f" "$g" 2>/dev/null)
ok "$([ "${same:-0}" -ge 2 ] && echo 0 || echo 1)" "central's fleet-a timex_seconds-tick rows equal fleet-a's own ($same timestamps)"

# The central's Prometheus keeps the hosts apart in the instance label.
ip netns exec "$ns-c" curl -sf "http://127.0.0.1:$port/metrics" >"$T/scrape.txt"
ok $? "central's write_prometheus answers"
for h in fleet-a fleet-b; do
  n=$(grep -c "^collectd_timex_bool{timex=\"synchronised\",instance=\"$h\"}" "$T/scrape.txt")
  is "$n" 1 "central exposes collectd_timex_bool{timex=\"synchronised\",instance=\"$h\"}"
done
na=$(grep -c 'instance="fleet-a"' "$T/scrape.txt")
nb=$(grep -c 'instance="fleet-b"' "$T/scrape.txt")
ok "$([ "$na" -ge 1 ] && [ "$na" = "$nb" ] && echo 0 || echo 1)" "the same number of series per host ($na, $nb)"
grep -q 'instance="fleet-rogue"' "$T/scrape.txt"
ok "$([ $? -ne 0 ] && echo 0 || echo 1)" "nothing from fleet-rogue in the scrape"
bad=$(grep -hE 'Could not find plugin|Dataset not found|check your types.db' "$T"/*/collectd.log)
ok "$([ -z "$bad" ] && echo 0 || echo 1)" "no missing-type or missing-plugin lines on any host"
[ -z "$bad" ] || echo "$bad" | head -n 5 | sed 's/^/# /'
it_end
