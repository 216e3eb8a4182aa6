#!/usr/bin/env python3
"""gen-man.py - one man page per plugin, collectd-timekeeper-NAME(5), in the
style of collectd.conf(5), converted from the plugin's documentation
(docs/NAME.md, or the "### `NAME`" section of README.md): what it measures,
every configuration option (argument, default, unit), the metrics, the
notifications.  The pages live in man/ so that `make install` and the Debian
package need no generator; tests/e2e/man.sh checks they are in step.

  scripts/gen-man.py NAME        print the page of one plugin
  scripts/gen-man.py --list      the plugins (plugins/NAME.c with NAME.am)
  scripts/gen-man.py --write     rewrite man/collectd-timekeeper-*.5
  scripts/gen-man.py --check     exit 1 if a page is missing or out of date

The converter knows the Markdown the docs use: headings (#### or a leading
**Configuration:** / **Metrics** paragraph), paragraphs, fenced code, tables
(first cell becomes the tag), bullet lists, `code`, **bold**, *italic*, links.
"""
import glob
import os
import re
import sys
from importlib.machinery import SourceFileLoader

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ref = SourceFileLoader("genref", os.path.join(TOP, "scripts", "gen-metric-reference.py")).load_module()
MANDIR = "man"
SECTIONS = ("configuration", "options", "metrics", "notifications", "statistics",
            "alerts", "how it is tested", "testing", "troubleshooting", "requirements")


def read_version():
    with open(os.path.join(TOP, "configure.ac"), encoding="utf-8") as f:
        m = re.search(r"AC_INIT\(\[[^]]*\], \[([^]]*)\]", f.read())
    return m.group(1) if m else "unknown"


SUPERSCRIPT = str.maketrans("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207b",
                            "0123456789-")


def esc(text):
    text = text.replace("\\", "\\e")
    # superscript exponents (10⁻⁵, 2³²): groff has glyphs for only ¹²³
    text = re.sub("[\u2070\u00b9\u00b2\u00b3\u2074-\u2079\u207b]+",
                  lambda m: "^" + m.group(0).translate(SUPERSCRIPT), text)
    # plain ASCII for troff: named glyphs, else \[uXXXX]
    named = {"\u2212": "\\-", "\u2013": "\\(en", "\u2014": "\\(em", "\u00b5": "\\(mc",
             "\u03bc": "\\(*m", "\u00b1": "\\(+-", "\u00d7": "\\(mu", "\u00b0": "\\(de",
             "\u2264": "\\(<=", "\u2265": "\\(>=", "\u2019": "'", "\u2018": "`",
             "\u201c": "\\(lq", "\u201d": "\\(rq", "\u2192": "\\(->"}
    return "".join(named.get(c, "\\[u%04X]" % ord(c)) if ord(c) > 127 else c for c in text)


def inline(text):
    """Markdown inline markup -> roff font escapes."""
    text = esc(text)
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    parts = re.split(r"(`[^`]*`)", text)
    out = []
    for p in parts:
        if p.startswith("`") and p.endswith("`") and len(p) >= 2:
            out.append("\\fB" + p[1:-1].replace("-", "\\-") + "\\fR")
        else:
            p = re.sub(r"\*\*([^*]+)\*\*", r"\\fB\1\\fR", p)
            p = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"\\fI\1\\fR", p)
            p = re.sub(r"(?<!\w)_([^_\s][^_]*)_(?!\w)", r"\\fI\1\\fR", p)
            out.append(p)
    return "".join(out)


def line_out(out, text):
    """Append a text line, protecting a leading control character."""
    if text.startswith((".", "'")):
        text = "\\&" + text
    out.append(text)


def table(out, rows):
    cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
    cells = [c for c in cells if not all(re.fullmatch(r":?-+:?", x) for x in c if x)]
    if not cells:
        return
    head, body = cells[0], cells[1:]
    for row in body:
        out.append(".TP")
        line_out(out, inline(row[0]))
        rest = []
        for h, c in zip(head[1:], row[1:]):
            if c:
                rest.append("%s: %s" % (inline(h), inline(c)) if h.lower() not in ("meaning", "meaning and sign", "description") else inline(c))
        line_out(out, "; ".join(rest) if rest else "")


def blocks(out, lines):
    """A paragraph: running text, bullet items and tables, in order."""
    text, item, tab = [], None, []

    def flush():
        nonlocal text, item, tab
        if text:
            out.append(".PP")
            line_out(out, inline(" ".join(text)))
        if item is not None:
            out.append(".IP \\(bu 2")
            line_out(out, inline(" ".join(item)))
        if tab:
            table(out, tab)
        text, item, tab = [], None, []

    bullet = re.compile(r"^\s*([-*]|\d+\.)\s+")
    for l in lines:
        if l.startswith("|"):
            if not tab:
                flush()
            tab.append(l)
        elif bullet.match(l):
            flush()
            item = [bullet.sub("", l).strip()]
        elif item is not None and l.strip():
            item.append(l.strip())
        elif l.strip():
            if tab or item is not None:
                flush()
            text.append(l.strip())
    flush()


