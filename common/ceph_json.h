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

/* Number members copied into a struct: the double at byte offset `off`
 * gets cj_double() of the member `key`.  CJ_F_POSITIVE: Ceph's 0 means
 * "none" (a quota), so 0 or less gives NaN. */
typedef enum { CJ_F_NUMBER, CJ_F_POSITIVE } cj_field_kind_t;
typedef struct {
  const char *key;
  size_t off;
  cj_field_kind_t kind;
} cj_field_t;
#define CJ_FIELD(type, member, kind) {#member, offsetof(type, member), kind}
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

#endif
