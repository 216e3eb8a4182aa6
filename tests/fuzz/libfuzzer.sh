#!/bin/bash
# libfuzzer.sh - build every libFuzzer target of tests/fuzz with clang and run
# each for FUZZ_SECONDS (TAP: one line per target; a crash, leak, sanitizer
# report or timeout fails it and keeps the input).
#   make check: FUZZ_SECONDS=5 (CI; the whole run stays under 2 minutes)
#   make fuzz:  FUZZ_SECONDS=60 by default (make fuzz FUZZ_SECONDS=600)
#   FUZZ_TARGETS="pps fips" limits the run; FUZZ_RUNS=N stops each target
#   after N executions instead (at most FUZZ_MAX_SECONDS, default 900: the
#   figures of docs/reliability-fuzz.md).
# SKIP (not a failure) when clang or its libFuzzer runtime is missing
# (Debian: clang, libclang-rt-14-dev; scripts/deps.d/fuzz.txt).
# Work directory: $TOP_BUILDDIR/tests/fuzz/ (bin/, seeds/, corpus/ grows
# from run to run, crash-* artifacts, results.tsv: target, executions,
# seconds, corpus files, coverage edges, features).
# A crasher found here is fixed in the code and its input committed to
# tests/fuzz/regress/TARGET/, which replay.sh runs in every make check (gcc)
# and each libFuzzer run here replays first (under ASan/UBSan).
set -u
top=${TOP_SRCDIR:?} bld=${TOP_BUILDDIR:?}
secs=${FUZZ_SECONDS:-5}
work=$bld/tests/fuzz
CLANG=${FUZZ_CC:-clang}
plugins=" ${FUZZ_PLUGINS:-} "
mkdir -p "$work/bin" "$work/corpus"

if ! command -v "$CLANG" >/dev/null 2>&1; then
  echo "1..0 # SKIP $CLANG not found (apt-get install clang libclang-rt-14-dev)"
  exit 0
fi
probe=$work/bin/.probe
printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$probe.c"
if ! "$CLANG" -fsanitize=fuzzer,address,undefined "$probe.c" -o "$probe" >"$probe.log" 2>&1; then
  echo "1..0 # SKIP $CLANG cannot link libFuzzer (apt-get install libclang-rt-14-dev): $(head -c 200 "$probe.log")"
  exit 0
fi

