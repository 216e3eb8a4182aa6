/* SPDX-License-Identifier: MIT
 * timecheck plugin - cross-checks of one host's time sources:
 *  - leap seconds: do the NTP daemon's leap indicator, the kernel's
 *    STA_INS/STA_DEL, the DCF77 A2 bit and the leap-seconds file agree that
 *    a leap second is (or is not) announced (rule: common/timecheck.h);
 *  - the leap-seconds file's expiry (ntpd and chronyd stop using an expired
 *    file);
 *  - sources that disagree: every pair of configured offsets (PPS edge,
 *    gpsd TOFF, an NTP refclock's offset, DCF77) after each source's
 *    latency, apart beyond max(MaxApart, SpreadFactor x spread).
 * The compared values are the ones our other plugins dispatch: a write
 * callback keeps the latest value and its monotonic arrival time of each
 * configured identifier; the read callback computes and dispatches.
 * gpsd is no leap voter: gpsd 3.22 keeps the receiver's leap warning
 * (leap_notify) for its NTP SHM and chrony socket outputs and never puts it
 * in its JSON (gpsd/gpsd_json.c, gpsd/ntpshmwrite.c).
 * Privileges: none (adjtimex with modes = 0 only reads).
 */
#include "collectd.h"
#include "plugin.h"
#include "utils/common/common.h"
#include "utils_complain.h"

#include "common/leapfile.h"
#include "common/timecheck.h"
#include "plugins/cdutil.h"

#include <math.h>
#include <pthread.h>
#include <sys/timex.h>
#include <time.h>

#define TC_MAX_INPUTS 8
#define TC_MAX_PAIRS (TC_MAX_INPUTS * (TC_MAX_INPUTS - 1) / 2)
#define TC_NAME_LEN 32
#define TC_IDENT_LEN (4 * DATA_MAX_NAME_LEN + 4)
#define TC_LEAPFILE_MAX 65536 /* bytes; the IANA file has about 10 KiB */

/* One configured value: a <LeapVoter> or a <Source>. */
typedef struct {
  char name[TC_NAME_LEN];
  char host[DATA_MAX_NAME_LEN]; /* "" = this host (hostname_g) */
  char ident[TC_IDENT_LEN];     /* "plugin[-instance]/type[-instance]" */
  double param_s;   /* voter: Window (s); source: Latency (s, added) */
  double sign;      /* source: -1 with Negate (pps edge_mean is system -
                     * PPS, the others reference - system), else +1 */
  double value;     /* latest value; NaN none */
  double arrived_s; /* monotonic arrival (s); NaN none */
} tc_input_t;

static pthread_mutex_t tc_lock = PTHREAD_MUTEX_INITIALIZER;
static tc_input_t tc_voters[TC_MAX_INPUTS], tc_sources[TC_MAX_INPUTS];
static size_t tc_voters_n, tc_sources_n;

/* Options (docs/timecheck.md). */
static char tc_leapfile[PATH_MAX] = "/usr/share/zoneinfo/leap-seconds.list";
static double tc_leapfile_warn_days = 30;
static bool tc_kernel = true;
static double tc_leap_hold_s = 600;
static double tc_max_age_s = 60;
static tc_pair_cfg_t tc_pair_cfg = {
    .max_apart_s = 0.001, .k = 5, .window = 64, .hold_s = 60};

/* Read-side state (only the read callback touches it). */
static tc_pair_t tc_pairs[TC_MAX_PAIRS];
static cdu_state_t tc_pair_notif[TC_MAX_PAIRS];
static hold_t tc_leap_hold;
static cdu_state_t tc_leap_notif, tc_expiry_notif;
static c_complain_t tc_leapfile_complaint = C_COMPLAIN_INIT_STATIC;

static double clock_s(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}
static double mono_now(void) { return clock_s(CLOCK_MONOTONIC); }
/* The calendar only (which month boundary is next, days to the leap file's
 * expiry): every age and hold uses mono_now(). */
