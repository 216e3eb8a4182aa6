/* SPDX-License-Identifier: MIT
 * plugin_mock - recording stand-in for the collectd daemon API (see .h). */
#include "tests/mock/plugin_mock.h"

#include "utils/common/common.h"
#include "utils_complain.h"

#include <ctype.h>
#include <limits.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MOCK_MAX 256

char *hostname_g = "mockhost";
cdtime_t interval_g = TIME_T_TO_CDTIME_T_STATIC(10);
cdtime_t mock_now;

typedef struct {
  char name[256];
  int (*complex_config)(oconfig_item_t *);
  int (*init)(void);
  int (*shutdown)(void);
  int (*simple_read)(void);
  int (*complex_read)(user_data_t *);
  user_data_t ud;
  cdtime_t interval;
} mock_reg_t;

static mock_reg_t regs[MOCK_MAX];
static size_t regs_num;

static mock_value_t *values;
static size_t values_num, values_cap;
static notification_t *notifs;
static size_t notifs_num, notifs_cap;
static char **logs;
static int *log_levels;
static size_t logs_num, logs_cap, levels_cap;

static void *grow(void *p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap)
    return p;
  size_t n = *cap ? *cap * 2 : 64;
  while (n < need)
    n *= 2;
  void *q = realloc(p, n * elem);
  if (q == NULL)
    abort(); /* test harness only */
  *cap = n;
  return q;
}

static mock_reg_t *new_reg(const char *name) {
  if (regs_num >= MOCK_MAX)
    return NULL;
  mock_reg_t *r = &regs[regs_num++];
  memset(r, 0, sizeof(*r));
  sstrncpy(r->name, name, sizeof(r->name));
  return r;
}

/* ------------------------------------------------------------ daemon API */
/* Register `name` with the callbacks of *cbs: 0 or ENOMEM (table full). */
static int add_reg(const char *name, const mock_reg_t *cbs) {
  mock_reg_t *r = new_reg(name);
  if (r == NULL)
    return ENOMEM;
  r->complex_config = cbs->complex_config;
  r->init = cbs->init;
  r->shutdown = cbs->shutdown;
  r->simple_read = cbs->simple_read;
  return 0;
}

int plugin_register_complex_config(const char *type,
                                   int (*cb)(oconfig_item_t *)) {
  return add_reg(type, &(mock_reg_t){.complex_config = cb});
}

int plugin_register_init(const char *name, plugin_init_cb cb) {
  return add_reg(name, &(mock_reg_t){.init = cb});
}

int plugin_register_shutdown(const char *name, plugin_shutdown_cb cb) {
  return add_reg(name, &(mock_reg_t){.shutdown = cb});
}

int plugin_register_read(const char *name, int (*cb)(void)) {
  if (mock_has_read(name))
    return EINVAL;
  return add_reg(name, &(mock_reg_t){.simple_read = cb});
}

int plugin_register_complex_read(const char *group, const char *name,
                                 plugin_read_cb cb, cdtime_t interval,
                                 user_data_t const *ud) {
  (void)group;
  /* Like plugin.c: on failure the daemon frees the user data itself. */
  mock_reg_t *r = mock_has_read(name) ? NULL : new_reg(name);
  if (r == NULL) {
    if (ud != NULL && ud->free_func != NULL)
      ud->free_func(ud->data);
    return EINVAL;
  }
  r->complex_read = cb;
  r->interval = interval;
  if (ud != NULL)
    r->ud = *ud;
  return 0;
}

int plugin_unregister_read(const char *name) {
  for (size_t i = 0; i < regs_num; i++)
    if ((regs[i].simple_read || regs[i].complex_read) &&
        strcmp(regs[i].name, name) == 0) {
      regs[i].simple_read = NULL;
      regs[i].complex_read = NULL;
      return 0;
    }
  return ENOENT;
}

int plugin_dispatch_values(value_list_t const *vl) {
  if (vl->values_len != 1)
    return EINVAL;
  values = grow(values, &values_cap, values_num + 1, sizeof(*values));
  mock_value_t *v = &values[values_num++];
  memset(v, 0, sizeof(*v));
  sstrncpy(v->plugin, vl->plugin, sizeof(v->plugin));
  sstrncpy(v->plugin_instance, vl->plugin_instance,
           sizeof(v->plugin_instance));
  sstrncpy(v->type, vl->type, sizeof(v->type));
  sstrncpy(v->type_instance, vl->type_instance, sizeof(v->type_instance));
  /* A value_t is a union: the test knows the kind from the metric table;
   * record both readings. */
  v->gauge = vl->values[0].gauge;
  v->derive = vl->values[0].derive;
  v->interval = vl->interval;
  return 0;
}

