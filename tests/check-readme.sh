#!/bin/bash
# README.md is the front door: under 500 lines, the two commands (try it:
# scripts/run.sh; test it: scripts/test.sh) in its first 40 lines, and one
# short section per plugin that links the plugin's reference (docs/NAME.md)
# and man page and names only metrics that reference documents.  Its
# generated regions must be what scripts/gen-readme.py makes of docs/ and
# examples/ today, and every file it links must exist.
top=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
readme=${README:-$top/README.md}
n=0; failed=0
t() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; }
lines=$(wc -l <"$readme")
t "$([ "$lines" -lt 500 ] && echo 0 || echo 1)" "README.md has fewer than 500 lines ($lines)"
for cmd in scripts/run.sh scripts/test.sh; do
  head -n 40 "$readme" | grep -qE "^$cmd( |\$)"
  t $? "README.md gives the command $cmd in its first 40 lines"
done
for am in "$top"/plugins/*.am; do
  name=$(basename "$am" .am)
  [ -f "$top/plugins/$name.c" ] || continue
  # The plugin's section: from its "### `NAME`" heading to the next heading.
  section=$(awk -v h="### \`$name\`" '$0 == h {on = 1; print; next} on && /^(#|##|###) / {exit} on' "$readme")
  t "$([ -n "$section" ] && echo 0 || echo 1)" "$name: README.md has a section (add it to PLUGINS in scripts/gen-readme.py)"
  [ -n "$section" ] || continue
  echo "$section" | grep -qF "(docs/$name.md)"
  t $? "$name: its section links docs/$name.md"
  echo "$section" | grep -qF "man collectd-timekeeper-$name"
  t $? "$name: its section names the man page collectd-timekeeper-$name"
  bad=$(echo "$section" | python3 -c '
import re, sys
doc = open(sys.argv[1], encoding="utf-8").read().splitlines()
documented = set()
for line in doc:
    if line.startswith("| `"):
        documented.update(re.findall(r"`([^`]+)`", re.split(r"(?<!\\)\|", line)[1]))
rows = [l for l in sys.stdin.read().splitlines() if l.startswith("| `")]
print(len(rows), *[m for l in rows for m in re.findall(r"`([^`]+)`", l.split("|")[1])
                   if m not in documented])
' "$top/docs/$name.md")
  set -- $bad
  t "$([ "$1" = 5 ] && echo 0 || echo 1)" "$name: its section lists 5 metrics ($1)"
  shift
  t "$([ $# -eq 0 ] && echo 0 || echo 1)" "$name: every metric it lists is in a metric table of docs/$name.md"
  [ $# -eq 0 ] || echo "# not documented: ${*:1:10}"
done
missing=$(grep -oE '\]\([^)#]+' "$readme" | sed 's/^](//' | grep -v '://' | sort -u |
  while read -r f; do [ -e "$top/$f" ] || echo "$f"; done)
t "$([ -z "$missing" ] && echo 0 || echo 1)" "every file README.md links exists"
[ -z "$missing" ] || echo "$missing" | sed 's/^/# missing: /'
python3 "$top/scripts/gen-readme.py" --check >/dev/null
t $? "README.md's generated regions match docs/ and examples/ (else run scripts/gen-docs.sh)"
echo "1..$n"
[ "$failed" -eq 0 ]
