/* SPDX-License-Identifier: MIT
 * ceph_json - streaming JSON walk with path tracking (see ceph_json.h). */
#include "common/ceph_json.h"
#include "common/enum_name.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

typedef struct {
  const cj_handler_t *h;
  void *ctx;
  int depth; /* real nesting depth (may exceed CJ_MAX_DEPTH) */
  cj_path_t path;
  unsigned char is_array[CJ_MAX_DEPTH + 1];
} walk_t;

/* A value starts in the current container: arrays advance their index. */
static void enter_value(walk_t *w) {
  if (w->depth > 0 && w->depth <= CJ_MAX_DEPTH && w->is_array[w->depth - 1])
    w->path.el[w->depth - 1].index++;
}

static int scalar(walk_t *w, const cj_value_t *v) {
  enter_value(w);
  if (w->depth > CJ_MAX_DEPTH || w->h->scalar == NULL)
    return 1;
  w->path.depth = w->depth;
  return w->h->scalar(w->ctx, &w->path, v) == 0;
}

static int on_null(void *c) {
  cj_value_t v = {.type = CJ_NULL};
  return scalar(c, &v);
}

static int on_bool(void *c, int b) {
  cj_value_t v = {.type = CJ_BOOL, .b = b};
  return scalar(c, &v);
}

static int on_number(void *c, const char *s, size_t len) {
  cj_value_t v = {.type = CJ_NUMBER, .s = s, .len = len};
  return scalar(c, &v);
}

static int on_string(void *c, const unsigned char *s, size_t len) {
  cj_value_t v = {.type = CJ_STRING, .s = (const char *)s, .len = len};
  return scalar(c, &v);
}

static int start(walk_t *w, int array) {
  enter_value(w);
  if (w->depth < CJ_MAX_DEPTH) {
    cj_elem_t *e = &w->path.el[w->depth];
    e->is_index = array;
    e->index = -1;
    e->key[0] = 0;
    w->is_array[w->depth] = (unsigned char)array;
  }
  w->depth++;
  return 1;
}

static int on_start_map(void *c) { return start(c, 0); }
static int on_start_array(void *c) { return start(c, 1); }

static int on_key(void *c, const unsigned char *s, size_t len) {
  walk_t *w = c;
  if (w->depth == 0 || w->depth > CJ_MAX_DEPTH)
    return 1;
  cj_elem_t *e = &w->path.el[w->depth - 1];
  if (len >= CJ_KEY_MAX)
    len = CJ_KEY_MAX - 1;
  memcpy(e->key, s, len);
  e->key[len] = 0;
  return 1;
}

static int on_end(void *c) {
  walk_t *w = c;
  w->depth--;
  if (w->depth > CJ_MAX_DEPTH || w->h->end == NULL)
    return 1;
  w->path.depth = w->depth;
  return w->h->end(w->ctx, &w->path) == 0;
}

static const yajl_callbacks walk_callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_bool,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_key,
    .yajl_end_map = on_end,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end,
};

static int all_space(const char *buf, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (buf[i] != ' ' && buf[i] != '\n' && buf[i] != '\r' && buf[i] != '\t')
      return 0;
  return 1;
}

cj_status_t cj_walk(const char *buf, size_t len, const cj_handler_t *h,
                    void *ctx, char *err, size_t errlen) {
  if (err != NULL && errlen > 0)
    err[0] = 0;
  if (buf == NULL || all_space(buf, len))
    return CJ_ERR_EMPTY;
  walk_t w = {.h = h, .ctx = ctx};
  yajl_handle y = yajl_alloc(&walk_callbacks, NULL, &w);
  if (y == NULL)
    return CJ_ERR_NOMEM;
  yajl_config(y, yajl_dont_validate_strings, 1);
  yajl_status st = yajl_parse(y, (const unsigned char *)buf, len);
  if (st == yajl_status_ok)
    st = yajl_complete_parse(y);
  cj_status_t ret = CJ_OK;
  if (st == yajl_status_client_canceled) {
    ret = CJ_ERR_HANDLER;
  } else if (st != yajl_status_ok) {
    ret = CJ_ERR_SYNTAX;
    if (err != NULL && errlen > 0) {
      unsigned char *msg = yajl_get_error(y, 0, NULL, 0);
      snprintf(err, errlen, "%s", msg ? (const char *)msg : "parse error");
      if (msg)
        yajl_free_error(y, msg);
      /* yajl's messages end with a newline. */
      size_t n = strlen(err);
      while (n > 0 && (err[n - 1] == '\n' || err[n - 1] == ' '))
        err[--n] = 0;
    }
  }
  yajl_free(y);
  return ret;
}

