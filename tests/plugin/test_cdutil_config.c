/* test_cdutil_config.c - cdu_get_double_range, cdu_get_positive and
 * cdu_get_abs_path: values in range are stored, anything else is one
 * ERROR naming plugin, block and option, and nothing is stored. */
#include "plugins/cdutil.h"
#include "tests/mock/plugin_mock.h"
#include "tests/unit/testing.h"

static void test_range(const oconfig_item_t *blk) {
  double v = 42;
  mock_clear();
  EXPECT_EQ_INT(0,
                cdu_get_double_range("p", blk, &blk->children[0], 0, 60, &v));
  EXPECT_EQ_DOUBLE(2.5, v);
  EXPECT_EQ_INT(0, (int)mock_log_count());
  /* Rejected options: nothing stored, one ERROR with this text. */
  static const struct {
    int child;
    bool in_block;
    double max;
    const char *log;
  } bad[] = {
      {1, true, 60,
       "p plugin: <Server \"s1\">: Hold must be a number in "
       "[0, 60], not -1."},
      {2, true, 60,
       "p plugin: <Server \"s1\">: Word must be a number in "
       "[0, 60], not \"x\"."},
      /* collectd's scanner reads 2.5e76 as 2.5 "e76": both are shown */
      {3, true, 60,
       "p plugin: <Server \"s1\">: Huge must be a number in "
       "[0, 60], not 2.5 \"e76\"."},
      {1, false, 1, "p plugin: Hold must be a number in [0, 1], not -1."},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    v = 42;
    EXPECT_EQ_INT(-1, cdu_get_double_range("p", bad[i].in_block ? blk : NULL,
                                           &blk->children[bad[i].child], 0,
                                           bad[i].max, &v));
    EXPECT_EQ_DOUBLE(42, v);
    OK_MSG(mock_log_find(bad[i].log) >= 0, bad[i].log);
  }
  EXPECT_EQ_INT(0, cdu_get_positive("p", blk, &blk->children[0], 60, &v));
  EXPECT_EQ_DOUBLE(2.5, v);
  EXPECT_EQ_INT(-1, cdu_get_positive("p", blk, &blk->children[0], 2, &v));
  OK_MSG(mock_log_find("p plugin: <Server \"s1\">: Timeout must be a number "
                       "in (0, 2], not 2.5.") >= 0,
         "above the maximum of a positive option");
}

static void test_zero_positive(const oconfig_item_t *blk) {
  const oconfig_item_t *c = &blk->children[0];
  double v = 7;
  mock_clear();
  EXPECT_EQ_INT(-1, cdu_get_positive("q", blk, c, 300, &v));
  EXPECT_EQ_DOUBLE(7, v);
  OK_MSG(mock_log_find("q plugin: <Cluster \"c\">: Timeout must be a number "
                       "in (0, 300], not 0.") >= 0,
         "0 is not positive");
}

static void test_abs_path(const oconfig_item_t *blk) {
  char *path = strdup("/old");
  mock_clear();
  EXPECT_EQ_INT(0, cdu_get_abs_path("q", blk, &blk->children[0], &path));
  EXPECT_EQ_STR("/etc/ceph/x.conf", path);
  EXPECT_EQ_INT(-1, cdu_get_abs_path("q", blk, &blk->children[1], &path));
  EXPECT_EQ_STR("/etc/ceph/x.conf", path);
  OK_MSG(mock_log_find("q plugin: <Cluster \"c\">: Keyring must be an "
                       "absolute path, not \"keyring\".") >= 0,
         "relative path named with block and option");
  EXPECT_EQ_INT(-1, cdu_get_abs_path("q", blk, &blk->children[2], &path));
  OK_MSG(mock_log_find("<Cluster \"c\">: Device must be an absolute path, "
                       "not 3.") >= 0,
         "a number where a path belongs");
  free(path);
}

/* The option values under test: index = child of the block. */
static const char config[] =
    "<Server \"s1\">\n  Timeout 2.5\n  Hold -1\n  Word \"x\"\n"
    "  Huge 2.5 \"e76\"\n</Server>\n"
    "<Cluster \"c\">\n  Timeout 0\n</Cluster>\n"
    "<Cluster \"c\">\n  ConfigFile \"/etc/ceph/x.conf\"\n"
    "  Keyring \"keyring\"\n  Device 3\n</Cluster>\n";

int main(void) {
  oconfig_item_t *root = mock_config_parse(config);
  if (!OK_MSG(root != NULL && root->children_num == 3, "config parsed"))
    return testing_done();
  test_range(&root->children[0]);
  test_zero_positive(&root->children[1]);
  test_abs_path(&root->children[2]);
  mock_config_free(root);
  return testing_done();
}