static double wall_now(void) { return clock_s(CLOCK_REALTIME); }

/* Seams for the plugin test: the clocks and the system call. */
static double (*tc_mono)(void) = mono_now; /* ages and holds (s) */
static double (*tc_wall)(void) = wall_now; /* calendar: UTC Unix s */
static int (*tc_adjtimex)(struct timex *) = adjtimex;

/* ------------------------------------------------------------ metrics */

typedef struct {
  double voters;      /* known leap voters */
  double agree;       /* held agreement 0/1, NaN none known */
  double scheduled;   /* the file lists a leap at the next month boundary */
  double expiry_days; /* days until the file expires, - = expired */
  double expiring;    /* 1 = expires within LeapFileWarnDays (or expired) */
  double pairs_apart; /* pairs held apart */
} tc_summary_t;

/* The metric table tc_metrics, generated from plugins/timecheck.metrics.tsv
 * (the one place a timecheck metric is named). */
#include "timecheck_metrics.h"
/* Per voter V: bool-leap_announced_V (0/1; NaN = no fresh value).  Per pair
 * A_vs_B: time_offset-A_vs_B (s, (A + LatencyA) - (B + LatencyB)),
 * time_offset_rms-A_vs_B (s, its spread), bool-apart-A_vs_B (0/1). */

/* ------------------------------------------------------------- config */

/* "[host/]plugin[-instance]/type[-instance]" */
static int tc_config_ident(const oconfig_item_t *ci, const oconfig_item_t *c,
                           tc_input_t *in) {
  char buf[TC_IDENT_LEN];
  if (cf_util_get_string_buffer(c, buf, sizeof(buf)) != 0)
    return -1;
  char *first = strchr(buf, '/');
  char *second = first ? strchr(first + 1, '/') : NULL;
  if (first == NULL || first == buf || first[1] == '\0' ||
      (second != NULL && (second[1] == '\0' || strchr(second + 1, '/')))) {
    ERROR("timecheck plugin: <%s \"%s\">: %s must be "
          "[host/]plugin[-instance]/type[-instance], not \"%s\".",
          ci->key, in->name, c->key, buf);
    return -1;
  }
  if (second != NULL) {
    *first = '\0';
    sstrncpy(in->host, buf, sizeof(in->host));
    sstrncpy(in->ident, first + 1, sizeof(in->ident));
  } else {
    sstrncpy(in->ident, buf, sizeof(in->ident));
  }
  return 0;
}

static int tc_config_negate(const oconfig_item_t *c, tc_input_t *in) {
  bool negate = false;
  if (cf_util_get_boolean(c, &negate) != 0)
    return -1;
  in->sign = negate ? -1 : 1;
  return 0;
}

/* <LeapVoter "name"> or <Source "name">: Value, and Window or Latency. */
static int tc_config_input(oconfig_item_t *ci, tc_input_t *list, size_t *n,
                           const char *param, double param_default) {
  tc_input_t in = {.param_s = param_default, .sign = 1, .value = NAN,
                   .arrived_s = NAN};
  if (cdu_block_name("timecheck", ci, in.name, sizeof(in.name)) != 0)
    return -1;
  if (*n >= TC_MAX_INPUTS) {
    ERROR("timecheck plugin: <%s \"%s\">: at most %d.", ci->key, in.name,
          TC_MAX_INPUTS);
    return -1;
  }
  int status = 0;
  for (int i = 0; i < ci->children_num && status == 0; i++) {
    oconfig_item_t *c = ci->children + i;
    if (strcasecmp(c->key, "Value") == 0)
      status = tc_config_ident(ci, c, &in);
    else if (strcasecmp(c->key, param) == 0)
      status = cdu_get_double_range("timecheck", ci, c, -86400.0 * 366,
                                    86400.0 * 366, &in.param_s);
    else if (list == tc_sources && strcasecmp(c->key, "Negate") == 0)
      status = tc_config_negate(c, &in);
    else
      status = cdu_unknown_option("timecheck", ci, in.name, c);
  }
  if (status == 0 && in.ident[0] == '\0') {
    ERROR("timecheck plugin: <%s \"%s\">: Value is required.", ci->key,
          in.name);
    status = -1;
  }
  if (status == 0)
    list[(*n)++] = in;
  return status;
}

