#!/bin/bash
# bench/ceph_health_scale.sh [PGS...]: build and run the ceph_health scale
# benchmark (see bench/ceph_health_scale.c) in ./build.  Equivalent:
#   cd build && make bench-ceph_health
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top/build"
make -s bench/ceph_health_scale >/dev/null
exec ./bench/ceph_health_scale "$@"
