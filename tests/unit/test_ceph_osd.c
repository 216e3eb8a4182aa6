/* SPDX-License-Identifier: MIT
 * ceph_osd: ratios, flags and pool names from osd dump; utilisation from
 * osd df; headroom and the cluster's fullness summary. */
#include "common/ceph_osd.h"
#include "tests/unit/testing.h"

static const char dump[] =
    "{\"epoch\":12,\"flags\":\"noout,sortbitwise\",\"flags_set\":[\"noout\","
    "\"nodeep-scrub\",\"sortbitwise\"],\"full_ratio\":0.94999998807907104,"
    "\"backfillfull_ratio\":0.89999997615814209,\"nearfull_ratio\":"
    "0.85000002384185791,\"pools\":[{\"pool\":1,\"pool_name\":\"test\","
    "\"size\":3,\"last_pg_merge_meta\":{\"source_pgid\":\"0.0\"}},{\"pool\":7,"
    "\"pool_name\":\"rbd pool\",\"size\":2}],\"osds\":[{\"osd\":0,\"up\":1}]}";

static const char df[] =
    "{\"nodes\":[{\"id\":0,\"name\":\"osd.0\",\"kb\":1048576,\"kb_used\":"
    "943718,\"kb_avail\":104858,\"utilization\":90.0,\"reweight\":1,\"pgs\":"
    "32,\"status\":\"up\",\"pool_weights\":{}},{\"id\":1,\"kb\":1048576,"
    "\"utilization\":80.0,\"status\":\"up\"},{\"id\":2,\"kb\":0,"
    "\"utilization\":0,\"status\":\"down\"}],\"stray\":[],\"summary\":{"
    "\"total_kb\":3145728,\"average_utilization\":85.0}}";

int main(void) {
  ceph_osd_dump_t d;
  char err[128];
  EXPECT_EQ_INT(CJ_OK, ceph_osd_dump_parse(dump, sizeof(dump) - 1, &d, err,
                                           sizeof(err)));
  EXPECT_NEAR(0.95, d.full_ratio, 1e-7);
  EXPECT_NEAR(0.90, d.backfillfull_ratio, 1e-7);
  EXPECT_NEAR(0.85, d.nearfull_ratio, 1e-7);
  EXPECT_EQ_INT(1, d.flag[CEPH_FLAG_NOOUT]);
  EXPECT_EQ_INT(1, d.flag[CEPH_FLAG_NODEEP_SCRUB]);
  EXPECT_EQ_INT(0, d.flag[CEPH_FLAG_NORECOVER]);
  EXPECT_EQ_STR("nodeep-scrub", ceph_flag_name(CEPH_FLAG_NODEEP_SCRUB));
  EXPECT_EQ_INT(2, d.n_pools);
  EXPECT_EQ_STR("test", ceph_osd_dump_pool_name(&d, 1));
  EXPECT_EQ_STR("rbd pool", ceph_osd_dump_pool_name(&d, 7));
  OK(ceph_osd_dump_pool_name(&d, 2) == NULL);

  ceph_osd_df_t f;
  EXPECT_EQ_INT(CJ_OK, ceph_osd_df_parse(df, sizeof(df) - 1, &f, err,
                                         sizeof(err)));
  EXPECT_EQ_INT(3, f.n);
  EXPECT_EQ_INT(0, f.v[0].id);
  EXPECT_EQ_DOUBLE(90.0, f.v[0].utilization);
  EXPECT_EQ_DOUBLE(943718, f.v[0].kb_used);
  EXPECT_EQ_DOUBLE(32, f.v[0].pgs);
  EXPECT_EQ_INT(1, f.v[0].up);
  EXPECT_EQ_INT(0, f.v[2].up);
  EXPECT_EQ_DOUBLE(85.0, f.average_utilization);

  /* Headroom: percentage points below the ratio; negative when over. */
  EXPECT_NEAR(5.0, ceph_headroom(0.95, 90.0), 1e-9);
  EXPECT_NEAR(-5.0, ceph_headroom(0.85, 90.0), 1e-9);
  OK(isnan(ceph_headroom(NAN, 1.0)) && isnan(ceph_headroom(0.5, NAN)));

  ceph_fullness_t fu;
  ceph_fullness(&f, &d, &fu);
  EXPECT_EQ_DOUBLE(90.0, fu.max_utilization);
  EXPECT_NEAR(-5.0, fu.min_headroom_nearfull, 1e-5);
  EXPECT_NEAR(0.0, fu.min_headroom_backfillfull, 1e-5);
  EXPECT_NEAR(5.0, fu.min_headroom_full, 1e-5);
  EXPECT_EQ_DOUBLE(1, fu.osds_over_nearfull); /* 90 > 85; the down OSD skipped */
  /* 90 > 89.99999762 (the float ratio): over backfillfull, like the OSD. */
  EXPECT_EQ_DOUBLE(1, fu.osds_over_backfillfull);
  EXPECT_EQ_DOUBLE(0, fu.osds_over_full);
  ceph_fullness(&f, NULL, &fu); /* no ratios: utilisation only */
  EXPECT_EQ_DOUBLE(90.0, fu.max_utilization);
  OK(isnan(fu.min_headroom_full) && isnan(fu.osds_over_full));
  ceph_osd_df_free(&f);

  /* No OSD with a size: everything NaN. */
  const char empty[] = "{\"nodes\":[],\"stray\":[],\"summary\":{}}";
  EXPECT_EQ_INT(CJ_OK, ceph_osd_df_parse(empty, sizeof(empty) - 1, &f, NULL, 0));
  EXPECT_EQ_INT(0, f.n);
  ceph_fullness(&f, &d, &fu);
  OK(isnan(fu.max_utilization) && isnan(fu.min_headroom_nearfull) &&
     isnan(fu.osds_over_nearfull));
  ceph_osd_df_free(&f);
  ceph_osd_dump_free(&d);

  /* Broken. */
  EXPECT_EQ_INT(CJ_ERR_MISSING, ceph_osd_df_parse("{}", 2, &f, err, sizeof(err)));
  EXPECT_EQ_INT(CJ_ERR_MISSING,
                ceph_osd_dump_parse("{\"pools\":[]}", 12, &d, err, sizeof(err)));
  EXPECT_EQ_INT(CJ_ERR_SYNTAX, ceph_osd_dump_parse(dump, 60, &d, NULL, 0));
  OK(d.pools == NULL && d.n_pools == 0);

  /* Many pools (growth path). */
  char many[65536];
  size_t n = (size_t)snprintf(many, sizeof(many),
                              "{\"full_ratio\":0.95,\"pools\":[");
  for (int i = 0; i < 500; i++)
    n += (size_t)snprintf(many + n, sizeof(many) - n,
                          "%s{\"pool\":%d,\"pool_name\":\"p%d\"}", i ? "," : "",
                          i + 1, i + 1);
  snprintf(many + n, sizeof(many) - n, "]}");
  EXPECT_EQ_INT(CJ_OK, ceph_osd_dump_parse(many, strlen(many), &d, NULL, 0));
  EXPECT_EQ_INT(500, d.n_pools);
  EXPECT_EQ_STR("p377", ceph_osd_dump_pool_name(&d, 377));
  OK(isnan(d.nearfull_ratio));
  ceph_osd_dump_free(&d);
  return testing_done();
}
