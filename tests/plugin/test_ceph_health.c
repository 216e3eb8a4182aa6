/* SPDX-License-Identifier: MIT
 * The ceph_health plugin under the recording mock, with a fake librados
 * serving the JSON recorded from a real cluster: configuration errors,
 * the metric tables against types.db and the docs, what each state
 * dispatches, the bounded behaviour when the mgr or the mon is gone,
 * notifications, and LeaderOnly. */
#include "plugins/ceph_health.c" /* sic: reach the static functions */

#include "tests/mock/mock_ceph_health.h"
#include "tests/mock/plugin_mock.h"
#include "tests/unit/testing.h"

static const char *top;
static int fake_local = 1;
static int fake_is_local(const char *host) {
  (void)host;
  return fake_local;
}

static void use_state(const char *state) {
  snprintf(mock_ceph_dir, sizeof(mock_ceph_dir), "%s/tests/data/ceph_health/%s",
           top, state);
}

/* Serve `state`, read every registered callback once (each must succeed). */
static void read_state(const char *state) {
  use_state(state);
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all());
}

static double cl(const char *type, const char *ti) {
  return mock_get("ceph", type, ti, NULL);
}

static int count_cmds(const char *needle) {
  int n = 0;
  for (int i = 0; i < mock_ceph_ncmds; i++)
    n += strstr(mock_ceph_cmds[i], needle) != NULL;
  return n;
}

static void config_errors(void) {
  EXPECT_EQ_INT(-1, mock_configure(PLUGIN, "<Plugin ceph_health>\n"
                                           "<Cluster \"bad\">\n"
                                           "MonHost \"127.0.0.1\"\n"
                                           "Frobnicate 3\n</Cluster>\n"
                                           "</Plugin>\n"));
  OK(mock_log_find("Frobnicate") >= 0 && mock_log_find("bad") >= 0);
  EXPECT_EQ_INT(-1, mock_configure(PLUGIN, "<Plugin ceph_health>\n"
                                           "<Cluster \"t0\">\nMonHost \"x\"\n"
                                           "Timeout 0\n</Cluster>\n"
                                           "</Plugin>\n"));
  EXPECT_EQ_INT(-1, mock_configure(PLUGIN, "<Plugin ceph_health>\n"
                                           "<Cluster>\nMonHost \"x\"\n"
                                           "</Cluster>\n</Plugin>\n"));
  EXPECT_EQ_INT(-1, mock_configure(PLUGIN, "<Plugin ceph_health>\n"
                                           "Bogus 1\n</Plugin>\n"));
  EXPECT_EQ_INT(0, mock_read_count());
}

static void tables(void) {
  EXPECT_EQ_INT(0, mock_check_metric_table(PLUGIN, ch_cluster_metrics,
                                           ch_cluster_metrics_n));
  EXPECT_EQ_INT(
      0, mock_check_metric_table(PLUGIN, ch_pool_metrics, ch_pool_metrics_n));
  EXPECT_EQ_INT(
      0, mock_check_metric_table(PLUGIN, ch_osd_metrics, ch_osd_metrics_n));
  EXPECT_EQ_INT(
      0, mock_check_metric_table(PLUGIN, ch_check_metrics, ch_check_metrics_n));
  EXPECT_EQ_INT(
      0, mock_check_metric_table(PLUGIN, ch_root_metrics, ch_root_metrics_n));
  EXPECT_EQ_INT(0, mock_check_metric_table(PLUGIN, ch_domain_metrics,
                                           ch_domain_metrics_n));
  EXPECT_EQ_INT(0, mock_check_metric_table(PLUGIN, ch_mon_metrics,
                                           ch_mon_metrics_n));
  EXPECT_EQ_INT(0, mock_check_metric_table(PLUGIN, ch_pool_space_metrics,
                                           ch_pool_space_metrics_n));
  EXPECT_EQ_INT(0, mock_check_metric_table(PLUGIN, ch_pool_io_metrics,
                                           ch_pool_io_metrics_n));
  /* The X-list of states in the table = common/ceph_pgstate.h's list. */
  int same = (int)CH_PG_NSTATES == (int)CEPH_PG_NSTATES;
  for (int i = 0; i < CEPH_PG_NSTATES && same; i++)
    same = strcmp(ch_pool_metrics[1 + i].type_instance,
                  ceph_pg_state_name(i)) == 0 &&
           ch_pool_metrics[1 + i].offset ==
               offsetof(ch_pgs_snap_t, state) + (size_t)i * sizeof(double);
  OK_MSG(same, "PG state rows follow ceph_pgstate.h");
}

