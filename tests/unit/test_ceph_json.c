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
 * non-number), CJ_F_POSITIVE turns 0 into NaN, other keys change nothing. */
static void test_set_field(void) {
  typedef struct {
    double a, quota;
  } two_t;
  static const cj_field_t t[] = {CJ_FIELD(two_t, a, CJ_F_NUMBER),
                                 CJ_FIELD(two_t, quota, CJ_F_POSITIVE)};
  two_t x = {1, 1};
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

int main(void) {
  test_finish();
  test_set_field();
  test_push();
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
