#!/bin/bash
# live-table.sh CSVDIR - the latest value of every series collectd's csv
# plugin wrote under CSVDIR, one line each: plugin[-instance]  type[-instance]  value.
dir=$1
find "$dir" -type f -name '*-[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' 2>/dev/null | sort |
while read -r f; do
  pi=$(basename "$(dirname "$f")")
  ty=$(basename "$f" | sed 's/-[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}$//')
  printf '%-28s %-40s %s\n' "$pi" "$ty" "$(tail -n 1 "$f" | cut -d, -f2-)"
done
