/* SPDX-License-Identifier: MIT
 * Golden tests on JSON recorded from a real Ceph 16.2 cluster
 * (tests/data/ceph_health/STATE/CMD.json, see PROVENANCE.md there): every
 * parser and aggregation runs on each state and prints canonical lines
 * ("section key=value", %.9g, no time, stable order), which are diffed
 * against STATE/expected.chk.  The .chk files were reviewed by hand
 * against the raw JSON and are cross-checked by an independent reader in
 * python (tests/integration/ceph_health_golden_ref.py, run by the golden
 * shell test).  Rebuild after an intended change with
 *   tests/unit/test_ceph_golden -b     (then review `git diff`).
 */
#include "common/ceph_osd.h"
#include "common/ceph_pgs.h"
#include "common/ceph_quorum.h"
#include "common/ceph_status.h"
#include "tests/unit/testing.h"

#include <dirent.h>
#include <stdarg.h>
#include <sys/stat.h>

#define GOLDEN_STUCK_AGE 5.0 /* s, as a plugin with StuckAge 5 would */

typedef testing_buf_t out_t;

static char *slurp(const char *dir, const char *name, size_t *len) {
  return testing_slurp(len, "%s/%s", dir, name);
}

static void dump_counts(out_t *o, const char *prefix,
                        const ceph_pg_counts_t *c) {
  testing_buf_printf(
      o, "%s total=%llu inactive=%llu unclean=%llu unknown=%llu\n", prefix,
      (unsigned long long)c->total, (unsigned long long)c->inactive,
      (unsigned long long)c->unclean, (unsigned long long)c->unknown);
  testing_buf_printf(o, "%s", prefix);
  for (int i = 0; i < CEPH_PG_NSTATES; i++)
    if (c->state[i] > 0)
      testing_buf_printf(o, " %s=%llu", ceph_pg_state_name(i),
                         (unsigned long long)c->state[i]);
  testing_buf_printf(o, "\n");
}

static void do_status(out_t *o, const char *buf, size_t len) {
  ceph_status_t st;
  char err[256];
  cj_status_t r = ceph_status_parse(buf, len, &st, err, sizeof(err));
  if (r != CJ_OK) {
    testing_buf_printf(o, "status error=%s\n", cj_strerror(r));
    return;
  }
  testing_buf_printf(o, "status health=%d checks=%zu\n", st.health,
                     st.n_checks);
  for (size_t i = 0; i < st.n_checks; i++)
    testing_buf_printf(o, "status check %s severity=%d muted=%d count=%.9g\n",
                       st.checks[i].code, st.checks[i].severity,
                       st.checks[i].muted, st.checks[i].count);
  testing_buf_printf(
      o, "status osds total=%.9g up=%.9g in=%.9g remapped_pgs=%.9g\n",
      st.osds_total, st.osds_up, st.osds_in, st.remapped_pgs);
  testing_buf_printf(o,
                     "status mons total=%.9g quorum=%.9g mgr_available=%.9g\n",
                     st.mons_total, st.mons_quorum, st.mgr_available);
  dump_counts(o, "status pgs", &st.pgs);
  testing_buf_printf(o, "status pgmap num_pgs=%.9g pools=%.9g objects=%.9g\n",
                     st.num_pgs, st.pools, st.objects);
  testing_buf_printf(o, "status degraded objects=%.9g total=%.9g ratio=%.9g\n",
                     st.degraded_objects, st.degraded_total, st.degraded_ratio);
  testing_buf_printf(o, "status misplaced objects=%.9g total=%.9g ratio=%.9g\n",
                     st.misplaced_objects, st.misplaced_total,
                     st.misplaced_ratio);
  testing_buf_printf(o, "status unfound objects=%.9g total=%.9g ratio=%.9g\n",
                     st.unfound_objects, st.unfound_total, st.unfound_ratio);
  testing_buf_printf(
      o,
      "status recovering objects_per_sec=%.9g bytes_per_sec=%.9g "
      "inactive_pgs_ratio=%.9g\n",
      st.recovering_objects_per_sec, st.recovering_bytes_per_sec,
      st.inactive_pgs_ratio);
}

