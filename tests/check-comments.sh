#!/bin/bash
# Comments stand alone: no tracked source or document cites the lab notes
# kept outside the repository (FACTS.md, ceph-lab.md, time-lab.md, a
# shared/ directory) or an issue number; they cite public sources (RFCs,
# daemon source files) or the repository's own docs/ instead.
top=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 1
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  files=$(git ls-files -- '*.c' '*.h' '*.sh' '*.py' '*.am' '*.ac' '*.md')
else # a release tarball: no git
  files=$(find . -path ./build -prune -o -type f \( -name '*.[ch]' -o \
    -name '*.sh' -o -name '*.py' -o -name '*.am' -o -name '*.ac' -o \
    -name '*.md' \) -print)
fi
self=tests/check-comments.sh
pattern='FACTS\.md|ceph-lab|time-lab|shared/|\b[Ii]ssue #?[0-9]'
hits=$(echo "$files" | grep -vxF -e "$self" -e "./$self" |
  xargs grep -nE "$pattern" 2>/dev/null)
echo "1..1"
if [ -z "$hits" ]; then
  echo "ok 1 - no comment cites lab notes outside the repository or an issue number"
else
  echo "not ok 1 - comments cite lab notes outside the repository or an issue number"
  echo "$hits" | sed 's/^/# /'
  exit 1
fi
