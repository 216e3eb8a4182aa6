/* SPDX-License-Identifier: MIT
 * gpsd plugin - every GNSS receiver behind gpsd on its own: fix, satellites
 * and signal per constellation, DOPs, and the TOFF/PPS time offsets.
 * Source: gpsd's JSON watch stream through libgps (reader thread per
 * <Server>).  Privileges: none; a TCP client of gpsd, read-only.
 */
#include "collectd.h"
#include "plugin.h"
#include "utils/common/common.h"

#include "common/gnss_sky.h"
#include "common/gpsd_json.h"
#include "plugins/cdutil.h"
#include "plugins/gpsd_reader.h"

#include <math.h>
#include <stddef.h>

/* One receiver's values at read time; NaN = unknown or stale. */
typedef struct {
  double mode, ept_s, since_fix_s;
  double visible[GNSS_N + 1], used[GNSS_N + 1];
  double snr_mean[GNSS_N + 1], snr_max[GNSS_N + 1];
  double signals[GNSS_N + 1], signals_used[GNSS_N + 1];
  double band[GNSS_N][GNSS_BANDS]; /* satellites per band (gnss_band()) */
  double hdop, vdop, pdop, tdop, gdop;
  double toff_s, pps_s, pps_precision, pps_qerr_s;
  double toff_vs_ref_s, pps_vs_ref_s;
  gpsd_ig_values_t ig; /* doubles too */
} gpsd_values_t;

/* The metric table gpsd_metrics, generated from plugins/gpsd.metrics.tsv
 * (the one place a gpsd metric is named). */
#include "gpsd_metrics.h"

static bool gpsd_threads = true; /* the plugin test turns threads off */

/* ---------------------------------------------------------------- read */

/* `at` and `now` on gpsd_clock (elapsed time, never stepped). */
static bool fresh(cdtime_t at, cdtime_t now, cdtime_t max_age) {
  return at != 0 && now >= at && now - at <= max_age;
}

static double ns_to_s(int64_t ns) {
  return (double)(ns / 1000000000) + (double)(ns % 1000000000) * 1e-9;
}

static double ns_diff_s(int64_t a, int64_t b) {
  int64_t d;
  return __builtin_sub_overflow(a, b, &d) ? NAN : ns_to_s(d);
}

static void values_sky(const gnss_sky_t *s, gpsd_values_t *v) {
  for (int g = 0; g <= GNSS_TOTAL; g++) {
    v->visible[g] = s->visible[g];
    v->used[g] = s->used[g];
    v->snr_mean[g] = s->snr_used_mean[g];
    v->snr_max[g] = s->snr_used_max[g];
    v->signals[g] = s->signals[g];
    v->signals_used[g] = s->signals_used[g];
  }
  for (int g = 0; g < GNSS_N; g++)
    for (int b = 0; b < GNSS_BANDS; b++)
      v->band[g][b] = s->band[g][b];
  v->hdop = s->hdop;
  v->vdop = s->vdop;
  v->pdop = s->pdop;
  v->tdop = s->tdop;
  v->gdop = s->gdop;
}

/* Fill *v from the snapshots; caller holds gpsd_lock. */
static void values_of(const gpsd_server_t *srv, const gpsd_rx_t *rx,
                      cdtime_t now, gpsd_values_t *v) {
  double *d = (double *)v;
  for (size_t i = 0; i < sizeof(*v) / sizeof(double); i++)
    d[i] = NAN;
  if (!srv->connected)
    return;
  if (fresh(rx->tpv_at, now, srv->max_age)) {
    v->mode = rx->mode;
    v->ept_s = isfinite(rx->ept_s) ? rx->ept_s : NAN;
    if (rx->fix_at != 0)
      v->since_fix_s = CDTIME_T_TO_DOUBLE(now > rx->fix_at ? now - rx->fix_at : 0);
  }
  if (fresh(rx->sky_at, now, srv->max_age))
    values_sky(&rx->sky, v);
  bool toff = fresh(rx->toff_at, now, srv->max_age);
  bool pps = fresh(rx->pps_at, now, srv->max_age);
  if (toff)
    v->toff_s = ns_to_s(rx->toff_ns);
  if (pps) {
    v->pps_s = ns_to_s(rx->pps_ns);
    if (rx->pps_has_precision)
      v->pps_precision = rx->pps_precision;
    if (rx->pps_has_qerr)
      v->pps_qerr_s = (double)rx->pps_qerr_ps * 1e-12;
  }
  gpsd_server_t *rsrv = NULL;
  const gpsd_rx_t *ref = gpsd_reference[0] != '\0'
                             ? gpsd_rx_by_name(gpsd_reference, &rsrv)
                             : NULL;
  if (ref == NULL || ref == rx || !rsrv->connected)
    return;
  if (toff && fresh(ref->toff_at, now, rsrv->max_age))
    v->toff_vs_ref_s = ns_diff_s(rx->toff_ns, ref->toff_ns);
  if (pps && fresh(ref->pps_at, now, rsrv->max_age))
    v->pps_vs_ref_s = ns_diff_s(rx->pps_ns, ref->pps_ns);
}

