#!/bin/bash
# deps.sh PHASE... - install the Debian packages the suite needs.
# PHASE: build (compile the plugins), test (run the test suite against the
# real peers), run (the demo).  Each plugin lists its packages in
# scripts/deps.d/NAME.txt as "PHASE package..." lines.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
phases=" $* "
want=()
for f in "$here"/deps.d/*.txt; do
  while read -r phase pkgs; do
    case "$phase" in '' | '#'*) continue ;; esac
    case "$phases" in *" $phase "*) for p in $pkgs; do want+=("$p"); done ;; esac
  done <"$f"
done
missing=()
for p in $(printf '%s\n' "${want[@]}" | sort -u); do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}" >&2
if [ "$(id -u)" != 0 ]; then
  echo "deps: not root; please run: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Never let a package's service start here (ntpsec, gpsd, ceph...): the tests
# start their own peers on loopback.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
if ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1 ||
  ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/cds-apt.log 2>&1; then
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/cds-apt.log 2>&1 ||
    { tail -n 20 /tmp/cds-apt.log >&2; exit 1; }
fi
