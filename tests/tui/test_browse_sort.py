"""test_browse_sort.py - issue 13 in the terminal, against the sandbox: on a table with
a composite primary key, `o` sorts by the first column shown (indexed: the line above
the rows says so) and paging with PgDn from the first page to the last shows every row
exactly once in the server's ORDER BY score, a, b; `o` again sorts descending, the same
way; a bad filter (`w`) shows the server's error above the rows and keeps the rows; a
filter trying `1=1); DROP TABLE …; SELECT (1` (which the simple protocol would run)
fails as a syntax error, run by the read-write login that owns the table, and the
table is still there (and so for the issue's `1=1); DROP TABLE …; --`); a good filter shows only its rows; `/` finds text in the page;
`s` on the rows shows the table's structure and Esc brings the same rows back; `s` on
a table with every constraint kind (primary key, foreign key with target and
actions, unique, check, exclusion) lists each of them, its identity column, partial
index, trigger, privileges and the DDL; `f` on its foreign key column follows it to
the referenced row (the page starts there, the title shows the way) and Esc comes
back to the same rows; the table list marks each kind (table, partitioned table with
its partitions folded, sequence, function).
Skipped (77) without PGIAM_SANDBOX_ENV."""
import re
import subprocess
import time

from tuilib import TIMEOUT, Fail, run, sandbox_env, select_line, Tmux

SCHEMA = "zz13_tui"   # after public: other tests open the first schema
Q = "zz13_tui"
# the key's columns (a, b) are frozen at the left of the grid, then score
ROW = re.compile(r"^\s*([pqr])\s+(\d+)\s+(\d+)\s")


def admin(env, sql):
    r = subprocess.run(["psql", env["PGIAM_SANDBOX_ADMIN"], "-v", "ON_ERROR_STOP=1",
                        "-qAtc", sql], capture_output=True, text=True)
    if r.returncode:
        raise Fail("admin SQL failed: %s\n%s" % (sql, r.stderr))
    return r.stdout.strip()


def prepare(env):
    admin(env, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s;"
               "CREATE TABLE %s.comp (score int NOT NULL, a text, b int, name text,"
               " PRIMARY KEY (a, b));"
               "CREATE INDEX ON %s.comp (score);"
               "INSERT INTO %s.comp SELECT x %% 7, (ARRAY['p','q','r'])[x %% 3 + 1], x,"
               " CASE WHEN x %% 4 = 0 THEN NULL ELSE 'needle' || x END"
               " FROM generate_series(1, 47) x;"
               "CREATE TABLE %s.victim (id int);"
               "ALTER TABLE %s.victim OWNER TO iam_rw_user;"
               "GRANT USAGE ON SCHEMA %s TO iam_rw_user;"
               "GRANT SELECT ON %s.comp TO iam_rw_user;" % ((Q,) * 9))
    admin(env, """
CREATE TABLE {s}.ref (id int PRIMARY KEY);
CREATE TABLE {s}.every (
  id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  qty int NOT NULL CONSTRAINT qty_positive CHECK (qty > 0),
  ref_id int CONSTRAINT every_ref REFERENCES {s}.ref (id) ON DELETE CASCADE ON UPDATE SET NULL,
  during tsrange, CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&),
  CONSTRAINT qty_once UNIQUE (qty));
CREATE INDEX big_qty ON {s}.every (qty) WHERE qty > 10;
CREATE FUNCTION {s}.touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER every_touch BEFORE UPDATE ON {s}.every FOR EACH ROW EXECUTE FUNCTION {s}.touch();
CREATE TABLE {s}.parted (id int, d date) PARTITION BY RANGE (d);
CREATE TABLE {s}.parted_2025 PARTITION OF {s}.parted FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE {s}.parted_2026 PARTITION OF {s}.parted FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO {s}.parted VALUES (1, '2025-05-01'), (2, '2026-05-01');
CREATE SEQUENCE {s}.counter;
GRANT SELECT ON {s}.parted TO iam_rw_user;
INSERT INTO {s}.ref SELECT generate_series(1, 30);
INSERT INTO {s}.every (qty, ref_id) SELECT x, 31 - x FROM generate_series(1, 30) x;
GRANT SELECT ON {s}.every, {s}.ref TO iam_rw_user;
""".format(s=Q))


def rows_of(screen):
    return [(int(m.group(3)), m.group(1), int(m.group(2)))
            for m in (ROW.match(line) for line in screen.splitlines()) if m]


