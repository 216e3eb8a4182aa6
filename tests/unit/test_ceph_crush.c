/* SPDX-License-Identifier: MIT
 * ceph_crush: the CRUSH tree and rules, and the per-root loss projection,
 * on the replies recorded from the 4-host test cluster
 * (tests/data/ceph_health/hosts, see PROVENANCE.md) and on small
 * hand-written trees (a rack rule, a rule in use only by one pool). */
#include "common/ceph_crush.h"
#include "tests/unit/testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *name, size_t *len) {
  return testing_slurp(len, "%s/tests/data/ceph_health/hosts/%s", testing_top(),
                       name);
}

/* The recorded cluster: root default, hosts h0..h3 with osd.0..3, an empty
 * host "vm" (where the OSDs started), rules replicated_rule (osd, unused)
 * and byhost (host, used by pools test/two/quota).  osd df: kb 1048576
 * each, kb_used 69778 / 57490 / 86162 / 49298, reweight 1.  Losing h0 puts
 * 69778 / 3 kB on each survivor; osd.2 reaches (86162 + 23259.33) /
 * 1048576 = 10.4352 %, the worst of the four losses (by hand: h1 gives
 * osd.2 (86162 + 19163.33) = 10.045 %, h2 gives osd.0 9.394 %, h3 gives
 * osd.2 9.784 %). */
static void recorded(void) {
  size_t lt, lr, ld, lf;
  char *tb = slurp("osd_crush_tree.json", &lt);
  char *rb = slurp("osd_crush_rule_dump.json", &lr);
  char *db = slurp("osd_dump.json", &ld);
  char *fb = slurp("osd_df.json", &lf);
  if (!OK(tb && rb && db && fb))
    return;
  ceph_crush_tree_t t;
  ceph_crush_rules_t r;
  ceph_osd_dump_t d;
  ceph_osd_df_t f;
  char err[128];
  EXPECT_EQ_INT(CJ_OK, ceph_crush_tree_parse(tb, lt, &t, err, sizeof(err)));
  EXPECT_EQ_INT(CJ_OK, ceph_crush_rules_parse(rb, lr, &r, err, sizeof(err)));
  EXPECT_EQ_INT(CJ_OK, ceph_osd_dump_parse(db, ld, &d, err, sizeof(err)));
  EXPECT_EQ_INT(CJ_OK, ceph_osd_df_parse(fb, lf, &f, err, sizeof(err)));
  EXPECT_EQ_INT(10, (int)t.n); /* root, 5 hosts, 4 OSDs */
  const ceph_crush_node_t *h = ceph_crush_ancestor(&t, 3, "host");
  OK(h != NULL);
  EXPECT_EQ_STR("h3", h ? h->name : "");
  h = ceph_crush_ancestor(&t, 3, "root");
  EXPECT_EQ_STR("default", h ? h->name : "");
  OK(ceph_crush_ancestor(&t, 3, "rack") == NULL);
  EXPECT_NEAR(0.0009918212890625, ceph_crush_node(&t, 2)->crush_weight, 1e-15);
  EXPECT_EQ_INT(2, (int)r.n);
  EXPECT_EQ_STR("osd", r.v[0].domain_type);
  EXPECT_EQ_STR("host", r.v[1].domain_type);
  EXPECT_EQ_STR("default", r.v[1].root_name);
  EXPECT_EQ_INT(-1, (int)r.v[1].root);
  EXPECT_EQ_INT(1, (int)d.pools[0].crush_rule);

  ceph_roots_hr_t roots;
  EXPECT_EQ_INT(0, ceph_roots_headroom(&t, &r, &d, &f, &roots));
  EXPECT_EQ_INT(1, (int)roots.n); /* replicated_rule is in use by no pool */
  if (roots.n == 1) {
    const ceph_root_hr_t *e = &roots.v[0];
    EXPECT_EQ_STR("default", e->name);
    EXPECT_EQ_STR("host", e->domain_type);
    EXPECT_EQ_INT(4, (int)e->n_osds);
    EXPECT_EQ_INT(4, (int)e->hr.n_domains); /* the empty host is none */
    EXPECT_EQ_INT(CEPH_HR_OK, e->status);
    EXPECT_NEAR(100.0 * (86162 + 69778 / 3.0) / 1048576, e->hr.worst_util,
                1e-9);
    EXPECT_EQ_STR("h0", e->worst_domain);
    EXPECT_EQ_INT(2, (int)e->hr.worst_osd);
  }
  ceph_roots_hr_free(&roots);
  ceph_crush_tree_free(&t);
  ceph_crush_rules_free(&r);
  ceph_osd_dump_free(&d);
  ceph_osd_df_free(&f);
  free(tb), free(rb), free(db), free(fb);
}

