/* SPDX-License-Identifier: MIT
 * dcf77 plugin - is the DCF77 radio clock receiving?
 * Sources: <Ntpd> ntpd's/NTPsec's PARSE refclock over NTP mode 6 (UDP, by
 * default 127.0.0.1:123); <Receiver> a raw DCF77 receiver on a serial line
 * decoded here (common/dcf77_stream).  Privileges: none for <Ntpd> (ntpd
 * must "restrict" the host without noquery); read access to the tty for
 * <Receiver> (group dialout), which is opened read-only.
 */
#include "collectd.h"
#include "plugin.h"
#include "utils/common/common.h"
#include "utils_complain.h"

#include "common/dcf77_refclock.h"
#include "common/dcf77_stream.h"
#include "plugins/cdutil.h"
#include "plugins/dcf77_ntpd.h"
#include "plugins/dcf77_serial.h"
#include "plugins/stability.h"

#include <math.h>
#include <stddef.h>

/* The metric tables rx_metrics and ntpd_metrics, generated from
 * plugins/dcf77.metrics.tsv (the one place a dcf77 metric is named;
 * docs/dcf77.md lists the same rows; the plugin test checks it).  Signs:
 * offsets are DCF77 (or the refclock) minus the system clock: + = system
 * clock behind. */
#include "dcf77_metrics.h"

typedef struct {
  dcf77_rx_t rx;
  stab_config_t stab; /* Stability* options; series "offset" */
  cdu_state_t st_receiving, st_trusted;
  c_complain_t complaint, behind;
} rx_inst_t;

typedef struct {
  dcf77_ntpd_t nt;
  cdu_state_t st_status, st_receiving;
  c_complain_t complaint, bad_value;
} ntpd_inst_t;

#define MAX_RX 16
static rx_inst_t *rx_list[MAX_RX]; /* started by init, stopped by rx_free */
static size_t rx_count;

static void rx_free(void *p) {
  rx_inst_t *in = p;
  if (in == NULL)
    return;
  /* collectd frees read user data before it calls the shutdown callbacks:
   * forget the instance so that dcf77_shutdown does not touch it. */
  for (size_t i = 0; i < rx_count; i++)
    if (rx_list[i] == in)
      rx_list[i] = NULL;
  dcf77_rx_stop(&in->rx);
  stab_free(in->rx.stab);
  pthread_mutex_destroy(&in->rx.lock);
  sfree(in);
}

static void ntpd_free(void *p) {
  ntpd_inst_t *in = p;
  if (in == NULL)
    return;
  dcf77_ntpd_free(&in->nt);
  sfree(in);
}

/* Notifications on state change.  While the receiver is starting (no pulse
 * yet within the first 3 s, no trusted time yet within MaxAge) the state is
 * unknown and nothing is sent. */
static void rx_notify(rx_inst_t *in, const dcf77_rx_snapshot_t *s) {
  const char *n = in->rx.name;
  if (s->receiving > 0)
    cdu_notify_change(&in->st_receiving, 1, NOTIF_OKAY, "dcf77", n, "bool",
                      "receiving",
                      "dcf77 plugin: receiver \"%s\": pulses again.", n);
  else if (s->receiving == 0)
    cdu_notify_change(&in->st_receiving, 0, NOTIF_FAILURE, "dcf77", n,
                      "bool", "receiving",
                      "dcf77 plugin: receiver \"%s\": no DCF77 pulses "
                      "(valid pulses %.0f %% of the last minute).",
                      n, s->valid_pulses_pct);
  if (s->trusted > 0)
    cdu_notify_change(&in->st_trusted, 1, NOTIF_OKAY, "dcf77", n, "bool",
                      "trusted",
                      "dcf77 plugin: receiver \"%s\": trusted DCF77 time, "
                      "offset %.3f s.",
                      n, s->offset_s);
  else if (s->since_trusted_s > in->rx.max_age_s)
    cdu_notify_change(&in->st_trusted, 0, NOTIF_WARNING, "dcf77", n, "bool",
                      "trusted",
                      "dcf77 plugin: receiver \"%s\": no trusted DCF77 time "
                      "for %.0f s.",
                      n, s->since_trusted_s);
}