int plugin_dispatch_notification(const notification_t *n) {
  notifs = grow(notifs, &notifs_cap, notifs_num + 1, sizeof(*notifs));
  notifs[notifs_num] = *n;
  notifs[notifs_num].meta = NULL;
  notifs_num++;
  return 0;
}

static void record_log(int level, const char *fmt, va_list ap) {
  char buf[1024];
  vsnprintf(buf, sizeof(buf), fmt, ap);
  logs = grow(logs, &logs_cap, logs_num + 1, sizeof(*logs));
  log_levels =
      grow(log_levels, &levels_cap, logs_num + 1, sizeof(*log_levels));
  logs[logs_num] = strdup(buf);
  log_levels[logs_num] = level;
  logs_num++;
  if (getenv("MOCK_VERBOSE") != NULL)
    printf("# log[%d] %s\n", level, buf);
}

void plugin_log(int level, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  record_log(level, format, ap);
  va_end(ap);
}

void daemon_log(int level, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  record_log(level, format, ap);
  va_end(ap);
}

cdtime_t plugin_get_interval(void) { return interval_g; }

int plugin_thread_create(pthread_t *thread, void *(*start)(void *), void *arg,
                         char const *name) {
  (void)name;
  return pthread_create(thread, NULL, start, arg);
}

cdtime_t cdtime(void) {
  if (mock_now != 0)
    return mock_now;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return TIMESPEC_TO_CDTIME_T(&ts);
}

char *sstrncpy(char *dest, const char *src, size_t n) {
  if (n == 0)
    return dest;
  strncpy(dest, src, n - 1); /* NOLINT: the mock mirrors collectd's helper */
  dest[n - 1] = '\0';
  return dest;
}

char *sstrerror(int errnum, char *buf, size_t buflen) {
  snprintf(buf, buflen, "%s", strerror(errnum));
  return buf;
}

static void complain(int level, const char *fmt, va_list ap) {
  record_log(level, fmt, ap);
}

void c_complain(int level, c_complain_t *c, const char *format, ...) {
  /* Like the daemon: report, then wait ever longer before repeating. */
  cdtime_t now = cdtime();
  if (c->last + c->interval > now)
    return;
  c->interval = c->interval ? 2 * c->interval : interval_g;
  c->last = now;
  va_list ap;
  va_start(ap, format);
  complain(level, format, ap);
  va_end(ap);
}

void c_complain_once(int level, c_complain_t *c, const char *format, ...) {
  if (c->complained_once)
    return;
  c->complained_once = true;
  c->interval = 1;
  va_list ap;
  va_start(ap, format);
  complain(level, format, ap);
  va_end(ap);
}

void c_do_release(int level, c_complain_t *c, const char *format, ...) {
  if (c->interval == 0)
    return;
  c->interval = 0;
  c->complained_once = false;
  va_list ap;
  va_start(ap, format);
  complain(level, format, ap);
  va_end(ap);
}

/* ---------------------------------------------------------- cf_util_get_* */
/* 0 if ci has exactly one value of `type`, else collectd's error line
 * ("exactly one KIND argument") and -1. */
static int one_value(const oconfig_item_t *ci, int type, const char *kind) {
  if (ci->values_num == 1 && ci->values[0].type == type)
    return 0;
  ERROR("The `%s' option requires exactly one %s argument.", ci->key, kind);
  return -1;
}

int cf_util_get_string(const oconfig_item_t *ci, char **ret) {
  if (one_value(ci, OCONFIG_TYPE_STRING, "string") != 0)
    return -1;
  char *s = strdup(ci->values[0].value.string);
  if (s == NULL)
    return -1;
  free(*ret);
  *ret = s;
  return 0;
}

int cf_util_get_string_buffer(const oconfig_item_t *ci, char *buf,
                              size_t size) {
  if (one_value(ci, OCONFIG_TYPE_STRING, "string") != 0)
    return -1;
  sstrncpy(buf, ci->values[0].value.string, size);
  return 0;
}

