#!/usr/bin/env python3
"""gen-readme.py --write|--check: embed every plugin's docs/NAME.md into
README.md between the plugins:begin/end markers, in the suite's order, so the
README is the complete user reference and docs/NAME.md stays the one source."""
import os
import sys

ORDER = ["timex", "pps", "ntp", "gpsd", "dcf77", "rng", "ceph_health"]
top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
readme_path = os.path.join(top, "README.md")
readme = open(readme_path, encoding="utf-8").read()
begin = readme.index("<!-- plugins:begin")
begin = readme.index("\n", begin) + 1
end = readme.index("<!-- plugins:end -->")
parts = []
for name in ORDER:
    path = os.path.join(top, "docs", name + ".md")
    if os.path.exists(path):
        parts.append(open(path, encoding="utf-8").read().rstrip() + "\n")
new = readme[:begin] + "\n" + "\n".join(parts) + "\n" + readme[end:]
if sys.argv[1:] == ["--check"]:
    if new != readme:
        print("README.md is out of date: run scripts/gen-docs.sh")
        sys.exit(1)
else:
    open(readme_path, "w", encoding="utf-8").write(new)
