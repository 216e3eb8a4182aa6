/* SPDX-License-Identifier: MIT
 * ceph_crush - CRUSH tree and rules parsing, per-root loss projection
 * (see ceph_crush.h). */
#include "common/ceph_crush.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- tree */
typedef struct {
  int64_t parent, child;
} edge_t;

typedef struct {
  edge_t *edges; /* children lists, resolved at the end */
  size_t n_edges, cap_edges;
  int64_t pending[64]; /* children seen before the node's id */
  size_t n_pending;
} tree_ctx_t;

static const ceph_crush_node_t node_blank = {
    .parent = CEPH_CRUSH_NO_PARENT, .crush_weight = NAN, .type_id = -1};

static const cj_field_t node_fields[] = {
    CJ_FIELD(ceph_crush_node_t, name, CJ_F_STRING),
    CJ_FIELD(ceph_crush_node_t, type, CJ_F_STRING),
    CJ_FIELD(ceph_crush_node_t, crush_weight, CJ_F_NUMBER),
};

static int add_edge(cj_list_t *l, int64_t parent, int64_t child) {
  tree_ctx_t *x = l->ctx;
  edge_t e = {parent, child};
  if (cj_push((void **)&x->edges, &x->n_edges, &x->cap_edges, &e,
              sizeof(e)) != 0)
    return l->nomem = 1;
  return 0;
}

static int tree_scalar(cj_list_t *l, const cj_path_t *p, int e,
                       const cj_value_t *v) {
  tree_ctx_t *x = l->ctx;
  ceph_crush_node_t *n = l->cur;
  if (e >= 0 && p->depth == e + 3 && cj_key(p, e + 1, "children")) {
    int64_t c;
    if (cj_int64(v, &c) != 0)
      return 0;
    if (l->have_id)
      return add_edge(l, n->id, c);
    if (x->n_pending < sizeof(x->pending) / sizeof(x->pending[0]))
      x->pending[x->n_pending++] = c; /* "children" before "id" */
  } else if (e >= 0 && p->depth == e + 2 && cj_key(p, e + 1, "type_id")) {
    int64_t t;
    if (cj_int64(v, &t) == 0 && t >= 0 && t < 1 << 16)
      n->type_id = (int)t;
  }
  return 0;
}

/* A node has ended: the children listed before its id get their edges. */
static int tree_end(cj_list_t *l, const cj_path_t *p, int e) {
  tree_ctx_t *x = l->ctx;
  if (e < 0 || p->depth != e + 1)
    return 0;
  const ceph_crush_node_t *n = l->cur;
  for (size_t i = 0; l->have_id && i < x->n_pending; i++)
    if (add_edge(l, n->id, x->pending[i]) != 0)
      return 1;
  x->n_pending = 0;
  return 0;
}

static const cj_list_spec_t tree_spec = {
    .list = "nodes",
    CJ_RECORDS(ceph_crush_node_t, "id", id, node_blank),
    CJ_OWN_MEMBERS(node_fields),
    .scalar = tree_scalar,
    .end = tree_end,
    .missing = "no nodes in the osd crush tree reply",
};

cj_status_t ceph_crush_tree_parse(const char *buf, size_t len,
                                  ceph_crush_tree_t *out, char *err,
                                  size_t errlen) {
  tree_ctx_t x = {0};
  cj_status_t ret =
      cj_list_parse(buf, len, &tree_spec, &x, CJ_ARRAY(out), err, errlen);
  for (size_t i = 0; ret == CJ_OK && i < x.n_edges; i++) {
    for (size_t j = 0; j < out->n; j++)
      if (out->v[j].id == x.edges[i].child)
        out->v[j].parent = x.edges[i].parent;
  }
  free(x.edges);
  return ret;
}

void ceph_crush_tree_free(ceph_crush_tree_t *t) { cj_array_free(CJ_ARRAY(t)); }

const ceph_crush_node_t *ceph_crush_node(const ceph_crush_tree_t *t,
                                         int64_t id) {
  return cj_find(t->v, t->n, sizeof(*t->v), offsetof(ceph_crush_node_t, id),
                 id);
}

const ceph_crush_node_t *ceph_crush_ancestor(const ceph_crush_tree_t *t,
                                             int64_t id, const char *type) {
  const ceph_crush_node_t *n = ceph_crush_node(t, id);
  /* Bounded by the node count: a malformed tree with a cycle ends too. */
  for (size_t hops = 0; n != NULL && hops <= t->n; hops++) {
    if (strcmp(n->type, type) == 0)
      return n;
    n = n->parent == CEPH_CRUSH_NO_PARENT ? NULL
                                          : ceph_crush_node(t, n->parent);
  }
  return NULL;
}

