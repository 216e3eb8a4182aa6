/* SPDX-License-Identifier: MIT
 * ceph_pgstate: state strings split into ceph-mgr's components; unknown
 * components are counted, never fatal; the cache agrees with the split. */
#include "common/ceph_pgstate.h"
#include "tests/unit/testing.h"

#define BIT(i) ((uint64_t)1 << (i))

int main(void) {
  /* The list is ceph-mgr's PG_STATES (16.2): 34 names, distinct. */
  EXPECT_EQ_INT(34, CEPH_PG_NSTATES);
  EXPECT_EQ_STR("active", ceph_pg_state_name(CEPH_PG_ACTIVE));
  EXPECT_EQ_STR("backfill_toofull",
                ceph_pg_state_name(CEPH_PG_BACKFILL_TOOFULL));
  EXPECT_EQ_STR("wait", ceph_pg_state_name(CEPH_PG_WAIT));
  OK(ceph_pg_state_name(CEPH_PG_NSTATES) == NULL);
  OK(ceph_pg_state_name(-1) == NULL);
  int distinct = 1;
  for (int i = 0; i < CEPH_PG_NSTATES; i++) {
    EXPECT_EQ_INT(i, ceph_pg_state_index(ceph_pg_state_name(i),
                                         strlen(ceph_pg_state_name(i))));
    for (int j = 0; j < i; j++)
      if (strcmp(ceph_pg_state_name(i), ceph_pg_state_name(j)) == 0)
        distinct = 0;
  }
  OK_MSG(distinct, "state names are distinct");

  /* Splitting: states seen on a Ceph 16.2.15 test cluster (recorded in
   * tests/data/ceph_health/); the components are those Ceph's
   * pg_state_string() (src/osd/osd_types.cc) joins with '+'. */
  static const struct {
    const char *s;
    uint64_t mask;
    int unknown;
  } cases[] = {
      {"active+clean", BIT(CEPH_PG_ACTIVE) | BIT(CEPH_PG_CLEAN), 0},
      {"active+undersized+degraded",
       BIT(CEPH_PG_ACTIVE) | BIT(CEPH_PG_UNDERSIZED) | BIT(CEPH_PG_DEGRADED),
       0},
      {"stale+undersized+degraded+peered",
       BIT(CEPH_PG_STALE) | BIT(CEPH_PG_UNDERSIZED) | BIT(CEPH_PG_DEGRADED) |
           BIT(CEPH_PG_PEERED),
       0},
      {"active+clean+scrubbing+deep",
       BIT(CEPH_PG_ACTIVE) | BIT(CEPH_PG_CLEAN) | BIT(CEPH_PG_SCRUBBING) |
           BIT(CEPH_PG_DEEP),
       0},
      {"down", BIT(CEPH_PG_DOWN), 0},
      {"unknown", BIT(CEPH_PG_UNKNOWN), 0},
      {"active+clean+frobnicating", BIT(CEPH_PG_ACTIVE) | BIT(CEPH_PG_CLEAN),
       1},
      {"zzz+yyy", 0, 2},
      {"", 0, 0},
      {"active++clean+", BIT(CEPH_PG_ACTIVE) | BIT(CEPH_PG_CLEAN), 0},
      {"activ", 0, 1},
      {"active_", 0, 1},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    uint64_t m = 99;
    int u = ceph_pg_state_split(cases[i].s, strlen(cases[i].s), &m);
    char what[128];
    snprintf(what, sizeof(what), "split \"%s\"", cases[i].s);
    OK_MSG(m == cases[i].mask && u == cases[i].unknown, what);
  }

  /* Counting: components each, plus derived inactive/unclean/unknown. */
  ceph_pg_counts_t c = {0};
  uint64_t m;
  int u = ceph_pg_state_split("active+clean", 12, &m);
  ceph_pg_counts_add(&c, m, u, 10);
  u = ceph_pg_state_split("undersized+degraded+peered", 26, &m);
  ceph_pg_counts_add(&c, m, u, 3);
  u = ceph_pg_state_split("active+laggy+newthing", 21, &m);
  ceph_pg_counts_add(&c, m, u, 2);
  EXPECT_EQ_INT(15, c.total);
  EXPECT_EQ_INT(12, c.state[CEPH_PG_ACTIVE]);
  EXPECT_EQ_INT(10, c.state[CEPH_PG_CLEAN]);
  EXPECT_EQ_INT(3, c.state[CEPH_PG_PEERED]);
  EXPECT_EQ_INT(2, c.state[CEPH_PG_LAGGY]);
  EXPECT_EQ_INT(3, c.inactive);
  EXPECT_EQ_INT(5, c.unclean);
  EXPECT_EQ_INT(2, c.unknown);

  /* The cache returns what the split returns, also once it is full and
   * replacing entries, and for strings too long to cache. */
  ceph_pg_state_cache_t cache = {0};
  char s[256];
  int agree = 1;
  for (int round = 0; round < 3; round++)
    for (int i = 0; i < 3 * CEPH_PG_STATE_CACHE; i++) {
      snprintf(s, sizeof(s), "%s+%s%s", ceph_pg_state_name(i % CEPH_PG_NSTATES),
               ceph_pg_state_name((i * 7) % CEPH_PG_NSTATES),
               i % 5 == 0 ? "+bogus" : "");
      uint64_t m1, m2;
      int u1, u2;
      ceph_pg_state_lookup(&cache, s, strlen(s), &m1, &u1);
      u2 = ceph_pg_state_split(s, strlen(s), &m2);
      agree &= m1 == m2 && u1 == u2;
    }
  for (int i = 0; i < 20; i++) /* 140 chars: too long to cache */
    memcpy(s + 7 * i, "active+", 7);
  s[140] = 0;
  uint64_t m1;
  int u1;
  ceph_pg_state_lookup(&cache, s, strlen(s), &m1, &u1);
  agree &= m1 == BIT(CEPH_PG_ACTIVE) && u1 == 0;
  OK_MSG(agree, "cached lookups agree with the split");
  EXPECT_EQ_INT(CEPH_PG_STATE_CACHE, cache.n);
  return testing_done();
}