int cf_util_get_double(const oconfig_item_t *ci, double *ret) {
  if (one_value(ci, OCONFIG_TYPE_NUMBER, "numeric") != 0)
    return -1;
  *ret = ci->values[0].value.number;
  return 0;
}

int cf_util_get_int(const oconfig_item_t *ci, int *ret) {
  double d;
  if (cf_util_get_double(ci, &d) != 0)
    return -1;
  /* collectd casts the double (undefined beyond int, INT_MIN on x86-64):
   * give that result without the undefined behaviour (tests/fuzz). */
  *ret = (d >= INT_MIN && d <= INT_MAX) ? (int)d : INT_MIN;
  return 0;
}

int cf_util_get_boolean(const oconfig_item_t *ci, bool *ret) {
  if (ci->values_num != 1 || (ci->values[0].type != OCONFIG_TYPE_BOOLEAN &&
                              ci->values[0].type != OCONFIG_TYPE_STRING)) {
    ERROR("The `%s' option requires exactly one boolean argument.", ci->key);
    return -1;
  }
  if (ci->values[0].type == OCONFIG_TYPE_BOOLEAN) {
    *ret = ci->values[0].value.boolean != 0;
    return 0;
  }
  const char *s = ci->values[0].value.string;
  if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 ||
      strcasecmp(s, "on") == 0)
    *ret = true;
  else if (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0 ||
           strcasecmp(s, "off") == 0)
    *ret = false;
  else {
    ERROR("Cannot interpret string \"%s\" as boolean value.", s);
    return -1;
  }
  return 0;
}

int cf_util_get_cdtime(const oconfig_item_t *ci, cdtime_t *ret) {
  double d;
  if (cf_util_get_double(ci, &d) != 0)
    return -1;
  if (d < 0.0) {
    ERROR("The numeric argument of the `%s' option must not be negative.",
          ci->key);
    return -1;
  }
  /* collectd converts without a bound (undefined beyond 2^64 ns, ~584
   * years): saturate instead, so tests/fuzz sees the plugin's own checks. */
  *ret = (d < 1.5e10) ? DOUBLE_TO_CDTIME_T(d) : (cdtime_t)INT64_MAX;
  return 0;
}

int cf_util_get_port_number(const oconfig_item_t *ci) {
  if (ci->values_num != 1)
    return -1;
  int port;
  if (ci->values[0].type == OCONFIG_TYPE_NUMBER) {
    double d = ci->values[0].value.number;
    port = (d >= 1 && d <= 65535) ? (int)d : -1;
  }
  else if (ci->values[0].type == OCONFIG_TYPE_STRING)
    port = (int)strtol(ci->values[0].value.string, NULL, 10);
  else
    return -1;
  if (port < 1 || port > 65535) {
    ERROR("The `%s' option requires a port number in 1-65535.", ci->key);
    return -1;
  }
  return port;
}

int cf_util_get_service(const oconfig_item_t *ci, char **ret) {
  if (ci->values_num == 1 && ci->values[0].type == OCONFIG_TYPE_NUMBER) {
    char buf[16];
    int port = cf_util_get_port_number(ci);
    if (port < 0)
      return -1;
    snprintf(buf, sizeof(buf), "%d", port);
    free(*ret);
    *ret = strdup(buf);
    return *ret ? 0 : -1;
  }
  return cf_util_get_string(ci, ret);
}

/* -------------------------------------------------------- config parser */
static oconfig_item_t *add_child(oconfig_item_t *parent, const char *key) {
  oconfig_item_t *c = realloc(parent->children, (size_t)(parent->children_num + 1) *
                                                    sizeof(*c));
  if (c == NULL)
    abort();
  parent->children = c;
  oconfig_item_t *it = &c[parent->children_num++];
  memset(it, 0, sizeof(*it));
  it->key = strdup(key);
  it->parent = parent;
  return it;
}

static void add_value(oconfig_item_t *it, oconfig_value_t v) {
  oconfig_value_t *n =
      realloc(it->values, (size_t)(it->values_num + 1) * sizeof(*n));
  if (n == NULL)
    abort();
  it->values = n;
  n[it->values_num++] = v;
}

static void fix_parents(oconfig_item_t *ci) {
  for (int i = 0; i < ci->children_num; i++) {
    ci->children[i].parent = ci;
    fix_parents(&ci->children[i]);
  }
}