/* --------------------------------------------------------------- rules */
typedef struct {
  int have_take;
  /* the current step */
  char op[32], type[CEPH_CRUSH_NAME_MAX], item_name[CEPH_CRUSH_NAME_MAX];
  int64_t item;
} rules_ctx_t;

static const ceph_crush_rule_t rule_blank = {.root = CEPH_CRUSH_NO_PARENT};

static void step_reset(rules_ctx_t *x) {
  x->op[0] = x->type[0] = x->item_name[0] = 0;
  x->item = CEPH_CRUSH_NO_PARENT;
}

static int rules_scalar(cj_list_t *l, const cj_path_t *p, int e,
                        const cj_value_t *v) {
  rules_ctx_t *x = l->ctx;
  if (e < 0 || p->depth != e + 4 || !cj_key(p, e + 1, "steps"))
    return 0;
  if (cj_key(p, e + 3, "op"))
    cj_strcpy(v, x->op, sizeof(x->op));
  else if (cj_key(p, e + 3, "type"))
    cj_strcpy(v, x->type, sizeof(x->type));
  else if (cj_key(p, e + 3, "item_name"))
    cj_strcpy(v, x->item_name, sizeof(x->item_name));
  else if (cj_key(p, e + 3, "item") && cj_int64(v, &x->item) != 0)
    x->item = CEPH_CRUSH_NO_PARENT;
  return 0;
}

/* A step has ended: the first take names the root, the first choose or
 * chooseleaf after it the failure domain. */
static void step_end(rules_ctx_t *x, ceph_crush_rule_t *r) {
  if (strcmp(x->op, "take") == 0 && !x->have_take) {
    x->have_take = 1;
    r->root = x->item;
    snprintf(r->root_name, sizeof(r->root_name), "%s", x->item_name);
  } else if (strncmp(x->op, "choose", 6) == 0 && x->have_take &&
             r->domain_type[0] == 0) {
    snprintf(r->domain_type, sizeof(r->domain_type), "%s", x->type);
  }
  step_reset(x);
}

static int rules_end(cj_list_t *l, const cj_path_t *p, int e) {
  rules_ctx_t *x = l->ctx;
  if (e >= 0 && p->depth == e + 3 && cj_key(p, e + 1, "steps"))
    step_end(x, l->cur);
  else if (e >= 0 && p->depth == e + 1)
    x->have_take = 0; /* the rule has ended */
  return 0;
}

static int rules_found(const cj_list_t *l) { return *l->n > 0; }

static const cj_list_spec_t rules_spec = {
    CJ_RECORDS(ceph_crush_rule_t, "rule_id", id, rule_blank),
    .scalar = rules_scalar,
    .end = rules_end,
    .found = rules_found,
    .missing = "no rule in the osd crush rule dump reply",
};

cj_status_t ceph_crush_rules_parse(const char *buf, size_t len,
                                   ceph_crush_rules_t *out, char *err,
                                   size_t errlen) {
  rules_ctx_t x = {0};
  step_reset(&x);
  return cj_list_parse(buf, len, &rules_spec, &x, CJ_ARRAY(out), err, errlen);
}

void ceph_crush_rules_free(ceph_crush_rules_t *r) {
  cj_array_free(CJ_ARRAY(r));
}

/* ------------------------------------------------------ loss per root */
int ceph_crush_under(const ceph_crush_tree_t *t, int64_t id, int64_t root) {
  const ceph_crush_node_t *n = ceph_crush_node(t, id);
  for (size_t hops = 0; n != NULL && hops <= t->n; hops++) {
    if (n->id == root)
      return 1;
    n = n->parent == CEPH_CRUSH_NO_PARENT ? NULL
                                          : ceph_crush_node(t, n->parent);
  }
  return 0;
}

/* The type_id of a type name as the tree uses it (-1 if unused). */
static int type_id_of(const ceph_crush_tree_t *t, const char *type) {
  for (size_t i = 0; i < t->n; i++)
    if (strcmp(t->v[i].type, type) == 0)
      return t->v[i].type_id;
  return -1;
}

static int rule_in_use(const ceph_osd_dump_t *dump, int64_t rule) {
  for (size_t i = 0; i < dump->n_pools; i++)
    if (dump->pools[i].crush_rule == rule)
      return 1;
  return 0;
}

