/* SPDX-License-Identifier: MIT
 * ceph_pgs: per-pool PG state counts from pgs_brief, stuck PGs and their
 * ages from dump_stuck, pgid and time-stamp parsing; a randomized
 * aggregation check against a direct count (seed printed, CEPH_SEED=...). */
#include "common/ceph_pgs.h"
#include "tests/unit/testing.h"

#include <time.h>

static const char brief[] =
    "{\"pg_ready\":true,\"pg_stats\":["
    "{\"pgid\":\"1.1f\",\"state\":\"active+clean\",\"up\":[0,2,1],"
    "\"acting\":[0,2,1],\"up_primary\":0,\"acting_primary\":0},"
    "{\"pgid\":\"1.1e\",\"state\":\"active+undersized+degraded\",\"up\":[1,0],"
    "\"acting\":[1,0],\"up_primary\":1,\"acting_primary\":1},"
    "{\"pgid\":\"12.0\",\"state\":\"stale+undersized+peered\",\"up\":[2],"
    "\"acting\":[2],\"up_primary\":2,\"acting_primary\":2},"
    "{\"pgid\":\"3.7\",\"state\":\"active+clean+wobbly\"},"
    "{\"pgid\":\"bogus\",\"state\":\"active+clean\"},"
    "{\"pgid\":\"1.2\"}]}";

/* Two stuck PGs; now = 2026-11-22T08:01:00Z. */
#define NOW 1795334460.0
static const char stuck[] =
    "{\"pg_ready\":true,\"stuck_pg_stats\":["
    "{\"pgid\":\"1.1b\",\"state\":\"active+undersized+degraded\","
    "\"last_active\":\"2026-11-22T08:00:59.000000+0000\","
    "\"last_clean\":\"2026-11-22T08:00:20.000000+0000\","
    "\"last_unstale\":\"2026-11-22T08:00:59.000000+0000\","
    "\"last_undegraded\":\"2026-11-22T08:00:30.000000+0000\","
    "\"last_fullsized\":\"2026-11-22T08:00:50.000000+0000\","
    "\"stat_sum\":{\"num_objects\":1},\"up\":[0,1],\"blocked_by\":[]},"
    "{\"pgid\":\"2.0\",\"state\":\"stale+undersized+peered\","
    "\"last_active\":\"2026-11-22T07:59:00.000000+0000\","
    "\"last_clean\":\"2026-11-22T07:59:00.000000+0000\","
    "\"last_unstale\":\"2026-11-22T08:00:55.000000+0000\","
    "\"last_undegraded\":\"2026-11-22T08:00:59.000000+0000\","
    "\"last_fullsized\":\"2026-11-22T07:59:30.000000+0000\"}]}";

/* A real combination of 11 valid components (names and order of Ceph's
 * pg_state_string, src/osd/osd_types.cc): 143 characters. */
#define LONG_STATE                                                             \
  "active+recovery_wait+recovery_toofull+forced_recovery+undersized+"        \
  "degraded+remapped+backfill_wait+forced_backfill+backfill_toofull+"        \
  "snaptrim_wait"

/* State strings of any length: every component counted, none
 * "unrecognised" (a fixed 120-byte copy used to cut the string). */
static void long_state(void) {
  static const char br[] = "{\"pg_ready\":true,\"pg_stats\":["
                           "{\"pgid\":\"4.0\",\"state\":\"" LONG_STATE "\"},"
                           "{\"pgid\":\"4.1\",\"state\":\"" LONG_STATE "\"}]}";
  static const char st[] =
      "{\"pg_ready\":true,\"stuck_pg_stats\":[{\"pgid\":\"4.0\",\"state\":\"" LONG_STATE
      "\",\"last_clean\":\"2026-11-22T07:00:00.000000+0000\","
      "\"last_fullsized\":\"2026-11-22T07:00:00.000000+0000\"}]}";
  OK(strlen(LONG_STATE) >= 120);
  ceph_pools_t p;
  ceph_pools_init(&p);
  EXPECT_EQ_INT(CJ_OK, ceph_pgs_brief_parse(br, sizeof(br) - 1, &p, NULL, 0));
  EXPECT_EQ_INT(0, p.total.unknown);
  EXPECT_EQ_INT(2, p.total.state[CEPH_PG_ACTIVE]);
  EXPECT_EQ_INT(2, p.total.state[CEPH_PG_SNAPTRIM_WAIT]); /* the last one */
  EXPECT_EQ_INT(2, p.total.state[CEPH_PG_BACKFILL_TOOFULL]);
  EXPECT_EQ_INT(0, p.total.inactive);
  EXPECT_EQ_STR("", p.unknown_state);
  EXPECT_EQ_INT(CJ_OK, ceph_pgs_stuck_parse(st, sizeof(st) - 1, NOW, 20, &p,
                                            NULL, 0));
  EXPECT_EQ_INT(1, p.stuck.n[CEPH_STUCK_UNDERSIZED]); /* its mask, not cut */
  EXPECT_EQ_INT(1, p.stuck.n[CEPH_STUCK_UNCLEAN]);
  ceph_pools_free(&p);
}

