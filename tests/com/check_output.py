#!/usr/bin/env python3
"""tests/com/check_output.py: runs a client example of the COM face and
compares its standard output, byte for byte, with an expected file.

Usage: check_output.py PROGRAM EXPECTED
Exits 1 with a unified diff when they differ or the program fails.
"""
import difflib
import subprocess
import sys

prog, expected = sys.argv[1], sys.argv[2]
run = subprocess.run([prog], capture_output=True, text=True)
want = open(expected, encoding="utf-8").read()
if run.returncode != 0:
    sys.stderr.write("%s exited with %d\n%s" % (prog, run.returncode, run.stderr))
    sys.exit(1)
if run.stdout != want:
    sys.stdout.writelines(difflib.unified_diff(want.splitlines(True), run.stdout.splitlines(True),
                                               expected, prog))
    sys.exit(1)
