#!/bin/sh
# run.sh: the kernel pool and hardware-RNG values, /dev/urandom sampled with
# the FIPS 140-2 and SP 800-90B tests, the hardware RNG too when it is
# readable (root), and the CPU's RDRAND when the CPU has it.
# Every 10 s (the interval examples/storage-schemas.conf assumes for rng),
# whatever the global Interval.
cat <<'CONF'
<LoadPlugin rng>
  Interval 10
</LoadPlugin>
<Plugin rng>
  <Source "urandom">
    Device "/dev/urandom"
    BytesPerInterval 25000
  </Source>
CONF
if [ -r /dev/hwrng ]; then
  cat <<'CONF'
  <Source "hwrng">
    Device "/dev/hwrng"
    BytesPerInterval 2500
  </Source>
CONF
fi
if grep -qw rdrand /proc/cpuinfo 2>/dev/null; then
  cat <<'CONF'
  <Source "rdrand">
    BytesPerInterval 2500
  </Source>
CONF
fi
echo '</Plugin>'