static void healthy(void) {
  use_state("healthy");
  mock_clear();
  mock_ceph_reset_log();
  EXPECT_EQ_INT(0, mock_read_all());
  /* Timeouts applied before connecting: client_mount_timeout bounds
   * rados_connect, rados_mon_op_timeout each command (docs/ceph_health.md,
   * "Timeouts and failures"). */
  EXPECT_EQ_STR("2", mock_ceph_conf_get("client_mount_timeout"));
  EXPECT_EQ_STR("2", mock_ceph_conf_get("rados_mon_op_timeout"));
  EXPECT_EQ_STR("2", mock_ceph_conf_get("rados_osd_op_timeout"));
  EXPECT_EQ_STR("127.0.0.1", mock_ceph_conf_get("mon_host"));
  /* A small fixed number of read-only commands (this recording has no
   * df detail reply: answered like a timeout, the last one sent). */
  EXPECT_EQ_INT(7, mock_ceph_ncmds);
  EXPECT_EQ_INT(1, count_cmds("\"threshold\":5,"));
  EXPECT_EQ_INT(0, count_cmds("set"));
  EXPECT_EQ_DOUBLE(0, cl("ceph_health_status", ""));
  EXPECT_EQ_DOUBLE(32, cl("ceph_health_pgs", "total"));
  EXPECT_EQ_DOUBLE(32, cl("ceph_health_pgs", "active"));
  EXPECT_EQ_DOUBLE(32, cl("ceph_health_pgs", "clean"));
  EXPECT_EQ_DOUBLE(0, cl("ceph_health_pgs", "degraded")); /* zero-filled */
  EXPECT_EQ_DOUBLE(0, cl("ceph_health_pgs", "inactive"));
  EXPECT_EQ_DOUBLE(3, cl("ceph_health_osds", "up"));
  /* size 3 / min_size 2, every PG acting on 3 OSDs: one loss to spare */
  EXPECT_EQ_DOUBLE(1, mock_get("ceph-pool-test", "ceph_health_margin",
                               "redundancy", NULL));
  EXPECT_EQ_DOUBLE(1, cl("ceph_health_margin", "redundancy"));
  EXPECT_EQ_DOUBLE(1, cl("bool", "mgr_available"));
  EXPECT_EQ_DOUBLE(0, cl("ceph_health_check", "OSD_DOWN"));
  EXPECT_EQ_DOUBLE(0, cl("ceph_health_check_severity", "OSD_FULL"));
  EXPECT_NEAR(0.85, cl("ceph_health_ratio", "nearfull"), 1e-6);
  EXPECT_EQ_DOUBLE(0, cl("ceph_health_pgs_stuck", "any"));
  EXPECT_EQ_DOUBLE(32, mock_get("ceph-pool-test", "ceph_health_pgs", "total",
                                NULL));
  double u = mock_get("ceph-osd.0", "percent", "utilization", NULL);
  OK(u > 0 && u < 1);
  EXPECT_NEAR(85.0 - u, mock_get("ceph-osd.0", "ceph_health_headroom",
                                 "nearfull", NULL),
              1e-4);
  EXPECT_EQ_INT(0, mock_notification_count()); /* starting healthy: quiet */
}

/* The 4-host recording (tests/data/ceph_health/hosts): per-OSD capacity
 * rows, each OSD's failure domain, and the loss projection of root
 * "default" (by hand from osd_df.json: losing h0 moves 69778 kB, a third
 * of it lands on osd.2, which reaches (86162 + 69778 / 3) / 1048576). */
static char *read_text(const char *state, const char *file) {
  char path[1200];
  snprintf(path, sizeof(path), "%s/tests/data/ceph_health/%s/%s", top, state,
           file);
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  char *b = calloc(1, 1 << 20);
  size_t n = b != NULL ? fread(b, 1, (1 << 20) - 1, f) : 0;
  (void)n;
  fclose(f);
  return b;
}

/* Per pool rates and per OSD latencies: the 4-host recording with the
 * osd pool stats / osd perf replies recorded under client writes
 * (tests/data/ceph_health/osd_pool_stats_client.json: pool 1 writes
 * 22301872 B/s in 340 op/s, pool 2 idle, pool 3 not listed). */
static void pool_rates(void) {
  char *rates = read_text(".", "osd_pool_stats_client.json");
  char *perf = read_text(".", "osd_perf_load.json");
  if (!OK(rates != NULL && perf != NULL))
    goto out;
  mock_ceph_rates_override = rates;
  mock_ceph_perf_override = perf;
  use_state("hosts");
  mock_clear();
  mock_ceph_reset_log();
  EXPECT_EQ_INT(0, mock_read_all());
  EXPECT_EQ_INT(1, count_cmds("\"osd pool stats\""));
  EXPECT_EQ_INT(1, count_cmds("\"osd perf\""));
  EXPECT_EQ_DOUBLE(22301872, mock_get("ceph-pool-test", "ceph_health_rate",
                                      "client_write_bytes", NULL));
  EXPECT_EQ_DOUBLE(340, mock_get("ceph-pool-test", "ceph_health_rate",
                                 "client_write_ops", NULL));
  EXPECT_EQ_DOUBLE(0, mock_get("ceph-pool-test", "ceph_health_rate",
                               "client_read_bytes", NULL)); /* absent: 0 */
  EXPECT_EQ_DOUBLE(0, mock_get("ceph-pool-two", "ceph_health_rate",
                               "client_write_bytes", NULL));
  /* pool quota (id 3) is not in the reply: zero-filled, not missing */
  EXPECT_EQ_DOUBLE(0, mock_get("ceph-pool-quota", "ceph_health_rate",
                               "recovering_objects", NULL));
  EXPECT_EQ_DOUBLE(0, mock_get("ceph-osd.2", "latency", "commit", NULL));
  EXPECT_EQ_DOUBLE(0, mock_get("ceph-osd.0", "latency", "apply", NULL));
  OK(isnan(mock_get("ceph-osd.3", "latency", "commit", NULL))); /* unlisted */
  /* No reply (timeout): NaN, never 0. */
  mock_ceph_rates_override = mock_ceph_perf_override = NULL;
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all());
  OK(isnan(mock_get("ceph-pool-test", "ceph_health_rate",
                    "client_write_bytes", NULL)));
  OK(isnan(mock_get("ceph-osd.2", "latency", "commit", NULL)));
