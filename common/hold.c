/* hold.c - debounce a state over a hold time (see hold.h). */
#include "hold.h"

void hold_init(hold_t *h, int initial) {
  h->held = initial;
  h->candidate = initial;
  h->since = 0;
  h->started = 0;
}

int hold_update(hold_t *h, int raw, double now, double hold_s) {
  if (!h->started || raw != h->candidate) {
    h->candidate = raw;
    h->since = now;
    h->started = 1;
  }
  if (raw != h->held && now - h->since >= hold_s)
    h->held = raw;
  return h->held;
}

void hold_interrupt(hold_t *h) { h->started = 0; }
