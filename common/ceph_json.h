/* SPDX-License-Identifier: MIT
 * ceph_json - a streaming walk over a JSON document with yajl's callback
 * parser: the handler sees every scalar together with its path from the
 * root (map keys and array indices), and the end of every map and array.
 * Nothing of the document is kept, so the memory a walk needs does not grow
 * with the document (a `pg dump` of 100k PGs is walked in constant space).
 *
 * Pure: buffer in, callbacks out; no I/O, no globals.
 */
#ifndef CDS_CEPH_JSON_H
#define CDS_CEPH_JSON_H

#include <stddef.h>
#include <stdint.h>

#define CJ_MAX_DEPTH 12 /* deeper values are skipped */
#define CJ_KEY_MAX 64   /* longer keys are truncated */

typedef struct {
  int is_index;         /* 1: array element `index`; 0: map member `key` */
  long index;
  char key[CJ_KEY_MAX];
} cj_elem_t;

typedef struct {
  int depth; /* number of valid elements in el[] */
  cj_elem_t el[CJ_MAX_DEPTH];
} cj_path_t;

typedef enum { CJ_NULL, CJ_BOOL, CJ_NUMBER, CJ_STRING } cj_type_t;

typedef struct {
  cj_type_t type;
  const char *s; /* CJ_NUMBER: the number's text; CJ_STRING: the string */
  size_t len;    /* (not NUL-terminated) */
  int b;         /* CJ_BOOL */
} cj_value_t;

typedef struct {
  /* A scalar at `p`.  Return non-zero to stop the walk (an error). */
  int (*scalar)(void *ctx, const cj_path_t *p, const cj_value_t *v);
  /* The map or array at `p` has ended (depth 0: the document).  May be NULL. */
  int (*end)(void *ctx, const cj_path_t *p);
} cj_handler_t;

typedef enum {
  CJ_OK = 0,
  CJ_ERR_EMPTY,   /* no document at all (only white space) */
  CJ_ERR_SYNTAX,  /* not JSON, or truncated */
  CJ_ERR_HANDLER, /* the handler stopped the walk */
  CJ_ERR_NOMEM,
  CJ_ERR_MISSING, /* valid JSON, but a required member is missing */
} cj_status_t;

/* "ok", "empty reply", "JSON syntax error", ... */
const char *cj_strerror(cj_status_t st);

/* Walk buf[0..len).  On a syntax error a short description is copied into
 * err (may be NULL). */
cj_status_t cj_walk(const char *buf, size_t len, const cj_handler_t *h,
                    void *ctx, char *err, size_t errlen);

/* The end of a parse: ret from cj_walk, then CJ_ERR_NOMEM when the
 * handlers ran out of memory (nomem != 0), CJ_ERR_MISSING with `missing`
 * copied into err (may be NULL) when the walk succeeded but did not find
 * what makes the reply the expected one (found == 0). */
cj_status_t cj_finish(cj_status_t ret, int nomem, int found,
                      const char *missing, char *err, size_t errlen);

/* Path matching: 1 if element i of p is the map key k. */
int cj_key(const cj_path_t *p, int i, const char *k);
/* 1 if p has exactly the given depth and the keys match (NULL = any
 * element, array index or key). */
int cj_match(const cj_path_t *p, int depth, const char *k0, const char *k1,
             const char *k2, const char *k3);

/* A number (or a numeric string) as double; NaN otherwise. */
double cj_double(const cj_value_t *v);
/* A number as int64: 0 on success, -1 if not an integer. */
int cj_int64(const cj_value_t *v, int64_t *out);
/* 1 if a string value equals s. */
int cj_streq(const cj_value_t *v, const char *s);
/* Copy a string value into buf (truncated, NUL-terminated); returns len. */
size_t cj_strcpy(const cj_value_t *v, char *buf, size_t size);

/* Members copied into a struct: the field at byte offset `off` (of `size`
 * bytes) gets the member `key` as `kind` says:
 *   CJ_F_NUMBER   double, cj_double() (NaN for anything but a number);
 *   CJ_F_POSITIVE double, as NUMBER but 0 or less gives NaN (Ceph's 0 means
 *                 "none": a quota);
 *   CJ_F_INT64    int64_t, cj_int64(), -1 for anything but an integer;
 *   CJ_F_STRING   char[size], cj_strcpy() (truncated). */
typedef enum {
  CJ_F_NUMBER,
  CJ_F_POSITIVE,
  CJ_F_INT64,
  CJ_F_STRING
} cj_field_kind_t;
typedef struct {
  const char *key;
  size_t off;
  cj_field_kind_t kind;
  size_t size;
} cj_field_t;
#define CJ_MEMBER(key, type, member, kind)                                     \
  {key, offsetof(type, member), kind, sizeof(((type *)0)->member)}
#define CJ_FIELD(type, member, kind) CJ_MEMBER(#member, type, member, kind)
#define CJ_NFIELDS(t) (sizeof(t) / sizeof((t)[0]))

