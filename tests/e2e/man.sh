#!/bin/bash
# Man pages: one collectd-timekeeper-NAME(5) per plugin, generated from its
# documentation by scripts/gen-man.py and kept in man/.  Checks: every plugin
# has its page and it is in step with the docs; groff formats it without a
# warning; man(1) renders it; every option that examples/NAME.conf sets
# inside <Plugin NAME> appears in the page; `make install` installs them.
. "$(dirname "$0")/../lib/collectd.sh"
n=0
T=$(mktemp -d "${TMPDIR:-/tmp}/cds-man.XXXXXX")
trap 'rm -rf "$T"' EXIT
command -v groff >/dev/null || skip_all "groff not installed (groff-base)"

python3 "$TOP_SRCDIR/scripts/gen-man.py" --check >"$T/check.out" 2>&1
ok $? "man/ is what scripts/gen-man.py generates from the docs"
sed 's/^/# /' "$T/check.out" | head -n 10
for name in $(python3 "$TOP_SRCDIR/scripts/gen-man.py" --list); do
  page=$TOP_SRCDIR/man/collectd-timekeeper-$name.5
  [ -f "$page" ] || { ok 1 "$name: man page exists"; continue; }
  warn=$(groff -man -ww -z "$page" 2>&1)
  ok "$([ -z "$warn" ] && echo 0 || echo 1)" "$name: groff -man -ww formats the page without warnings"
  [ -z "$warn" ] || echo "$warn" | head -n 5 | sed 's/^/# /'
  MANWIDTH=80 man -l "$page" 2>/dev/null | col -b >"$T/$name.txt"
  grep -q '^NAME' "$T/$name.txt" && grep -q '^METRICS' "$T/$name.txt" && grep -q '^CONFIGURATION' "$T/$name.txt"
  ok $? "$name: man renders NAME, CONFIGURATION and METRICS sections"
  # options the shipped example sets inside <Plugin NAME> (commented or not):
  # a capitalised word followed by a value (quoted, number, true/false)
  missing=""
  if [ -f "$TOP_SRCDIR/examples/$name.conf" ]; then
    for opt in $(sed -n "/<Plugin \"\{0,1\}$name\"\{0,1\}>/,/<\/Plugin>/p" "$TOP_SRCDIR/examples/$name.conf" |
      sed -E 's/^[[:space:]#]*//' |
      grep -oE '^[A-Z][A-Za-z0-9]+[[:space:]]+("|-?[0-9]|true|false)' | awk '{print $1}' | sort -u); do
      grep -qw "$opt" "$T/$name.txt" || missing="$missing $opt"
    done
  fi
  ok "$([ -z "$missing" ] && echo 0 || echo 1)" "$name: every option of examples/$name.conf is in the man page"
  [ -z "$missing" ] || diag "missing:$missing"
done
if [ -f "$TOP_BUILDDIR/Makefile" ]; then
  make -s -C "$TOP_BUILDDIR" install-man-timekeeper DESTDIR="$T/dest" >"$T/install.out" 2>&1
  inst=$(find "$T/dest" -name 'collectd-timekeeper-*.5' | wc -l)
  src=$(ls "$TOP_SRCDIR"/man/collectd-timekeeper-*.5 | wc -l)
  is "$inst" "$src" "make install puts every page into man5 ($src)"
fi
it_end