def wait_rows(t, pred, what):
    """A settled screen whose rows satisfy pred; returns (rows, screen)."""
    deadline = time.monotonic() + TIMEOUT
    prev, s = None, ""
    while time.monotonic() < deadline:
        s = t.screen()
        rows = rows_of(s)
        if s == prev and "reading" not in s and rows and pred(rows, s):
            return rows, s
        prev = s
        time.sleep(0.05)
    raise Fail("timed out waiting for %s; screen was:\n%s" % (what, s))


def walk(t, first_pred, what):
    rows, s = wait_rows(t, first_pred, what + ": the first page")
    seen = list(rows)
    while "· last page" not in s:
        before = rows[0]
        t.send("NPage")
        rows, s = wait_rows(t, lambda r, sc: r[0] != before, what + ": the next page")
        seen += rows
    return seen


def expected(env, order):
    out = admin(env, "SELECT t.score, t.a, t.b FROM %s.comp t ORDER BY %s" % (Q, order))
    return [(int(x), y, int(z)) for x, y, z in (line.split("|") for line in out.splitlines())]


def main():
    env = sandbox_env()
    prepare(env)
    t = Tmux(100, 30)
    try:
        t.connect(env, "sandbox-rw")
        t.send("F5")
        t.wait_for(r"public\s+\d+ tables")
        select_line(t, r"^\s*zz13_tui\s")
        t.send("Enter")
        t.wait_for(r"S I U D")
        select_line(t, r"\bcomp\s+table")
        t.send("Enter")
        t.wait_for(r"rows · first page")

        t.send("o")
        t.wait_for(r"sorted by score ↑ asc \(indexed")
        want = expected(env, "t.score, t.a, t.b")
        got = walk(t, lambda r, s: "sorted by score ↑" in s and r[0] == want[0], "ascending")
        if got != want:
            raise Fail("ascending pages differ from ORDER BY score, a, b:\n%r\n%r" % (got, want))
        t.send("o")
        t.wait_for(r"sorted by score ↓ desc")
        want = expected(env, "t.score DESC, t.a DESC, t.b DESC")
        got = walk(t, lambda r, s: "sorted by score ↓" in s and r[0] == want[0], "descending")
        if got != want:
            raise Fail("descending pages differ from ORDER BY score DESC, a DESC, b DESC:"
                       "\n%r\n%r" % (got, want))
        t.send("o")
        t.wait_for(r"sorted by", absent=True)
        rows, s = wait_rows(t, lambda r, sc: "· first page" in sc, "unsorted")
        shown = rows

        # A bad filter: the server's error above the rows, the rows kept.
        t.send("w")
        t.wait_for(r"WHERE")
        t.type("score >")
        t.send("Enter")
        rows, s = wait_rows(t, lambda r, sc: "ERROR 42601" in sc, "the bad filter's error")
        # (the error takes a line above them: one row fewer fits)
        if rows != shown[:len(rows)] or len(rows) < len(shown) - 1 or \
                "the rows are as before" not in s:
            raise Fail("a bad filter did not keep the rows:\n" + s)
        # A second statement: a syntax error, nothing dropped.
        t.send("w")
        t.wait_for(r"WHERE")
        t.send("C-u")
        t.type('1=1); DROP TABLE %s.victim; SELECT (1' % Q)
        t.send("Enter")
        t.wait_for(r"Filter rows", absent=True)
        rows, s = wait_rows(t, lambda r, sc: "ERROR 42601" in sc and "the rows are as" in sc,
                            "the DROP filter's error")
        if admin(env, "SELECT to_regclass('%s.victim') IS NOT NULL" % Q) != "t":
            raise Fail("the filter dropped the table")
        if rows != shown[:len(rows)] or len(rows) < len(shown) - 1:
            raise Fail("the DROP filter did not keep the rows:\n" + s)
        # A good filter.
        t.send("w")
        t.wait_for(r"WHERE")
        t.send("C-u")
        t.type("score = 3")
        t.send("Enter")
        rows, s = wait_rows(t, lambda r, sc: "WHERE score = 3" in sc and "ERROR" not in sc,
                            "the filtered rows")
        if any(r[0] != 3 for r in rows) or len(rows) != len(
                [x for x in range(1, 48) if x % 7 == 3]):
            raise Fail("filter score = 3:\n" + s)
        # The issue's own words: a comment to swallow the closing parenthesis (over
        # the good filter, which stays).
        filtered = rows
        t.send("w")
        t.wait_for(r"WHERE")
        t.send("C-u")
        t.type('1=1); DROP TABLE %s.victim; --' % Q)
        t.send("Enter")
        t.wait_for(r"Filter rows", absent=True)
        rows, s = wait_rows(t, lambda r, sc: "ERROR 42601" in sc and "the rows are as" in sc
                            and "WHERE score = 3" in sc, "the -- filter's error")
        if admin(env, "SELECT to_regclass('%s.victim') IS NOT NULL" % Q) != "t":
            raise Fail("the -- filter dropped the table")
        if rows != filtered[:len(rows)] or len(rows) < len(filtered) - 1:
            raise Fail("the -- filter did not keep the rows:\n" + s)
        # Find in the page.
        t.send("/")
        t.wait_for(r"Find:")
        t.type("NEEDLE10")
        t.send("Enter")
        t.wait_for(r'"NEEDLE10" in row \d+, column name')

        # s on the rows: the structure, then the same rows again.
        rows, s = wait_rows(t, lambda r, sc: True, "the filtered rows")
        t.send("s")
        t.wait_for(r"Structure: zz13_tui\.comp")
        t.send("Escape")
        again, s = wait_rows(t, lambda r, sc: "WHERE score = 3" in sc, "the rows after s")
        if again != rows:
            raise Fail("after the structure the rows differ:\n" + s)
        t.send("Escape")
        t.wait_for(r"S I U D")
        t.resize(160, 60)
        t.wait_for(r"every\s+table")
        # every kind with its mark; the partitioned table's partitions folded under it
        s = t.wait_stable(r"parted\s+partitioned table \(2 partitions\)")
        for want in (r"\bcounter\s+sequence", r"\btouch\(\)\s+function",
                     r"\bcomp\s+table"):
            if not re.search(want, s):
                raise Fail("the table list lacks %r:\n%s" % (want, s))
        if "parted_2025" in s:
            raise Fail("a partition is listed beside its table:\n" + s)
        select_line(t, r"\bevery\s+table")
        t.send("s")
        s = t.wait_stable(r"Structure: zz13_tui\.every[\s\S]*Constraints")
        for want in (r"primary key\s+every_pkey: PRIMARY KEY \(id\)",
                     r"foreign key\s+every_ref: FOREIGN KEY \(ref_id\) REFERENCES",
                     r"-> zz13_tui\.ref \(id\) on update SET NULL, on delete CASCADE",
                     r"unique\s+qty_once: UNIQUE \(qty\)",
                     r"check\s+qty_positive: CHECK \(\(qty > 0\)\)",
                     r"exclusion\s+no_overlap: EXCLUDE USING gist \(during WITH &&\)",
                     r"identity always", r"big_qty · \d+ (bytes|kB)\s+CREATE INDEX big_qty .*WHERE",
                     r"every_touch \(origin\)", r"iam_rw_user\s+SELECT"):
            if not re.search(want, s):
                raise Fail("the structure lacks %r:\n%s" % (want, s))
        t.send("End")
        s = t.wait_for(r"DDL \(rebuilt from the catalog\)[\s\S]*CREATE TRIGGER every_touch")
        if 'CREATE TABLE "zz13_tui"."every" (' not in s:
            raise Fail("the DDL:\n" + s)
        t.send("q")
        t.wait_for(r"S I U D")

        # f follows the foreign key of the first column shown; Esc comes back.
        t.send("Enter")
        t.wait_for(r"rows · first page")
        t.send("Right")
        t.send("Right")
        t.wait_for(r"columns 3/4")
        for _ in range(3):
            t.send("Down")
        t.send("f")
        s = t.wait_stable(r"Browse: zz13_tui\.every → zz13_tui\.ref[\s\S]*\n\s*id\s*\n\s*27\s*\n")
        if not re.search(r"\n\s*27\s*\n\s*28\s*\n\s*29\s*\n\s*30\s*\n", s):
            raise Fail("f did not open ref at the row pointed at:\n" + s)
        t.send("Escape")
        s = t.wait_stable(r"Browse: zz13_tui\.every\s[\s\S]*columns 3/4[\s\S]*ref_id")
        if "→" in s.splitlines()[0] or not re.search(r"\n\s*id\s+qty\s+ref_id\s+during\s*\n\s*1\s+1\s+30\s", s):
            raise Fail("Esc did not come back to every's rows:\n" + s)
        t.send("Escape")
        t.wait_for(r"S I U D")
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()
        admin(env, "DROP SCHEMA IF EXISTS %s CASCADE" % Q)


if __name__ == "__main__":
    run(main)
