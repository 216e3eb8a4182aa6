#!/bin/bash
# [DOCDIR=/usr/share/doc/PKG] gen-conf-snippet.sh DESTROOT - print the
# /etc/collectd/collectd.conf.d/ snippet of one package (timekeeper.conf)
# for what an install into DESTROOT contains: the types.db.d files and the
# plugins (.so) of this suite.  Everything is commented out: the host admin
# enables what fits the host.  "##" lines are prose, "#" lines are config
# (tests/e2e/deb.sh enables them all with sed 's/^#\([^#]\)/\1/').
set -eu
root=${1:-}
typesdir=/usr/share/collectd/types.db.d
plugindir=${PLUGINDIR:-/usr/lib/collectd}
# where the package puts its examples (one docdir per binary package)
docdir=${DOCDIR:-/usr/share/doc/collectd-timekeeper}
cat <<'EOT'
## collectd-timekeeper: collectd plugins for time, randomness and storage health.
## Read by Debian's /etc/collectd/collectd.conf (package collectd) through its
## <Include "/etc/collectd/collectd.conf.d"> block.  Everything is commented out:
## remove the "#" in front of what this host should run, then
##   collectd -t && systemctl restart collectd
## Options of each plugin: man collectd-timekeeper-NAME (section 5); complete
EOT
echo "## examples: $docdir/examples/."
cat <<'EOT'
##
## TypesDB replaces collectd's default list: keep the stock types.db in it.
## With several conf.d files that have a TypesDB line, enable one line that
## lists all their files (the stock types.db read twice only logs notices).
EOT
tdb='"/usr/share/collectd/types.db"'
for f in "$root$typesdir"/*.db; do
  [ -f "$f" ] && tdb="$tdb \"$typesdir/$(basename "$f")\""
done
echo "#TypesDB $tdb"
echo "#"
for so in "$root$plugindir"/*.so; do
  [ -f "$so" ] || continue
  name=$(basename "$so" .so)
  # only our plugins: those with a man page of this suite
  [ -f "$root/usr/share/man/man5/collectd-timekeeper-$name.5" ] ||
    [ -f "$root/usr/share/man/man5/collectd-timekeeper-$name.5.gz" ] || continue
  echo "## $name: see collectd-timekeeper-$name(5)"
  if [ -f "$root$docdir/examples/$name.conf" ]; then
    grep -vE '^\s*#' "$root$docdir/examples/$name.conf" | grep -vE '^\s*$' | sed 's/^/#/'
  else
    echo "#LoadPlugin $name"
  fi
done