static int rx_read(user_data_t *ud) {
  rx_inst_t *in = ud->data;
  dcf77_rx_t *rx = &in->rx;
  dcf77_rx_snapshot_t s;
  dcf77_rx_snapshot(rx, &s);
  pthread_mutex_lock(&rx->lock);
  bool open = rx->device_open;
  char why[512], path[sizeof(rx->device_path)];
  sstrncpy(why, rx->status, sizeof(why));
  sstrncpy(path, rx->device_path, sizeof(path)); /* the thread rewrites it */
  int line = rx->line_errno;
  stab_values_t stab;
  stab_values(&in->stab, rx->stab, dcf77_clock_mono_ns(),
              (int64_t)(rx->max_age_s * 1e9), &stab);
  pthread_mutex_unlock(&rx->lock);
  if (!open && why[0] != '\0')
    c_complain(LOG_ERR, &in->complaint, "dcf77 plugin: receiver \"%s\": %s",
               rx->name, why);
  else if (open)
    c_release(LOG_INFO, &in->complaint,
              "dcf77 plugin: receiver \"%s\": %s opened%s%s.", rx->name,
              path, line ? "; line settings: " : "",
              line ? STRERROR(line) : "");
  if (s.behind)
    c_complain(LOG_WARNING, &in->behind,
               "dcf77 plugin: receiver \"%s\": characters wait unread on %s "
               "(a stalled host?); receiving is unknown (NaN) until the "
               "reader catches up.",
               rx->name, path);
  else
    c_release(LOG_INFO, &in->behind,
              "dcf77 plugin: receiver \"%s\": the reader has caught up.",
              rx->name);
  cdu_dispatch_table("dcf77", rx->name, rx_metrics,
                     CDU_TABLE_SIZE(rx_metrics), &s);
  if (in->stab.enabled)
    stab_dispatch_values("dcf77", rx->name, "offset", &stab);
  rx_notify(in, &s);
  return 0;
}

static const char *state_text(double code) {
  return isfinite(code) ? dcf77_rc_state_name((int)code) : "unknown";
}

static int ntpd_read(user_data_t *ud) {
  ntpd_inst_t *in = ud->data;
  dcf77_ntpd_t *nt = &in->nt;
  dcf77_ntpd_snapshot_t s;
  /* Wall time only to turn refclock_time into an age when it is new; the
   * age then runs on the monotonic clock (dcf77_ntpd.c timecode_age). */
  double now = CDTIME_T_TO_DOUBLE(cdtime());
  double mono = (double)dcf77_clock_mono_ns() * 1e-9;
  if (dcf77_ntpd_acquire(nt, now, mono, &s) != 0) {
    c_complain(LOG_ERR, &in->complaint, "dcf77 plugin: Ntpd \"%s\": %s",
               nt->name, nt->err);
    cdu_dispatch_table("dcf77", nt->name, ntpd_metrics,
                       CDU_TABLE_SIZE(ntpd_metrics), NULL);
    cdu_notify_change(&in->st_receiving, 0, NOTIF_FAILURE, "dcf77", nt->name,
                      "bool", "receiving",
                      "dcf77 plugin: Ntpd \"%s\": refclock not readable: %s",
                      nt->name, nt->err);
    return -1;
  }
  c_release(LOG_INFO, &in->complaint,
            "dcf77 plugin: Ntpd \"%s\": PARSE unit %d (association %d) "
            "readable again.",
            nt->name, s.unit, s.assoc);
  if (nt->bad_var[0] != '\0')
    c_complain(LOG_WARNING, &in->bad_value,
               "dcf77 plugin: Ntpd \"%s\": variable %s out of range: "
               "dispatched as unknown (NaN).",
               nt->name, nt->bad_var);
  else
    c_release(LOG_INFO, &in->bad_value,
              "dcf77 plugin: Ntpd \"%s\": values in range again.", nt->name);
  cdu_dispatch_table("dcf77", nt->name, ntpd_metrics,
                     CDU_TABLE_SIZE(ntpd_metrics), &s);
  int code = (int)s.status;
  cdu_notify_change(&in->st_status, code, code == 0 ? NOTIF_OKAY
                                                    : NOTIF_WARNING,
                    "dcf77", nt->name, "clock_state", "status",
                    "dcf77 plugin: Ntpd \"%s\": refclock 127.127.8.%d clock "
                    "status %d (%s), current state %s.",
                    nt->name, s.unit, code,
                    dcf77_rc_state_name(code), state_text(s.current_state));
  if (s.receiving > 0)
    cdu_notify_change(&in->st_receiving, 1, NOTIF_OKAY, "dcf77", nt->name,
                      "bool", "receiving",
                      "dcf77 plugin: Ntpd \"%s\": refclock 127.127.8.%d "
                      "receiving.",
                      nt->name, s.unit);
  else
    cdu_notify_change(&in->st_receiving, 0, NOTIF_FAILURE, "dcf77", nt->name,
                      "bool", "receiving",
                      "dcf77 plugin: Ntpd \"%s\": refclock 127.127.8.%d not "
                      "receiving (reach %03o, last time code %.0f s ago).",
                      nt->name, s.unit,
                      isfinite(s.reach) ? (unsigned)s.reach : 0u,
                      s.timecode_age_s);
  return 0;
}

