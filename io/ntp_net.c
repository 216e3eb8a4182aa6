/* SPDX-License-Identifier: MIT
 * ntp_net - bounded datagram exchanges with a time daemon (see ntp_net.h).
 * Layer io/: POSIX I/O without collectd (HACKING.md, tests/check-layers.sh).
 */
#if !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif
#include "io/ntp_net.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static void set_err(char *err, size_t errlen, const char *fmt, ...) {
  if (err == NULL || errlen == 0)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

static double mono_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int ntp_net_open_udp(const char *host, const char *port, char *err,
                     size_t errlen) {
  struct addrinfo hints = {.ai_family = AF_UNSPEC,
                           .ai_socktype = SOCK_DGRAM,
                           .ai_flags = AI_ADDRCONFIG};
  struct addrinfo *res = NULL;
  int gai = getaddrinfo(host, port, &hints, &res);
  if (gai != 0) {
    set_err(err, errlen, "cannot resolve %s port %s: %s", host, port,
            gai_strerror(gai));
    return -EHOSTUNREACH;
  }
  int fd = -1, e = EADDRNOTAVAIL;
  for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                ai->ai_protocol);
    if (fd < 0) {
      e = errno;
      continue;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
      break;
    e = errno;
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) {
    set_err(err, errlen, "cannot connect to %s port %s: %s", host, port,
            strerror(e));
    return -e;
  }
  return fd;
}

int ntp_net_open_unix(const char *server_path, char *client_path,
                      size_t client_path_len, char *err, size_t errlen) {
  static unsigned counter;
  struct sockaddr_un srv = {.sun_family = AF_UNIX};
  struct sockaddr_un cli = {.sun_family = AF_UNIX};
  if (client_path == NULL || client_path_len == 0 ||
      strlen(server_path) >= sizeof(srv.sun_path)) {
    set_err(err, errlen, "socket path too long: %s", server_path);
    return -ENAMETOOLONG;
  }
  memcpy(srv.sun_path, server_path, strlen(server_path) + 1);
  const char *slash = strrchr(server_path, '/');
  int dirlen = slash ? (int)(slash - server_path) : 1;
  const char *dir = slash ? server_path : ".";
  int n = snprintf(cli.sun_path, sizeof(cli.sun_path), "%.*s/cds-ntp.%d.%u.sock",
                   dirlen, dir, (int)getpid(),
                   __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED));
  if (n < 0 || (size_t)n >= sizeof(cli.sun_path) ||
      (size_t)n >= client_path_len) {
    set_err(err, errlen, "client socket path too long next to %s",
            server_path);
    return -ENAMETOOLONG;
  }
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    int e = errno;
    set_err(err, errlen, "socket: %s", strerror(e));
    return -e;
  }
  unlink(cli.sun_path);
  if (bind(fd, (struct sockaddr *)&cli, sizeof(cli)) != 0 ||
      connect(fd, (struct sockaddr *)&srv, sizeof(srv)) != 0) {
    int e = errno;
    set_err(err, errlen, "cannot connect %s to %s: %s", cli.sun_path,
            server_path, strerror(e));
    close(fd);
    unlink(cli.sun_path);
    return -e;
  }
  memcpy(client_path, cli.sun_path, (size_t)n + 1);
  return fd;
}

void ntp_net_close(int fd, const char *client_path) {
  if (fd >= 0)
    close(fd);
  if (client_path != NULL && client_path[0] != '\0')
    unlink(client_path);
}

static void drain(int fd) {
  uint8_t junk[64];
  for (int i = 0; i < 256; i++)
    if (recv(fd, junk, sizeof(junk), MSG_DONTWAIT) < 0)
      break;
}

static int send_req(int fd, const uint8_t *req, size_t reqlen, char *err,
                    size_t errlen) {
  ssize_t s = send(fd, req, reqlen, 0);
  if (s == (ssize_t)reqlen)
    return 0;
  int e = s < 0 ? errno : EMSGSIZE;
  set_err(err, errlen, "send: %s", strerror(e));
  return -e;
}

int ntp_net_exchange(int fd, const uint8_t *req, size_t reqlen,
                     double timeout_s, ntp_net_rx_cb cb, void *ctx,
                     char *err, size_t errlen) {
  return ntp_net_exchange_again(fd, req, NULL, reqlen, timeout_s, cb, ctx, err,
                                errlen);
}

