#!/usr/bin/env python3
"""Records an example program's calls (CSCSIM_RECORD=FILE, cscsim/record.h)
and replays the recording with `cscsim run FILE` (issue 15, point 3): the
replay must pass every check (exit status 0, "N passed, 0 failed" with N > 0)
and the recording must hold the events of the program's method calls.

Usage: check_example_replay.py EXAMPLE CSCSIM [ARG...]
"""
import os
import re
import subprocess
import sys
import tempfile


def main():
    example, cscsim, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "recording.cscsim")
        env = dict(os.environ, CSCSIM_RECORD=path)
        run = subprocess.run([example] + args, env=env, capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"FAIL: {example} exited {run.returncode}: {run.stderr}")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for needed in ("# cscsim recording", "expect event#1=", "expect events=",
                       "# ---- end of the recording"):
            if needed not in text:
                sys.exit(f"FAIL: the recording lacks {needed!r}:\n{text}")
        replay = subprocess.run([cscsim, "run", path], capture_output=True, text=True)
        last = replay.stdout.strip().splitlines()[-1] if replay.stdout.strip() else ""
        m = re.fullmatch(r"(\d+) passed, (\d+) failed", last)
        if replay.returncode != 0 or m is None or m.group(2) != "0" or int(m.group(1)) == 0:
            sys.exit(f"FAIL: replay exited {replay.returncode}, last line {last!r}\n"
                     f"{replay.stdout}{replay.stderr}\n--- recording ---\n{text}")
        # A changed expected value is reported as the first difference.
        lines = text.splitlines(keepends=True)
        k = next(i for i, l in enumerate(lines) if l.startswith("expect events="))
        n = int(lines[k].split("=")[1])
        lines[k] = f"expect events={n + 1}\n"
        with open(path, "w", encoding="utf-8") as f:
            f.write("".join(lines))
        bad = subprocess.run([cscsim, "run", path], capture_output=True, text=True)
        want = f"{path}:{k + 1}: FAIL: expected events={n + 1}, got events={n}"
        fails = [l for l in bad.stdout.splitlines() if ": FAIL: " in l]
        if bad.returncode != 1 or fails != [want]:
            sys.exit(f"FAIL: tampered replay: exit {bad.returncode}, FAIL lines {fails!r}, "
                     f"expected [{want!r}]")
        print(f"{os.path.basename(example)}: {len(text.splitlines())} lines recorded; "
              f"replay: {last}")


if __name__ == "__main__":
    main()
