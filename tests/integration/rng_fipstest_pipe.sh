#!/bin/bash
# fipstest -p (pipe mode) as a live filter, next to the installed rngtest
# (Debian rng-tools5, /usr/bin/rngtest), which writes each good block as soon
# as it is tested:
#  - a slow source (python writing one 2500-byte block of os.urandom a
#    second): the first good block must reach stdout within a second of its
#    last byte, not when 1 MiB is buffered or at end of input;
#  - a read error (the peer of a TCP socket on stdin resets it) while the
#    bootstrap bytes, or the first block, are read: the same exit code and
#    error line as rngtest (1 before the bootstrap word is complete, 11 after).
. "$(dirname "$0")/../lib/collectd.sh"
IT_NAME=rng_fipstest_pipe
RNGTEST=${RNGTEST:-/usr/bin/rngtest}
FIPSTEST=$TOP_BUILDDIR/tools/fipstest
[ -x "$RNGTEST" ] || skip_all "rngtest not installed (Debian package rng-tools5)"
[ -x "$FIPSTEST" ] || skip_all "fipstest not built"
command -v python3 >/dev/null || skip_all "python3 not installed"
T=$(mktemp -d "${TMPDIR:-/tmp}/cds-it-rngpipe.XXXXXX")
trap 'rm -rf "$T"' EXIT

# slow_first CMD...: seconds from the end of the first block written to CMD's
# stdin until 2500 bytes came out of its stdout ("none" if they never did
# before the writer finished: 8 bytes, then 4 blocks 1 s apart).
cat >"$T/slow.py" <<'PY'
import os, subprocess, sys, threading, time
p = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.DEVNULL)
first = {}
def reader():
    got = 0
    while got < 2500:
        b = p.stdout.read1(65536)
        if not b:
            return
        got += len(b)
    first["t"] = time.monotonic()
th = threading.Thread(target=reader); th.start()
p.stdin.write(os.urandom(8)); p.stdin.flush()
sent = None
for i in range(4):
    p.stdin.write(os.urandom(2500)); p.stdin.flush()
    if sent is None:
        sent = time.monotonic()
    time.sleep(1)
p.stdin.close(); th.join(); p.wait()
print("%.3f" % (first["t"] - sent) if "t" in first else "none")
PY
# rst N CMD...: CMD reads a TCP socket whose peer sends N random bytes and
# then resets the connection; prints "EXIT|error line".
cat >"$T/rst.py" <<'PY'
import os, socket, struct, subprocess, sys, time
n = int(sys.argv[1])
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
cli = socket.create_connection(srv.getsockname()); peer, _ = srv.accept()
peer.sendall(os.urandom(n))
p = subprocess.Popen(sys.argv[2:], stdin=cli, stdout=subprocess.DEVNULL,
                     stderr=subprocess.PIPE)
cli.close()
time.sleep(0.3)
peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
peer.close()
err = p.communicate()[1].decode().splitlines()
print("%d|%s" % (p.returncode, "".join(l for l in err if "error reading" in l)))
PY

r=$(python3 "$T/slow.py" "$RNGTEST" -p)
diag "rngtest -p: first good block out after ${r} s"
f=$(python3 "$T/slow.py" "$FIPSTEST" -p)
diag "fipstest -p: first good block out after ${f} s"
near "$( [ "$f" = none ] && echo 99 || echo "$f")" 0.25 0.75 \
  "fipstest -p writes the first good block of a slow source at once (within 1 s)"
near "$( [ "$r" = none ] && echo 99 || echo "$r")" 0.25 0.75 \
  "rngtest -p does too (the behaviour matched)"

for n in 2 6 2600; do
  for mode in "" "-p"; do
    # shellcheck disable=SC2086
    a=$(python3 "$T/rst.py" "$n" "$RNGTEST" $mode)
    # shellcheck disable=SC2086
    b=$(python3 "$T/rst.py" "$n" "$FIPSTEST" $mode)
    is "$b" "$a" "read error after $n bytes${mode:+ ($mode)}: fipstest exit code and error line = rngtest's (${a%%|*})"
  done
done
it_end