/* In enum order, CJ_OK first. */
static const char *const cj_errors[] = {"ok",
                                        "empty reply",
                                        "JSON syntax error",
                                        "unexpected JSON structure",
                                        "out of memory",
                                        "required member missing"};
ENUM_NAMES_CHECK(cj_errors, CJ_ERR_MISSING);

const char *cj_strerror(cj_status_t st) {
  return ENUM_NAME(cj_errors, st, "unknown error");
}

cj_status_t cj_finish(cj_status_t ret, int nomem, int found,
                      const char *missing, char *err, size_t errlen) {
  if (nomem)
    return CJ_ERR_NOMEM;
  if (ret != CJ_OK || found)
    return ret;
  if (err != NULL && errlen > 0)
    snprintf(err, errlen, "%s", missing);
  return CJ_ERR_MISSING;
}

int cj_key(const cj_path_t *p, int i, const char *k) {
  return i < p->depth && !p->el[i].is_index && p->el[i].key[0] == k[0] &&
         strcmp(p->el[i].key, k) == 0;
}

int cj_match(const cj_path_t *p, int depth, const char *k0, const char *k1,
             const char *k2, const char *k3) {
  const char *k[4] = {k0, k1, k2, k3};
  if (p->depth != depth)
    return 0;
  for (int i = 0; i < depth && i < 4; i++)
    if (k[i] != NULL && !cj_key(p, i, k[i]))
      return 0;
  return 1;
}

double cj_double(const cj_value_t *v) {
  if (v->type != CJ_NUMBER && v->type != CJ_STRING)
    return NAN;
  char tmp[64];
  if (v->len == 0 || v->len >= sizeof(tmp))
    return NAN;
  memcpy(tmp, v->s, v->len);
  tmp[v->len] = 0;
  char *end;
  errno = 0;
  double d = strtod(tmp, &end);
  if (end == tmp || *end != 0)
    return NAN;
  return d;
}

int cj_int64(const cj_value_t *v, int64_t *out) {
  if (v->type != CJ_NUMBER)
    return -1;
  char tmp[32];
  if (v->len == 0 || v->len >= sizeof(tmp))
    return -1;
  memcpy(tmp, v->s, v->len);
  tmp[v->len] = 0;
  char *end;
  errno = 0;
  long long ll = strtoll(tmp, &end, 10);
  if (end == tmp || *end != 0 || errno != 0)
    return -1;
  *out = (int64_t)ll;
  return 0;
}

int cj_streq(const cj_value_t *v, const char *s) {
  size_t n = strlen(s);
  return v->type == CJ_STRING && v->len == n && memcmp(v->s, s, n) == 0;
}

size_t cj_strcpy(const cj_value_t *v, char *buf, size_t size) {
  if (size == 0)
    return 0;
  size_t n = (v->type == CJ_STRING || v->type == CJ_NUMBER) ? v->len : 0;
  if (n >= size)
    n = size - 1;
  if (n > 0)
    memcpy(buf, v->s, n);
  buf[n] = 0;
  return n;
}

/* Store v into the field f of base. */
static void set_field(const cj_field_t *f, void *base, const cj_value_t *v) {
  void *at = (char *)base + f->off;
  switch (f->kind) {
  case CJ_F_NUMBER:
  case CJ_F_POSITIVE: {
    double d = cj_double(v);
    if (f->kind == CJ_F_POSITIVE && !(d > 0))
      d = NAN;
    *(double *)at = d;
    break;
  }
  case CJ_F_INT64:
    if (cj_int64(v, at) != 0)
      *(int64_t *)at = -1;
    break;
  case CJ_F_STRING:
    cj_strcpy(v, at, f->size);
    break;
  }
}

int cj_set_field(const cj_field_t *t, size_t n, const char *key, void *base,
                 const cj_value_t *v) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(t[i].key, key) == 0) {
      set_field(&t[i], base, v);
      return 1;
    }
  return 0;
}

