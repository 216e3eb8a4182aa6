/* SPDX-License-Identifier: MIT
 * chrony_cmdmon - chrony's command and monitoring protocol (cmdmon,
 * protocol version 6, as chronyc speaks it to chronyd on UDP port 323 or
 * its Unix socket).  Pure: build requests, check and decode replies.
 *
 * Wire facts (candm.h; all big-endian): a request is a 20-octet header
 * (version 6, pkt_type 1, res1, res2, command u16, attempt u16, sequence
 * u32, pad1 u32, pad2 u32), the command's data, then NUL padding so that the
 * request is exactly as long as the reply (chronyd drops shorter requests
 * with STT_BADPKTLENGTH: the anti-amplification rule).  A reply is a
 * 28-octet header (version, pkt_type 2, res1, res2, command u16, reply u16,
 * status u16, pad1..3 u16, sequence u32, pad4, pad5) and the reply data.
 * Lengths come from one table (chrony_cmd_lengths), the equivalent of
 * chrony's pktlength.c offsetof(EOR) table.
 *
 * Numbers: chrony's 32-bit "Float" = 7-bit signed exponent | 25-bit signed
 * coefficient, value = coef * 2^(exp - 25); Timespec = {sec_high, sec_low,
 * nsec} with sec_high 0x7fffffff meaning "no high part".
 * Units: seconds and ppm as chrony reports them (see each field).
 */
#ifndef CDS_CHRONY_CMDMON_H
#define CDS_CHRONY_CMDMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHRONY_PROTO_VERSION 6
#define CHRONY_REQ_HDR_LEN 20
#define CHRONY_RPY_HDR_LEN 28
#define CHRONY_MAX_PKT 512

enum {
  CHRONY_REQ_N_SOURCES = 14,
  CHRONY_REQ_SOURCE_DATA = 15,
  CHRONY_REQ_TRACKING = 33,
  CHRONY_REQ_SOURCESTATS = 34,
  CHRONY_REQ_SERVER_STATS = 54,
};
enum {
  CHRONY_RPY_N_SOURCES = 2,
  CHRONY_RPY_SOURCE_DATA = 3,
  CHRONY_RPY_TRACKING = 5,
  CHRONY_RPY_SOURCESTATS = 6,
  /* REQ_SERVER_STATS is answered in the layout of the daemon's version
   * (candm.h history): RPY_SERVER_STATS (chrony 2.3-3.5), _2 (4.0-4.1),
   * _3 (4.2-4.3), _4 (>= 4.4, 64-bit counters) */
  CHRONY_RPY_SERVER_STATS = 14,
  CHRONY_RPY_SERVER_STATS2 = 22,
  CHRONY_RPY_SERVER_STATS3 = 24,
  CHRONY_RPY_SERVER_STATS4 = 25,
};

typedef enum {
  CHRONY_OK = 0,
  CHRONY_E_ARG,      /* unknown command, buffer too small */
  CHRONY_E_SHORT,    /* reply shorter than its header or its data */
  CHRONY_E_VERSION,  /* protocol version != 6 */
  CHRONY_E_PKTTYPE,  /* not a reply */
  CHRONY_E_COMMAND,  /* reply to another command */
  CHRONY_E_SEQUENCE, /* reply to another request */
  CHRONY_E_STATUS,   /* chronyd said no (status != 0): see status */
  CHRONY_E_REPLY,    /* unexpected reply format code */
} chrony_status_t;

const char *chrony_strstatus(chrony_status_t st);
/* Name of chronyd's status code (STT_*): 0 success, 1 failed, 2 unauth,
 * 3 invalid, 4 no such source, ..., 18 bad packet version, 19 bad packet
 * length. */
const char *chrony_stt_name(unsigned stt);

/* Request and reply lengths (octets, headers included) of a command; the
 * request length already includes the padding up to the reply length.
 * SERVER_STATS: the longest reply (RPY_SERVER_STATS4, 196 octets), so that
 * every chronyd answers (4.3 needs >= 72 octets and accepts longer).
 * Returns 0, or -1 for a command not in the table. */
int chrony_cmd_lengths(unsigned command, size_t *req_len, size_t *rpy_len);

/* Build a request; index is the source index for SOURCE_DATA/SOURCESTATS
 * (ignored otherwise).  *len = the padded length. */
