# shellcheck shell=bash
# assert.sh - TAP output for the shell tests (sourced by collectd.sh).
#
#   ok RC DESC                RC 0 = pass
#   is ACTUAL EXPECTED DESC   string equality
#   near ACTUAL EXPECTED TOL DESC   numbers within TOL (nan equals nan)
#   near_any A1 A2 EXPECTED TOL     true (no TAP line) if either is near
#   diag TEXT / skip_all REASON
#   py_tap CMD...             count a checker's "ok DESC" / "not ok DESC"
#                             lines as assertions here ("# ..." passed on)
#   tap_plan                  print the plan; 0 if nothing failed

_tap_n=0
_tap_failed=0

ok() { # ok RC DESC: RC 0 = pass
  _tap_n=$((_tap_n + 1))
  if [ "$1" -eq 0 ]; then
    echo "ok $_tap_n - $2"
  else
    echo "not ok $_tap_n - $2"
    _tap_failed=$((_tap_failed + 1))
  fi
}
is() { # is ACTUAL EXPECTED DESC
  if [ "$1" = "$2" ]; then ok 0 "$3"; else
    ok 1 "$3"
    echo "# got '$1', expected '$2'"
  fi
}
near() { # near ACTUAL EXPECTED TOL DESC (numbers; nan equals nan)
  if awk -v a="$1" -v e="$2" -v t="$3" 'BEGIN {
       if (a == "nan" || e == "nan") exit !(a == e);
       d = a - e; if (d < 0) d = -d; exit !(d <= t) }'; then
    ok 0 "$4"
  else
    ok 1 "$4"
    echo "# got '$1', expected '$2' +- $3"
  fi
}
# near_any ACTUAL1 ACTUAL2 EXPECTED TOL: true if either actual is within
# TOL of EXPECTED (a csv row before and one after the tool's reading).
near_any() {
  awk -v a="$1" -v b="$2" -v e="$3" -v t="$4" 'BEGIN {
    if (e == "nan") exit !(a == "nan" || b == "nan");
    d = a - e; if (d < 0) d = -d; f = b - e; if (f < 0) f = -f;
    exit !(d <= t || f <= t) }'
}
diag() { echo "# $*"; }
skip_all() {
  echo "1..0 # SKIP $*"
  exit 0
}

# py_tap CMD...: run a checker whose output lines are "ok DESC",
# "not ok DESC" or "# diagnostics", and count them as TAP assertions here.
py_tap() {
  local line
  while IFS= read -r line; do
    case "$line" in
      "ok "*) ok 0 "${line#ok }" ;;
      "not ok "*) ok 1 "${line#not ok }" ;;
      *) echo "$line" ;;
    esac
  done < <("$@" 2>&1)
}

tap_plan() {
  echo "1..$_tap_n"
  [ "$_tap_failed" -eq 0 ]
}
