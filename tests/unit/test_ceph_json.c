/* SPDX-License-Identifier: MIT
 * ceph_json: the streaming walk reports every scalar with its path, the end
 * of every container, and fails cleanly on bad input. */
#include "common/ceph_json.h"
#include "tests/unit/testing.h"

typedef struct {
  char log[2048];
} rec_t;

static void path_str(const cj_path_t *p, char *buf, size_t size) {
  size_t n = 0;
  buf[0] = 0;
  for (int i = 0; i < p->depth && n < size; i++)
    n += (size_t)(p->el[i].is_index
                      ? snprintf(buf + n, size - n, "[%ld]", p->el[i].index)
                      : snprintf(buf + n, size - n, ".%s", p->el[i].key));
}

static int on_scalar(void *ctx, const cj_path_t *p, const cj_value_t *v) {
  rec_t *r = ctx;
  char ps[256], val[64];
  path_str(p, ps, sizeof(ps));
  if (v->type == CJ_BOOL)
    snprintf(val, sizeof(val), "%s", v->b ? "true" : "false");
  else if (v->type == CJ_NULL)
    snprintf(val, sizeof(val), "null");
  else
    cj_strcpy(v, val, sizeof(val));
  size_t n = strlen(r->log);
  snprintf(r->log + n, sizeof(r->log) - n, "%s=%s;", ps, val);
  return 0;
}

static int on_end(void *ctx, const cj_path_t *p) {
  rec_t *r = ctx;
  char ps[256];
  path_str(p, ps, sizeof(ps));
  size_t n = strlen(r->log);
  snprintf(r->log + n, sizeof(r->log) - n, "end%s;", ps);
  return 0;
}

static int stop_at_b(void *ctx, const cj_path_t *p, const cj_value_t *v) {
  (void)ctx;
  (void)v;
  return cj_key(p, 0, "b");
}

/* cj_finish: out of memory first, then a reply without what identifies
 * it (its text into err), else the walk's own status. */
static void test_finish(void) {
  char err[64] = "";
  EXPECT_EQ_INT(CJ_ERR_NOMEM,
                cj_finish(CJ_ERR_HANDLER, 1, 0, "no x", err, sizeof err));
  EXPECT_EQ_STR("", err);
  EXPECT_EQ_INT(CJ_ERR_SYNTAX,
                cj_finish(CJ_ERR_SYNTAX, 0, 0, "no x", err, sizeof err));
  EXPECT_EQ_INT(CJ_OK, cj_finish(CJ_OK, 0, 1, "no x", err, sizeof err));
  EXPECT_EQ_STR("", err);
  EXPECT_EQ_INT(CJ_ERR_MISSING,
                cj_finish(CJ_OK, 0, 0, "no x in the reply", err, sizeof err));
  EXPECT_EQ_STR("no x in the reply", err);
  EXPECT_EQ_INT(CJ_ERR_MISSING, cj_finish(CJ_OK, 0, 0, "no x", NULL, 0));
}

/* The key->field table: a match sets the double at its offset (NaN for a
 * non-number), CJ_F_POSITIVE turns 0 into NaN, CJ_F_INT64 gets -1 for
 * anything but an integer, CJ_F_STRING is truncated into its array; other
 * keys change nothing. */
