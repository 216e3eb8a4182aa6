/* SPDX-License-Identifier: MIT
 * Redundancy margin per pool: the smallest acting set of the pool's PGs
 * (pg dump pgs_brief) minus the pool's min_size (osd dump), on replies
 * recorded from the real 16.2 test cluster (tests/data/ceph_health, pool
 * `test` size 3 / min_size 2) and on hand-written edge cases. */
#include "common/ceph_osd.h"
#include "common/ceph_pgs.h"
#include "tests/unit/testing.h"

static char *slurp(const char *state, const char *name, size_t *len) {
  return testing_slurp(len, "%s/tests/data/ceph_health/%s/%s", testing_top(),
                       state, name);
}

/* Margin of pool 1 ("test") in a recorded state; NaN if it did not parse. */
static double recorded_margin(const char *state) {
  size_t bl = 0, dl = 0;
  char *brief = slurp(state, "pg_dump_pgs_brief.json", &bl);
  char *dump = slurp(state, "osd_dump.json", &dl);
  double m = NAN;
  ceph_pools_t p;
  ceph_osd_dump_t d;
  ceph_pools_init(&p);
  if (brief != NULL && dump != NULL &&
      ceph_pgs_brief_parse(brief, bl, &p, NULL, 0) == CJ_OK &&
      ceph_osd_dump_parse(dump, dl, &d, NULL, 0) == CJ_OK) {
    const ceph_pool_name_t *pool = ceph_osd_dump_pool(&d, 1);
    OK_MSG(pool != NULL && pool->size == 3 && pool->min_size == 2,
           "recorded pool test: size 3, min_size 2");
    m = ceph_redundancy_margin(ceph_pools_get(&p, 1),
                               pool ? pool->min_size : -1);
    ceph_osd_dump_free(&d);
  }
  ceph_pools_free(&p);
  free(brief), free(dump);
  return m;
}

static void recorded(void) {
  /* every PG acting [a,b,c]: one more OSD loss leaves 2 = min_size */
  EXPECT_EQ_DOUBLE(1, recorded_margin("healthy"));
  /* osd.2 SIGKILLed: every PG acting on 2 OSDs, the next loss -> peered */
  EXPECT_EQ_DOUBLE(0, recorded_margin("osd_down"));
  /* osd.1 and osd.2 down: acting [0], already below min_size (peered) */
  EXPECT_EQ_DOUBLE(-1, recorded_margin("two_osds_down"));
  /* every PG stale: the acting sets are the last reported ones, [0] */
  EXPECT_EQ_DOUBLE(-1, recorded_margin("all_osds_down"));
}

/* The smallest acting set wins; an erasure-coded hole (CRUSH_ITEM_NONE,
 * 2147483647) is no copy; a pool without PGs, or with no acting member
 * in any PG, has no margin (NaN); an unknown min_size gives NaN. */
static void edge_cases(void) {
  static const char br[] =
      "{\"pg_ready\":true,\"pg_stats\":["
      "{\"pgid\":\"1.0\",\"state\":\"active+clean\",\"up\":[0,1,2],"
      "\"acting\":[0,1,2]},"
      "{\"pgid\":\"1.1\",\"state\":\"active+undersized\",\"up\":[0,1],"
      "\"acting\":[1,0]},"
      "{\"pgid\":\"2.0\",\"state\":\"active+undersized+degraded\","
      "\"up\":[0,2147483647,2,3],\"acting\":[0,2147483647,2,3]},"
      "{\"pgid\":\"2.1\",\"state\":\"active+clean\",\"acting\":[4,5,6,7]},"
      "{\"pgid\":\"3.0\",\"state\":\"unknown\",\"up\":[],\"acting\":[]}]}";
  ceph_pools_t p;
  ceph_pools_init(&p);
  EXPECT_EQ_INT(CJ_OK, ceph_pgs_brief_parse(br, sizeof(br) - 1, &p, NULL, 0));
  EXPECT_EQ_INT(2, ceph_pools_get(&p, 1)->min_acting);
  EXPECT_EQ_INT(3, ceph_pools_get(&p, 2)->min_acting);
  EXPECT_EQ_INT(0, ceph_pools_get(&p, 3)->min_acting);
  EXPECT_EQ_DOUBLE(0, ceph_redundancy_margin(ceph_pools_get(&p, 1), 2));
  EXPECT_EQ_DOUBLE(0, ceph_redundancy_margin(ceph_pools_get(&p, 2), 3));
  EXPECT_EQ_DOUBLE(-1, ceph_redundancy_margin(ceph_pools_get(&p, 3), 1));
  EXPECT_EQ_DOUBLE(NAN, ceph_redundancy_margin(ceph_pools_get(&p, 1), -1));
  EXPECT_EQ_DOUBLE(NAN, ceph_redundancy_margin(NULL, 2));
  ceph_pool_pgs_t none = {.id = 9, .min_acting = -1};
  EXPECT_EQ_DOUBLE(NAN, ceph_redundancy_margin(&none, 2));
  /* a pgs_brief reply without acting sets (older releases, `pg ls` cut
   * short): no margin rather than a wrong one */
  static const char bare[] = "{\"pg_stats\":[{\"pgid\":\"4.0\","
                             "\"state\":\"active+clean\"}]}";
  ceph_pools_t q;
  ceph_pools_init(&q);
  EXPECT_EQ_INT(CJ_OK,
                ceph_pgs_brief_parse(bare, sizeof(bare) - 1, &q, NULL, 0));
  EXPECT_EQ_DOUBLE(NAN, ceph_redundancy_margin(ceph_pools_get(&q, 4), 2));
  ceph_pools_free(&q);
  ceph_pools_free(&p);
}

int main(void) {
  recorded();
  edge_cases();
  return testing_done();
}