typedef struct {
  gpsd_rx_t *rx; /* stays valid: only this read callback frees receivers */
  char name[DATA_MAX_NAME_LEN];
  gpsd_values_t v;
  stab_values_t stab[GPSD_STAB_N];
} gpsd_copy_t;

/* The stability values of rx; NaN while gpsd is unreachable or a series
 * had no sample for MaxAge.  Caller holds gpsd_lock. */
static void stab_of(const gpsd_server_t *srv, const gpsd_rx_t *rx,
                    cdtime_t now, gpsd_copy_t *c) {
  for (int i = 0; i < GPSD_STAB_N; i++)
    stab_values(&gpsd_stab, srv->connected ? rx->stab[i] : NULL,
                (int64_t)CDTIME_T_TO_NS(now),
                (int64_t)CDTIME_T_TO_NS(srv->max_age), &c->stab[i]);
}

/* The comparison series only with a Reference. */
static void stab_dispatch_rx(const gpsd_copy_t *c) {
  int n = gpsd_reference[0] != '\0' ? GPSD_STAB_N : GPSD_STAB_TOFF_REF;
  for (int i = 0; gpsd_stab.enabled && i < n; i++)
    stab_dispatch_values("gpsd", c->name, gpsd_stab_series[i], &c->stab[i]);
}

static void gpsd_notify(gpsd_rx_t *rx, const gpsd_values_t *v) {
  if (!isnan(v->mode)) {
    int fix = v->mode >= 2;
    cdu_notify_change(&rx->fix_state, fix, fix ? NOTIF_OKAY : NOTIF_WARNING,
                      "gpsd", rx->name, "gauge", "fix_mode",
                      fix ? "gpsd plugin: receiver \"%s\" has a fix again "
                            "(mode %.0f)."
                          : "gpsd plugin: receiver \"%s\" lost its fix "
                            "(mode %.0f).",
                      rx->name, v->mode);
  }
  if (isnan(v->used[GNSS_TOTAL]))
    return;
  for (int g = 0; g < GNSS_N; g++) {
    int used = (int)v->used[g];
    char ti[DATA_MAX_NAME_LEN];
    if (g == GNSS_IMES || (used == 0 && !rx->used_state[g].known))
      continue; /* never used so far: nothing was lost */
    snprintf(ti, sizeof(ti), "%s_used", gnss_name(g));
    cdu_notify_change(&rx->used_state[g], used > 0,
                      used > 0 ? NOTIF_OKAY : NOTIF_WARNING, "gpsd", rx->name,
                      "satellites", ti,
                      used > 0 ? "gpsd plugin: receiver \"%s\": %d %s "
                                 "satellites used again (%d visible)."
                               : "gpsd plugin: receiver \"%s\": %d %s "
                                 "satellites used (%d visible).",
                      rx->name, used, gnss_name(g), (int)v->visible[g]);
  }
}

/* Unconfigured receivers silent for 10 x MaxAge are dropped. */
static void forget_silent(gpsd_server_t *srv, cdtime_t now) {
  for (gpsd_rx_t **pp = &srv->rx; *pp != NULL;) {
    gpsd_rx_t *rx = *pp;
    if (!rx->configured && now > rx->seen_at + 10 * srv->max_age) {
      INFO("gpsd plugin: Server \"%s\": receiver \"%s\" gone.", srv->name,
           rx->name);
      *pp = rx->next;
      gpsd_rx_free(rx);
      continue;
    }
    pp = &rx->next;
  }
}

