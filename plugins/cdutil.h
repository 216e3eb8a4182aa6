/* SPDX-License-Identifier: MIT
 * cdutil - what every plugin of the suite repeats, on top of collectd's API:
 *  - dispatching a snapshot struct through a static metric table (the one
 *    source of truth for each metric's type, type instance, kind and unit);
 *  - NaN for "unknown", never the previous value;
 *  - notifications on state change only;
 *  - registering one read callback per <Block "name"> with its own Interval;
 *  - uniform error messages for configuration blocks.
 */
#ifndef CDUTIL_H
#define CDUTIL_H

#include "collectd.h"
#include "plugin.h"

#include <stddef.h>
#include <stdint.h>

typedef enum { CDU_GAUGE, CDU_DERIVE } cdu_kind_t;

/* A DERIVE field holding this value is not dispatched (a counter has no NaN). */
#define CDU_DERIVE_UNKNOWN INT64_MIN

typedef struct {
  const char *type;          /* types.db type (stock or types.db.d/) */
  const char *type_instance; /* "" for none */
  cdu_kind_t kind;           /* GAUGE reads a double, DERIVE an int64_t */
  size_t offset;             /* offsetof() the field in the snapshot struct */
  /* unit and help are the metric's documentation (Markdown): the tables of
   * docs/NAME.md are generated from them (scripts/gen-metric-tables.py). */
  const char *unit; /* "s", "ppm", "0/1", ... */
  const char *help; /* meaning and sign */
} cdu_metric_t;

#define CDU_TABLE_SIZE(t) (sizeof(t) / sizeof((t)[0]))

/* The offset of field F of snapshot type T for a row of kind GAUGE or
 * DERIVE, checked at compile time: cdu_dispatch_table reads a double at a
 * GAUGE row's offset and an int64_t at a DERIVE row's, so a row whose field
 * has another type (a GAUGE row on an int64_t, a DERIVE row on a double)
 * does not compile.  The check is a _Static_assert inside a struct inside
 * sizeof (a constant expression, so tables stay static initialisers). */
#define CDU_CHECKED_AT(T, F, ctype, msg)                                       \
  (offsetof(T, F) +                                                            \
   0 * sizeof(struct {                                                         \
     _Static_assert(_Generic(((T *)0)->F, ctype: 1, default: 0), msg);         \
     int unused;                                                               \
   }))
