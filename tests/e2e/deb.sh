#!/bin/bash
# Debian packages: `dpkg-buildpackage -us -uc -b` on a copy of the source
# tree builds collectd-timekeeper (time and RNG plugins) and
# collectd-timekeeper-ceph (ceph_health, the only plugin that pulls
# librados); `dpkg -i` installs both on this machine.  Checked:
#  - debian/control names every build dependency (dpkg-checkbuilddeps), and
#    debian/rules forces every plugin of the source tree on (--enable-NAME),
#    so the build fails instead of dropping a plugin whose library is missing;
#  - the control fields: Depends collectd-core (>= 5.12), (<< 6), our own
#    Homepage (not collectd's), librados only in the -ceph package;
#  - lintian (--pedantic): no error and no warning (an override would go
#    in debian/*.lintian-overrides with its reason; none is needed);
#  - the contents: which .so in which package, every types.db.d file, man
#    page and example, each package's commented-out conf.d snippet (a
#    conffile);
#  - the real collectd runs with the installed files only (stock plugin dir,
#    both snippets' lines enabled) and writes values for every installed
#    plugin that has a source here.  Both packages are purged at the end.
# Takes ~2-3 minutes (a full package build, lintian); CDS_DEB_TEST=0 skips it.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/e2e.sh"
[ "${CDS_DEB_TEST:-1}" = 0 ] && skip_all "CDS_DEB_TEST=0"
command -v dpkg-buildpackage >/dev/null || skip_all "dpkg-dev not installed"
command -v dh >/dev/null || skip_all "debhelper not installed"
[ "$(id -u)" = 0 ] || skip_all "needs root to dpkg -i"
it_begin deb
it_lock deb
PKGS="collectd-timekeeper collectd-timekeeper-ceph"
for p in $PKGS; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    skip_all "$p is already installed here; not touching it"
  fi
