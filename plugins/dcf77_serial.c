/* SPDX-License-Identifier: MIT
 * dcf77_serial - a raw DCF77 receiver on a serial line (see the header).
 * The reader thread never logs (the collectd log and the test mock are not
 * meant for it): it leaves the device state in the struct and read() logs.
 */
#include "collectd.h"
#include "plugin.h"
#include "utils/common/common.h"

#include "plugins/dcf77_serial.h"

#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S INT64_C(1000000000)
#define RECEIVING_NS (3 * NS_PER_S) /* a pulse within 3 s: receiving */
#define REOPEN_NS (2 * NS_PER_S)    /* wait before reopening a device */

static int64_t clock_ns(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}
static int64_t real_ns(void) { return clock_ns(CLOCK_REALTIME); }
/* CLOCK_BOOTTIME: never stepped, and counts suspend (elapsed time). */
static int64_t mono_ns(void) { return clock_ns(CLOCK_BOOTTIME); }
int64_t (*dcf77_clock_real_ns)(void) = real_ns;
int64_t (*dcf77_clock_mono_ns)(void) = mono_ns;

int dcf77_rx_type_parse(const char *s, dcf77_rx_type_t *type,
                        double *latency_s) {
  if (strcasecmp(s, "mouseclock") == 0) {
    *type = DCF77_RX_MOUSECLOCK;
    *latency_s = 0.425; /* ntp refclock_parse mode 19 base delay */
  } else if (strcasecmp(s, "raw50") == 0) {
    *type = DCF77_RX_RAW50;
    *latency_s = 0.292; /* ntp mode 5 (Conrad) base delay */
  } else {
    return -1;
  }
  return 0;
}

static bool all_hex(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isxdigit((unsigned char)s[i]))
      return false;
  return s[n] == '\0' || s[n] == ':';
}

int dcf77_udev_match_parse(const char *s, dcf77_udev_match_t *m) {
  memset(m, 0, sizeof(*m));
  if (strlen(s) < 9 || !all_hex(s, 4) || s[4] != ':' || !all_hex(s + 5, 4))
    return -1;
  for (int i = 0; i < 4; i++) {
    m->vendor[i] = (char)tolower((unsigned char)s[i]);
    m->product[i] = (char)tolower((unsigned char)s[5 + i]);
  }
  if (s[9] == ':') {
    if (s[10] == '\0' || strlen(s + 10) >= sizeof(m->serial))
      return -1;
    sstrncpy(m->serial, s + 10, sizeof(m->serial));
  } else if (s[9] != '\0') {
    return -1;
  }
  return 0;
}

/* The first tty whose USB device matches; 0 and the /dev path, or -1. */
static int udev_find(const dcf77_udev_match_t *m, char *path, size_t len) {
  struct udev *udev = udev_new();
  if (udev == NULL)
    return -1;
  struct udev_enumerate *en = udev_enumerate_new(udev);
  int ret = -1;
  if (en != NULL && udev_enumerate_add_match_subsystem(en, "tty") >= 0 &&
      udev_enumerate_scan_devices(en) >= 0) {
    struct udev_list_entry *e;
    udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en)) {
      struct udev_device *d =
          udev_device_new_from_syspath(udev, udev_list_entry_get_name(e));
      if (d == NULL)
        continue;
      struct udev_device *usb =
          udev_device_get_parent_with_subsystem_devtype(d, "usb",
                                                        "usb_device");
      const char *v = usb ? udev_device_get_sysattr_value(usb, "idVendor")
                          : NULL;
      const char *p = usb ? udev_device_get_sysattr_value(usb, "idProduct")
                          : NULL;
      const char *sn = usb ? udev_device_get_sysattr_value(usb, "serial")
                           : NULL;
      const char *node = udev_device_get_devnode(d);
      if (v && p && node && strcasecmp(v, m->vendor) == 0 &&
          strcasecmp(p, m->product) == 0 &&
          (m->serial[0] == '\0' || (sn && strcmp(sn, m->serial) == 0))) {
        sstrncpy(path, node, len);
        ret = 0;
      }
      udev_device_unref(d);
      if (ret == 0)
        break;
    }
  }
  if (en != NULL)
    udev_enumerate_unref(en);
  udev_unref(udev);
  return ret;
}