static int gpsd_read(user_data_t *ud) {
  gpsd_server_t *srv = ud->data;
  if (!worker_running(&srv->worker) && gpsd_threads)
    gpsd_reader_start(srv);

  pthread_mutex_lock(&gpsd_lock);
  /* Read under the lock: every stamp filed so far was taken before it was
   * filed, so now >= every *_at. */
  cdtime_t now = gpsd_clock();
  forget_silent(srv, now);
  size_t n = 0;
  for (gpsd_rx_t *rx = srv->rx; rx != NULL; rx = rx->next)
    n++;
  gpsd_copy_t *c = calloc(n > 0 ? n : 1, sizeof(*c));
  if (c == NULL) {
    pthread_mutex_unlock(&gpsd_lock);
    return -1;
  }
  size_t i = 0;
  for (gpsd_rx_t *rx = srv->rx; rx != NULL; rx = rx->next, i++) {
    c[i].rx = rx;
    sstrncpy(c[i].name, rx->name, sizeof(c[i].name));
    values_of(srv, rx, now, &c[i].v);
    if (srv->connected)
      gpsd_ig_values(&rx->ig, rx->mode, fresh(rx->tpv_at, now, srv->max_age),
                     fresh(rx->pps_at, now, srv->max_age),
                     fresh(rx->sky_at, now, srv->max_age)
                         ? rx->sky.snr_used_masked_mean
                         : NAN,
                     now, &c[i].v.ig);
    if (gpsd_stab.enabled)
      stab_of(srv, rx, now, &c[i]);
  }
  pthread_mutex_unlock(&gpsd_lock);

  for (i = 0; i < n; i++) {
    cdu_dispatch_table("gpsd", c[i].name, gpsd_metrics,
                       CDU_TABLE_SIZE(gpsd_metrics), &c[i].v);
    stab_dispatch_rx(&c[i]);
    gpsd_notify(c[i].rx, &c[i].v);
    gpsd_ig_notify(&c[i].rx->ig, c[i].name, &c[i].v.ig);
  }
  free(c);
  return 0;
}

/* -------------------------------------------------------------- config */

static void gpsd_server_free(void *arg) {
  gpsd_server_t *srv = arg;
  if (srv == NULL)
    return;
  gpsd_reader_stop(srv);
  gpsd_registry_remove(srv);
  while (srv->rx != NULL) {
    gpsd_rx_t *next = srv->rx->next;
    gpsd_rx_free(srv->rx);
    srv->rx = next;
  }
  sfree(srv->host);
  sfree(srv->port);
  free(srv);
}

/* <Receiver "alias"> Device "/dev/ttyAMA0" </Receiver> */
static int gpsd_config_receiver(gpsd_server_t *srv, oconfig_item_t *ci) {
  char alias[DATA_MAX_NAME_LEN];
  char path[GPSD_JSON_DEVICE_LEN] = "";
  gpsd_ig_rx_t ig = {0};
  if (cdu_block_name("gpsd", ci, alias, sizeof(alias)) != 0)
    return -1;
  for (int i = 0; i < ci->children_num; i++) {
    oconfig_item_t *c = ci->children + i;
    if (strcasecmp("Position", c->key) == 0) {
      if (gpsd_ig_config_position(alias, c, &ig) != 0)
        return -1;
      continue;
    }
    if (strcasecmp("Device", c->key) != 0)
      return cdu_unknown_option("gpsd", ci, alias, c);
    if (cf_util_get_string_buffer(c, path, sizeof(path)) != 0)
      return -1;
  }
  pthread_mutex_lock(&gpsd_lock);
  bool dup = gpsd_rx_by_name(alias, NULL) != NULL;
  for (gpsd_rx_t *rx = srv->rx; rx != NULL; rx = rx->next)
    dup = dup || strcmp(rx->name, alias) == 0 || strcmp(rx->path, path) == 0;
  pthread_mutex_unlock(&gpsd_lock);
  if (path[0] == '\0' || dup) {
    ERROR("gpsd plugin: Server \"%s\": <Receiver \"%s\"> needs a Device, "
          "and aliases and devices must be unique.", srv->name, alias);
    return -1;
  }
  gpsd_rx_t *rx = gpsd_rx_get(srv, path, true);
  if (rx == NULL)
    return -1;
  sstrncpy(rx->name, alias, sizeof(rx->name));
  rx->configured = true;
  rx->ig.has_position = ig.has_position;
  rx->ig.pos_lat = ig.pos_lat;
  rx->ig.pos_lon = ig.pos_lon;
  rx->ig.pos_hae = ig.pos_hae;
  return 0;
}

