"""gen_output.py - the command line of a generator that writes one file:
--write rewrites it, --check exits 1 with a diff when it drifted, no option
prints it.  Imported by scripts/gen-metric-reference.py and
scripts/gen-prometheus-rules.py.
"""
import difflib
import os
import sys


def write_or_check(argv, top, out, text, script):
    """out: the generated file relative to top; text: its content;
    script: the generator's name, for the "run ... --write" hint."""
    path = os.path.join(top, out)
    if "--write" in argv:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return 0
    if "--check" in argv:
        try:
            with open(path, encoding="utf-8") as f:
                old = f.read()
        except OSError:
            old = ""
        if old == text:
            return 0
        sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), text.splitlines(True), out, "generated"))
        print("\n%s is out of date: run scripts/%s --write" % (out, script))
        return 1
    sys.stdout.write(text)
    return 0