static void do_osd(out_t *o, const char *dbuf, size_t dlen, const char *fbuf,
                   size_t flen) {
  ceph_osd_dump_t d;
  ceph_osd_df_t df;
  int have_d = 0, have_df = 0;
  if (dbuf != NULL) {
    cj_status_t r = ceph_osd_dump_parse(dbuf, dlen, &d, NULL, 0);
    have_d = r == CJ_OK;
    if (!have_d)
      testing_buf_printf(o, "osd_dump error=%s\n", cj_strerror(r));
  }
  if (have_d) {
    testing_buf_printf(
        o, "osd_dump ratios nearfull=%.9g backfillfull=%.9g full=%.9g\n",
        d.nearfull_ratio, d.backfillfull_ratio, d.full_ratio);
    testing_buf_printf(o, "osd_dump flags");
    for (int i = 0; i < CEPH_NFLAGS; i++)
      if (d.flag[i])
        testing_buf_printf(o, " %s", ceph_flag_name(i));
    testing_buf_printf(o, "\n");
    for (size_t i = 0; i < d.n_pools; i++)
      testing_buf_printf(o, "osd_dump pool %lld name=%s\n",
                         (long long)d.pools[i].id, d.pools[i].name);
  }
  if (fbuf == NULL) {
    testing_buf_printf(o, "osd_df absent\n");
  } else {
    cj_status_t r = ceph_osd_df_parse(fbuf, flen, &df, NULL, 0);
    have_df = r == CJ_OK;
    if (!have_df)
      testing_buf_printf(o, "osd_df error=%s\n", cj_strerror(r));
  }
  if (have_df) {
    for (size_t i = 0; i < df.n; i++)
      testing_buf_printf(
          o,
          "osd_df osd.%lld up=%d utilization=%.9g kb=%.9g kb_used=%.9g "
          "pgs=%.9g headroom_nearfull=%.9g headroom_full=%.9g\n",
          (long long)df.v[i].id, df.v[i].up, df.v[i].utilization, df.v[i].kb,
          df.v[i].kb_used, df.v[i].pgs,
          ceph_headroom(have_d ? d.nearfull_ratio : NAN, df.v[i].utilization),
          ceph_headroom(have_d ? d.full_ratio : NAN, df.v[i].utilization));
    ceph_fullness_t fu;
    ceph_fullness(&df, have_d ? &d : NULL, &fu);
    testing_buf_printf(
        o,
        "fullness max_utilization=%.9g min_headroom nearfull=%.9g "
        "backfillfull=%.9g full=%.9g\n",
        fu.max_utilization, fu.min_headroom_nearfull,
        fu.min_headroom_backfillfull, fu.min_headroom_full);
    testing_buf_printf(
        o, "fullness osds_over nearfull=%.9g backfillfull=%.9g full=%.9g\n",
        fu.osds_over_nearfull, fu.osds_over_backfillfull, fu.osds_over_full);
    ceph_osd_df_free(&df);
  }
  if (have_d)
    ceph_osd_dump_free(&d);
}

static void do_pgs(out_t *o, const char *bbuf, size_t blen, const char *sbuf,
                   size_t slen, double now) {
  ceph_pools_t p;
  ceph_pools_init(&p);
  if (bbuf == NULL) {
    testing_buf_printf(o, "pgs_brief absent\n");
  } else {
    cj_status_t r = ceph_pgs_brief_parse(bbuf, blen, &p, NULL, 0);
    if (r != CJ_OK)
      testing_buf_printf(o, "pgs_brief error=%s\n", cj_strerror(r));
  }
  if (sbuf == NULL) {
    testing_buf_printf(o, "pg_dump_stuck absent\n");
  } else {
    cj_status_t r =
        ceph_pgs_stuck_parse(sbuf, slen, now, GOLDEN_STUCK_AGE, &p, NULL, 0);
    if (r != CJ_OK)
      testing_buf_printf(o, "pg_dump_stuck error=%s\n", cj_strerror(r));
  }
  for (size_t i = 0; i < p.n; i++) {
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "pool %lld pgs", (long long)p.v[i].id);
    dump_counts(o, prefix, &p.v[i].pgs);
    const ceph_stuck_t *s = &p.v[i].stuck;
    testing_buf_printf(o, "pool %lld stuck", (long long)p.v[i].id);
    for (int k = 0; k < CEPH_NSTUCK; k++)
      testing_buf_printf(o, " %s=%llu", ceph_stuck_name(k),
                         (unsigned long long)s->n[k]);
    testing_buf_printf(o, " any=%llu oldest_s=%.0f\n",
                       (unsigned long long)s->any, s->oldest_s);
  }
  dump_counts(o, "cluster pgs", &p.total);
  testing_buf_printf(o, "cluster stuck any=%llu oldest_s=%.0f\n",
                     (unsigned long long)p.stuck.any, p.stuck.oldest_s);
  ceph_pools_free(&p);
}