static int gpsd_config_option(gpsd_server_t *srv, oconfig_item_t *c,
                              cdtime_t *interval) {
  if (strcasecmp("Host", c->key) == 0) {
    sfree(srv->host);
    return cf_util_get_string(c, &srv->host);
  }
  if (strcasecmp("Port", c->key) == 0) {
    char port[64];
    if (cdu_get_port(c, "gpsd", srv->name, port, sizeof(port)) != 0)
      return -1;
    sfree(srv->port);
    srv->port = strdup(port);
    return srv->port != NULL ? 0 : -1;
  }
  if (strcasecmp("MaxAge", c->key) == 0)
    return cf_util_get_cdtime(c, &srv->max_age);
  if (strcasecmp("ReconnectInterval", c->key) == 0)
    return cf_util_get_cdtime(c, &srv->reconnect_max);
  if (strcasecmp("ReportUnconfigured", c->key) == 0)
    return cf_util_get_boolean(c, &srv->report_unconfigured);
  if (strcasecmp("Interval", c->key) == 0)
    return cf_util_get_cdtime(c, interval);
  if (strcasecmp("Receiver", c->key) == 0)
    return gpsd_config_receiver(srv, c);
  return 1; /* unknown */
}

static int gpsd_config_server(oconfig_item_t *ci) {
  cdtime_t interval = 0;
  gpsd_server_t *srv = calloc(1, sizeof(*srv));
  if (srv == NULL)
    return -1;
  srv->host = strdup("localhost");
  srv->port = strdup(DEFAULT_GPSD_PORT);
  srv->max_age = TIME_T_TO_CDTIME_T(10);
  srv->reconnect_max = TIME_T_TO_CDTIME_T(30);
  srv->report_unconfigured = true;
  C_COMPLAIN_INIT(&srv->complaint);
  C_COMPLAIN_INIT(&srv->silent);
  if (cdu_block_name("gpsd", ci, srv->name, sizeof(srv->name)) != 0 ||
      gpsd_registry_add(srv) != 0) {
    gpsd_server_free(srv);
    return -1;
  }
  for (int i = 0; i < ci->children_num; i++) {
    oconfig_item_t *c = ci->children + i;
    int status = gpsd_config_option(srv, c, &interval);
    if (status == 1)
      cdu_unknown_option("gpsd", ci, srv->name, c);
    else if (status != 0) /* cf_util_* named the option, not the block */
      ERROR("gpsd plugin: Server \"%s\": invalid value for %s; the block is "
            "ignored.", srv->name, c->key);
    if (status != 0) {
      gpsd_server_free(srv);
      return -1;
    }
  }
  if (srv->host == NULL || srv->port == NULL || srv->max_age == 0 ||
      srv->reconnect_max < TIME_T_TO_CDTIME_T(1)) {
    ERROR("gpsd plugin: Server \"%s\": MaxAge must be > 0 and "
          "ReconnectInterval >= 1 s.", srv->name);
    gpsd_server_free(srv);
    return -1;
  }
  return cdu_register_read_bounded("gpsd", srv->name, gpsd_read, interval,
                                   CDU_SNAPSHOT_READ_BOUND, srv,
                                   gpsd_server_free);
}

static int gpsd_config(oconfig_item_t *ci) {
  int status = 0, st;
  for (int i = 0; i < ci->children_num; i++) {
    oconfig_item_t *c = ci->children + i;
    if (strcasecmp("Server", c->key) == 0)
      status |= gpsd_config_server(c);
    else if (strcasecmp("Reference", c->key) == 0)
      status |= cf_util_get_string_buffer(c, gpsd_reference,
                                          sizeof(gpsd_reference));
    else if ((st = gpsd_ig_config_option(c)) != 1)
      status |= st != 0 ? -1 : 0;
    else {
      st = stab_config_option("gpsd", "<Plugin gpsd>", c, &gpsd_stab);
      if (st == 1)
        ERROR("gpsd plugin: unknown option \"%s\" (expected <Server>, "
              "Reference, Stability*, PPSWithoutFixAfter, ElevationMask, "
              "CN0Drop* or PositionJumpMax).", c->key);
      status |= st != 0 ? -1 : 0;
    }
  }
  if (stab_config_check("gpsd", "<Plugin gpsd>", &gpsd_stab) != 0) {
    gpsd_stab.enabled = false; /* the rest of the plugin runs */
    status = -1;
  }
  return cdu_config_result("gpsd", status != 0 ? -1 : 0);
}

static int gpsd_shutdown(void) {
  /* Stop every thread before collectd frees any server. */
  for (size_t i = 0;; i++) {
    pthread_mutex_lock(&gpsd_lock);
    gpsd_server_t *srv = gpsd_registry_at(i);
    pthread_mutex_unlock(&gpsd_lock);
    if (srv == NULL)
      break;
    gpsd_reader_stop(srv);
  }
  return 0;
}

void module_register(void) {
  plugin_register_complex_config("gpsd", gpsd_config);
  plugin_register_shutdown("gpsd", gpsd_shutdown);
}
