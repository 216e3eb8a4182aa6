/* SPDX-License-Identifier: MIT
 * cdutil - shared plugin-side helpers (see cdutil.h). */
#include "plugins/cdutil.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utils/common/common.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <time.h>

/* Fill the identity that value_list_t and notification_t share (the same
 * field names and sizes); a NULL instance stays empty. */
#define SET_IDENTITY(obj, p, pi, t, ti)                                        \
  do {                                                                         \
    sstrncpy((obj).plugin, (p), sizeof((obj).plugin));                         \
    if ((pi) != NULL)                                                          \
      sstrncpy((obj).plugin_instance, (pi), sizeof((obj).plugin_instance));    \
    sstrncpy((obj).type, (t), sizeof((obj).type));                             \
    if ((ti) != NULL)                                                          \
      sstrncpy((obj).type_instance, (ti), sizeof((obj).type_instance));        \
  } while (0)

static int dispatch(const char *plugin, const char *plugin_instance,
                    const char *type, const char *type_instance,
                    value_t value) {
  value_list_t vl = VALUE_LIST_INIT;
  vl.values = &value;
  vl.values_len = 1;
  SET_IDENTITY(vl, plugin, plugin_instance, type, type_instance);
  return plugin_dispatch_values(&vl);
}

int cdu_dispatch_gauge(const char *plugin, const char *plugin_instance,
                       const char *type, const char *type_instance,
                       double value) {
  return dispatch(plugin, plugin_instance, type, type_instance,
                  (value_t){.gauge = value});
}

int cdu_dispatch_derive(const char *plugin, const char *plugin_instance,
                        const char *type, const char *type_instance,
                        int64_t value) {
  return dispatch(plugin, plugin_instance, type, type_instance,
                  (value_t){.derive = value});
}

int cdu_dispatch_table(const char *plugin, const char *plugin_instance,
                       const cdu_metric_t *table, size_t n,
                       const void *snapshot) {
  const char *base = snapshot;
  int sent = 0;
  for (size_t i = 0; i < n; i++) {
    const cdu_metric_t *m = &table[i];
    if (m->kind == CDU_GAUGE) {
      double v = NAN;
      if (base != NULL)
        memcpy(&v, base + m->offset, sizeof(v));
      if (cdu_dispatch_gauge(plugin, plugin_instance, m->type,
                             m->type_instance, v) == 0)
        sent++;
    } else {
      int64_t v = CDU_DERIVE_UNKNOWN;
      if (base != NULL)
        memcpy(&v, base + m->offset, sizeof(v));
      if (v != CDU_DERIVE_UNKNOWN &&
          cdu_dispatch_derive(plugin, plugin_instance, m->type,
                              m->type_instance, v) == 0)
        sent++;
    }
  }
  return sent;
}

int cdu_notify_change(cdu_state_t *state, int value, int severity,
                      const char *plugin, const char *plugin_instance,
                      const char *type, const char *type_instance,
                      const char *format, ...) {
  bool first = !state->known;
  bool changed = first || state->value != value;
  state->known = true;
  state->value = value;
  if (!changed || (first && severity == NOTIF_OKAY))
    return 0;

  notification_t n = {.severity = severity, .time = cdtime()};
  sstrncpy(n.host, hostname_g, sizeof(n.host));
  SET_IDENTITY(n, plugin, plugin_instance, type, type_instance);
  va_list ap;
  va_start(ap, format);
  vsnprintf(n.message, sizeof(n.message), format, ap);
  va_end(ap);
  plugin_dispatch_notification(&n);
  return 1;
}

/* ------------------------------------------------------ read statistics */
typedef struct {
  char name[DATA_MAX_NAME_LEN * 2];
  char plugin[DATA_MAX_NAME_LEN];
  int (*cb)(user_data_t *);
  user_data_t ud;
  cdu_read_stats_t st;
} cdu_read_wrap_t;

static cdtime_t clock_now(clockid_t id) {
  struct timespec ts = {0};
  clock_gettime(id, &ts);
  return TIMESPEC_TO_CDTIME_T(&ts);
}

bool cdu_read_stats_add(cdu_read_stats_t *st, cdtime_t wall, cdtime_t cpu,
                        int status) {
  st->reads++;
  if (status != 0)
    st->failed++;
  st->wall_total += wall;
  st->cpu_total += cpu;
  if (wall > st->wall_max)
    st->wall_max = wall;
  cdtime_t slack = st->bound / 10;
  if (slack < MS_TO_CDTIME_T(100))
    slack = MS_TO_CDTIME_T(100);
  if (st->warned || st->bound == 0 || wall <= st->bound + slack)
    return false;
  st->warned = true;
  return true;
}