def section_title(par):
    m = re.match(r"^\*\*([^*]+?):?\*\*:?\s*(.*)$", par, re.S)
    # "**Metrics**", "**Metrics:**" and "**Metrics.** text" all open a section
    if m and m.group(1).strip().lower().rstrip(":.") in SECTIONS:
        return m.group(1).strip().rstrip(":."), m.group(2).strip()
    return None, par


def render(name):
    text, src = ref.doc_section(name, TOP)
    if not src:
        return None
    # HTML comments (the generated-region markers) are not text.
    text = re.sub(r"^<!--.*-->\n", "", text, flags=re.M)
    out = []
    title = "COLLECTD-TIMEKEEPER-%s" % name.upper()
    out.append('.\\" Generated by scripts/gen-man.py from %s; do not edit.' % src)
    out.append('.TH %s 5 "" "collectd-timekeeper %s" "collectd-timekeeper"' % (title, read_version()))
    out.append(".SH NAME")
    paras = [p for p in re.split(r"\n\s*\n", text.strip("\n"))]
    first = re.sub(r"\s+", " ", paras[0]).strip() if paras else ""
    summary = re.split(r"(?<=[.:])\s", re.sub(r"[`*]", "", first), 1)[0].rstrip(".:")
    out.append("collectd-timekeeper-%s \\- %s" % (name.replace("_", "\\_"), esc(summary[0].lower() + summary[1:] if summary else name + " plugin")))
    out.append(".SH SYNOPSIS")
    out.append(".nf")
    out.append(".B LoadPlugin %s" % name)
    out.append(".fi")
    out.append(".SH DESCRIPTION")
    for par in paras:
        lines = par.split("\n")
        if par.startswith("```"):
            out.append(".PP")
            out.append(".RS 4")
            out.append(".nf")
            for l in lines[1:]:
                if l.startswith("```"):
                    break
                line_out(out, esc(l))
            out.append(".fi")
            out.append(".RE")
            continue
        m = re.match(r"^#{4,6}\s+(.*)$", lines[0])
        if m:
            # Headings are plain upper-case text: drop markdown emphasis/code first
            out.append(".SH " + inline(re.sub(r"[`*]", "", m.group(1)).upper()))
            lines = lines[1:]
            if not lines:
                continue
            par = "\n".join(lines)
        if all(l.startswith("|") for l in lines if l.strip()):
            table(out, lines)
            continue
        heading, rest = section_title(par)
        if heading:
            out.append(".SH " + heading.upper())
            par = rest
            if not par:
                continue
        blocks(out, par.split("\n"))
    out.append(".SH FILES")
    out.append(".TP")
    out.append(".B /usr/share/collectd/types.db.d/")
    out.append("the suite's types; name them with the stock types.db in \\fBTypesDB\\fR.")
    out.append(".TP")
    out.append(".B /usr/share/doc/collectd-timekeeper/examples/")
    out.append("commented configuration examples, thresholds.conf, prometheus-alerts.yml, Grafana dashboards.")
    out.append(".SH SEE ALSO")
    others = [n for n in ref.plugin_names(TOP) if n != name]
    out.append(", ".join(["\\fBcollectd\\fR(1)", "\\fBcollectd.conf\\fR(5)", "\\fBcollectd\\-threshold\\fR(5)"] +
                         ["\\fBcollectd\\-timekeeper\\-%s\\fR(5)" % n.replace("_", "\\_") for n in others]))
    return "\n".join(out) + "\n"


def page_path(name):
    return os.path.join(TOP, MANDIR, "collectd-timekeeper-%s.5" % name)


def main(argv):
    names = ref.plugin_names(TOP)
    if not argv:
        print(__doc__)
        return 2
    if argv[0] == "--list":
        print("\n".join(names))
        return 0
    if argv[0] in ("--write", "--check"):
        bad = 0
        for n in names:
            page = render(n)
            if page is None:
                print("%s: no documentation (docs/%s.md)" % (n, n))
                bad = 1
                continue
            path = page_path(n)
            old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
            if argv[0] == "--write":
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(page)
            elif old != page:
                print("%s is %s: run scripts/gen-man.py --write" % (os.path.relpath(path, TOP), "missing" if old is None else "out of date"))
                bad = 1
        for path in glob.glob(os.path.join(TOP, MANDIR, "collectd-timekeeper-*.5")):
            n = os.path.basename(path)[len("collectd-timekeeper-"):-2]
            if n not in names:
                print("%s: no such plugin" % os.path.relpath(path, TOP))
                if argv[0] == "--write":
                    os.remove(path)
                else:
                    bad = 1
        return bad
    page = render(argv[0])
    if page is None:
        print("no documentation for %s" % argv[0], file=sys.stderr)
        return 1
    sys.stdout.write(page)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