/* Values on one line: "quoted", numbers, true/false, bare words. */
static void cfg_parse_values(oconfig_item_t *it, char *p) {
  while (*p) {
    while (isspace((unsigned char)*p))
      p++;
    if (*p == '\0' || *p == '#')
      break;
    oconfig_value_t v = {0};
    if (*p == '"') {
      char *s = ++p, *d = p;
      while (*p && *p != '"') {
        if (*p == '\\' && p[1])
          p++;
        *d++ = *p++;
      }
      if (*p == '"')
        p++;
      *d = '\0';
      v.type = OCONFIG_TYPE_STRING;
      v.value.string = strdup(s);
    } else {
      char *s = p;
      while (*p && !isspace((unsigned char)*p))
        p++;
      if (*p)
        *p++ = '\0';
      char *end;
      double d = strtod(s, &end);
      if (end != s && *end == '\0') {
        v.type = OCONFIG_TYPE_NUMBER;
        v.value.number = d;
      } else if (strcasecmp(s, "true") == 0 || strcasecmp(s, "false") == 0) {
        v.type = OCONFIG_TYPE_BOOLEAN;
        v.value.boolean = strcasecmp(s, "true") == 0;
      } else {
        v.type = OCONFIG_TYPE_STRING;
        v.value.string = strdup(s);
      }
    }
    add_value(it, v);
  }
}

oconfig_item_t *mock_config_parse(const char *text) {
  oconfig_item_t *root = calloc(1, sizeof(*root));
  char *copy = strdup(text);
  if (root == NULL || copy == NULL)
    abort();
  root->key = strdup("root");
  /* Stack of indices from the root, so realloc of children is safe. */
  int path[32], depth = 0;
  char *save = NULL;
  for (char *line = strtok_r(copy, "\n", &save); line != NULL;
       line = strtok_r(NULL, "\n", &save)) {
    while (isspace((unsigned char)*line))
      line++;
    size_t len = strlen(line);
    while (len > 0 && isspace((unsigned char)line[len - 1]))
      line[--len] = '\0';
    if (len == 0 || line[0] == '#')
      continue;
    oconfig_item_t *cur = root;
    for (int i = 0; i < depth; i++)
      cur = &cur->children[path[i]];
    if (line[0] == '<' && line[1] == '/') {
      if (depth > 0)
        depth--;
      continue;
    }
    int block = line[0] == '<';
    if (block) {
      line++;
      if (len > 1 && line[len - 2] == '>')
        line[len - 2] = '\0';
    }
    char *key = line;
    while (*line && !isspace((unsigned char)*line))
      line++;
    if (*line)
      *line++ = '\0';
    oconfig_item_t *it = add_child(cur, key);
    cfg_parse_values(it, line);
    if (block && depth < 32)
      path[depth++] = cur->children_num - 1;
  }
  free(copy);
  fix_parents(root);
  return root;
}

static void free_item(oconfig_item_t *ci) {
  free(ci->key);
  for (int i = 0; i < ci->values_num; i++)
    if (ci->values[i].type == OCONFIG_TYPE_STRING)
      free(ci->values[i].value.string);
  free(ci->values);
  for (int i = 0; i < ci->children_num; i++)
    free_item(&ci->children[i]);
  free(ci->children);
}

void mock_config_free(oconfig_item_t *ci) {
  if (ci == NULL)
    return;
  free_item(ci);
  free(ci);
}

int mock_configure(const char *plugin, const char *text) {
  int (*cb)(oconfig_item_t *) = NULL;
  for (size_t i = 0; i < regs_num; i++)
    if (regs[i].complex_config && strcasecmp(regs[i].name, plugin) == 0)
      cb = regs[i].complex_config;
  if (cb == NULL)
    return -1;
  oconfig_item_t *root = mock_config_parse(text);
  int status = 0;
  /* Accept either "<Plugin x> ... </Plugin>" or the block's body alone. */
  if (root->children_num == 1 &&
      strcasecmp(root->children[0].key, "Plugin") == 0)
    status = cb(&root->children[0]);
  else
    status = cb(root);
  mock_config_free(root);
  return status;
}

/* --------------------------------------------------------- driving phases */
int mock_init_all(void) {
  int status = 0;
  for (size_t i = 0; i < regs_num; i++)
    if (regs[i].init && regs[i].init() != 0)
      status = -1;
  return status;
}

static int call_read(mock_reg_t *r) {
  if (r->simple_read)
    return r->simple_read();
  return r->complex_read(&r->ud);
}