out:
  mock_ceph_rates_override = mock_ceph_perf_override = NULL;
  free(rates);
  free(perf);
}

static double rt(const char *type, const char *ti) {
  return mock_get("ceph-root-default", type, ti, NULL);
}

static void capacity(void) {
  const double worst = 100.0 * (86162 + 69778 / 3.0) / 1048576;
  const double bf = 0.89999997615814209;
  use_state("hosts");
  mock_clear();
  mock_ceph_reset_log();
  EXPECT_EQ_INT(0, mock_read_all());
  /* + df, osd crush tree, rule dump, osd pool stats (not recorded here:
   * answered like a timeout, the last one sent) */
  EXPECT_EQ_INT(10, mock_ceph_ncmds);
  EXPECT_EQ_INT(1, count_cmds("\"prefix\":\"df\",\"detail\":\"detail\""));
  /* Item 3: per pool space and quotas (df_detail.json: pool quota holds
   * 4 objects of 4 MiB under max_bytes 64 MiB, max_objects 1000). */
  EXPECT_EQ_DOUBLE(16777216, mock_get("ceph-pool-quota", "bytes", "stored",
                                      NULL));
  EXPECT_EQ_DOUBLE(4, mock_get("ceph-pool-quota", "objects", "total", NULL));
  EXPECT_EQ_DOUBLE(67108864, mock_get("ceph-pool-quota", "bytes", "quota",
                                      NULL));
  EXPECT_EQ_DOUBLE(67108864 - 16777216,
                   mock_get("ceph-pool-quota", "ceph_health_quota_headroom",
                            "bytes", NULL));
  EXPECT_EQ_DOUBLE(996, mock_get("ceph-pool-quota",
                                 "ceph_health_quota_headroom", "objects",
                                 NULL));
  OK(isnan(mock_get("ceph-pool-test", "ceph_health_quota_headroom", "bytes",
                    NULL))); /* no quota */
  OK(isnan(mock_get("ceph-pool-test", "bytes", "quota", NULL)));
  EXPECT_NEAR(100 * 0.013323627412319183,
              mock_get("ceph-pool-test", "percent", "used", NULL), 1e-9);
  EXPECT_EQ_DOUBLE(1242431744, mock_get("ceph-pool-test", "bytes",
                                        "max_avail", NULL));
  EXPECT_EQ_INT(1, count_cmds("\"prefix\":\"osd crush tree\""));
  EXPECT_EQ_INT(1, count_cmds("\"prefix\":\"osd crush rule dump\""));
  /* Item 1: per OSD. */
  EXPECT_EQ_DOUBLE(1, mock_get("ceph-osd.2", "bool", "in", NULL));
  EXPECT_NEAR(0.0009918212890625,
              mock_get("ceph-osd.2", "ceph_health_weight", "crush", NULL),
              1e-15);
  EXPECT_EQ_DOUBLE(1, mock_get("ceph-osd.2", "ceph_health_ratio", "reweight",
                               NULL));
  EXPECT_EQ_DOUBLE(43, mock_get("ceph-osd.2", "ceph_health_pgs", "mapped",
                                NULL));
  EXPECT_EQ_DOUBLE(1048576.0 * 1024,
                   mock_get("ceph-osd.2", "bytes", "total", NULL));
  EXPECT_EQ_DOUBLE(86162.0 * 1024,
                   mock_get("ceph-osd.2", "bytes", "used", NULL));
  EXPECT_EQ_DOUBLE(1, mock_get("ceph-osd.2", "ceph_health_domain", "host.h2",
                               NULL));
  EXPECT_EQ_DOUBLE(1, mock_get("ceph-osd.0", "ceph_health_domain", "host.h0",
                               NULL));
  /* Item 2: the root. */
  EXPECT_EQ_DOUBLE(4, rt("ceph_health_osds", "total"));
  EXPECT_EQ_DOUBLE(4, rt("ceph_health_domains", "total"));
  EXPECT_NEAR(worst, rt("percent", "after_domain_loss"), 1e-9);
  EXPECT_NEAR(bf * 100 - worst,
              rt("ceph_health_headroom", "after_loss_backfillfull"), 1e-6);
  EXPECT_NEAR(95 - worst, rt("ceph_health_headroom", "after_loss_full"),
              1e-5);
  EXPECT_EQ_INT(0, mock_notified(0, "losing host")); /* healthy start: quiet */
  /* backfillfull lowered to 10 %: losing h0 would cross it - while the
   * cluster is HEALTH_OK (osd.2 is at 8.2 %). */
  char *dump = read_text("hosts", "osd_dump.json");
  char *at = dump ? strstr(dump, "\"backfillfull_ratio\":0.8999") : NULL;
  if (OK(at != NULL)) {
    memcpy(at + strlen("\"backfillfull_ratio\":"), "0.10000000000000000", 19);
    mock_ceph_dump_override = dump;
    mock_clear();
    EXPECT_EQ_INT(0, mock_read_all());
    EXPECT_EQ_DOUBLE(0, cl("ceph_health_status", ""));
    EXPECT_NEAR(10.0 - worst,
                rt("ceph_health_headroom", "after_loss_backfillfull"), 1e-3);
    OK(rt("ceph_health_headroom", "after_loss_backfillfull") < 0);
    EXPECT_EQ_INT(1, mock_notified(0, "losing host h0 of root default would "
                                      "fill osd.2 to 10.4 %"));
    EXPECT_EQ_INT(NOTIF_WARNING,
                  mock_notification_count() ? mock_notification_at(0)->severity
                                            : -1);
    mock_clear();
    EXPECT_EQ_INT(0, mock_read_all());
    EXPECT_EQ_INT(0, mock_notification_count()); /* on change only */
    mock_ceph_dump_override = NULL;
    mock_clear();
    EXPECT_EQ_INT(0, mock_read_all());
    EXPECT_EQ_INT(1, mock_notified(0, "below backfillfull")); /* cleared */
  }
  free(dump);
  /* A recording without the CRUSH replies: the root is NaN, not stale. */
  read_state("healthy");
  OK(isnan(rt("percent", "after_domain_loss")));
}

