/* SPDX-License-Identifier: MIT
 * gpsd_integrity - PPS without a fix, jamming and spoofing signs per gpsd
 * receiver (see gpsd_integrity.h and docs/gpsd.md).
 */
#include "collectd.h"
#include "plugin.h"
#include "utils/common/common.h"

#include "plugins/gpsd_integrity.h"

#include <gps.h>
#include <math.h>

gpsd_ig_config_t gpsd_ig = {
    .pps_without_fix_after = TIME_T_TO_CDTIME_T_STATIC(60),
    .elevation_mask_deg = 15.0,
    .cn0_drop_db = 6.0,
    .cn0_drop_window = TIME_T_TO_CDTIME_T_STATIC(60),
    .position_jump_m = 100.0,
};

static int positive_time(oconfig_item_t *c, cdtime_t *out) {
  cdtime_t v;
  if (cf_util_get_cdtime(c, &v) != 0 || v == 0) {
    ERROR("gpsd plugin: %s must be a time > 0 s.", c->key);
    return -1;
  }
  *out = v;
  return 0;
}

int gpsd_ig_config_option(oconfig_item_t *c) {
  if (strcasecmp("PPSWithoutFixAfter", c->key) == 0)
    return positive_time(c, &gpsd_ig.pps_without_fix_after);
  if (strcasecmp("CN0DropWindow", c->key) == 0)
    return positive_time(c, &gpsd_ig.cn0_drop_window);
  if (strcasecmp("CN0DropThreshold", c->key) == 0)
    return cdu_get_positive("gpsd", NULL, c, 60, &gpsd_ig.cn0_drop_db);
  if (strcasecmp("PositionJumpMax", c->key) == 0)
    return cdu_get_positive("gpsd", NULL, c, 1e7, &gpsd_ig.position_jump_m);
  if (strcasecmp("ElevationMask", c->key) == 0) {
    double v;
    if (cf_util_get_double(c, &v) != 0 || !(v >= 0 && v < 90)) {
      ERROR("gpsd plugin: ElevationMask must be in [0, 90) degrees.");
      return -1;
    }
    gpsd_ig.elevation_mask_deg = v;
    return 0;
  }
  return 1;
}

int gpsd_ig_config_position(const char *rx_name, oconfig_item_t *c,
                            gpsd_ig_rx_t *ig) {
  double v[3];
  bool ok = c->values_num == 3;
  for (int i = 0; ok && i < 3; i++) {
    ok = c->values[i].type == OCONFIG_TYPE_NUMBER;
    v[i] = ok ? c->values[i].value.number : NAN;
  }
  ok = ok && fabs(v[0]) <= 90 && fabs(v[1]) <= 180 && fabs(v[2]) < 1e5;
  if (!ok) {
    ERROR("gpsd plugin: <Receiver \"%s\">: Position needs three numbers: "
          "latitude and longitude (degrees, + = north/east) and height "
          "above the WGS-84 ellipsoid (m).", rx_name);
    return -1;
  }
  ig->has_position = true;
  ig->pos_lat = v[0];
  ig->pos_lon = v[1];
  ig->pos_hae = v[2];
  return 0;
}

void gpsd_ig_init(gpsd_ig_rx_t *ig) {
  ig->lat = ig->lon = ig->hae = NAN;
}

void gpsd_ig_tpv(gpsd_ig_rx_t *ig, const struct gps_data_t *g, cdtime_t now) {
  bool fix = g->fix.mode >= MODE_2D;
  ig->lat = fix ? g->fix.latitude : NAN;
  ig->lon = fix ? g->fix.longitude : NAN;
  /* gpsd >= 3.20 reports both altHAE (ellipsoid) and altMSL (geoid); a
   * surveyed position from a GNSS survey is ellipsoidal. */
  ig->hae = g->fix.mode >= MODE_3D ? g->fix.altHAE : NAN;
  if (fix)
    ig->nofix_since = 0;
  else if (ig->nofix_since == 0)
    ig->nofix_since = now;
}

static double flag(bool known, bool set) {
  return known ? (set ? 1.0 : 0.0) : NAN;
}

/* The C/N0 drop, fed one sample per read.  With no level at all (a jammer
 * strong enough to leave no used satellite) a drop flagged before stays. */
