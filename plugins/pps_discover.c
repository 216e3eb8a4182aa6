/* SPDX-License-Identifier: MIT
 * pps_discover - list the kernel's PPS sources (class "pps"), with libudev
 * or from a sysfs fixture directory.  Privileges: none (sysfs is
 * world-readable).
 */
#include "collectd.h"
#include "plugin.h"
#include "utils/common/common.h"

#include "plugins/pps_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <stdlib.h>
#include <unistd.h>

/* Copy a sysfs attribute value without its trailing newline. */
static void copy_attr(char *dst, size_t size, const char *val) {
  sstrncpy(dst, val != NULL ? val : "", size);
  size_t n = strlen(dst);
  while (n > 0 && (dst[n - 1] == '\n' || dst[n - 1] == ' '))
    dst[--n] = '\0';
}

static void read_text_attr(const char *dir, const char *attr, char *dst,
                           size_t size) {
  char path[700], buf[512];
  snprintf(path, sizeof(path), "%s/%s", dir, attr);
  buf[0] = '\0';
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = '\0';
    close(fd);
  }
  copy_attr(dst, size, buf);
}

static int by_name(const void *a, const void *b) {
  return strcmp(((const pps_found_t *)a)->name, ((const pps_found_t *)b)->name);
}

static int discover_udev(const char *subsystem, pps_found_t *out, int max) {
  struct udev *udev = udev_new();
  if (udev == NULL)
    return -ENOMEM;
  struct udev_enumerate *en = udev_enumerate_new(udev);
  if (en == NULL) {
    udev_unref(udev);
    return -ENOMEM;
  }
  int n = 0;
  udev_enumerate_add_match_subsystem(en, subsystem);
  udev_enumerate_scan_devices(en);
  struct udev_list_entry *le;
  udev_list_entry_foreach(le, udev_enumerate_get_list_entry(en)) {
    if (n >= max)
      break;
    struct udev_device *dev =
        udev_device_new_from_syspath(udev, udev_list_entry_get_name(le));
    if (dev == NULL)
      continue;
    pps_found_t *f = &out[n++];
    memset(f, 0, sizeof(*f));
    sstrncpy(f->name, udev_device_get_sysname(dev), sizeof(f->name));
    sstrncpy(f->dir, udev_device_get_syspath(dev), sizeof(f->dir));
    copy_attr(f->source, sizeof(f->source),
              udev_device_get_sysattr_value(dev, "name"));
    copy_attr(f->port, sizeof(f->port),
              udev_device_get_sysattr_value(dev, "path"));
    udev_device_unref(dev);
  }
  udev_enumerate_unref(en);
  udev_unref(udev);
  return n;
}

static int discover_dir(const char *root, const char *subsystem,
                        pps_found_t *out, int max) {
  char cls[300];
  snprintf(cls, sizeof(cls), "%s/class/%s", root, subsystem);
  DIR *dir = opendir(cls);
  if (dir == NULL)
    return errno == ENOENT ? 0 : -errno;
  int n = 0;
  struct dirent *de;
  while ((de = readdir(dir)) != NULL && n < max) {
    if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(out->name))
      continue;
    pps_found_t *f = &out[n++];
    memset(f, 0, sizeof(*f));
    sstrncpy(f->name, de->d_name, sizeof(f->name));
    snprintf(f->dir, sizeof(f->dir), "%s/%s", cls, de->d_name);
    read_text_attr(f->dir, "name", f->source, sizeof(f->source));
    read_text_attr(f->dir, "path", f->port, sizeof(f->port));
  }
  closedir(dir);
  return n;
}

/* Enumerate with libudev, or from SYSFS_ROOT/class/SUBSYSTEM (see
 * plugins/pps_int.h), sorted by name. */
int pps_discover(const char *sysfs_root, bool use_udev, const char *subsystem,
                 pps_found_t *out, int max) {
  int n = use_udev ? discover_udev(subsystem, out, max)
                   : discover_dir(sysfs_root, subsystem, out, max);
  if (n > 1)
    qsort(out, (size_t)n, sizeof(*out), by_name);
  return n;
}