int cj_push(void **v, size_t *n, size_t *cap, const void *e, size_t size) {
  if (*n == *cap) {
    size_t nc = *cap ? *cap * 2 : 16;
    void *nv = realloc(*v, nc * size);
    if (nv == NULL)
      return -1;
    *v = nv;
    *cap = nc;
  }
  memcpy((char *)*v + *n * size, e, size);
  (*n)++;
  return 0;
}

void cj_array_free(void **v, size_t *n, size_t *cap) {
  free(*v);
  *v = NULL;
  *n = *cap = 0;
}

const void *cj_find(const void *v, size_t n, size_t size, size_t id_off,
                    int64_t id) {
  for (size_t i = 0; i < n; i++) {
    const char *r = (const char *)v + i * size;
    if (*(const int64_t *)(r + id_off) == id)
      return r;
  }
  return NULL;
}

const void *cj_find_str(const void *v, size_t n, size_t size, size_t key_off,
                        const char *key) {
  for (size_t i = 0; i < n; i++) {
    const char *r = (const char *)v + i * size;
    if (strcmp(r + key_off, key) == 0)
      return r;
  }
  return NULL;
}

/* ----------------------------------------------------------- list replies */
/* The depth of the list's elements below p, or -1 (see cj_list_spec_t). */
static int list_at(const cj_list_spec_t *s, const cj_path_t *p) {
  if (s->at != NULL)
    return s->at(p);
  if (s->list != NULL)
    return cj_key(p, 0, s->list) ? 1 : -1;
  return p->depth >= 1 && p->el[0].is_index ? 0 : -1;
}

/* The id or a `members` field of the element at depth e: 1 if p was one. */
static int take_member(cj_list_t *l, const cj_path_t *p, int e,
                       const cj_value_t *v) {
  const cj_list_spec_t *s = l->spec;
  if (p->depth == e + 2 && cj_key(p, e + 1, s->id)) {
    l->have_id = cj_int64(v, (int64_t *)((char *)l->cur + s->id_off)) == 0;
    return 1;
  }
  for (size_t i = 0; i < s->n_members; i++) {
    const cj_members_t *m = &s->members[i];
    int d = m->in != NULL ? e + 3 : e + 2;
    if (p->depth == d && (m->in == NULL || cj_key(p, e + 1, m->in)) &&
        cj_set_field(m->fields, m->n, p->el[d - 1].key, l->cur, v))
      return 1;
  }
  return 0;
}

static int list_scalar(void *ctx, const cj_path_t *p, const cj_value_t *v) {
  cj_list_t *l = ctx;
  int e = list_at(l->spec, p);
  if (e >= 0 && p->depth >= e + 2 && take_member(l, p, e, v))
    return 0;
  return l->spec->scalar != NULL ? l->spec->scalar(l, p, e, v) : 0;
}

/* An element has ended: keep its record if it had an id, start a blank. */
static int element_end(cj_list_t *l) {
  const cj_list_spec_t *s = l->spec;
  if (l->have_id && cj_push(l->v, l->n, l->cap, l->cur, s->size) != 0)
    return l->nomem = 1;
  memcpy(l->cur, s->blank, s->size);
  l->have_id = 0;
  return 0;
}

static int list_end(void *ctx, const cj_path_t *p) {
  cj_list_t *l = ctx;
  int e = list_at(l->spec, p);
  if (l->spec->end != NULL && l->spec->end(l, p, e) != 0)
    return 1;
  if (e >= 0 && p->depth == e)
    l->seen = 1;
  else if (e >= 0 && p->depth == e + 1)
    return element_end(l);
  return 0;
}

cj_status_t cj_list_parse(const char *buf, size_t len,
                          const cj_list_spec_t *spec, void *ctx, void **v,
                          size_t *n, size_t *cap, char *err, size_t errlen) {
  cj_list_t l = {.spec = spec, .ctx = ctx, .v = v, .n = n, .cap = cap};
  *v = NULL;
  *n = *cap = 0;
  l.cur = malloc(spec->size);
  if (l.cur == NULL)
    return CJ_ERR_NOMEM;
  memcpy(l.cur, spec->blank, spec->size);
  cj_handler_t h = {.scalar = list_scalar, .end = list_end};
  cj_status_t ret = cj_walk(buf, len, &h, &l, err, errlen);
  int found = spec->found != NULL ? spec->found(&l) : l.seen;
  ret = cj_finish(ret, l.nomem, found, spec->missing, err, errlen);
  free(l.cur);
  if (ret != CJ_OK)
    cj_array_free(v, n, cap);
  return ret;
}