int mock_read_all(void) {
  int failed = 0;
  for (size_t i = 0; i < regs_num; i++)
    if ((regs[i].simple_read || regs[i].complex_read) &&
        call_read(&regs[i]) != 0)
      failed++;
  return failed;
}

int mock_read(const char *name) {
  for (size_t i = 0; i < regs_num; i++)
    if ((regs[i].simple_read || regs[i].complex_read) &&
        strcmp(regs[i].name, name) == 0)
      return call_read(&regs[i]);
  return -ENOENT;
}

int mock_clear_read(const char *name) {
  mock_clear();
  return mock_read(name);
}

int mock_read_count(void) {
  int n = 0;
  for (size_t i = 0; i < regs_num; i++)
    n += (regs[i].simple_read || regs[i].complex_read) ? 1 : 0;
  return n;
}

int mock_has_read(const char *name) {
  for (size_t i = 0; i < regs_num; i++)
    if ((regs[i].simple_read || regs[i].complex_read) &&
        strcmp(regs[i].name, name) == 0)
      return 1;
  return 0;
}

int mock_shutdown_all(void) {
  int status = 0;
  for (size_t i = 0; i < regs_num; i++)
    if (regs[i].shutdown && regs[i].shutdown() != 0)
      status = -1;
  for (size_t i = 0; i < regs_num; i++) {
    if (regs[i].ud.free_func != NULL)
      regs[i].ud.free_func(regs[i].ud.data);
    regs[i].ud.free_func = NULL;
    regs[i].simple_read = NULL;
    regs[i].complex_read = NULL;
  }
  return status;
}

void mock_clear(void) {
  values_num = 0;
  notifs_num = 0;
  for (size_t i = 0; i < logs_num; i++)
    free(logs[i]);
  logs_num = 0;
}

void mock_reset(void) {
  mock_clear();
  regs_num = 0;
  mock_now = 0;
}

/* ---------------------------------------------------------------- queries */
size_t mock_value_count(void) { return values_num; }
const mock_value_t *mock_value_at(size_t i) {
  return i < values_num ? &values[i] : NULL;
}

static int match(const char *want, const char *have) {
  return want == NULL || strcmp(want, have) == 0;
}

const mock_value_t *mock_find(const char *pi, const char *type,
                              const char *ti) {
  for (size_t i = values_num; i-- > 0;)
    if (match(pi, values[i].plugin_instance) && match(type, values[i].type) &&
        match(ti, values[i].type_instance))
      return &values[i];
  return NULL;
}

double mock_get(const char *pi, const char *type, const char *ti,
                int *found) {
  const mock_value_t *v = mock_find(pi, type, ti);
  if (found != NULL)
    *found = v != NULL;
  if (v == NULL)
    return NAN;
  /* Derive types are named total_* or derive; everything else is a gauge. */
  if (strncmp(v->type, "total_", 6) == 0 || strcmp(v->type, "derive") == 0)
    return (double)v->derive;
  return v->gauge;
}

void mock_print_values(FILE *out) {
  for (size_t i = 0; i < values_num; i++)
    fprintf(out, "%s/%s/%s/%s=%.9g\n", values[i].plugin,
            values[i].plugin_instance, values[i].type, values[i].type_instance,
            values[i].gauge);
}

size_t mock_notification_count(void) { return notifs_num; }
const notification_t *mock_notification_at(size_t i) {
  return i < notifs_num ? &notifs[i] : NULL;
}
int mock_notified(int severity, const char *needle) {
  int n = 0;
  for (size_t i = 0; i < notifs_num; i++)
    n += (severity == 0 || notifs[i].severity == severity) &&
         strstr(notifs[i].message, needle) != NULL;
  return n;
}

size_t mock_log_count(void) { return logs_num; }
const char *mock_log_at(size_t i) { return i < logs_num ? logs[i] : NULL; }
int mock_log_level_at(size_t i) { return i < logs_num ? log_levels[i] : -1; }
int mock_log_find(const char *needle) {
  for (size_t i = 0; i < logs_num; i++)
    if (strstr(logs[i], needle) != NULL)
      return (int)i;
  return -1;
}

/* ----------------------------------------------------- metric table check */
/* Find "type" in a types.db file; returns the DS kind letter ('G', 'D',
 * 'C', 'A'), 'M' for several data sources, or 0 if absent. */
