/* SPDX-License-Identifier: MIT
 * ceph_quorum: leader name and mon addresses from quorum_status. */
#include "common/ceph_quorum.h"
#include "tests/unit/testing.h"

static const char doc[] =
    "{\"election_epoch\":8,\"quorum\":[0,1,2],\"quorum_names\":[\"a\",\"b\","
    "\"c\"],\"quorum_leader_name\":\"b\",\"quorum_age\":20,\"monmap\":{"
    "\"epoch\":1,\"mons\":[{\"rank\":0,\"name\":\"a\",\"public_addrs\":{"
    "\"addrvec\":[{\"type\":\"v2\",\"addr\":\"10.0.0.1:3300\",\"nonce\":0},"
    "{\"type\":\"v1\",\"addr\":\"10.0.0.1:6789\",\"nonce\":0}]},\"addr\":"
    "\"10.0.0.1:6789/0\",\"public_addr\":\"10.0.0.1:6789/0\"},"
    "{\"rank\":1,\"name\":\"b\",\"public_addrs\":{\"addrvec\":[{\"type\":"
    "\"v2\",\"addr\":\"[fd00::2]:3300\",\"nonce\":0}]},\"addr\":"
    "\"[fd00::2]:6789/0\"},{\"rank\":2,\"name\":\"c\",\"addr\":"
    "\"10.0.0.3:6789/0\"}]}}";

int main(void) {
  ceph_quorum_t q;
  char err[128];
  EXPECT_EQ_INT(CJ_OK, ceph_quorum_parse(doc, sizeof(doc) - 1, &q, err,
                                         sizeof(err)));
  EXPECT_EQ_STR("b", q.leader);
  EXPECT_EQ_INT(3, q.n_quorum);
  EXPECT_EQ_INT(3, q.n_mons);
  EXPECT_EQ_STR("a", q.mons[0].name);
  EXPECT_EQ_INT(3, q.mons[0].n_addrs); /* v2, v1, and v1/0 (deduplicated) */
  const ceph_mon_t *l = ceph_quorum_leader(&q);
  OK(l != NULL && strcmp(l->name, "b") == 0);
  EXPECT_EQ_INT(2, l ? l->n_addrs : -1);
  EXPECT_EQ_STR("[fd00::2]:3300", l ? l->addrs[0] : "");

  char h[64];
  EXPECT_EQ_INT(0, ceph_addr_host("127.0.0.1:6789/0", h, sizeof(h)));
  EXPECT_EQ_STR("127.0.0.1", h);
  EXPECT_EQ_INT(0, ceph_addr_host("v2:10.1.2.3:3300/0", h, sizeof(h)));
  EXPECT_EQ_STR("10.1.2.3", h);
  EXPECT_EQ_INT(0, ceph_addr_host("[::1]:3300", h, sizeof(h)));
  EXPECT_EQ_STR("::1", h);
  EXPECT_EQ_INT(-1, ceph_addr_host("[::1", h, sizeof(h)));
  EXPECT_EQ_INT(-1, ceph_addr_host(":3300", h, sizeof(h)));
  EXPECT_EQ_INT(-1, ceph_addr_host("10.1.2.3:1", h, 4));

  EXPECT_EQ_INT(CJ_ERR_MISSING, ceph_quorum_parse("{\"quorum\":[]}", 13, &q,
                                                  err, sizeof(err)));
  EXPECT_EQ_INT(CJ_ERR_SYNTAX, ceph_quorum_parse(doc, 40, &q, NULL, 0));
  /* A leader that is not in the monmap. */
  const char odd[] = "{\"quorum_leader_name\":\"z\",\"monmap\":{\"mons\":[]}}";
  EXPECT_EQ_INT(CJ_OK, ceph_quorum_parse(odd, sizeof(odd) - 1, &q, NULL, 0));
  OK(ceph_quorum_leader(&q) == NULL);
  return testing_done();
}
