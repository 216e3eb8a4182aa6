/* SPDX-License-Identifier: MIT
 * ntp_mode6 - the NTP mode 6 control protocol (RFC 9327), as spoken by
 * NTPsec and classic ntpd and read by ntpq.  Pure: no I/O, no globals.
 *
 * A query is:
 *   1. ntp_m6_build_request()        -> bytes to send
 *   2. ntp_m6_reasm_init(), then ntp_m6_reasm_add() for every datagram that
 *      arrives until it returns NTP_M6_DONE (or a fatal status, see
 *      ntp_m6_status_fatal()); non-fatal statuses (a stray packet, a wrong
 *      sequence, a duplicate) mean "ignore it and keep waiting".
 *   3. r.data / r.len hold the reassembled payload:
 *      - READVAR / READCLOCK / READSTAT with an assoc: text, parse it with
 *        ntp_m6_varlist_parse() (it NUL-terminates r.data for you);
 *      - READSTAT with assoc 0: binary (assoc, status) pairs,
 *        ntp_m6_readstat_parse().
 *   4. Status words: ntp_m6_sys_status(), ntp_m6_peer_status(),
 *      ntp_m6_clock_status() (r.status holds the response's status word).
 *
 * Wire facts (big-endian header of 12 octets): LI|VN|mode, R|E|M|opcode,
 * sequence, status, association id, offset, count; then count data octets
 * padded to a multiple of 4 (optionally followed by a MAC).
 * Values in the text are in the daemon's units: offsets, delays,
 * dispersions and jitters in milliseconds; frequency/wander in ppm.
 */
#ifndef CDS_NTP_MODE6_H
#define CDS_NTP_MODE6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NTP_M6_HDR_LEN 12
#define NTP_M6_MAX_DATA 468 /* data octets per fragment (CTL_MAX_DATA_LEN) */
#define NTP_M6_MAX_MAC 28   /* 4-octet key id + up to 24 octets of digest */
#define NTP_M6_MAX_FRAGS 32 /* as ntpq (MAXFRAGS) */
#define NTP_M6_MAX_RESPONSE (NTP_M6_MAX_FRAGS * NTP_M6_MAX_DATA)
#define NTP_M6_MAX_PKT (NTP_M6_HDR_LEN + NTP_M6_MAX_DATA + 4 + NTP_M6_MAX_MAC)

enum {
  NTP_M6_OP_READSTAT = 1,
  NTP_M6_OP_READVAR = 2,
  NTP_M6_OP_READCLOCK = 4,
};

/* Every function returns one of these.  OK/DONE are success. */
typedef enum {
  NTP_M6_OK = 0,       /* accepted; (reassembly) more fragments needed */
  NTP_M6_DONE,         /* reassembly complete */
  NTP_M6_E_ARG,        /* bad argument (buffer too small, opcode > 31, ...) */
  NTP_M6_E_SHORT,      /* datagram shorter than the header or its count */
  NTP_M6_E_ALIGN,      /* length not a multiple of 4 */
  NTP_M6_E_PADDING,    /* trailer after the padded data too long for a MAC */
  NTP_M6_E_VERSION,    /* version differs from the request's */
  NTP_M6_E_MODE,       /* mode != 6 */
  NTP_M6_E_NOTRESP,    /* R bit clear (a request, not a response) */
  NTP_M6_E_OPCODE,     /* opcode differs from the request's */
  NTP_M6_E_SEQUENCE,   /* sequence differs from the request's */
  NTP_M6_E_ASSOC,      /* association id differs from the request's */
  NTP_M6_E_COUNT,      /* count > 468 or offset+count beyond the limit, or
                          count 0 with the M bit */
  NTP_M6_E_DUPLICATE,  /* the same fragment again */
  NTP_M6_E_OVERLAP,    /* a fragment overlapping another, different one */
  NTP_M6_E_TOOMANY,    /* more than NTP_M6_MAX_FRAGS fragments */
  NTP_M6_E_BEYONDEND,  /* a fragment past the end given by the last one */
  NTP_M6_E_SERVER,     /* the server answered with the E bit: see error_code */
  NTP_M6_E_SYNTAX,     /* varlist: unterminated quote / empty name */
  NTP_M6_E_FULL,       /* varlist/readstat: more items than the output holds */
} ntp_m6_status_t;