static void osd_down(void) {
  read_state("osd_down_stuck");
  EXPECT_EQ_DOUBLE(1, cl("ceph_health_status", ""));
  EXPECT_EQ_DOUBLE(1, cl("ceph_health_check", "OSD_DOWN"));
  EXPECT_EQ_DOUBLE(1, cl("ceph_health_check_severity", "PG_DEGRADED"));
  EXPECT_EQ_DOUBLE(2, cl("ceph_health_osds", "up"));
  EXPECT_EQ_DOUBLE(32, cl("ceph_health_pgs", "undersized"));
  EXPECT_EQ_DOUBLE(5, cl("ceph_health_pgs", "degraded"));
  EXPECT_EQ_DOUBLE(5, cl("objects", "degraded"));
  EXPECT_EQ_DOUBLE(0, mock_get("ceph-osd.2", "bool", "up", NULL));
  /* Recorded 12 s after the kill; the stuck list was taken with
   * threshold 0, and the plugin applies StuckAge 5 s itself. */
  EXPECT_EQ_DOUBLE(32, mock_get("ceph-pool-test", "ceph_health_pgs_stuck",
                                "undersized", NULL));
  double age = mock_get("ceph-pool-test", "duration", "stuck_oldest", NULL);
  OK_MSG(age > 5, "stuck age (relative to the real clock) > StuckAge");
  /* acting sets of 2 = min_size: the next OSD loss stops I/O */
  EXPECT_EQ_DOUBLE(0, mock_get("ceph-pool-test", "ceph_health_margin",
                               "redundancy", NULL));
  EXPECT_EQ_DOUBLE(0, cl("ceph_health_margin", "redundancy"));
  /* Notifications: health changed, two checks raised. */
  EXPECT_EQ_INT(1, mock_notified(0, "health is now HEALTH_WARN"));
  EXPECT_EQ_INT(1, mock_notified(0, "OSD_DOWN raised"));
  EXPECT_EQ_INT(1, mock_notified(0, "PG_DEGRADED raised"));
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all());
  EXPECT_EQ_INT(0, mock_notification_count()); /* only on change */
}

static void mgr_down(void) {
  use_state("mgr_down"); /* mgr files absent: -ETIMEDOUT, like the cluster */
  mock_clear();
  mock_ceph_reset_log();
  EXPECT_EQ_INT(0, mock_read_all());
  /* One mgr command tried, then the others are skipped (bounded time). */
  EXPECT_EQ_INT(4, mock_ceph_ncmds);
  EXPECT_EQ_DOUBLE(0, cl("ceph_health_status", "")); /* the mon still knows */
  EXPECT_EQ_DOUBLE(32, cl("ceph_health_pgs", "active"));
  OK(isnan(cl("ceph_health_pgs_stuck", "any")));
  OK(isnan(mock_get("ceph-pool-test", "ceph_health_pgs", "total", NULL)));
  OK(isnan(cl("ceph_health_margin", "redundancy")));
  OK(isnan(mock_get("ceph-osd.1", "percent", "utilization", NULL)));
  OK(isnan(cl("percent", "max_osd_utilization")));
  OK(mock_log_find("timed out") >= 0);
  EXPECT_EQ_INT(1, mock_notified(0, "HEALTH_OK"));
  EXPECT_EQ_INT(1, mock_notified(0, "OSD_DOWN cleared"));
}

static void full(void) {
  read_state("full");
  EXPECT_EQ_DOUBLE(2, cl("ceph_health_status", ""));
  EXPECT_EQ_DOUBLE(2, cl("ceph_health_check_severity", "OSD_FULL"));
  EXPECT_EQ_DOUBLE(3, cl("ceph_health_osds", "over_full"));
  OK(cl("ceph_health_headroom", "full") < 0);
  OK(mock_get("ceph-osd.1", "ceph_health_headroom", "backfillfull", NULL) < 0);
  EXPECT_EQ_INT(1, mock_notified(0, "OSD_FULL raised (HEALTH_ERR)"));
  int failure = 0;
  for (size_t i = 0; i < mock_notification_count(); i++)
    failure += mock_notification_at(i)->severity == NOTIF_FAILURE;
  EXPECT_EQ_INT(2, failure); /* HEALTH_ERR and OSD_FULL */
}