static int tc_config_option(oconfig_item_t *c) {
  if (strcasecmp(c->key, "LeapVoter") == 0)
    return tc_config_input(c, tc_voters, &tc_voters_n, "Window",
                           TC_WINDOW_DAY);
  if (strcasecmp(c->key, "Source") == 0)
    return tc_config_input(c, tc_sources, &tc_sources_n, "Latency", 0);
  if (strcasecmp(c->key, "LeapFile") == 0)
    return cf_util_get_string_buffer(c, tc_leapfile, sizeof(tc_leapfile));
  if (strcasecmp(c->key, "LeapFileWarnDays") == 0)
    return cdu_get_double_range("timecheck", NULL, c, 0, 3650, &tc_leapfile_warn_days);
  if (strcasecmp(c->key, "Kernel") == 0)
    return cf_util_get_boolean(c, &tc_kernel);
  if (strcasecmp(c->key, "LeapHold") == 0)
    return cdu_get_double_range("timecheck", NULL, c, 0, 86400, &tc_leap_hold_s);
  if (strcasecmp(c->key, "MaxAge") == 0)
    return cdu_get_double_range("timecheck", NULL, c, 1, 86400, &tc_max_age_s);
  if (strcasecmp(c->key, "MaxApart") == 0)
    return cdu_get_double_range("timecheck", NULL, c, 0, 1e6, &tc_pair_cfg.max_apart_s);
  if (strcasecmp(c->key, "SpreadFactor") == 0)
    return cdu_get_double_range("timecheck", NULL, c, 0, 1e6, &tc_pair_cfg.k);
  if (strcasecmp(c->key, "Hold") == 0)
    return cdu_get_double_range("timecheck", NULL, c, 0, 86400, &tc_pair_cfg.hold_s);
  if (strcasecmp(c->key, "SpreadWindow") == 0) {
    double w;
    if (cdu_get_double_range("timecheck", NULL, c, TC_SPREAD_MIN, TC_SPREAD_MAX, &w) != 0)
      return -1;
    tc_pair_cfg.window = (size_t)w;
    return 0;
  }
  ERROR("timecheck plugin: unknown option \"%s\".", c->key);
  return -1;
}

static int tc_config(oconfig_item_t *ci) {
  int status = 0;
  for (int i = 0; i < ci->children_num; i++)
    if (tc_config_option(ci->children + i) != 0)
      status = -1;
  return cdu_config_result("timecheck", status);
}

/* -------------------------------------------------------------- write */

static bool tc_matches(const tc_input_t *in, const value_list_t *vl,
                       const char *ident) {
  const char *host = in->host[0] ? in->host : hostname_g;
  return strcmp(in->ident, ident) == 0 && strcmp(host, vl->host) == 0;
}

static void tc_store(tc_input_t *list, size_t n, const value_list_t *vl,
                     const char *ident, double v, double now_s) {
  for (size_t i = 0; i < n; i++)
    if (tc_matches(&list[i], vl, ident)) {
      list[i].value = v;
      list[i].arrived_s = now_s;
    }
}

/* Runs in collectd's write threads: only stores, never dispatches.  A NaN
 * (e.g. the pps plugin's edge mean over an interval without a pulse) is no
 * news: the last finite value stays until it is older than MaxAge. */