static int read_wrapped(user_data_t *ud) {
  cdu_read_wrap_t *w = ud->data;
  cdtime_t wall0 = clock_now(CLOCK_MONOTONIC);
  cdtime_t cpu0 = clock_now(CLOCK_THREAD_CPUTIME_ID);
  int status = w->cb(&w->ud);
  cdtime_t cpu = clock_now(CLOCK_THREAD_CPUTIME_ID) - cpu0;
  cdtime_t wall = clock_now(CLOCK_MONOTONIC) - wall0;
  if (cdu_read_stats_add(&w->st, wall, cpu, status))
    WARNING("%s plugin: read of \"%s\" took %.3f s, more than its bound of "
            "%.3f s (logged once).",
            w->plugin, w->name, CDTIME_T_TO_DOUBLE(wall),
            CDTIME_T_TO_DOUBLE(w->st.bound));
  return status;
}

static void read_wrap_free(void *p) {
  cdu_read_wrap_t *w = p;
  const cdu_read_stats_t *st = &w->st;
  if (st->reads > 0)
    INFO("%s plugin: read statistics of \"%s\": %" PRIu64 " reads, %" PRIu64
         " failed, wall max %.6f s mean %.6f s, cpu total %.6f s mean "
         "%.6f s, bound %.3f s.",
         w->plugin, w->name, st->reads, st->failed,
         CDTIME_T_TO_DOUBLE(st->wall_max),
         CDTIME_T_TO_DOUBLE(st->wall_total) / (double)st->reads,
         CDTIME_T_TO_DOUBLE(st->cpu_total),
         CDTIME_T_TO_DOUBLE(st->cpu_total) / (double)st->reads,
         CDTIME_T_TO_DOUBLE(st->bound));
  if (w->ud.free_func != NULL)
    w->ud.free_func(w->ud.data);
  free(w);
}

int cdu_register_read_bounded(const char *plugin, const char *instance,
                              int (*cb)(user_data_t *), cdtime_t interval,
                              cdtime_t bound, void *data,
                              void (*free_func)(void *)) {
  cdu_read_wrap_t *w = calloc(1, sizeof(*w));
  if (w == NULL) {
    ERROR("%s plugin: calloc failed.", plugin);
    if (free_func != NULL)
      free_func(data);
    return -1;
  }
  if (instance != NULL)
    snprintf(w->name, sizeof(w->name), "%s/%s", plugin, instance);
  else
    sstrncpy(w->name, plugin, sizeof(w->name));
  sstrncpy(w->plugin, plugin, sizeof(w->plugin));
  w->cb = cb;
  w->ud = (user_data_t){.data = data, .free_func = free_func};
  w->st.bound =
      bound != 0 ? bound : (interval != 0 ? interval : plugin_get_interval());
  return plugin_register_complex_read(
      plugin, w->name, read_wrapped, interval,
      &(user_data_t){.data = w, .free_func = read_wrap_free});
}

int cdu_register_read(const char *plugin, const char *instance,
                      int (*cb)(user_data_t *), cdtime_t interval, void *data,
                      void (*free_func)(void *)) {
  return cdu_register_read_bounded(plugin, instance, cb, interval, 0, data,
                                   free_func);
}

int cdu_block_name(const char *plugin, const oconfig_item_t *ci, char *buf,
                   size_t bufsize) {
  if (ci->values_num != 1 || ci->values[0].type != OCONFIG_TYPE_STRING) {
    ERROR("%s plugin: <%s> needs exactly one string argument, e.g. <%s \"name\">.",
          plugin, ci->key, ci->key);
    return -1;
  }
  const char *s = ci->values[0].value.string;
  if (s[0] == '\0' || strlen(s) >= bufsize || strchr(s, '/') != NULL) {
    ERROR("%s plugin: <%s \"%s\">: the name must be 1 to %zu characters "
          "without '/'.",
          plugin, ci->key, s, bufsize - 1);
    return -1;
  }
  sstrncpy(buf, s, bufsize);
  return 0;
}

int cdu_unknown_option(const char *plugin, const oconfig_item_t *block,
                       const char *name, const oconfig_item_t *child) {
  if (block != NULL && name != NULL)
    ERROR("%s plugin: <%s \"%s\">: unknown option \"%s\"; the block is "
          "ignored.",
          plugin, block->key, name, child->key);
  else if (name != NULL) /* collectd's oconfig leaves `parent` unset */
    ERROR("%s plugin: \"%s\": unknown option \"%s\"; the block is ignored.",
          plugin, name, child->key);
  else
    ERROR("%s plugin: unknown option \"%s\".", plugin, child->key);
  return -1;
}

