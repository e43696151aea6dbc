#!/usr/bin/env python3
"""tests/bench/check_bench.py: the smoke run of `cscsim bench` (issue 7).

Runs `cscsim bench --items 10000 --format tsv` and checks that it exits 0 and
prints every row of the benchmark exactly once as name<TAB>value<TAB>unit with
a finite, non-negative number and the expected unit; the SQLite rows must be
there exactly when the build has SQLite (second argument: yes/no). Timings are
never judged here: the figures belong to the closing notes and the README.
The peak memory row is peak_rss_mb here (peak_rss_10m_mb only at 10,000,000
files). Also checks the usage errors of the command line (exit 2).
"""
import math
import subprocess
import sys

ROWS = {
    "items": "items",
    "build_ns_per_item": "ns",
    "bytes_per_item": "bytes",
    "lookup_ns": "ns",
    "raw_lookup_ns": "ns",
    "deep_unpin_ns_per_item": "ns",
    "bare_walk_ns_per_item": "ns",
    "limit_walk_ns_per_item": "ns",
    "peak_rss_mb": "MB",
    "deep_unpin_sink_ns_per_item": "ns",
    "deep_unpin_wmi_ns_per_item": "ns",
    "deep_unpin_async_events_per_s": "events/s",
    "async_queue_peak_bytes": "bytes",
    "subtree_unpin_1m_ns": "ns",
    "call_overhead_ns": "ns",
    "com_unpin_ns": "ns",
    "com_unpin_c_api_ns": "ns",
    "com_call_overhead_ns": "ns",
    "sync_clean_ns_per_item": "ns",
    "sync_changed_1pct_ns_per_item": "ns",
    "subtree_unpin_10k_ns": "ns",
    "evict_index_pin_unpin_ns": "ns",
    "evict_index_open_close_ns": "ns",
    "evict_index_touch_ns": "ns",
    "evict_half_ms": "ms",
    "evict_half_items": "items",
    "save_ms": "ms",
    "load_ms": "ms",
    "snapshot_bytes_per_item": "bytes",
    "ratio_save_vs_build": "x",
    "ratio_load_vs_build": "x",
    "ratio_deep_unpin_vs_bare_walk": "x",
    "ratio_deep_unpin_vs_limit_walk": "x",
    "ratio_lookup_vs_raw_lookup": "x",
    "ratio_sink_vs_no_sink": "x",
    "ratio_subtree_1m_vs_10k": "x",
    "ratio_sync_clean_vs_deep_unpin": "x",
    "fault_rule_overhead": "x",
    "transition_offline_ns": "ns",
    "transition_online_ns": "ns",
    "connect_state_ns": "ns",
    "transition_offline_10k_ns": "ns",
    "ratio_transition_1m_vs_10k": "x",
}
SQLITE_ROWS = {"sqlite_deep_unpin_ns_per_item": "ns", "ratio_sqlite_vs_ours": "x"}


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def main():
    exe, with_sqlite = sys.argv[1], sys.argv[2] == "yes"
    want = dict(ROWS)
    if with_sqlite:
        want.update(SQLITE_ROWS)
    p = subprocess.run([exe, "bench", "--items", "10000", "--format", "tsv"],
                       capture_output=True, text=True, timeout=1200)
    if p.returncode != 0:
        fail("bench exited %d: %s" % (p.returncode, p.stderr))
    seen = {}
    for line in p.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) != 3:
            fail("not name<TAB>value<TAB>unit: %r" % line)
        name, value, unit = parts
        if name in seen:
            fail("row %s twice" % name)
        if name not in want:
            fail("unexpected row %s" % name)
        if unit != want[name]:
            fail("row %s: unit %r, expected %r" % (name, unit, want[name]))
        v = float(value)
        if not math.isfinite(v) or v < 0:
            fail("row %s: value %r" % (name, value))
        seen[name] = v
    missing = sorted(set(want) - set(seen))
    if missing:
        fail("rows missing: " + ", ".join(missing))
    if seen["items"] != 10000 + 10 + 2:  # files, directories, share, server
        fail("items %r, expected 10012" % seen["items"])
    # The peak memory run holds a 10,012-item cache: more than nothing, far
    # less than a gigabyte (the figure is the kernel's, so only bounds).
    if not 0 < seen["peak_rss_mb"] < 1024:
        fail("peak_rss_mb %r out of bounds" % seen["peak_rss_mb"])
    if seen["evict_half_items"] < 5000:
        fail("evict_half_items %r: the pass freed less than half" % seen["evict_half_items"])
    for args in (["--items", "12"], ["--items", "x"], ["--format", "csv"], ["--nope"],
                 ["--items"]):
        q = subprocess.run([exe, "bench"] + args, capture_output=True, text=True)
        if q.returncode != 2 or "cscsim: bench:" not in q.stderr:
            fail("bench %s: exit %d, stderr %r" % (" ".join(args), q.returncode, q.stderr))
    h = subprocess.run([exe, "bench", "--help"], capture_output=True, text=True)
    if h.returncode != 0 or not h.stdout.startswith("Usage: cscsim bench"):
        fail("bench --help")
    print("bench smoke run: %d rows, all present" % len(seen))


if __name__ == "__main__":
    main()
