#!/bin/bash
# The layer rule (HACKING.md, "The layers"), checked on the sources:
#   common/  pure C: no collectd header, no plugins/ or io/ header, no I/O
#            header (sockets, poll, files, threads);
#   io/      POSIX I/O without collectd: no collectd header, no plugins/
#            header, no collectd logging (ERROR(), INFO(), plugin_log());
#   plugins/ the collectd glue (anything goes).
# A file that breaks the rule is named with the offending lines.
top=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
n=0; failed=0
t() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; }

collectd='#include[[:space:]]*[<"](collectd\.h|plugin\.h|utils/|daemon/|liboconfig/|plugins/)'
logging='(^|[^A-Za-z0-9_])((ERROR|WARNING|NOTICE|INFO|DEBUG)[[:space:]]*\([[:space:]]*"|plugin_[a-z_]+[[:space:]]*\()'
io_hdr='#include[[:space:]]*<(sys/socket\.h|sys/un\.h|netdb\.h|poll\.h|fcntl\.h|unistd\.h|pthread\.h|termios\.h|sys/ioctl\.h|dirent\.h)>'

check() { # check DIR WHAT REGEX: every DIR/*.[ch] free of REGEX
  local dir=$1 what=$2 re=$3 hits
  hits=$(grep -nE "$re" "$top/$dir"/*.[ch] 2>/dev/null)
  t "$([ -z "$hits" ] && echo 0 || echo 1)" "$dir/: $what"
  [ -z "$hits" ] || echo "$hits" | sed "s|^$top/|# |"
}

[ -n "$(ls "$top"/io/*.[ch] 2>/dev/null)" ]
t $? "io/ holds the I/O helpers"
check common "no collectd or plugins/ header" "$collectd"
check common "no io/ header" '#include[[:space:]]*"io/'
check common "no I/O header (sockets, poll, files, threads)" "$io_hdr"
check common "no collectd logging or plugin_* call" "$logging"
check io "no collectd or plugins/ header" "$collectd"
check io "no collectd logging or plugin_* call" "$logging"
echo "1..$n"
[ "$failed" -eq 0 ]
