#!/bin/bash
# The CI version of scripts/soak.sh: every plugin against real peers at
# Interval 1 for SOAK_MINUTES (default 2) minutes; RSS must not grow after
# the warm-up, every plugin keeps dispatching, no read exceeds its bound.
# The documented 30-minute run: scripts/soak.sh 30 (docs/reliability.md).
exec "$TOP_SRCDIR/scripts/soak.sh" "${SOAK_MINUTES:-2}"
