/* test_cdutil_config.c - cdu_get_double_range, cdu_get_positive and
 * cdu_get_abs_path: values in range are stored, anything else is one
 * ERROR naming plugin, block and option, and nothing is stored. */
#include "plugins/cdutil.h"
#include "tests/mock/plugin_mock.h"
#include "tests/unit/testing.h"

/* Parse `text` (one <Block> of options) into *root; the block, or NULL
 * (a failed check) if it did not parse. */
static const oconfig_item_t *parse_block(oconfig_item_t **root,
                                         const char *text) {
  *root = mock_config_parse(text);
  if (!OK_MSG(*root != NULL && (*root)->children_num == 1, "config parsed"))
    return NULL;
  return &(*root)->children[0];
}

static void test_range(void) {
  oconfig_item_t *root;
  const oconfig_item_t *blk =
      parse_block(&root, "<Server \"s1\">\n  Timeout 2.5\n  Hold -1\n"
                         "  Word \"x\"\n  Huge 2.5 \"e76\"\n</Server>\n");
  if (blk == NULL)
    return;
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
  mock_config_free(root);
}

static void test_zero_positive(void) {
  oconfig_item_t *root;
  const oconfig_item_t *blk =
      parse_block(&root, "<Cluster \"c\">\n  Timeout 0\n</Cluster>\n");
  if (blk == NULL)
    return;
  const oconfig_item_t *c = &blk->children[0];
  double v = 7;
  mock_clear();
  EXPECT_EQ_INT(-1, cdu_get_positive("q", blk, c, 300, &v));
  EXPECT_EQ_DOUBLE(7, v);
  OK_MSG(mock_log_find("q plugin: <Cluster \"c\">: Timeout must be a number "
                       "in (0, 300], not 0.") >= 0,
         "0 is not positive");
  mock_config_free(root);
}

static void test_abs_path(void) {
  oconfig_item_t *root;
  const oconfig_item_t *blk =
      parse_block(&root, "<Cluster \"c\">\n  ConfigFile \"/etc/ceph/x.conf\"\n"
                         "  Keyring \"keyring\"\n  Device 3\n</Cluster>\n");
  if (blk == NULL)
    return;
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
  mock_config_free(root);
}

int main(void) {
  test_range();
  test_zero_positive();
  test_abs_path();
  return testing_done();
}
