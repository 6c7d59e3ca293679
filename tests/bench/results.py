#!/usr/bin/python3
"""tests/bench/results.py - issue 12: `select * from big_table` in the SQL screen beside
the peers, in one run, on the sandbox's big_table of ROWS rows (default 10,000,000;
made with tests/sandbox/gen_big_table when it has another size), loopback only:
  - pgiam (IAM login through the botocore verifier, as a user would): time from Enter
    to the first rows drawn, End (the last row on screen, the count from MOVE ALL),
    peak RSS (VmHWM) after a 10-row result and after the big one;
  - the server's own time for the same first rows (DECLARE + FETCH 1000, psql \\timing)
    and for MOVE ALL, so "first rows < 100 ms after the server has them" is read off;
  - pgcli and `psql | pspg` (psql with PSQL_PAGER=pspg) on the same query over the
    admin's unix socket (no IAM: they cannot sign tokens), each in its own tmux: time
    until the first row is on screen, End ('G') until the last row is, and the peak RSS
    of its process tree; a peer that cannot finish within PEER_SECONDS or PEER_GIB of
    address space is said so, with what it reached;
  - export of the same rows to CSV: `pgiam sql --output` beside psql's
    `\\copy (select …) to … csv header`: rows/s and peak RSS (wait4), and whether the
    files are the same bytes.
Targets (printed, never asserted): first rows < 100 ms after the server has them,
End < 1 s, peak RSS within 10% of the 10-row result's.
usage: tests/bench/results.py [ROWS]   (PGIAM_BIN picks the binary; PEER_SECONDS
       default 120, PEER_GIB default 6)
"""
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(root, "tests", "tui"))
os.environ.setdefault("PGIAM_BIN", os.path.join(root, "build", "pgiam"))
os.environ.setdefault("PGIAM_SOURCE_ROOT", root)
import tuilib  # noqa: E402

QUERY = "select * from big_table"
PEER_SECONDS = float(os.environ.get("PEER_SECONDS", "120"))
PEER_GIB = float(os.environ.get("PEER_GIB", "6"))


def admin(env, *commands):
    args = ["psql", "-X", "-q", "-At", env["PGIAM_SANDBOX_ADMIN"]]
    for c in commands:
        args += ["-c", c]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def status_kib(pid, key):
    try:
        with open("/proc/%d/status" % pid) as f:
            m = re.search(r"%s:\s+(\d+) kB" % key, f.read())
            return int(m.group(1)) if m else 0
    except OSError:
        return 0


