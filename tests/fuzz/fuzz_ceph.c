/* SPDX-License-Identifier: MIT
 * libFuzzer target: every yajl-based Ceph JSON parser of ceph_health
 * (common/ceph_{json,status,osd,pgs,quorum,pgstate}.c).
 * Input: byte 0 picks the parser, the rest is the mon command's JSON reply
 * (seeds: tests/data/ceph_health/STATE/CMD.json, see seeds.py).
 * Built by tests/fuzz/libfuzzer.sh (clang) and, with replay_main.c, by make
 * check (gcc) to replay tests/fuzz/regress/ceph_json/.
 */
#include "common/ceph_json.h"
#include "common/ceph_osd.h"
#include "common/ceph_pgs.h"
#include "common/ceph_quorum.h"
#include "common/ceph_status.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A walk that reads every scalar the way the parsers do. */
static int any_scalar(void *ctx, const cj_path_t *p, const cj_value_t *v) {
  char buf[32];
  int64_t i;
  (void)ctx;
  (void)cj_double(v);
  (void)cj_int64(v, &i);
  (void)cj_strcpy(v, buf, sizeof(buf));
  (void)cj_streq(v, "active+clean");
  (void)cj_match(p, p->depth, "pgmap", "pgs_by_state", NULL, NULL);
  if (p->depth > 0)
    (void)cj_key(p, p->depth - 1, "state_name");
  if (v->type == CJ_STRING)
    (void)ceph_pg_state_split(v->s, v->len, &(uint64_t){0});
  return 0;
}

static void fuzz_walk(const char *b, size_t n) {
  cj_handler_t h = {.scalar = any_scalar, .end = NULL};
  char err[64];
  (void)cj_walk(b, n, &h, NULL, err, sizeof(err));
}

static void fuzz_status(const char *b, size_t n) {
  static ceph_status_t st; /* large: not on the stack */
  char err[128];
  if (ceph_status_parse(b, n, &st, err, sizeof(err)) == CJ_OK)
    (void)ceph_status_check(&st, "OSD_DOWN");
}

static void fuzz_osd(const char *b, size_t n) {
  ceph_osd_dump_t d;
  ceph_osd_df_t df;
  char err[128];
  int have_d = ceph_osd_dump_parse(b, n, &d, err, sizeof(err)) == CJ_OK;
  if (have_d)
    (void)ceph_osd_dump_pool_name(&d, 1);
  if (ceph_osd_df_parse(b, n, &df, err, sizeof(err)) == CJ_OK) {
    ceph_fullness_t f;
    ceph_fullness(&df, have_d ? &d : NULL, &f);
    ceph_osd_df_free(&df);
  }
  if (have_d)
    ceph_osd_dump_free(&d);
}

static void fuzz_pgs(const char *b, size_t n, int stuck) {
  ceph_pools_t p;
  char err[128];
  ceph_pools_init(&p);
  if (stuck)
    (void)ceph_pgs_stuck_parse(b, n, 1.8e9, 60, &p, err, sizeof(err));
  else
    (void)ceph_pgs_brief_parse(b, n, &p, err, sizeof(err));
  ceph_pools_free(&p);
}

static void fuzz_quorum(const char *b, size_t n) {
  ceph_quorum_t q;
  char err[128], host[CEPH_ADDR_MAX];
  if (ceph_quorum_parse(b, n, &q, err, sizeof(err)) != CJ_OK)
    return;
  const ceph_mon_t *m = ceph_quorum_leader(&q);
  if (m != NULL)
    for (int i = 0; i < m->n_addrs && i < CEPH_MON_ADDRS; i++)
      (void)ceph_addr_host(m->addrs[i], host, sizeof(host));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  /* An exact-size copy: ASan sees any read past the reply. */
  size_t n = size - 1;
  char *b = malloc(n ? n : 1);
  if (b == NULL)
    return 0;
  memcpy(b, data + 1, n);
  switch (data[0] % 7) {
  case 0: fuzz_status(b, n); break;
  case 1: fuzz_osd(b, n); break;
  case 2: fuzz_pgs(b, n, 0); break;
  case 3: fuzz_pgs(b, n, 1); break;
  case 4: fuzz_quorum(b, n); break;
  case 5: fuzz_walk(b, n); break;
  default: /* the time stamps of pg dump_stuck, and PG state names */
    (void)ceph_parse_utime(b, n);
    (void)ceph_pgid_pool(b, n, &(int64_t){0});
    (void)ceph_pg_state_split(b, n, &(uint64_t){0});
    break;
  }
  free(b);
  return 0;
}