/* Line settings as ntp's refclock_parse for raw DCF (modes 19 and 5):
 * 8 data bits, even parity, receiver on, modem lines ignored; raw input,
 * one character per read.  c_iflag 0 as ntp classic on Linux: a pulse a
 * little longer than 9 bit times gives a framing error, read as 0x00 (a
 * long pulse) instead of being dropped.  Returns 0 or errno; on a pty the
 * kernel drops PARENB and glibc's check then reports EINVAL although the
 * rest was applied: the caller only warns. */
static int set_line(int fd, dcf77_rx_type_t type) {
  struct termios tio;
  if (tcgetattr(fd, &tio) != 0)
    return errno;
  cfmakeraw(&tio);
  tio.c_iflag = 0;
  tio.c_oflag = 0;
  tio.c_lflag = 0;
  tio.c_cflag = CS8 | CREAD | CLOCAL | PARENB;
  tio.c_cc[VMIN] = 1;
  tio.c_cc[VTIME] = 0;
  speed_t speed = type == DCF77_RX_MOUSECLOCK ? B4800 : B50;
  cfsetispeed(&tio, speed);
  cfsetospeed(&tio, speed);
  int ret = tcsetattr(fd, TCSANOW, &tio) != 0 ? errno : 0;
  tcflush(fd, TCIFLUSH); /* nothing stale from before we looked */
  return ret;
}

/* Open the device (read-only).  Returns the fd or -errno; the outcome for
 * read() to log is left in rx->status. */
static int rx_open(dcf77_rx_t *rx) {
  char path[256];
  if (rx->use_udev) {
    if (udev_find(&rx->match, path, sizeof(path)) != 0) {
      pthread_mutex_lock(&rx->lock);
      snprintf(rx->status, sizeof(rx->status),
               "no tty with USB id %s:%s%s%s found", rx->match.vendor,
               rx->match.product, rx->match.serial[0] ? " serial " : "",
               rx->match.serial);
      pthread_mutex_unlock(&rx->lock);
      return -ENODEV;
    }
  } else {
    sstrncpy(path, rx->device, sizeof(path));
  }
  int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  int e = errno;
  int line = fd >= 0 ? set_line(fd, rx->type) : 0;
  pthread_mutex_lock(&rx->lock);
  if (fd < 0) {
    snprintf(rx->status, sizeof(rx->status), "cannot open %.200s: %.200s", path,
             strerror(e));
  } else {
    sstrncpy(rx->device_path, path, sizeof(rx->device_path));
    rx->device_open = true;
    rx->fd = fd;
    rx->line_errno = line;
    rx->opened_mono_ns = dcf77_clock_mono_ns();
    rx->status[0] = '\0';
  }
  pthread_mutex_unlock(&rx->lock);
  return fd >= 0 ? fd : -e;
}

static void rx_feed(dcf77_rx_t *rx, const uint8_t *buf, ssize_t n) {
  int64_t real = dcf77_clock_real_ns(), mono = dcf77_clock_mono_ns();
  pthread_mutex_lock(&rx->lock);
  for (ssize_t i = 0; i < n; i++) {
    dcf77_minute_t m;
    if (dcf77_char_pulse(buf[i]) >= 0) {
      rx->have_pulse = true;
      rx->last_pulse_mono_ns = mono;
    }
    if (!dcf77_stream_feed(&rx->stream, buf[i], mono, real, &m))
      continue;
    rx->last_minute = m;
    rx->have_minute = true;
    rx->last_minute_mono_ns = mono;
    if (m.trusted) {
      rx->last_trusted = m;
      rx->have_trusted = true;
      /* One sample a minute (tau0 60 s); untrusted minutes are gaps. */
      if (rx->stab != NULL)
        phase_stats_add(rx->stab, (double)m.offset_ns * 1e-9, m.mark_mono_ns);
    }
  }
  pthread_mutex_unlock(&rx->lock);
}

/* Forget the fd under the lock before closing it (the snapshot asks it
 * for unread characters under the same lock). */
static void rx_forget_fd(dcf77_rx_t *rx, int fd) {
  pthread_mutex_lock(&rx->lock);
  rx->fd = -1;
  pthread_mutex_unlock(&rx->lock);
  close(fd);
}

static void rx_close(dcf77_rx_t *rx, int fd, const char *why) {
  rx_forget_fd(rx, fd);
  pthread_mutex_lock(&rx->lock);
  rx->device_open = false;
  snprintf(rx->status, sizeof(rx->status), "%.200s: %.200s", rx->device_path,
           why);
  pthread_mutex_unlock(&rx->lock);
}

