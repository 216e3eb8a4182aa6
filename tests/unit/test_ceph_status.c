/* SPDX-License-Identifier: MIT
 * ceph_status: the mon's status reply -> health, checks, counts, pgmap. */
#include "common/ceph_status.h"
#include "tests/unit/testing.h"

/* Shape of a 16.2 reply (trimmed from tests/data/ceph_health/recovery_wait
 * with a muted check and an unknown state added by hand). */
static const char doc[] =
    "{\"fsid\":\"x\",\"health\":{\"status\":\"HEALTH_ERR\",\"checks\":{"
    "\"OSD_DOWN\":{\"severity\":\"HEALTH_WARN\",\"summary\":{\"message\":"
    "\"1 osds down\",\"count\":1},\"muted\":false},"
    "\"OSD_FULL\":{\"severity\":\"HEALTH_ERR\",\"summary\":{\"message\":"
    "\"3 full osd(s)\",\"count\":3},\"muted\":true}},\"mutes\":[]},"
    "\"election_epoch\":3,\"quorum\":[0,1],\"quorum_names\":[\"a\",\"b\"],"
    "\"monmap\":{\"epoch\":1,\"num_mons\":3},"
    "\"osdmap\":{\"epoch\":40,\"num_osds\":3,\"num_up_osds\":2,"
    "\"osd_up_since\":1,\"num_in_osds\":3,\"osd_in_since\":1,"
    "\"num_remapped_pgs\":4},"
    "\"pgmap\":{\"pgs_by_state\":["
    "{\"state_name\":\"active+recovery_wait+degraded+remapped\",\"count\":26},"
    "{\"state_name\":\"active+clean+remapped\",\"count\":5},"
    "{\"state_name\":\"active+clean+shiny\",\"count\":1}],"
    "\"num_pgs\":32,\"num_pools\":1,\"num_objects\":65,\"data_bytes\":276,"
    "\"bytes_used\":180433,\"bytes_avail\":2147303215,\"bytes_total\":"
    "2147483648,\"degraded_objects\":60,\"degraded_total\":195,"
    "\"degraded_ratio\":0.3076923076923077,\"misplaced_objects\":65,"
    "\"misplaced_total\":195,\"misplaced_ratio\":0.33333333333333326,"
    "\"recovering_objects_per_sec\":5,\"recovering_bytes_per_sec\":21},"
    "\"mgrmap\":{\"available\":true,\"num_standbys\":0}}";