int ntp_net_exchange_again(int fd, const uint8_t *req, const uint8_t *again,
                           size_t reqlen, double timeout_s, ntp_net_rx_cb cb,
                           void *ctx, char *err, size_t errlen) {
  drain(fd);
  double start = mono_now(), deadline = start + timeout_s;
  double resend_at = start + timeout_s / 2;
  bool resent = false;
  int rc = send_req(fd, req, reqlen, err, errlen);
  if (rc < 0)
    return rc;
  uint8_t buf[2048];
  for (;;) {
    double now = mono_now();
    if (now >= deadline) {
      set_err(err, errlen, "no complete answer within %.3f s", timeout_s);
      return -ETIMEDOUT;
    }
    if (!resent && now >= resend_at) {
      resent = true;
      if ((rc = send_req(fd, again ? again : req, reqlen, err, errlen)) < 0)
        return rc;
    }
    double until = resent ? deadline : resend_at;
    int ms = (int)((until - now) * 1000.0) + 1;
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int pr = poll(&pfd, 1, ms);
    if (pr < 0 && errno != EINTR) {
      int e = errno;
      set_err(err, errlen, "poll: %s", strerror(e));
      return -e;
    }
    if (pr <= 0)
      continue;
    ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n < 0) {
      int e = errno;
      if (e == EAGAIN || e == EINTR)
        continue;
      /* ECONNREFUSED: nothing listens (ICMP port unreachable) */
      set_err(err, errlen, "recv: %s", strerror(e));
      return -e;
    }
    int c = cb(ctx, buf, (size_t)n);
    if (c != 0)
      return c > 0 ? 0 : c;
  }
}

typedef struct {
  ntp_m6_reasm_t *r;
  ntp_m6_status_t st;
} m6_ctx_t;

static int m6_rx(void *vctx, const uint8_t *pkt, size_t len) {
  m6_ctx_t *c = vctx;
  ntp_m6_status_t st = ntp_m6_reasm_add(c->r, pkt, len);
  if (st == NTP_M6_DONE) {
    c->st = st;
    return 1;
  }
  if (ntp_m6_status_fatal(st)) {
    c->st = st;
    return -EPROTO;
  }
  if (st != NTP_M6_OK)
    c->st = st; /* remember the last ignored problem for the error text */
  return 0;
}

int ntp_net_exchange_fd(void *xctx, const uint8_t *req, const uint8_t *again,
                        size_t reqlen, double timeout_s, ntp_net_rx_cb cb,
                        void *ctx, char *err, size_t errlen) {
  return ntp_net_exchange_again(*(int *)xctx, req, again, reqlen, timeout_s,
                                cb, ctx, err, errlen);
}

int ntp_net_mode6_query(int fd, unsigned opcode, uint16_t assoc,
                        const char *vars, uint16_t sequence, double timeout_s,
                        ntp_m6_reasm_t *r, ntp_m6_status_t *st, char *err,
                        size_t errlen) {
  return ntp_net_mode6_query_x(ntp_net_exchange_fd, &fd, opcode, assoc, vars,
                               sequence, timeout_s, r, st, err, errlen);
}

int ntp_net_mode6_query_x(ntp_net_exchange_fn xf, void *xctx,
                          unsigned opcode, uint16_t assoc, const char *vars,
                          uint16_t sequence, double timeout_s,
                          ntp_m6_reasm_t *r, ntp_m6_status_t *st, char *err,
                          size_t errlen) {
  uint8_t req[NTP_M6_HDR_LEN + NTP_M6_MAX_DATA + 4], again[sizeof(req)];
  size_t len = 0;
  uint16_t resend_seq = sequence ^ 0x8000;
  m6_ctx_t c = {.r = r, .st = NTP_M6_OK};
  ntp_m6_status_t bs = ntp_m6_build_request(req, sizeof(req), &len, 2, opcode,
                                            sequence, assoc, vars);
  if (st)
    *st = bs;
  if (bs != NTP_M6_OK) {
    set_err(err, errlen, "cannot build request: %s", ntp_m6_strstatus(bs));
    return -EINVAL;
  }
  memcpy(again, req, len);
  again[2] = (uint8_t)(resend_seq >> 8); /* the sequence, big-endian */
  again[3] = (uint8_t)resend_seq;
  ntp_m6_reasm_init(r, 2, opcode, sequence, assoc);
  ntp_m6_reasm_resend(r, resend_seq);
  int rc = xf(xctx, req, again, len, timeout_s, m6_rx, &c, err, errlen);
  if (st)
    *st = c.st;
  if (rc == -EPROTO) {
    if (c.st == NTP_M6_E_SERVER)
      set_err(err, errlen, "server error %u (%s) for opcode %u assoc %u",
              r->error_code, ntp_m6_error_name(r->error_code), opcode,
              (unsigned)assoc);
    else
      set_err(err, errlen, "bad response to opcode %u assoc %u: %s", opcode,
              (unsigned)assoc, ntp_m6_strstatus(c.st));
  } else if (rc == -ETIMEDOUT && c.st != NTP_M6_OK) {
    size_t l = err ? strlen(err) : 0;
    if (err && l < errlen)
      set_err(err + l, errlen - l, " (last datagram dropped: %s)",
              ntp_m6_strstatus(c.st));
  }
  return rc;
}
