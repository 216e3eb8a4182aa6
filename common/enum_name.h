/* SPDX-License-Identifier: MIT
 * enum_name - the text of an enum value, from a table of strings in enum
 * order (the value indexes the table).  Pure.
 */
#ifndef CDS_ENUM_NAME_H
#define CDS_ENUM_NAME_H

#include <stddef.h>

/* table[v] when 0 <= v < n, else `unknown`. */
static inline const char *enum_name(const char *const *table, size_t n,
                                    long v, const char *unknown) {
  return v >= 0 && (size_t)v < n ? table[v] : unknown;
}

#define ENUM_NAMES_COUNT(table) (sizeof(table) / sizeof((table)[0]))

/* The name of value v (0 .. last) from an array `table`. */
#define ENUM_NAME(table, v, unknown)                                           \
  enum_name((table), ENUM_NAMES_COUNT(table), (long)(v), (unknown))

/* Compile-time check: `table` has one name per value 0 .. last. */
#define ENUM_NAMES_CHECK(table, last)                                          \
  _Static_assert(ENUM_NAMES_COUNT(table) == (size_t)(last) + 1,                \
                 #table ": one name per value, in enum order")

#endif
