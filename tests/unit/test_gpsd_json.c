/* SPDX-License-Identifier: MIT
 * gpsd_json: class/device of real gpsd 3.22 reports (captured from gpsfake
 * replaying hab-gpspi.log), TOFF/PPS decoding (TOFF as 3.22 prints it, with
 * its stray space and no precision; PPS in 3.22's format with precision and
 * qErr), malformed input, offsets in integer ns, instance names. */
#include "common/gpsd_json.h"
#include "tests/unit/testing.h"

#define LEN(s) strlen(s)

static const char toff_322[] =
    "{\"class\":\"TOFF\",\"device\":\"/dev/pts/3\",\"real_sec\":2054194115, "
    "\"real_nsec\":0,\"clock_sec\":1795333909,\"clock_nsec\":207081777}";
static const char pps_322[] =
    "{\"class\":\"PPS\",\"device\":\"/dev/pps0\",\"real_sec\":1700000000,"
    "\"real_nsec\":0,\"clock_sec\":1700000000,\"clock_nsec\":1234,"
    "\"precision\":-20,\"qErr\":-4321}";
static const char sky_322[] =
    "{\"class\":\"SKY\",\"device\":\"/dev/pts/3\",\"xdop\":0.48,"
    "\"hdop\":0.96,\"nSat\":23,\"uSat\":10,\"satellites\":[{\"PRN\":1,"
    "\"el\":4.0,\"az\":21.0,\"ss\":0.0,\"used\":false,\"gnssid\":0,"
    "\"svid\":1},{\"PRN\":65,\"class\":\"X\",\"device\":\"nested\"}]}";

static void test_header(void) {
  gpsd_json_header_t h;
  EXPECT_EQ_INT(GPSD_JSON_OK, gpsd_json_header(sky_322, LEN(sky_322), &h));
  EXPECT_EQ_INT(GPSD_CLASS_SKY, h.cls);
  EXPECT_EQ_STR("SKY", h.class_name);
  OK(h.has_device);
  EXPECT_EQ_STR("/dev/pts/3", h.device); /* not the nested one */
  OK(h.has_satellites);
  const char *dop_only = "{\"class\":\"SKY\",\"device\":\"/dev/pts/3\",\"hdop\":0.96}";
  EXPECT_EQ_INT(GPSD_JSON_OK, gpsd_json_header(dop_only, LEN(dop_only), &h));
  OK(!h.has_satellites);

  static const struct {
    const char *line;
    gpsd_json_status_t st;
    gpsd_class_t cls;
    const char *device;
  } cases[] = {
      {"{\"class\":\"TPV\",\"device\":\"/dev/ttyACM0\",\"mode\":3}",
       GPSD_JSON_OK, GPSD_CLASS_TPV, "/dev/ttyACM0"},
      {"{\"class\":\"VERSION\",\"release\":\"3.22\",\"proto_major\":3}",
       GPSD_JSON_OK, GPSD_CLASS_OTHER, ""},
      {"{\"class\":\"DEVICES\",\"devices\":[{\"class\":\"DEVICE\","
       "\"path\":\"/dev/pts/3\"}]}",
       GPSD_JSON_OK, GPSD_CLASS_DEVICES, ""},
      {" {\"device\":\"tcp://127.0.0.1:29476\", \"class\" : \"TOFF\" }\r\n",
       GPSD_JSON_OK, GPSD_CLASS_TOFF, "tcp://127.0.0.1:29476"},
      {"{\"class\":\"ERROR\",\"message\":\"a \\\"quoted\\\" } brace\"}",
       GPSD_JSON_OK, GPSD_CLASS_ERROR, ""},
      {"{\"class\":\"PPS\",\"device\":\"/dev/a\\/b\"}", GPSD_JSON_OK,
       GPSD_CLASS_PPS, "/dev/a/b"},
      {"{\"class\":\"TPVX\"}", GPSD_JSON_OK, GPSD_CLASS_OTHER, ""},
      {"{\"mode\":3}", GPSD_JSON_ENOCLASS, GPSD_CLASS_OTHER, ""},
      {"{\"class\":3}", GPSD_JSON_ENOCLASS, GPSD_CLASS_OTHER, ""},
      {"{}", GPSD_JSON_ENOCLASS, GPSD_CLASS_OTHER, ""},
      {"", GPSD_JSON_ESYNTAX, GPSD_CLASS_OTHER, ""},
      {"$GPGGA,092835.00,4804.14539,N", GPSD_JSON_ESYNTAX, GPSD_CLASS_OTHER, ""},
      {"{\"class\":\"TPV\"", GPSD_JSON_ESYNTAX, GPSD_CLASS_TPV, ""},
      {"{\"class\":\"TPV\",}", GPSD_JSON_ESYNTAX, GPSD_CLASS_TPV, ""},
      {"{\"class\" \"TPV\"}", GPSD_JSON_ESYNTAX, GPSD_CLASS_OTHER, ""},
      {"{\"class\":\"TP", GPSD_JSON_ESYNTAX, GPSD_CLASS_OTHER, ""},
      {"{\"class\":\"SKY\",\"satellites\":[{\"PRN\":1}", GPSD_JSON_ESYNTAX,
       GPSD_CLASS_SKY, ""},
      {"{\"a\":[}]}", GPSD_JSON_ESYNTAX, GPSD_CLASS_OTHER, ""},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    gpsd_json_status_t st = gpsd_json_header(cases[i].line, LEN(cases[i].line), &h);
    char what[200];
    snprintf(what, sizeof(what), "header case %zu: status %d (%s)", i, (int)st,
             gpsd_json_strerror(st));
    OK_MSG(st == cases[i].st, what);
    if (st == GPSD_JSON_OK) {
      EXPECT_EQ_INT(cases[i].cls, h.cls);
      EXPECT_EQ_STR(cases[i].device, h.device);
    }
  }
  /* Length is respected: the same TOFF cut short is malformed. */
  EXPECT_EQ_INT(GPSD_JSON_ESYNTAX, gpsd_json_header(toff_322, 40, &h));
  EXPECT_EQ_INT(GPSD_JSON_EINVAL, gpsd_json_header(NULL, 0, &h));
  /* A long device path is truncated, not overflowed. */
  char longdev[400];
  snprintf(longdev, sizeof(longdev), "{\"class\":\"TPV\",\"device\":\"/dev/%0300d\"}", 7);
  EXPECT_EQ_INT(GPSD_JSON_OK, gpsd_json_header(longdev, LEN(longdev), &h));
  EXPECT_EQ_INT(GPSD_JSON_DEVICE_LEN - 1, strlen(h.device));
}

