/* SPDX-License-Identifier: MIT
 * rng plugin - the kernel random pool and the hardware RNG framework, read
 * from procfs and sysfs (roots configurable for tests), and crng readiness
 * from getrandom(GRND_NONBLOCK).  Read-only; no privileges needed.
 * Part of plugins/rng.la (declarations in plugins/rng_int.h); POSIX I/O
 * only, no collectd.
 */
#include "plugins/rng_int.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>
#include <unistd.h>

/* First line of root/rel into buf (newline removed); -1 if unreadable. */
static int read_line(const char *root, const char *rel, char *buf,
                     size_t size) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", root, rel);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = read(fd, buf, size - 1);
  close(fd);
  if (n < 0)
    return -1;
  buf[n] = '\0';
  buf[strcspn(buf, "\n")] = '\0';
  return 0;
}

/* An integer file: its value, or NaN if missing or malformed. */
static double read_number(const char *root, const char *rel) {
  char buf[64], *end = NULL;
  if (read_line(root, rel, buf, sizeof(buf)) != 0)
    return NAN;
  errno = 0;
  long long v = strtoll(buf, &end, 10);
  if (errno != 0 || end == buf || (*end != '\0' && *end != ' '))
    return NAN;
  return (double)v;
}

/* A device name as a plugin-instance part: [A-Za-z0-9_], others -> '_'. */
void rng_sanitize(char *dst, size_t size, const char *src) {
  size_t i = 0;
  for (; src[i] != '\0' && i + 1 < size; i++) {
    char c = src[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             (c >= '0' && c <= '9') || c == '_';
    dst[i] = ok ? c : '_';
  }
  dst[i] = '\0';
}

static void read_hwrng(const char *sys_root, rng_pool_t *out) {
  char line[512], *save = NULL;
  const char *dir = "class/misc/hw_random";
  char rel[128];
  snprintf(rel, sizeof(rel), "%s/rng_current", dir);
  if (read_line(sys_root, rel, out->current, sizeof(out->current)) != 0) {
    out->hwrng_present = 0; /* no hw_random framework: no hardware RNG */
    out->hwrng_available = 0;
    return;
  }
  out->hwrng_present = strcmp(out->current, "none") != 0 && out->current[0];
  snprintf(rel, sizeof(rel), "%s/rng_available", dir);
  if (read_line(sys_root, rel, line, sizeof(line)) == 0) {
    out->hwrng_available = 0;
    for (char *t = strtok_r(line, " ", &save); t != NULL;
         t = strtok_r(NULL, " ", &save)) {
      if (strcmp(t, "none") == 0)
        continue;
      if (out->n_available < RNG_MAX_HWRNG)
        rng_sanitize(out->available[out->n_available++], RNG_HWRNG_NAME, t);
      out->hwrng_available++;
    }
  }
  snprintf(rel, sizeof(rel), "%s/rng_quality", dir);
  out->hwrng_quality = read_number(sys_root, rel);
  snprintf(rel, sizeof(rel), "%s/rng_selected", dir);
  out->hwrng_selected = read_number(sys_root, rel);
}

/* Read the pool files under proc_root ("/proc") and sys_root ("/sys").
 * Returns the number of values found (0: nothing readable). */
int rng_pool_read(const char *proc_root, const char *sys_root,
                  rng_getrandom_fn getrandom_fn, rng_pool_t *out) {
  uint8_t byte;
  int found = 0;
  *out = (rng_pool_t){.entropy_avail = NAN,
                      .poolsize = NAN,
                      .pool_fixed = NAN,
                      .crng_ready = NAN,
                      .hwrng_present = NAN,
                      .hwrng_quality = NAN,
                      .hwrng_available = NAN,
                      .hwrng_selected = NAN};
  out->entropy_avail =
      read_number(proc_root, "sys/kernel/random/entropy_avail");
  out->poolsize = read_number(proc_root, "sys/kernel/random/poolsize");
  if (!isnan(out->poolsize)) /* 5.18+: a 256-bit hash, not a counted pool */
    out->pool_fixed = out->poolsize == 256;
  ssize_t r = getrandom_fn(&byte, 1, GRND_NONBLOCK);
  if (r == 1)
    out->crng_ready = 1;
  else if (r < 0 && errno == EAGAIN)
    out->crng_ready = 0;
  read_hwrng(sys_root, out);
  const double *v[] = {&out->entropy_avail, &out->poolsize, &out->crng_ready,
                       &out->hwrng_present};
  for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
    found += !isnan(*v[i]);
  return found;
}
