#!/bin/sh
# run-test.sh PROGRAM - how `make check` runs our C test programs: directly,
# or under valgrind memcheck when CDS_VALGRIND=1 (scripts/test.sh --valgrind),
# failing on any error or definitely-lost block.
if [ "${CDS_VALGRIND:-0}" = 1 ]; then
  exec valgrind -q --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite "$@"
fi
exec "$@"