static void unknown_state(void) {
  static const char st[] =
      "{\"health\":{\"status\":\"HEALTH_WARN\",\"checks\":{\"NEW_CHECK_X\":{"
      "\"severity\":\"HEALTH_WARN\",\"muted\":true}}},\"osdmap\":{},"
      "\"pgmap\":{\"pgs_by_state\":[{\"state_name\":\"active+sparkly\","
      "\"count\":7}],\"num_pgs\":7},\"mgrmap\":{\"available\":true}}";
  mock_ceph_status_override = st;
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all());
  EXPECT_EQ_DOUBLE(7, cl("ceph_health_pgs", "unrecognised_state"));
  EXPECT_EQ_DOUBLE(7, cl("ceph_health_pgs", "active"));
  EXPECT_EQ_DOUBLE(1, cl("ceph_health_check", "NEW_CHECK_X"));
  EXPECT_EQ_DOUBLE(1, cl("ceph_health_check_muted", "NEW_CHECK_X"));
  EXPECT_EQ_INT(0, mock_notified(0, "NEW_CHECK_X")); /* muted: no alert */
  OK(mock_log_find("sparkly") >= 0);
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all());
  EXPECT_EQ_INT(-1, mock_log_find("sparkly")); /* logged once */
  mock_ceph_status_override = NULL;
  read_state("healthy");
  /* A code seen once stays zero-filled. */
  EXPECT_EQ_DOUBLE(0, cl("ceph_health_check", "NEW_CHECK_X"));
}

static void failures(void) {
  /* The mon fails after connecting: NaN, disconnect, reconnect next time. */
  mock_ceph_status_rc = -ETIMEDOUT;
  mock_clear();
  int shut = mock_ceph_shutdowns;
  EXPECT_EQ_INT(1, mock_read_all());
  EXPECT_EQ_INT(shut + 1, mock_ceph_shutdowns);
  OK(isnan(cl("ceph_health_status", "")));
  OK(isnan(cl("ceph_health_check", "OSD_DOWN")));
  mock_ceph_status_rc = 0;
  /* Cannot connect at all. */
  mock_ceph_connect_rc = -ETIMEDOUT;
  mock_clear();
  EXPECT_EQ_INT(1, mock_read_all());
  OK(isnan(cl("ceph_health_pgs", "total")));
  OK(mock_log_find("rados_connect") >= 0);
  EXPECT_EQ_INT(0, mock_ceph_handles); /* nothing leaked */
  mock_ceph_connect_rc = 0;
  int conn = mock_ceph_connects;
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all());
  EXPECT_EQ_INT(conn + 1, mock_ceph_connects);
  EXPECT_EQ_DOUBLE(0, cl("ceph_health_status", ""));
  /* Garbage from the mon: only the values of `status` are lost (NaN, no
   * notification); the other replies still give theirs, and the read
   * succeeds (it used to fail with every value NaN). */
  mock_ceph_status_override = "{\"health\":{\"status\":\"HEALTH_ERR\"},"
                              "\"osdmap\":{\"num_up_osds\":1},\"pgmap\": [1,2";
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all());
  OK(mock_log_find("bad \"status\" reply") >= 0);
  OK(isnan(cl("ceph_health_status", ""))); /* not the partial HEALTH_ERR */
  OK(isnan(cl("ceph_health_osds", "up")));
  OK(isnan(cl("ceph_health_pgs", "total")));
  OK(isnan(cl("ceph_health_check", "OSD_DOWN")));
  EXPECT_EQ_DOUBLE(0, cl("ceph_health_pgs_stuck", "any")); /* dump_stuck */
  EXPECT_NEAR(0.85, cl("ceph_health_ratio", "nearfull"), 1e-6); /* osd dump */
  EXPECT_EQ_DOUBLE(32, mock_get("ceph-pool-test", "ceph_health_pgs", "total",
                                NULL)); /* pgs_brief */
  EXPECT_EQ_INT(0, mock_notified(0, "HEALTH_ERR"));
  mock_ceph_status_override = NULL;
}

/* A pgs_brief reply cut short: none of its partial counts is dispatched,
 * not even for a pool the osd map does not list (yet). */
static void partial_brief(void) {
  use_state("healthy");
  mock_ceph_brief_override =
      "{\"pg_ready\":true,\"pg_stats\":["
      "{\"pgid\":\"7.0\",\"state\":\"active+clean\"},"
      "{\"pgid\":\"7.1\",\"state\":\"peering\"},"
      "{\"pgid\":\"1.0\",\"state\":\"active+clean\"},{\"pgid\":\"1.1\",\"st";
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all());
  OK(mock_log_find("bad \"pg dump pgs_brief\" reply") >= 0);
  OK(isnan(mock_get("ceph-pool-7", "ceph_health_pgs", "total", NULL)));
  OK(isnan(mock_get("ceph-pool-7", "ceph_health_pgs", "inactive", NULL)));
  OK(isnan(mock_get("ceph-pool-test", "ceph_health_pgs", "total", NULL)));
  EXPECT_EQ_DOUBLE(32, cl("ceph_health_pgs", "total")); /* from status */
  mock_ceph_brief_override = NULL;
}

/* A mgr just restarted: pg_ready false, every PG "unknown" with stamps it
 * never measured (0 here).  Per-pool and stuck values are NaN, never
 * counts of inactive/unknown/stuck PGs; logged once per episode. */
/* A status with 120 object copies to recover at `rate` objects/s. */
#define RECOVERING_STATUS(rate)                                                \
  "{\"health\":{\"status\":\"HEALTH_WARN\",\"checks\":{}},\"osdmap\":{},"     \
  "\"pgmap\":{\"pgs_by_state\":[{\"state_name\":\"active+recovering+"          \
  "degraded\",\"count\":32}],\"num_pgs\":32,\"degraded_objects\":100,"         \
  "\"misplaced_objects\":20,\"recovering_objects_per_sec\":" rate "},"          \
  "\"mgrmap\":{\"available\":true}}"

