/* hold.h - debounce a state: a new value counts only once it has been seen
 * for a hold time without interruption.  Used so that a notification follows
 * what a daemon keeps saying, not one poll's verdict (a source flagged
 * falseticker for a single selection round is noise, not news).
 * Pure: times are seconds on any monotonic scale, supplied by the caller. */
#ifndef CDS_HOLD_H
#define CDS_HOLD_H

typedef struct {
  int held;      /* the value the caller acts on */
  int candidate; /* the latest raw value */
  double since;  /* when `candidate` was first seen (s) */
  int started;   /* a candidate has been seen */
} hold_t;

/* Start with `initial` as the held value (e.g. "healthy"). */
void hold_init(hold_t *h, int initial);

/* Feed the raw value seen at time `now` (s); returns the held value, which
 * becomes `raw` once `raw` has been seen without interruption for at least
 * `hold_s` seconds (hold_s <= 0: at once). */
int hold_update(hold_t *h, int raw, double now, double hold_s);

/* An unknown reading (a dead daemon, a stale input): an interruption.  The
 * held value stays; the candidate is forgotten, so whatever is seen next
 * must last the whole hold time from then on. */
void hold_interrupt(hold_t *h);

#endif
