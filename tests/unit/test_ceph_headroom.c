/* SPDX-License-Identifier: MIT
 * ceph_headroom: the projected utilisation after losing one failure domain,
 * on cases computed by hand (numbers in the comments). */
#include "common/ceph_headroom.h"
#include "tests/unit/testing.h"

#include <math.h>

/* ceph_hr_project of n OSDs in n_domains, expected to succeed. */
static ceph_hr_result_t project(const ceph_hr_osd_t *o, size_t n,
                                size_t n_domains, double *after) {
  ceph_hr_result_t r;
  EXPECT_EQ_INT(CEPH_HR_OK, ceph_hr_project(o, n, n_domains, after, &r));
  return r;
}

/* 4 hosts of one 1000-kB OSD each, equal weights, 100 kB used on h0..h2
 * and 400 kB on h3.  Losing h3 (400 kB) puts 400/3 on each survivor:
 * 100 + 133.33 = 233.33 kB = 23.333 %.  Losing h0 (100 kB) gives h3
 * 400 + 33.33 = 43.333 %: the worst single loss is h0, via osd.3. */
static void equal_hosts(void) {
  const ceph_hr_osd_t o[] = {
      {0, 0, 1.0, 1000, 100}, {1, 1, 1.0, 1000, 100},
      {2, 2, 1.0, 1000, 100}, {3, 3, 1.0, 1000, 400}};
  double after[4];
  ceph_hr_result_t r = project(o, 4, 4, after);
  EXPECT_NEAR(100.0 * (400 + 100.0 / 3) / 1000, r.worst_util, 1e-9);
  EXPECT_EQ_INT(0, r.domain);
  EXPECT_EQ_INT(3, (int)r.worst_osd);
  EXPECT_EQ_INT(4, r.n_domains);
  EXPECT_NEAR(100.0 * (100 + 400.0 / 3) / 1000, after[3], 1e-9);
  EXPECT_NEAR(100.0 * (400 + 100.0 / 3) / 1000, after[1], 1e-9);
}

/* Weights and reweight: h0 holds osd.0 (w 2, 500 of 2000 kB) and osd.1
 * (w 1, 200 of 1000 kB); h1 holds osd.2 (w 1, 100 of 1000) and osd.3
 * (w 1 x reweight 0.5 = 0.5, 100 of 1000); h2 holds osd.4 (w 1, 100 of
 * 1000).  Losing h0 moves 700 kB onto w = 1 + 0.5 + 1 = 2.5:
 * osd.2 100 + 280 = 38 %, osd.3 100 + 140 = 24 %, osd.4 38 %.
 * Losing h1 moves 200 onto w = 2 + 1 + 1 = 4: osd.0 500 + 100 = 30 %,
 * osd.1 200 + 50 = 25 %, osd.4 100 + 50 = 15 %.  Losing h2 moves 100
 * onto w = 4.5: osd.0 (500 + 44.4) / 2000 = 27.2 %, osd.1 22.2 %.
 * Worst: h0 -> 38 % (osd.2 first). */
static void weighted(void) {
  const ceph_hr_osd_t o[] = {{0, 0, 2.0, 2000, 500}, {1, 0, 1.0, 1000, 200},
                             {2, 1, 1.0, 1000, 100}, {3, 1, 0.5, 1000, 100},
                             {4, 2, 1.0, 1000, 100}};
  double after[3];
  ceph_hr_result_t r = project(o, 5, 3, after);
  EXPECT_NEAR(38.0, r.worst_util, 1e-9);
  EXPECT_EQ_INT(0, r.domain);
  EXPECT_EQ_INT(2, (int)r.worst_osd);
  EXPECT_NEAR(30.0, after[1], 1e-9);
  EXPECT_NEAR(100.0 * (500 + 100 * 2 / 4.5) / 2000, after[2], 1e-9);
}

/* An OSD that is out (weight 0) receives nothing and its data does not
 * count as lost with its domain (it has been moved already); an OSD
 * without a size (down, never reported) receives nothing either. */
static void out_and_unsized(void) {
  double after[3]; /* %: the fullest survivor when domain d is lost */
  const ceph_hr_osd_t o[] = {{0, 0, 1.0, 1000, 100}, {1, 0, 0.0, 1000, 900},
                             {2, 1, 1.0, 1000, 100}, {3, 2, 1.0, 0, 0},
                             {4, 2, 1.0, 1000, 100}};
  ceph_hr_result_t r = project(o, 5, 3, after);
  /* Losing d0: 100 kB onto osd.2, osd.3 (no size: weight but no value),
   * osd.4, w = 3: osd.2 = 133.3 kB = 13.33 %.  Out osd.1 (90 %) is not a
   * survivor that receives data and is not reported. */
  EXPECT_NEAR(100.0 * (100 + 100.0 / 3) / 1000, after[0], 1e-9);
  OK(r.worst_util < 20.0);
}

/* A root with a single domain: losing it leaves no survivor. */
static void single_domain(void) {
  const ceph_hr_osd_t o[] = {{0, 0, 1.0, 1000, 100}, {1, 0, 1.0, 1000, 100}};
  ceph_hr_result_t r;
  EXPECT_EQ_INT(CEPH_HR_NO_SURVIVOR, ceph_hr_project(o, 2, 1, NULL, &r));
  OK(isnan(r.worst_util));
  EXPECT_EQ_INT(-1, r.domain);
}

/* Bad input: a domain index out of range, NaN sizes. */
static void bad_input(void) {
  const ceph_hr_osd_t o[] = {{0, 5, 1.0, 1000, 100}};
  ceph_hr_result_t r;
  EXPECT_EQ_INT(CEPH_HR_BAD_INPUT, ceph_hr_project(o, 1, 2, NULL, &r));
  OK(isnan(r.worst_util));
  const ceph_hr_osd_t n[] = {{0, 0, 1.0, NAN, 100}, {1, 1, 1.0, 1000, NAN}};
  EXPECT_EQ_INT(CEPH_HR_NO_SURVIVOR, ceph_hr_project(n, 2, 2, NULL, &r));
  EXPECT_EQ_INT(CEPH_HR_BAD_INPUT, ceph_hr_project(o, 1, 0, NULL, &r));
}

int main(void) {
  equal_hosts();
  weighted();
  out_and_unsized();
  single_domain();
  bad_input();
  return testing_done();
}
