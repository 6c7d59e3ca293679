#!/usr/bin/python3
"""tests/bench/peers.py - the browser and its peers on the same tables, in one run
(issue 13): replaces the figures browse.py copied from peers.md.

For each size (default 10k, 1M and 10M rows) the sandbox gets zz_bench.t<size>
(id bigint primary key, name 'r<id>x', score = id % 1000 with an index, a
timestamp), made with the admin connection when missing or of another size. Then, in a
private tmux server at 120x40, each tool is started the same way: `pgiam psql
--profile sandbox-ro` (IAM login: STS, token, TLS verify-full; PGIAM_PSQL=sh runs the
peer's command line with that environment) and timed from launch until the table's
first row ('r1x') is on the screen; the peak RSS is the largest sum of VmRSS over the
process tree under the tmux pane, sampled every 20 ms (a pipe's writer counts while
it lives). The peers:
  psql | pspg             psql -X -c 'SELECT …' | pspg
  pspg -q                 pspg -q 'SELECT …' (pspg connects itself)
  pgcli                   pgcli, the query typed at its prompt, its pager less
  psql FETCH_COUNT | less psql -X -v FETCH_COUNT=1000 -c 'SELECT …' | less
pgiam itself: launch -> rows (the same measure), Enter on the table -> rows, End ->
last row, o on score (indexed) -> its first sorted page, w "name = 'r77x'" -> the
filtered page, and its peak RSS the same way.
Prints a table with each peer's time and memory and their ratios to pgiam's, with
the machine (CPU, cores, memory) and the load average before and after each size: the
machine may be shared, and the load says how far the figures are to be trusted.
usage: tests/bench/peers.py [SIZE...]   e.g. 10000 1000000 (PGIAM_BIN picks the binary)
Needs the sandbox (PGIAM_SANDBOX_ENV) and Debian's pspg and pgcli (tools/deps).
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

SCHEMA = "zz_bench"


def admin(env, sql):
    r = subprocess.run(["psql", env["PGIAM_SANDBOX_ADMIN"], "-v", "ON_ERROR_STOP=1",
                        "-qAtc", sql], capture_output=True, text=True)
    if r.returncode:
        raise SystemExit("admin SQL failed: %s\n%s" % (sql, r.stderr))
    return r.stdout.strip()


def make_table(env, n):
    name = "t%d" % n
    exists = admin(env, "SELECT to_regclass('%s.%s') IS NOT NULL" % (SCHEMA, name)) == "t"
    have = admin(env, "SELECT coalesce(max(id), 0) FROM %s.%s" % (SCHEMA, name)) \
        if exists else "-1"
    if have != str(n):
        admin(env, "CREATE SCHEMA IF NOT EXISTS %s; DROP TABLE IF EXISTS %s.%s;"
                   "CREATE TABLE %s.%s (id bigint PRIMARY KEY, name text, score int,"
                   " created timestamptz);"
                   "INSERT INTO %s.%s SELECT x, 'r' || x || 'x', x %% 1000,"
                   " '2026-01-01'::timestamptz + x * interval '1 s' FROM generate_series(1, %d) x;"
                   "CREATE INDEX ON %s.%s (score); ANALYZE %s.%s;"
                   "GRANT USAGE ON SCHEMA %s TO readonly_role;"
                   "GRANT SELECT ON %s.%s TO readonly_role;"
                   % (SCHEMA, SCHEMA, name, SCHEMA, name, SCHEMA, name, n, SCHEMA, name,
                      SCHEMA, name, SCHEMA, SCHEMA, name))
    return name


def tree(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            with open("/proc/%d/task/%d/children" % (p, p)) as f:
                todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out


def tree_rss(pid):
    kb = 0
    for p in tree(pid):
        try:
            with open("/proc/%d/status" % p) as f:
                m = re.search(r"VmRSS:\s+(\d+) kB", f.read())
                kb += int(m.group(1)) if m else 0
        except OSError:
            pass
    return kb


class Meter:
    """Waits for a screen pattern while sampling the pane's process tree RSS."""

    def __init__(self, t):
        self.t, self.peak = t, 0

    def wait(self, pattern, t0=None, keys=(), timeout=300):
        t0 = t0 if t0 is not None else time.monotonic()
        if keys:
            self.t.send(*keys)
        rx, pane = re.compile(pattern), self.t.pane_pid()
        deadline = t0 + timeout
        while time.monotonic() < deadline:
            self.peak = max(self.peak, tree_rss(pane))
            if rx.search(self.t.screen()):
                return time.monotonic() - t0
            time.sleep(0.02)
        raise SystemExit("timed out waiting for %r:\n%s" % (pattern, self.t.screen()))


def launch(env, cmd):
    t = tuilib.Tmux(120, 40)
    shell = "PGIAM_PSQL=sh %s psql --profiles %s --profile sandbox-ro -- -c %s; sleep 600" % (
        tuilib.BIN, env["PGIAM_SANDBOX_PROFILES"], _q(cmd))
    t0 = time.monotonic()
    t.start(shell, env=dict(env, PAGER="less", TERM="screen-256color"))
    return t, t0


def _q(s):
    return "'" + s.replace("'", "'\\''") + "'"


