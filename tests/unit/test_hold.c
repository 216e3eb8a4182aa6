/* test_hold.c - the debounce behind NotifyHold (ntp), Hold and LeapHold
 * (timecheck) and the pps holdover warning. */
#include "../../common/hold.h"
#include "testing.h"

int main(void) {
  hold_t h;
  hold_init(&h, 0);
  OK_MSG(hold_update(&h, 0, 100.0, 30) == 0, "initial value held");
  OK_MSG(hold_update(&h, 1, 101.0, 30) == 0, "a new value is not taken at once");
  OK_MSG(hold_update(&h, 1, 130.9, 30) == 0, "not before the hold time");
  OK_MSG(hold_update(&h, 1, 131.0, 30) == 1, "taken after 30 s without interruption");
  OK_MSG(hold_update(&h, 0, 132.0, 30) == 1, "a one-poll return is not taken");
  OK_MSG(hold_update(&h, 1, 133.0, 30) == 1, "...and the held value stays");
  OK_MSG(hold_update(&h, 0, 140.0, 30) == 1, "flip again");
  OK_MSG(hold_update(&h, 1, 150.0, 30) == 1, "flapping never changes the held value");
  OK_MSG(hold_update(&h, 0, 151.0, 30) == 1, "still held");
  OK_MSG(hold_update(&h, 0, 180.9, 30) == 1, "the clear needs the hold time too");
  OK_MSG(hold_update(&h, 0, 181.0, 30) == 0, "cleared after 30 s");
  /* flapping 1/0 every second for 10 minutes: never taken */
  hold_init(&h, 0);
  int changed = 0;
  for (int t = 0; t < 600; t++)
    changed |= hold_update(&h, t % 2, 1000.0 + t, 30) != 0;
  OK_MSG(changed == 0, "a value flapping every second for 10 min is never taken");
  hold_init(&h, 0);
  OK_MSG(hold_update(&h, 1, 5.0, 0) == 1, "hold 0: at once");
  OK_MSG(hold_update(&h, 0, 5.0, -1) == 0, "negative hold: at once");
  hold_init(&h, 0);
  OK_MSG(hold_update(&h, 2, 0.0, 10) == 0, "any int value");
  OK_MSG(hold_update(&h, 2, 10.0, 10) == 2, "taken after exactly the hold time");
  /* an unknown reading interrupts: the held value stays, the clock restarts */
  hold_init(&h, 0);
  OK_MSG(hold_update(&h, 1, 0.0, 10) == 0, "interrupt: a new value seen");
  hold_interrupt(&h);
  OK_MSG(hold_update(&h, 1, 10.0, 10) == 0,
         "seen before and after an unknown reading: the hold restarts");
  OK_MSG(hold_update(&h, 1, 19.9, 10) == 0, "...not before the whole hold time");
  OK_MSG(hold_update(&h, 1, 20.0, 10) == 1, "...taken 10 s after it was seen again");
  hold_interrupt(&h);
  OK_MSG(h.held == 1, "interrupt: the held value stays");
  OK_MSG(hold_update(&h, 0, 21.0, 10) == 1 && hold_update(&h, 0, 31.0, 10) == 0,
         "after an interrupt the clear needs the hold time too");
  return testing_done();
}