/* A short English description of a status ("wrong sequence", ...). */
const char *ntp_m6_strstatus(ntp_m6_status_t st);
/* True if the query cannot succeed any more (server error, overlap, too many
 * fragments, past the end); false for statuses that mean "drop this datagram
 * and keep waiting" (wrong sequence/opcode/assoc, not a response, malformed
 * datagram, duplicate). */
bool ntp_m6_status_fatal(ntp_m6_status_t st);
/* Name of a server error code (E bit; code in the status word's high byte):
 * 0 unspecified, 1 permission denied, 2 bad format, 3 bad opcode,
 * 4 bad association, 5 unknown variable, 6 bad value, 7 restricted. */
const char *ntp_m6_error_name(unsigned code);

/* Build a request.  version: 1..4 (ntpq sends 2); opcode 0..31; vars: a
 * comma-separated variable list ("offset,sys_jitter") or NULL/"" for the
 * defaults.  The packet is padded with NULs to a multiple of 4.  *len gets
 * the packet length.  Returns NTP_M6_OK or NTP_M6_E_ARG. */
ntp_m6_status_t ntp_m6_build_request(uint8_t *buf, size_t bufsize,
                                     size_t *len, unsigned version,
                                     unsigned opcode, uint16_t sequence,
                                     uint16_t assoc, const char *vars);

/* One decoded datagram header; data points into the datagram. */
typedef struct {
  unsigned leap, version, mode;
  bool response, error, more;
  unsigned opcode;
  uint16_t sequence, status, assoc, offset, count;
  const uint8_t *data;
} ntp_m6_header_t;

/* Decode and check one datagram on its own: length >= 12, multiple of 4,
 * mode 6, count <= 468 and inside the datagram, at most a MAC after the
 * padding (whose content is ignored: NTPsec leaves junk there).  Does not check R/opcode/sequence (the reassembler does). */
ntp_m6_status_t ntp_m6_parse_header(const uint8_t *pkt, size_t len,
                                    ntp_m6_header_t *h);

/* Reassembly state of one response.  Initialise with ntp_m6_reasm_init(). */
typedef struct {
  /* what the request asked for (set by init) */
  unsigned version, opcode;
  uint16_t sequence, assoc;
  bool any_assoc; /* request assoc was 0: accept and record any assoc */
  bool has_resend;  /* the request went out once more, under resend_seq */
  uint16_t resend_seq;
  /* results */
  uint16_t status;     /* status word of the response (last fragment seen) */
  uint16_t resp_assoc; /* association id in the response */
  unsigned error_code; /* with NTP_M6_E_SERVER: the server's error code */
  size_t len;          /* payload length once DONE */
  unsigned nfrags;
  bool have_last;
  size_t total; /* offset+count of the last fragment, once seen */
  struct {
    uint16_t offset, count;
  } frags[NTP_M6_MAX_FRAGS];
  /* one extra octet so ntp_m6_varlist_parse can NUL-terminate in place */
  uint8_t data[NTP_M6_MAX_RESPONSE + 1];
} ntp_m6_reasm_t;

void ntp_m6_reasm_init(ntp_m6_reasm_t *r, unsigned version, unsigned opcode,
                       uint16_t sequence, uint16_t assoc);
/* The request is sent once more under sequence `resend_seq` (a new number,
 * as ntpq does: NTPsec pylib/packet.py): fragments of both answers are
 * accepted but never mixed.  The first fragment of the resend's answer
 * drops what the first answer had delivered, and from then on only the
 * resend's sequence counts; a first answer completed before that is used
 * as is. */
void ntp_m6_reasm_resend(ntp_m6_reasm_t *r, uint16_t resend_seq);
/* Feed one received datagram (see the top of this file for the result). */
ntp_m6_status_t ntp_m6_reasm_add(ntp_m6_reasm_t *r, const uint8_t *pkt,
                                 size_t len);

/* One name=value item; value is NULL for a bare name, without the quotes
 * for a quoted value (quoted is then true).  Pointers into the parsed text. */
typedef struct {
  const char *name;
  const char *value;
  bool quoted;
} ntp_m6_var_t;

