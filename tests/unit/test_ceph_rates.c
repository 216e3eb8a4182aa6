/* SPDX-License-Identifier: MIT
 * ceph_rates: `osd pool stats` and `osd perf` on the replies recorded from
 * the 3-OSD test cluster by tests/integration/ceph_rates_record.sh (pool
 * test id 1, pool idle id 2; see tests/data/ceph_health/PROVENANCE.md):
 * idle (every rate object empty), under client writes, and during
 * recovery; plus malformed replies. */
#include "common/ceph_rates.h"
#include "tests/unit/testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static char *slurp(const char *name, size_t *len) {
  return testing_slurp(len, "%s/tests/data/ceph_health/%s", testing_top(), name);
}

/* Parse a recorded osd pool stats reply into *r (0 on success). */
static int rates(const char *name, ceph_pool_rates_t *r) {
  size_t len = 0;
  char err[128], *b = slurp(name, &len);
  if (!OK(b != NULL))
    return -1;
  cj_status_t st = ceph_pool_rates_parse(b, len, r, err, sizeof(err));
  free(b);
  EXPECT_EQ_INT(CJ_OK, st);
  return st == CJ_OK ? 0 : -1;
}

static void test_idle(void) {
  ceph_pool_rates_t r;
  if (rates("osd_pool_stats_idle.json", &r) != 0)
    return;
  EXPECT_EQ_INT(2, (int)r.n);
  const ceph_pool_rate_t *t = ceph_pool_rate(&r, 1);
  if (OK(t != NULL)) { /* empty objects: every rate 0, not NaN */
    EXPECT_EQ_DOUBLE(0, t->wr_bytes);
    EXPECT_EQ_DOUBLE(0, t->rd_ops);
    EXPECT_EQ_DOUBLE(0, t->rec_objects);
    EXPECT_EQ_DOUBLE(0, t->rec_bytes);
  }
  OK(ceph_pool_rate(&r, 3) == NULL);
  ceph_pool_rates_free(&r);
}

static void test_client(void) {
  ceph_pool_rates_t r;
  if (rates("osd_pool_stats_client.json", &r) != 0)
    return;
  const ceph_pool_rate_t *t = ceph_pool_rate(&r, 1), *i = ceph_pool_rate(&r, 2);
  if (OK(t != NULL && i != NULL)) {
    EXPECT_EQ_DOUBLE(22301872, t->wr_bytes);
    EXPECT_EQ_DOUBLE(340, t->wr_ops);
    EXPECT_EQ_DOUBLE(0, t->rd_bytes); /* absent key */
    EXPECT_EQ_DOUBLE(0, t->rd_ops);   /* present, 0 */
    EXPECT_EQ_DOUBLE(0, t->rec_bytes);
    EXPECT_EQ_DOUBLE(0, i->wr_bytes);
  }
  ceph_pool_rates_free(&r);
}

static void test_recovery(void) {
  ceph_pool_rates_t r;
  if (rates("osd_pool_stats_recovery.json", &r) != 0)
    return;
  const ceph_pool_rate_t *t = ceph_pool_rate(&r, 1);
  if (OK(t != NULL)) {
    EXPECT_EQ_DOUBLE(8190, t->rec_bytes);
    EXPECT_EQ_DOUBLE(0, t->rec_objects);
    EXPECT_EQ_DOUBLE(0, t->rec_keys);
    EXPECT_EQ_DOUBLE(761670, t->wr_bytes);
    EXPECT_EQ_DOUBLE(11, t->wr_ops);
  }
  ceph_pool_rates_free(&r);
}

static void test_perf(void) {
  size_t len = 0;
  char err[128], *b = slurp("osd_perf_load.json", &len);
  ceph_osd_perf_t p;
  if (OK(b != NULL)) {
    EXPECT_EQ_INT(CJ_OK, ceph_osd_perf_parse(b, len, &p, err, sizeof(err)));
    EXPECT_EQ_INT(3, (int)p.n);
    EXPECT_EQ_INT(1, p.pg_ready);
    const ceph_osd_lat_t *o = ceph_osd_lat(&p, 2);
    if (OK(o != NULL)) /* memstore: 0 ms (the recorded value) */
      OK(o->commit_s == 0 && o->apply_s == 0);
    OK(ceph_osd_lat(&p, 3) == NULL);
    ceph_osd_perf_free(&p);
    free(b);
  }
  /* ns preferred; ms -> s without ns; the pre-pacific unwrapped shape */
  static const char ns[] =
      "{\"pg_ready\":false,\"osdstats\":{\"osd_perf_infos\":[{\"id\":4,"
      "\"perf_stats\":{\"commit_latency_ms\":2,\"apply_latency_ms\":3,"
      "\"commit_latency_ns\":2345678,\"apply_latency_ns\":3000001}}]}}";
  EXPECT_EQ_INT(CJ_OK, ceph_osd_perf_parse(ns, sizeof(ns) - 1, &p, NULL, 0));
  EXPECT_EQ_INT(0, p.pg_ready);
  if (OK(p.n == 1)) {
    EXPECT_EQ_DOUBLE(4, (double)p.v[0].id);
    OK(fabs(p.v[0].commit_s - 2.345678e-3) < 1e-12);
    OK(fabs(p.v[0].apply_s - 3.000001e-3) < 1e-12);
  }
  ceph_osd_perf_free(&p);
  static const char ms[] = "{\"osd_perf_infos\":[{\"id\":0,\"perf_stats\":"
                           "{\"commit_latency_ms\":15,\"apply_latency_ms\":"
                           "7}}]}";
  EXPECT_EQ_INT(CJ_OK, ceph_osd_perf_parse(ms, sizeof(ms) - 1, &p, NULL, 0));
  EXPECT_EQ_INT(-1, p.pg_ready);
  if (OK(p.n == 1)) {
    OK(fabs(p.v[0].commit_s - 0.015) < 1e-12);
    OK(fabs(p.v[0].apply_s - 0.007) < 1e-12);
  }
  ceph_osd_perf_free(&p);
}

static void test_malformed(void) {
  ceph_pool_rates_t r;
  ceph_osd_perf_t p;
  EXPECT_EQ_INT(CJ_ERR_SYNTAX, ceph_pool_rates_parse("[{\"pool_id\":", 12, &r,
                                                     NULL, 0));
  OK(r.v == NULL && r.n == 0);
  EXPECT_EQ_INT(CJ_ERR_MISSING,
                ceph_pool_rates_parse("[{\"x\":1}]", 9, &r, NULL, 0));
  EXPECT_EQ_INT(CJ_OK, ceph_pool_rates_parse("[]", 2, &r, NULL, 0));
  EXPECT_EQ_INT(0, (int)r.n);
  ceph_pool_rates_free(&r);
  EXPECT_EQ_INT(CJ_ERR_MISSING,
                ceph_osd_perf_parse("{\"pg_ready\":true}", 17, &p, NULL, 0));
  EXPECT_EQ_INT(CJ_ERR_SYNTAX, ceph_osd_perf_parse("{\"osdstats\":", 12, &p,
                                                   NULL, 0));
  OK(p.v == NULL && p.n == 0);
}

int main(void) {
  test_idle();
  test_client();
  test_recovery();
  test_perf();
  test_malformed();
  return testing_done();
}
