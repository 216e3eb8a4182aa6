/* SPDX-License-Identifier: MIT
 * ceph_crush - the CRUSH hierarchy from {"prefix":"osd crush tree"} and the
 * rules from {"prefix":"osd crush rule dump"} (both served by the mon), and
 * from them, per CRUSH root that a pool's rule takes, the failure domain of
 * every OSD and the projected headroom after losing one domain
 * (ceph_headroom.h).
 *
 * A rule's failure domain is the type of its first choose / chooseleaf step
 * after its first take (the steps of `osd crush rule dump`; "host" for
 * `ceph osd crush rule create-replicated NAME default host`).
 *
 * Pure: buffers in, structs out.  Lists are heap-allocated and grow with the
 * cluster: free with the matching _free.
 */
#ifndef CDS_CEPH_CRUSH_H
#define CDS_CEPH_CRUSH_H

#include "common/ceph_headroom.h"
#include "common/ceph_json.h"
#include "common/ceph_osd.h"

#include <stdint.h>

#define CEPH_CRUSH_NAME_MAX 64
#define CEPH_CRUSH_NO_PARENT INT64_MIN

typedef struct {
  int64_t id; /* < 0: a bucket; >= 0: osd.<id> */
  char name[CEPH_CRUSH_NAME_MAX];
  char type[CEPH_CRUSH_NAME_MAX]; /* "root", "host", "osd", ... */
  int type_id;
  int64_t parent;      /* the bucket listing it as a child, or NO_PARENT */
  double crush_weight; /* OSDs: CRUSH weight (TiB by convention); else NaN */
} ceph_crush_node_t;

typedef CJ_LIST_OF(ceph_crush_node_t) ceph_crush_tree_t;

cj_status_t ceph_crush_tree_parse(const char *buf, size_t len,
                                  ceph_crush_tree_t *out, char *err,
                                  size_t errlen);
void ceph_crush_tree_free(ceph_crush_tree_t *t);
const ceph_crush_node_t *ceph_crush_node(const ceph_crush_tree_t *t,
                                         int64_t id);
/* The first node of `type` on the way from `id` up to the top (id itself
 * included), or NULL. */
const ceph_crush_node_t *ceph_crush_ancestor(const ceph_crush_tree_t *t,
                                             int64_t id, const char *type);

/* 1 if `root` is `id` or one of its ancestors. */
int ceph_crush_under(const ceph_crush_tree_t *t, int64_t id, int64_t root);

typedef struct {
  int64_t id;
  int64_t root;                          /* item of the first take */
  char root_name[CEPH_CRUSH_NAME_MAX];   /* "" if the rule has no take */
  char domain_type[CEPH_CRUSH_NAME_MAX]; /* "" if it has no choose step */
} ceph_crush_rule_t;

typedef CJ_LIST_OF(ceph_crush_rule_t) ceph_crush_rules_t;

cj_status_t ceph_crush_rules_parse(const char *buf, size_t len,
                                   ceph_crush_rules_t *out, char *err,
                                   size_t errlen);
void ceph_crush_rules_free(ceph_crush_rules_t *r);

/* One CRUSH root taken by the rule of at least one pool. */
typedef struct {
  int64_t id;
  char name[CEPH_CRUSH_NAME_MAX];
  char domain_type[CEPH_CRUSH_NAME_MAX]; /* of its rules, the widest type */
  char worst_domain[CEPH_CRUSH_NAME_MAX]; /* "" if none */
  size_t n_osds;
  ceph_hr_status_t status;
  ceph_hr_result_t hr; /* hr.worst_util in % */
} ceph_root_hr_t;

typedef CJ_LIST_OF(ceph_root_hr_t) ceph_roots_hr_t;

/* For each root taken by a pool's rule (pools and their crush_rule from
 * `osd dump`): its OSDs, their failure domains, and the loss projection of
 * ceph_hr_project with the sizes of `osd df` and weight = CRUSH weight x
 * reweight.  When pools' rules take one root with different domain types,
 * the type with the highest type_id (the widest: rack over host) is used.
 * 0, or -1 when out of memory. */
int ceph_roots_headroom(const ceph_crush_tree_t *t,
                        const ceph_crush_rules_t *rules,
                        const ceph_osd_dump_t *dump, const ceph_osd_df_t *df,
                        ceph_roots_hr_t *out);
void ceph_roots_hr_free(ceph_roots_hr_t *r);

#endif