/* Recovery ETA: remaining / smoothed rate; NaN when idle and with no mgr;
 * the smoothing is on the monotonic clock (reads microseconds apart move
 * the average by dt / RecoveryWindow only). */
static void recovery_eta_values(void) {
  read_state("healthy");
  OK(isnan(cl("duration", "recovery_eta"))); /* idle */
  OK(isnan(cl("ceph_health_rate", "recovering_objects_smoothed")));
  mock_ceph_status_override = RECOVERING_STATUS("4");
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all());
  EXPECT_NEAR(30, cl("duration", "recovery_eta"), 1e-9); /* 120 / 4 */
  EXPECT_NEAR(4, cl("ceph_health_rate", "recovering_objects_smoothed"),
              1e-9);
  mock_ceph_status_override = RECOVERING_STATUS("8");
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all());
  double eta = cl("duration", "recovery_eta");
  OK_MSG(eta > 15 && eta < 30, "a faster rate shortens the ETA, smoothed "
                               "(not at once 120 / 8 = 15 s)");
  mock_ceph_status_override =
      "{\"health\":{\"status\":\"HEALTH_WARN\"},\"osdmap\":{},"
      "\"pgmap\":{\"num_pgs\":32,\"degraded_objects\":100},"
      "\"mgrmap\":{\"available\":false}}";
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all());
  OK_MSG(isnan(cl("duration", "recovery_eta")),
         "no mgr: the digest is the last one, no ETA");
  mock_ceph_status_override = RECOVERING_STATUS("0");
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all());
  OK_MSG(isnan(cl("duration", "recovery_eta")),
         "rate 0 after a restart of the smoothing: no progress, NaN");
  mock_ceph_status_override = NULL;
  /* time to backfillfull / full: the recorded OSDs do not fill (same
   * bytes on every read): NaN, never a made-up time */
  for (int i = 0; i < 4; i++) {
    mock_clear();
    EXPECT_EQ_INT(0, mock_read_all());
  }
  OK(isnan(mock_get("ceph-osd.0", "duration", "until_backfillfull", NULL)));
  OK(isnan(mock_get("ceph-osd.0", "duration", "until_full", NULL)));
  OK(!isnan(mock_get("ceph-osd.0", "percent", "utilization", NULL)));
}

/* Mon clock skew from time-sync-status: the 1-mon reply (recorded) has
 * no table, so no mon series; the leader's 3-mon table (written from
 * Ceph's format, tests/data/ceph_health/timesync) gives one instance per
 * mon with Ceph's sign (+ = ahead of the leader). */
static void mon_skew(void) {
  use_state("healthy");
  mock_clear();
  mock_ceph_reset_log();
  EXPECT_EQ_INT(0, mock_read_all());
  EXPECT_EQ_INT(1, count_cmds("time-sync-status"));
  OK(isnan(mock_get("ceph-mon.a", "time_offset", "skew", NULL)));
  static char three[1024];
  char path[1200];
  snprintf(path, sizeof(path), "%s/tests/data/ceph_health/"
           "time_sync_three_mons.json", top);
  FILE *f = fopen(path, "r");
  size_t n = f != NULL ? fread(three, 1, sizeof(three) - 1, f) : 0;
  if (f != NULL)
    fclose(f);
  three[n] = 0;
  OK(n > 0);
  mock_ceph_timesync_override = three;
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all());
  EXPECT_EQ_DOUBLE(0, mock_get("ceph-mon.a", "time_offset", "skew", NULL));
  EXPECT_EQ_DOUBLE(0.062311,
                   mock_get("ceph-mon.b", "time_offset", "skew", NULL));
  EXPECT_EQ_DOUBLE(-0.001204,
                   mock_get("ceph-mon.c", "time_offset", "skew", NULL));
  EXPECT_EQ_DOUBLE(0.001431,
                   mock_get("ceph-mon.c", "duration", "latency", NULL));
  EXPECT_EQ_DOUBLE(1, mock_get("ceph-mon.b", "ceph_health_status",
                               "timecheck", NULL));
  EXPECT_EQ_DOUBLE(0, mock_get("ceph-mon.c", "ceph_health_status",
                               "timecheck", NULL));
  /* a reply that does not parse: logged, the other values still come */
  mock_ceph_timesync_override = "{\"time_skew_status\":";
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all());
  OK(mock_log_find("bad \"time-sync-status\" reply") >= 0);
  OK(isnan(mock_get("ceph-mon.b", "time_offset", "skew", NULL)));
  EXPECT_EQ_DOUBLE(32, cl("ceph_health_pgs", "active"));
  mock_ceph_timesync_override = NULL;
}