FIRST = r"(?m)(^|[\s|│])r1x([\s|│]|$)"


def peers(env, table):
    sql = "SELECT * FROM %s.%s ORDER BY id" % (SCHEMA, table)
    cmds = [
        ("psql | pspg", "psql -X -c \"%s\" | pspg" % sql),
        ("pspg -q", "pspg -q \"%s\"" % sql),
        ("pgcli", "pgcli --less-chatty"),
        ("psql FETCH_COUNT | less", "psql -X -v FETCH_COUNT=1000 -c \"%s\" | less" % sql),
    ]
    out = []
    for name, cmd in cmds:
        t, t0 = launch(env, cmd)
        try:
            m = Meter(t)
            if name == "pgcli":
                m.wait(r">\s*$|\S+>", t0)   # its prompt, then the query
                t.type(sql + ";")
                t.send("Enter")
            secs = m.wait(FIRST, t0)
            out.append((name, secs, m.peak))
        finally:
            t.kill()
    return out


def pgiam(env, table, n):
    t = tuilib.Tmux(120, 40)
    try:
        t0 = time.monotonic()
        t.start("%s --profiles %s --profile sandbox-ro; sleep 600" % (
            tuilib.BIN, env["PGIAM_SANDBOX_PROFILES"]), env=dict(env, TERM="screen-256color"))
        m = Meter(t)
        m.wait(r"READ-ONLY", t0)
        t.send("F5")
        m.wait(r"%s\s+\d+ tables?" % SCHEMA)
        tuilib.select_line(t, r"^\s*%s\s" % SCHEMA)
        t.send("Enter")
        m.wait(r"\b%s\s+table" % table)
        tuilib.select_line(t, r"\b%s\s+table" % table)
        enter = m.wait(r"rows · first page[\s\S]*" + FIRST[4:], keys=["Enter"])
        first = time.monotonic() - t0
        end = m.wait(r"\br%dx\b" % n, keys=["End"])
        m.wait(r"\br1x\b", keys=["Home"])
        t.send("Right")
        m.wait(r"columns 2/")
        t.send("Right")
        m.wait(r"columns 3/")
        # the key (id) stays at the left of the grid: the first sorted row is id 1000
        sort = m.wait(r"sorted by score ↑ asc[\s\S]*\n\s*1000\s+r1000x\s+0\s+2026-01-01 00:16:40",
                      keys=["o"])
        t.send("o")
        m.wait(r"sorted by score ↓")
        t.send("o")
        m.wait(r"^(?![\s\S]*sorted by)[\s\S]*rows · first page")
        t.send("w")
        m.wait(r"WHERE")
        t.type("name = 'r77x'")
        filt = m.wait(r"WHERE name[\s\S]*\n\s*77\s+r77x\s+77\s+2026-01-01 00:01:17",
                      keys=["Enter"])
        return {"launch": first, "enter": enter, "end": end, "sort": sort, "filter": filt,
                "peak": m.peak}
    finally:
        t.kill()


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"(?m)^model name\s*:\s*(.+)$", f.read())
            cpu = m.group(1).strip() if m else cpu
        with open("/proc/meminfo") as f:
            mem = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1)) // 1024
    except (OSError, AttributeError):
        mem = 0
    return "%s, %d cores, %d MiB, %s" % (cpu, os.cpu_count() or 0, mem, os.uname().release)


def load():
    return "%.2f %.2f %.2f" % os.getloadavg()


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [10000, 1000000, 10000000]
    env = tuilib.sandbox_env()
    results = []
    for n in sizes:
        print("%d rows: making the table, then pgiam and the peers" % n, file=sys.stderr)
        table = make_table(env, n)
        before = load()
        me = pgiam(env, table, n)
        ps = peers(env, table)
        results.append((n, me, ps, before, load()))
        print("%d rows done (load %s -> %s)" % (n, before, results[-1][4]), file=sys.stderr)
    print("pgiam and its peers, loopback sandbox, IAM login, %s UTC (one run)" %
          time.strftime("%Y-%m-%d %H:%M", time.gmtime()))
    print("machine: %s" % machine())
    for n, me, ps, before, after in results:
        print("load average (1, 5, 15 min) at %d rows: %s before, %s after" % (n, before, after))
    print("time: launch until the first row is on a 120x40 tmux screen; memory: peak "
          "RSS of the process tree (sampled every 20 ms)")
    print("| rows | tool | first row | peak RSS | time × pgiam | memory × pgiam |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    for n, me, ps, _, _ in results:
        print("| %d | pgiam (launch → rows; Enter → rows %.0f ms, End %.0f ms, sorted by "
              "an indexed column %.0f ms, filtered %.0f ms) | %.0f ms | %.1f MiB | 1 | 1 |" % (
                  n, me["enter"] * 1000, me["end"] * 1000, me["sort"] * 1000,
                  me["filter"] * 1000, me["launch"] * 1000, me["peak"] / 1024.0))
        for name, secs, kb in ps:
            print("| %d | %s | %.0f ms | %.1f MiB | %.1f | %.1f |" % (
                n, name.replace("|", "\\|"), secs * 1000, kb / 1024.0, secs / me["launch"],
                kb / float(me["peak"] or 1)))


if __name__ == "__main__":
    main()