/* ------------------------------------------------------------ config */
static int rx_option(rx_inst_t *in, oconfig_item_t *c, double *latency,
                     cdtime_t *interval) {
  dcf77_rx_t *rx = &in->rx;
  char buf[128];
  if (strcasecmp(c->key, "Device") == 0)
    return cf_util_get_string_buffer(c, rx->device, sizeof(rx->device));
  if (strcasecmp(c->key, "UdevMatch") == 0) {
    if (cf_util_get_string_buffer(c, buf, sizeof(buf)) != 0)
      return -1;
    rx->use_udev = true;
    return dcf77_udev_match_parse(buf, &rx->match);
  }
  if (strcasecmp(c->key, "Type") == 0) {
    if (cf_util_get_string_buffer(c, buf, sizeof(buf)) != 0)
      return -1;
    return dcf77_rx_type_parse(buf, &rx->type, latency);
  }
  if (strcasecmp(c->key, "Latency") == 0)
    return cf_util_get_double(c, latency) != 0 || *latency < 0 ||
                   *latency > 0.9
               ? -1
               : 0;
  if (strcasecmp(c->key, "TrustAfter") == 0)
    return cf_util_get_int(c, &rx->params.trust_after) != 0 ||
                   rx->params.trust_after < DCF77_MIN_TRUST ||
                   rx->params.trust_after > 10
               ? -1
               : 0;
  if (strcasecmp(c->key, "MaxAge") == 0)
    return cf_util_get_double(c, &rx->max_age_s) != 0 || rx->max_age_s <= 0
               ? -1
               : 0;
  if (strcasecmp(c->key, "Interval") == 0)
    return cf_util_get_cdtime(c, interval);
  int st = stab_config_option("dcf77", rx->name, c, &in->stab);
  if (st != 1)
    return st == 0 ? 0 : -2; /* logged */
  cdu_unknown_option("dcf77", NULL, rx->name, c);
  return -2; /* already logged */
}

static int rx_config(oconfig_item_t *ci) {
  rx_inst_t *in = calloc(1, sizeof(*in));
  if (in == NULL)
    return -1;
  dcf77_rx_t *rx = &in->rx;
  double latency = 0.425;
  cdtime_t interval = 0;
  rx->type = DCF77_RX_MOUSECLOCK;
  rx->max_age_s = 300;
  dcf77_params_default(&rx->params);
  /* One trusted offset a minute; a window of one day. */
  stab_config_init(&in->stab, 60, 86400, false);
  int bad = cdu_block_name("dcf77", ci, rx->name, sizeof(rx->name));
  for (int i = 0; bad == 0 && i < ci->children_num; i++) {
    oconfig_item_t *c = ci->children + i;
    bad = rx_option(in, c, &latency, &interval);
    if (bad == -1)
      ERROR("dcf77 plugin: Receiver \"%s\": invalid value for %s.", rx->name,
            c->key);
  }
  if (bad == 0 && stab_config_check("dcf77", rx->name, &in->stab) != 0)
    bad = -1;
  else if (bad == 0 && (rx->device[0] != '\0') == rx->use_udev) {
    ERROR("dcf77 plugin: Receiver \"%s\": give exactly one of Device and "
          "UdevMatch.", rx->name);
    bad = -1;
  } else if (bad == 0 && !rx->use_udev && rx->device[0] != '/') {
    ERROR("dcf77 plugin: Receiver \"%s\": Device must be an absolute path.",
          rx->name);
    bad = -1;
  }
  if (bad != 0 || rx_count >= MAX_RX) {
    sfree(in);
    return -1;
  }
  rx->params.latency_ns = (int64_t)(latency * 1e9);
  dcf77_rx_init(rx);
  rx->stab = stab_new("dcf77", rx->name, &in->stab);
  if (cdu_register_read_bounded("dcf77", rx->name, rx_read, interval,
                                CDU_SNAPSHOT_READ_BOUND, in, rx_free) != 0)
    return -1;
  rx_list[rx_count++] = in;
  return 0;
}
static int ntpd_option(dcf77_ntpd_t *nt, oconfig_item_t *c,
                       cdtime_t *interval) {
  if (strcasecmp(c->key, "Host") == 0)
    return cf_util_get_string_buffer(c, nt->host, sizeof(nt->host));
  if (strcasecmp(c->key, "Port") == 0)
    return cdu_get_port(c, "dcf77", nt->name, nt->port, sizeof(nt->port));
  if (strcasecmp(c->key, "Timeout") == 0)
    return cf_util_get_double(c, &nt->timeout_s) != 0 ||
                   nt->timeout_s < 0.01 || nt->timeout_s > 10
               ? -1
               : 0;
  if (strcasecmp(c->key, "Association") == 0)
    return cf_util_get_int(c, &nt->assoc_cfg) != 0 || nt->assoc_cfg < 1 ||
                   nt->assoc_cfg > 65535
               ? -1
               : 0;
  if (strcasecmp(c->key, "Unit") == 0)
    return cf_util_get_int(c, &nt->unit_cfg) != 0 || nt->unit_cfg < 0 ||
                   nt->unit_cfg > 255
               ? -1
               : 0;
  if (strcasecmp(c->key, "MaxAge") == 0)
    return cf_util_get_double(c, &nt->max_age_s) != 0 || nt->max_age_s <= 0
               ? -1
               : 0;
  if (strcasecmp(c->key, "Interval") == 0)
    return cf_util_get_cdtime(c, interval);
  cdu_unknown_option("dcf77", NULL, nt->name, c);
  return -2;
}