done
# The plugins of the source tree (plugins/NAME.c with a plugins/NAME.am).
src_plugins=$(for am in "$TOP_SRCDIR"/plugins/*.am; do
  n=$(basename "$am" .am); [ -f "$TOP_SRCDIR/plugins/$n.c" ] && echo "$n"; done)
CEPH_PLUGINS="ceph_health"
pkg_of() { case " $CEPH_PLUGINS " in *" $1 "*) echo collectd-timekeeper-ceph ;; *) echo collectd-timekeeper ;; esac; }

# Build dependencies and forced plugins.
(cd "$TOP_SRCDIR" && dpkg-checkbuilddeps) >"$T/checkbuilddeps.out" 2>&1
ok $? "dpkg-checkbuilddeps: every Build-Depends is installed here"
sed 's/^/# /' "$T/checkbuilddeps.out" | head -n 3

mkdir -p "$T/src"
tar -C "$TOP_SRCDIR" --exclude=./build --exclude='./build-*' --exclude=./.git \
  --exclude=./autom4te.cache --exclude='*.o' --exclude='*.lo' -cf - . | tar -C "$T/src" -xf -
(cd "$T/src" && dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1
ok $? "dpkg-buildpackage -us -uc -b builds the packages"
tail -n 15 "$T/build.log" | grep -E 'error|Error' | sed 's/^/# /'
# debian/rules forces every plugin of the source tree on (configure's line)
cfg=$(grep -E '^\s*\./configure ' "$T/build.log" | head -n 1)
notforced=$(for n in $src_plugins; do echo " $cfg " | grep -qE -- " --enable-$n " || echo "$n"; done | tr '\n' ' ')
ok "$([ -n "$cfg" ] && [ -z "${notforced// }" ] && echo 0 || echo 1)" \
  "the package build forces every plugin on (--enable-NAME)${notforced:+; not forced: $notforced}"
# configure's summary: every plugin "yes"
summary=$(sed -n '/plugin       build  why not/,/^$/p' "$T/build.log")
notbuilt=$(for n in $src_plugins; do echo "$summary" | grep -qE "^ +$n +yes" || echo "$n"; done | tr '\n' ' ')
ok "$([ -n "$summary" ] && [ -z "${notbuilt// }" ] && echo 0 || echo 1)" \
  "configure in the package build builds every plugin${notbuilt:+ (not: $notbuilt)}"
declare -A DEB
for p in $PKGS; do
  DEB[$p]=$(ls "$T"/${p}_*.deb 2>/dev/null | head -n 1)
  ok "$([ -f "${DEB[$p]}" ] && echo 0 || echo 1)" "a .deb was produced for $p ($(basename "${DEB[$p]:-none}"))"
  [ -f "${DEB[$p]}" ] || { it_end; exit 1; }
done

# Control fields.
for p in $PKGS; do
  dep=$(dpkg-deb -f "${DEB[$p]}" Depends)
  echo "$dep" | grep -qF 'collectd-core (>= 5.12)' && echo "$dep" | grep -qF 'collectd-core (<< 6)'
  ok $? "$p Depends: collectd-core (>= 5.12), collectd-core (<< 6) ($dep)"
  hp=$(dpkg-deb -f "${DEB[$p]}" Homepage)
  ok "$(echo "$hp" | grep -qi 'collectd/collectd\|collectd\.org' && echo 1 || echo 0)" \
    "$p Homepage is not collectd's (${hp:-none: no public URL, see debian/control})"
done
dpkg-deb -f "${DEB[collectd-timekeeper-ceph]}" Depends | grep -q 'librados'
ok $? "collectd-timekeeper-ceph depends on librados (shlibs)"
dpkg-deb -f "${DEB[collectd-timekeeper]}" Depends | grep -q 'librados'
ok "$([ $? = 0 ] && echo 1 || echo 0)" "collectd-timekeeper does not depend on librados"

# lintian: install it if missing (Debian's own package).
command -v lintian >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q lintian >"$T/apt.log" 2>&1
if command -v lintian >/dev/null; then
  changes=$(ls "$T"/collectd-timekeeper_*.changes | head -n 1)
  lintian --fail-on none --display-info --pedantic "$changes" >"$T/lintian.out" 2>&1
  grep -E '^[EW]: ' "$T/lintian.out" >"$T/lintian.ew"
  ok "$([ -s "$T/lintian.ew" ] && echo 1 || echo 0)" "lintian: no error, no warning ($(wc -l <"$T/lintian.ew") E/W lines, $(grep -c '^[IP]: ' "$T/lintian.out") info/pedantic)"
  head -n 15 "$T/lintian.ew" | sed 's/^/# /'
  grep -E '^[IPN]: ' "$T/lintian.out" | head -n 15 | sed 's/^/# /'
else
  ok 1 "lintian installed (apt-get install lintian failed: $(tail -n 1 "$T/apt.log"))"
fi

purge() { for p in $PKGS; do dpkg --purge "$p" >/dev/null 2>&1; done; it_cleanup; }
trap purge EXIT
dpkg -i "${DEB[collectd-timekeeper]}" "${DEB[collectd-timekeeper-ceph]}" >"$T/install.log" 2>&1
ok $? "dpkg -i installs both"
sed 's/^/# /' "$T/install.log" | grep -iE 'error|depend' | head -n 5
for p in $PKGS; do dpkg -L "$p" | sed "s|\$| $p|"; done >"$T/files"
has() { grep -qxF "$1 $2" "$T/files"; } # has PATH PACKAGE

# Contents, derived from the build tree and the source tree.
misplaced=""
for name in $(e2e_plugins); do
  has "/usr/lib/collectd/$name.so" "$(pkg_of "$name")" || misplaced="$misplaced $name.so"
  has "/usr/share/man/man5/collectd-timekeeper-$name.5.gz" "$(pkg_of "$name")" || misplaced="$misplaced $name.5"
done
for n in $src_plugins; do e2e_plugins | grep -qx "$n" || misplaced="$misplaced $n(not built here)"; done
ok "$([ -z "$misplaced" ] && echo 0 || echo 1)" "every plugin's .so and man page, in its package (ceph: $CEPH_PLUGINS)"
[ -z "$misplaced" ] || diag "missing or in the wrong package:$misplaced"
for p in $PKGS; do diag "$p: $(grep " $p\$" "$T/files" | grep -oE '/usr/lib/collectd/[^ ]+\.so' | xargs -n1 basename | tr '\n' ' ')"; done
missing=""
for f in "$TOP_SRCDIR"/types.db.d/*.db; do
  b=$(basename "$f" .db)
  has "/usr/share/collectd/types.db.d/$b.db" "$(pkg_of "$b")" || missing="$missing $b.db"
done
for f in "$TOP_SRCDIR"/examples/*.conf "$TOP_SRCDIR"/examples/*.yml "$TOP_SRCDIR"/examples/grafana/*.json \
  "$TOP_SRCDIR"/examples/grafana/provisioning/*.yaml "$TOP_SRCDIR"/examples/fleet/*.conf \
  "$TOP_SRCDIR"/examples/systemd/collectd.service.d/*.conf; do
  [ -f "$f" ] || continue
  rel=${f#"$TOP_SRCDIR"/examples/}
  p=collectd-timekeeper
  case "$rel" in *.conf) [ -f "$TOP_SRCDIR/plugins/$(basename "$rel" .conf).c" ] && p=$(pkg_of "$(basename "$rel" .conf)") ;; esac
  has "/usr/share/doc/$p/examples/$rel" "$p" || missing="$missing $rel"
done
ok "$([ -z "$missing" ] && echo 0 || echo 1)" "every types.db.d file and example, in its package"
[ -z "$missing" ] && diag "$(grep -c 'man5/' "$T/files") man pages, $(grep -c 'examples/.*\.' "$T/files") examples"
[ -z "$missing" ] || diag "missing:$missing"
bad=$(grep -E '\.la |/usr/local/' "$T/files")
ok "$([ -z "$bad" ] && echo 0 || echo 1)" "no .la files or /usr/local paths"
man -w collectd-timekeeper-timex >/dev/null 2>&1 && man -w collectd-timekeeper-ceph_health >/dev/null 2>&1
ok $? "man finds collectd-timekeeper-timex and collectd-timekeeper-ceph_health"

enabled=""
for p in $PKGS; do
  snip=/etc/collectd/collectd.conf.d/${p#collectd-}.conf
  has "$snip" "$p"
  ok $? "$snip installed by $p"
  active=$(grep -vE '^\s*(#|$)' "$snip" 2>/dev/null)
  ok "$([ -f "$snip" ] && [ -z "$active" ] && echo 0 || echo 1)" "every line of $snip is commented out"
  grep -qx "$snip" "/var/lib/dpkg/info/$p.conffiles"
  ok $? "$snip is a conffile of $p (local edits survive upgrades)"
  enabled="$enabled
$(sed -n 's/^#\([^#]\)/\1/p' "$snip" 2>/dev/null)"
done
grep -q 'ceph_health' /etc/collectd/collectd.conf.d/timekeeper.conf
ok "$([ $? = 0 ] && echo 1 || echo 0)" "timekeeper.conf does not mention ceph_health (it is in timekeeper-ceph.conf)"

# Run the real collectd with the installed files only.  Both snippets carry
# a TypesDB line (each one works alone): one line with every file is what
# an admin enabling both writes.
tdb=$(echo "$enabled" | grep '^TypesDB' | grep -oE '"[^"]+"' | sort -u | tr '\n' ' ')
enabled=$(echo "$enabled" | grep -v '^TypesDB')
cat >"$T/collectd.conf" <<EOF
Hostname "$CD_HOST"
FQDNLookup false
Interval 1
BaseDir "$T"
PIDFile "$T/collectd.pid"
PluginDir "/usr/lib/collectd"
TypesDB $tdb
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
ok $? "collectd -t accepts both enabled snippets"
sed 's/^/# /' "$T/configtest.out" | head -n 5
"$COLLECTD_BIN" -f -C "$T/collectd.conf" >"$T/collectd.stdout" 2>&1 &
CD_PID=$!
it_track_pid "$CD_PID"
loaded=$(e2e_loaded "$enabled" | tr '\n' ' ')
diag "plugins the snippets load: $loaded"
# Only plugins whose source exists here can write (scripts/run.d decides,
# e.g. pps needs a /sys/class/pps device): those must.
here=$(e2e_loaded "$(e2e_plugin_conf)" | tr '\n' ' ')
expect=$(for p in $loaded; do case " $here " in *" $p "*) echo "$p" ;; esac; done | tr '\n' ' ')
diag "plugins with a source on this machine: $expect"
# shellcheck disable=SC2086
e2e_wait_series 20 $expect
ok $? "collectd with the installed packages writes values for every loaded plugin that has a source here"
csv_wait 'timex/time_offset-offset-*' 5 >/dev/null
ok $? "timex/time_offset-offset written by the installed timex.so"
collectd_log_clean
collectd_stop
dpkg --purge $PKGS >/dev/null 2>&1
ok $? "dpkg --purge removes both"
[ ! -e /usr/lib/collectd/timex.so ] && [ ! -e /usr/lib/collectd/ceph_health.so ] &&
  [ ! -e /etc/collectd/collectd.conf.d/timekeeper.conf ] && [ ! -e /etc/collectd/collectd.conf.d/timekeeper-ceph.conf ]
ok $? "nothing left behind in /usr/lib/collectd and /etc/collectd"
it_end
