/* SPDX-License-Identifier: MIT
 * ceph_timesync: `time-sync-status` (mon) -> per-mon clock skew and
 * latency as the quorum leader measures them.  time_sync_one_mon.json was recorded
 * from the real 1-mon test cluster (no skew table: Ceph runs time checks
 * only with two or more mons); time_sync_three_mons.json is written by hand in the
 * format of Ceph's Monitor::handle_command (src/mon/Monitor.cc: one object
 * per mon with skew, latency, health and, when not OK, details). */
#include "common/ceph_timesync.h"
#include "tests/unit/testing.h"

static char *slurp(const char *name, size_t *len) {
  return testing_slurp(len, "%s/tests/data/ceph_health/time_sync_%s",
                       testing_top(), name);
}

static void one_mon(void) {
  size_t len = 0;
  char *b = slurp("one_mon.json", &len);
  OK_MSG(b != NULL, "recorded time_sync_one_mon.json present");
  ceph_timesync_t t;
  EXPECT_EQ_INT(CJ_OK, ceph_timesync_parse(b, len, &t, NULL, 0));
  EXPECT_EQ_INT(0, t.n);           /* no skew table with one mon */
  EXPECT_EQ_INT(0, t.have_table);
  OK(t.epoch >= 1);
  free(b);
}

static void three_mons(void) {
  size_t len = 0;
  char *b = slurp("three_mons.json", &len);
  ceph_timesync_t t;
  EXPECT_EQ_INT(CJ_OK, ceph_timesync_parse(b, len, &t, NULL, 0));
  EXPECT_EQ_INT(1, t.have_table);
  EXPECT_EQ_INT(3, t.n);
  EXPECT_EQ_INT(6, t.epoch);
  EXPECT_EQ_INT(18, t.round);
  const ceph_mon_skew_t *a = ceph_timesync_mon(&t, "a");
  const ceph_mon_skew_t *mb = ceph_timesync_mon(&t, "b");
  const ceph_mon_skew_t *c = ceph_timesync_mon(&t, "c");
  OK(a != NULL && mb != NULL && c != NULL);
  if (a == NULL || mb == NULL || c == NULL) {
    free(b);
    return;
  }
  EXPECT_EQ_DOUBLE(0, a->skew); /* the leader itself */
  EXPECT_EQ_DOUBLE(0, a->latency);
  EXPECT_EQ_INT(0, a->health);
  EXPECT_EQ_DOUBLE(0.062311, mb->skew); /* b's clock ahead of the leader */
  EXPECT_EQ_DOUBLE(0.000712, mb->latency);
  EXPECT_EQ_INT(1, mb->health);
  EXPECT_EQ_DOUBLE(-0.001204, c->skew); /* c behind */
  EXPECT_EQ_INT(0, c->health);
  OK(ceph_timesync_mon(&t, "d") == NULL);
  EXPECT_NEAR(0.062311, ceph_timesync_max_abs_skew(&t), 1e-12);
  free(b);
}

static void bad(void) {
  ceph_timesync_t t;
  char err[128];
  static const char notjson[] = "{\"time_skew_status\":{\"a\":";
  EXPECT_EQ_INT(CJ_ERR_SYNTAX, ceph_timesync_parse(notjson,
                                                   sizeof(notjson) - 1, &t,
                                                   err, sizeof(err)));
  EXPECT_EQ_INT(0, t.n); /* nothing partial */
  static const char other[] = "{\"fsid\":\"x\"}";
  EXPECT_EQ_INT(CJ_ERR_MISSING,
                ceph_timesync_parse(other, sizeof(other) - 1, &t, err,
                                    sizeof(err)));
  /* a mon without a numeric skew: NaN, not 0 */
  static const char odd[] =
      "{\"time_skew_status\":{\"x\":{\"latency\":0.001,\"health\":\"?\"}},"
      "\"timechecks\":{\"epoch\":2,\"round\":4}}";
  EXPECT_EQ_INT(CJ_OK, ceph_timesync_parse(odd, sizeof(odd) - 1, &t, NULL, 0));
  EXPECT_EQ_INT(1, t.n);
  OK(isnan(t.mons[0].skew));
  EXPECT_EQ_INT(-1, t.mons[0].health);
  OK(isnan(ceph_timesync_max_abs_skew(&t)));
}

int main(void) {
  one_mon();
  three_mons();
  bad();
  return testing_done();
}