static void test_set_field(void) {
  typedef struct {
    double a, quota;
    int64_t rule;
    char name[4];
  } two_t;
  static const cj_field_t t[] = {
      CJ_FIELD(two_t, a, CJ_F_NUMBER), CJ_FIELD(two_t, quota, CJ_F_POSITIVE),
      CJ_MEMBER("crush_rule", two_t, rule, CJ_F_INT64),
      CJ_FIELD(two_t, name, CJ_F_STRING)};
  two_t x = {1, 1, 7, "x"};
  cj_value_t num = {CJ_NUMBER, "2.5", 3, 0};
  cj_value_t zero = {CJ_NUMBER, "0", 1, 0};
  cj_value_t str = {CJ_STRING, "abc", 3, 0};
  EXPECT_EQ_INT(1, cj_set_field(t, CJ_NFIELDS(t), "a", &x, &num));
  EXPECT_EQ_DOUBLE(2.5, x.a);
  EXPECT_EQ_INT(1, cj_set_field(t, CJ_NFIELDS(t), "quota", &x, &num));
  EXPECT_EQ_DOUBLE(2.5, x.quota);
  EXPECT_EQ_INT(1, cj_set_field(t, CJ_NFIELDS(t), "quota", &x, &zero));
  OK(isnan(x.quota));
  EXPECT_EQ_INT(0, cj_set_field(t, CJ_NFIELDS(t), "b", &x, &zero));
  EXPECT_EQ_DOUBLE(2.5, x.a);
  EXPECT_EQ_INT(1, cj_set_field(t, CJ_NFIELDS(t), "a", &x, &str));
  OK(isnan(x.a));
  EXPECT_EQ_INT(1, cj_set_field(t, CJ_NFIELDS(t), "crush_rule", &x, &zero));
  EXPECT_EQ_INT(0, x.rule);
  EXPECT_EQ_INT(1, cj_set_field(t, CJ_NFIELDS(t), "crush_rule", &x, &num));
  EXPECT_EQ_INT(-1, x.rule);
  EXPECT_EQ_INT(0, cj_set_field(t, CJ_NFIELDS(t), "rule", &x, &zero));
  EXPECT_EQ_INT(-1, x.rule);
  cj_value_t longer = {CJ_STRING, "abcdef", 6, 0};
  EXPECT_EQ_INT(1, cj_set_field(t, CJ_NFIELDS(t), "name", &x, &longer));
  EXPECT_EQ_STR("abc", x.name);
}

/* ------------------------------------------------------ cj_list_parse */
typedef struct {
  int64_t id;
  double a, q; /* q: in the element's "sub" object, 0 = none */
  char name[8];
} item_t;

static const item_t item_blank = {-1, NAN, NAN, ""};
static const cj_field_t item_own[] = {CJ_FIELD(item_t, a, CJ_F_NUMBER),
                                      CJ_FIELD(item_t, name, CJ_F_STRING)};
static const cj_field_t item_sub[] = {CJ_FIELD(item_t, q, CJ_F_POSITIVE)};
static const cj_members_t item_members[] = {
    {NULL, item_own, CJ_NFIELDS(item_own)},
    {"sub", item_sub, CJ_NFIELDS(item_sub)},
};

/* What the hooks saw: the scalars left to them, with the depth of the
 * list's elements (-1 outside the list), and the elements' ends. */
typedef struct {
  char log[256];
  int elem_ends;
} hooks_t;

static int item_scalar(cj_list_t *l, const cj_path_t *p, int e,
                       const cj_value_t *v) {
  hooks_t *h = l->ctx;
  char val[16];
  cj_strcpy(v, val, sizeof(val));
  size_t n = strlen(h->log);
  snprintf(h->log + n, sizeof(h->log) - n, "%s@%d/%d=%s;",
           p->el[p->depth - 1].key, p->depth, e, val);
  return 0;
}

static int item_end(cj_list_t *l, const cj_path_t *p, int e) {
  hooks_t *h = l->ctx;
  h->elem_ends += e >= 0 && p->depth == e + 1;
  return 0;
}

static const cj_list_spec_t item_spec = {
    .list = "items",
    CJ_RECORDS(item_t, "id", id, item_blank),
    CJ_MEMBERS(item_members),
    .scalar = item_scalar,
    .end = item_end,
    .missing = "no items in the reply",
};

typedef CJ_LIST_OF(item_t) items_t;

static cj_status_t parse_items(const cj_list_spec_t *s, const char *doc,
                               items_t *out, void *ctx, char *err,
                               size_t errlen) {
  *out = (items_t){(item_t *)1, 99, 99}; /* cj_list_parse starts it empty */
  return cj_list_parse(doc, strlen(doc), s, ctx, CJ_ARRAY(out), err, errlen);
}

/* Members into records, blank between elements, an element without its
 * integer id dropped, the rest to the hooks. */
