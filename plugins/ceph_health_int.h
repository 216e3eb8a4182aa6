/* SPDX-License-Identifier: MIT
 * ceph_health_int - what the ceph_health plugin's files share: the
 * instance of a <Cluster> block and the result of one poll.  The plugin is
 * one translation unit: ceph_health.c includes ceph_health_rados.h,
 * ceph_health_config.h and ceph_health_dispatch.h (static functions). */
#ifndef CEPH_HEALTH_INT_H
#define CEPH_HEALTH_INT_H

#include "collectd.h"
#include "plugin.h"
#include "utils/common/common.h"
#include "utils_complain.h"

#include "common/ceph_osd.h"
#include "common/ceph_pgs.h"
#include "common/ceph_quorum.h"
#include "common/ceph_status.h"
#include "plugins/cdutil.h"
#include "plugins/ceph_health_rados.h"

#define PLUGIN "ceph_health"
#define CH_MAX_TRACKED 128 /* check codes zero-filled: known + seen */

typedef struct {
  char code[CEPH_CHECK_CODE_MAX];
  cdu_state_t notified; /* raised (1) / cleared (0) */
} ch_tracked_t;

typedef struct {
  char name[DATA_MAX_NAME_LEN];
  chr_conn_t conn;
  cdtime_t interval;
  double stuck_age; /* s */
  bool leader_only, report_pools, report_osds;
  char *local_mon; /* LeaderOnly: our mon's name; NULL = by address */
  /* state between reads */
  cdu_state_t health_state;
  ch_tracked_t checks[CH_MAX_TRACKED];
  size_t n_checks;
  int64_t *osd_ids; /* OSDs last seen in osd df (NaN when it fails) */
  size_t n_osd_ids;
  bool warned_unknown_state;
  bool pg_not_ready; /* the last poll's mgr said pg_ready false */
  cdu_state_t leader_state;
  c_complain_t conn_complaint, mgr_complaint;
} ch_instance_t;

/* What one poll got: each reply parsed or absent. */
typedef struct {
  bool have_status, have_dump, have_df, have_pgs, have_stuck;
  ceph_status_t status;
  ceph_osd_dump_t dump;
  ceph_osd_df_t df;
  ceph_pools_t pools;
} ch_poll_t;

/* Defined in ceph_health.c (used by ceph_health_config.h). */
static int ch_read(user_data_t *ud);
static void ch_instance_free(void *arg);

#endif
