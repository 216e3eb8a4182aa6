/* SPDX-License-Identifier: MIT
 * ceph_headroom - "if we lose this failure domain now, how full do the
 * survivors get?": the utilisation of every surviving OSD of a CRUSH root
 * projected after one failure domain's data has been re-replicated onto
 * the rest of the root.
 *
 * Model: the data on the lost domain (the kB used of its OSDs that are in)
 * lands on each surviving OSD in proportion to its effective weight (CRUSH
 * weight x reweight), which is what CRUSH aims at.  It ignores uneven PG
 * placement, upmap entries and the balancer, and it assumes the pools can
 * re-replicate at all (a pool whose size exceeds the surviving domains stays
 * undersized instead: the projection then over-estimates).
 *
 * Pure: arrays in, numbers out; no allocation.
 */
#ifndef CDS_CEPH_HEADROOM_H
#define CDS_CEPH_HEADROOM_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  int64_t id;     /* OSD id (reported back as the worst one) */
  size_t domain;  /* its failure domain, 0 .. n_domains - 1 */
  double weight;  /* CRUSH weight x reweight; 0 = out (receives nothing) */
  double kb;      /* size, kB; NaN or 0 = unknown (down, never reported) */
  double kb_used; /* kB */
} ceph_hr_osd_t;

typedef enum {
  CEPH_HR_OK,
  CEPH_HR_NO_SURVIVOR, /* no domain loss leaves a sized OSD to fill */
  CEPH_HR_BAD_INPUT,   /* a domain index out of range, or no domains */
} ceph_hr_status_t;

typedef struct {
  double worst_util;  /* %: the highest projected utilisation, NaN if none */
  int64_t worst_osd;  /* the OSD that reaches it (-1 if none) */
  long domain;        /* the domain whose loss causes it (-1 if none) */
  size_t n_domains;   /* domains that hold at least one OSD */
} ceph_hr_result_t;

/* Project the loss of each domain in turn.  after[d] (may be NULL; else
 * n_domains entries) gets the highest projected utilisation (%) of any
 * survivor when domain d is lost (NaN: no OSD in d, or no sized survivor).
 * Ties go to the lower domain index, then the first OSD. */
ceph_hr_status_t ceph_hr_project(const ceph_hr_osd_t *osds, size_t n,
                                 size_t n_domains, double *after,
                                 ceph_hr_result_t *out);

#endif