/* Two racks of two hosts; one pool on a rack rule, one on a host rule, on
 * the same root: the widest type (rack, type_id 3) is the domain.  All
 * OSDs 1000 kB, weight 1, used 100/100/100/500 (osd.3 in rack r1).
 * Losing r0 (200 kB) gives osd.3 500 + 100 = 60 %; losing r1 (600 kB)
 * gives osd.0 100 + 300 = 40 %: worst r0, 60 %.  By host it would be
 * losing host a (100 kB) -> osd.3 at 533.3 = 53.3 %. */
static const char tree2[] =
    "{\"nodes\":[{\"id\":-1,\"name\":\"default\",\"type\":\"root\","
    "\"type_id\":11,\"children\":[-2,-3]},"
    "{\"id\":-2,\"name\":\"r0\",\"type\":\"rack\",\"type_id\":3,"
    "\"children\":[-4,-5]},{\"id\":-3,\"name\":\"r1\",\"type\":\"rack\","
    "\"type_id\":3,\"children\":[-6,-7]},"
    "{\"children\":[0],\"id\":-4,\"name\":\"a\",\"type\":\"host\","
    "\"type_id\":1},{\"id\":-5,\"name\":\"b\",\"type\":\"host\",\"type_id\":1,"
    "\"children\":[1]},{\"id\":-6,\"name\":\"c\",\"type\":\"host\","
    "\"type_id\":1,\"children\":[2]},{\"id\":-7,\"name\":\"d\",\"type\":"
    "\"host\",\"type_id\":1,\"children\":[3]},"
    "{\"id\":0,\"name\":\"osd.0\",\"type\":\"osd\",\"type_id\":0,"
    "\"crush_weight\":1},{\"id\":1,\"name\":\"osd.1\",\"type\":\"osd\","
    "\"type_id\":0,\"crush_weight\":1},{\"id\":2,\"name\":\"osd.2\","
    "\"type\":\"osd\",\"type_id\":0,\"crush_weight\":1},{\"id\":3,\"name\":"
    "\"osd.3\",\"type\":\"osd\",\"type_id\":0,\"crush_weight\":1}],"
    "\"stray\":[]}";
static const char rules2[] =
    "[{\"rule_id\":0,\"rule_name\":\"byhost\",\"steps\":[{\"op\":\"take\","
    "\"item\":-1,\"item_name\":\"default\"},{\"op\":\"chooseleaf_firstn\","
    "\"num\":0,\"type\":\"host\"},{\"op\":\"emit\"}]},"
    "{\"rule_id\":1,\"rule_name\":\"byrack\",\"steps\":[{\"item\":-1,"
    "\"item_name\":\"default\",\"op\":\"take\"},{\"op\":\"chooseleaf_indep\","
    "\"num\":0,\"type\":\"rack\"},{\"op\":\"emit\"}]}]";
static const char dump2[] =
    "{\"full_ratio\":0.95,\"pools\":[{\"pool\":1,\"pool_name\":\"p\","
    "\"crush_rule\":%d},{\"pool\":2,\"pool_name\":\"q\",\"crush_rule\":%d}]}";
