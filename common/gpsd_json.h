/* SPDX-License-Identifier: MIT
 * gpsd_json - the few pieces of gpsd's JSON protocol the gpsd plugin reads
 * itself, from the exact line libgps hands back (gps_read's buffer):
 *  - the top-level "class" and "device" of any report (libgps 3.22 merges
 *    all devices into one gps_data_t, so the plugin keys on these);
 *  - TOFF and PPS reports (real_sec/real_nsec, clock_sec/clock_nsec,
 *    precision, qErr), because libgps 3.22 files TOFF into gpsdata->pps
 *    (libgps/libgps_json.c libgps_json_unpack(): its TOFF branch calls
 *    json_pps_read(); fixed in gpsd 3.25) and has no field for the PPS
 *    precision (gps.h struct gps_data_t);
 *  - the offset real - clock in integer nanoseconds;
 *  - a plugin-instance name made from a device path.
 * Pure: no I/O, no allocation; the caller passes the line and its length.
 *
 * TOFF (gpsd 3.22):
 *   {"class":"TOFF","device":"/dev/pts/3","real_sec":2054194115,
 *    "real_nsec":0,"clock_sec":1795333909,"clock_nsec":207081777}
 * PPS:
 *   {"class":"PPS","device":"/dev/pps0","real_sec":..,"real_nsec":..,
 *    "clock_sec":..,"clock_nsec":..,"precision":-20,"qErr":-4321}
 * real = GPS time of the event (TOFF: start of the serial cycle, i.e. the
 * time the sentence carries; PPS: the second the edge marks); clock = the
 * system clock at that moment.  So real - clock > 0 means the system clock
 * is behind GPS time (as seen through this receiver).
 */
#ifndef CDS_GPSD_JSON_H
#define CDS_GPSD_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
  GPSD_CLASS_OTHER = 0, /* a class we do not use (VERSION, WATCH, ...) */
  GPSD_CLASS_TPV,
  GPSD_CLASS_SKY,
  GPSD_CLASS_TOFF,
  GPSD_CLASS_PPS,
  GPSD_CLASS_DEVICE,
  GPSD_CLASS_DEVICES,
  GPSD_CLASS_ERROR
} gpsd_class_t;

typedef enum {
  GPSD_JSON_OK = 0,
  GPSD_JSON_EINVAL = -1,   /* NULL argument */
  GPSD_JSON_ESYNTAX = -2,  /* not a JSON object, or malformed */
  GPSD_JSON_ENOCLASS = -3, /* no top-level string "class" */
  GPSD_JSON_EMISSING = -4, /* a required member is missing or not a number */
  GPSD_JSON_ERANGE = -5,   /* a number out of range (nsec not in [0, 1e9)) */
  GPSD_JSON_ECLASS = -6    /* gpsd_json_timedelta on a class other than
                              TOFF or PPS */
} gpsd_json_status_t;

/* Short description of a status, for log lines. */
const char *gpsd_json_strerror(gpsd_json_status_t status);

#define GPSD_JSON_CLASS_LEN 16
#define GPSD_JSON_DEVICE_LEN 128 /* gps.h GPS_PATH_MAX */

typedef struct {
  gpsd_class_t cls;
  char class_name[GPSD_JSON_CLASS_LEN]; /* as sent, truncated */
  bool has_device;
  char device[GPSD_JSON_DEVICE_LEN]; /* "device" member, "" when absent */
  bool has_satellites; /* a top-level "satellites" array (SKY) */
} gpsd_json_header_t;

/* Whether the line is a report as gpsd sends them: exactly one
 * well-formed JSON object (RFC 8259 grammar, nesting depth <= 32, white
 * space around it allowed) whose first member is its only top-level
 * "class", with no key longer than 30 bytes.  libgps 3.22 (gps_unpack)
 * loops forever on some other lines, e.g.
 * {"class":"SKY","satellites":[{"PRN":1}{"class":"TPV"}]} (malformed),
 * {"class":"TPV","class":"DEVICE"} (two classes) and
 * {"<31 bytes>":1,"class":"DEVICE"}, all found by tests/fuzz (inputs in
 * tests/fuzz/regress/gpsd/): the plugin hands libgps only lines that pass
 * this check. */
bool gpsd_json_well_formed(const char *line, size_t len);

/* Top-level "class", "device" and "satellites" of one report (nested objects, such as the
 * satellites of a SKY, are skipped). */
gpsd_json_status_t gpsd_json_header(const char *line, size_t len,
                                    gpsd_json_header_t *out);

typedef struct {
  gpsd_class_t cls; /* GPSD_CLASS_TOFF or GPSD_CLASS_PPS */
  int64_t real_sec, real_nsec;   /* GPS time of the event */
  int64_t clock_sec, clock_nsec; /* system clock at the event */
  bool has_precision;
  int precision; /* log2 seconds (PPS only in gpsd 3.22) */
  bool has_qerr;
  int64_t qerr_ps; /* receiver's quantisation error of the edge, ps */
} gpsd_timedelta_t;

/* Parse a TOFF or PPS report.  real_* and clock_* are required. */
gpsd_json_status_t gpsd_json_timedelta(const char *line, size_t len,
                                       gpsd_timedelta_t *out);

/* *offset_ns = (real - clock) in ns: > 0 = system clock behind GPS time.
 * GPSD_JSON_ERANGE if a nsec field is outside [0, 1e9) or the result
 * overflows. */
gpsd_json_status_t gpsd_timedelta_offset_ns(const gpsd_timedelta_t *td,
                                            int64_t *offset_ns);

/* Plugin-instance name for a gpsd device path: a leading "/dev/" is
 * dropped, "scheme://" becomes "scheme_", every character other than
 * [A-Za-z0-9._-] becomes '_', runs of '_' collapse and leading/trailing '_'
 * are trimmed ("/dev/pts/3" -> "pts_3", "tcp://127.0.0.1:29476" ->
 * "tcp_127.0.0.1_29476").  Returns the length written, or -1 if the
 * arguments are invalid or the result is empty (output truncated to
 * size - 1 characters). */
int gpsd_instance_name(const char *path, char *out, size_t size);

#endif
