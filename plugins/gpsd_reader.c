/* SPDX-License-Identifier: MIT
 * gpsd_reader - reader threads of the gpsd plugin: libgps connection with
 * reconnect and backoff, one report at a time into per-receiver snapshots.
 * Privileges: none (a TCP client of gpsd, watch mode only, read-only).
 */
#include "collectd.h"
#include "plugin.h"
#include "utils/common/common.h"

#include "plugins/gpsd_reader.h"

#include <errno.h>
#include <sys/socket.h>
#include <math.h>
#include <time.h>

pthread_mutex_t gpsd_lock = PTHREAD_MUTEX_INITIALIZER;
char gpsd_reference[DATA_MAX_NAME_LEN];
/* gpsd sends TOFF and PPS once a second; a window of one hour. */
stab_config_t gpsd_stab = {.tau0_s = 1, .window_s = 3600, .tau0_option = true};
const char *const gpsd_stab_series[GPSD_STAB_N] = {
    "toff", "pps", "toff_vs_reference", "pps_vs_reference"};

static cdtime_t boottime_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return TIMESPEC_TO_CDTIME_T(&ts);
}
cdtime_t (*gpsd_clock)(void) = boottime_now;

static gpsd_server_t **registry;
static size_t registry_num;

int gpsd_registry_add(gpsd_server_t *srv) {
  pthread_mutex_lock(&gpsd_lock);
  gpsd_server_t **tmp = realloc(registry, (registry_num + 1) * sizeof(*tmp));
  if (tmp != NULL) {
    registry = tmp;
    registry[registry_num++] = srv;
  }
  pthread_mutex_unlock(&gpsd_lock);
  return tmp != NULL ? 0 : -1;
}

void gpsd_registry_remove(gpsd_server_t *srv) {
  pthread_mutex_lock(&gpsd_lock);
  for (size_t i = 0; i < registry_num; i++)
    if (registry[i] == srv) {
      registry[i] = registry[--registry_num];
      break;
    }
  if (registry_num == 0) {
    free(registry);
    registry = NULL;
  }
  pthread_mutex_unlock(&gpsd_lock);
}

size_t gpsd_registry_size(void) { return registry_num; }
gpsd_server_t *gpsd_registry_at(size_t i) {
  return i < registry_num ? registry[i] : NULL;
}

gpsd_rx_t *gpsd_rx_by_name(const char *name, gpsd_server_t **srv_out) {
  for (size_t i = 0; i < registry_num; i++)
    for (gpsd_rx_t *rx = registry[i]->rx; rx != NULL; rx = rx->next)
      if (strcmp(rx->name, name) == 0) {
        if (srv_out != NULL)
          *srv_out = registry[i];
        return rx;
      }
  return NULL;
}

/* An unconfigured receiver is named after its path; if another server
 * already has that name, the server name is put in front. */
static int rx_auto_name(const gpsd_server_t *srv, const char *path,
                        char *name, size_t size) {
  char base[DATA_MAX_NAME_LEN];
  if (gpsd_instance_name(path, base, sizeof(base)) < 0)
    sstrncpy(base, "unknown", sizeof(base));
  if (gpsd_rx_by_name(base, NULL) == NULL) {
    sstrncpy(name, base, size);
    return 0;
  }
  size_t n = strlen(srv->name);
  if (n + 1 + strlen(base) >= size)
    return -1;
  memcpy(name, srv->name, n);
  name[n] = '_';
  sstrncpy(name + n + 1, base, size - n - 1);
  return gpsd_rx_by_name(name, NULL) == NULL ? 0 : -1;
}

void gpsd_rx_free(gpsd_rx_t *rx) {
  for (int i = 0; i < GPSD_STAB_N; i++)
    stab_free(rx->stab[i]);
  free(rx);
}

