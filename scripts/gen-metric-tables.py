#!/usr/bin/env python3
"""gen-metric-tables.py - the metric tables of docs/NAME.md, generated from
the plugins' C metric tables (the cdu_metric_t arrays: type, type instance,
kind, unit and help are written once, in C).

  scripts/gen-metric-tables.py --write    rewrite the marked regions
  scripts/gen-metric-tables.py --check    exit 1 (with a diff) if one drifted

A plugin is plugins/NAME.c with its fragment plugins/NAME.am; its tables are
the `cdu_metric_t X[] = {...}` arrays of plugins/NAME.c and plugins/NAME_*.c,
read after the C preprocessor (row macros expanded, adjacent string literals
joined).  Each table X is rendered into docs/NAME.md between the lines
  <!-- metrics:X begin -->  and  <!-- metrics:X end -->
as `| metric | unit | meaning |` rows (the region's own header line is kept;
'|' is written as '\\|'); a DERIVE row's unit gets " (DERIVE)".  Rows
built at run time (not in a table) stay hand-written outside the regions.
A table without a region is an error.  The collectd headers:
$COLLECTD_CPPFLAGS, else configure's default /usr/include/collectd.
"""
import ast
import difflib
import glob
import os
import re
import shlex
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INC = "/usr/include/collectd"
CPPFLAGS = os.environ.get("COLLECTD_CPPFLAGS") or \
    "-DHAVE_CONFIG_H -I%s -I%s/core -I%s/core/daemon" % (INC, INC, INC)
HEADER = "| metric | unit | meaning and sign |\n|---|---|---|\n"
CLOSE = {"(": ")", "[": "]", "{": "}"}


def plugins():
    return sorted(os.path.basename(a)[:-3]
                  for a in glob.glob(os.path.join(TOP, "plugins", "*.am"))
                  if os.path.exists(a[:-3] + ".c"))


def preprocess(src):
    cmd = shlex.split(os.environ.get("CC") or "cc")
    cmd += ["-std=gnu11", "-E", "-P", "-I" + TOP]
    cmd += CPPFLAGS.split() + [src]
    return subprocess.run(cmd, check=True, capture_output=True,
                          text=True).stdout


def split_top(text):
    """Split text at top-level commas (outside brackets and literals)."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        if c in "\"'":
            j = i + 1
            while text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j
        elif c in CLOSE:
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
        i += 1
    last = text[start:].strip()
    return parts + ([last] if last else [])


def literal(expr):
    """The value of adjacent C string literals ("a" "b" -> "ab")."""
    found = re.findall(r'"(?:[^"\\]|\\.)*"', expr)
    if not found or re.sub(r'"(?:[^"\\]|\\.)*"', "", expr).strip():
        raise ValueError("not a string literal: " + expr[:80])
    return "".join(ast.literal_eval(s) for s in found)


def body(text, start):
    """The text between the brace at `start` and its match."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] in "\"'":
            continue
        depth += text[i] == "{"
        depth -= text[i] == "}"
        if depth == 0:
            return text[start + 1:i]
    raise ValueError("unbalanced table")


def tables(name):
    """{table: [(metric, kind, unit, help)]} of plugin `name`."""
    out = {}
    srcs = [os.path.join(TOP, "plugins", name + ".c")]
    srcs += sorted(glob.glob(os.path.join(TOP, "plugins", name + "_*.c")))
    for src in srcs:
        with open(src) as f:
            if "cdu_metric_t" not in f.read():
                continue
        text = preprocess(src)
        for m in re.finditer(r"cdu_metric_t\s+(\w+)\s*\[\s*\]\s*=\s*\{", text):
            rows = []
            for row in split_top(body(text, m.end() - 1)):
                f = split_top(row.strip()[1:-1])
                ty, ti = literal(f[0]), literal(f[1])
                rows.append((ty + "-" + ti if ti else ty,
                             f[2].replace("CDU_", ""), literal(f[-2]),
                             literal(f[-1])))
            out[m.group(1)] = rows
    return out


def render(rows):
    lines = []
    for metric, kind, unit, help_ in rows:
        if "\n" in unit + help_:
            sys.exit("%s: a newline in unit or help" % metric)
        if kind == "DERIVE":
            unit += " (DERIVE)"
        lines.append("| `%s` | %s | %s |\n" % (
            metric, unit.replace("|", "\\|"), help_.replace("|", "\\|")))
    return "".join(lines)


def generate(name, doc):
    for table, rows in tables(name).items():
        pat = re.compile(r"(<!-- metrics:%s begin -->\n)(.*?)"
                         r"(<!-- metrics:%s end -->\n)" % (table, table),
                         re.S)
        m = pat.search(doc)
        if not m:
            sys.exit("docs/%s.md: no <!-- metrics:%s begin/end --> region "
                     "for the C table %s" % (name, table, table))
        old = m.group(2).splitlines(True)
        head = "".join(old[:2]) if old[:1] and old[0].lower().startswith(
            "| metric |") else HEADER
        doc = doc[:m.start(2)] + head + render(rows) + doc[m.end(2):]
    return doc


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "--check"
    rc = 0
    for name in plugins():
        path = os.path.join(TOP, "docs", name + ".md")
        with open(path) as f:
            old = f.read()
        new = generate(name, old)
        if new == old:
            continue
        if mode == "--write":
            with open(path, "w") as f:
                f.write(new)
        else:
            sys.stdout.writelines(difflib.unified_diff(
                old.splitlines(True), new.splitlines(True), path, path))
            print("docs/%s.md: metric tables out of date: run "
                  "scripts/gen-docs.sh" % name)
            rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
