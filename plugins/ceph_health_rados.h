/* SPDX-License-Identifier: MIT
 * ceph_health_rados - the ceph_health plugin's librados side: one
 * connection per <Cluster> block with bounded timeouts, mon commands with
 * JSON output, and the "is this address on this host" test for LeaderOnly.
 */
#ifndef CEPH_HEALTH_RADOS_H
#define CEPH_HEALTH_RADOS_H

#include <rados/librados.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
  /* configuration */
  char *config_file; /* NULL: none read (then MonHost is required) */
  char *client;      /* "client.collectd" */
  char *keyring;     /* NULL: from the config file / librados default */
  char *mon_host;    /* NULL: from the config file */
  double timeout;    /* s: connect, and each mon command */
  /* state */
  rados_t cluster;
  bool connected;
} chr_conn_t;

/* Create the handle, apply the configuration and the timeouts
 * (client_mount_timeout, rados_mon_op_timeout, rados_osd_op_timeout =
 * timeout) and connect.  0 or -errno; err gets the step that failed. */
int chr_connect(chr_conn_t *c, char *err, size_t errlen);
void chr_disconnect(chr_conn_t *c);

/* Send one mon command (JSON); on success *out (malloc'd, NUL-terminated,
 * free() it) holds the reply.  Returns 0 or the negative errno from
 * librados (-ETIMEDOUT after `timeout` s, -EACCES for missing caps); the
 * mon's status string goes to status. */
int chr_command(chr_conn_t *c, const char *cmd, char **out, size_t *outlen,
                char *status, size_t statuslen);

/* 1 if the numeric address `host` is assigned to an interface of this
 * host (getifaddrs), 0 if not, -1 if it is not an address. */
int chr_is_local_address(const char *host);

#endif
