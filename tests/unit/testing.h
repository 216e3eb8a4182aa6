/* SPDX-License-Identifier: MIT
 * testing.h - a tiny TAP test harness for the unit and plugin tests.
 *
 * Every check prints one TAP line ("ok N - what" / "not ok N - what"); the
 * automake TAP driver counts them, so each assertion is one test in the
 * suite's "N passed, N failed" line.  A test program ends with
 * `return testing_done();`, which prints the plan and returns the exit code.
 */
#ifndef TESTING_H
#define TESTING_H

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int testing_count;
static int testing_failed;

static inline int testing_report(int ok, const char *file, int line,
                                 const char *what) {
  testing_count++;
  if (!ok)
    testing_failed++;
  printf("%sok %d - %s\n", ok ? "" : "not ", testing_count, what);
  if (!ok)
    printf("# failed at %s:%d\n", file, line);
  fflush(stdout);
  return ok;
}

/* OK(cond): a boolean assertion; OK_MSG adds a description. */
#define OK(cond) testing_report(!!(cond), __FILE__, __LINE__, #cond)
#define OK_MSG(cond, msg) testing_report(!!(cond), __FILE__, __LINE__, msg)

#define EXPECT_EQ_INT(expect, actual)                                          \
  do {                                                                         \
    long long e_ = (long long)(expect), a_ = (long long)(actual);              \
    if (!testing_report(e_ == a_, __FILE__, __LINE__, #actual " == " #expect)) \
      printf("# expected %lld, got %lld\n", e_, a_);                           \
  } while (0)

#define EXPECT_EQ_STR(expect, actual)                                          \
  do {                                                                         \
    const char *e_ = (expect), *a_ = (actual);                                 \
    int ok_ = (e_ == NULL && a_ == NULL) ||                                    \
              (e_ != NULL && a_ != NULL && strcmp(e_, a_) == 0);               \
    if (!testing_report(ok_, __FILE__, __LINE__, #actual " == " #expect))      \
      printf("# expected \"%s\", got \"%s\"\n", e_ ? e_ : "(null)",            \
             a_ ? a_ : "(null)");                                              \
  } while (0)

/* Doubles: equal within an absolute tolerance; NaN equals NaN. */
#define EXPECT_NEAR(expect, actual, tol)                                       \
  do {                                                                         \
    double e_ = (expect), a_ = (actual);                                       \
    int ok_ = (isnan(e_) && isnan(a_)) || fabs(e_ - a_) <= (tol);              \
    if (!testing_report(ok_, __FILE__, __LINE__, #actual " ~= " #expect))      \
      printf("# expected %.12g, got %.12g (tolerance %g)\n", e_, a_,           \
             (double)(tol));                                                   \
  } while (0)

#define EXPECT_EQ_DOUBLE(expect, actual) EXPECT_NEAR(expect, actual, 1e-12)

/* EXPECT_NEAR for table-driven cases: `what` names the case. */
static inline void testing_near(double e, double a, double tol,
                                const char *what, const char *file,
                                int line) {
  int ok = (isnan(e) && isnan(a)) || fabs(e - a) <= tol;
  if (!testing_report(ok, file, line, what))
    printf("# expected %.12g, got %.12g (tolerance %g)\n", e, a, tol);
}
#define EXPECT_NEAR_MSG(expect, actual, tol, what)                             \
  testing_near(expect, actual, tol, what, __FILE__, __LINE__)

/* Print the TAP plan and return the process exit status. */
static inline int testing_done(void) {
  printf("1..%d\n", testing_count);
  return testing_failed == 0 ? 0 : 1;
}

/* testing_top(): the source tree (TOP_SRCDIR, set by make check; else "."). */
static inline const char *testing_top(void) {
  const char *top = getenv("TOP_SRCDIR");
  return top != NULL ? top : ".";
}

/* A growing text buffer: {NULL, 0, 0} to start, free(.buf) when done. */
typedef struct {
  char *buf;
  size_t len, cap;
} testing_buf_t;

/* Append printf-style text to b (NUL-terminated); exits when out of
 * memory. */
__attribute__((format(printf, 2, 3))) static inline void
testing_buf_printf(testing_buf_t *b, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b->buf != NULL ? b->buf + b->len : NULL, b->cap - b->len,
                      fmt, ap);
    va_end(ap);
    if (k >= 0 && (size_t)k < b->cap - b->len) {
      b->len += (size_t)k;
      return;
    }
    b->cap = b->cap * 2 + (size_t)(k > 0 ? k : 0) + 4096;
    b->buf = realloc(b->buf, b->cap);
    if (b->buf == NULL) {
      fprintf(stderr, "out of memory\n");
      exit(1);
    }
  }
}

/* The seed of a randomised test: the number in the environment variable
 * `env` if set, else `dflt`; printed so that a failing run can be
 * repeated. */
static inline unsigned long long testing_seed(const char *env,
                                              unsigned long long dflt) {
  const char *s = getenv(env);
  unsigned long long seed = s != NULL ? strtoull(s, NULL, 10) : dflt;
  printf("# seed %llu (%s=%llu to repeat)\n", seed, env, seed);
  return seed;
}

/* testing_slurp(&len, FMT, ...): the whole file at the path FMT builds,
 * NUL-terminated and malloc'd (NULL if it cannot be read); *len is its
 * size without the NUL. */
__attribute__((format(printf, 2, 3))) static inline char *
testing_slurp(size_t *len, const char *fmt, ...) {
  char path[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(path, sizeof(path), fmt, ap);
  va_end(ap);
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  size_t cap = 1 << 16, n = 0, r;
  char *b = malloc(cap);
  while (b != NULL && (r = fread(b + n, 1, cap - n - 1, f)) > 0) {
    n += r;
    if (n + 1 == cap) {
      char *nb = realloc(b, cap *= 2);
      if (nb == NULL)
        free(b);
      b = nb;
    }
  }
  fclose(f);
  if (b != NULL)
    b[n] = '\0';
  *len = n;
  return b;
}

#endif /* TESTING_H */
