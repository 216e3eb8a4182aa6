#!/bin/bash
# replay.sh - every make check, with or without clang: the fuzz targets of
# tests/fuzz, built by gcc with replay_main.c (tests/fuzz/replay_*), run once
# on each seed (made from tests/data by seeds.py) and on each committed
# regression input (tests/fuzz/regress/TARGET/: what libFuzzer once found,
# now fixed).  One TAP line per input; a crash, an abort or a hang (30 s
# per target) fails.
set -u
top=${TOP_SRCDIR:?} bld=${TOP_BUILDDIR:?}
work=$bld/tests/fuzz/replay-seeds
rm -rf "$work"
python3 "$top/tests/fuzz/seeds.py" "$top" "$work" || { echo "Bail out! seeds.py failed"; exit 1; }
targets=()
for b in "$bld"/tests/fuzz/replay_*; do
  [ -x "$b" ] && targets+=("$(basename "$b")")
done
[ ${#targets[@]} -gt 0 ] || { echo "1..0 # SKIP no replay program built"; exit 0; }
n=0
for b in "${targets[@]}"; do
  t=${b#replay_}
  dirs=()
  [ -d "$work/$t" ] && dirs+=("$work/$t")
  [ -d "$top/tests/fuzz/regress/$t" ] && dirs+=("$top/tests/fuzz/regress/$t")
  [ ${#dirs[@]} -gt 0 ] || continue
  out=$(cd "$top" && timeout 30 "$bld/tests/fuzz/$b" "${dirs[@]}" 2>&1)
  rc=$?
  while IFS= read -r line; do
    case "$line" in
      "ok "*) n=$((n + 1)); l=${line#ok * - }; l=${l#"$work/$t/"}; echo "ok $n - $t: ${l#"$top/"}" ;;
      *) echo "# $line" ;;
    esac
  done <<<"$out"
  if [ "$rc" -ne 0 ]; then
    n=$((n + 1))
    echo "not ok $n - $t: exit $rc (124: hung) after the inputs above"
  fi
done
echo "1..$n"