int main(void) {
  ceph_status_t st;
  char err[128];
  EXPECT_EQ_INT(CJ_OK, ceph_status_parse(doc, sizeof(doc) - 1, &st, err,
                                         sizeof(err)));
  EXPECT_EQ_INT(CEPH_HEALTH_ERR, st.health);
  EXPECT_EQ_INT(2, st.n_checks);
  const ceph_check_t *c = ceph_status_check(&st, "OSD_DOWN");
  OK(c != NULL && c->severity == 1 && c->muted == 0 && c->count == 1);
  c = ceph_status_check(&st, "OSD_FULL");
  OK(c != NULL && c->severity == 2 && c->muted == 1 && c->count == 3);
  OK(ceph_status_check(&st, "PG_DEGRADED") == NULL);
  EXPECT_EQ_DOUBLE(3, st.osds_total);
  EXPECT_EQ_DOUBLE(2, st.osds_up);
  EXPECT_EQ_DOUBLE(3, st.osds_in);
  EXPECT_EQ_DOUBLE(4, st.remapped_pgs);
  EXPECT_EQ_DOUBLE(3, st.mons_total);
  EXPECT_EQ_DOUBLE(2, st.mons_quorum);
  EXPECT_EQ_DOUBLE(1, st.mgr_available);
  EXPECT_EQ_INT(32, st.pgs.total);
  EXPECT_EQ_INT(32, st.pgs.state[CEPH_PG_ACTIVE]);
  EXPECT_EQ_INT(6, st.pgs.state[CEPH_PG_CLEAN]);
  EXPECT_EQ_INT(26, st.pgs.state[CEPH_PG_RECOVERY_WAIT]);
  EXPECT_EQ_INT(26, st.pgs.state[CEPH_PG_DEGRADED]);
  EXPECT_EQ_INT(31, st.pgs.state[CEPH_PG_REMAPPED]);
  EXPECT_EQ_INT(0, st.pgs.state[CEPH_PG_STALE]);
  EXPECT_EQ_INT(26, st.pgs.unclean);
  EXPECT_EQ_INT(0, st.pgs.inactive);
  EXPECT_EQ_INT(1, st.pgs.unknown);
  EXPECT_EQ_STR("active+clean+shiny", st.unknown_state);
  EXPECT_EQ_DOUBLE(32, st.num_pgs);
  EXPECT_EQ_DOUBLE(65, st.objects);
  EXPECT_EQ_DOUBLE(60, st.degraded_objects);
  EXPECT_NEAR(0.3076923, st.degraded_ratio, 1e-7);
  EXPECT_EQ_DOUBLE(65, st.misplaced_objects);
  /* Optional pgmap keys absent => 0 (the mon omits zeros), not NaN. */
  EXPECT_EQ_DOUBLE(0, st.unfound_objects);
  EXPECT_EQ_DOUBLE(0, st.unfound_ratio);
  EXPECT_EQ_DOUBLE(0, st.recovering_keys_per_sec);
  EXPECT_EQ_DOUBLE(5, st.recovering_objects_per_sec);
  EXPECT_EQ_DOUBLE(21, st.recovering_bytes_per_sec);

  /* Healthy, minimal, pre-16 nesting of osdmap. */
  const char old[] = "{\"health\":{\"status\":\"HEALTH_OK\",\"checks\":{}},"
                     "\"osdmap\":{\"osdmap\":{\"num_osds\":5,\"num_up_osds\":"
                     "5,\"num_in_osds\":4}},\"pgmap\":{\"pgs_by_state\":[],"
                     "\"num_pgs\":0},\"mgrmap\":{\"available\":false}}";
  EXPECT_EQ_INT(CJ_OK, ceph_status_parse(old, sizeof(old) - 1, &st, NULL, 0));
  EXPECT_EQ_INT(CEPH_HEALTH_OK, st.health);
  EXPECT_EQ_INT(0, st.n_checks);
  EXPECT_EQ_DOUBLE(5, st.osds_total);
  EXPECT_EQ_DOUBLE(4, st.osds_in);
  EXPECT_EQ_DOUBLE(0, st.mgr_available);
  OK(isnan(st.mons_total) && isnan(st.mons_quorum));
  EXPECT_EQ_INT(0, st.pgs.total);

  /* Broken replies. */
  EXPECT_EQ_INT(CJ_ERR_MISSING,
                ceph_status_parse("{\"pgmap\":{}}", 12, &st, err, sizeof(err)));
  OK(strstr(err, "health") != NULL);
  const char nopg[] = "{\"health\":{\"status\":\"HEALTH_WARN\"}}";
  EXPECT_EQ_INT(CJ_ERR_MISSING,
                ceph_status_parse(nopg, sizeof(nopg) - 1, &st, err, sizeof(err)));
  OK(strstr(err, "pgmap") != NULL);
  EXPECT_EQ_INT(CJ_ERR_SYNTAX, ceph_status_parse(doc, 100, &st, err,
                                                 sizeof(err)));
  EXPECT_EQ_INT(CJ_ERR_EMPTY, ceph_status_parse("", 0, &st, NULL, 0));
  /* An unknown health string is -1, not a crash. */
  const char odd[] = "{\"health\":{\"status\":\"HEALTH_MEH\"},\"pgmap\":{}}";
  EXPECT_EQ_INT(CJ_ERR_MISSING,
                ceph_status_parse(odd, sizeof(odd) - 1, &st, NULL, 0));
  EXPECT_EQ_INT(-1, ceph_health_level("HEALTH_MEH", 10));
  EXPECT_EQ_INT(1, ceph_health_level("HEALTH_WARN", 11));

  /* More checks than slots: counted as dropped. */
  char big[16384];
  size_t n = (size_t)snprintf(big, sizeof(big),
                              "{\"health\":{\"status\":\"HEALTH_WARN\","
                              "\"checks\":{");
  for (int i = 0; i < CEPH_MAX_CHECKS + 5; i++)
    n += (size_t)snprintf(big + n, sizeof(big) - n,
                          "%s\"C%d\":{\"severity\":\"HEALTH_WARN\"}",
                          i ? "," : "", i);
  snprintf(big + n, sizeof(big) - n, "}},\"pgmap\":{}}");
  EXPECT_EQ_INT(CJ_OK, ceph_status_parse(big, strlen(big), &st, NULL, 0));
  EXPECT_EQ_INT(CEPH_MAX_CHECKS, st.n_checks);
  EXPECT_EQ_INT(5, st.checks_dropped);
  /* A state name of >= 120 characters (11 valid components, names of
   * Ceph's pg_state_string): every component counted, none unrecognised. */
  static const char longst[] =
      "{\"health\":{\"status\":\"HEALTH_WARN\"},\"pgmap\":{\"pgs_by_state\":"
      "[{\"state_name\":\"active+recovery_wait+recovery_toofull+"
      "forced_recovery+undersized+degraded+remapped+backfill_wait+"
      "forced_backfill+backfill_toofull+snaptrim_wait\",\"count\":3}]}}";
  EXPECT_EQ_INT(CJ_OK, ceph_status_parse(longst, sizeof(longst) - 1, &st,
                                         NULL, 0));
  EXPECT_EQ_INT(0, st.pgs.unknown);
  EXPECT_EQ_INT(3, st.pgs.state[CEPH_PG_SNAPTRIM_WAIT]);
  EXPECT_EQ_INT(3, st.pgs.state[CEPH_PG_ACTIVE]);
  EXPECT_EQ_STR("", st.unknown_state);
  return testing_done();
}
