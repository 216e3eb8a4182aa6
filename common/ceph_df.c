/* SPDX-License-Identifier: MIT
 * ceph_df - per-pool space and quotas from `df detail` (see ceph_df.h). */
#include "common/ceph_df.h"

#include <math.h>

/* No id yet, every amount unknown. */
static const ceph_df_pool_t pool_blank = {-1,  NAN, NAN, NAN,
                                          NAN, NAN, NAN, NAN};

/* pools[].stats members; Ceph's 0 quota means "no quota". */
static const cj_field_t stats_fields[] = {
    CJ_FIELD(ceph_df_pool_t, stored, CJ_F_NUMBER),
    CJ_FIELD(ceph_df_pool_t, bytes_used, CJ_F_NUMBER),
    CJ_FIELD(ceph_df_pool_t, percent_used, CJ_F_NUMBER),
    CJ_FIELD(ceph_df_pool_t, max_avail, CJ_F_NUMBER),
    CJ_FIELD(ceph_df_pool_t, objects, CJ_F_NUMBER),
    CJ_FIELD(ceph_df_pool_t, quota_bytes, CJ_F_POSITIVE),
    CJ_FIELD(ceph_df_pool_t, quota_objects, CJ_F_POSITIVE),
};

static const cj_list_spec_t df_spec = {
    .list = "pools",
    CJ_RECORDS(ceph_df_pool_t, "id", id, pool_blank),
    CJ_MEMBERS_IN("stats", stats_fields),
    .missing = "no pools in the df reply",
};

cj_status_t ceph_df_parse(const char *buf, size_t len, ceph_df_t *out,
                          char *err, size_t errlen) {
  return cj_list_parse(buf, len, &df_spec, NULL, CJ_ARRAY(out), err, errlen);
}

void ceph_df_free(ceph_df_t *df) { cj_array_free(CJ_ARRAY(df)); }

const ceph_df_pool_t *ceph_df_pool(const ceph_df_t *df, int64_t id) {
  return cj_find(df->v, df->n, sizeof(*df->v), offsetof(ceph_df_pool_t, id),
                 id);
}

double ceph_quota_headroom(double quota, double used) {
  if (isnan(quota) || isnan(used))
    return NAN;
  return quota - used;
}