/* A stamp of 0 (utime_t prints "0.000000": never set) is older than any
 * cutoff in PGMap::get_stuck_stats: the PG is stuck, "since forever". */
static void zero_stamps(void) {
  EXPECT_NEAR(0.0, ceph_parse_utime("0.000000", 8), 0);
  EXPECT_NEAR(12.5, ceph_parse_utime("12.500000", 9), 1e-9);
  OK(isnan(ceph_parse_utime("12.5x", 5)));
  OK(isnan(ceph_parse_utime(".5", 2)));
  static const char st[] =
      "{\"pg_ready\":true,\"stuck_pg_stats\":[{\"pgid\":\"5.3\","
      "\"state\":\"unknown\",\"last_active\":\"0.000000\","
      "\"last_clean\":\"0.000000\",\"last_unstale\":\"0.000000\","
      "\"last_undegraded\":\"0.000000\",\"last_fullsized\":\"0.000000\"}]}";
  ceph_pools_t p;
  ceph_pools_init(&p);
  EXPECT_EQ_INT(CJ_OK, ceph_pgs_stuck_parse(st, sizeof(st) - 1, NOW, 60, &p,
                                            NULL, 0));
  EXPECT_EQ_INT(1, p.stuck.n[CEPH_STUCK_INACTIVE]);
  EXPECT_EQ_INT(1, p.stuck.n[CEPH_STUCK_UNCLEAN]);
  EXPECT_EQ_INT(1, p.stuck.any);
  EXPECT_NEAR(NOW, p.stuck.oldest_s, 1e-6); /* since the epoch */
  ceph_pools_free(&p);
}

/* A reply cut short leaves no partial count behind (whatever was counted
 * before the cut is zeroed); pg_ready is ANDed over the replies. */
static void partial_and_ready(void) {
  ceph_pools_t p;
  ceph_pools_init(&p);
  size_t cut = (size_t)(strstr(brief, "\"12.0\"") - brief); /* 2 PGs in */
  EXPECT_EQ_INT(CJ_ERR_SYNTAX, ceph_pgs_brief_parse(brief, cut, &p, NULL, 0));
  uint64_t left = p.total.total;
  for (size_t i = 0; i < p.n; i++)
    left += p.v[i].pgs.total + p.v[i].pgs.state[CEPH_PG_ACTIVE];
  EXPECT_EQ_INT(0, left);
  size_t scut = (size_t)(strstr(stuck, "\"2.0\"") - stuck); /* 1 PG in */
  EXPECT_EQ_INT(CJ_ERR_SYNTAX,
                ceph_pgs_stuck_parse(stuck, scut, NOW, 0, &p, NULL, 0));
  left = p.stuck.any;
  for (size_t i = 0; i < p.n; i++)
    left += p.v[i].stuck.any + p.v[i].stuck.n[CEPH_STUCK_UNCLEAN];
  EXPECT_EQ_INT(0, left);
  ceph_pools_free(&p);
  static const char unready[] = "{\"pg_ready\":false,\"pg_stats\":[]}";
  ceph_pools_init(&p);
  EXPECT_EQ_INT(CJ_OK, ceph_pgs_brief_parse(unready, sizeof(unready) - 1, &p,
                                            NULL, 0));
  EXPECT_EQ_INT(CJ_OK, ceph_pgs_stuck_parse(stuck, sizeof(stuck) - 1, NOW, 0,
                                            &p, NULL, 0));
  EXPECT_EQ_INT(0, p.pg_ready); /* false, then true: not ready */
  ceph_pools_free(&p);
}

static uint64_t rng_state;
static uint32_t rnd(void) {
  rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (uint32_t)(rng_state >> 33);
}

