/* SPDX-License-Identifier: MIT
 * ceph_df: per-pool space and quotas from `df detail`, on the reply
 * recorded from the 4-host test cluster (tests/data/ceph_health/hosts:
 * pool quota has max_bytes 64 MiB and max_objects 1000 and holds 4 objects
 * of 4 MiB) and on malformed replies. */
#include "common/ceph_df.h"
#include "tests/unit/testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static char *slurp(const char *name, size_t *len) {
  return testing_slurp(len, "%s/tests/data/ceph_health/hosts/%s", testing_top(),
                       name);
}

int main(void) {
  size_t len = 0;
  char *b = slurp("df_detail.json", &len);
  ceph_df_t df;
  char err[128];
  if (OK(b != NULL)) {
    EXPECT_EQ_INT(CJ_OK, ceph_df_parse(b, len, &df, err, sizeof(err)));
    EXPECT_EQ_INT(3, (int)df.n);
    const ceph_df_pool_t *q = ceph_df_pool(&df, 3), *t = ceph_df_pool(&df, 1);
    if (OK(q != NULL && t != NULL)) {
      EXPECT_EQ_DOUBLE(16777216, q->stored); /* 4 x 4 MiB */
      EXPECT_EQ_DOUBLE(4, q->objects);
      EXPECT_EQ_DOUBLE(67108864, q->quota_bytes);
      EXPECT_EQ_DOUBLE(1000, q->quota_objects);
      EXPECT_EQ_DOUBLE(67108864 - 16777216,
                       ceph_quota_headroom(q->quota_bytes, q->stored));
      EXPECT_EQ_DOUBLE(996, ceph_quota_headroom(q->quota_objects, q->objects));
      OK(isnan(t->quota_bytes) && isnan(t->quota_objects)); /* 0 = none */
      OK(isnan(ceph_quota_headroom(t->quota_bytes, t->stored)));
      EXPECT_EQ_DOUBLE(17, t->objects);
      OK(t->percent_used > 0 && t->percent_used < 1);
      OK(t->max_avail > 1e9);
    }
    ceph_df_free(&df);
    free(b);
  }
  EXPECT_EQ_INT(CJ_ERR_MISSING, ceph_df_parse("{\"stats\":{}}", 12, &df, NULL, 0));
  EXPECT_EQ_INT(CJ_ERR_SYNTAX, ceph_df_parse("{\"pools\":[{", 11, &df, NULL, 0));
  OK(df.v == NULL && df.n == 0);
  static const char none[] = "{\"pools\":[]}";
  EXPECT_EQ_INT(CJ_OK, ceph_df_parse(none, sizeof(none) - 1, &df, NULL, 0));
  EXPECT_EQ_INT(0, (int)df.n);
  ceph_df_free(&df);
  return testing_done();
}
