/* SPDX-License-Identifier: MIT
 * ceph_health_scale - how the ceph_health parsers scale with the number of
 * placement groups.  For 1k, 10k and 100k PGs spread over many pools it
 * synthesises the two PG lists the plugin reads from the mgr:
 *   - `pg dump pgs_brief` (one short object per PG), and
 *   - `pg dump_stuck` with every PG stuck (one full pg_stat_t per PG, the
 *     shape of `pg ls`: the worst case),
 * times parse + per-pool aggregation (best of 5) and measures the extra
 * memory of the first run (getrusage maxrss delta; the input buffer is
 * allocated before the measurement).  The named peer is the `ceph` CLI's
 * own JSON load: /usr/bin/python3 json.loads of the same bytes, plus the
 * same per-pool counting, timed and measured in the same run.
 *   bench/ceph_health_scale [PGS...]   (default 1000 10000 100000)
 * Targets: < 100 ms and < 64 MiB extra at 100k PGs, linear.
 */
#include "common/ceph_pgs.h"
#include "tests/unit/testing.h"

#include <yajl/yajl_parse.h>

#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static const char *const states[] = {
    "active+clean", "active+clean", "active+clean", "active+clean",
    "active+clean+scrubbing+deep", "active+undersized+degraded",
    "active+recovery_wait+degraded+remapped", "undersized+degraded+peered",
    "stale+active+clean", "active+remapped+backfill_wait"};

static int npools(int pgs) { return pgs < 10000 ? 50 : pgs / 200; }

static void gen_brief(testing_buf_t *b, int pgs) {
  int np = npools(pgs);
  testing_buf_printf(b, "{\"pg_ready\":true,\"pg_stats\":[");
  for (int i = 0; i < pgs; i++) {
    int pool = 1 + i % np, o = (i * 7) % 10;
    testing_buf_printf(
        b,
        "%s{\"pgid\":\"%d.%x\",\"state\":\"%s\",\"up\":[%d,%d,%d],"
        "\"acting\":[%d,%d,%d],\"up_primary\":%d,\"acting_primary\":%d}",
        i ? "," : "", pool, i / np, states[o], i % 97, (i + 1) % 97,
        (i + 2) % 97, i % 97, (i + 1) % 97, (i + 2) % 97, i % 97, i % 97);
  }
  testing_buf_printf(b, "]}\n");
}

/* One pg_stat_t with the members (and nesting) of a 16.2 `pg ls` entry. */
static void gen_stat(testing_buf_t *b, int i, int np) {
  const char *ts = "2026-11-22T07:00:26.719266+0000"; /* 1 h ago */
  testing_buf_printf(
      b,
      "%s{\"pgid\":\"%d.%x\",\"version\":\"40'%d\",\"reported_seq\":%d,"
      "\"reported_epoch\":40,\"state\":\"%s\",\"last_fresh\":\"%s\","
      "\"last_change\":\"%s\",\"last_active\":\"%s\",\"last_peered\":\"%s\","
      "\"last_clean\":\"2026-11-22T07:00:00.000000+0000\","
      "\"last_became_active\":\"%s\",\"last_became_peered\":\"%s\","
      "\"last_unstale\":\"%s\",\"last_undegraded\":\"%s\","
      "\"last_fullsized\":\"%s\",\"mapping_epoch\":12,\"log_start\":\"0'0\","
      "\"ondisk_log_start\":\"0'0\",\"created\":8,\"last_epoch_clean\":9,"
      "\"parent\":\"0.0\",\"parent_split_bits\":0,\"last_scrub\":\"0'0\","
      "\"last_scrub_stamp\":\"%s\",\"last_deep_scrub\":\"0'0\","
      "\"last_deep_scrub_stamp\":\"%s\",\"last_clean_scrub_stamp\":\"%s\","
      "\"log_size\":%d,\"ondisk_log_size\":%d,\"stats_invalid\":false,"
      "\"dirty_stats_invalid\":false,\"omap_stats_invalid\":false,"
      "\"hitset_stats_invalid\":false,\"hitset_bytes_stats_invalid\":false,"
      "\"pin_stats_invalid\":false,\"manifest_stats_invalid\":false,"
      "\"snaptrimq_len\":0,\"stat_sum\":{",
      i ? "," : "", 1 + i % np, i / np, i, i, states[5 + i % 5], ts, ts, ts, ts,
      ts, ts, ts, ts, ts, ts, ts, ts, i % 3000, i % 3000);
  static const char *const sums[] = {
      "num_bytes", "num_objects", "num_object_clones", "num_object_copies",
      "num_objects_missing_on_primary", "num_objects_missing",
      "num_objects_degraded", "num_objects_misplaced", "num_objects_unfound",
      "num_objects_dirty", "num_whiteouts", "num_read", "num_read_kb",
      "num_write", "num_write_kb", "num_scrub_errors",
      "num_shallow_scrub_errors", "num_deep_scrub_errors",
      "num_objects_recovered", "num_bytes_recovered", "num_keys_recovered",
      "num_objects_omap", "num_objects_hit_set_archive",
      "num_bytes_hit_set_archive", "num_flush", "num_flush_kb", "num_evict",
      "num_evict_kb", "num_promote", "num_flush_mode_high",
      "num_flush_mode_low", "num_evict_mode_some", "num_evict_mode_full",
      "num_objects_pinned", "num_legacy_snapsets", "num_large_omap_objects",
      "num_objects_manifest", "num_omap_bytes", "num_omap_keys",
      "num_objects_repaired"};
  for (size_t k = 0; k < sizeof(sums) / sizeof(sums[0]); k++)
    testing_buf_printf(b, "%s\"%s\":%zu", k ? "," : "", sums[k],
                       (i * 31 + k) % 100000);
  testing_buf_printf(
      b,
      "},\"up\":[%d,%d],\"acting\":[%d,%d],\"avail_no_missing\":[\"%d\"],"
      "\"object_location_counts\":[],\"blocked_by\":[],\"up_primary\":%d,"
      "\"acting_primary\":%d,\"purged_snaps\":[]}",
      i % 97, (i + 1) % 97, i % 97, (i + 1) % 97, i % 97, i % 97, i % 97);
}

