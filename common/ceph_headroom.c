/* SPDX-License-Identifier: MIT
 * ceph_headroom - projected utilisation after losing one failure domain
 * (see ceph_headroom.h for the model and its limits). */
#include "common/ceph_headroom.h"

#include <math.h>

/* Data an OSD contributes when its domain is lost: kB used, if it is in
 * and has a known size (an out OSD has been drained already). */
static double lost_kb(const ceph_hr_osd_t *o) {
  return o->weight > 0 && o->kb > 0 && !isnan(o->kb_used) ? o->kb_used : 0;
}

static int sized(const ceph_hr_osd_t *o) {
  return o->weight > 0 && o->kb > 0 && !isnan(o->kb_used);
}

/* The worst survivor when domain d is lost: moved kB `lost` spread over
 * survivor weight `w_rest`.  Returns the utilisation (%) or NaN. */
static double worst_after(const ceph_hr_osd_t *o, size_t n, size_t d,
                          double lost, double w_rest, int64_t *osd) {
  double worst = NAN;
  for (size_t i = 0; i < n; i++) {
    if (o[i].domain == d || !sized(&o[i]))
      continue;
    double u = 100.0 * (o[i].kb_used + lost * o[i].weight / w_rest) / o[i].kb;
    if (isnan(worst) || u > worst) {
      worst = u;
      *osd = o[i].id;
    }
  }
  return worst;
}

ceph_hr_status_t ceph_hr_project(const ceph_hr_osd_t *o, size_t n,
                                 size_t n_domains, double *after,
                                 ceph_hr_result_t *out) {
  *out = (ceph_hr_result_t){NAN, -1, -1, 0};
  if (n_domains == 0)
    return CEPH_HR_BAD_INPUT;
  double w_all = 0;
  for (size_t i = 0; i < n; i++) {
    if (o[i].domain >= n_domains)
      return CEPH_HR_BAD_INPUT;
    w_all += o[i].weight > 0 ? o[i].weight : 0;
  }
  for (size_t d = 0; d < n_domains; d++) {
    double lost = 0, w_d = 0;
    int members = 0;
    for (size_t i = 0; i < n; i++)
      if (o[i].domain == d) {
        members = 1;
        lost += lost_kb(&o[i]);
        w_d += o[i].weight > 0 ? o[i].weight : 0;
      }
    out->n_domains += members;
    int64_t osd = -1;
    double u = members && w_all - w_d > 0
                   ? worst_after(o, n, d, lost, w_all - w_d, &osd)
                   : NAN;
    if (after != NULL)
      after[d] = u;
    if (!isnan(u) && (isnan(out->worst_util) || u > out->worst_util)) {
      out->worst_util = u;
      out->worst_osd = osd;
      out->domain = (long)d;
    }
  }
  return isnan(out->worst_util) ? CEPH_HR_NO_SURVIVOR : CEPH_HR_OK;
}
