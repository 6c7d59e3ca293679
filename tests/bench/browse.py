#!/usr/bin/python3
"""tests/bench/browse.py - the browser on a large table: first screen, End, Home, PgDn
per page and peak memory. Its peers are measured beside it, in the same run, by
tests/bench/peers.py (this script no longer prints copied figures).

Needs the sandbox (PGIAM_SANDBOX_ENV; `tests/sandbox/up --quiet` prints it). Makes
public.big_table ROWS rows (default 1,000,000) with the admin connection when it has
another size, then runs pgiam in a private tmux server at 120x40:
  - time to first screen: from launching `pgiam --profile sandbox-ro` (IAM connect
    included) through F5, public, big_table, until its first rows are drawn; and the
    part from Enter on big_table to its first rows;
  - End (the last page, read backwards on the primary key) until row ROWS shows;
  - PgDn PAGES times (each a keyset page) and Home;
  - the pgiam process's peak RSS (VmHWM) after all that: it must not depend on ROWS.
usage: tests/bench/browse.py [ROWS] [PAGES]   (PGIAM_BIN picks the binary)
"""
import os
import re
import subprocess
import sys
import time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(root, "tests", "tui"))
os.environ.setdefault("PGIAM_BIN", os.path.join(root, "build", "pgiam"))
os.environ.setdefault("PGIAM_SOURCE_ROOT", root)
import tuilib  # noqa: E402
import test_browse  # noqa: E402



def vm(pid, key):
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"%s:\s+(\d+) kB" % key, f.read()).group(1))


def timed(t, keys, pattern, timeout=120):
    t0 = time.monotonic()
    if keys:
        t.send(*keys)
    s = t.wait_for(pattern, timeout=timeout)
    return time.monotonic() - t0, s


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    pages = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    env = tuilib.sandbox_env()
    if test_browse.admin(env, "SELECT coalesce(max(id), 0) FROM big_table") != str(rows):
        subprocess.run([os.path.join(root, "tests/sandbox/gen_big_table"), str(rows)],
                       check=True, capture_output=True, env=dict(os.environ, **env))
    env["TERM"] = "screen-256color"
    t = tuilib.Tmux(120, 40)
    try:
        t0 = time.monotonic()
        t.start("%s --profiles %s --profile sandbox-ro; sleep 600"
                % (tuilib.BIN, env["PGIAM_SANDBOX_PROFILES"]), env=env)
        t.wait_for(r"READ-ONLY", timeout=30)
        connected = time.monotonic() - t0
        pid = tuilib.child_pid(t.pane_pid())
        hwm_connected = vm(pid, "VmHWM")
        t.send("F5")
        t.wait_for(r"public\s+\d+ tables")
        test_browse.select_line(t, r"^\s*public\s")
        t.send("Enter")
        t.wait_for(r"big_table")
        test_browse.select_line(t, r"\bbig_table\s+table")
        enter, _ = timed(t, ["Enter"], r"rows · first page[\s\S]*\n\s*1\s+user 1\b")
        first_screen = time.monotonic() - t0
        end, _ = timed(t, ["End"], r"user %d\b" % rows)
        home, _ = timed(t, ["Home"], r"rows · first page")
        t1 = time.monotonic()
        last_id = 0
        for _ in range(pages):
            t.send("NPage")
            i, _ = test_browse.wait_first_id(t, lambda i, last=last_id: i > last,
                                             "the next page")
            last_id = i
        per_page = (time.monotonic() - t1) / pages
        hwm, rss = vm(pid, "VmHWM"), vm(pid, "VmRSS")
        print("pgiam browser on big_table, %d rows, loopback sandbox (IAM login "
              "through the botocore verifier)" % rows)
        print("  time to first screen     %.3f s (launch -> rows; connected at %.3f s, "
              "Enter on big_table -> rows %.3f s)" % (first_screen, connected, enter))
        print("  End (last page)          %.3f s" % end)
        print("  Home (first page)        %.3f s" % home)
        print("  PgDn x %d               %.1f ms per page (keys, query, draw; ends at id %d)"
              % (pages, per_page * 1000, last_id))
        print("  peak RSS (VmHWM)         %.1f MiB (RSS now %.1f MiB; peak when connected, "
              "before browsing: %.1f MiB)" % (hwm / 1024.0, rss / 1024.0, hwm_connected / 1024.0))
        print("peers: tests/bench/peers.py measures them beside pgiam in one run")
    finally:
        t.kill()


if __name__ == "__main__":
    main()