static char typesdb_kind(const char *file, const char *type) {
  FILE *f = fopen(file, "r");
  if (f == NULL)
    return 0;
  char line[512];
  char kind = 0;
  size_t tl = strlen(type);
  while (fgets(line, sizeof(line), f) != NULL) {
    if (strncmp(line, type, tl) != 0 || !isspace((unsigned char)line[tl]))
      continue;
    char *colon = strchr(line, ':');
    kind = colon ? colon[1] : '?';
    if (strchr(line, ',') != NULL)
      kind = 'M';
    break;
  }
  fclose(f);
  return kind;
}

/* Diagnostics go out as TAP comments; the caller asserts on the count. */
static int check(int ok, const char *what) {
  if (!ok)
    printf("# metric table problem: %s\n", what);
  return ok;
}

static int file_contains(const char *file, const char *needle) {
  FILE *f = fopen(file, "r");
  if (f == NULL)
    return 0;
  char line[8192];
  int found = 0;
  while (!found && fgets(line, sizeof(line), f) != NULL)
    found = strstr(line, needle) != NULL;
  fclose(f);
  return found;
}

/* Append `text` to buf (holding k < size characters); with `cell`, as a
 * Markdown table cell ('|' written as "\\|").  Returns the new length
 * (truncated at size - 1). */
static size_t append(char *buf, size_t size, size_t k, const char *text,
                     bool cell) {
  for (; *text != '\0' && k + 2 < size; text++) {
    if (cell && *text == '|')
      buf[k++] = '\\';
    buf[k++] = *text;
  }
  buf[k] = '\0';
  return k;
}

/* The row scripts/gen-metric-tables.py writes into docs/NAME.md for m:
 * "| `name` | unit | help |", " (DERIVE)" after a DERIVE row's unit. */
static void doc_row(const cdu_metric_t *m, const char *name, char *buf,
                    size_t size) {
  size_t k = append(buf, size, 0, "| `", false);
  k = append(buf, size, k, name, false);
  k = append(buf, size, k, "` | ", false);
  k = append(buf, size, k, m->unit, true);
  k = append(buf, size, k, m->kind == CDU_DERIVE ? " (DERIVE) | " : " | ",
             false);
  k = append(buf, size, k, m->help, true);
  append(buf, size, k, " |", false);
}

int mock_check_metric_table(const char *plugin, const cdu_metric_t *table,
                            size_t n) {
  const char *top = getenv("TOP_SRCDIR");
  char ours[1024], readme[1024], doc[1024];
  snprintf(ours, sizeof(ours), "%s/types.db.d/%s.db", top ? top : ".",
           plugin);
  snprintf(readme, sizeof(readme), "%s/README.md", top ? top : ".");
  snprintf(doc, sizeof(doc), "%s/docs/%s.md", top ? top : ".", plugin);
  int problems = 0;
  for (size_t i = 0; i < n; i++) {
    const cdu_metric_t *m = &table[i];
    char kind = typesdb_kind("/usr/share/collectd/types.db", m->type);
    if (kind == 0)
      kind = typesdb_kind(ours, m->type);
    char want = m->kind == CDU_GAUGE ? 'G' : 'D';
    char name[256], quoted[260], what[400];
    if (m->type_instance[0] != '\0')
      snprintf(name, sizeof(name), "%s-%s", m->type, m->type_instance);
    else
      snprintf(name, sizeof(name), "%s", m->type);
    snprintf(quoted, sizeof(quoted), "`%s`", name);
    snprintf(what, sizeof(what),
             "%s: type %s must exist with one %s data source", plugin,
             m->type, want == 'G' ? "GAUGE" : "DERIVE");
    if (!check(kind == want, what))
      problems++;
    snprintf(what, sizeof(what), "%s: README (or docs/%s.md) must document %s",
             plugin, plugin, quoted);
    if (!check(file_contains(readme, quoted) || file_contains(doc, quoted),
               what))
      problems++;
    /* Unit and meaning: the C row is the text, docs/NAME.md its copy. */
    char row[4096];
    doc_row(m, name, row, sizeof(row));
    snprintf(what, sizeof(what),
             "%s: docs/%s.md has the C row's unit and help for %s (else run "
             "scripts/gen-docs.sh)",
             plugin, plugin, quoted);
    if (!check(file_contains(doc, row), what))
      problems++;
  }
  return problems;
}
