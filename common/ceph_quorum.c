/* SPDX-License-Identifier: MIT
 * ceph_quorum - quorum leader and mon addresses (see ceph_quorum.h). */
#include "common/ceph_quorum.h"

#include <string.h>

typedef struct {
  ceph_quorum_t *q;
  int seen_leader;
} quorum_ctx_t;

static void add_addr(ceph_mon_t *m, const cj_value_t *v) {
  if (v->type != CJ_STRING || m->n_addrs >= CEPH_MON_ADDRS)
    return;
  char a[CEPH_ADDR_MAX];
  cj_strcpy(v, a, sizeof(a));
  for (int i = 0; i < m->n_addrs; i++)
    if (strcmp(m->addrs[i], a) == 0)
      return;
  memcpy(m->addrs[m->n_addrs++], a, sizeof(a));
}

static int quorum_scalar(void *ctx, const cj_path_t *p, const cj_value_t *v) {
  quorum_ctx_t *x = ctx;
  ceph_quorum_t *q = x->q;
  if (p->depth == 1 && cj_key(p, 0, "quorum_leader_name")) {
    cj_strcpy(v, q->leader, sizeof(q->leader));
    x->seen_leader = 1;
  } else if (p->depth == 2 && cj_key(p, 0, "quorum")) {
    q->n_quorum++;
  } else if (p->depth >= 4 && cj_key(p, 0, "monmap") &&
             cj_key(p, 1, "mons") && p->el[2].is_index &&
             p->el[2].index >= 0 && p->el[2].index < CEPH_MAX_MONS) {
    /* an array element: "mons" as an object gave index -1 and a write
     * before mons[0] (found by tests/fuzz) */
    int i = (int)p->el[2].index;
    ceph_mon_t *m = &q->mons[i];
    if (i + 1 > q->n_mons)
      q->n_mons = i + 1;
    if (p->depth == 4 && cj_key(p, 3, "name"))
      cj_strcpy(v, m->name, sizeof(m->name));
    else if (p->depth == 4 && cj_key(p, 3, "rank")) {
      /* an integer in range, or -1 (a NaN or 1e300 cast to int is
       * undefined: found by tests/fuzz) */
      int64_t r;
      m->rank = (cj_int64(v, &r) == 0 && r >= -1 && r < INT32_MAX) ? (int)r
                                                                     : -1;
    }
    else if (p->depth == 4 &&
             (cj_key(p, 3, "public_addr") || cj_key(p, 3, "addr")))
      add_addr(m, v);
    else if (p->depth == 7 && cj_key(p, 3, "public_addrs") &&
             cj_key(p, 6, "addr"))
      add_addr(m, v);
  }
  return 0;
}

cj_status_t ceph_quorum_parse(const char *buf, size_t len, ceph_quorum_t *out,
                              char *err, size_t errlen) {
  memset(out, 0, sizeof(*out));
  quorum_ctx_t x = {.q = out};
  cj_handler_t h = {.scalar = quorum_scalar};
  cj_status_t ret = cj_walk(buf, len, &h, &x, err, errlen);
  ret = cj_finish(ret, 0, x.seen_leader && out->leader[0] != 0,
                  "no quorum_leader_name in the reply", err, errlen);
  return ret;
}

const ceph_mon_t *ceph_quorum_leader(const ceph_quorum_t *q) {
  for (int i = 0; i < q->n_mons && i < CEPH_MAX_MONS; i++)
    if (strcmp(q->mons[i].name, q->leader) == 0)
      return &q->mons[i];
  return NULL;
}

int ceph_addr_host(const char *addr, char *host, size_t size) {
  const char *s = addr;
  if (strncmp(s, "v1:", 3) == 0 || strncmp(s, "v2:", 3) == 0)
    s += 3;
  const char *end;
  if (*s == '[') { /* [v6]:port */
    s++;
    end = strchr(s, ']');
  } else {
    end = strrchr(s, ':');
    if (end == NULL)
      end = s + strcspn(s, "/");
  }
  if (end == NULL || end == s || (size_t)(end - s) >= size)
    return -1;
  memcpy(host, s, (size_t)(end - s));
  host[end - s] = 0;
  return 0;
}