static int ntpd_config(oconfig_item_t *ci) {
  ntpd_inst_t *in = calloc(1, sizeof(*in));
  if (in == NULL)
    return -1;
  dcf77_ntpd_t *nt = &in->nt;
  sstrncpy(nt->host, "127.0.0.1", sizeof(nt->host));
  sstrncpy(nt->port, "123", sizeof(nt->port));
  nt->timeout_s = 1.0;
  nt->max_age_s = 300;
  nt->unit_cfg = -1;
  cdtime_t interval = 0;
  int bad = cdu_block_name("dcf77", ci, nt->name, sizeof(nt->name));
  for (int i = 0; bad == 0 && i < ci->children_num; i++) {
    bad = ntpd_option(nt, ci->children + i, &interval);
    if (bad == -1)
      ERROR("dcf77 plugin: Ntpd \"%s\": invalid value for %s.", nt->name,
            ci->children[i].key);
  }
  if (bad != 0) {
    sfree(in);
    return -1;
  }
  dcf77_ntpd_init(nt);
  /* Timeout is the budget of one whole reading (docs/dcf77.md), as in the
   * ntp plugin. */
  return cdu_register_read_bounded("dcf77", nt->name, ntpd_read, interval,
                                   DOUBLE_TO_CDTIME_T(nt->timeout_s), in,
                                   ntpd_free);
}

static int dcf77_config(oconfig_item_t *ci) {
  int ret = 0;
  for (int i = 0; i < ci->children_num; i++) {
    oconfig_item_t *c = ci->children + i;
    if (strcasecmp(c->key, "Receiver") == 0)
      ret |= rx_config(c) != 0;
    else if (strcasecmp(c->key, "Ntpd") == 0)
      ret |= ntpd_config(c) != 0;
    else {
      ERROR("dcf77 plugin: unknown block \"%s\" (expected Receiver or "
            "Ntpd).", c->key);
      ret = 1;
    }
  }
  return cdu_config_result("dcf77", ret ? -1 : 0);
}

static int dcf77_init(void) {
  for (size_t i = 0; i < rx_count; i++) {
    int e = dcf77_rx_start(&rx_list[i]->rx);
    if (e != 0)
      ERROR("dcf77 plugin: Receiver \"%s\": cannot start the reader "
            "thread: %s", rx_list[i]->rx.name, STRERROR(e));
  }
  return 0;
}

static int dcf77_shutdown(void) {
  /* Stop and join the reader threads; rx_free (free_func) frees. */
  for (size_t i = 0; i < rx_count; i++)
    if (rx_list[i] != NULL)
      dcf77_rx_stop(&rx_list[i]->rx);
  rx_count = 0;
  return 0;
}

void module_register(void) {
  plugin_register_complex_config("dcf77", dcf77_config);
  plugin_register_init("dcf77", dcf77_init);
  plugin_register_shutdown("dcf77", dcf77_shutdown);
}