/* Parse a "name=value, name2="q,uoted", ..." list in place (the text is
 * modified: separators become NULs).  text must have room for len+1 octets
 * (it is NUL-terminated at text[len]; NULs inside end the text, as padding).
 * Items are separated by commas outside quotes; blanks, CR and LF around
 * names and values are skipped; an empty item is skipped.  Returns OK,
 * E_SYNTAX (unterminated quote, empty name, junk after a closing quote) or
 * E_FULL (more than max items; the first max are filled). */
ntp_m6_status_t ntp_m6_varlist_parse(char *text, size_t len,
                                     ntp_m6_var_t *vars, size_t max,
                                     size_t *n);
/* The value of the first item named name, or NULL (also for a bare name). */
const char *ntp_m6_var_get(const ntp_m6_var_t *vars, size_t n,
                           const char *name);
/* The value as a double (whole value must be a number; "0x1f" hex allowed).
 * Returns 0, or -1 (missing, bare name, not a number) leaving *out as is. */
int ntp_m6_var_double(const ntp_m6_var_t *vars, size_t n, const char *name,
                      double *out);

/* READSTAT (assoc 0) payload: pairs of u16 assoc id, u16 peer status. */
typedef struct {
  uint16_t assoc;
  uint16_t status;
} ntp_m6_assoc_t;
/* Returns OK, E_SHORT (len not a multiple of 4) or E_FULL. */
ntp_m6_status_t ntp_m6_readstat_parse(const uint8_t *data, size_t len,
                                      ntp_m6_assoc_t *out, size_t max,
                                      size_t *n);

/* System status word: LI(15-14) | clock source(13-8) | event count(7-4) |
 * event code(3-0). */
typedef struct {
  unsigned leap;      /* 0 none, 1 +1 s, 2 -1 s, 3 unsynchronised */
  unsigned source;    /* 0 unspec, 1 pps, 2 lf_radio, 3 hf_radio, 4
                         uhf_radio, 5 local, 6 ntp, 7 other, 8 wristwatch,
                         9 telephone */
  const char *source_name; /* those names ("unspec", ..., "other" if > 9) */
  unsigned event_count;
  unsigned event_code;
} ntp_m6_sys_status_t;
void ntp_m6_sys_status(uint16_t word, ntp_m6_sys_status_t *out);

/* Selection codes of the peer status word (bits 10-8). */
enum {
  NTP_M6_SEL_REJECT = 0,
  NTP_M6_SEL_FALSETICK = 1,
  NTP_M6_SEL_EXCESS = 2,
  NTP_M6_SEL_OUTLIER = 3,
  NTP_M6_SEL_CANDIDATE = 4,
  NTP_M6_SEL_BACKUP = 5,
  NTP_M6_SEL_SYSPEER = 6,
  NTP_M6_SEL_PPSPEER = 7,
};

/* Peer status word: flags(15-11) | selection(10-8) | event count(7-4) |
 * event code(3-0). */
typedef struct {
  bool configured, authenable, authentic, reachable, broadcast;
  unsigned select;         /* NTP_M6_SEL_* */
  const char *select_name; /* reject falseticker excess outlier candidate
                              backup sys.peer pps.peer */
  char select_char;        /* ntpq's tally: ' ' x . - + # * o */
  unsigned event_count;
  unsigned event_code;
  const char *event_name; /* "mobilize", ..., "unreachable", ... */
} ntp_m6_peer_status_t;
void ntp_m6_peer_status(uint16_t word, ntp_m6_peer_status_t *out);
const char *ntp_m6_select_name(unsigned select);

/* Clock status word (READCLOCK): both ntpd and NTPsec put
 * (last event << 4 | current status) in the low byte. */
typedef struct {
  unsigned status;         /* 0 ok, 1 no reply, 2 bad format, 3 fault,
                              4 bad signal, 5 bad date, 6 bad time */
  const char *status_name; /* "ok", "noreply", "badformat", "fault",
                              "propagation", "baddate", "badtime" */
  unsigned last_event;     /* same code space */
  const char *last_event_name;
} ntp_m6_clock_status_t;
void ntp_m6_clock_status(uint16_t word, ntp_m6_clock_status_t *out);

#endif
