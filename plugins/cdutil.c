/* SPDX-License-Identifier: MIT
 * cdutil - shared plugin-side helpers (see cdutil.h). */
#include "plugins/cdutil.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utils/common/common.h"

#include <math.h>
#include <stdarg.h>

static int dispatch(const char *plugin, const char *plugin_instance,
                    const char *type, const char *type_instance,
                    value_t value) {
  value_list_t vl = VALUE_LIST_INIT;
  vl.values = &value;
  vl.values_len = 1;
  sstrncpy(vl.plugin, plugin, sizeof(vl.plugin));
  if (plugin_instance != NULL)
    sstrncpy(vl.plugin_instance, plugin_instance, sizeof(vl.plugin_instance));
  sstrncpy(vl.type, type, sizeof(vl.type));
  if (type_instance != NULL)
    sstrncpy(vl.type_instance, type_instance, sizeof(vl.type_instance));
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
  sstrncpy(n.plugin, plugin, sizeof(n.plugin));
  if (plugin_instance != NULL)
    sstrncpy(n.plugin_instance, plugin_instance, sizeof(n.plugin_instance));
  sstrncpy(n.type, type, sizeof(n.type));
  if (type_instance != NULL)
    sstrncpy(n.type_instance, type_instance, sizeof(n.type_instance));
  va_list ap;
  va_start(ap, format);
  vsnprintf(n.message, sizeof(n.message), format, ap);
  va_end(ap);
  plugin_dispatch_notification(&n);
  return 1;
}

int cdu_register_read(const char *plugin, const char *instance,
                      int (*cb)(user_data_t *), cdtime_t interval, void *data,
                      void (*free_func)(void *)) {
  char name[DATA_MAX_NAME_LEN * 2];
  if (instance != NULL)
    snprintf(name, sizeof(name), "%s/%s", plugin, instance);
  else
    sstrncpy(name, plugin, sizeof(name));
  return plugin_register_complex_read(
      plugin, name, cb, interval,
      &(user_data_t){.data = data, .free_func = free_func});
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