gpsd_rx_t *gpsd_rx_get(gpsd_server_t *srv, const char *path, bool create) {
  gpsd_rx_t **tail = &srv->rx;
  for (gpsd_rx_t *rx = srv->rx; rx != NULL; rx = rx->next) {
    if (strcmp(rx->path, path) == 0)
      return rx;
    tail = &rx->next;
  }
  if (!create)
    return NULL;
  gpsd_rx_t *rx = calloc(1, sizeof(*rx));
  if (rx == NULL)
    return NULL;
  sstrncpy(rx->path, path, sizeof(rx->path));
  if (rx_auto_name(srv, path, rx->name, sizeof(rx->name)) != 0) {
    free(rx);
    return NULL;
  }
  rx->ept_s = NAN;
  gpsd_ig_init(&rx->ig);
  *tail = rx;
  if (worker_running(&srv->worker)) /* not <Receiver> blocks at config time */
    INFO("gpsd plugin: Server \"%s\": new receiver \"%s\" reported as "
         "\"%s\".", srv->name, path, rx->name);
  return rx;
}

void gpsd_server_invalidate(gpsd_server_t *srv) {
  for (gpsd_rx_t *rx = srv->rx; rx != NULL; rx = rx->next) {
    rx->tpv_at = rx->sky_at = rx->toff_at = rx->pps_at = 0;
    rx->fix_at = 0;
    rx->ig.nofix_since = 0;
    gnss_sky_reset(&rx->tracker);
  }
  srv->connected = false;
}

/* What libgps made of a TOFF/PPS report, chosen by the report's class
 * (used only if our own decoding of the line failed).  libgps 3.22 files
 * TOFF reports into g->pps, leaving g->toff zero (fixed in gpsd 3.25); a
 * fixed libgps fills g->toff.  So for TOFF, g->toff when it holds anything,
 * else g->pps. */
static int timedelta_from_libgps(gpsd_class_t cls, const struct gps_data_t *g,
                                 gpsd_timedelta_t *td) {
  const struct timedelta_t *src = &g->pps;
  gps_mask_t need = (cls == GPSD_CLASS_TOFF) ? TOFF_SET : PPS_SET;
  if ((g->set & need) == 0)
    return -1;
  if (cls == GPSD_CLASS_TOFF &&
      (g->toff.real.tv_sec != 0 || g->toff.clock.tv_sec != 0))
    src = &g->toff;
  memset(td, 0, sizeof(*td));
  td->cls = cls;
  td->real_sec = (int64_t)src->real.tv_sec;
  td->real_nsec = (int64_t)src->real.tv_nsec;
  td->clock_sec = (int64_t)src->clock.tv_sec;
  td->clock_nsec = (int64_t)src->clock.tv_nsec;
  if (cls == GPSD_CLASS_PPS && g->qErr != 0) {
    td->has_qerr = true;
    td->qerr_ps = (int64_t)g->qErr;
  }
  return 0;
}

/* ------------------------------------------------ stability samples */

/* Add one offset (ns) to series `i` of rx at `now` (gpsd_clock). */
static void stab_add(gpsd_rx_t *rx, int i, int64_t offset_ns, cdtime_t now) {
  if (!gpsd_stab.enabled || rx->stab_failed)
    return;
  if (rx->stab[i] == NULL) {
    rx->stab[i] = stab_new("gpsd", rx->name, &gpsd_stab);
    rx->stab_failed = rx->stab[i] == NULL;
    if (rx->stab_failed)
      return;
  }
  phase_stats_add(rx->stab[i], (double)offset_ns * 1e-9,
                  (int64_t)CDTIME_T_TO_NS(now));
}

static bool same_real(gpsd_real_t a, gpsd_real_t b) {
  return a.sec == b.sec && a.nsec == b.nsec;
}

/* The difference to the Reference is a sample when both receivers have
 * reported the same second: the later of the two reports adds it, so each
 * pair counts once.  `pps` selects PPS over TOFF.  Caller holds gpsd_lock. */
static void stab_pair(const gpsd_rx_t *rx, const gpsd_rx_t *ref, bool pps,
                      gpsd_rx_t *into, cdtime_t now) {
  bool both = pps ? rx->pps_at != 0 && ref->pps_at != 0 &&
                        same_real(rx->pps_real, ref->pps_real)
                  : rx->toff_at != 0 && ref->toff_at != 0 &&
                        same_real(rx->toff_real, ref->toff_real);
  int64_t d;
  if (both && !__builtin_sub_overflow(pps ? rx->pps_ns : rx->toff_ns,
                                      pps ? ref->pps_ns : ref->toff_ns, &d))
    stab_add(into, pps ? GPSD_STAB_PPS_REF : GPSD_STAB_TOFF_REF, d, now);
}

