"""test_results.py - issue 12: SQL results in the grid, against the sandbox: a 200,000-row
SELECT read through a cursor shows its first rows, End jumps to the last row with the
count (MOVE ALL on the server), PgUp and Home come back; numbers are right-aligned
under their header; a resize then End shows the last row again; Enter shows a JSONB
cell pretty-printed; y copies a cell with OSC 52 (seen in tmux's buffer, set-clipboard
on); e exports the whole result, compared byte for byte with psql's \\copy … csv
header; a script's two result sets are both reachable (Tab), and a result that is not
read through the cursor says it was cut at 2,000 rows; inside the user's
transaction End cancelled while the server counts leaves it open, not failed; 120
columns scroll to the last with the first kept. The browser draws with the
same grid (issue 13's grid quality): big_table's ids right-aligned, and End then a
smaller terminal still shows the last row (the page is read again for the new size;
before, the start of the longer last page stayed). Skipped (77) without
PGIAM_SANDBOX_ENV."""
import os
import re
import subprocess
import tempfile

from tuilib import Fail, Tmux, admin_sql, run, sandbox_env, select_line

BIG = "select g as n, 'row ' || g as label from generate_series(1, 200000) g"


def row_line(s, n):
    """The grid line of row n ("  123  row 123"), or None."""
    m = re.search(r"(?m)^.*\b%d  row %d\b.*$" % (n, n), s)
    return m.group(0) if m else None


def right_aligned(t, s):
    """The n column's numbers end where the header's column ends."""
    ends = set()
    for n in (1, 9, 10, 11):
        line = row_line(s, n)
        if not line:
            raise Fail("row %d is not on screen:\n%s" % (n, s))
        ends.add(line.index(" row %d" % n))
    if len(ends) != 1:
        raise Fail("the numbers are not right-aligned (ends %r):\n%s" % (ends, s))


def browse_grid(t, env):
    """The browser's grid: numbers right-aligned; End, then a smaller terminal."""
    last = int(admin_sql(env, "SELECT max(id) FROM big_table").strip())
    t.send("F5")
    t.wait_for(r"public\s+\d+ tables")
    select_line(t, r"^\s*public\s")
    t.send("Enter")
    t.wait_for(r"big_table")
    select_line(t, r"\bbig_table\s+table")
    t.send("Enter")
    s = t.wait_stable(r"rows · first page[\s\S]*\n\s*10\s+user 10\b")
    ends = {len(re.search(r"(?m)^.*\b%d(?=\s+user %d\b)" % (n, n), s).group(0))
            for n in (1, 9, 10)}
    if len(ends) != 1:
        raise Fail("the browser's ids are not right-aligned:\n" + s)
    if "bigint" not in s:
        raise Fail("no types line in the browser's grid:\n" + s)
    t.send("End")
    t.wait_stable(r"\buser %d\b" % last)
    t.resize(100, 14)
    t.wait_for(r"READ-ONLY")
    s = t.wait_stable(r"(?s)last page.*\buser %d\b" % last)
    t.resize(100, 30)
    t.wait_for(r"READ-ONLY")
    t.send("Escape")
    t.wait_stable(r"S I U D: SELECT")
    t.send("Escape")
    t.wait_stable(r"Enter opens a schema")
    t.send("Escape")
    t.wait_for(r"(?m)^SQL>")


def in_transaction(t):
    """Inside the user's transaction: the cursor behind a savepoint; End cancelled while
    the server counts leaves the transaction open, not failed."""
    t.run_sql("begin")
    t.wait_for(r"in transaction")
    t.run_sql("select a.g * 10000 + b.g as n from generate_series(0, 5999) a(g), "
           "generate_series(1, 10000) b(g)")
    t.wait_for(r"\(\? rows: End counts them\)")
    t.send("F6")
    t.wait_for(r"pgiam · Result")
    t.send("End")
    t.wait_for(r"reading rows…")
    t.send("Escape")
    s = t.wait_stable(r"reading rows was cancelled: the cursor is closed")
    if "failed transaction" in s or "in transaction" not in s:
        raise Fail("a cancelled read failed or ended the user's transaction:\n" + s)
    t.send("Escape")
    t.wait_for(r"(?m)^SQL>")
    t.run_sql("select 6 * 7 as answer")
    s = t.wait_stable(r"(?m)^\s+42\s*$")
    if "in transaction" not in s:
        raise Fail("the transaction did not stay open:\n" + s)
    t.run_sql("rollback")
    t.wait_for(r"in transaction", absent=True)


def wide(t):
    """120 columns: the last one is reached by moving right, the first stays."""
    t.run_sql("select " + ", ".join("%d as c%d" % (i, i) for i in range(1, 121)))
    t.wait_for(r"\(1 row\) SELECT 1")
    t.send("F6")
    t.wait_for(r"pgiam · Result")
    for _ in range(12):
        t.send(*(["l"] * 10))
    s = t.wait_stable(r"\bc120\s*$|\bc120\b")
    names = [l for l in s.splitlines() if re.match(r"^\s*c1\s", l)]
    if not names or "c120" not in names[0]:
        raise Fail("the first column is not frozen beside the last:\n" + s)
    t.send("Escape")
    t.wait_for(r"(?m)^SQL>")


