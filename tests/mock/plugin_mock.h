/* SPDX-License-Identifier: MIT
 * plugin_mock - a recording stand-in for the collectd daemon API.
 *
 * Plugin tests #include the plugin's .c file and link this library instead
 * of running inside collectd.  Everything the plugin registers is kept, every
 * value and notification it dispatches is recorded, and the tests drive the
 * plugin through the same phases as the daemon: config -> init -> read ->
 * shutdown.  Log lines are recorded too, so a test can assert that a bad
 * configuration names the block and the option.
 */
#ifndef PLUGIN_MOCK_H
#define PLUGIN_MOCK_H

#include "collectd.h"
#include "plugin.h"

#include "plugins/cdutil.h"

#include <stdio.h>

typedef struct {
  char plugin[DATA_MAX_NAME_LEN];
  char plugin_instance[DATA_MAX_NAME_LEN];
  char type[DATA_MAX_NAME_LEN];
  char type_instance[DATA_MAX_NAME_LEN];
  int ds_type; /* DS_TYPE_GAUGE or DS_TYPE_DERIVE (from the recorded value) */
  double gauge;
  int64_t derive;
  cdtime_t interval;
} mock_value_t;

/* Forget every recorded value, notification and log line (registrations
 * stay). */
void mock_clear(void);
/* Also forget registrations (shutdown_all first to free user data). */
void mock_reset(void);

/* Parse collectd.conf text (blocks, quoted strings, numbers, true/false)
 * and hand the <Plugin NAME> block to the registered complex config callback
 * of NAME.  Returns the callback's return value, or -1 if none. */
int mock_configure(const char *plugin, const char *config_text);
/* Parse config text into an oconfig tree (free with mock_config_free). */
oconfig_item_t *mock_config_parse(const char *text);
void mock_config_free(oconfig_item_t *ci);

int mock_init_all(void);       /* 0 if every init callback returned 0 */
int mock_read_all(void);       /* number of read callbacks returning != 0 */
int mock_read(const char *name); /* one read callback by name; -ENOENT */
/* mock_clear, then mock_read: the values, notifications and log lines of
 * that one read. */
int mock_clear_read(const char *name);
int mock_shutdown_all(void);   /* shutdown callbacks, then free_funcs */
int mock_read_count(void);     /* registered read callbacks */
int mock_has_read(const char *name);

/* Recorded values.  Matching: NULL matches anything. */
size_t mock_value_count(void);
const mock_value_t *mock_value_at(size_t i);
const mock_value_t *mock_find(const char *plugin_instance, const char *type,
                              const char *type_instance);
/* Gauge (or derive as double) of the last match, NaN if none; *found set. */
double mock_get(const char *plugin_instance, const char *type,
                const char *type_instance, int *found);
void mock_print_values(FILE *out);

size_t mock_notification_count(void);
const notification_t *mock_notification_at(size_t i);
/* How many recorded notifications of `severity` (NOTIF_*, 0: any) have
 * `needle` in their message. */
int mock_notified(int severity, const char *needle);

size_t mock_log_count(void);
const char *mock_log_at(size_t i);
int mock_log_level_at(size_t i);
/* Index of the first log line containing `needle`, or -1. */
int mock_log_find(const char *needle);

/* Check a plugin's metric table against the TypesDB files (stock
 * /usr/share/collectd/types.db and types.db.d/ under TOP_SRCDIR) and the
 * README: every type exists with one data source of the right kind, and the
 * README or docs/PLUGIN.md names every `type-type_instance` (or `type`)
 * in backquotes.
 * Prints a TAP comment per problem and returns the number of problems. */
int mock_check_metric_table(const char *plugin, const cdu_metric_t *table,
                            size_t n);

/* cdtime() returns this when non-zero (tests of freshness and ages). */
extern cdtime_t mock_now;

#endif
