# SPDX-License-Identifier: MIT
"""nmea.py - NMEA 0183 pieces shared by the gpsd test tools (imported via
sys.path by tests/integration/gpsd_feed.py, gpsd_expect.py and
tests/scenarios/gnss_edit.py, gnss_integrity_edit.py).

A sentence is handled as its list of fields: fields[0] is talker + kind
("GPGGA"), the checksum is left off and recomputed on output.
"""

# The field holding the UTC time of day (hhmmss.ss) per sentence kind.
TIME_FIELD = {"RMC": 1, "GGA": 1, "GLL": 5, "ZDA": 1, "GNS": 1, "GBS": 1}


def checksum(body):
    """The two hex digits of XOR over BODY (between '$' and '*')."""
    c = 0
    for ch in body:
        c ^= ord(ch)
    return "%02X" % c


def fields_of(raw):
    """The fields of one log line, or None if it is not a sentence."""
    raw = raw.strip()
    if not raw.startswith("$") or "*" not in raw:
        return None
    return raw[1:raw.rindex("*")].split(",")


def sentence(fields):
    """The sentence text of FIELDS with its checksum (no line end)."""
    body = ",".join(fields)
    return "$%s*%s" % (body, checksum(body))


def epochs(path, time_field=None):
    """The sentences of the log at PATH grouped by epoch: a new epoch starts
    at a time field (TIME_FIELD or the given map) whose value changes."""
    time_field = TIME_FIELD if time_field is None else time_field
    out, cur, cur_t = [], [], None
    with open(path, encoding="ascii", errors="replace") as f:
        for raw in f:
            fields = fields_of(raw)
            if fields is None:
                continue
            tf = time_field.get(fields[0][2:])
            t = fields[tf] if tf is not None and len(fields) > tf else None
            if t and cur_t is not None and t != cur_t and cur:
                out.append(cur)
                cur = []
            if t:
                cur_t = t
            cur.append(fields)
    if cur:
        out.append(cur)
    return out