int cdu_get_port(const oconfig_item_t *c, const char *plugin,
                 const char *block, char *buf, size_t size) {
  char tmp[64];
  if (c->values_num == 1 && c->values[0].type == OCONFIG_TYPE_NUMBER) {
    double d = c->values[0].value.number;
    if (d >= 1 && d <= 65535 && d == (double)(int)d) {
      snprintf(buf, size, "%d", (int)d);
      return 0;
    }
    snprintf(tmp, sizeof(tmp), "%g", d);
  } else if (c->values_num == 1 &&
             c->values[0].type == OCONFIG_TYPE_STRING) {
    const char *s = c->values[0].value.string;
    char *end;
    long n = strtol(s, &end, 10);
    if (s[0] != '\0' && *end == '\0' && n >= 1 && n <= 65535) {
      snprintf(buf, size, "%ld", n);
      return 0;
    }
    if (s[0] != '\0' && *end != '\0' && strlen(s) < size &&
        getservbyname(s, NULL) != NULL) {
      sstrncpy(buf, s, size);
      return 0;
    }
    sstrncpy(tmp, s, sizeof(tmp));
  } else {
    sstrncpy(tmp, "(not one value)", sizeof(tmp));
  }
  ERROR("%s plugin: \"%s\": Port must be a number in 1-65535 or a service "
        "name, not \"%s\"; the block is ignored.",
        plugin, block != NULL ? block : "", tmp);
  return -1;
}

/* "<Block \"name\">: " of an option's block, "" for a top-level one. */
static void block_prefix(const oconfig_item_t *block, char *buf,
                         size_t size) {
  if (block == NULL)
    buf[0] = '\0';
  else if (block->values_num >= 1 &&
           block->values[0].type == OCONFIG_TYPE_STRING)
    snprintf(buf, size, "<%s \"%s\">: ", block->key,
             block->values[0].value.string);
  else
    snprintf(buf, size, "<%s>: ", block->key);
}

/* The option's values as collectd parsed them, for the error message
 * (strings quoted: "2.5e76" reaches us as 2.5 "e76", since collectd's
 * scanner wants a signed exponent). */
static void option_value(const oconfig_item_t *c, char *buf, size_t size) {
  size_t len = 0;
  buf[0] = '\0';
  if (c->values_num == 0)
    sstrncpy(buf, "no value", size);
  for (int i = 0; i < c->values_num && len < size; i++) {
    const oconfig_value_t *v = &c->values[i];
    const char *sep = i > 0 ? " " : "";
    int n;
    if (v->type == OCONFIG_TYPE_NUMBER)
      n = snprintf(buf + len, size - len, "%s%g", sep, v->value.number);
    else if (v->type == OCONFIG_TYPE_STRING)
      n = snprintf(buf + len, size - len, "%s\"%s\"", sep, v->value.string);
    else
      n = snprintf(buf + len, size - len, "%s%s", sep,
                   v->value.boolean ? "true" : "false");
    len += n > 0 ? (size_t)n : 0;
  }
}

/* Log "PLUGIN plugin: <BLOCK "NAME">: OPTION must be WHAT, not VALUE." */
static int option_error(const char *plugin, const oconfig_item_t *block,
                        const oconfig_item_t *c, const char *what) {
  char where[2 * DATA_MAX_NAME_LEN + 16], value[128];
  block_prefix(block, where, sizeof(where));
  option_value(c, value, sizeof(value));
  ERROR("%s plugin: %s%s must be %s, not %s.", plugin, where, c->key, what,
        value);
  return -1;
}

static bool one_number(const oconfig_item_t *c) {
  return c->values_num == 1 && c->values[0].type == OCONFIG_TYPE_NUMBER;
}

int cdu_get_double_range(const char *plugin, const oconfig_item_t *block,
                         const oconfig_item_t *c, double min, double max,
                         double *out) {
  double v = one_number(c) ? c->values[0].value.number : NAN;
  if (!(v >= min && v <= max)) { /* NaN fails too */
    char what[96];
    snprintf(what, sizeof(what), "a number in [%g, %g]", min, max);
    return option_error(plugin, block, c, what);
  }
  *out = v;
  return 0;
}

int cdu_get_positive(const char *plugin, const oconfig_item_t *block,
                     const oconfig_item_t *c, double max, double *out) {
  double v = one_number(c) ? c->values[0].value.number : NAN;
  if (!(v > 0 && v <= max)) {
    char what[96];
    snprintf(what, sizeof(what), "a number in (0, %g]", max);
    return option_error(plugin, block, c, what);
  }
  *out = v;
  return 0;
}

int cdu_get_abs_path(const char *plugin, const oconfig_item_t *block,
                     const oconfig_item_t *c, char **out) {
  if (c->values_num != 1 || c->values[0].type != OCONFIG_TYPE_STRING ||
      c->values[0].value.string[0] != '/')
    return option_error(plugin, block, c, "an absolute path");
  char *copy = strdup(c->values[0].value.string);
  if (copy == NULL)
    return option_error(plugin, block, c, "storable (out of memory)");
  free(*out);
  *out = copy;
  return 0;
}