static void test_list_records(void) {
  items_t it;
  hooks_t h = {{0}, 0};
  const char *doc =
      "{\"top\":1,\"items\":[{\"a\":2.5,\"id\":4,\"name\":\"osd.4\","
      "\"sub\":{\"q\":0,\"a\":9},\"x\":{\"a\":8}},"
      "{\"id\":5,\"sub\":{\"q\":3},\"other\":\"y\"},"
      "{\"id\":\"6\",\"a\":1},{\"id\":7.5},{\"a\":3},"
      "{\"name\":\"longer than 8\",\"id\":-2,\"a\":\"x\"}]}";
  EXPECT_EQ_INT(CJ_OK, parse_items(&item_spec, doc, &it, &h, NULL, 0));
  EXPECT_EQ_INT(3, it.n);
  if (it.n == 3) {
    EXPECT_EQ_INT(4, it.v[0].id);
    EXPECT_EQ_DOUBLE(2.5, it.v[0].a);
    EXPECT_EQ_STR("osd.4", it.v[0].name);
    OK_MSG(isnan(it.v[0].q), "CJ_F_POSITIVE in a sub object: 0 is none");
    EXPECT_EQ_INT(5, it.v[1].id);
    OK_MSG(isnan(it.v[1].a), "the next element starts blank");
    EXPECT_EQ_STR("", it.v[1].name);
    EXPECT_EQ_DOUBLE(3, it.v[1].q);
    EXPECT_EQ_INT(-2, it.v[2].id);
    OK_MSG(isnan(it.v[2].a), "a string where a number belongs is NaN");
    EXPECT_EQ_STR("longer ", it.v[2].name);
  }
  EXPECT_EQ_STR("top@1/-1=1;a@4/1=9;a@4/1=8;other@3/1=y;", h.log);
  EXPECT_EQ_INT(6, h.elem_ends);
  cj_array_free((void **)&it.v, &it.n, &it.cap);
}

/* No list: the spec's reason; a list that is not there as a list but
 * ends (an object) counts as there; a broken reply leaves no array. */
static void test_list_errors(void) {
  items_t it;
  char err[64];
  EXPECT_EQ_INT(CJ_ERR_MISSING,
                parse_items(&item_spec, "{\"item\":[]}", &it,
                            &(hooks_t){{0}, 0}, err, sizeof(err)));
  EXPECT_EQ_STR("no items in the reply", err);
  EXPECT_EQ_INT(CJ_ERR_MISSING,
                parse_items(&item_spec, "{\"items\":3}", &it,
                            &(hooks_t){{0}, 0}, err, sizeof(err)));
  EXPECT_EQ_INT(CJ_OK, parse_items(&item_spec, "{\"items\":[]}", &it,
                                   &(hooks_t){{0}, 0}, err, sizeof(err)));
  EXPECT_EQ_INT(0, it.n);
  EXPECT_EQ_INT(CJ_ERR_SYNTAX,
                parse_items(&item_spec, "{\"items\":[{\"id\":1},{\"id\":2}",
                            &it, &(hooks_t){{0}, 0}, err, sizeof(err)));
  OK_MSG(it.v == NULL && it.n == 0 && it.cap == 0,
         "a truncated reply frees what it had read");
  EXPECT_EQ_INT(
      CJ_ERR_EMPTY,
      parse_items(&item_spec, " ", &it, &(hooks_t){{0}, 0}, err, sizeof(err)));
}

static int item_found(const cj_list_t *l) { return *l->n > 0; }

/* A reply that is the list itself; `found` replaces "the list ended". */
static void test_list_bare(void) {
  cj_list_spec_t s = item_spec;
  s.list = NULL;
  s.found = item_found;
  items_t it;
  hooks_t h = {{0}, 0};
  EXPECT_EQ_INT(CJ_OK, parse_items(&s, "[{\"id\":1,\"a\":2},{\"a\":3}]", &it,
                                   &h, NULL, 0));
  EXPECT_EQ_INT(1, it.n);
  EXPECT_EQ_DOUBLE(2, it.n == 1 ? it.v[0].a : NAN);
  EXPECT_EQ_INT(2, h.elem_ends);
  cj_array_free((void **)&it.v, &it.n, &it.cap);
  EXPECT_EQ_INT(CJ_ERR_MISSING,
                parse_items(&s, "[{\"a\":3}]", &it, &h, NULL, 0));
  h.log[0] = 0;
  EXPECT_EQ_INT(CJ_ERR_MISSING,
                parse_items(&s, "{\"x\":{\"id\":1}}", &it, &h, NULL, 0));
  EXPECT_EQ_STR("id@2/-1=1;", h.log);
}