int main(void) {
  int64_t pool = 0;
  EXPECT_EQ_INT(0, ceph_pgid_pool("12.3f", 5, &pool));
  EXPECT_EQ_INT(12, pool);
  EXPECT_EQ_INT(-1, ceph_pgid_pool("12", 2, &pool));
  EXPECT_EQ_INT(-1, ceph_pgid_pool("12.", 3, &pool));
  EXPECT_EQ_INT(-1, ceph_pgid_pool(".3", 2, &pool));
  EXPECT_EQ_INT(-1, ceph_pgid_pool("x.3", 3, &pool));
  EXPECT_EQ_INT(-1, ceph_pgid_pool("99999999999999999999.1", 22, &pool));

  /* Time stamps: Ceph's utime_t JSON, checked against timegm(). */
  const char *ts = "2026-11-22T08:00:26.719266+0000";
  struct tm tm = {.tm_year = 126, .tm_mon = 10, .tm_mday = 22, .tm_hour = 8,
                  .tm_min = 0, .tm_sec = 26};
  EXPECT_NEAR((double)timegm(&tm) + 0.719266, ceph_parse_utime(ts, strlen(ts)),
              1e-6);
  EXPECT_NEAR(951782400.0, ceph_parse_utime("2000-02-29T00:00:00Z", 20), 0);
  EXPECT_NEAR(951782400.0 - 3600,
              ceph_parse_utime("2000-02-29T00:00:00+01:00", 25), 0);
  EXPECT_NEAR(951782400.0 + 5400,
              ceph_parse_utime("2000-02-29 00:00:00-0130", 24), 0);
  EXPECT_NEAR(0.0, ceph_parse_utime("1970-01-01T00:00:00", 19), 0);
  OK(isnan(ceph_parse_utime("2026-13-01T00:00:00Z", 20)));
  OK(isnan(ceph_parse_utime("2026-11-22", 10)));
  OK(isnan(ceph_parse_utime("2026-11-22T08:00:26.5+0000x", 27)));
  OK(isnan(ceph_parse_utime("", 0)));

  ceph_pools_t p;
  char err[128];
  ceph_pools_init(&p);
  EXPECT_EQ_INT(CJ_OK, ceph_pgs_brief_parse(brief, sizeof(brief) - 1, &p, err,
                                            sizeof(err)));
  EXPECT_EQ_INT(1, p.pg_ready);
  EXPECT_EQ_INT(3, p.n); /* pools 1, 3, 12 - sorted */
  EXPECT_EQ_INT(1, p.v[0].id);
  EXPECT_EQ_INT(3, p.v[1].id);
  EXPECT_EQ_INT(12, p.v[2].id);
  EXPECT_EQ_INT(2, p.v[0].pgs.total); /* "1.2" has no state: skipped */
  EXPECT_EQ_INT(1, p.v[0].pgs.state[CEPH_PG_DEGRADED]);
  EXPECT_EQ_INT(1, p.v[0].pgs.unclean);
  EXPECT_EQ_INT(1, p.v[1].pgs.unknown);
  EXPECT_EQ_INT(1, p.v[2].pgs.inactive);
  EXPECT_EQ_INT(1, p.v[2].pgs.state[CEPH_PG_STALE]);
  EXPECT_EQ_INT(4, p.total.total);
  EXPECT_EQ_INT(3, p.total.state[CEPH_PG_ACTIVE]);
  EXPECT_EQ_STR("active+clean+wobbly", p.unknown_state);

  /* Stuck at StuckAge 20 s: PG 1.1b unclean for 40 s and degraded for
   * 30 s (undersized only 10 s, inactive 1 s); PG 2.0 inactive and
   * unclean 120 s, undersized 90 s, stale 5 s. */
  EXPECT_EQ_INT(CJ_OK, ceph_pgs_stuck_parse(stuck, sizeof(stuck) - 1, NOW,
                                            20, &p, err, sizeof(err)));
  EXPECT_EQ_INT(4, p.n); /* pool 2 created by the stuck list */
  ceph_pool_pgs_t *p1 = ceph_pools_get(&p, 1), *p2 = ceph_pools_get(&p, 2);
  EXPECT_EQ_INT(1, p1->stuck.n[CEPH_STUCK_UNCLEAN]);
  EXPECT_EQ_INT(1, p1->stuck.n[CEPH_STUCK_DEGRADED]);
  EXPECT_EQ_INT(0, p1->stuck.n[CEPH_STUCK_UNDERSIZED]);
  EXPECT_EQ_INT(0, p1->stuck.n[CEPH_STUCK_INACTIVE]);
  EXPECT_NEAR(40.0, p1->stuck.oldest_s, 1e-6);
  EXPECT_EQ_INT(1, p2->stuck.n[CEPH_STUCK_INACTIVE]);
  EXPECT_EQ_INT(1, p2->stuck.n[CEPH_STUCK_UNCLEAN]);
  EXPECT_EQ_INT(1, p2->stuck.n[CEPH_STUCK_UNDERSIZED]);
  EXPECT_EQ_INT(0, p2->stuck.n[CEPH_STUCK_STALE]);
  EXPECT_EQ_INT(0, p2->stuck.n[CEPH_STUCK_DEGRADED]); /* not degraded */
  EXPECT_NEAR(120.0, p2->stuck.oldest_s, 1e-6);
  EXPECT_EQ_INT(2, p.stuck.any);
  EXPECT_EQ_INT(2, p.stuck.n[CEPH_STUCK_UNCLEAN]);
  EXPECT_NEAR(120.0, p.stuck.oldest_s, 1e-6);
  EXPECT_EQ_STR("undersized", ceph_stuck_name(CEPH_STUCK_UNDERSIZED));
  ceph_pools_free(&p);

  /* StuckAge 0 counts every kind present; an empty or empty-list reply is
   * "nothing stuck"; garbage is an error. */
  ceph_pools_init(&p);
  EXPECT_EQ_INT(CJ_OK, ceph_pgs_stuck_parse(stuck, sizeof(stuck) - 1, NOW, 0,
                                            &p, NULL, 0));
  EXPECT_EQ_INT(2, p.stuck.n[CEPH_STUCK_UNDERSIZED]);
  EXPECT_EQ_INT(1, p.stuck.n[CEPH_STUCK_STALE]);
  ceph_pools_free(&p);
  ceph_pools_init(&p);
  EXPECT_EQ_INT(CJ_OK, ceph_pgs_stuck_parse("", 0, NOW, 0, &p, NULL, 0));
  const char none[] = "{\"pg_ready\":true,\"stuck_pg_stats\":[]\n}";
  EXPECT_EQ_INT(CJ_OK, ceph_pgs_stuck_parse(none, sizeof(none) - 1, NOW, 0, &p,
                                            NULL, 0));
  EXPECT_EQ_INT(0, p.stuck.any);
  EXPECT_EQ_INT(0, p.n);
  EXPECT_EQ_INT(CJ_ERR_MISSING,
                ceph_pgs_stuck_parse("{\"x\":1}", 7, NOW, 0, &p, err,
                                     sizeof(err)));
  EXPECT_EQ_INT(CJ_ERR_SYNTAX,
                ceph_pgs_stuck_parse(stuck, 50, NOW, 0, &p, NULL, 0));
  const char nolist[] = "{\"pg_ready\":true,\"pg_stats\":[]}";
  EXPECT_EQ_INT(CJ_OK, ceph_pgs_brief_parse(nolist, sizeof(nolist) - 1, &p,
                                            NULL, 0));
  EXPECT_EQ_INT(CJ_ERR_MISSING, ceph_pgs_brief_parse("{}", 2, &p, NULL, 0));
  ceph_pools_free(&p);

  long_state();
  zero_stamps();
  partial_and_ready();

  /* Randomized: N PGs over many pools in random order; the streamed
   * per-pool counts equal a direct count. */
  rng_state = testing_seed("CEPH_SEED", (unsigned long long)time(NULL));
  static const char *const states[] = {"active+clean", "active+undersized",
                                       "peering", "stale+down",
                                       "active+clean+x"};
  enum { NP = 3000, NPOOL = 97 };
  /* ids on both sides of the parser's direct index (4096), interleaved */
#define POOL_ID(pl) ((pl) % 3 == 0 ? 4090 + (pl) * 1000 : (pl))
  static uint64_t want_total[NPOOL], want_active[NPOOL];
  size_t cap = NP * 64 + 64, n = 0;
  char *buf = malloc(cap);
  n += (size_t)snprintf(buf + n, cap - n, "{\"pg_ready\":true,\"pg_stats\":[");
  for (int i = 0; i < NP; i++) {
    int pl = (int)(rnd() % NPOOL), s = (int)(rnd() % 5);
    want_total[pl]++;
    want_active[pl] += s < 2 || s == 4;
    n += (size_t)snprintf(buf + n, cap - n,
                          "%s{\"pgid\":\"%d.%x\",\"state\":\"%s\",\"up\":[1]}",
                          i ? "," : "", POOL_ID(pl), i, states[s]);
  }
  snprintf(buf + n, cap - n, "]}");
  ceph_pools_init(&p);
  EXPECT_EQ_INT(CJ_OK, ceph_pgs_brief_parse(buf, strlen(buf), &p, NULL, 0));
  int agree = 1;
  uint64_t sum = 0;
  for (int pl = 0; pl < NPOOL; pl++) {
    if (want_total[pl] == 0)
      continue;
    ceph_pool_pgs_t *x = ceph_pools_get(&p, POOL_ID(pl));
    agree &= x->pgs.total == want_total[pl] &&
             x->pgs.state[CEPH_PG_ACTIVE] == want_active[pl];
    sum += x->pgs.total;
  }
  OK_MSG(agree, "random pgs_brief: per-pool counts equal a direct count");
  EXPECT_EQ_INT(NP, sum);
  EXPECT_EQ_INT(NP, p.total.total);
  int sorted = 1;
  for (size_t i = 1; i < p.n; i++)
    sorted &= p.v[i - 1].id < p.v[i].id;
  OK_MSG(sorted, "pools stay sorted by id");
  ceph_pools_free(&p);
  free(buf);
  return testing_done();
}
