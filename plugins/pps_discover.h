/* SPDX-License-Identifier: MIT
 * pps_discover - list the kernel's PPS sources (class "pps"). */
#ifndef PPS_DISCOVER_H
#define PPS_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
  char name[64];    /* kernel name: pps0 */
  char dir[600];    /* its sysfs directory (holds assert, clear, ...) */
  char source[128]; /* sysfs "name": the driver/source, e.g. pps-gpio.-1 */
  char port[256];   /* sysfs "path": the serial port of a line-discipline
                       source (/dev/ttyS0), "" for GPIO/ktimer sources */
} pps_found_t;

/* Enumerate the devices of `subsystem` ("pps") with libudev when use_udev,
 * else by reading the directory SYSFS_ROOT/class/SUBSYSTEM (a fixture root,
 * which libudev cannot be pointed at).  Fills at most `max` entries sorted
 * by name; returns how many, or -errno (a missing class directory is 0). */
int pps_discover(const char *sysfs_root, bool use_udev, const char *subsystem,
                 pps_found_t *out, int max);

#endif