/* 100000 elements: all kept, in order, through the array's growth. */
static void test_list_huge(void) {
  enum { N = 100000 };
  size_t cap = 32 + (size_t)N * 24;
  char *doc = malloc(cap);
  if (doc == NULL) {
    OK_MSG(0, "malloc");
    return;
  }
  size_t len = (size_t)snprintf(doc, cap, "{\"items\":[");
  for (int i = 0; i < N; i++)
    len += (size_t)snprintf(doc + len, cap - len, "%s{\"id\":%d,\"a\":%d}",
                            i ? "," : "", i, 2 * i);
  snprintf(doc + len, cap - len, "]}");
  items_t it;
  EXPECT_EQ_INT(CJ_OK,
                parse_items(&item_spec, doc, &it, &(hooks_t){{0}, 0}, NULL, 0));
  EXPECT_EQ_INT(N, it.n);
  int wrong = 0;
  for (size_t i = 0; i < it.n; i++)
    wrong += it.v[i].id != (int64_t)i || it.v[i].a != 2.0 * (double)i;
  EXPECT_EQ_INT(0, wrong);
  cj_array_free((void **)&it.v, &it.n, &it.cap);
  free(doc);
}

/* cj_push keeps every element across the growth steps (16, 32, 64). */
static void test_push(void) {
  int64_t *v = NULL;
  size_t n = 0, cap = 0;
  int bad = 0;
  for (int64_t i = 0; i < 40; i++)
    bad += cj_push((void **)&v, &n, &cap, &i, sizeof(i)) != 0;
  EXPECT_EQ_INT(0, bad);
  EXPECT_EQ_INT(40, n);
  EXPECT_EQ_INT(64, cap);
  int wrong = 0;
  for (size_t i = 0; i < n; i++)
    wrong += v[i] != (int64_t)i;
  EXPECT_EQ_INT(0, wrong);
  cj_array_free((void **)&v, &n, &cap);
  OK(v == NULL && n == 0 && cap == 0);
}

/* cj_find: the first record with the id, NULL when none has it. */
static void test_find(void) {
  typedef struct {
    double x;
    int64_t id;
  } rec_id_t;
  const rec_id_t r[] = {{1, 7}, {2, -3}, {3, 7}};
  const rec_id_t *f = cj_find(r, 3, sizeof(r[0]), offsetof(rec_id_t, id), 7);
  OK_MSG(f == &r[0], "the first of two with id 7");
  f = cj_find(r, 3, sizeof(r[0]), offsetof(rec_id_t, id), -3);
  OK_MSG(f == &r[1], "id -3");
  OK(cj_find(r, 3, sizeof(r[0]), offsetof(rec_id_t, id), 2) == NULL);
  OK(cj_find(r, 0, sizeof(r[0]), offsetof(rec_id_t, id), 7) == NULL);
}

/* cj_find_str: the first record whose char array equals the key. */
static void test_find_str(void) {
  typedef struct {
    int x;
    char name[8];
  } rec_name_t;
  const rec_name_t r[] = {{1, "a"}, {2, "mon.b"}, {3, "mon.b"}};
  const size_t off = offsetof(rec_name_t, name);
  OK_MSG(cj_find_str(r, 3, sizeof(r[0]), off, "mon.b") == &r[1],
         "the first of two named mon.b");
  OK(cj_find_str(r, 3, sizeof(r[0]), off, "a") == &r[0]);
  OK(cj_find_str(r, 3, sizeof(r[0]), off, "mon.") == NULL);
  OK(cj_find_str(r, 1, sizeof(r[0]), off, "mon.b") == NULL);
}

