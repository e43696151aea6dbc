#!/usr/bin/env python3
"""tests/check_exports.py: the shared library exports exactly the public API.

Usage: check_exports.py INCLUDE_DIR LIBCSCSIM_SO [NM]

Parses every header under INCLUDE_DIR for declarations marked CSC_API (the
name is the identifier before the declaration's first parenthesis, or its
last identifier for an object) and compares that set, both ways, with the
shared library's dynamic symbols (`nm -D --defined-only`):
- a CSC_API declaration missing from the library is an error (issue 12,
  point 3: csc_cache_busy and csc_cache_close were declared CSC_API in
  async.h but their definitions did not see the declaration, so they were
  built hidden);
- a defined dynamic symbol that no header declares CSC_API is an error too
  (an internal function leaking out), except the symbols listed in
  NOT_API below, which the toolchain, not the library, puts there.
The script is generic: it finds the functions itself, so functions added
to include/ later are covered without touching it.
"""
import os
import re
import subprocess
import sys

# Defined dynamic symbols that are not the library's API, with the reason.
NOT_API = [
    # Linker-defined section boundaries, which older binutils export from
    # every shared object.
    re.compile(r'^(_init|_fini|_edata|_end|__bss_start)$'),
    # Sanitizer instrumentation (the ASan+UBSan and TSan builds of the
    # suite): ODR indicators and runtime hooks the compiler emits with
    # default visibility; the library's code defines none of them.
    re.compile(r'^__(odr_asan|asan|ubsan|tsan|sanitizer|sancov)'),
]


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', text)


def declared(include_dir):
    """{name: header} for every CSC_API declaration under include_dir."""
    names = {}
    for root, _dirs, files in os.walk(include_dir):
        for f in sorted(files):
            if not f.endswith('.h'):
                continue
            path = os.path.join(root, f)
            with open(path, encoding='utf-8') as fh:
                text = strip_comments(fh.read())
            # Drop preprocessor lines (export.h's #define CSC_API ...),
            # joining continuation lines first.
            text = re.sub(r'\\\n', ' ', text)
            text = '\n'.join(l for l in text.split('\n')
                             if not l.lstrip().startswith('#'))
            for m in re.finditer(r'\bCSC_API\b([^;{]*)[;{]', text):
                decl = m.group(1)
                head = decl.split('(', 1)[0] if '(' in decl else decl
                ids = re.findall(r'[A-Za-z_]\w*', head)
                if not ids:
                    sys.exit('%s: cannot parse CSC_API declaration: %r'
                             % (path, decl.strip()))
                names[ids[-1]] = os.path.relpath(path, include_dir)
    return names


def exported(lib, nm):
    out = subprocess.run([nm, '-D', '--defined-only', lib], check=True,
                         stdout=subprocess.PIPE, universal_newlines=True).stdout
    syms = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            syms.add(parts[2].split('@')[0])
    return syms


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    include_dir, lib = sys.argv[1], sys.argv[2]
    nm = sys.argv[3] if len(sys.argv) == 4 else 'nm'
    api = declared(include_dir)
    syms = exported(lib, nm)
    if len(api) < 10:
        sys.exit('only %d CSC_API declarations found under %s: parser broken?'
                 % (len(api), include_dir))
    missing = sorted(n for n in api if n not in syms)
    extra = sorted(s for s in syms
                   if s not in api and not any(p.match(s) for p in NOT_API))
    for n in missing:
        print('not exported: %s (declared CSC_API in %s)' % (n, api[n]))
    for s in extra:
        print('exported but not declared CSC_API in include/: %s' % s)
    print('%d CSC_API declarations, %d defined dynamic symbols, %d missing, '
          '%d extra' % (len(api), len(syms), len(missing), len(extra)))
    return 1 if missing or extra else 0


if __name__ == '__main__':
    sys.exit(main())
