"""test_browse_grid.py - issue 13's grid quality in the browser, against the sandbox, in
a schema of its own (zz13_grid, after public; dropped at the end): a table of 122
columns with a two-column primary key shows a types line above the names, numbers
right-aligned, a long value capped at 30 columns with "…"; Right scrolls one column
at a time to the last (122/122) with the key's two columns still at the left of every
row, each step drawn without a statement to the server (no "reading"); the current
cell is drawn apart from the rest of its row (its own attributes in tmux's escapes);
after a resize the page is read again from the same first key (smaller, then larger),
and End after a shrink shows the real last rows; an empty table says it is empty,
a filter that matches nothing says so (not "empty"). Skipped (77) without
PGIAM_SANDBOX_ENV."""
import re
import subprocess
import time

from tuilib import TIMEOUT, Fail, run, sandbox_env, select_line, Tmux

S = "zz13_grid"
NCOLS = 120   # besides the key's two
NROWS = 200


def admin(env, sql):
    r = subprocess.run(["psql", env["PGIAM_SANDBOX_ADMIN"], "-v", "ON_ERROR_STOP=1",
                        "-qAtc", sql], capture_output=True, text=True)
    if r.returncode:
        raise Fail("admin SQL failed: %s\n%s" % (sql, r.stderr))
    return r.stdout.strip()


def prepare(env):
    cols = ", ".join("c%03d %s" % (i, "int" if i % 2 else "text") for i in range(1, NCOLS + 1))
    vals = ", ".join(("x * %d" % (10 ** (i % 4))) if i % 2 else
                     ("'v%d-' || repeat('w', 40) || '-END'" % i) for i in range(1, NCOLS + 1))
    admin(env, "DROP SCHEMA IF EXISTS {s} CASCADE; CREATE SCHEMA {s};"
               "CREATE TABLE {s}.wide (k1 int, k2 text, {cols}, PRIMARY KEY (k1, k2));"
               "INSERT INTO {s}.wide SELECT x, 'key' || x, {vals}"
               " FROM generate_series(1, {n}) x;"
               "CREATE TABLE {s}.empty (id int PRIMARY KEY, v text);"
               "GRANT USAGE ON SCHEMA {s} TO readonly_role;"
               "GRANT SELECT ON {s}.wide, {s}.empty TO readonly_role;"
               .format(s=S, cols=cols, vals=vals, n=NROWS))


ROW = re.compile(r"^\s*(\d+)\s+key\1\s")


def first_rows(screen):
    return [int(m.group(1)) for m in (ROW.match(l) for l in screen.splitlines()) if m]


def wait_rows(t, pred, what):
    deadline = time.monotonic() + TIMEOUT
    prev, s = None, ""
    while time.monotonic() < deadline:
        s = t.screen()
        rows = first_rows(s)
        if s == prev and "reading" not in s and rows and pred(rows, s):
            return rows, s
        prev = s
        time.sleep(0.05)
    raise Fail("timed out waiting for %s; screen was:\n%s" % (what, s))


