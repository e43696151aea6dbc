#!/usr/bin/env python3
"""tests/runner/check_runner.py: the cscsim program's own behaviour.

Usage: check_runner.py CSCSIM CASE   (run from tests/runner, the fixtures' folder)

Each CASE checks one promise of the runner, the shell or the command line:
exit statuses (0, 1 for a failed check, 2 for a syntax error, an unreadable
file or a usage error), the FILE:LINE: error: and FILE:LINE: FAIL: lines, the
exact transcript (against *.expected), that a file with a syntax error runs
nothing, the syntax errors of the scenario language one by one, the shell,
help and version, colour only on a terminal without NO_COLOR, --dot, and
--load / --save (snapshots).
"""
import os
import pty
import re
import shutil
import subprocess
import sys
import tempfile
import termios

CSCSIM = None
OK_TEXT = "The operation completed successfully."


class Failure(Exception):
    pass


class Skip(Exception):
    """The case cannot run here (meson counts exit status 77 as skipped)."""


def run(args, stdin=None, env=None):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    if env:
        e.update(env)
    p = subprocess.run([CSCSIM] + args, input=stdin, capture_output=True, env=e, timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def check(cond, what, out="", err=""):
    if not cond:
        raise Failure("%s\n--- stdout ---\n%s--- stderr ---\n%s" % (what, out, err))


def read(name):
    with open(name, encoding="utf-8") as f:
        return f.read()


def with_file(text, fn, name="case.cscsim"):
    d = tempfile.mkdtemp(prefix="cscsim-runner-")
    try:
        with open(os.path.join(d, name), "wb") as f:
            f.write(text.encode("utf-8"))
        cwd = os.getcwd()
        os.chdir(d)
        try:
            return fn(name)
        finally:
            os.chdir(cwd)
    finally:
        shutil.rmtree(d)


# ---- cases -------------------------------------------------------------------

def case_syntax_error():
    rc, out, err = run(["run", "syntax-error.cscsim"])
    check(rc == 2, "exit status 2 expected, got %d" % rc, out, err)
    check(err.startswith("syntax-error.cscsim:6: error: "), "FILE:LINE: error: on stderr", out, err)
    check(out == "0 passed, 0 failed\n", "nothing of the file may run", out, err)


def case_failing_check():
    rc, out, err = run(["run", "failing-check.cscsim"])
    check(rc == 1, "exit status 1 expected, got %d" % rc, out, err)
    check(out == read("failing-check.expected"), "transcript differs from failing-check.expected", out, err)
    check("failing-check.cscsim:7: FAIL: expected pins=computer, dirty=yes, got pins=user, dirty=no\n" in out,
          "the FAIL line lists the failing keys", out, err)
    check(err == "", "nothing on stderr", out, err)


def case_transcript():
    rc, out, err = run(["run", "transcript.cscsim"])
    check(rc == 0, "exit status 0 expected, got %d" % rc, out, err)
    check(out == read("transcript.expected"), "transcript differs from transcript.expected", out, err)


def case_several_files():
    rc, out, err = run(["run", "transcript.cscsim", "syntax-error.cscsim", "failing-check.cscsim"])
    t = read("transcript.expected").splitlines(True)
    f = read("failing-check.expected").splitlines(True)
    counts = [tuple(map(int, re.match(r"(\d+) passed, (\d+) failed", x[-1]).groups())) for x in (t, f)]
    want = "".join(t[:-1] + f[:-1]) + "%d passed, %d failed\n" % (
        counts[0][0] + counts[1][0], counts[0][1] + counts[1][1])
    check(rc == 2, "a syntax error in any file makes the status 2, got %d" % rc, out, err)
    check(out == want, "each good file runs on a fresh cache; the counts add up", out, err)
    check("syntax-error.cscsim:6: error: " in err, "the syntax error is reported", out, err)


def case_stdin():
    rc, out, err = run(["run", "-"], stdin=b"expect return=0\nfile \\\\s\\h\\a.txt\nexpect return=0\n")
    check(rc == 1, "exit status 1 expected, got %d" % rc, out, err)
    check(out == "> expect return=0\n<stdin>:1: FAIL: expected return=0 (ERROR_SUCCESS), got no result "
                 "(no command has left one yet)\n1 passed, 1 failed\n", "stdin transcript", out, err)


def case_unreadable():
    rc, out, err = run(["run", "does-not-exist.cscsim", "transcript.cscsim"])
    check(rc == 2, "exit status 2 expected, got %d" % rc, out, err)
    check("does-not-exist.cscsim" in err, "the unreadable file is named", out, err)
    check(out == read("transcript.expected"), "the other files still run", out, err)


def case_usage():
    for args in ([], ["frob"], ["--frob"], ["run"], ["run", "--bogus", "x.cscsim"], ["run", "--dot"],
                 ["run", "--dot", "out.dot", "a.cscsim", "b.cscsim"], ["shell", "extra"]):
        rc, out, err = run(args)
        check(rc == 2, "usage error for %r: status 2 expected, got %d" % (args, rc), out, err)
        check(out == "" and err.startswith("cscsim: "), "usage error for %r on stderr" % (args,), out, err)


def case_help_version():
    for args in (["--help"], ["-h"], ["help"], ["run", "--help"], ["shell", "--help"], ["help", "run"]):
        rc, out, err = run(args)
        check(rc == 0 and out.startswith("Usage: cscsim"), "help for %r" % (args,), out, err)
    rc, out, err = run(["run", "--help"])
    check("--dot" in out and "Exit status" in out, "run --help describes --dot and the exit status", out, err)
    rc, out, err = run(["--version"])
    check(rc == 0 and re.fullmatch(r"cscsim \d+\.\d+\.\d+\n", out), "--version", out, err)


def case_shell():
    script = (b"file \\\\srv\\share\\a.txt\n"
              b"frob\n"
              b"pin \\\\srv\\share\\a.txt\n"
              b"expect \\\\srv\\share\\a.txt pins=user\n"
              b"expect \\\\srv\\share\\a.txt pins=none\n"
              b"quit\n"
              b"expect return=1\n")
    rc, out, err = run(["shell"], stdin=script)
    check(rc == 2, "a syntax error in the shell makes the status 2, got %d" % rc, out, err)
    check(err == "<stdin>:2: error: unknown command 'frob'\n", "the error is reported and the shell goes on",
          out, err)
    check("cscsim> " not in out, "no prompt when stdin is not a terminal", out, err)
    check(out.startswith("> pin \\\\srv\\share\\a.txt\n  0:0x00000000:" + OK_TEXT + ":\n"), "pin runs", out, err)
    check("<stdin>:5: FAIL: expected pins=none, got pins=user\n" in out, "FAIL line", out, err)
    check(out.endswith("1 passed, 1 failed\n"), "quit ends the session with the count", out, err)
    rc, out, err = run(["shell"], stdin=b"help\n")
    for words in ("write PATH [bytes=N] [size=M]", "create PATH [size=N]", "delete PATH",
                  "network \\\\SERVER up|down|slow", "expect open-files=yes|no"):
        check(words in out, "help lists %r" % words, out, err)
    rc, out, err = run(["shell"], stdin=b"remote file \\\\s\\h\\n.txt\nopen \\\\s\\h\\n.txt\n"
                                        b"expect hresult=S_OK\ncreate \\\\s\\h\\c.txt size=2\n"
                                        b"write \\\\s\\h\\c.txt bytes=1\ndelete \\\\s\\h\\c.txt\n"
                                        b"expect hresult=S_OK\n")
    check(rc == 0 and out == "2 passed, 0 failed\n", "the shell knows the applications", out, err)
    rc, out, err = run(["shell"], stdin=b"file \\\\s\\h\\a.txt\nexpect \\\\s\\h\\a.txt cached=yes\n")
    check(rc == 0 and out == "1 passed, 0 failed\n", "a clean session exits 0", out, err)


def run_on_terminal(args, stdin_tty, env):
    """Runs cscsim with its stdout (and maybe stdin) on a pseudo-terminal."""
    try:
        master, slave = pty.openpty()
    except OSError as e:
        raise Skip("no pseudo-terminal: %s" % e)
    attrs = termios.tcgetattr(slave)
    attrs[3] &= ~termios.ECHO  # what is typed is not echoed back
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e.update(env)
    stdin = slave if stdin_tty else subprocess.DEVNULL
    p = subprocess.Popen([CSCSIM] + args, stdin=stdin, stdout=slave, stderr=subprocess.PIPE, env=e)
    os.close(slave)
    if stdin_tty:
        os.write(master, b"file \\\\s\\h\\a.txt\nshow\n\x04")
    data = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    p.wait(timeout=60)
    os.close(master)
    return p.returncode, data.decode("utf-8", "replace")


def case_color():
    rc, out, err = run(["run", "transcript.cscsim"])
    check("\033[" not in out, "no colour when stdout is not a terminal", out, err)
    rc, out = run_on_terminal(["run", "transcript.cscsim"], False, {})
    check(rc == 0 and "\033[" in out, "colour on a terminal", out)
    rc, out = run_on_terminal(["run", "transcript.cscsim"], False, {"NO_COLOR": "1"})
    check(rc == 0 and "\033[" not in out, "no colour with NO_COLOR", out)


def case_prompt():
    rc, out = run_on_terminal(["shell"], True, {"NO_COLOR": "1"})
    check(rc == 0 and "cscsim> " in out, "the prompt when stdin is a terminal", out)
    check("> show" not in out and "└── \\\\s  server" in out, "no echo lines for a person typing", out)


def case_dot():
    d = tempfile.mkdtemp(prefix="cscsim-dot-")
    try:
        dot = os.path.join(d, "cache.dot")
        rc, out, err = run(["run", "--dot", dot, "dot.cscsim"])
        check(rc == 0, "--dot run exits 0, got %d" % rc, out, err)
        text = read(dot)
        for needle in ("digraph cscsim {", "cluster_legend", 'style="striped"', "peripheries=2",
                       "penwidth=3", "dashed", "shape=box3d", "\\\\\\\\fs1", "plan\\ndirectory"):
            check(needle in text, "the graph contains %r" % needle, text)
        check(text.rstrip().endswith("}"), "the graph is closed", text)
        if shutil.which("dot"):
            p = subprocess.run(["dot", "-Tsvg", dot], capture_output=True)
            check(p.returncode == 0, "Graphviz accepts the graph", p.stderr.decode())
        rc, out, err = run(["run", "--dot=" + dot, "syntax-error.cscsim"])
        check(rc == 2, "--dot with a syntax error exits 2", out, err)
    finally:
        shutil.rmtree(d)


def case_snapshots():
    """run --save / --load (issue 15): the state goes from one run to the
    next; usage errors; a missing or damaged snapshot exits 2."""
    d = tempfile.mkdtemp(prefix="cscsim-snap-")
    try:
        snap = os.path.join(d, "state.snap")
        first = os.path.join(d, "first.cscsim")
        second = os.path.join(d, "second.cscsim")
        with open(first, "w", encoding="utf-8") as f:
            f.write("file \\\\fs1\\docs\\Plan.txt size=10\n"
                    "pin \\\\fs1\\docs deep flags=ForUser\n"
                    "modify \\\\fs1\\docs\\Plan.txt bytes=3\n"
                    "tick 4\n")
        with open(second, "w", encoding="utf-8") as f:
            f.write("expect \\\\fs1\\docs\\plan.txt pinned=yes dirty=yes\n"
                    "expect \\\\fs1\\docs inherit=user\n")
        rc, out, err = run(["run", "--save", snap, first])
        check(rc == 0 and os.path.getsize(snap) > 24, "--save writes the snapshot", out, err)
        check(os.listdir(d).count("state.snap") == 1 and len(os.listdir(d)) == 3,
              "no temporary file is left", " ".join(os.listdir(d)))
        rc, out, err = run(["run", "--load=" + snap, second])
        check(rc == 0 and out.endswith("2 passed, 0 failed\n"), "--load starts from it", out, err)
        rc, out, err = run(["run", "--load", snap, "--save", snap, second])
        check(rc == 0, "--load and --save of the same file", out, err)
        rc, out, err = run(["run", "--load", os.path.join(d, "missing.snap"), second])
        check(rc == 2 and "cannot load" in err and "0x80070002" in err,
              "a missing snapshot exits 2", out, err)
        with open(snap, "r+b") as f:
            f.seek(30)
            b = f.read(1)
            f.seek(30)
            f.write(bytes([b[0] ^ 0x55]))
        rc, out, err = run(["run", "--load", snap, second])
        check(rc == 2 and "0x80070570" in err, "a damaged snapshot exits 2", out, err)
        rc, out, err = run(["run", "--save", os.path.join(d, "no", "dir.snap"), first])
        check(rc == 2 and "cannot save" in err and "0x80070003" in err,
              "a save into a missing directory exits 2", out, err)
        for args in (["run", "--save", snap, first, second], ["run", "--load"],
                     ["run", "--save="], ["run", "--load", "a", "--load", "b", first]):
            rc, out, err = run(args)
            check(rc == 2 and "cscsim: run:" in err, "usage error for %r" % args, out, err)
        rc, out, err = run(["run", "--help"])
        check("--load SNAP" in out and "--save SNAP" in out, "run --help describes them", out, err)
    finally:
        shutil.rmtree(d)


# Lines that are syntax errors, with a part of the expected message.
SYNTAX_ERRORS = [
    ("frob", "unknown command 'frob'"),
    # "A token that begins with \ or / is always a path": never a user name.
    ("as \\\\weird admin", "is a path, not a user name"),
    ("access \\\\s\\h\\before.txt bob /x", "is a path, not a user name"),
    # No event has an empty WMI form: a malformed value.
    ("expect event=", "malformed value in 'event='"),
    ('"pin" \\\\a\\b', "unknown command"),
    ("pin", "'pin' needs at least one path"),
    ("file", "'file' needs a path"),
    ("file \\\\a\\b\\c d", "unexpected argument 'd'"),
    ("file \\\\a\\b\\c size=1 size=2", "repeated option 'size='"),
    ("file \\\\a\\b\\c bytes=1", "unknown option 'bytes='"),
    ("file \\\\a\\b\\c size=abc", "malformed value in 'size=abc'"),
    ("file \\\\a\\b\\c size=", "malformed value"),
    ("file \\\\a\\b\\c size=-1", "malformed value"),
    ("file \\\\a\\b\\c size=18446744073709551616", "malformed value"),
    ("file \\\\a\\b\\c size=17179869184G", "malformed value"),
    ("file \\\\a\\b\\c size=1T", "malformed value"),
    ("modify \\\\a\\b\\c bytes=0x", "malformed value"),
    ("pin \\\\a flags=0x100000000", "malformed value"),
    ("pin \\\\a flags=ForUser|", "malformed value"),
    ("pin \\\\a flags=ForEveryone", "malformed value"),
    ("pin \\\\a flags=OfflineFilesPinControlFlag", "malformed value"),
    ("pin \\\\a deep deep", "repeated option 'deep'"),
    ("pin \\\\a deep deep=false", "repeated option 'deep='"),
    ("pin \\\\a deep=maybe", "malformed value"),
    ("pin \\\\a retry-at=0", "malformed value"),
    ("pin \\\\a abort-at=-1", "malformed value"),
    ("pin \\\\a abort-at=4294967296", "malformed value"),
    ("unpin \\\\a size=1", "unknown option 'size='"),
    ("sync", "'sync' needs at least one path"),
    ("sync \\\\a flags=ForUser", "malformed value"),  # round 2: PinForUser
    ("deleteitems \\\\a flags=NoPinned|Fill", "malformed value"),
    # round 2, C13 (methods.h)
    ("deleteitems \\\\a for=\\\\b", "malformed value"),
    ("deleteitems \\\\a for=bob for=carol", "repeated option 'for='"),
    ("rename \\\\a", "'rename' needs two paths"),
    ("rename \\\\a \\\\b \\\\c", "'rename' needs two paths"),
    ("rename \\\\a \\\\b restart-time restart-time", "repeated option 'restart-time'"),
    ("suspend", "'suspend' needs a path"),
    ("suspend \\\\a release release", "repeated option 'release'"),
    ("encrypt maybe", "'encrypt' takes 'on' or 'off'"),
    ("encrypt on flags=Fill", "malformed value"),
    ("enable", "'enable' needs an argument"),
    ("enable yes", "'enable' takes 'on' or 'off'"),
    ("start now", "unexpected argument 'now'"),
    ("restart \\\\a", "unexpected argument"),
    ("location", "'location' needs an argument"),
    ("expect status active=yes", "needs active= and enabled="),
    ("expect status active=maybe enabled=yes", "malformed value"),
    ("expect encryption encrypted=yes", "needs encrypted= and partial="),
    ("expect encryption pins=user", "unknown key 'pins='"),
    ("expect \\\\a suspended=1", "malformed value"),
    ("expect", "expect needs a check"),
    ("expect \\\\a", "at least one KEY=VALUE"),
    ("expect space", "at least one KEY=VALUE"),
    ("expect return=0 hresult=0", "takes a line of its own"),
    ("expect events=1 event#1=x", "takes a line of its own"),
    ("expect \\\\a return=0", "takes a line of its own"),
    ("expect pins=user", "needs a path"),
    ("expect used=1", "needs 'space'"),
    ("expect \\\\a \\\\b cached=yes", "unexpected argument"),
    ("expect \\\\a pins=user,bogus", "malformed value"),
    ("expect \\\\a pins=user,", "malformed value"),
    ("expect \\\\a pins=", "malformed value"),
    ("expect \\\\a pins=user pins=none", "repeated key 'pins='"),
    ("expect \\\\a cached=true", "malformed value"),
    ("expect \\\\a type=folder", "malformed value"),
    ("expect \\\\a used=1", "unknown key 'used='"),
    ("expect space used=1 bogus=2", "unknown key 'bogus='"),
    ("expect space used=unlimited", "malformed value"),
    ("expect space pins=none", "unknown key"),
    ("expect event#0=x", "event#K"),
    ("expect event#x=x", "event#K"),
    ("expect event#=x", "unknown option"),
    ("expect return=NOT_A_NAME", "malformed value"),
    ("expect return=0x100000000", "malformed value"),
    ("expect events=x", "malformed value"),
    ("expect bogus=1", "unknown option 'bogus='"),
    ('file "\\\\a\\b\\c', "unterminated quote"),
    ('expect event="abc', "unterminated quote"),
    ('file \\\\a\\b\\c"d"', "unexpected '\"'"),
    ('file "\\\\a\\b\\c"d', "closing quote must end"),
    ('expect event="a"b', "closing quote must end"),
    ("policy", "'policy' needs an argument"),
    ("policy lazy", "unknown policy 'lazy'"),
    ("policy manual eager", "takes one argument"),
    ("tick x", "malformed number"),
    ("tick 1 2", "at most one number"),
    ("tick 18446744073709551616", "malformed number"),
    ("evict all bytes=1", "not both"),
    ("evict some", "unexpected argument 'some'"),
    ("evict all all", "repeated option 'all'"),
    ("as", "'as' needs a user name"),
    ("as bob root", "unexpected argument 'root'"),
    ("as bob admin admin", "repeated option 'admin'"),
    ("limits total=x", "malformed value"),
    ("limits total=1 total=2", "repeated option"),
    ("limits 5", "unexpected argument '5'"),
    ("access \\\\a\\b", "needs a path and at least one user"),
    ("access", "needs a path and at least one user"),
    ("show \\\\a \\\\b", "unexpected argument"),
    ("touch", "'touch' needs a path"),
    ("open \\\\a\\b\\c x", "unexpected argument"),
    ("file \\\\a\\b\\c\x00d", "NUL"),
]


def case_syntax_errors():
    for line, message in SYNTAX_ERRORS:
        text = "file \\\\s\\h\\before.txt\npin \\\\s\\h\\before.txt\n" + line + "\n"

        def go(name):
            return run(["run", name])
        rc, out, err = with_file(text, go)
        check(rc == 2, "%r: status 2 expected, got %d" % (line, rc), out, err)
        check(err.startswith("case.cscsim:3: error: ") and message in err,
              "%r: expected an error containing %r" % (line, message), out, err)
        check(out == "0 passed, 0 failed\n", "%r: nothing may run" % line, out, err)


# Lines that are valid, each file with the number of checks that must pass.
VALID = [
    ("# only a comment\n\n   \t  \n  # indented comment\n", 0),
    # A UTF-8 byte order mark (as Windows editors write it) is skipped.
    ("\ufefffile \\\\s\\h\\a.txt\nexpect \\\\s\\h\\a.txt cached=yes\n", 1),
    ("file \\\\s\\h\\a.txt\r\nexpect \\\\s\\h\\a.txt cached=yes\r\n", 1),
    ("FILE \\\\s\\h\\a.txt SIZE=1k\n"
     "PIN \\\\s\\h\\a.txt FLAGS=offlinefilespincontrolflagforall DEEP=TRUE\n"
     "EXPECT \\\\s\\h\\a.txt PINS=COMPUTER CACHED=YES TYPE=FILE Partly-Pinned=No\n"
     "Expect Space USED=1K LIMIT=UNLIMITED\n"
     "expect RETURN=error_success\n"
     "expect HRESULT=s_ok\n"
     "expect Event#1=\"0:0x00000000:" + OK_TEXT + ":\"\n"
     "expect EVENTS=0x4\n", 6),
    ("file \\\\s\\h\\b.txt size=0x10\nexpect space used=16\n"
     "file \\\\s\\h\\c.txt size=0X1M\nexpect space used=1048592\n"
     "file \\\\s\\h\\c.txt size=2G\nexpect space used=2147483664\n", 3),
    ("file \\\\s\\h\\a#b.txt # a comment\nexpect \\\\s\\h\\a#b.txt cached=yes #another\n", 1),
    ("file //s/h/x=y.txt\nexpect \\\\s\\h\\x=y.txt cached=yes\nexpect /\\s\\h\\x=y.txt cached=yes\n", 2),
    ('pin "deep"\nexpect return=123\nexpect event#2="2:0x00000000:' + OK_TEXT + ':deep"\n', 2),
    ('file "\\\\s\\h\\all" \nexpect "\\\\s\\h\\all" type=file\n', 1),
    ("as admin\nlimits total=1\nexpect return=5\nas admin admin\nlimits total=1\nexpect return=0\n"
     "expect space limit=1\nlimits unpinned=5\nexpect space limit=1 unpinned-limit=5\n"
     "limits total=unlimited\nexpect space limit=unlimited unpinned-limit=5\n"
     "limits\nexpect space limit=unlimited unpinned-limit=5\n", 6),
    ("tick\ntick 5\ntick 0x10\npolicy EAGER\npolicy Manual\nfile \\\\s\\h\\a.txt\n"
     "expect \\\\s\\h\\a.txt cached=yes\n", 1),
    ("file \\\\s\\h\\a.txt\npin \\\\s\\h\\a.txt flags=\"ForUser|ForAll\" deep=false\n"
     "expect \\\\s\\h\\a.txt pins=user,computer\n"
     "expect \\\\s\\h\\a.txt pins=computer,user\n"
     "expect \\\\s\\h\\a.txt pins=user,computer,user\n", 3),
    ("file \\\\s\\h\\a.txt\naccess \\\\s\\h\\a.txt \"Ann Lee\" bob\nas \"ann lee\"\n"
     "pin \\\\s\\h\\a.txt\nexpect return=0\n", 1),
    ("file \\\\s\\h\\a.txt\nexpect \\\\s\\h\\a.txt cached=yes\n" * 3, 3),
]


def case_valid_syntax():
    for text, checks in VALID:
        rc, out, err = with_file(text, lambda name: run(["run", name]))
        check(rc == 0 and err == "" and out.endswith("%d passed, 0 failed\n" % checks),
              "valid scenario %r: %d passing checks expected" % (text, checks), out, err)


CASES = {name[len("case_"):].replace("_", "-"): fn for name, fn in globals().items()
         if name.startswith("case_")}


def main():
    global CSCSIM
    if len(sys.argv) != 3 or sys.argv[2] not in CASES:
        sys.stderr.write("usage: check_runner.py CSCSIM CASE\ncases: %s\n" % " ".join(sorted(CASES)))
        return 2
    CSCSIM = os.path.abspath(sys.argv[1])
    try:
        CASES[sys.argv[2]]()
    except Failure as f:
        sys.stderr.write("FAIL: %s\n" % f)
        return 1
    except Skip as s:
        print("skipped: %s" % s)
        return 77
    print("ok: %s" % sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
