/* SPDX-License-Identifier: MIT
 * ceph_quorum - the reply of {"prefix":"quorum_status"}: the name of the
 * quorum leader and the public addresses of every mon, for `LeaderOnly`
 * (report only on the host whose mon leads the quorum).
 *
 * Pure: buffer in, struct out.  Whether an address is local is decided by
 * the caller (it owns getifaddrs); ceph_addr_host() extracts the host part.
 */
#ifndef CDS_CEPH_QUORUM_H
#define CDS_CEPH_QUORUM_H

#include "common/ceph_json.h"

#define CEPH_MAX_MONS 16
#define CEPH_MON_ADDRS 4
#define CEPH_ADDR_MAX 64

typedef struct {
  char name[64];
  int rank;
  int n_addrs;
  char addrs[CEPH_MON_ADDRS][CEPH_ADDR_MAX]; /* "127.0.0.1:3300" */
} ceph_mon_t;

typedef struct {
  char leader[64]; /* quorum_leader_name */
  int n_quorum;    /* mons in quorum */
  int n_mons;
  ceph_mon_t mons[CEPH_MAX_MONS];
} ceph_quorum_t;

cj_status_t ceph_quorum_parse(const char *buf, size_t len, ceph_quorum_t *out,
                              char *err, size_t errlen);
/* The leader's monmap entry, or NULL. */
const ceph_mon_t *ceph_quorum_leader(const ceph_quorum_t *q);

/* "127.0.0.1:6789/0", "v2:10.0.0.1:3300/0", "[::1]:3300" -> "127.0.0.1",
 * "10.0.0.1", "::1".  Returns 0, or -1 if malformed. */
int ceph_addr_host(const char *addr, char *host, size_t size);

#endif