static void pg_not_ready(void) {
  use_state("healthy");
  mock_ceph_brief_override =
      "{\"pg_ready\":false,\"pg_stats\":["
      "{\"pgid\":\"1.0\",\"state\":\"unknown\"},"
      "{\"pgid\":\"1.1\",\"state\":\"unknown\"},"
      "{\"pgid\":\"1.2\",\"state\":\"unknown\"}]}";
  mock_ceph_stuck_override =
      "{\"pg_ready\":false,\"stuck_pg_stats\":[{\"pgid\":\"1.0\","
      "\"state\":\"unknown\",\"last_active\":\"0.000000\","
      "\"last_clean\":\"0.000000\"}]}";
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all());
  const char *pool = "ceph-pool-test";
  OK(isnan(mock_get(pool, "ceph_health_pgs", "unknown", NULL)));
  OK(isnan(mock_get(pool, "ceph_health_pgs", "inactive", NULL)));
  OK(isnan(mock_get(pool, "ceph_health_pgs", "total", NULL)));
  OK(isnan(mock_get(pool, "ceph_health_pgs_stuck", "inactive", NULL)));
  OK(isnan(cl("ceph_health_pgs_stuck", "any")));
  OK(isnan(cl("duration", "stuck_oldest")));
  /* the new mgr's acting sets are not the cluster's: no margin */
  OK(isnan(mock_get(pool, "ceph_health_margin", "redundancy", NULL)));
  OK(isnan(cl("ceph_health_margin", "redundancy")));
  EXPECT_EQ_DOUBLE(32, cl("ceph_health_pgs", "active")); /* mon digest */
  EXPECT_EQ_DOUBLE(0, cl("ceph_health_pgs", "inactive"));
  EXPECT_EQ_DOUBLE(1, cl("bool", "mgr_available"));
  OK(mock_log_find("PG states are not ready") >= 0);
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all());
  EXPECT_EQ_INT(-1, mock_log_find("PG states are not ready")); /* once */
  OK(isnan(mock_get(pool, "ceph_health_pgs", "unknown", NULL)));
  mock_ceph_brief_override = mock_ceph_stuck_override = NULL;
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all());
  OK(mock_log_find("PG states are ready again") >= 0);
  EXPECT_EQ_DOUBLE(32, mock_get(pool, "ceph_health_pgs", "active", NULL));
  EXPECT_EQ_DOUBLE(0, mock_get(pool, "ceph_health_pgs", "unknown", NULL));
  EXPECT_EQ_DOUBLE(0, cl("ceph_health_pgs_stuck", "any"));
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all());
  EXPECT_EQ_INT(-1, mock_log_find("PG states are")); /* quiet when ready */
}

static void leader_only(void) {
  mock_shutdown_all();
  mock_reset();
  module_register();
  ch_is_local = fake_is_local;
  EXPECT_EQ_INT(0, mock_configure(PLUGIN, "<Plugin ceph_health>\n"
                                          "<Cluster \"l\">\nMonHost \"h\"\n"
                                          "LeaderOnly true\n</Cluster>\n"
                                          "<Cluster \"m\">\nMonHost \"h\"\n"
                                          "LeaderOnly true\nLocalMon \"zz\"\n"
                                          "</Cluster>\n</Plugin>\n"));
  use_state("healthy");
  fake_local = 0;
  mock_clear();
  mock_ceph_reset_log();
  EXPECT_EQ_INT(0, mock_read("ceph_health/l"));
  EXPECT_EQ_INT(0, mock_value_count()); /* not the leader: nothing */
  EXPECT_EQ_INT(1, mock_ceph_ncmds);    /* only quorum_status */
  fake_local = 1;
  EXPECT_EQ_INT(0, mock_clear_read("ceph_health/l"));
  OK(mock_value_count() > 100);
  EXPECT_EQ_DOUBLE(0, mock_get("l", "ceph_health_status", "", NULL));
  EXPECT_EQ_INT(1, mock_notified(0, "is the quorum leader"));
  /* leader is "a", not "zz" */
  EXPECT_EQ_INT(0, mock_clear_read("ceph_health/m"));
  EXPECT_EQ_INT(0, mock_value_count());
  /* The mons cannot be reached (an election, the local mon down): the
   * cluster that was reporting ("l") marks its values unknown; the one that
   * was not ("m") stays silent (found by tests/e2e/ceph_leader.sh: every
   * non-leader mon host created a NaN series set during an election). */
  use_state("no-such-state"); /* every command times out, quorum_status too */
  EXPECT_EQ_INT(-1, mock_clear_read("ceph_health/m"));
  EXPECT_EQ_INT(0, mock_value_count());
  EXPECT_EQ_INT(-1, mock_clear_read("ceph_health/l"));
  OK(mock_value_count() > 10);
  OK(isnan(mock_get("l", "ceph_health_status", "", NULL)));
  use_state("healthy");
}

/* MgrInterval 30 with Interval 10, on an injected monotonic clock: the
 * expensive mgr commands (pgs_brief, dump_stuck, osd pool stats, osd perf)
 * go out once per 30 s, the others every read; in between their values
 * are re-dispatched from the last poll; a failed poll is NaN at once, never
 * the previous value. */
static double fake_now;
static double fake_clock(void) { return fake_now; }

static double mi_get(const char *pi, const char *type, const char *ti) {
  return mock_get(pi, type, ti, NULL);
}

static int mi_read(double t) {
  fake_now = t;
  mock_clear();
  mock_ceph_reset_log();
  EXPECT_EQ_INT(0, mock_read("ceph_health/mi"));
  return mock_ceph_ncmds;
}

#define MGR_CMDS                                                               \
  (count_cmds("\"pg dump\"") + count_cmds("\"pg dump_stuck\"") +              \
   count_cmds("\"osd pool stats\"") + count_cmds("\"osd perf\""))