static int tc_write(const data_set_t *ds, const value_list_t *vl,
                    user_data_t *ud) {
  (void)ud;
  char ident[TC_IDENT_LEN];
  if (strcmp(vl->plugin, "timecheck") == 0 || vl->values_len != 1 ||
      ds->ds_num != 1 || ds->ds[0].type != DS_TYPE_GAUGE ||
      !isfinite(vl->values[0].gauge))
    return 0;
  snprintf(ident, sizeof(ident), "%s%s%s/%s%s%s", vl->plugin,
           vl->plugin_instance[0] ? "-" : "", vl->plugin_instance, vl->type,
           vl->type_instance[0] ? "-" : "", vl->type_instance);
  double now_s = tc_mono();
  pthread_mutex_lock(&tc_lock);
  tc_store(tc_voters, tc_voters_n, vl, ident, vl->values[0].gauge, now_s);
  tc_store(tc_sources, tc_sources_n, vl, ident, vl->values[0].gauge, now_s);
  pthread_mutex_unlock(&tc_lock);
  return 0;
}

/* The latest values, NaN where none arrived within MaxAge.  A write thread
 * may store a value after the read took now_s: a negative age is fresh. */
static void tc_snapshot(const tc_input_t *list, size_t n, double now_s,
                        double *out) {
  pthread_mutex_lock(&tc_lock);
  for (size_t i = 0; i < n; i++) {
    double age_s = now_s - list[i].arrived_s; /* NaN: nothing arrived */
    out[i] = age_s <= tc_max_age_s ? list[i].value : NAN;
  }
  pthread_mutex_unlock(&tc_lock);
}

/* ---------------------------------------------------------- leap file */

/* Parse LeapFile into lf; -1 (logged, repeated logs throttled) if it cannot
 * be read or parsed. */
static int tc_leapfile_load(leapfile_t *lf) {
  char err[160] = "";
  char *text = calloc(1, TC_LEAPFILE_MAX + 1);
  FILE *f = text ? fopen(tc_leapfile, "r") : NULL;
  int status = -1;
  if (f == NULL) {
    snprintf(err, sizeof(err), "%s", text ? STRERRNO : "out of memory");
  } else {
    size_t len = fread(text, 1, TC_LEAPFILE_MAX + 1, f);
    if (ferror(f) || len > TC_LEAPFILE_MAX)
      snprintf(err, sizeof(err), "read error or larger than %d bytes",
               TC_LEAPFILE_MAX);
    else
      status = leapfile_parse(text, lf, err, sizeof(err));
    fclose(f);
  }
  free(text);
  if (status != 0)
    c_complain(LOG_ERR, &tc_leapfile_complaint,
               "timecheck plugin: LeapFile \"%s\": %s; its expiry and "
               "schedule are unknown (NaN).",
               tc_leapfile, err);
  else
    c_release(LOG_INFO, &tc_leapfile_complaint,
              "timecheck plugin: LeapFile \"%s\" is readable again.",
              tc_leapfile);
  return status;
}

/* Fills the file's rows of the summary; returns the file's vote (1 leap
 * at `boundary`, 0 none, TC_UNKNOWN without a file). */
static int tc_leapfile_check(double wall_s, double boundary,
                             tc_summary_t *s) {
  leapfile_t lf;
  s->scheduled = s->expiry_days = s->expiring = NAN;
  if (tc_leapfile[0] == '\0' || tc_leapfile_load(&lf) != 0)
    return TC_UNKNOWN;
  s->expiry_days = leapfile_days_left(&lf, wall_s);
  s->expiring = s->expiry_days < tc_leapfile_warn_days;
  s->scheduled = leapfile_leap_at(&lf, boundary) != 0;
  if (s->expiring > 0)
    cdu_notify_change(&tc_expiry_notif, 1, NOTIF_WARNING, "timecheck", NULL,
                      "bool", "leapfile_expiring",
                      "timecheck plugin: the leap file \"%s\" expires in "
                      "%.1f days (warning below %g days): ntpd and chronyd "
                      "stop using an expired file; update tzdata.",
                      tc_leapfile, s->expiry_days, tc_leapfile_warn_days);
  else
    cdu_notify_change(&tc_expiry_notif, 0, NOTIF_OKAY, "timecheck", NULL,
                      "bool", "leapfile_expiring",
                      "timecheck plugin: the leap file \"%s\" expires in "
                      "%.1f days.",
                      tc_leapfile, s->expiry_days);
  return (int)s->scheduled;
}