static void values_cn0(gpsd_ig_rx_t *ig, double cn0_mean, cdtime_t now,
                       gpsd_ig_values_t *v) {
  gnss_drop_config_t c = {gpsd_ig.cn0_drop_db,
                          (int64_t)CDTIME_T_TO_NS(gpsd_ig.cn0_drop_window)};
  gnss_drop_status_t st = gnss_drop_feed(&ig->cn0, &c,
                                         (int64_t)CDTIME_T_TO_NS(now),
                                         cn0_mean, &v->cn0_drop_db);
  v->cn0_mean = cn0_mean;
  if (st == GNSS_DROP_UNKNOWN)
    v->jamming = ig->cn0.dropped ? 1.0 : NAN;
  else
    v->jamming = st == GNSS_DROP_YES;
}

static void values_position(const gpsd_ig_rx_t *ig, gpsd_ig_values_t *v) {
  if (!ig->has_position)
    return;
  v->horizontal_m =
      gnss_horizontal_distance_m(ig->pos_lat, ig->pos_lon, ig->lat, ig->lon);
  if (isfinite(ig->hae))
    v->altitude_m = ig->hae - ig->pos_hae;
  /* Normal C/N0: a level, and no drop flagged (the detector may still be
   * filling its window: NaN is not a drop). */
  bool normal_cn0 = !(v->jamming > 0);
  if (!isnan(v->horizontal_m) && !isnan(v->cn0_mean))
    v->spoofing = flag(true, normal_cn0 &&
                                 v->horizontal_m > gpsd_ig.position_jump_m);
}

void gpsd_ig_values(gpsd_ig_rx_t *ig, int mode, bool tpv, bool pps,
                    double cn0_mean, cdtime_t now, gpsd_ig_values_t *v) {
  *v = (gpsd_ig_values_t){NAN, NAN, NAN, NAN, NAN, NAN, NAN};
  values_cn0(ig, cn0_mean, now, v);
  if (!tpv)
    return;
  bool long_nofix = mode < MODE_2D && ig->nofix_since != 0 &&
                    now - ig->nofix_since >= gpsd_ig.pps_without_fix_after;
  v->pps_without_fix = flag(true, pps && long_nofix);
  values_position(ig, v);
}

void gpsd_ig_notify(gpsd_ig_rx_t *ig, const char *rx_name,
                    const gpsd_ig_values_t *v) {
  if (!isnan(v->pps_without_fix)) {
    bool on = v->pps_without_fix > 0;
    cdu_notify_change(&ig->pps_state, on, on ? NOTIF_FAILURE : NOTIF_OKAY,
                      "gpsd", rx_name, "bool", "pps_without_fix",
                      on ? "gpsd plugin: receiver \"%s\" sends PPS without a "
                           "fix for %.0f s or more: its PPS is free-running."
                         : "gpsd plugin: receiver \"%s\": no PPS without a "
                           "fix any more (%.0f s limit).",
                      rx_name,
                      CDTIME_T_TO_DOUBLE(gpsd_ig.pps_without_fix_after));
  }
  if (!isnan(v->jamming)) {
    bool on = v->jamming > 0;
    cdu_notify_change(&ig->jam_state, on, on ? NOTIF_WARNING : NOTIF_OKAY,
                      "gpsd", rx_name, "bool", "jamming",
                      on ? "gpsd plugin: receiver \"%s\": mean C/N0 dropped "
                           "by %.1f dB (limit %.1f dB): jamming?"
                         : "gpsd plugin: receiver \"%s\": mean C/N0 back "
                           "(%.1f dB below the median, limit %.1f dB).",
                      rx_name, v->cn0_drop_db, gpsd_ig.cn0_drop_db);
  }
  if (!isnan(v->spoofing)) {
    bool on = v->spoofing > 0;
    cdu_notify_change(&ig->spoof_state, on, on ? NOTIF_FAILURE : NOTIF_OKAY,
                      "gpsd", rx_name, "bool", "spoofing",
                      on ? "gpsd plugin: receiver \"%s\" reports a fix %.0f m "
                           "from its surveyed Position with a normal C/N0 "
                           "(limit %.0f m): spoofing?"
                         : "gpsd plugin: receiver \"%s\": fix %.0f m from its "
                           "surveyed Position (limit %.0f m).",
                      rx_name, v->horizontal_m, gpsd_ig.position_jump_m);
  }
}
