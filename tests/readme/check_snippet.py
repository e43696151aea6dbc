#!/usr/bin/env python3
"""tests/readme/check_snippet.py: the README's C example compiles as written
and prints what it should (issue 12 point 8).

Extracts the first ```c block after "## Using the library" in README.md,
compiles it as strict C11 with -Wall -Wextra -Werror against include/ and the
static library of this build (plus libuv and threads, with the build's
-fsanitize flags), runs it and compares its output with the expected lines.
Arguments: README, include dir, libcscsim.a, b_sanitize value, compiler...
"""
import os
import re
import subprocess
import sys
import tempfile

EXPECTED = [
    "unpin: 3:0x00000000:The operation completed successfully.:\\\\fs1\\projects\\plan",
    "unpin: 3:0x00000000:The operation completed successfully.:"
    "\\\\fs1\\projects\\plan\\budget.xlsx",
    "Unpin: 0x00000000 The operation completed successfully.",
]


def main():
    readme, include, lib, sanitize = sys.argv[1:5]
    cc = sys.argv[5:]
    text = open(readme, encoding="utf-8").read()
    at = text.find("## Using the library")
    m = re.search(r"```c\n(.*?)```", text[at:], re.S) if at >= 0 else None
    if m is None:
        print("FAIL: no ```c block under '## Using the library'")
        return 1
    sanitize = sanitize.strip("[]'\" ").replace("'", "").replace(" ", "")
    san = ["-fsanitize=" + sanitize] if sanitize not in ("", "none") else []
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "snippet.c")
        exe = os.path.join(tmp, "snippet")
        with open(src, "w", encoding="utf-8") as f:
            f.write(m.group(1))
        cmd = cc + ["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", include,
                    src, "-o", exe, lib, "-luv", "-lpthread"] + san
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            print("FAIL: the README snippet does not compile:\n" + " ".join(cmd) + "\n"
                  + p.stderr)
            return 1
        p = subprocess.run([exe], capture_output=True, text=True, timeout=60)
        got = p.stdout.splitlines()
        if p.returncode != 0 or got != EXPECTED:
            print("FAIL: exit %d, output:\n%s\nexpected:\n%s"
                  % (p.returncode, p.stdout, "\n".join(EXPECTED)))
            return 1
    print("README snippet: compiles, runs, prints %d expected lines" % len(EXPECTED))
    return 0


if __name__ == "__main__":
    sys.exit(main())