static void *rx_thread(void *arg) {
  dcf77_rx_t *rx = arg;
  int fd = -1;
  while (!worker_should_stop(&rx->worker)) {
    if (fd < 0) {
      fd = rx_open(rx);
      if (fd < 0) {
        worker_sleep(&rx->worker, REOPEN_NS);
        continue;
      }
    }
    /* Blocks until a character, a hang-up or worker_stop (no time limit:
     * the reading side judges silence from the last pulse's time). */
    int r = worker_poll(&rx->worker, fd, POLLIN, -1);
    if (r < 0) {
      rx_close(rx, fd, strerror(errno));
      fd = -1;
    } else if (r & POLLIN) {
      uint8_t buf[64];
      ssize_t n = read(fd, buf, sizeof(buf));
      if (n > 0) {
        rx_feed(rx, buf, n);
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        rx_close(rx, fd, n == 0 ? "end of file" : strerror(errno));
        fd = -1;
      }
    } else if (r > 0) { /* POLLHUP / POLLERR without data: gone */
      rx_close(rx, fd, "hung up");
      fd = -1;
      worker_sleep(&rx->worker, REOPEN_NS);
    }
  }
  if (fd >= 0)
    rx_forget_fd(rx, fd);
  return NULL;
}

void dcf77_rx_init(dcf77_rx_t *rx) {
  pthread_mutex_init(&rx->lock, NULL);
  dcf77_stream_init(&rx->stream, &rx->params);
  rx->opened_mono_ns = dcf77_clock_mono_ns();
  rx->fd = -1;
  rx->status[0] = '\0'; /* nothing to report before the first attempt */
}

int dcf77_rx_start(dcf77_rx_t *rx) {
  char tname[16];
  snprintf(tname, sizeof(tname), "dcf77 %.9s", rx->name);
  return worker_start(&rx->worker, rx_thread, rx, tname, plugin_thread_create);
}

void dcf77_rx_stop(dcf77_rx_t *rx) { worker_stop(&rx->worker); }

void dcf77_rx_snapshot(dcf77_rx_t *rx, dcf77_rx_snapshot_t *o) {
  int64_t now = dcf77_clock_mono_ns();
  pthread_mutex_lock(&rx->lock);
  const dcf77_stream_t *s = &rx->stream;
  bool recent = rx->have_pulse && now - rx->last_pulse_mono_ns <= RECEIVING_NS;
  bool starting =
      !rx->have_pulse && now - rx->opened_mono_ns <= RECEIVING_NS;
  /* No pulse for 3 s while characters wait in the tty (TIOCINQ): the
   * reader did not run, the receiver did not fall silent. */
  int unread = 0;
  o->behind = rx->device_open && !recent && !starting && rx->fd >= 0 &&
              ioctl(rx->fd, FIONREAD, &unread) == 0 && unread > 0;
  o->receiving = starting || o->behind ? NAN : (rx->device_open && recent);
  /* The share is over the last 60 s: during the first minute after the
   * device was opened it would ramp up from 0 and trip a "weak signal"
   * threshold at every start, so it is unknown (NaN) until then. */
  bool first_minute = now - rx->opened_mono_ns < 60 * NS_PER_S;
  o->valid_pulses_pct = !rx->device_open ? 0.0
                        : first_minute   ? NAN
                                         : 100.0 * dcf77_stream_quality(s, now);
  o->pulse_spread = rx->have_minute &&
                            now - rx->last_minute_mono_ns <= 120 * NS_PER_S
                        ? rx->last_minute.spread
                        : NAN;
  int64_t since =
      now - (rx->have_trusted ? rx->last_trusted.mark_mono_ns
                              : rx->opened_mono_ns);
  o->since_trusted_s = (double)since / 1e9;
  bool fresh = rx->have_trusted && o->since_trusted_s <= rx->max_age_s;
  const dcf77_minute_t *t = &rx->last_trusted;
  o->trusted = fresh;
  o->offset_s = fresh ? (double)t->offset_ns / 1e9 : NAN;
  o->call_bit = fresh ? t->time.call_bit : NAN;
  o->dst_announce = fresh ? t->time.dst_announce : NAN;
  o->leap_announce = fresh ? t->time.leap_announce : NAN;
  o->cest = fresh ? t->time.cest : NAN;
  o->minutes = (int64_t)s->minutes;
  o->decoded = (int64_t)s->decoded;
  o->trusted_minutes = (int64_t)s->trusted;
  for (int i = 0; i < DCF77_R_COUNT; i++)
    o->rejected[i] = (int64_t)s->rejected[i];
  pthread_mutex_unlock(&rx->lock);
}
