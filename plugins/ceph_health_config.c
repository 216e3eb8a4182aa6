/* SPDX-License-Identifier: MIT
 * ceph_health_config - the <Plugin ceph_health> block: one <Cluster "name">
 * per cluster, each with its own read callback and Interval. */
#include "collectd.h"
#include "plugin.h"
#include "utils/common/common.h"

#include "plugins/ceph_health_int.h"

#include <math.h>

#include <unistd.h>

#define CH_DEFAULT_CONF "/etc/ceph/ceph.conf"

static int ch_get_string(const oconfig_item_t *c, char **dst) {
  char *s = NULL;
  if (cf_util_get_string(c, &s) != 0)
    return -1;
  sfree(*dst);
  *dst = s;
  return 0;
}

/* Client "collectd" or "client.collectd" -> "client.collectd". */
static int ch_get_client(const oconfig_item_t *c, char **dst) {
  char buf[128];
  if (cf_util_get_string_buffer(c, buf, sizeof(buf)) != 0 || buf[0] == 0)
    return -1;
  char full[160];
  snprintf(full, sizeof(full), "%s%s",
           strncmp(buf, "client.", 7) == 0 ? "" : "client.", buf);
  sfree(*dst);
  *dst = strdup(full);
  return *dst == NULL ? -1 : 0;
}

static int ch_config_option(ch_instance_t *in, const oconfig_item_t *ci,
                            const oconfig_item_t *c) {
  const char *k = c->key;
  if (strcasecmp(k, "ConfigFile") == 0)
    return cdu_get_abs_path(PLUGIN, ci, c, &in->conn.config_file);
  if (strcasecmp(k, "Client") == 0)
    return ch_get_client(c, &in->conn.client);
  if (strcasecmp(k, "Keyring") == 0)
    return cdu_get_abs_path(PLUGIN, ci, c, &in->conn.keyring);
  if (strcasecmp(k, "MonHost") == 0)
    return ch_get_string(c, &in->conn.mon_host);
  if (strcasecmp(k, "Timeout") == 0)
    return cdu_get_positive(PLUGIN, ci, c, 300, &in->conn.timeout);
  if (strcasecmp(k, "StuckAge") == 0)
    return cdu_get_positive(PLUGIN, ci, c, 86400 * 365, &in->stuck_age);
  if (strcasecmp(k, "RecoveryWindow") == 0)
    return cdu_get_positive(PLUGIN, ci, c, 86400, &in->recovery_window);
  if (strcasecmp(k, "FillWindow") == 0)
    return cdu_get_positive(PLUGIN, ci, c, 86400 * 7, &in->fill_window);
  if (strcasecmp(k, "Interval") == 0)
    return cf_util_get_cdtime(c, &in->interval);
  if (strcasecmp(k, "MgrInterval") == 0)
    return cdu_get_positive(PLUGIN, ci, c, 86400, &in->mgr_interval);
  if (strcasecmp(k, "LeaderOnly") == 0)
    return cf_util_get_boolean(c, &in->leader_only);
  if (strcasecmp(k, "LocalMon") == 0)
    return ch_get_string(c, &in->local_mon);
  if (strcasecmp(k, "ReportPools") == 0)
    return cf_util_get_boolean(c, &in->report_pools);
  if (strcasecmp(k, "ReportOSDs") == 0)
    return cf_util_get_boolean(c, &in->report_osds);
  return cdu_unknown_option(PLUGIN, ci, in->name, c);
}

static int ch_config_cluster(oconfig_item_t *ci) {
  ch_instance_t *in = calloc(1, sizeof(*in));
  if (in == NULL)
    return -1;
  in->conn.timeout = 5.0;
  in->stuck_age = 60.0; /* = Ceph's mon_pg_stuck_threshold default */
  in->recovery_window = 60.0;
  in->fill_window = 600.0;
  ceph_ewma_reset(&in->rec_rate);
  in->mgr.t = NAN;
  ceph_pools_init(&in->mgr.pools);
  in->report_pools = in->report_osds = true;
  C_COMPLAIN_INIT(&in->conn_complaint);
  C_COMPLAIN_INIT(&in->mgr_complaint);
  if (cdu_block_name(PLUGIN, ci, in->name, sizeof(in->name)) != 0) {
    ch_instance_free(in);
    return -1;
  }
  for (int i = 0; i < ci->children_num; i++)
    if (ch_config_option(in, ci, &ci->children[i]) != 0) {
      ERROR(PLUGIN " plugin: Cluster \"%s\": invalid option \"%s\"; the "
                   "block is ignored.",
            in->name, ci->children[i].key);
      ch_instance_free(in);
      return -1;
    }
  if (in->conn.client == NULL && (in->conn.client = strdup("client.collectd")) ==
                                     NULL) {
    ch_instance_free(in);
    return -1;
  }
  if (in->conn.config_file == NULL && in->conn.mon_host == NULL) {
    if (access(CH_DEFAULT_CONF, R_OK) != 0) {
      ERROR(PLUGIN " plugin: Cluster \"%s\": no MonHost and no ConfigFile, "
                   "and " CH_DEFAULT_CONF " is not readable.",
            in->name);
      ch_instance_free(in);
      return -1;
    }
    in->conn.config_file = strdup(CH_DEFAULT_CONF);
  }
  if (in->conn.timeout > 0 && in->interval > 0 &&
      in->conn.timeout > CDTIME_T_TO_DOUBLE(in->interval))
    WARNING(PLUGIN " plugin: Cluster \"%s\": Timeout %g s exceeds the "
                   "Interval; a failing cluster delays the next read.",
            in->name, in->conn.timeout);
  /* About one Timeout per failing read, two at most (docs/ceph_health.md). */
  return cdu_register_read_bounded(PLUGIN, in->name, ch_read, in->interval,
                                   DOUBLE_TO_CDTIME_T(2 * in->conn.timeout),
                                   in, ch_instance_free);
}

int ch_config(oconfig_item_t *ci) {
  int ret = 0;
  for (int i = 0; i < ci->children_num; i++) {
    oconfig_item_t *c = &ci->children[i];
    if (strcasecmp(c->key, "Cluster") == 0) {
      if (ch_config_cluster(c) != 0)
        ret = -1;
    } else {
      ERROR(PLUGIN " plugin: unknown option \"%s\" (expected <Cluster>).",
            c->key);
      ret = -1;
    }
  }
  return cdu_config_result(PLUGIN, ret);
}