def main():
    env = sandbox_env()
    prepare(env)
    env["TERM"] = "screen-256color"
    t = Tmux(100, 30)
    try:
        t.connect(env, "sandbox-ro", ready=r"READ-ONLY")
        t.send("F5")
        t.wait_for(r"public\s+\d+ tables")
        select_line(t, r"^\s*%s\s" % S)
        t.send("Enter")
        t.wait_for(r"S I U D")
        select_line(t, r"\bwide\s+table")
        t.send("Enter")
        rows, s = wait_rows(t, lambda r, sc: "first page" in sc, "wide's first page")
        lines = s.splitlines()
        hi = next(i for i, l in enumerate(lines) if re.match(r"\s*k1\s+k2\s+c001\s+c002", l))
        if not re.match(r"\s*integer\s+text\s+integer\s+text", lines[hi - 1]):
            raise Fail("no types line above the names:\n" + s)
        # numbers right-aligned: c001 = x * 10 (10, 20, …, 100) ends in one column
        ends = set()
        for n in (1, 9, 10):
            line = next(l for l in lines if ROW.match(l) and int(ROW.match(l).group(1)) == n)
            m = re.match(r"\s*\d+\s+key\d+\s+(\d+)", line)
            if int(m.group(1)) != n * 10:
                raise Fail("c001 of row %d is %s:\n%s" % (n, m.group(1), s))
            ends.add(m.end(1))
        if len(ends) != 1:
            raise Fail("numbers are not right-aligned (ends %r):\n%s" % (ends, s))
        # a long value capped with …
        m = re.search(r"v2-w+…", s)
        if not m or "-END" in s or len(m.group(0)) != 30:
            raise Fail("the long value is not capped at 30 columns with …:\n" + s)
        # the current cell apart from its row (the first row, k1)
        esc = t.screen(escapes=True).splitlines()
        row1 = next(l for l in esc if re.search(r"\b1\b.*key1\b", re.sub(r"\x1b\[[0-9;]*m", "", l)))
        seqs = re.findall(r"(\x1b\[[0-9;]*m)([^\x1b]*)", row1)
        cell = [sq for sq, txt in seqs if txt.strip() == "1"]
        rest = [sq for sq, txt in seqs if "key1" in txt]
        if not cell or not rest or cell[0] == rest[0]:
            raise Fail("the current cell is not drawn apart from its row: %r" % row1)

        # scroll to the last column, one step at a time, the key kept at the left
        for i in range(NCOLS + 1):
            t.send("Right")
        s = t.wait_stable(r"columns %d/%d" % (NCOLS + 2, NCOLS + 2))
        if "reading" in s or not re.search(r"(?m)^\s*k1\s+k2\s+.*c%03d\s*$" % NCOLS, s):
            raise Fail("the last column is not shown beside the key:\n" + s)
        if "c001 " in s or not re.search(r"(?m)^\s*1\s+key1\s+.*v%d-w+" % NCOLS, s):
            raise Fail("after scrolling, the rows lost their key or last column:\n" + s)
        for i in range(NCOLS + 1):
            t.send("Left")
        t.wait_stable(r"columns 1/%d" % (NCOLS + 2))

        # a resize reads the page again from the same first key
        t.send("NPage")
        rows, s = wait_rows(t, lambda r, sc: r[0] > 1, "the second page")
        first, per = rows[0], len(rows)
        t.resize(100, 20)
        rows, s = wait_rows(t, lambda r, sc: len(r) < per, "the page after a shrink")
        if rows[0] != first:
            raise Fail("after a shrink the page starts at %d, not %d:\n%s" % (rows[0], first, s))
        # (read again, not cut: the next page follows the last row shown)
        t.send("NPage")
        nxt, s = wait_rows(t, lambda r, sc: r[0] != first, "the next page after a shrink")
        if nxt[0] != rows[-1] + 1:
            raise Fail("after a shrink PgDn skipped from %d to %d:\n%s" % (rows[-1], nxt[0], s))
        t.send("PPage")
        wait_rows(t, lambda r, sc: r[0] == first, "the page before again")
        t.resize(100, 30)
        rows, s = wait_rows(t, lambda r, sc: len(r) == per, "the page after growing")
        if rows[0] != first:
            raise Fail("after growing the page starts at %d, not %d:\n%s" % (rows[0], first, s))
        # End, then a shrink: still the last rows, not the start of the last page
        t.send("End")
        wait_rows(t, lambda r, sc: r[-1] == NROWS and "last page" in sc, "the last page")
        t.resize(100, 18)
        # (the grid first cuts the old page's bottom: only the page read again for
        # the smaller screen ends with the last row)
        wait_rows(t, lambda r, sc: len(r) < per and r[-1] == NROWS, "the last rows "
                  "after End and a shrink")
        t.resize(100, 30)
        wait_rows(t, lambda r, sc: len(r) == per and r[-1] == NROWS, "the last page grown")
        t.send("Home")
        wait_rows(t, lambda r, sc: r[0] == 1, "the first page")
        t.send("NPage")
        wait_rows(t, lambda r, sc: r[0] == first, "the second page again")
        # End after a shrink: the real last rows, as many as the screen shows
        t.resize(100, 16)
        rows, s = wait_rows(t, lambda r, sc: r[0] == first and len(r) < per, "the shrunk page")
        small = len(rows)
        t.send("End")
        rows, s = wait_rows(t, lambda r, sc: "last page" in sc, "the last page after a shrink")
        if rows != list(range(NROWS - small + 1, NROWS + 1)):
            raise Fail("End after a shrink does not show the last %d rows:\n%s" % (small, s))
        t.resize(100, 30)
        t.wait_for(r"READ-ONLY")

        # a filter that matches nothing says so
        t.send("w")
        t.wait_for(r"WHERE")
        t.type("k1 < 0")
        t.send("Enter")
        s = t.wait_stable(r"WHERE k1 < 0[\s\S]*\(no rows match the filter\)")
        if "empty" in s:
            raise Fail("an unmatched filter says the table is empty:\n" + s)
        t.send("Escape")
        t.wait_for(r"S I U D")
        select_line(t, r"\bempty\s+table")
        t.send("Enter")
        t.wait_stable(r"\(no rows: the table is empty\)")
        t.send("Escape")
        t.wait_for(r"S I U D")
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()
        admin(env, "DROP SCHEMA IF EXISTS %s CASCADE" % S)


if __name__ == "__main__":
    run(main)
