#!/bin/bash
# Debian package: `dpkg-buildpackage -us -uc -b` on a copy of the source
# tree builds collectd-timekeeper_*.deb; `dpkg -i` installs it on this
# machine; its contents are checked against the build (every plugin built,
# every types.db.d file, every man page, the examples, the commented-out
# conf.d snippet); then the real collectd runs with the installed files only
# (stock plugin dir, the snippet's lines enabled) and writes values for
# every installed plugin the snippet loads.  The package is purged at the
# end if this test installed it.
# Takes ~1-2 minutes (a full package build); set CDS_DEB_TEST=0 to skip.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/lib-e2e.sh"
[ "${CDS_DEB_TEST:-1}" = 0 ] && skip_all "CDS_DEB_TEST=0"
command -v dpkg-buildpackage >/dev/null || skip_all "dpkg-dev not installed"
command -v dh >/dev/null || skip_all "debhelper not installed"
[ "$(id -u)" = 0 ] || skip_all "needs root to dpkg -i"
it_begin deb
it_lock deb
if dpkg-query -W -f='${Status}' collectd-timekeeper 2>/dev/null | grep -q 'install ok installed'; then
  skip_all "collectd-timekeeper is already installed here; not touching it"
fi

mkdir -p "$T/src"
tar -C "$TOP_SRCDIR" --exclude=./build --exclude='./build-*' --exclude=./.git \
  --exclude=./autom4te.cache --exclude='*.o' --exclude='*.lo' -cf - . | tar -C "$T/src" -xf -
(cd "$T/src" && dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1
ok $? "dpkg-buildpackage -us -uc -b builds the package"
tail -n 15 "$T/build.log" | grep -E 'error|Error' | sed 's/^/# /'
deb=$(ls "$T"/collectd-timekeeper_*.deb 2>/dev/null | head -n 1)
ok "$([ -f "$deb" ] && echo 0 || echo 1)" "a .deb was produced ($(basename "${deb:-none}"))"
[ -f "$deb" ] || it_end

purge() { dpkg --purge collectd-timekeeper >/dev/null 2>&1; it_cleanup; }
trap purge EXIT
dpkg -i "$deb" >"$T/install.log" 2>&1
ok $? "dpkg -i installs it"
sed 's/^/# /' "$T/install.log" | grep -iE 'error|depend' | head -n 5
dpkg -L collectd-timekeeper >"$T/files"

# Contents, derived from the build tree and the source tree.
missing=""
for name in $(e2e_plugins); do
  grep -qx "/usr/lib/collectd/$name.so" "$T/files" || missing="$missing $name.so"
done
for f in "$TOP_SRCDIR"/types.db.d/*.db; do
  grep -qx "/usr/share/collectd/types.db.d/$(basename "$f")" "$T/files" || missing="$missing $(basename "$f")"
done
for f in "$TOP_SRCDIR"/man/*.5; do
  grep -qE "^/usr/share/man/man5/$(basename "$f")(\.gz)?$" "$T/files" || missing="$missing $(basename "$f")"
done
for f in "$TOP_SRCDIR"/examples/*.conf "$TOP_SRCDIR"/examples/*.yml "$TOP_SRCDIR"/examples/grafana/*.json "$TOP_SRCDIR"/examples/fleet/*.conf; do
  [ -f "$f" ] || continue
  grep -qx "/usr/share/doc/collectd-timekeeper/examples/${f#"$TOP_SRCDIR"/examples/}" "$T/files" || missing="$missing $(basename "$f")"
done
ok "$([ -z "$missing" ] && echo 0 || echo 1)" "the package holds every plugin built, types.db.d file, man page and example"
[ -z "$missing" ] && diag "$(grep -cE '\.so$' "$T/files") plugins, $(grep -c 'man5/' "$T/files") man pages, $(grep -c 'examples/' "$T/files") examples"
[ -z "$missing" ] || diag "missing:$missing"
bad=$(grep -E '\.la$|/usr/local/' "$T/files")
ok "$([ -z "$bad" ] && echo 0 || echo 1)" "no .la files or /usr/local paths"
man -w collectd-timekeeper-timex >/dev/null 2>&1
ok $? "man collectd-timekeeper-timex finds the installed page"

snip=/etc/collectd/collectd.conf.d/timekeeper.conf
[ -f "$snip" ]
ok $? "$snip installed"
active=$(grep -vE '^\s*(#|$)' "$snip")
ok "$([ -z "$active" ] && echo 0 || echo 1)" "every line of the snippet is commented out"
grep -q "$snip" /var/lib/dpkg/info/collectd-timekeeper.conffiles
ok $? "the snippet is a conffile (local edits survive upgrades)"

# Run the real collectd with the installed files only.
enabled=$(sed -n 's/^#\([^#]\)/\1/p' "$snip")
cat >"$T/collectd.conf" <<EOF
Hostname "$CD_HOST"
FQDNLookup false
Interval 1
BaseDir "$T"
PIDFile "$T/collectd.pid"
PluginDir "/usr/lib/collectd"
LoadPlugin logfile
<Plugin logfile>
  File "$T/collectd.log"
  LogLevel info
</Plugin>
LoadPlugin csv
<Plugin csv>
  DataDir "$T/csv"
</Plugin>
$enabled
EOF
"$COLLECTD_BIN" -t -C "$T/collectd.conf" >"$T/configtest.out" 2>&1
ok $? "collectd -t accepts the enabled snippet"
sed 's/^/# /' "$T/configtest.out" | head -n 5
"$COLLECTD_BIN" -f -C "$T/collectd.conf" >"$T/collectd.stdout" 2>&1 &
CD_PID=$!
it_track_pid "$CD_PID"
loaded=$(e2e_loaded "$enabled" | tr '\n' ' ')
diag "plugins the snippet loads: $loaded"
# Only plugins whose source exists here can write (scripts/run.d decides,
# e.g. pps needs a /sys/class/pps device): those must.
here=$(e2e_loaded "$(e2e_plugin_conf)" | tr '\n' ' ')
expect=$(for p in $loaded; do case " $here " in *" $p "*) echo "$p" ;; esac; done | tr '\n' ' ')
diag "plugins with a source on this machine: $expect"
# shellcheck disable=SC2086
e2e_wait_series 20 $expect
ok $? "collectd with the installed package writes values for every loaded plugin that has a source here"
csv_wait 'timex/time_offset-offset-*' 5 >/dev/null
ok $? "timex/time_offset-offset written by the installed timex.so"
collectd_log_clean
collectd_stop
dpkg --purge collectd-timekeeper >/dev/null 2>&1
ok $? "dpkg --purge removes it"
[ ! -e /usr/lib/collectd/timex.so ] && [ ! -e "$snip" ]
ok $? "nothing left behind in /usr/lib/collectd and /etc/collectd"
it_end
