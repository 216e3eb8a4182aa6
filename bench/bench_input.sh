# bench/bench_input.sh - sourced by the bench scripts that feed random input
# to programs: `bench_input NAME MB` makes $dir (removed on exit) and $in,
# MB MiB from /dev/urandom, and sets $bytes; `secs CMD...` is the wall time
# of CMD <$in in seconds (stderr kept in $dir/err); `secs_pipe CMD...` the
# same through a pipe (cat $in | CMD).
bench_input() {
  dir=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  trap 'rm -rf "$dir"' EXIT
  in=$dir/input
  head -c $(($2 * 1024 * 1024)) /dev/urandom >"$in"
  bytes=$(stat -c %s "$in")
}

# elapsed T0: seconds since T0 (date +%s%N).
elapsed() {
  awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.4f\n", (b - a) / 1e9 }'
}
secs() {
  local t0
  t0=$(date +%s%N)
  "$@" <"$in" >/dev/null 2>"$dir/err"
  elapsed "$t0"
}
secs_pipe() {
  local t0
  t0=$(date +%s%N)
  cat "$in" | "$@" >/dev/null 2>"$dir/err"
  elapsed "$t0"
}
