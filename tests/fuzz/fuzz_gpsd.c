/* SPDX-License-Identifier: MIT
 * libFuzzer target: gpsd's JSON reports, as the gpsd plugin consumes them.
 * libgps parses the stream (gps_unpack, fuzzed along the way); the plugin
 * re-reads each line itself (common/gpsd_json.c: class, device, TOFF/PPS
 * timestamps to the nanosecond) and files both into its per-receiver
 * snapshot (gpsd_handle_report, SKY through common/gnss_sky.c); the read
 * callback then dispatches the snapshot.  This target drives exactly that
 * path (reader_line: the well-formedness check that keeps malformed lines
 * away from libgps, gps_unpack, gpsd_handle_report), under the recording
 * mock, without the socket and the thread.
 * Input: JSON lines, as gpsd sends them (seeds: tests/data/gpsd/
 * NAME.gpsd322.json, split in groups of lines by seeds.py).
 */
#include "plugins/gpsd.c"        /* sic: reach the static functions */
#include "plugins/gpsd_reader.c" /* (all three translation units) */
#include "plugins/gpsd_integrity.c"

#include "tests/mock/plugin_mock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gpsd_server_t *srv;

static void setup(void) {
  gpsd_threads = false;
  module_register();
  if (mock_configure("gpsd", "<Plugin gpsd>\n <Server \"fz\">\n"
                             "  ReportUnconfigured true\n  MaxAge 5\n"
                             "  <Receiver \"hab\">\n   Device \"/dev/pts/1\"\n"
                             "  </Receiver>\n </Server>\n</Plugin>\n") != 0)
    abort();
  srv = gpsd_registry_at(0);
  if (srv == NULL)
    abort();
  srv->connected = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static struct gps_data_t g; /* one for every device, like libgps */
  if (srv == NULL)
    setup();
  mock_clear();
  mock_now = TIME_T_TO_CDTIME_T(1800000000);
  memset(&g, 0, sizeof(g));
  const uint8_t *p = data, *end = data + size;
  while (p < end) {
    const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
    size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (len < sizeof(srv->line)) {
      /* as reader_receive does with a line from the socket */
      memcpy(srv->line, p, len);
      srv->line[len] = '\0';
      reader_line(srv, &g, len);
      /* and our decoder alone on the exact-size line, even if malformed */
      char *line = malloc(len ? len : 1);
      if (line == NULL)
        return 0;
      memcpy(line, p, len);
      gpsd_json_header_t h;
      gpsd_timedelta_t td;
      int64_t ns;
      if (gpsd_json_header(line, len, &h) == GPSD_JSON_OK &&
          gpsd_json_timedelta(line, len, &td) == GPSD_JSON_OK)
        (void)gpsd_timedelta_offset_ns(&td, &ns);
      free(line);
    }
    p += len + 1;
  }
  mock_read("gpsd/fz");
  /* forget receivers created by this input (they would pile up) */
  mock_now += TIME_T_TO_CDTIME_T(3600);
  mock_read("gpsd/fz");
  return 0;
}