/* rx has a new TOFF (pps false) or PPS report: pair it with the Reference,
 * or, when rx is the Reference, every receiver with it. */
static void stab_pairs(gpsd_rx_t *rx, bool pps, cdtime_t now) {
  gpsd_rx_t *ref = gpsd_reference[0] != '\0'
                       ? gpsd_rx_by_name(gpsd_reference, NULL)
                       : NULL;
  if (!gpsd_stab.enabled || ref == NULL)
    return;
  if (ref != rx) {
    stab_pair(rx, ref, pps, rx, now);
    return;
  }
  for (size_t i = 0; i < registry_num; i++)
    for (gpsd_rx_t *o = registry[i]->rx; o != NULL; o = o->next)
      if (o != ref)
        stab_pair(o, ref, pps, o, now);
}

/* A TOFF/PPS report about the same second as the last one is a repeat. */
static bool new_report(const gpsd_timedelta_t *td, cdtime_t at,
                       gpsd_real_t *last) {
  gpsd_real_t r = {td->real_sec, td->real_nsec};
  bool repeat = at != 0 && same_real(r, *last);
  *last = r;
  return !repeat;
}

/* A TOFF (pps false) or PPS offset (ns, real - clock) received at now; a
 * fresh report (not a repeat of the last) goes into the stability
 * statistics. */
static void note_offset(gpsd_rx_t *rx, bool pps, const gpsd_timedelta_t *td,
                        int64_t ns, cdtime_t now) {
  int64_t *last_ns = pps ? &rx->pps_ns : &rx->toff_ns;
  cdtime_t *at = pps ? &rx->pps_at : &rx->toff_at;
  bool fresh = new_report(td, *at, pps ? &rx->pps_real : &rx->toff_real);
  *last_ns = ns;
  *at = now;
  if (fresh) {
    stab_add(rx, pps ? GPSD_STAB_PPS : GPSD_STAB_TOFF, ns, now);
    stab_pairs(rx, pps, now);
  }
}

static int handle_timedelta(gpsd_rx_t *rx, gpsd_class_t cls, const char *line,
                            size_t len, const struct gps_data_t *g,
                            cdtime_t now) {
  gpsd_timedelta_t td;
  int64_t ns;
  if (gpsd_json_timedelta(line, len, &td) != GPSD_JSON_OK &&
      timedelta_from_libgps(cls, g, &td) != 0)
    return -1;
  if (gpsd_timedelta_offset_ns(&td, &ns) != GPSD_JSON_OK)
    return -1;
  bool pps = cls != GPSD_CLASS_TOFF;
  note_offset(rx, pps, &td, ns, now);
  if (!pps)
    return 0;
  rx->pps_has_precision = td.has_precision;
  rx->pps_precision = td.precision;
  rx->pps_has_qerr = td.has_qerr;
  rx->pps_qerr_ps = td.qerr_ps;
  return 0;
}

static void handle_sky(gpsd_rx_t *rx, const struct gps_data_t *g,
                       cdtime_t now) {
  gnss_sat_t sats[MAXCHANNELS];
  gnss_sky_t in, out;
  int n = g->satellites_visible;
  if (n < 0)
    n = 0;
  if (n > MAXCHANNELS)
    n = MAXCHANNELS;
  for (int i = 0; i < n; i++) {
    const struct satellite_t *s = &g->skyview[i];
    sats[i] = (gnss_sat_t){.gnssid = s->gnssid,
                           .svid = s->svid,
                           .prn = s->PRN,
                           .ss = s->ss,
                           .used = s->used,
                           .sigid = s->sigid,
                           .el = s->elevation};
  }
  gnss_sky_count_mask(sats, (size_t)n, gpsd_ig.elevation_mask_deg, &in);
  in.hdop = g->dop.hdop;
  in.vdop = g->dop.vdop;
  in.pdop = g->dop.pdop;
  in.tdop = g->dop.tdop;
  in.gdop = g->dop.gdop;
  if (gnss_sky_feed(&rx->tracker, &in, &out) > 0) {
    rx->sky = out;
    rx->sky_at = now;
  }
}