static void test_timedelta(void) {
  gpsd_timedelta_t td;
  int64_t ns = 0;
  EXPECT_EQ_INT(GPSD_JSON_OK, gpsd_json_timedelta(toff_322, LEN(toff_322), &td));
  EXPECT_EQ_INT(GPSD_CLASS_TOFF, td.cls);
  EXPECT_EQ_INT(2054194115, td.real_sec);
  EXPECT_EQ_INT(0, td.real_nsec);
  EXPECT_EQ_INT(1795333909, td.clock_sec);
  EXPECT_EQ_INT(207081777, td.clock_nsec);
  OK(!td.has_precision && !td.has_qerr);
  EXPECT_EQ_INT(GPSD_JSON_OK, gpsd_timedelta_offset_ns(&td, &ns));
  EXPECT_EQ_INT(INT64_C(258860205792918223), ns); /* real - clock */

  EXPECT_EQ_INT(GPSD_JSON_OK, gpsd_json_timedelta(pps_322, LEN(pps_322), &td));
  EXPECT_EQ_INT(GPSD_CLASS_PPS, td.cls);
  OK(td.has_precision && td.precision == -20);
  OK(td.has_qerr && td.qerr_ps == -4321);
  gpsd_timedelta_offset_ns(&td, &ns);
  EXPECT_EQ_INT(-1234, ns); /* edge 1234 ns after the second: clock ahead */

  static const struct {
    const char *line;
    gpsd_json_status_t st;
  } bad[] = {
      {"{\"class\":\"TPV\",\"real_sec\":1}", GPSD_JSON_ECLASS},
      {"{\"class\":\"TOFF\",\"real_sec\":1,\"real_nsec\":0,\"clock_sec\":1}",
       GPSD_JSON_EMISSING},
      {"{\"class\":\"TOFF\",\"real_sec\":1.5,\"real_nsec\":0,\"clock_sec\":1,"
       "\"clock_nsec\":0}", GPSD_JSON_EMISSING},
      {"{\"class\":\"TOFF\",\"real_sec\":\"1\",\"real_nsec\":0,\"clock_sec\":1,"
       "\"clock_nsec\":0}", GPSD_JSON_EMISSING},
      {"{\"class\":\"TOFF\",\"real_sec\":1,\"real_nsec\":1000000000,"
       "\"clock_sec\":1,\"clock_nsec\":0}", GPSD_JSON_ERANGE},
      {"{\"class\":\"PPS\",\"real_sec\":1,\"real_nsec\":0,\"clock_sec\":1,"
       "\"clock_nsec\":-1}", GPSD_JSON_ERANGE},
      {"{\"class\":\"PPS\",\"real_sec\":99999999999999999999,\"real_nsec\":0,"
       "\"clock_sec\":1,\"clock_nsec\":0}", GPSD_JSON_EMISSING},
      {"{\"class\":\"PPS\",\"real_sec\":1,\"real_nsec\":0,\"clock_sec\":1,"
       "\"clock_nsec\":0", GPSD_JSON_ESYNTAX},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    gpsd_json_status_t st = gpsd_json_timedelta(bad[i].line, LEN(bad[i].line), &td);
    char what[160];
    snprintf(what, sizeof(what), "bad timedelta %zu -> %s (got %s)", i,
             gpsd_json_strerror(bad[i].st), gpsd_json_strerror(st));
    OK_MSG(st == bad[i].st, what);
  }
  /* A junk optional member is ignored, the report still decodes. */
  const char *odd = "{\"class\":\"PPS\",\"real_sec\":5,\"real_nsec\":10,"
                    "\"clock_sec\":4,\"clock_nsec\":999999990,"
                    "\"precision\":\"x\",\"qErr\":null}";
  EXPECT_EQ_INT(GPSD_JSON_OK, gpsd_json_timedelta(odd, LEN(odd), &td));
  OK(!td.has_precision && !td.has_qerr);
  gpsd_timedelta_offset_ns(&td, &ns);
  EXPECT_EQ_INT(20, ns); /* borrow across the second */
}

