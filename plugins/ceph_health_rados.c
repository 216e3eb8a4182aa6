/* SPDX-License-Identifier: MIT
 * ceph_health_rados - the ceph_health plugin's librados side: one
 * connection per <Cluster> block with bounded timeouts, mon commands with
 * JSON output, and the "is this address on this host" test for LeaderOnly.
 * Read-only: only mon commands that read are ever sent (the caps
 * `mon 'allow r' mgr 'allow r'` are enough, and refuse anything else).
 */
#include "collectd.h"
#include "utils/common/common.h"

#include "plugins/ceph_health_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *errstr(int r, char *buf, size_t size) {
  return sstrerror(r < 0 ? -r : r, buf, size);
}

static int set_opt(chr_conn_t *c, const char *key, const char *val, char *err,
                   size_t errlen) {
  char eb[128];
  int r = rados_conf_set(c->cluster, key, val);
  if (r < 0)
    snprintf(err, errlen, "rados_conf_set(%s, %s): %s", key, val,
             errstr(r, eb, sizeof(eb)));
  return r;
}

/* Create the handle, apply the configuration and the timeouts
 * (client_mount_timeout, rados_mon_op_timeout, rados_osd_op_timeout =
 * timeout) and connect.  0 or -errno; err gets the step that failed. */
int chr_connect(chr_conn_t *c, char *err, size_t errlen) {
  char eb[128];
  if (c->connected)
    return 0;
  int r = rados_create2(&c->cluster, "ceph", c->client, 0);
  if (r < 0) {
    snprintf(err, errlen, "rados_create2(%s): %s", c->client, errstr(r, eb, sizeof(eb)));
    return r;
  }
  if (c->config_file != NULL &&
      (r = rados_conf_read_file(c->cluster, c->config_file)) < 0) {
    snprintf(err, errlen, "reading %s: %s", c->config_file, errstr(r, eb, sizeof(eb)));
    rados_shutdown(c->cluster);
    return r;
  }
  char tmo[32];
  snprintf(tmo, sizeof(tmo), "%g", c->timeout);
  /* Without these a dead mon blocks rados_connect for client_mount_timeout
   * (default 5 min, Ceph src/common/options.cc), and a mon command blocks
   * until a dead mon returns, or forever for a mgr-served command while
   * the mgr is down (seen on Ceph 16.2.15; docs/ceph_health.md, "Timeouts
   * and failures").  rados_mon_op_timeout bounds each mon command;
   * rados_mon_op_timeout and rados_osd_op_timeout do not apply to
   * rados_connect, which only client_mount_timeout bounds. */
  if ((c->keyring && (r = set_opt(c, "keyring", c->keyring, err, errlen)) < 0) ||
      (c->mon_host &&
       (r = set_opt(c, "mon_host", c->mon_host, err, errlen)) < 0) ||
      (r = set_opt(c, "client_mount_timeout", tmo, err, errlen)) < 0 ||
      (r = set_opt(c, "rados_mon_op_timeout", tmo, err, errlen)) < 0 ||
      (r = set_opt(c, "rados_osd_op_timeout", tmo, err, errlen)) < 0) {
    rados_shutdown(c->cluster);
    return r;
  }
  if ((r = rados_connect(c->cluster)) < 0) {
    snprintf(err, errlen, "rados_connect as %s: %s", c->client, errstr(r, eb, sizeof(eb)));
    rados_shutdown(c->cluster);
    return r;
  }
  c->connected = true;
  return 0;
}

void chr_disconnect(chr_conn_t *c) {
  if (!c->connected)
    return;
  rados_shutdown(c->cluster);
  c->connected = false;
}

/* Send one mon command (JSON); on success *out (malloc'd, NUL-terminated,
 * free() it) holds the reply.  Returns 0 or the negative errno from
 * librados (-ETIMEDOUT after `timeout` s, -EACCES for missing caps); the
 * mon's status string goes to status. */
int chr_command(chr_conn_t *c, const char *cmd, char **out, size_t *outlen,
                char *status, size_t statuslen) {
  char *buf = NULL, *st = NULL;
  size_t blen = 0, slen = 0;
  const char *cmds[1] = {cmd};
  *out = NULL;
  *outlen = 0;
  if (statuslen > 0)
    status[0] = 0;
  if (!c->connected)
    return -ENOTCONN;
  int r = rados_mon_command(c->cluster, cmds, 1, "", 0, &buf, &blen, &st,
                            &slen);
  if (st != NULL && statuslen > 0)
    snprintf(status, statuslen, "%.*s", (int)slen, st);
  if (r > 0) /* rados_mgr_command returns +ETIMEDOUT; be safe here too */
    r = -r;
  if (r == 0) {
    *out = malloc(blen + 1);
    if (*out == NULL) {
      r = -ENOMEM;
    } else {
      if (blen > 0)
        memcpy(*out, buf, blen);
      (*out)[blen] = 0;
      *outlen = blen;
    }
  }
  if (buf != NULL)
    rados_buffer_free(buf);
  if (st != NULL)
    rados_buffer_free(st);
  return r;
}

/* 1 if the numeric address `host` is assigned to an interface of this
 * host (getifaddrs), 0 if not, -1 if it is not an address. */
int chr_is_local_address(const char *host) {
  unsigned char want[16];
  int family;
  if (inet_pton(AF_INET, host, want) == 1)
    family = AF_INET;
  else if (inet_pton(AF_INET6, host, want) == 1)
    family = AF_INET6;
  else
    return -1;
  struct ifaddrs *ifs, *i;
  if (getifaddrs(&ifs) != 0)
    return 0;
  int found = 0;
  for (i = ifs; i != NULL && !found; i = i->ifa_next) {
    if (i->ifa_addr == NULL || i->ifa_addr->sa_family != family)
      continue;
    if (family == AF_INET)
      found = memcmp(&((struct sockaddr_in *)i->ifa_addr)->sin_addr, want,
                     4) == 0;
    else
      found = memcmp(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, want,
                     16) == 0;
  }
  freeifaddrs(ifs);
  return found;
}