int main(void) {
  test_finish();
  test_set_field();
  test_push();
  test_list_records();
  test_list_errors();
  test_list_bare();
  test_list_huge();
  test_find();
  test_find_str();
  cj_handler_t h = {.scalar = on_scalar, .end = on_end};
  rec_t r = {{0}};
  const char *doc = "{\"a\":1,\"b\":[true,null,{\"c\":\"x\"}],\"d\":{}}";
  EXPECT_EQ_INT(CJ_OK, cj_walk(doc, strlen(doc), &h, &r, NULL, 0));
  EXPECT_EQ_STR(".a=1;.b[0]=true;.b[1]=null;.b[2].c=x;end.b[2];end.b;"
                "end.d;end;",
                r.log);

  /* Arrays of arrays: indices are per array. */
  r.log[0] = 0;
  const char *aa = "[[1,2],[3]]";
  EXPECT_EQ_INT(CJ_OK, cj_walk(aa, strlen(aa), &h, &r, NULL, 0));
  EXPECT_EQ_STR("[0][0]=1;[0][1]=2;end[0];[1][0]=3;end[1];end;", r.log);

  /* Errors. */
  char err[128];
  EXPECT_EQ_INT(CJ_ERR_EMPTY, cj_walk("", 0, &h, &r, err, sizeof(err)));
  EXPECT_EQ_INT(CJ_ERR_EMPTY, cj_walk(" \n", 2, &h, &r, err, sizeof(err)));
  EXPECT_EQ_INT(CJ_ERR_EMPTY, cj_walk(NULL, 0, &h, &r, err, sizeof(err)));
  EXPECT_EQ_INT(CJ_ERR_SYNTAX,
                cj_walk("{\"a\":", 5, &h, &r, err, sizeof(err)));
  OK_MSG(err[0] != 0, "a syntax error comes with a message");
  EXPECT_EQ_INT(CJ_ERR_SYNTAX, cj_walk("{\"a\":1}}", 8, &h, &r, err,
                                        sizeof(err)));
  EXPECT_EQ_INT(CJ_ERR_SYNTAX, cj_walk("not json", 8, &h, &r, err,
                                        sizeof(err)));
  cj_handler_t hs = {.scalar = stop_at_b};
  EXPECT_EQ_INT(CJ_ERR_HANDLER, cj_walk(doc, strlen(doc), &hs, NULL, NULL, 0));
  EXPECT_EQ_STR("JSON syntax error", cj_strerror(CJ_ERR_SYNTAX));

  /* Deeper than CJ_MAX_DEPTH: skipped, the walk still succeeds and the
   * shallower values after it keep their paths. */
  char deep[256];
  size_t dn = (size_t)snprintf(deep, sizeof(deep), "{\"x\":");
  for (int i = 0; i < CJ_MAX_DEPTH + 3; i++)
    deep[dn++] = '[';
  deep[dn++] = '7';
  for (int i = 0; i < CJ_MAX_DEPTH + 3; i++)
    deep[dn++] = ']';
  snprintf(deep + dn, sizeof(deep) - dn, ",\"y\":2}");
  cj_handler_t hn = {.scalar = on_scalar};
  r.log[0] = 0;
  EXPECT_EQ_INT(CJ_OK, cj_walk(deep, strlen(deep), &hn, &r, NULL, 0));
  EXPECT_EQ_STR(".y=2;", r.log);

  /* Long keys are truncated, not overflowed. */
  char longkey[200];
  snprintf(longkey, sizeof(longkey), "{\"%0150d\":5}", 0);
  r.log[0] = 0;
  EXPECT_EQ_INT(CJ_OK, cj_walk(longkey, strlen(longkey), &hn, &r, NULL, 0));
  EXPECT_EQ_INT(1 + (CJ_KEY_MAX - 1) + 3, strlen(r.log)); /* ".<63>=5;" */

  /* Values. */
  cj_value_t n = {.type = CJ_NUMBER, .s = "0.85000002384185791", .len = 19};
  EXPECT_NEAR(0.85, cj_double(&n), 1e-7);
  int64_t i64 = 0;
  EXPECT_EQ_INT(-1, cj_int64(&n, &i64));
  cj_value_t ni = {.type = CJ_NUMBER, .s = "-42", .len = 3};
  EXPECT_EQ_INT(0, cj_int64(&ni, &i64));
  EXPECT_EQ_INT(-42, i64);
  cj_value_t s = {.type = CJ_STRING, .s = "abc", .len = 3};
  OK(isnan(cj_double(&s)));
  OK(cj_streq(&s, "abc") && !cj_streq(&s, "ab") && !cj_streq(&s, "abcd"));
  char small[3];
  EXPECT_EQ_INT(2, cj_strcpy(&s, small, sizeof(small)));
  EXPECT_EQ_STR("ab", small);
  cj_value_t b = {.type = CJ_BOOL, .b = 1};
  OK(isnan(cj_double(&b)));
  return testing_done();
}