static void test_offset(void) {
  int64_t ns;
  static const struct {
    int64_t rs, rn, cs, cn, want;
  } cases[] = {
      {100, 100000000, 100, 300000000, -200000000},
      {100, 0, 99, 949500000, 50500000},
      {1700000000, 999999999, 1700000001, 0, -1},
      {0, 0, 0, 0, 0},
      {-5, 0, 5, 0, INT64_C(-10000000000)},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    gpsd_timedelta_t td = {.real_sec = cases[i].rs, .real_nsec = cases[i].rn,
                           .clock_sec = cases[i].cs, .clock_nsec = cases[i].cn};
    EXPECT_EQ_INT(GPSD_JSON_OK, gpsd_timedelta_offset_ns(&td, &ns));
    EXPECT_EQ_INT(cases[i].want, ns);
  }
  gpsd_timedelta_t big = {.real_sec = INT64_MAX / 2, .clock_sec = 0};
  EXPECT_EQ_INT(GPSD_JSON_ERANGE, gpsd_timedelta_offset_ns(&big, &ns));
  gpsd_timedelta_t neg = {.real_sec = INT64_MIN, .clock_sec = 1};
  EXPECT_EQ_INT(GPSD_JSON_ERANGE, gpsd_timedelta_offset_ns(&neg, &ns));
  gpsd_timedelta_t badn = {.real_nsec = -1};
  EXPECT_EQ_INT(GPSD_JSON_ERANGE, gpsd_timedelta_offset_ns(&badn, &ns));
  EXPECT_EQ_INT(GPSD_JSON_EINVAL, gpsd_timedelta_offset_ns(NULL, &ns));
}

/* Status texts: first, last (indexed by -status) and out of range. */
static void test_strerror(void) {
  EXPECT_EQ_STR("ok", gpsd_json_strerror(GPSD_JSON_OK));
  EXPECT_EQ_STR("not a TOFF or PPS report",
                gpsd_json_strerror(GPSD_JSON_ECLASS));
  EXPECT_EQ_STR("unknown status", gpsd_json_strerror(GPSD_JSON_ECLASS - 1));
  EXPECT_EQ_STR("unknown status", gpsd_json_strerror(1));
}

