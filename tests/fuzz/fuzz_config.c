/* SPDX-License-Identifier: MIT
 * libFuzzer target: a plugin's configuration handling.  The input is
 * collectd.conf text; tests/mock/plugin_mock's parser turns it into the
 * oconfig tree that the plugin's complex config callback gets, exactly as
 * the plugin tests do; then the shutdown callbacks and the registered
 * reads' free functions run (no init: nothing is opened or started), so
 * LeakSanitizer sees what a rejected or accepted block leaves behind.
 * Built once per plugin: -DFUZZ_PLUGIN=ntp includes plugins/ntp.c (other
 * translation units of the plugin are linked beside it).
 * Seeds: examples/NAME.conf and the bad-configuration table of
 * tests/e2e/bad_config.tsv (seeds.py).
 */
#define FUZZ_STR_(x) #x
#define FUZZ_STR(x) FUZZ_STR_(x)
#define FUZZ_SRC(p) FUZZ_STR(plugins/p.c)
#include FUZZ_SRC(FUZZ_PLUGIN) /* sic: the plugin's static functions */

#include "tests/mock/plugin_mock.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1);
  if (text == NULL)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  module_register();
  (void)mock_configure(FUZZ_STR(FUZZ_PLUGIN), text);
  mock_shutdown_all();
  mock_reset();
  free(text);
  return 0;
}
