/* SPDX-License-Identifier: MIT
 * row_kind - compiled by tests/compile/row_kind.sh, never linked: a metric
 * table row whose field type does not match its kind must not compile
 * (cdu_dispatch_table reads a double for GAUGE, an int64_t for DERIVE).
 * Exactly one ROW_* macro selects the row under test; ROW_TSV takes the
 * rows from row_kind_metrics.h, which row_kind.sh generates from a TSV with
 * scripts/gen-metric-tables.py --c-header (as the build does for plugins/).
 */
#include "plugins/cdutil.h"

typedef struct {
  double value_s; /* a gauge field */
  int64_t events; /* a counter field */
} row_kind_snap_t;

#if defined(ROW_TSV)
#include "row_kind_metrics.h"
#else
static const cdu_metric_t rows[] = {
#if defined(ROW_GAUGE_DOUBLE)
    {"gauge", "x", CDU_FIELD(GAUGE, row_kind_snap_t, value_s), "s", "ok"},
#elif defined(ROW_DERIVE_INT64)
    {"total_events", "x", CDU_FIELD(DERIVE, row_kind_snap_t, events), "count",
     "ok"},
#elif defined(ROW_GAUGE_INT64)
    {"gauge", "x", CDU_FIELD(GAUGE, row_kind_snap_t, events), "s", "wrong"},
#elif defined(ROW_DERIVE_DOUBLE)
    {"total_events", "x", CDU_FIELD(DERIVE, row_kind_snap_t, value_s), "count",
     "wrong"},
#endif
};
#endif

/* The checked offset is the plain offset. */
_Static_assert(CDU_GAUGE_AT(row_kind_snap_t, value_s) ==
                   offsetof(row_kind_snap_t, value_s),
               "CDU_GAUGE_AT is offsetof");
_Static_assert(CDU_DERIVE_AT(row_kind_snap_t, events) ==
                   offsetof(row_kind_snap_t, events),
               "CDU_DERIVE_AT is offsetof");

const cdu_metric_t *row_kind_rows(void);
const cdu_metric_t *row_kind_rows(void) { return rows; }