#define CDU_GAUGE_AT(T, F)                                                     \
  CDU_CHECKED_AT(T, F, double, "a GAUGE row needs a double field: " #T "." #F)
#define CDU_DERIVE_AT(T, F)                                                    \
  CDU_CHECKED_AT(T, F, int64_t,                                                \
                 "a DERIVE row needs an int64_t field: " #T "." #F)
/* Kind and checked offset of a row, KIND being GAUGE or DERIVE:
 *   {"type", "instance", CDU_FIELD(GAUGE, snap_t, field), "unit", "help"} */
#define CDU_FIELD(KIND, T, F) CDU_##KIND, CDU_##KIND##_AT(T, F)
/* Kind of a row dispatched one by one because its type instance is only
 * known at run time ("CODE", "TYPE.NAME"): it has no snapshot field. */
#define CDU_NO_FIELD(KIND) CDU_##KIND, 0
/* A row of one element of an array field, named by the string literal NAME
 * in its type instance (PREFIX NAME) and in its help (HELP NAME HELP_TAIL):
 *   CDU_NAMED_ROW("bool", "status_", "pll", TX(GAUGE, flag[0]), "0/1",
 *                 "kernel status bit STA_", "")
 * is {"bool", "status_pll", TX(GAUGE, flag[0]), "0/1",
 *     "kernel status bit STA_pll"}. */
#define CDU_NAMED_ROW(type, prefix, name, field, unit, help, help_tail)       \
  { type, prefix name, field, unit, help name help_tail }

/* Dispatch every row of `table` from `snapshot`.  With snapshot == NULL (no
 * data, or data too old) gauges are dispatched as NaN and derives are not
 * dispatched.  Returns the number of values dispatched. */
int cdu_dispatch_table(const char *plugin, const char *plugin_instance,
                       const cdu_metric_t *table, size_t n,
                       const void *snapshot);

int cdu_dispatch_gauge(const char *plugin, const char *plugin_instance,
                       const char *type, const char *type_instance,
                       double value);
int cdu_dispatch_derive(const char *plugin, const char *plugin_instance,
                        const char *type, const char *type_instance,
                        int64_t value);

/* State-change notifications.  `known` is false until the first call. */
typedef struct {
  bool known;
  int value;
} cdu_state_t;

/* Record `value`; send a notification with `severity` (NOTIF_FAILURE,
 * NOTIF_WARNING, NOTIF_OKAY) and the printf-style message only when the value
 * differs from the previous one, or on the first observation when severity
 * is not NOTIF_OKAY (a host that starts broken is reported once; one that
 * starts healthy is not).  Returns 1 if a notification was sent, else 0. */
int cdu_notify_change(cdu_state_t *state, int value, int severity,
                      const char *plugin, const char *plugin_instance,
                      const char *type, const char *type_instance,
                      const char *format, ...)
    __attribute__((format(printf, 8, 9)));

/* Register `cb` as read callback "plugin/instance" (or "plugin" when
 * instance is NULL) in group `plugin`, every `interval` (0 = global).
 * On failure collectd has already called free_func(data).
 *
 * Every read goes through a timing wrapper (read statistics): it counts the
 * calls and failures and keeps the maximum and total wall-clock duration
 * (CLOCK_MONOTONIC) and the CPU time of the calling thread
 * (CLOCK_THREAD_CPUTIME_ID).  A read longer than its documented bound (plus
 * a slack of 10 % of the bound, at least 100 ms, for a loaded machine) is
 * logged once as a WARNING; the statistics are logged (INFO) when collectd
 * frees the callback at shutdown.  cdu_register_read uses the interval as
 * the bound; cdu_register_read_bounded takes the plugin's documented one. */
int cdu_register_read(const char *plugin, const char *instance,
                      int (*cb)(user_data_t *), cdtime_t interval, void *data,
                      void (*free_func)(void *));
int cdu_register_read_bounded(const char *plugin, const char *instance,
                              int (*cb)(user_data_t *), cdtime_t interval,
                              cdtime_t bound, void *data,
                              void (*free_func)(void *));

/* The bound of a read that only copies a snapshot kept by a reader thread
 * (gpsd, pps, dcf77 receivers): it never waits for I/O. */
#define CDU_SNAPSHOT_READ_BOUND MS_TO_CDTIME_T(100)

/* Read statistics of one registered callback (see cdu_register_read). */
typedef struct {
  uint64_t reads;
  uint64_t failed;
  cdtime_t wall_max;
  cdtime_t wall_total;
  cdtime_t cpu_total;
  cdtime_t bound;
  bool warned;
} cdu_read_stats_t;

/* Account one read of `wall` and `cpu` duration that returned `status`;
 * returns true if it is the first one over the bound (the caller logs). */
bool cdu_read_stats_add(cdu_read_stats_t *st, cdtime_t wall, cdtime_t cpu,
                        int status);

/* The block's single string argument (<Server "name">) copied into buf.
 * Logs and returns -1 if it is missing, not a string, or too long. */
int cdu_block_name(const char *plugin, const oconfig_item_t *ci, char *buf,
                   size_t bufsize);

/* Log "PLUGIN plugin: BLOCK "NAME": unknown option "KEY"" and return -1. */
int cdu_unknown_option(const char *plugin, const oconfig_item_t *block,
                       const char *name, const oconfig_item_t *child);

/* A Port option: a number 1-65535, or a string of one, or a service name
 * (getservbyname).  Anything else is an ERROR naming plugin, block and
 * value, and -1 (found by tests/e2e/bad_config.sh: Port "abc" used to
 * pass the configuration and fail every read).  buf gets the text form. */
int cdu_get_port(const oconfig_item_t *c, const char *plugin,
                 const char *block, char *buf, size_t size);

/* Option values with ONE error format, naming plugin, block and option:
 *   PLUGIN plugin: <BLOCK "NAME">: OPTION must be ..., not VALUE.
 * `block` is the <Block "name"> item the option sits in (its key and its
 * string argument name it), NULL for a top-level option.  On an error
 * nothing is stored and -1 is returned; the caller rejects the block. */

/* A number in [min, max] (both inclusive). */
int cdu_get_double_range(const char *plugin, const oconfig_item_t *block,
                         const oconfig_item_t *c, double min, double max,
                         double *out);
/* A number in (0, max]: durations, windows and timeouts. */
int cdu_get_positive(const char *plugin, const oconfig_item_t *block,
                     const oconfig_item_t *c, double max, double *out);
/* An absolute path (collectd's working directory is not the admin's, so a
 * relative path would pass the configuration and fail every read);
 * *out is replaced by a malloc'd copy. */
int cdu_get_abs_path(const char *plugin, const oconfig_item_t *block,
                     const oconfig_item_t *c, char **out);

/* What a complex config callback returns.  collectd 5.12 exits ("Error:
 * Parsing the config file failed!") as soon as one callback returns
 * non-zero, so one bad block would stop every plugin.  Our plugins reject
 * the faulty block or option (an ERROR naming plugin, block and option) and
 * keep the rest: to the daemon they return 0, after one summary line.  The
 * mock-plugin tests (CDS_MOCK_TEST) get -1, to assert the rejection;
 * tests/e2e/bad_config.sh checks the daemon's side. */
static inline int cdu_config_result(const char *plugin, int status) {
  if (status == 0)
    return 0;
  ERROR("%s plugin: configuration errors (above): the faulty blocks and "
        "options are ignored, the rest of the plugin runs.",
        plugin);
#ifdef CDS_MOCK_TEST
  return -1;
#else
  return 0;
#endif
}

#endif