static const char df2[] =
    "{\"nodes\":[{\"id\":0,\"kb\":1000,\"kb_used\":100,\"reweight\":1},"
    "{\"id\":1,\"kb\":1000,\"kb_used\":100,\"reweight\":1},"
    "{\"id\":2,\"kb\":1000,\"kb_used\":100,\"reweight\":1},"
    "{\"id\":3,\"kb\":1000,\"kb_used\":500,\"reweight\":1}],\"stray\":[]}";

static void racks(int rule_p, int rule_q, const char *dom, double worst,
                  const char *worst_dom) {
  ceph_crush_tree_t t;
  ceph_crush_rules_t r;
  ceph_osd_dump_t d;
  ceph_osd_df_t f;
  char db[512];
  snprintf(db, sizeof(db), dump2, rule_p, rule_q);
  EXPECT_EQ_INT(CJ_OK, ceph_crush_tree_parse(tree2, sizeof(tree2) - 1, &t,
                                             NULL, 0));
  EXPECT_EQ_INT(CJ_OK, ceph_crush_rules_parse(rules2, sizeof(rules2) - 1, &r,
                                              NULL, 0));
  EXPECT_EQ_INT(CJ_OK, ceph_osd_dump_parse(db, strlen(db), &d, NULL, 0));
  EXPECT_EQ_INT(CJ_OK, ceph_osd_df_parse(df2, sizeof(df2) - 1, &f, NULL, 0));
  /* "children" before "id" (host a) is resolved too. */
  EXPECT_EQ_STR("a", ceph_crush_ancestor(&t, 0, "host")->name);
  EXPECT_EQ_STR("r0", ceph_crush_ancestor(&t, 0, "rack")->name);
  ceph_roots_hr_t roots;
  EXPECT_EQ_INT(0, ceph_roots_headroom(&t, &r, &d, &f, &roots));
  EXPECT_EQ_INT(1, (int)roots.n);
  if (roots.n == 1) {
    EXPECT_EQ_STR(dom, roots.v[0].domain_type);
    EXPECT_NEAR(worst, roots.v[0].hr.worst_util, 1e-9);
    EXPECT_EQ_STR(worst_dom, roots.v[0].worst_domain);
  }
  ceph_roots_hr_free(&roots);
  ceph_crush_tree_free(&t);
  ceph_crush_rules_free(&r);
  ceph_osd_dump_free(&d);
  ceph_osd_df_free(&f);
}

static void malformed(void) {
  ceph_crush_tree_t t;
  ceph_crush_rules_t r;
  EXPECT_EQ_INT(CJ_ERR_MISSING, ceph_crush_tree_parse("{}", 2, &t, NULL, 0));
  EXPECT_EQ_INT(CJ_ERR_SYNTAX,
                ceph_crush_tree_parse("{\"nodes\":[{\"id\":", 16, &t, NULL, 0));
  EXPECT_EQ_INT(CJ_ERR_MISSING, ceph_crush_rules_parse("[]", 2, &r, NULL, 0));
  /* A cycle (a malformed reply) ends the ancestor walk. */
  static const char cyc[] =
      "{\"nodes\":[{\"id\":-1,\"name\":\"x\",\"type\":\"host\",\"children\":"
      "[-2]},{\"id\":-2,\"name\":\"y\",\"type\":\"host\",\"children\":[-1]},"
      "{\"id\":0,\"type\":\"osd\"}]}";
  EXPECT_EQ_INT(CJ_OK, ceph_crush_tree_parse(cyc, sizeof(cyc) - 1, &t, NULL,
                                             0));
  OK(ceph_crush_ancestor(&t, -1, "rack") == NULL);
  ceph_crush_tree_free(&t);
}

int main(void) {
  recorded();
  racks(0, 1, "rack", 60.0, "r0");                      /* rack wins */
  racks(0, 0, "host", 100.0 * (500 + 100 / 3.0) / 1000, "a"); /* host only */
  malformed();
  return testing_done();
}
