#!/usr/bin/env python3
"""tests/docs/check_rules.py: keeps docs/behaviour.md and docs/api.md true to
the tree (issue 12, point 11).

1. Every contract rule number cited in the project's own text (include/,
   src/, sim/, tests/, examples/, README.md, docs/) -- a token such as C4.7
   or C6 -- must have an entry in docs/behaviour.md: a Markdown heading that
   begins with it ("### C4.7 ...", "## C6 ...") or a list item that begins
   with it ("- C10.8 ...", in "Not yet implemented").
2. Every function declared CSC_API (or CSC_COM_API, CSC_WMI_API, CSC_CSCAPI_API: the faces) in include/ must be named in a heading of
   docs/api.md, and every csc_ function named in an api.md heading must
   still be declared.

Usage: check_rules.py ROOT [--behaviour FILE] [--api FILE]
(FILE defaults to ROOT/docs/behaviour.md, ROOT/docs/api.md). Exits 1 listing
every missing entry, 0 when all are there. Pointed at an empty file it must
fail: tests/meson.build runs it so (should_fail) to prove it can.
"""
import argparse
import os
import re
import sys

# A rule number: C, digits, optionally .digits; not part of a longer word, a
# path or a byte range ("C0/C1" in a UTF-8 comment is not a rule).
RULE = re.compile(r"(?<![\w/.-])C(\d+)(?:\.(\d+))?(?![\w/]|\.\d)")
SCAN_DIRS = ["include", "src", "sim", "tests", "examples", "docs"]
SCAN_FILES = ["README.md"]
SUFFIXES = (".c", ".h", ".py", ".md", ".cscsim", ".build")
# Not scanned: generated tables and fuzz corpora (data, not prose).
SKIP_PARTS = {"corpus", "casefold_table.h", "error_table.h"}

HEADING_RULE = re.compile(r"^#{1,6}\s+(C\d+(?:\.\d+)?)\b")
ITEM_RULE = re.compile(r"^\s*[-*]\s+(?:\*\*)?(C\d+(?:\.\d+)?)\b")
HEADING = re.compile(r"^#{1,6}\s+(.*)$")
API_DECL = re.compile(r"\bCSC(?:_COM|_WMI|_CSCAPI)?_API\b[^;{()]*?\b([A-Za-z_]\w*)\s*\(")


def text_files(root):
    for d in SCAN_DIRS:
        top = os.path.join(root, d)
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = sorted(n for n in dirnames if n not in SKIP_PARTS)
            for name in sorted(filenames):
                if name in SKIP_PARTS or not (name.endswith(SUFFIXES) or name == "meson.build"):
                    continue
                yield os.path.join(dirpath, name)
    for f in SCAN_FILES:
        path = os.path.join(root, f)
        if os.path.exists(path):
            yield path


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def cited_rules(root):
    """rule -> first place it is cited (file:line)."""
    cited = {}
    for path in text_files(root):
        for lineno, line in enumerate(read(path).splitlines(), 1):
            for m in RULE.finditer(line):
                rule = "C" + m.group(1) + ("." + m.group(2) if m.group(2) else "")
                cited.setdefault(rule, "%s:%d" % (os.path.relpath(path, root), lineno))
    return cited


def documented_rules(behaviour_text):
    rules = set()
    for line in behaviour_text.splitlines():
        m = HEADING_RULE.match(line) or ITEM_RULE.match(line)
        if m:
            rules.add(m.group(1))
    return rules


def declared_functions(root):
    funcs = {}
    inc = os.path.join(root, "include")
    for dirpath, _, filenames in os.walk(inc):
        for name in sorted(filenames):
            if not name.endswith(".h"):
                continue
            path = os.path.join(dirpath, name)
            text = read(path)
            text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
            text = re.sub(r"//[^\n]*", " ", text)
            text = re.sub(r"#\s*define[^\n]*(\\\n[^\n]*)*", " ", text)
            for m in API_DECL.finditer(text):
                funcs.setdefault(m.group(1), os.path.relpath(path, root))
    return funcs


def api_headings(api_text):
    names = set()
    for line in api_text.splitlines():
        m = HEADING.match(line)
        if m:
            # Every word: a face's functions keep Windows' names
            # (CoTaskMemFree); only csc_ names must be declared back.
            names.update(re.findall(r"\b([A-Za-z_]\w*)\b", m.group(1)))
    return names


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--behaviour")
    ap.add_argument("--api")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    behaviour = args.behaviour or os.path.join(root, "docs", "behaviour.md")
    api = args.api or os.path.join(root, "docs", "api.md")

    problems = []
    cited = cited_rules(root)
    documented = documented_rules(read(behaviour))
    for rule in sorted(cited, key=lambda r: [int(x) for x in r[1:].split(".")]):
        if rule not in documented:
            problems.append("%s (cited at %s) has no entry in %s" % (rule, cited[rule], behaviour))

    funcs = declared_functions(root)
    if not funcs:
        problems.append("no CSC_API function found under include/ (is the root right?)")
    headed = api_headings(read(api))
    for fn in sorted(funcs):
        if fn not in headed:
            problems.append("%s (declared in %s) has no heading in %s" % (fn, funcs[fn], api))
    for fn in sorted(headed):
        if fn.startswith("csc_") and fn not in funcs and not fn.endswith("_t"):
            problems.append("%s has a heading in %s but is not a CSC_API function" % (fn, api))

    if problems:
        for p in problems:
            print("FAIL: " + p)
        print("%d problem(s); %d rules cited, %d CSC_API functions" %
              (len(problems), len(cited), len(funcs)))
        return 1
    print("ok: %d rules cited, all in %s; %d CSC_API functions, all in %s" %
          (len(cited), os.path.relpath(behaviour, root), len(funcs), os.path.relpath(api, root)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