int gpsd_handle_report(gpsd_server_t *srv, const char *line, size_t len,
                       const struct gps_data_t *g, cdtime_t now) {
  gpsd_json_header_t h;
  int status = 0;
  if (gpsd_json_header(line, len, &h) != GPSD_JSON_OK) {
    srv->bad_reports++;
    return -1;
  }
  if (h.cls != GPSD_CLASS_TPV && h.cls != GPSD_CLASS_SKY &&
      h.cls != GPSD_CLASS_TOFF && h.cls != GPSD_CLASS_PPS)
    return 1;
  if (!h.has_device)
    sstrncpy(h.device, g->dev.path, sizeof(h.device));
  if (h.device[0] == '\0')
    return 1;

  pthread_mutex_lock(&gpsd_lock);
  gpsd_rx_t *rx = gpsd_rx_get(srv, h.device, srv->report_unconfigured);
  if (rx == NULL) {
    pthread_mutex_unlock(&gpsd_lock);
    return 1;
  }
  srv->reports++;
  rx->seen_at = now;
  switch (h.cls) {
  case GPSD_CLASS_TPV:
    rx->mode = g->fix.mode;
    rx->ept_s = g->fix.ept;
    rx->tpv_at = now;
    if (g->fix.mode >= MODE_2D)
      rx->fix_at = now;
    gpsd_ig_tpv(&rx->ig, g, now);
    break;
  case GPSD_CLASS_SKY:
    if (h.has_satellites) /* a DOP-only SKY does not replace the sky */
      handle_sky(rx, g, now);
    else
      status = 1;
    break;
  default:
    status = handle_timedelta(rx, h.cls, line, len, g, now);
    break;
  }
  if (status < 0)
    srv->bad_reports++;
  pthread_mutex_unlock(&gpsd_lock);
  return status;
}

/* ---------------------------------------------------------- the thread */

/* Hand one report line (NUL-terminated in srv->line) to libgps and to our
 * own decoding.  Not gps_read(): libgps 3.22 loops forever on some
 * malformed lines (see gpsd_json_well_formed), so the socket is read here
 * and libgps only ever sees well-formed objects. */
static void reader_line(gpsd_server_t *srv, struct gps_data_t *g,
                        size_t len) {
  while (len > 0 && srv->line[len - 1] == '\r')
    srv->line[--len] = '\0';
  if (len == 0)
    return;
  if (!gpsd_json_well_formed(srv->line, len) ||
      strlen(srv->line) != len) {
    pthread_mutex_lock(&gpsd_lock);
    srv->bad_reports++;
    pthread_mutex_unlock(&gpsd_lock);
    return;
  }
  gps_unpack(srv->line, g);
  gpsd_handle_report(srv, srv->line, len, g, gpsd_clock());
}

/* Read what the socket has; handle each complete line.  A line longer
 * than GPSD_LINE_MAX is dropped (counted as a bad report).  Returns -1 when
 * the connection is gone. */
static int reader_receive(gpsd_server_t *srv, struct gps_data_t *g) {
  ssize_t n = recv(g->gps_fd, srv->rbuf + srv->rlen,
                   sizeof(srv->rbuf) - srv->rlen, 0);
  if (n == 0)
    return -1;
  if (n < 0)
    return (errno == EINTR || errno == EAGAIN) ? 0 : -1;
  srv->rlen += (size_t)n;
  char *start = srv->rbuf, *end = srv->rbuf + srv->rlen, *nl;
  while ((nl = memchr(start, '\n', (size_t)(end - start))) != NULL) {
    size_t len = (size_t)(nl - start);
    if (len < sizeof(srv->line)) {
      memcpy(srv->line, start, len);
      srv->line[len] = '\0';
      reader_line(srv, g, len);
    }
    start = nl + 1;
  }
  srv->rlen = (size_t)(end - start);
  memmove(srv->rbuf, start, srv->rlen);
  if (srv->rlen == sizeof(srv->rbuf)) { /* no end of line in sight */
    srv->rlen = 0;
    pthread_mutex_lock(&gpsd_lock);
    srv->bad_reports++;
    pthread_mutex_unlock(&gpsd_lock);
  }
  return 0;
}