static void do_quorum(out_t *o, const char *buf, size_t len) {
  ceph_quorum_t q;
  if (ceph_quorum_parse(buf, len, &q, NULL, 0) != CJ_OK) {
    testing_buf_printf(o, "quorum error\n");
    return;
  }
  const ceph_mon_t *l = ceph_quorum_leader(&q);
  testing_buf_printf(o, "quorum leader=%s in_quorum=%d mons=%d leader_addrs=",
                     q.leader, q.n_quorum, q.n_mons);
  for (int i = 0; l != NULL && i < l->n_addrs; i++)
    testing_buf_printf(o, "%s%s", i ? "," : "", l->addrs[i]);
  testing_buf_printf(o, "\n");
}

static double meta_now(const char *dir) {
  size_t len;
  char *m = slurp(dir, "meta.txt", &len);
  double now = NAN;
  if (m != NULL) {
    m[len ? len - 1 : 0] = 0;
    if (strncmp(m, "now ", 4) == 0)
      now = strtod(m + 4, NULL);
    free(m);
  }
  return now;
}

static void golden(const char *dir, out_t *o) {
  size_t ls = 0, ld = 0, lf = 0, lb = 0, lk = 0, lq = 0;
  char *st = slurp(dir, "status.json", &ls);
  char *dump = slurp(dir, "osd_dump.json", &ld);
  char *df = slurp(dir, "osd_df.json", &lf);
  char *brief = slurp(dir, "pg_dump_pgs_brief.json", &lb);
  char *stuck = slurp(dir, "pg_dump_stuck.json", &lk);
  char *quorum = slurp(dir, "quorum_status.json", &lq);
  if (st != NULL)
    do_status(o, st, ls);
  do_osd(o, dump, ld, df, lf);
  do_pgs(o, brief, lb, stuck, lk, meta_now(dir));
  if (quorum != NULL)
    do_quorum(o, quorum, lq);
  free(st), free(dump), free(df), free(brief), free(stuck), free(quorum);
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
  int rebuild = argc > 1 && strcmp(argv[1], "-b") == 0;
  const char *top = getenv("TOP_SRCDIR");
  char base[1024];
  snprintf(base, sizeof(base), "%s/tests/data/ceph_health", top ? top : ".");
  DIR *dh = opendir(base);
  if (dh == NULL) {
    printf("Bail out! no %s\n", base);
    return 1;
  }
  char *names[64];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(dh)) != NULL && n < 64) {
    char p[1300];
    struct stat sb;
    snprintf(p, sizeof(p), "%s/%s", base, e->d_name);
    if (e->d_name[0] != '.' && stat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
      names[n++] = strdup(e->d_name);
  }
  closedir(dh);
  qsort(names, n, sizeof(names[0]), cmp_names);
  OK_MSG(n >= 10, "at least 10 recorded states");
  for (size_t i = 0; i < n; i++) {
    char dir[1300];
    snprintf(dir, sizeof(dir), "%s/%s", base, names[i]);
    out_t o = {NULL, 0, 0};
    testing_buf_printf(&o, "# state %s\n", names[i]);
    golden(dir, &o);
    size_t clen = 0;
    char *chk = slurp(dir, "expected.chk", &clen);
    if (rebuild) {
      char p[1400];
      snprintf(p, sizeof(p), "%s/expected.chk", dir);
      FILE *f = fopen(p, "w");
      if (f != NULL) {
        fwrite(o.buf, 1, o.len, f);
        fclose(f);
      }
      printf("# rebuilt %s\n", p);
    } else {
      int same = chk != NULL && clen == o.len && memcmp(chk, o.buf, clen) == 0;
      char what[256];
      snprintf(what, sizeof(what), "golden %s matches expected.chk%s",
               names[i], chk ? "" : " (missing: run with -b, then review)");
      if (!OK_MSG(same, what))
        printf("# --- got:\n# %.*s\n", (int)o.len, o.buf);
    }
    free(chk);
    free(o.buf);
    free(names[i]);
  }
  return testing_done();
}