static void mgr_interval(void) {
  char *rates = read_text(".", "osd_pool_stats_client.json");
  char *perf = read_text(".", "osd_perf_load.json");
  mock_shutdown_all();
  mock_reset();
  module_register();
  ch_clock = fake_clock;
  EXPECT_EQ_INT(-1, mock_configure(PLUGIN, "<Plugin ceph_health>\n"
                                           "<Cluster \"z\">\nMonHost \"h\"\n"
                                           "MgrInterval 0\n</Cluster>\n"
                                           "</Plugin>\n"));
  EXPECT_EQ_INT(0, mock_configure(PLUGIN, "<Plugin ceph_health>\n"
                                          "<Cluster \"mi\">\nMonHost \"h\"\n"
                                          "Interval 10\nMgrInterval 30\n"
                                          "</Cluster>\n</Plugin>\n"));
  if (!OK(rates != NULL && perf != NULL))
    goto out;
  mock_ceph_rates_override = rates;
  mock_ceph_perf_override = perf;
  use_state("hosts");
  /* t = 1000: first read, everything (11 commands, 4 of them expensive) */
  EXPECT_EQ_INT(11, mi_read(1000));
  EXPECT_EQ_INT(4, MGR_CMDS);
  double total = mi_get("mi-pool-test", "ceph_health_pgs", "total");
  OK(total > 0);
  EXPECT_EQ_DOUBLE(22301872, mi_get("mi-pool-test", "ceph_health_rate",
                                    "client_write_bytes"));
  /* 1010, 1020: the cheap 7 only; the mgr values of 1000 re-dispatched */
  for (double t = 1010; t <= 1020; t += 10) {
    EXPECT_EQ_INT(7, mi_read(t));
    EXPECT_EQ_INT(0, MGR_CMDS);
    EXPECT_EQ_DOUBLE(total, mi_get("mi-pool-test", "ceph_health_pgs",
                                   "total"));
    EXPECT_EQ_DOUBLE(22301872, mi_get("mi-pool-test", "ceph_health_rate",
                                      "client_write_bytes"));
    OK(!isnan(mi_get("mi", "ceph_health_pgs_stuck", "any")));
    EXPECT_EQ_DOUBLE(0, mi_get("mi-osd.1", "latency", "commit"));
  }
  /* 1030: 30 s after the poll: polled again */
  EXPECT_EQ_INT(11, mi_read(1030));
  EXPECT_EQ_INT(4, MGR_CMDS);
  /* 1060: the due poll's pgs_brief does not parse: NaN now and until the
   * next poll, never the value of 1030 */
  mock_ceph_brief_override = "{\"pg_ready\":true,\"pg_stats\":[{";
  EXPECT_EQ_INT(11, mi_read(1060));
  mock_ceph_brief_override = NULL;
  OK(isnan(mi_get("mi-pool-test", "ceph_health_pgs", "total")));
  EXPECT_EQ_INT(7, mi_read(1070));
  OK(isnan(mi_get("mi-pool-test", "ceph_health_pgs", "total")));
  EXPECT_EQ_DOUBLE(22301872, mi_get("mi-pool-test", "ceph_health_rate",
                                    "client_write_bytes")); /* parsed at 1060 */
  /* 1300: reads were held up (suspend; BOOTTIME counts it): polled, fresh */
  EXPECT_EQ_INT(11, mi_read(1300));
  EXPECT_EQ_DOUBLE(total, mi_get("mi-pool-test", "ceph_health_pgs", "total"));
  /* 1310: the mgr is gone (status says so): nothing re-dispatched, and
   * the next read polls again */
  mock_ceph_status_override =
      "{\"health\":{\"status\":\"HEALTH_WARN\",\"checks\":{}},"
      "\"osdmap\":{},\"pgmap\":{\"pgs_by_state\":[],\"num_pgs\":0},"
      "\"mgrmap\":{\"available\":false}}";
  mi_read(1310);
  mock_ceph_status_override = NULL;
  EXPECT_EQ_INT(0, MGR_CMDS);
  OK(isnan(mi_get("mi-pool-test", "ceph_health_pgs", "total")));
  OK(isnan(mi_get("mi-pool-test", "ceph_health_rate", "client_write_bytes")));
  EXPECT_EQ_INT(11, mi_read(1320));
  EXPECT_EQ_DOUBLE(total, mi_get("mi-pool-test", "ceph_health_pgs", "total"));
out:
  mock_ceph_rates_override = mock_ceph_perf_override = NULL;
  ch_clock = ch_mono_now;
  free(rates);
  free(perf);
}

int main(void) {
  top = getenv("TOP_SRCDIR") ? getenv("TOP_SRCDIR") : ".";
  module_register();
  ch_is_local = fake_is_local;
  config_errors();
  tables();
  mock_clear();
  EXPECT_EQ_INT(0, mock_configure(PLUGIN, "<Plugin ceph_health>\n"
                                          "<Cluster \"ceph\">\n"
                                          "MonHost \"127.0.0.1\"\n"
                                          "Client \"collectd\"\n"
                                          "Keyring \"/k\"\nTimeout 2\n"
                                          "StuckAge 5\n</Cluster>\n"
                                          "</Plugin>\n"));
  EXPECT_EQ_INT(1, mock_read_count());
  OK(mock_has_read("ceph_health/ceph"));
  EXPECT_EQ_INT(0, mock_init_all());
  healthy();
  capacity();
  pool_rates();
  osd_down();
  mgr_down();
  full();
  unknown_state();
  failures();
  partial_brief();
  pg_not_ready();
  recovery_eta_values();
  mon_skew();
  leader_only();
  mgr_interval();
  mock_shutdown_all();
  EXPECT_EQ_INT(0, mock_ceph_handles);
  return testing_done();
}