static void test_names(void) {
  char buf[128];
  static const struct {
    const char *path, *want;
  } cases[] = {
      {"/dev/pts/3", "pts_3"},
      {"/dev/ttyACM0", "ttyACM0"},
      {"tcp://127.0.0.1:29476", "tcp_127.0.0.1_29476"},
      {"/dev/serial/by-id/usb-u-blox_AG_-_www.u-blox.com_u-blox_GNSS_receiver-if00",
       "serial_by-id_usb-u-blox_AG_-_www.u-blox.com_u-blox_GNSS_receiver-if00"},
      {"udp://[::1]:5000", "udp_1_5000"},
      {"gpsd://host:2947//dev/ttyS0", "gpsd_host_2947_dev_ttyS0"},
      {"//x//", "x"},
      {"ttyAMA0", "ttyAMA0"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    int n = gpsd_instance_name(cases[i].path, buf, sizeof(buf));
    EXPECT_EQ_STR(cases[i].want, buf);
    EXPECT_EQ_INT((int)strlen(cases[i].want), n);
  }
  EXPECT_EQ_INT(-1, gpsd_instance_name("/dev/", buf, sizeof(buf)));
  EXPECT_EQ_INT(-1, gpsd_instance_name("///", buf, sizeof(buf)));
  EXPECT_EQ_INT(-1, gpsd_instance_name(NULL, buf, sizeof(buf)));
  char small[6];
  EXPECT_EQ_INT(5, gpsd_instance_name("/dev/ttyUSB12", small, sizeof(small)));
  EXPECT_EQ_STR("ttyUS", small);
}

/* The gate in front of libgps (tests/fuzz found lines that hang it). */
static void test_well_formed(void) {
  static const char *good[] = {
      "{\"class\":\"VERSION\"}",
      " {\"class\":\"TPV\",\"mode\":3,\"lat\":-1.5e-3,\"x\":null}\r",
      "{\"class\":\"SKY\",\"satellites\":[{\"PRN\":1,\"used\":true},"
      "{\"PRN\":2,\"used\":false}],\"a\":[],\"b\":{}}",
      "{\"class\":\"X\",\"s\":\"a\\\"b\\\\\"}",
  };
  static const char *bad[] = {
      "",
      "[]",
      "{}",
      "{\"s\":1}",
      "{\"class\":\"TPV\",\"class\":\"DEVICE\"}",
      "{\"device\":\"/dev/x\",\"class\":\"TPV\"}",
      "{\"class\":\"TPV\",\"x\":{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\":1}}",
      "{\"class\":\"SKY\",\"satellites\":[{\"PRN\":78}{\"class\":\"TPV\"}]}",
      "{\"class\":\"SKY\",\"satellites\":[{\"class\":\"TOFF\"}",
      "{\"class\":\"SKY\",\"satellites\":[{\"PRN\":78 \"class\":\"TPV\"}]}",
      "{\"class\":\"TPV\"}{\"class\":\"TOFF\"}",
      "{\"a\":1,}",
      "{\"a\":01}",
      "{\"a\":1.}",
      "{\"a\":tru}",
      "{\"a\":[1,]}",
      "{\"a\" 1}",
      "{a:1}",
      "{\"a\":\"x\ty\"}",
  };
  for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
    OK(gpsd_json_well_formed(good[i], strlen(good[i])));
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    OK(!gpsd_json_well_formed(bad[i], strlen(bad[i])));
  char deep[80];
  memset(deep, '[', sizeof(deep));
  deep[0] = '{';
  OK(!gpsd_json_well_formed(deep, sizeof(deep)));
  OK(!gpsd_json_well_formed(NULL, 0));
  /* the length is honoured: a valid prefix of a longer buffer */
  OK(gpsd_json_well_formed("{\"class\":1}xyz", 11));
}

int main(void) {
  test_well_formed();
  test_header();
  test_timedelta();
  test_offset();
  test_names();
  test_strerror();
  return testing_done();
}
