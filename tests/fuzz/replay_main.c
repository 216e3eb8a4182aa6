/* SPDX-License-Identifier: MIT
 * replay_main - a main() for the libFuzzer targets of tests/fuzz without
 * libFuzzer (gcc, make check): runs LLVMFuzzerTestOneInput once on each file
 * named on the command line (or each file in a named directory) and prints
 * one TAP line per input.  A crash or sanitizer report fails the caller.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int n_run;

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    printf("not ok %d - cannot open %s\n", ++n_run, path);
    return 1;
  }
  size_t cap = 4096, len = 0;
  uint8_t *buf = malloc(cap);
  size_t got;
  while (buf != NULL && (got = fread(buf + len, 1, cap - len, f)) > 0) {
    len += got;
    if (len == cap) {
      uint8_t *nb = realloc(buf, cap *= 2);
      if (nb == NULL)
        free(buf);
      buf = nb;
    }
  }
  fclose(f);
  if (buf == NULL)
    return 1;
  /* an exact-size copy, as libFuzzer hands it over */
  uint8_t *in = malloc(len ? len : 1);
  if (in == NULL)
    return 1;
  memcpy(in, buf, len);
  free(buf);
  fflush(stdout);
  LLVMFuzzerTestOneInput(in, len);
  free(in);
  printf("ok %d - %s (%zu bytes)\n", ++n_run, path, len);
  return 0;
}

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
  int bad = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
      bad |= run_file(argv[i]);
      continue;
    }
    DIR *d = opendir(argv[i]);
    if (d == NULL)
      continue;
    char **names = NULL;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
      if (e->d_name[0] == '.')
        continue;
      char **nn = realloc(names, (n + 1) * sizeof(*nn));
      if (nn == NULL)
        break;
      names = nn;
      size_t l = strlen(argv[i]) + strlen(e->d_name) + 2;
      names[n] = malloc(l);
      if (names[n] == NULL)
        break;
      snprintf(names[n++], l, "%s/%s", argv[i], e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), cmp);
    for (size_t k = 0; k < n; k++) {
      bad |= run_file(names[k]);
      free(names[k]);
    }
    free(names);
  }
  return bad;
}