static void gen_stuck(testing_buf_t *b, int pgs) {
  testing_buf_printf(b, "{\"pg_ready\":true,\"stuck_pg_stats\":[");
  for (int i = 0; i < pgs; i++)
    gen_stat(b, i, npools(pgs));
  testing_buf_printf(b, "]\n}");
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double cpu_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The floor: yajl alone with no-op callbacks over the same bytes. */
static int nop_num(void *c, const char *s, size_t l) {
  (void)c, (void)s, (void)l;
  return 1;
}
static int nop_str(void *c, const unsigned char *s, size_t l) {
  (void)c, (void)s, (void)l;
  return 1;
}
static int nop(void *c) {
  (void)c;
  return 1;
}
static int nop_bool(void *c, int b) {
  (void)c, (void)b;
  return 1;
}

static double yajl_floor_ms(const testing_buf_t *b) {
  static const yajl_callbacks cb = {
      .yajl_null = nop, .yajl_boolean = nop_bool, .yajl_number = nop_num,
      .yajl_string = nop_str, .yajl_start_map = nop, .yajl_map_key = nop_str,
      .yajl_end_map = nop, .yajl_start_array = nop, .yajl_end_array = nop};
  double best = 1e30;
  for (int r = 0; r < 5; r++) {
    double t0 = cpu_ms();
    yajl_handle h = yajl_alloc(&cb, NULL, NULL);
    yajl_config(h, yajl_dont_validate_strings, 1);
    yajl_parse(h, (const unsigned char *)b->buf, b->len);
    yajl_complete_parse(h);
    yajl_free(h);
    double dt = cpu_ms() - t0;
    if (dt < best)
      best = dt;
  }
  return best;
}

static long maxrss_kib(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/* Parse (best of 5) and the extra memory of the first run, KiB. */
static int measure(const testing_buf_t *b, int stuck, double *ms, double *cpu,
                   long *kib, long *heap_kib, uint64_t *counted,
                   size_t *pools) {
  *ms = *cpu = 1e30;
  for (int r = 0; r < 5; r++) {
    long before = maxrss_kib();
    size_t heap0 = mallinfo2().uordblks;
    ceph_pools_t p;
    ceph_pools_init(&p);
    double t0 = now_ms(), c0 = cpu_ms();
    cj_status_t st = stuck ? ceph_pgs_stuck_parse(b->buf, b->len, 1795334460.0,
                                                  60, &p, NULL, 0)
                           : ceph_pgs_brief_parse(b->buf, b->len, &p, NULL, 0);
    double dt = now_ms() - t0, dc = cpu_ms() - c0;
    if (dc < *cpu)
      *cpu = dc;
    if (st != CJ_OK) {
      fprintf(stderr, "parse failed: %s\n", cj_strerror(st));
      return -1;
    }
    if (r == 0) {
      *kib = maxrss_kib() - before;
      /* heap the result keeps (per-pool counters), before it is freed */
      *heap_kib = (long)((mallinfo2().uordblks - heap0) / 1024);
    }
    if (dt < *ms)
      *ms = dt;
    *counted = stuck ? p.stuck.any : p.total.total;
    *pools = p.n;
    ceph_pools_free(&p);
  }
  return 0;
}

/* The peer: python's json.loads of the same file + the same counting. */
static const char peer_py[] =
    "import json,resource,sys,time\n"
    "raw=open(sys.argv[1],'rb').read()\n"
    "r0=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "t0=time.perf_counter()\n"
    "d=json.loads(raw)\n"
    "c={}\n"
    "for pg in d.get('pg_stats') or d.get('stuck_pg_stats'):\n"
    "  pool=pg['pgid'].split('.')[0]\n"
    "  for s in pg['state'].split('+'):\n"
    "    c[(pool,s)]=c.get((pool,s),0)+1\n"
    "dt=(time.perf_counter()-t0)*1e3\n"
    "r1=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "print('%.3f %d' % (dt, r1-r0))\n";

static int peer(const testing_buf_t *b, double *ms, long *kib) {
  char path[] = "/tmp/ceph_health_scale.XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0 || write(fd, b->buf, b->len) != (ssize_t)b->len) {
    if (fd >= 0)
      close(fd);
    return -1;
  }
  close(fd);
  char script[] = "/tmp/ceph_health_scale_py.XXXXXX";
  int sfd = mkstemp(script);
  if (sfd < 0 || write(sfd, peer_py, sizeof(peer_py) - 1) < 0) {
    unlink(path);
    return -1;
  }
  close(sfd);
  char cmd[256];
  snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s %s", script, path);
  FILE *f = popen(cmd, "r");
  int ok = f != NULL && fscanf(f, "%lf %ld", ms, kib) == 2;
  if (f != NULL)
    pclose(f);
  unlink(path);
  unlink(script);
  return ok ? 0 : -1;
}

int main(int argc, char **argv) {
  int sizes[16] = {1000, 10000, 100000};
  int n = 3;
  if (argc > 1) {
    n = 0;
    for (int i = 1; i < argc && n < 16; i++) {
      char *end;
      long v = strtol(argv[i], &end, 10);
      if (*end != 0 || v <= 0 || v > 10000000) {
        fprintf(stderr, "usage: %s [PGS...]\n", argv[0]);
        return 2;
      }
      sizes[n++] = (int)v;
    }
  }
  printf("ceph_health_scale: parse + per-pool aggregation (best of 5), extra "
         "memory of the first run\n");
  printf("%-7s %-5s %-10s %6s %8s %8s %8s %8s %8s %6s %9s %10s %6s\n",
         "PGs", "pools", "reply", "MiB", "wall ms", "CPU ms", "yajl ms",
         "C extra", "C heap", "ns/PG", "python ms", "py extra", "py/C");
  for (int k = 0; k < 2; k++)
    for (int i = 0; i < n; i++) {
      testing_buf_t b = {NULL, 0, 0};
      if (k == 0)
        gen_brief(&b, sizes[i]);
      else
        gen_stuck(&b, sizes[i]);
      double ms, cpu, pms = -1;
      long kib, heap = 0, pkib = -1;
      uint64_t counted = 0;
      size_t pools = 0;
      if (measure(&b, k, &ms, &cpu, &kib, &heap, &counted, &pools) != 0 ||
          counted != (uint64_t)sizes[i]) {
        fprintf(stderr, "%d PGs: counted %llu\n", sizes[i],
                (unsigned long long)counted);
        return 1;
      }
      double floor_ms = yajl_floor_ms(&b);
      if (peer(&b, &pms, &pkib) != 0)
        pms = -1;
      printf("%-7d %-5zu %-10s %6.1f %8.1f %8.1f %8.1f %4ld KiB %4ld KiB "
             "%6.0f %9.1f %6ld KiB %6.1f\n",
             sizes[i], pools, k ? "dump_stuck" : "pgs_brief", b.len / 1048576.0,
             ms, cpu, floor_ms, kib, heap, cpu * 1e6 / sizes[i], pms, pkib,
             pms > 0 ? pms / ms : 0.0);
      free(b.buf);
    }
  printf("(best of 5; CPU ms = process CPU time, robust to a loaded host; "
         "yajl ms = yajl alone with no-op callbacks, the floor; C extra = "
         "maxrss growth while parsing; C heap = mallinfo2 heap held by the result "
         "(per-pool counters); the reply itself, held by librados, "
         "is the MiB column; py/C = python wall / C wall)\n");
  return 0;
}
