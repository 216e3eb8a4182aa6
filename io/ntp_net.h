/* SPDX-License-Identifier: MIT
 * ntp_net - bounded datagram exchanges with a time daemon: UDP (NTP mode 6
 * on port 123, chrony cmdmon on port 323) and chrony's Unix socket.
 *
 * Layer io/ (HACKING.md): plain POSIX, no collectd header, so that the
 * ntp and dcf77 plugins, the replay tests and the fuzz targets compile it
 * in.  No logging: functions return 0 or a negative errno and write a
 * one-line reason into err (may be NULL); the plugin logs it.
 *
 * Bound: ntp_net_exchange() returns within timeout_s whatever the peer does
 * (dead, silent, flooding us with stray datagrams).  The request is sent
 * once more at timeout_s/2 if the answer is not complete by then (mode 6:
 * under a new sequence number, see ntp_net_mode6_query_x).
 */
#ifndef CDS_NTP_NET_H
#define CDS_NTP_NET_H

#include <stddef.h>
#include <stdint.h>

#include "common/ntp_mode6.h"

/* A connected, non-blocking UDP socket to host:port (numeric or name;
 * the first address that connects wins).  Returns fd >= 0 or -errno. */
int ntp_net_open_udp(const char *host, const char *port, char *err,
                     size_t errlen);

/* A Unix datagram socket connected to server_path (chronyd's command
 * socket) and bound to a fresh client path in the same directory
 * ("<dir>/cds-ntp.<pid>.<n>.sock"; chronyd sends its replies there, as to
 * chronyc's socket).  The bound path is written to client_path; pass it to
 * ntp_net_close().  Returns fd >= 0 or -errno. */
int ntp_net_open_unix(const char *server_path, char *client_path,
                      size_t client_path_len, char *err, size_t errlen);

/* Close fd; unlink client_path if non-NULL and non-empty. */
void ntp_net_close(int fd, const char *client_path);

/* Called for each received datagram: return 1 when the answer is complete,
 * 0 to keep waiting (datagram ignored or more needed), < 0 to give up
 * (the value is returned by ntp_net_exchange). */
typedef int (*ntp_net_rx_cb)(void *ctx, const uint8_t *pkt, size_t len);

/* Send req, feed replies to cb until it returns != 0 or timeout_s passes
 * (then -ETIMEDOUT).  Stale datagrams queued before the call are dropped. */
int ntp_net_exchange(int fd, const uint8_t *req, size_t reqlen,
                     double timeout_s, ntp_net_rx_cb cb, void *ctx,
                     char *err, size_t errlen);
/* The same, resending `again` (reqlen octets; NULL: req) at timeout_s/2. */
int ntp_net_exchange_again(int fd, const uint8_t *req, const uint8_t *again,
                           size_t reqlen, double timeout_s, ntp_net_rx_cb cb,
                           void *ctx, char *err, size_t errlen);

/* The shape of ntp_net_exchange_again with its socket hidden in xctx, so
 * that callers can swap in a recorded conversation (golden replay tests). */
typedef int (*ntp_net_exchange_fn)(void *xctx, const uint8_t *req,
                                   const uint8_t *again, size_t reqlen,
                                   double timeout_s, ntp_net_rx_cb cb,
                                   void *ctx, char *err, size_t errlen);
/* xctx is a pointer to an int holding the socket. */
int ntp_net_exchange_fd(void *xctx, const uint8_t *req, const uint8_t *again,
                        size_t reqlen, double timeout_s, ntp_net_rx_cb cb,
                        void *ctx, char *err, size_t errlen);

/* ntp_net_mode6_query over any exchange function.  The resend at
 * timeout_s/2 goes out under sequence ^ 0x8000, a number no other query
 * of the same socket uses as long as a socket carries fewer than 2^15
 * queries (the ntp plugin opens one per reading); fragments of the two
 * answers are never mixed (ntp_m6_reasm_resend). */
int ntp_net_mode6_query_x(ntp_net_exchange_fn xf, void *xctx,
                          unsigned opcode, uint16_t assoc, const char *vars,
                          uint16_t sequence, double timeout_s,
                          ntp_m6_reasm_t *r, ntp_m6_status_t *st, char *err,
                          size_t errlen);

/* One mode 6 query (version 2, like ntpq): on success (0) r holds the
 * reassembled answer (r->data NUL-terminated, r->len).  Errors: -ETIMEDOUT,
 * -EPROTO (fatal protocol error: *st says which; NTP_M6_E_SERVER with
 * r->error_code for an error response), other -errno from the socket. */
int ntp_net_mode6_query(int fd, unsigned opcode, uint16_t assoc,
                        const char *vars, uint16_t sequence, double timeout_s,
                        ntp_m6_reasm_t *r, ntp_m6_status_t *st, char *err,
                        size_t errlen);

#endif
