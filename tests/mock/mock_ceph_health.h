/* SPDX-License-Identifier: MIT
 * mock_ceph_health - controls of the fake librados (mock_ceph_health.c). */
#ifndef MOCK_CEPH_HEALTH_H
#define MOCK_CEPH_HEALTH_H

#include <rados/librados.h>

#define MOCK_CEPH_MAX_CMDS 256
#define MOCK_CEPH_MAX_CONF 256

extern char mock_ceph_dir[1024];     /* the recorded state to serve */
extern int mock_ceph_connect_rc;     /* rados_connect's return */
extern int mock_ceph_status_rc;      /* != 0: the status command fails */
extern const char *mock_ceph_status_override; /* status reply to serve */
extern const char *mock_ceph_brief_override;  /* pg dump pgs_brief reply */
extern const char *mock_ceph_stuck_override;  /* pg dump_stuck reply */
extern const char *mock_ceph_dump_override;   /* osd dump reply */
extern const char *mock_ceph_timesync_override; /* time-sync-status reply */
extern const char *mock_ceph_rates_override;  /* osd pool stats reply */
extern const char *mock_ceph_perf_override;   /* osd perf reply */
extern int mock_ceph_connects, mock_ceph_shutdowns, mock_ceph_handles;
extern char mock_ceph_cmds[MOCK_CEPH_MAX_CMDS][512];
extern int mock_ceph_ncmds;
void mock_ceph_reset_log(void);
const char *mock_ceph_conf_get(const char *option); /* last value set */

#endif