/* Set the field of `base` that `key` names in t[0..n); 1 if one did. */
int cj_set_field(const cj_field_t *t, size_t n, const char *key, void *base,
                 const cj_value_t *v);

/* The arrays the parsers fill: append the `size`-byte *e to *v (*n
 * elements, room for *cap; grown by doubling).  0, or -1 when out of
 * memory (*v unchanged). */
int cj_push(void **v, size_t *n, size_t *cap, const void *e, size_t size);
/* Free such an array; *v = NULL, *n = *cap = 0. */
void cj_array_free(void **v, size_t *n, size_t *cap);
/* The first of the n `size`-byte records at v whose int64_t at byte offset
 * id_off is id, or NULL. */
const void *cj_find(const void *v, size_t n, size_t size, size_t id_off,
                    int64_t id);
/* The same for the NUL-terminated char array at key_off equal to key. */
const void *cj_find_str(const void *v, size_t n, size_t size, size_t key_off,
                        const char *key);

/* ------------------------------------------------------- list replies
 * Most replies are, or hold, a list of objects read into an array of
 * records (`osd df` nodes, `df` pools, `osd pool stats`, ...).  Each
 * element of the list is read into a record that starts as `blank`: its
 * integer member `id` into the int64_t at `id_off`, the members that
 * `members` names through cj_set_field.  When the element ends, the record
 * is appended to the array if it had an integer id.  What is special to a
 * reply is done by the hooks. */

/* The members of an element that fields[0..n) names: those of its object
 * member `in`, or its own members when `in` is NULL. */
typedef struct {
  const char *in;
  const cj_field_t *fields;
  size_t n;
} cj_members_t;

typedef struct cj_list cj_list_t;

typedef struct {
  /* Where the list is: the reply's member `list`, or the reply itself when
   * `list` is NULL; or, when `at` is set, where `at` finds it: the depth of
   * the list's elements in p (p->el[e] is an element's index), -1 when p is
   * not at or below the list. */
  const char *list;
  int (*at)(const cj_path_t *p);
  const char *id;
  size_t id_off;
  size_t size;       /* of a record */
  const void *blank; /* a record before its element is read */
  const cj_members_t *members;
  size_t n_members;
  /* Hooks (each may be NULL; non-zero stops the walk).  e is the depth of
   * the list's elements (as above), -1 when p is not at or below the list.  scalar: a
   * scalar that is not the id nor in `members`; end: any map or array end,
   * before an element's record is appended (p->depth == e + 1). */
  int (*scalar)(cj_list_t *l, const cj_path_t *p, int e, const cj_value_t *v);
  int (*end)(cj_list_t *l, const cj_path_t *p, int e);
  /* Whether the reply is the expected one; NULL: the list ended (l->seen). */
  int (*found)(const cj_list_t *l);
  const char *missing; /* the reason when it is not */
} cj_list_spec_t;

struct cj_list {
  const cj_list_spec_t *spec;
  void *ctx; /* the parser's own state (cj_list_parse's ctx) */
  void **v;  /* the array: *n records, room for *cap */
  size_t *n, *cap;
  void *cur;   /* the record being read */
  int have_id; /* cur has an integer id */
  int nomem;   /* set (and return non-zero) when out of memory */
  int seen;    /* the list has ended */
};

/* The record part of a cj_list_spec_t initializer: records of `type`, whose
 * int64_t `member` is the element's member `key`, each starting as the
 * `type` object `blank_obj`; and the fields they read, the array `m`. */
#define CJ_RECORDS(type, key, member, blank_obj)                               \
  .id = key, .id_off = offsetof(type, member), .size = sizeof(type),           \
  .blank = &(blank_obj)
#define CJ_MEMBERS(m) .members = m, .n_members = CJ_NFIELDS(m)
/* ... or the one group of fields t of the element's object member `in`, or
 * of the element itself. */
#define CJ_MEMBERS_IN(in, t)                                                   \
  .members = (const cj_members_t[]){{in, t, CJ_NFIELDS(t)}}, .n_members = 1
#define CJ_OWN_MEMBERS(t) CJ_MEMBERS_IN(NULL, t)
/* A list of records of type T, as cj_list_parse fills it; CJ_ARRAY(a) are
 * its arguments (v, n, cap) to cj_list_parse, cj_push and cj_array_free. */
#define CJ_LIST_OF(T)                                                          \
  struct {                                                                     \
    T *v;                                                                      \
    size_t n, cap;                                                             \
  }
#define CJ_ARRAY(a) (void **)&(a)->v, &(a)->n, &(a)->cap

/* Walk buf into the array (*v, *n, *cap; started empty here) and end it as
 * cj_finish does with spec->missing.  On failure the array is freed. */
cj_status_t cj_list_parse(const char *buf, size_t len,
                          const cj_list_spec_t *spec, void *ctx, void **v,
                          size_t *n, size_t *cap, char *err, size_t errlen);

#endif
