#!/bin/bash
# dcf77 <Receiver> on the real collectd daemon when the host stalls:
# collectd is stopped (SIGSTOP, as a starved or swapping host stops it) for
# 5 s, five times, while the feeder keeps sending one character a second on
# the pty.  The receiver never fell silent: no "no DCF77 pulses" may be sent
# and no bool-receiving row may read 0 (NaN while the characters wait unread).
# Then the feeder itself stops: silence the reader watched is still reported.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
it_begin dcf77_stall
need python3

dcf77_feed_start "$T/feed.ready" "$T/feed.log" "$T/rx:0.425"
ok $? "the feeder made the pty"
FEED=$(pgrep -f "dcf77_feed.py --ready $T/feed.ready" | head -n 1)
collectd_start "$(conf_fill dcf77_rx DEVICE="$T/rx" STABILITY=)"

f=$(csv_wait 'dcf77-rx/bool-receiving-*' 20)
ok $? "collectd wrote dcf77-rx/bool-receiving"
csv_until "$f" 1.000000 20
ok $? "bool-receiving 1 while the feeder sends"

cd_freeze 5 5 'dcf77-rx/bool-receiving-*'
is "$(notifications_matching 'no DCF77 pulses')" 0 "no 'no DCF77 pulses' across five 5 s stalls"
zeros=$(csv_after "$CD_FROZE_AT" 'dcf77-rx/bool-receiving-*' | awk -F, '$2 + 0 == 0 && $2 != "nan"' | wc -l)
is "$zeros" 0 "no bool-receiving row reads 0 (1, or NaN while characters wait unread)"

# The feeder stops: a silence the reader watches is an alarm.
kill -STOP "$FEED"
sc_wait_notification 30 'no DCF77 pulses'
kill -CONT "$FEED"
is "$(notifications_matching 'no DCF77 pulses')" 1 "the feeder paused: one 'no DCF77 pulses'"

collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"
it_end
