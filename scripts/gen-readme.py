#!/usr/bin/env python3
"""gen-readme.py --write|--check: embed docs/*.md into README.md between
<!-- REGION:begin ... --> and <!-- REGION:end --> markers, so the README is the
complete user reference and each docs/ file stays the one source.
Regions: plugins (every plugin's docs/NAME.md in the suite's order), graphs,
alerts and reliability (guides; a file not written yet is left out)."""
import os
import sys

REGIONS = {
    "plugins": ["timex", "pps", "ntp", "gpsd", "dcf77", "timecheck", "rng", "ceph_health"],
    "graphs": ["dashboards"],
    "alerts": ["alerts-time", "alerts-system"],
    "reliability": ["reliability", "reliability-fuzz", "privileges"],
}


def nest(text, level=3):
    """Shift the headings of a docs file (outside code fences) so that its
    top heading sits at `level` under the README's own ## sections."""
    lines = text.split("\n")
    fence = False
    heads = []
    for i, line in enumerate(lines):
        if line.startswith("```"):
            fence = not fence
        elif not fence and line.startswith("#"):
            n = len(line) - len(line.lstrip("#"))
            if line[n:n + 1] == " ":
                heads.append((i, n))
    if not heads:
        return text
    shift = level - min(n for _, n in heads)
    for i, n in heads:
        lines[i] = "#" * (n + shift) + lines[i][n:]
    return "\n".join(lines)


top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
readme_path = os.path.join(top, "README.md")
readme = open(readme_path, encoding="utf-8").read()
new = readme
for region, names in REGIONS.items():
    marker = "<!-- %s:begin" % region
    if marker not in new:
        continue
    begin = new.index(marker)
    begin = new.index("\n", begin) + 1
    end = new.index("<!-- %s:end -->" % region)
    parts = []
    for name in names:
        path = os.path.join(top, "docs", name + ".md")
        if os.path.exists(path):
            parts.append(nest(open(path, encoding="utf-8").read()).rstrip() + "\n")
    new = new[:begin] + "\n" + "\n".join(parts) + "\n" + new[end:]
if sys.argv[1:] == ["--check"]:
    if new != readme:
        print("README.md is out of date: run scripts/gen-docs.sh")
        sys.exit(1)
else:
    open(readme_path, "w", encoding="utf-8").write(new)
