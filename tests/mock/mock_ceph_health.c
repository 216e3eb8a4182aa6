/* SPDX-License-Identifier: MIT
 * mock_ceph_health - a fake librados for the ceph_health plugin test: mon
 * commands are answered from a directory of recorded replies
 * (tests/data/ceph_health/STATE/CMD.json); a missing file answers like a
 * dead mgr did when recorded (-ETIMEDOUT).  Every command and conf_set is
 * recorded so the test can check what the plugin sends. */
#include "tests/mock/mock_ceph_health.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char mock_ceph_dir[1024];
int mock_ceph_connect_rc;
int mock_ceph_status_rc;
const char *mock_ceph_status_override;
const char *mock_ceph_brief_override;
const char *mock_ceph_stuck_override;
const char *mock_ceph_dump_override;
const char *mock_ceph_timesync_override;
const char *mock_ceph_rates_override;
const char *mock_ceph_perf_override;
int mock_ceph_connects, mock_ceph_shutdowns, mock_ceph_handles;
char mock_ceph_cmds[MOCK_CEPH_MAX_CMDS][512];
int mock_ceph_ncmds;
char mock_ceph_conf[MOCK_CEPH_MAX_CONF][2][256];
int mock_ceph_nconf;

void mock_ceph_reset_log(void) {
  mock_ceph_ncmds = 0;
  mock_ceph_nconf = 0;
}

int rados_create2(rados_t *pcluster, const char *const clustername,
                  const char *const name, uint64_t flags) {
  (void)clustername;
  (void)flags;
  mock_ceph_handles++;
  *pcluster = (rados_t)strdup(name);
  return 0;
}

int rados_conf_read_file(rados_t cluster, const char *path) {
  (void)cluster;
  (void)path;
  return 0;
}

int rados_conf_set(rados_t cluster, const char *option, const char *value) {
  (void)cluster;
  if (mock_ceph_nconf < MOCK_CEPH_MAX_CONF) {
    snprintf(mock_ceph_conf[mock_ceph_nconf][0], 256, "%s", option);
    snprintf(mock_ceph_conf[mock_ceph_nconf][1], 256, "%s", value);
    mock_ceph_nconf++;
  }
  return 0;
}

const char *mock_ceph_conf_get(const char *option) {
  for (int i = mock_ceph_nconf - 1; i >= 0; i--)
    if (strcmp(mock_ceph_conf[i][0], option) == 0)
      return mock_ceph_conf[i][1];
  return NULL;
}

int rados_connect(rados_t cluster) {
  (void)cluster;
  if (mock_ceph_connect_rc == 0)
    mock_ceph_connects++;
  return mock_ceph_connect_rc;
}

void rados_shutdown(rados_t cluster) {
  mock_ceph_shutdowns++;
  mock_ceph_handles--;
  free((void *)cluster);
}

void rados_buffer_free(char *buf) { free(buf); }

static const struct {
  const char *prefix, *file;
} cmd_files[] = {
    {"\"prefix\":\"status\"", "status.json"},
    {"\"prefix\":\"osd dump\"", "osd_dump.json"},
    {"\"prefix\":\"pg dump\"", "pg_dump_pgs_brief.json"},
    {"\"prefix\":\"osd df\"", "osd_df.json"},
    {"\"prefix\":\"pg dump_stuck\"", "pg_dump_stuck.json"},
    {"\"prefix\":\"quorum_status\"", "quorum_status.json"},
    {"\"prefix\":\"osd crush tree\"", "osd_crush_tree.json"},
    {"\"prefix\":\"osd crush rule dump\"", "osd_crush_rule_dump.json"},
    {"\"prefix\":\"df\"", "df_detail.json"},
    {"\"prefix\":\"time-sync-status\"", "time_sync_status.json"},
    {"\"prefix\":\"osd pool stats\"", "osd_pool_stats.json"},
    {"\"prefix\":\"osd perf\"", "osd_perf.json"},
};

/* What a 1-mon cluster answers to time-sync-status (recorded:
 * tests/data/ceph_health/time_sync_one_mon.json): served for the states
 * recorded before the plugin asked for it. */
static const char one_mon_timesync[] =
    "{\"timechecks\":{\"epoch\":3,\"round\":0,\"round_status\":\"finished\"}}";

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (b != NULL && fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  fclose(f);
  *len = (size_t)n;
  return b;
}

int rados_mon_command(rados_t cluster, const char **cmd, size_t cmdlen,
                      const char *inbuf, size_t inbuflen, char **outbuf,
                      size_t *outbuflen, char **outs, size_t *outslen) {
  (void)cluster;
  (void)inbuf;
  (void)inbuflen;
  *outbuf = NULL, *outbuflen = 0, *outs = NULL, *outslen = 0;
  if (cmdlen != 1)
    return -EINVAL;
  if (mock_ceph_ncmds < MOCK_CEPH_MAX_CMDS)
    snprintf(mock_ceph_cmds[mock_ceph_ncmds++], 512, "%s", cmd[0]);
  for (size_t i = 0; i < sizeof(cmd_files) / sizeof(cmd_files[0]); i++) {
    if (strstr(cmd[0], cmd_files[i].prefix) == NULL)
      continue;
    if (i == 0 && mock_ceph_status_rc != 0)
      return mock_ceph_status_rc;
    const char *over = i == 0   ? mock_ceph_status_override
                       : i == 2 ? mock_ceph_brief_override
                       : i == 4 ? mock_ceph_stuck_override
                       : i == 1 ? mock_ceph_dump_override
                       : i == 9 ? mock_ceph_timesync_override
                       : i == 10 ? mock_ceph_rates_override
                       : i == 11 ? mock_ceph_perf_override
                                : NULL;
    if (over != NULL) {
      *outbuf = strdup(over);
      *outbuflen = strlen(*outbuf);
      return 0;
    }
    char path[1200];
    snprintf(path, sizeof(path), "%s/%s", mock_ceph_dir, cmd_files[i].file);
    *outbuf = slurp(path, outbuflen);
    if (*outbuf == NULL && i == 9) {
      *outbuf = strdup(one_mon_timesync);
      *outbuflen = strlen(*outbuf);
    }
    if (*outbuf == NULL) {
      *outs = strdup("timed out");
      *outslen = strlen(*outs);
      return -ETIMEDOUT;
    }
    return 0;
  }
  *outs = strdup("access denied");
  *outslen = strlen(*outs);
  return -EACCES;
}