chrony_status_t chrony_build_request(uint8_t *buf, size_t bufsize,
                                     size_t *len, unsigned command,
                                     uint32_t sequence, uint16_t attempt,
                                     uint32_t index);

/* A checked reply: data points to the reply data (after the header). */
typedef struct {
  unsigned version, pkt_type, command, reply, status;
  uint32_t sequence;
  const uint8_t *data;
  size_t data_len;
} chrony_reply_t;

/* Check a datagram against the request (command, sequence): version 6,
 * pkt_type 2, status success, expected reply code (SERVER_STATS: any of
 * its four layouts), length >= that reply's length.  Non-success status gives CHRONY_E_STATUS with out->status
 * set.  Wrong sequence/command/pkt_type mean "not ours, keep waiting". */
chrony_status_t chrony_parse_reply(const uint8_t *pkt, size_t len,
                                   unsigned command, uint32_t sequence,
                                   chrony_reply_t *out);

/* chrony Float <-> double.  Encoding rounds to nearest (25-bit signed
 * coefficient, relative error <= 2^-24); NaN encodes as 0; overflow
 * saturates; values below 2^-89 become 0. */
double chrony_float_decode(uint32_t f);
uint32_t chrony_float_encode(double x);

typedef struct {
  int64_t sec;
  uint32_t nsec;
} chrony_timespec_t;
chrony_timespec_t chrony_timespec_decode(const uint8_t *p);

/* IPAddr (20 octets: 16 address, u16 family, u16 pad), chrony
 * addressing.h.  Family 3 (IPADDR_ID) is a source whose name is not
 * resolved yet (a pool placeholder, a server whose DNS failed): an id
 * 1, 2, 3... in the first 4 octets (ntp_sources.c).  A refclock source is
 * family 1 with its refid as the address; the tracking reference of a
 * refclock or of the local reference is family 0. */
enum {
  CHRONY_IPADDR_UNSPEC = 0,
  CHRONY_IPADDR_INET4 = 1,
  CHRONY_IPADDR_INET6 = 2,
  CHRONY_IPADDR_ID = 3,
};
typedef struct {
  unsigned family;
  uint8_t addr[16];
} chrony_ipaddr_t;
/* Text form as chrony's util.c UTI_IPToString: dotted IPv4, IPv6 (full
 * form, not compressed), "ID#0000000005" for family 3, "[UNSPEC]" for
 * anything else.  Returns 0. */
int chrony_ipaddr_str(const chrony_ipaddr_t *a, char *buf, size_t len);
/* A refid (u32) as chronyc prints it: up to 4 printable characters. */
void chrony_refid_str(uint32_t refid, char *buf, size_t len);

/* RPY_TRACKING (76 octets of data). */
typedef struct {
  uint32_t ref_id;
  chrony_ipaddr_t ip;
  unsigned stratum;
  unsigned leap_status;         /* 0 normal, 1 insert, 2 delete, 3 unsync */
  chrony_timespec_t ref_time;   /* last update of the reference (UTC) */
  double current_correction_s;  /* "System time": > 0 = local clock slow */
  double last_offset_s;         /* > 0 = local clock was ahead (fast) */
  double rms_offset_s;          /* long-term average offset */
  double freq_ppm;              /* > 0 = local clock fast (chrony's sign) */
  double resid_freq_ppm;
  double skew_ppm;              /* error bound of freq */
  double root_delay_s;
  double root_dispersion_s;
  double last_update_interval_s;
} chrony_tracking_t;

typedef struct {
  uint32_t n_sources;
} chrony_n_sources_t;

/* Source state (RPY_SD_ST_*, chrony >= 4.0) and its chronyc symbol. */
enum {
  CHRONY_SD_SELECTED = 0,      /* '*' */
  CHRONY_SD_NONSELECTABLE = 1, /* '?' */
  CHRONY_SD_FALSETICKER = 2,   /* 'x' */
  CHRONY_SD_JITTERY = 3,       /* '~' */
  CHRONY_SD_UNSELECTED = 4,    /* '+': combined with the selected source */
  CHRONY_SD_SELECTABLE = 5,    /* '-': acceptable, not combined */
};
enum { CHRONY_SD_MODE_CLIENT = 0, CHRONY_SD_MODE_PEER = 1,
       CHRONY_SD_MODE_REF = 2 };