def tree(pid):
    """pid and its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            with open("/proc/%d/task/%d/children" % (p, p)) as f:
                todo += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return out


class TreeRss:
    """Samples the summed RSS of a process tree every 50 ms: its peak."""
    def __init__(self, pid):
        self.pid, self.peak, self.stop = pid, 0, False
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        while not self.stop:
            self.peak = max(self.peak, sum(status_kib(p, "VmRSS") for p in tree(self.pid)))
            time.sleep(0.05)

    def done(self):
        self.stop = True
        self.t.join()
        return self.peak


def mib(kib):
    return "%.1f MiB" % (kib / 1024.0)


def server_times(env, rows):
    out = admin(env, "\\timing on", "begin", "declare c scroll cursor for " + QUERY,
                "fetch 1000 from c", "move all from c", "commit")
    times = [float(x) for x in re.findall(r"Time: ([\d.]+) ms", out)]
    # begin, declare, fetch, move, commit
    return times[1] + times[2], times[3]


def pgiam_tui(env, rows):
    env = dict(env, TERM="screen-256color")
    t = tuilib.Tmux(120, 40)
    try:
        t.start("%s --profiles %s --profile sandbox-ro; sleep 600"
                % (tuilib.BIN, env["PGIAM_SANDBOX_PROFILES"]), env=env)
        t.wait_for(r"READ-ONLY", timeout=60)
        pid = tuilib.child_pid(t.pane_pid())
        t.type(QUERY + " limit 10")
        t.send("Enter")
        t.wait_for(r"\(10 rows\) SELECT 10", timeout=60)
        hwm10 = status_kib(pid, "VmHWM")
        t.type(QUERY)
        t0 = time.monotonic()
        t.send("Enter")
        t.wait_for(r"(?s)\b1  user 1 .*\(\? rows: End counts them\)", timeout=120)
        first = time.monotonic() - t0
        t.send("F6")
        t.wait_for(r"pgiam · Result")
        t0 = time.monotonic()
        t.send("End")
        t.wait_for(r"(?s)\b%d  user %d\b.*\(%d rows\)" % (rows, rows, rows), timeout=300)
        end = time.monotonic() - t0
        t0 = time.monotonic()
        t.send("Home")
        t.wait_for(r"(?m)^\s+1  user 1 ", timeout=60)
        home = time.monotonic() - t0
        hwm = status_kib(pid, "VmHWM")
        return first, end, home, hwm10, hwm
    finally:
        t.kill()


def peer(cmd, env, first_rx, end_keys, end_rx):
    """A peer in its own tmux: (first, end, peak KiB, what went wrong or '')."""
    t = tuilib.Tmux(120, 40)
    limit = int(PEER_GIB * 1024 * 1024)
    try:
        t.start("ulimit -v %d; %s; echo PEER-EXITED $?; sleep 600" % (limit, cmd), env=env)
        time.sleep(0.5)
        rss = TreeRss(t.pane_pid())
        t0 = time.monotonic()
        try:
            t.wait_for(first_rx + "|PEER-EXITED", timeout=PEER_SECONDS)
        except tuilib.Fail:
            return None, None, rss.done(), "no first screen within %.0f s" % PEER_SECONDS
        s = t.screen()
        if "PEER-EXITED" in s:
            return None, None, rss.done(), "exited before a screen (out of memory at %.0f " \
                "GiB of address space?): %s" % (PEER_GIB, s.strip().splitlines()[-2:])
        first = time.monotonic() - t0
        t0 = time.monotonic()
        t.send(*end_keys)
        try:
            t.wait_for(end_rx, timeout=PEER_SECONDS)
            end = time.monotonic() - t0
        except tuilib.Fail:
            end = None
        return first, end, rss.done(), "" if end is not None else \
            "End did not reach the last row within %.0f s" % PEER_SECONDS
    finally:
        t.kill()


def run_rusage(args, env):
    """Runs args; (seconds, peak RSS KiB of it, exit status)."""
    t0 = time.monotonic()
    p = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return time.monotonic() - t0, ru.ru_maxrss, p.returncode


def export(env, rows, d):
    full = dict(os.environ, **env)
    ours, theirs = os.path.join(d, "pgiam.csv"), os.path.join(d, "psql.csv")
    s1, k1, rc1 = run_rusage([tuilib.BIN, "sql", "--profiles", env["PGIAM_SANDBOX_PROFILES"],
                              "--profile", "sandbox-ro", "-c", QUERY, "--output", ours], full)
    s2, k2, rc2 = run_rusage(["psql", "-X", "-q", env["PGIAM_SANDBOX_ADMIN"], "-c",
                              "\\copy (%s) to '%s' csv header" % (QUERY, theirs)], full)
    same = rc1 == 0 and rc2 == 0 and subprocess.run(["cmp", "-s", ours, theirs]).returncode == 0
    return (s1, k1, rc1), (s2, k2, rc2), same


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10000000
    env = tuilib.sandbox_env()
    if admin(env, "SELECT coalesce(max(id), 0) FROM big_table").strip() != str(rows):
        subprocess.run([os.path.join(root, "tests/sandbox/gen_big_table"), str(rows)],
                       check=True, capture_output=True, env=dict(os.environ, **env))
        admin(env, "VACUUM ANALYZE big_table")
    admin(env, "SELECT count(*) FROM big_table")   # warm the cache for everyone alike
    srv_first, srv_moveall = server_times(env, rows)
    first, end, home, hwm10, hwm = pgiam_tui(env, rows)

    host = re.search(r"host=(\S+)", env["PGIAM_SANDBOX_ADMIN"]).group(1)
    port = re.search(r"port=(\d+)", env["PGIAM_SANDBOX_ADMIN"]).group(1)
    dsn = "postgresql://pgiam_admin@/sample_db?host=%s&port=%s" % (host, port)
    penv = dict(env, TERM="screen-256color", HOME=tempfile.mkdtemp(prefix="pgiam-bench-home-"))
    results = [("psql | pspg",) + peer(
        "PSQL_PAGER=pspg psql -X -P pager=always '%s' -c '%s'" % (dsn, QUERY), penv,
        r"(?m)^\s*1\s*[\u2502|]\s*user 1\s", ["G"],
        r"(?m)^\s*%d\s*[\u2502|]\s*user %d\s" % (rows, rows))]
    # pgcli: the query typed at its prompt; its pager (less) shows the rows
    results.append(("pgcli",) + peer_pgcli("pgcli --less-chatty '%s'" % dsn, penv, rows))

    d = tempfile.mkdtemp(prefix="pgiam-bench-export-")
    try:
        (s1, k1, rc1), (s2, k2, rc2), same = export(env, rows, d)
    finally:
        for n in os.listdir(d):
            os.unlink(os.path.join(d, n))
        os.rmdir(d)

    print("select * from big_table, %d rows, loopback sandbox" % rows)
    print("  server: DECLARE + FETCH 1000 %.1f ms, MOVE ALL %.1f ms (psql \\timing, admin)"
          % (srv_first, srv_moveall))
    print("  %-14s %-12s %-12s %-14s %s" % ("client", "first rows", "End", "peak RSS", "note"))
    print("  %-14s %-12s %-12s %-14s %s" % ("pgiam", "%.0f ms" % (first * 1000),
                                             "%.0f ms" % (end * 1000), mib(hwm),
                                             "IAM login; Home %.0f ms; 10-row result %s"
                                             % (home * 1000, mib(hwm10))))
    for name, f, e, peak, why in results:
        print("  %-14s %-12s %-12s %-14s %s" % (name, "%.0f ms" % (f * 1000) if f else "-",
                                                 "%.0f ms" % (e * 1000) if e else "-",
                                                 mib(peak), why or "admin socket, no IAM"))
    print("  targets: first rows < 100 ms after the server has them: %.0f ms - %.0f ms = "
          "%.0f ms (%s); End < 1 s: %.0f ms (%s); peak RSS within 10%% of the 10-row "
          "result: %+.1f%% (%s)" % (first * 1000, srv_first, first * 1000 - srv_first,
                                    "met" if first * 1000 - srv_first < 100 else "MISSED",
                                    end * 1000, "met" if end < 1 else "MISSED",
                                    (hwm - hwm10) * 100.0 / hwm10,
                                    "met" if hwm <= hwm10 * 1.1 else "MISSED"))
    print("export to CSV, %d rows:" % rows)
    print("  pgiam sql --output   %.2f s, %.0f rows/s, peak RSS %s%s" % (
        s1, rows / s1, mib(k1), "" if rc1 == 0 else " (exit %d)" % rc1))
    print("  psql \\copy           %.2f s, %.0f rows/s, peak RSS %s%s" % (
        s2, rows / s2, mib(k2), "" if rc2 == 0 else " (exit %d)" % rc2))
    print("  the two files are %s" % ("the same bytes" if same else "DIFFERENT"))


def peer_pgcli(cmd, env, rows):
    """pgcli: its prompt, the query typed, its pager; End is 'G' in less."""
    t = tuilib.Tmux(120, 40)
    limit = int(PEER_GIB * 1024 * 1024)
    try:
        t.start("ulimit -v %d; %s; echo PEER-EXITED $?; sleep 600" % (limit, cmd), env=env)
        t.wait_for(r"sample_db>", timeout=60)
        rss = TreeRss(t.pane_pid())
        t.type(QUERY)
        t0 = time.monotonic()
        t.send("Enter")
        try:
            t.wait_for(r"\|\s+1\s+\|\s+user 1\s|PEER-EXITED|MemoryError", timeout=PEER_SECONDS)
        except tuilib.Fail:
            return None, None, rss.done(), "no first screen within %.0f s" % PEER_SECONDS
        s = t.screen()
        if "PEER-EXITED" in s or "MemoryError" in s:
            return None, None, rss.done(), "failed before a screen (%.0f GiB of address " \
                "space): %s" % (PEER_GIB, " / ".join(s.strip().splitlines()[-2:]))
        first = time.monotonic() - t0
        t0 = time.monotonic()
        t.send("G")
        try:
            t.wait_for(r"\|\s+%d\s+\|\s+user %d\s" % (rows, rows), timeout=PEER_SECONDS)
            end = time.monotonic() - t0
        except tuilib.Fail:
            return first, None, rss.done(), "End did not reach the last row within %.0f s" \
                % PEER_SECONDS
        return first, end, rss.done(), ""
    finally:
        t.kill()


if __name__ == "__main__":
    main()