def ensure_big_table(env):
    """big_table with ids 1..5000, as tui-browse makes it: this test may run first."""
    have = admin_sql(env, "SELECT count(*) FROM pg_class WHERE relname = 'big_table'").strip()
    if have != "1" or admin_sql(env, "SELECT max(id) FROM big_table").strip() != "5000":
        subprocess.run([os.path.join(os.environ.get("PGIAM_SOURCE_ROOT", "."),
                                     "tests/sandbox/gen_big_table"), "5000"],
                       check=True, capture_output=True, env=dict(os.environ, **env))


def main():
    env = sandbox_env()
    ensure_big_table(env)
    env["TERM"] = "screen-256color"
    t = Tmux(100, 30)
    d = tempfile.mkdtemp(prefix="pgiam-results-")
    out = os.path.join(d, "big.csv")
    try:
        t.connect(env, "sandbox-ro")
        t.tmux("set-option", "-g", "set-clipboard", "on")
        t.run_sql(BIG)
        s = t.wait_stable(r"\(\? rows: End counts them\) rows 1\u20139?\d+")
        right_aligned(t, s)
        if "int4" not in s or "text" not in s:
            raise Fail("no types line above the names:\n" + s)
        t.send("F6")
        t.wait_for(r"pgiam · Result")
        t.send("End")
        s = t.wait_stable(r"(?s)\b200000  row 200000\b.*\(200000 rows\) SELECT 200000")
        if row_line(s, 1):
            raise Fail("End did not leave the first rows:\n" + s)
        t.send("PPage")
        s = t.wait_stable(r"\b1999[0-8]\d  row 1999[0-8]\d\b")
        t.send("Home")
        s = t.wait_stable(r"(?m)^\s+1  row 1\s")
        # a resize, then End: the last row again, whole
        t.resize(80, 20)
        t.wait_for(r"READ-ONLY")
        t.send("End")
        s = t.wait_stable(r"\b200000  row 200000\b")
        t.resize(100, 30)
        # copy the current cell (the label of the last row) with OSC 52
        t.send("Right")
        t.send("y")
        t.wait_for(r"copied 10 bytes to the clipboard")
        buf = t.tmux("show-buffer", check=False)
        if buf != "row 200000":
            raise Fail("tmux's buffer holds %r, not the cell 'row 200000'" % buf)
        # export the whole result, then compare with psql's \copy
        t.send("e")
        t.wait_for(r"pgiam · Export")
        t.send("C-u")
        t.type(out)
        t.send("Enter")
        t.wait_for(r"exported 200000 rows to", timeout=60)
        ref = os.path.join(d, "ref.csv")
        r = subprocess.run(["psql", "-X", "-q", env["PGIAM_SANDBOX_ADMIN"], "-c",
                            "\\copy (%s) to '%s' csv header" % (BIG, ref)],
                           capture_output=True, text=True)
        if r.returncode:
            raise Fail("psql: " + r.stderr)
        with open(out, "rb") as a, open(ref, "rb") as b:
            if a.read() != b.read():
                raise Fail("the export differs from psql's \\copy")
        if os.stat(out).st_mode & 0o777 != 0o600:
            raise Fail("the export is mode %o" % (os.stat(out).st_mode & 0o777))
        t.send("Escape")
        t.wait_for(r"(?m)^SQL>")
        # a JSONB cell, whole and pretty-printed
        t.run_sql("select 1 as k, '{\"a\": [1, 2], \"b\": {\"c\": null}}'::jsonb as doc")
        t.wait_for(r"\(1 row\) SELECT 1")
        t.send("F6")
        t.wait_for(r"pgiam · Result")
        t.send("Right")
        t.send("Enter")
        s = t.wait_stable(r"pgiam · Cell: doc \(jsonb\)")
        if not re.search(r'(?m)^\s*"a": \[\s*$', s) or not re.search(r'(?m)^\s*"c": null\s*$', s):
            raise Fail("the JSONB cell is not pretty-printed:\n" + s)
        t.send("Escape")
        t.send("Escape")
        t.wait_for(r"(?m)^SQL>")
        # a script's two result sets: both reachable
        t.run_sql("select 'first set' as one; select 'second set' as two")
        s = t.wait_stable(r"1: SELECT 1\s+2: SELECT 1")
        if "second set" not in s:
            raise Fail("the last result set is not shown first:\n" + s)
        t.send("F6")
        t.send("Tab")
        s = t.wait_stable(r"first set")
        t.send("Escape")
        t.wait_for(r"(?m)^SQL>")
        # not a plain SELECT (a script): read as it comes, its first 2,000 rows kept, and
        # the footer says the rest was not
        t.run_sql("select g from generate_series(1, 3000) g; select 'after' as two")
        t.wait_stable(r"1: SELECT 3000\s+2: SELECT 1")
        t.send("F6")
        t.send("BTab")
        t.wait_stable(r"\(2000 rows, more not kept")
        t.send("Escape")
        t.wait_for(r"(?m)^SQL>")
        in_transaction(t)
        wide(t)
        browse_grid(t, env)
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()
        for name in os.listdir(d):
            os.unlink(os.path.join(d, name))
        os.rmdir(d)


run(main)