/* One connection: open, watch, read reports until it fails or we stop.
 * Returns true if the connection was established. */
static bool reader_session(gpsd_server_t *srv) {
  struct gps_data_t g;
  memset(&g, 0, sizeof(g));
  if (gps_open(srv->host, srv->port, &g) != 0) {
    c_complain_once(LOG_WARNING, &srv->complaint,
                    "gpsd plugin: Server \"%s\": cannot connect to gpsd at "
                    "%s:%s (%s); retrying in the background.",
                    srv->name, srv->host, srv->port, gps_errstr(errno));
    return false;
  }
  if (gps_stream(&g, WATCH_ENABLE | WATCH_JSON | WATCH_PPS, NULL) != 0) {
    c_complain_once(LOG_WARNING, &srv->complaint,
                    "gpsd plugin: Server \"%s\": gpsd at %s:%s refused the "
                    "watch request; retrying.", srv->name, srv->host, srv->port);
    gps_close(&g);
    return false;
  }
  if (!c_would_release(&srv->complaint))
    INFO("gpsd plugin: Server \"%s\": connected to gpsd at %s:%s.", srv->name,
         srv->host, srv->port);
  c_release(LOG_NOTICE, &srv->complaint,
            "gpsd plugin: Server \"%s\": connected to gpsd at %s:%s again.",
            srv->name, srv->host, srv->port);
  pthread_mutex_lock(&gpsd_lock);
  srv->connected = true;
  pthread_mutex_unlock(&gpsd_lock);

  srv->rlen = 0;
  cdtime_t last = gpsd_clock();
  while (!worker_should_stop(&srv->worker)) {
    if (!gps_waiting(&g, 250000)) { /* 250 ms: bounds shutdown latency */
      /* A gpsd that accepts and never answers: logged once per silence. */
      if (gpsd_clock() - last > srv->max_age)
        c_complain_once(LOG_WARNING, &srv->silent,
                        "gpsd plugin: Server \"%s\": gpsd at %s:%s is "
                        "connected but has sent nothing for %.1f s; values "
                        "are NaN.",
                        srv->name, srv->host, srv->port,
                        CDTIME_T_TO_DOUBLE(srv->max_age));
      continue;
    }
    if (reader_receive(srv, &g) != 0)
      break;
    last = gpsd_clock();
    c_release(LOG_NOTICE, &srv->silent,
              "gpsd plugin: Server \"%s\": gpsd at %s:%s sends again.",
              srv->name, srv->host, srv->port);
  }
  gps_close(&g);
  pthread_mutex_lock(&gpsd_lock);
  gpsd_server_invalidate(srv);
  pthread_mutex_unlock(&gpsd_lock);
  if (!worker_should_stop(&srv->worker))
    c_complain_once(LOG_WARNING, &srv->complaint,
                    "gpsd plugin: Server \"%s\": lost the connection to gpsd "
                    "at %s:%s; values are NaN until it is back.",
                    srv->name, srv->host, srv->port);
  return true;
}

static void *reader_main(void *arg) {
  gpsd_server_t *srv = arg;
  cdtime_t first = TIME_T_TO_CDTIME_T(1);
  cdtime_t backoff = first;
  while (!worker_should_stop(&srv->worker)) {
    if (reader_session(srv))
      backoff = first;
    if (worker_should_stop(&srv->worker))
      break;
    worker_sleep(&srv->worker, (int64_t)CDTIME_T_TO_NS(backoff));
    backoff = (2 * backoff > srv->reconnect_max) ? srv->reconnect_max
                                                 : 2 * backoff;
  }
  return NULL;
}

int gpsd_reader_start(gpsd_server_t *srv) {
  char name[16];
  snprintf(name, sizeof(name), "gpsd/%.10s", srv->name);
  int status =
      worker_start(&srv->worker, reader_main, srv, name, plugin_thread_create);
  if (status != 0) {
    ERROR("gpsd plugin: Server \"%s\": cannot start the reader thread: %s",
          srv->name, STRERROR(status));
    return -1;
  }
  return 0;
}

void gpsd_reader_stop(gpsd_server_t *srv) { worker_stop(&srv->worker); }