# The plugins' metric tables (plugins/NAME_metrics.h), generated from
# plugins/NAME.metrics.tsv as the build does, into $work/gen.
mkdir -p "$work/gen"
for tsv in "$top"/plugins/*.metrics.tsv; do
  name=$(basename "$tsv" .metrics.tsv)
  python3 "$top/scripts/gen-metric-tables.py" --c-header "$name" "$work/gen/${name}_metrics.h" ||
    { echo "Bail out! gen-metric-tables.py --c-header $name failed"; exit 1; }
done
CFLAGS_FUZZ="-g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -I$top -I$work/gen"
MOCK="-DCDS_MOCK_TEST ${FUZZ_COLLECTD_CPPFLAGS:-} ${FUZZ_YAJL_CFLAGS:-}"
common_nonceph=$(cd "$top" && ls common/*.c | grep -v '^common/ceph_' | tr '\n' ' ')
ceph_srcs=$(cd "$top" && ls common/ceph_*.c | tr '\n' ' ')
mock_srcs="plugins/cdutil.c plugins/stability.c io/worker.c tests/mock/plugin_mock.c $common_nonceph"
ntp_srcs="common/ntp_mode6.c common/chrony_cmdmon.c common/ntp_snapshot.c"
gps=${FUZZ_LIBGPS_LIBS:--lgps} udev=${FUZZ_LIBUDEV_LIBS:--ludev} yajl=${FUZZ_YAJL_LIBS:--lyajl}

# target -> "needs|flags|target-file flags|target file + other sources|libs"
# (needs: the plugin that must be built; objects other than the target
# file are shared between targets with the same flags)
declare -A T
T[ntp_mode6]="ntp||-DNTP_FUZZ_LIBFUZZER -DNTP_FUZZ_MODE6|tests/plugin/test_ntp_fuzz.c $ntp_srcs|-lm"
T[chrony_cmdmon]="ntp||-DNTP_FUZZ_LIBFUZZER -DNTP_FUZZ_CHRONY|tests/plugin/test_ntp_fuzz.c $ntp_srcs|-lm"
T[ceph_json]="ceph_health|${FUZZ_YAJL_CFLAGS:-}||tests/fuzz/fuzz_ceph.c $ceph_srcs|$yajl -lm"
T[dcf77]="|||tests/fuzz/fuzz_dcf77.c common/dcf77_stream.c common/dcf77_telegram.c common/dcf77_refclock.c common/ntp_mode6.c|-lm"
T[pps]="|||tests/fuzz/fuzz_pps.c common/pps_stats.c|-lm"
T[gpsd]="gpsd|$MOCK||tests/fuzz/fuzz_gpsd.c $mock_srcs|$gps -lpthread -lm"
T[fips]="|||tests/fuzz/fuzz_fips.c common/fips.c common/rng_health.c|-lm"
# config_target PLUGIN "SOURCES" "LIBS": fuzz_config.c on PLUGIN's config
# callback, built with its SOURCES and the mock daemon
config_target() {
  T[config_$1]="$1|$MOCK|-DFUZZ_PLUGIN=$1|tests/fuzz/fuzz_config.c $2 $mock_srcs|${3:+$3 }-lpthread -lm"
}
config_target ntp "io/ntp_net.c io/ntp_query.c"
config_target gpsd "plugins/gpsd_reader.c plugins/gpsd_integrity.c" "$gps"
config_target dcf77 "plugins/dcf77_serial.c plugins/dcf77_ntpd.c io/ntp_net.c io/ntp_query.c" "$udev"
config_target pps "plugins/pps_reader.c plugins/pps_discover.c" "$udev"
config_target rng "plugins/rng_pool.c plugins/rng_cpu.c"
config_target ceph_health "plugins/ceph_health_rados.c plugins/ceph_health_config.c plugins/ceph_health_metrics.c plugins/ceph_health_dispatch.c tests/mock/mock_ceph_health.c $ceph_srcs" "$yajl"
order="ntp_mode6 chrony_cmdmon ceph_json dcf77 pps gpsd fips config_ntp config_gpsd config_dcf77 config_pps config_rng config_ceph_health"
[ -n "${FUZZ_TARGETS:-}" ] && order=$FUZZ_TARGETS

python3 "$top/tests/fuzz/seeds.py" "$top" "$work/seeds" || { echo "Bail out! seeds.py failed"; exit 1; }

# Objects are shared between targets (same source, same flags) and thrown
# away when any source of the suite changed since they were made.
obj=$work/obj
mkdir -p "$obj"
newer() { find "$top/common" "$top/plugins" "$top/tests/fuzz" "$top/tests/mock" \
  "$top/tests/plugin/test_ntp_fuzz.c" -newer "$1" \( -name '*.[ch]' -o -name '*.metrics.tsv' \) 2>/dev/null | head -n 1; }
if [ ! -f "$obj/.stamp" ] || [ -n "$(newer "$obj/.stamp")" ]; then
  rm -f "$obj"/*.o "$work"/bin/*
  touch "$obj/.stamp"
fi

# build TARGET
build() {
  local t=$1 flags tflags srcs libs bin=$work/bin/$1
  IFS='|' read -r _ flags tflags srcs libs <<<"${T[$t]}"
  [ -x "$bin" ] && return 0
  local s f objs=() o first=1
  for s in $srcs; do
    f=$flags
    [ $first = 1 ] && f="$flags $tflags"
    first=0
    o=$obj/$(basename "$s" .c)-$(printf '%s' "$f" | md5sum | cut -c1-12).o
    if [ ! -f "$o" ]; then
      # shellcheck disable=SC2086
      (cd "$top" && nice $CLANG $CFLAGS_FUZZ $f -c "$s" -o "$o") >>"$work/bin/$t.log" 2>&1 || return 1
    fi
    objs+=("$o")
  done
  # shellcheck disable=SC2086
  $CLANG $CFLAGS_FUZZ "${objs[@]}" $libs -o "$bin" >>"$work/bin/$t.log" 2>&1
}

# The dcf77 target's simulated minutes come from its own seed writer.
if [ -z "${FUZZ_TARGETS:-}" ] || [[ " $order " == *" dcf77 "* ]]; then
  (cd "$top" && $CLANG -std=gnu11 -I. -DFUZZ_SEED_WRITER tests/fuzz/fuzz_dcf77.c common/dcf77_sim.c \
    common/dcf77_stream.c common/dcf77_telegram.c common/dcf77_refclock.c common/ntp_mode6.c -lm \
    -o "$work/bin/dcf77_seeds") >"$work/bin/dcf77_seeds.log" 2>&1 &&
    "$work/bin/dcf77_seeds" "$work/seeds/dcf77"
fi

n=0
set -- $order
echo "1..$#"
[ -f "$work/results.tsv" ] || printf 'target\texecs\tseconds\tcorpus_files\tcov_edges\tfeatures\n' >"$work/results.tsv"
for t in $order; do
  n=$((n + 1))
  if [ -z "${T[$t]:-}" ]; then echo "not ok $n - $t: no such target"; continue; fi
  need=${T[$t]%%|*}
  if [ -n "$need" ] && [[ "$plugins" != *" $need "* ]]; then
    echo "ok $n - $t # SKIP the $need plugin is not built here"
    continue
  fi
  : >"$work/bin/$t.log"
  if ! build "$t"; then
    echo "not ok $n - $t: clang build failed"
    sed 's/^/# /' "$work/bin/$t.log" | head -n 30
    continue
  fi
  corpus=$work/corpus/$t
  mkdir -p "$corpus"
  seeds=$work/seeds/$t
  mkdir -p "$seeds"
  log=$work/$t.log
  rm -f "$work"/crash-"$t"-* "$work"/leak-"$t"-* "$work"/timeout-"$t"-* "$work"/oom-"$t"-*
  limit="-max_total_time=$secs"
  [ -n "${FUZZ_RUNS:-}" ] && limit="-runs=$FUZZ_RUNS -max_total_time=${FUZZ_MAX_SECONDS:-900}"
  start=$(date +%s.%N)
  regress=()
  [ -d "$top/tests/fuzz/regress/$t" ] && regress=("$top/tests/fuzz/regress/$t")
  # shellcheck disable=SC2086
  "$work/bin/$t" $limit -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -print_final_stats=1 -artifact_prefix="$work/crash-$t-" \
    "$corpus" "$seeds" "${regress[@]}" >"$log" 2>&1
  rc=$?
  end=$(date +%s.%N)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
  files=$(find "$corpus" -type f | wc -l)
  el=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "${execs:-?}" "$el" "$files" \
    "$(echo "$cov" | awk '{print $2}')" "$(echo "$cov" | awk '{print $4}')" >>"$work/results.tsv"
  if [ "$rc" -ne 0 ]; then
    echo "not ok $n - $t: libFuzzer exit $rc after ${execs:-?} runs ($el s)"
    ls "$work"/crash-"$t"-* 2>/dev/null | sed 's/^/# input kept: /'
    grep -E 'ERROR|SUMMARY|runtime error|#[0-9]+ 0x' "$log" | head -n 25 | sed 's/^/# /'
    echo "# fix the bug, then: cp the input to tests/fuzz/regress/$t/ (replayed by tests/fuzz/replay.sh)"
    continue
  fi
  echo "ok $n - $t: ${execs:-?} runs in $el s, corpus $files files, $cov"
done