/* RPY_SOURCE_DATA (48 octets of data). */
typedef struct {
  chrony_ipaddr_t ip;
  int poll;           /* log2 s */
  unsigned stratum;
  unsigned state;     /* CHRONY_SD_* */
  unsigned mode;      /* CHRONY_SD_MODE_* */
  unsigned flags;
  unsigned reach;     /* 8-bit reachability register */
  uint32_t since_sample_s;
  double orig_latest_meas_s; /* measured offset; > 0 = local clock fast */
  double latest_meas_s;      /* adjusted offset; > 0 = local clock fast */
  double latest_meas_err_s;  /* error bound of that measurement */
} chrony_source_data_t;

/* RPY_SOURCESTATS (56 octets of data). */
typedef struct {
  uint32_t ref_id;
  chrony_ipaddr_t ip;
  uint32_t n_samples, n_runs, span_s;
  double sd_s;             /* standard deviation of the samples */
  double resid_freq_ppm;
  double skew_ppm;
  double est_offset_s;     /* > 0 = local clock fast */
  double est_offset_err_s;
} chrony_sourcestats_t;

/* RPY_SERVER_STATS* (chronyc serverstats): counters since chronyd started,
 * indexed by CHRONY_SS_*; CHRONY_SS_UNKNOWN where the reply layout has no
 * such field (v1: no NTS-KE, authenticated or interleaved counts; v2: no
 * interleaved count).  32-bit counters (v1-v3) wrap at 2^32 in chronyd. */
enum {
  CHRONY_SS_NTP_RX,        /* ntp_hits: NTP requests received */
  CHRONY_SS_NKE_RX,        /* nke_hits: NTS-KE connections accepted */
  CHRONY_SS_CMD_RX,        /* cmd_hits: command requests received */
  CHRONY_SS_NTP_DROP,      /* ntp_drops: NTP requests dropped (ratelimit) */
  CHRONY_SS_NKE_DROP,      /* nke_drops: NTS-KE connections dropped */
  CHRONY_SS_CMD_DROP,      /* cmd_drops: command requests dropped */
  CHRONY_SS_LOG_DROP,      /* log_drops: client log records dropped */
  CHRONY_SS_NTP_AUTH,      /* ntp_auth_hits: authenticated NTP requests */
  CHRONY_SS_NTP_INTERLEAVED, /* ntp_interleaved_hits */
  CHRONY_SS_N
};
#define CHRONY_SS_UNKNOWN INT64_MIN
typedef struct {
  unsigned layout; /* 1..4: RPY_SERVER_STATS, _2, _3, _4 */
  int64_t v[CHRONY_SS_N];
} chrony_serverstats_t;

/* The name chronyc shows for a source: "ID#0000000005" for one whose name
 * is not resolved yet (family 3), the refid ("GPS1") for a refclock (mode
 * REF: chronyd puts the refid in the address field), else the address.
 * Returns 0. */
int chrony_source_name(const chrony_source_data_t *s, char *buf, size_t len);

/* Whether SOURCESTATS describes the source of SOURCE_DATA (the same index
 * names another source once one was removed between the two requests):
 * a refclock's stats carry its refid and address family 0, an NTP or
 * unresolved source's stats its address (sources.c
 * SRC_ReportSourcestats). */
bool chrony_stats_match(const chrony_source_data_t *d,
                        const chrony_sourcestats_t *ss);

/* Decode a checked reply (its reply code must match). */
chrony_status_t chrony_decode_tracking(const chrony_reply_t *r,
                                       chrony_tracking_t *out);
chrony_status_t chrony_decode_n_sources(const chrony_reply_t *r,
                                        chrony_n_sources_t *out);
chrony_status_t chrony_decode_source_data(const chrony_reply_t *r,
                                          chrony_source_data_t *out);
chrony_status_t chrony_decode_sourcestats(const chrony_reply_t *r,
                                          chrony_sourcestats_t *out);
chrony_status_t chrony_decode_serverstats(const chrony_reply_t *r,
                                          chrony_serverstats_t *out);

/* chronyc's symbol for a state ('*', '?', 'x', '~', '+', '-'; '?' if out
 * of range) and a name ("selected", "nonselectable", "falseticker",
 * "jittery", "unselected", "selectable"). */
char chrony_state_char(unsigned state);
const char *chrony_state_name(unsigned state);

#endif