/* ---------------------------------------------------------- leap vote */

/* A voter's value: 1 or 2 (LI insert/delete, a bool 1) announced, 0 not,
 * anything else (LI 3 = unsynchronised, NaN) unknown. */
static int tc_announced(double v) {
  if (v == 0)
    return 0;
  if (v == 1 || v == 2)
    return 1;
  return TC_UNKNOWN;
}

static int tc_kernel_vote(void) {
  struct timex tx = {.modes = 0};
  if (tc_adjtimex(&tx) < 0) {
    WARNING("timecheck plugin: adjtimex failed: %s", STRERRNO);
    return TC_UNKNOWN;
  }
  return (tx.status & (STA_INS | STA_DEL)) != 0;
}

static double tc_as_gauge(int v) { return v == TC_UNKNOWN ? NAN : v; }

static void tc_leap_notify(int agree, const tc_voter_t *v,
                           const char *const *names, const int *dis,
                           size_t n, double to_boundary_s, int file_leap) {
  char who[256] = "";
  for (size_t i = 0; i < n; i++)
    if (dis[i] == 1)
      snprintf(who + strlen(who), sizeof(who) - strlen(who), "%s%s=%d",
               who[0] ? ", " : "", names[i], v[i].announced);
  if (agree)
    cdu_notify_change(&tc_leap_notif, 1, NOTIF_OKAY, "timecheck", NULL,
                      "bool", "leap_agree",
                      "timecheck plugin: the leap-second voters agree "
                      "again.");
  else
    cdu_notify_change(&tc_leap_notif, 0, NOTIF_WARNING, "timecheck", NULL,
                      "bool", "leap_agree",
                      "timecheck plugin: leap-second voters disagree for "
                      "%g s: %s (1 = announced; leap file: %d, %.0f s to "
                      "the month boundary).",
                      tc_leap_hold_s, who, file_leap, to_boundary_s);
}

static void tc_leap(double mono_s, double wall_s, tc_summary_t *s) {
  double boundary = leapfile_next_month(wall_s);
  double to_boundary_s = boundary - wall_s;
  int file_leap = tc_leapfile_check(wall_s, boundary, s);
  double vals[TC_MAX_INPUTS];
  tc_voter_t v[TC_MAX_INPUTS + 1];
  const char *names[TC_MAX_INPUTS + 1];
  int dis[TC_MAX_INPUTS + 1];
  size_t n = 0;
  tc_snapshot(tc_voters, tc_voters_n, mono_s, vals);
  for (size_t i = 0; i < tc_voters_n; i++, n++) {
    v[n] = (tc_voter_t){tc_announced(vals[i]), tc_voters[i].param_s};
    names[n] = tc_voters[i].name;
  }
  if (tc_kernel) {
    v[n] = (tc_voter_t){tc_kernel_vote(), TC_WINDOW_DAY};
    names[n++] = "kernel";
  }
  int raw = tc_leap_vote(v, n, file_leap, to_boundary_s, dis);
  s->voters = 0;
  for (size_t i = 0; i < n; i++) {
    char ti[DATA_MAX_NAME_LEN];
    snprintf(ti, sizeof(ti), "leap_announced_%s", names[i]);
    cdu_dispatch_gauge("timecheck", NULL, "bool", ti,
                       tc_as_gauge(v[i].announced));
    s->voters += v[i].announced != TC_UNKNOWN;
  }
  s->agree = NAN;
  if (raw == TC_UNKNOWN) { /* no voter known: an interruption */
    hold_interrupt(&tc_leap_hold);
    return;
  }
  s->agree = hold_update(&tc_leap_hold, raw, mono_s, tc_leap_hold_s);
  tc_leap_notify((int)s->agree, v, names, dis, n, to_boundary_s, file_leap);
}