/* The roots taken by the rules in use, each with its widest domain type. */
static int collect_roots(const ceph_crush_tree_t *t,
                         const ceph_crush_rules_t *rules,
                         const ceph_osd_dump_t *dump, ceph_roots_hr_t *out) {
  for (size_t i = 0; i < rules->n; i++) {
    const ceph_crush_rule_t *r = &rules->v[i];
    if (r->root == CEPH_CRUSH_NO_PARENT || r->domain_type[0] == 0 ||
        !rule_in_use(dump, r->id))
      continue;
    ceph_root_hr_t *e = NULL;
    for (size_t j = 0; j < out->n && e == NULL; j++)
      if (out->v[j].id == r->root)
        e = &out->v[j];
    if (e == NULL) {
      ceph_root_hr_t add = {.id = r->root};
      snprintf(add.name, sizeof(add.name), "%s", r->root_name);
      if (cj_push(CJ_ARRAY(out), &add, sizeof(add)) != 0)
        return -1;
      e = &out->v[out->n - 1];
    } else if (type_id_of(t, r->domain_type) <= type_id_of(t, e->domain_type)) {
      continue;
    }
    snprintf(e->domain_type, sizeof(e->domain_type), "%s", r->domain_type);
  }
  return 0;
}

static const ceph_osd_df_node_t *df_node(const ceph_osd_df_t *df, int64_t id) {
  if (df == NULL)
    return NULL;
  return cj_find(df->v, df->n, sizeof(*df->v), offsetof(ceph_osd_df_node_t, id),
                 id);
}

/* Project one root: its OSDs, their domains (ids in dom[]), the loss. */
static int project_root(const ceph_crush_tree_t *t, const ceph_osd_df_t *df,
                        ceph_root_hr_t *e) {
  ceph_hr_osd_t *o = calloc(t->n + 1, sizeof(*o));
  int64_t *dom = calloc(t->n + 1, sizeof(*dom));
  if (o == NULL || dom == NULL) {
    free(o);
    free(dom);
    return -1;
  }
  size_t n = 0, nd = 0;
  for (size_t i = 0; i < t->n; i++) {
    const ceph_crush_node_t *c = &t->v[i];
    if (c->id < 0 || !ceph_crush_under(t, c->id, e->id))
      continue;
    const ceph_crush_node_t *d = ceph_crush_ancestor(t, c->id, e->domain_type);
    int64_t did = d != NULL ? d->id : c->id; /* no such bucket: itself */
    size_t k = 0;
    while (k < nd && dom[k] != did)
      k++;
    if (k == nd)
      dom[nd++] = did;
    const ceph_osd_df_node_t *f = df_node(df, c->id);
    double rw = f != NULL && !isnan(f->reweight) ? f->reweight : 1.0;
    double w = isnan(c->crush_weight) ? 0 : c->crush_weight * rw;
    o[n++] = (ceph_hr_osd_t){c->id, k, w, f != NULL ? f->kb : NAN,
                             f != NULL ? f->kb_used : NAN};
  }
  e->n_osds = n;
  e->status = nd > 0 ? ceph_hr_project(o, n, nd, NULL, &e->hr)
                     : CEPH_HR_NO_SURVIVOR;
  if (nd == 0)
    e->hr = (ceph_hr_result_t){NAN, -1, -1, 0};
  if (e->hr.domain >= 0) {
    const ceph_crush_node_t *d = ceph_crush_node(t, dom[e->hr.domain]);
    snprintf(e->worst_domain, sizeof(e->worst_domain), "%s",
             d != NULL ? d->name : "");
  }
  free(o);
  free(dom);
  return 0;
}

int ceph_roots_headroom(const ceph_crush_tree_t *t,
                        const ceph_crush_rules_t *rules,
                        const ceph_osd_dump_t *dump, const ceph_osd_df_t *df,
                        ceph_roots_hr_t *out) {
  memset(out, 0, sizeof(*out));
  if (collect_roots(t, rules, dump, out) != 0) {
    ceph_roots_hr_free(out);
    return -1;
  }
  for (size_t i = 0; i < out->n; i++)
    if (project_root(t, df, &out->v[i]) != 0) {
      ceph_roots_hr_free(out);
      return -1;
    }
  return 0;
}

void ceph_roots_hr_free(ceph_roots_hr_t *r) { cj_array_free(CJ_ARRAY(r)); }