/* -------------------------------------------------------------- pairs */

static void tc_pair_dispatch(size_t a, size_t b, size_t k,
                             const tc_pair_result_t *r) {
  char ti[DATA_MAX_NAME_LEN];
  const char *na = tc_sources[a].name, *nb = tc_sources[b].name;
  snprintf(ti, sizeof(ti), "%.31s_vs_%.31s", na, nb);
  cdu_dispatch_gauge("timecheck", NULL, "time_offset", ti, r->diff_s);
  cdu_dispatch_gauge("timecheck", NULL, "time_offset_rms", ti, r->spread_s);
  snprintf(ti, sizeof(ti), "apart-%.31s_vs_%.31s", na, nb);
  cdu_dispatch_gauge("timecheck", NULL, "bool", ti, tc_as_gauge(r->apart));
  if (r->apart == 1)
    cdu_notify_change(&tc_pair_notif[k], 1, NOTIF_WARNING, "timecheck", NULL,
                      "bool", ti,
                      "timecheck plugin: %s and %s disagree by %.9f s "
                      "(after latencies %g s and %g s; bound %.9f s, spread "
                      "%.9f s) for at least %g s.",
                      na, nb, r->diff_s, tc_sources[a].param_s,
                      tc_sources[b].param_s, r->bound_s, r->spread_s,
                      tc_pair_cfg.hold_s);
  else if (r->apart == 0)
    cdu_notify_change(&tc_pair_notif[k], 0, NOTIF_OKAY, "timecheck", NULL,
                      "bool", ti,
                      "timecheck plugin: %s and %s agree again: %.9f s "
                      "apart (bound %.9f s).",
                      na, nb, r->diff_s, r->bound_s);
}

static void tc_compare(double mono_s, tc_summary_t *s) {
  double vals[TC_MAX_INPUTS];
  size_t k = 0;
  tc_snapshot(tc_sources, tc_sources_n, mono_s, vals);
  for (size_t i = 0; i < tc_sources_n; i++)
    vals[i] *= tc_sources[i].sign;
  s->pairs_apart = tc_sources_n >= 2 ? 0 : NAN;
  for (size_t a = 0; a < tc_sources_n; a++)
    for (size_t b = a + 1; b < tc_sources_n; b++, k++) {
      tc_pair_result_t r;
      tc_pair_update(&tc_pairs[k], &tc_pair_cfg, vals[a],
                     tc_sources[a].param_s, vals[b], tc_sources[b].param_s,
                     mono_s, &r);
      tc_pair_dispatch(a, b, k, &r);
      s->pairs_apart += r.apart == 1;
    }
}

/* --------------------------------------------------------------- read */

static int tc_read(user_data_t *ud) {
  (void)ud;
  tc_summary_t s;
  double mono_s = tc_mono(), wall_s = tc_wall();
  tc_leap(mono_s, wall_s, &s);
  tc_compare(mono_s, &s);
  cdu_dispatch_table("timecheck", NULL, tc_metrics, CDU_TABLE_SIZE(tc_metrics),
                     &s);
  return 0;
}

static int tc_init(void) {
  hold_init(&tc_leap_hold, 1);
  for (size_t k = 0; k < TC_MAX_PAIRS; k++)
    tc_pair_init(&tc_pairs[k]);
  if (tc_voters_n + tc_sources_n > 0)
    return plugin_register_write("timecheck", tc_write, NULL);
  return 0;
}

void module_register(void) {
  plugin_register_complex_config("timecheck", tc_config);
  plugin_register_init("timecheck", tc_init);
  cdu_register_read("timecheck", NULL, tc_read, 0, NULL, NULL);
}
