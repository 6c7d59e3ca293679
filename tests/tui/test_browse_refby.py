"""test_browse_refby.py - issue 13's "referenced by" in the terminal, against the
sandbox, in a schema of its own (zz13_refby, after public; dropped at the end): `R` on
a row of parent lists the tables whose foreign keys point at it, each with the rows
that point at THIS row: kids (an index on parent_id) counted exactly (the admin's
count), and "1000+" for the row that 1,500 kids point at; noidx (no index, 4 MB)
estimated with "~" and "no index on (pcode)"; secret (no SELECT for the role) "?" and
why; pairs (a two-column key, its index in the other order) counted. Enter on kids opens it filtered to the rows of that parent (the title shows the
way, the filter is shown), PgDn pages through them and shows each exactly once, and
Esc comes back to parent's rows with the same row selected; the same in the
workbench's rows pane. q on the list without
choosing brings the same rows back (Esc too). The same counts from the command line: `pgiam
browse --referenced-by --key 3`. Skipped (77) without PGIAM_SANDBOX_ENV."""
import json
import re
import subprocess
import time

from tuilib import BIN, TIMEOUT, Fail, run, sandbox_env, select_line, tree_select, Tmux

S = "zz13_refby"
KIDS3 = 70   # kids of parent 3: about three pages at 100x30


def admin(env, sql):
    r = subprocess.run(["psql", env["PGIAM_SANDBOX_ADMIN"], "-v", "ON_ERROR_STOP=1",
                        "-qAtc", sql], capture_output=True, text=True)
    if r.returncode:
        raise Fail("admin SQL failed: %s\n%s" % (sql, r.stderr))
    return r.stdout.strip()


def prepare(env):
    admin(env, """
DROP SCHEMA IF EXISTS {s} CASCADE; CREATE SCHEMA {s};
CREATE TABLE {s}.parent (id int PRIMARY KEY, code text UNIQUE, name text);
INSERT INTO {s}.parent SELECT x, 'c' || x, 'parent ' || x FROM generate_series(1, 5) x;
CREATE TABLE {s}.kids (id int PRIMARY KEY, parent_id int REFERENCES {s}.parent, note text);
CREATE INDEX ON {s}.kids (parent_id);
INSERT INTO {s}.kids SELECT x, 1, 'kid ' || x FROM generate_series(1, 1500) x;
INSERT INTO {s}.kids SELECT 10000 + x * 7, 3, 'kid of 3 #' || x FROM generate_series(1, {k}) x;
INSERT INTO {s}.kids VALUES (5, 2, 'kid of 2') ON CONFLICT DO NOTHING;
CREATE TABLE {s}.noidx (id int PRIMARY KEY, pcode text REFERENCES {s}.parent (code), pad text);
INSERT INTO {s}.noidx SELECT x, 'c' || (1 + x % 5), repeat('x', 200) FROM generate_series(1, 20000) x;
CREATE TABLE {s}.secret (id int PRIMARY KEY, parent_id int REFERENCES {s}.parent);
ALTER TABLE {s}.parent ADD UNIQUE (id, code);
CREATE TABLE {s}.pairs (id int PRIMARY KEY, pid int, pcode text,
  FOREIGN KEY (pid, pcode) REFERENCES {s}.parent (id, code));
CREATE INDEX ON {s}.pairs (pcode, pid);
INSERT INTO {s}.pairs SELECT x, 3, 'c3' FROM generate_series(1, 9) x;
INSERT INTO {s}.pairs SELECT 100 + x, 3, NULL FROM generate_series(1, 4) x;
ANALYZE {s}.noidx; ANALYZE {s}.kids;
GRANT USAGE ON SCHEMA {s} TO readonly_role;
GRANT SELECT ON {s}.parent, {s}.kids, {s}.noidx, {s}.pairs TO readonly_role;
""".format(s=S, k=KIDS3))


KID = re.compile(r"^\s*(\d+)\s+3\s+kid of 3 #\d+\s*$")


def kids_of(screen):
    return [int(m.group(1)) for m in (KID.match(l) for l in screen.splitlines()) if m]


def wait_kids(t, pred, what):
    deadline = time.monotonic() + TIMEOUT
    prev, s = None, ""
    while time.monotonic() < deadline:
        s = t.screen()
        ids = kids_of(s)
        if s == prev and "reading" not in s and ids and pred(ids, s):
            return ids, s
        prev = s
        time.sleep(0.05)
    raise Fail("timed out waiting for %s; screen was:\n%s" % (what, s))


def refby_line(s, table):
    m = re.search(r"(?m)^\s*(\S+)\s+%s\.%s \(\w+\) · (\w+) · (.*)$" % (S, table), s)
    if not m:
        raise Fail("no line for %s in the referenced-by list:\n%s" % (table, s))
    return m.group(1), m.group(3)


def cli(env, key):
    r = subprocess.run([BIN, "browse", "--profiles", env["PGIAM_SANDBOX_PROFILES"],
                        "--profile", "sandbox-ro", "--schema", S, "--table", "parent",
                        "--referenced-by", "--key", key], capture_output=True, text=True,
                       env=env)
    if r.returncode:
        raise Fail("pgiam browse --referenced-by: %d\n%s%s" % (r.returncode, r.stdout, r.stderr))
    return {o["table"]: o for o in map(json.loads, r.stdout.splitlines())}






def in_workbench(env):
    """R in the workbench's rows pane (after connecting): the same list, Enter opens
    kids filtered in the pane with the way in its title, Esc comes back to parent."""
    t = Tmux(160, 45)
    try:
        t.connect(env, "sandbox-ro", ready=r"READ-ONLY", editor=False)
        t.wait_stable(r"▶ Tree")
        tree_select(t, r"^schema %s · " % S)
        t.send("Right")
        t.wait_stable(r"▾ %s[\s\S]*secret" % S)
        tree_select(t, r"^%s\.parent · " % S)
        t.send("Enter")
        t.wait_stable(r"Rows: %s\.parent[\s\S]*parent 5" % S)
        t.send("Tab")
        t.wait_for(r"▶ Rows")
        t.send("Down")
        t.send("Down")
        t.send("R")
        t.wait_stable(r"Referenced by: %s\.parent id = 3[\s\S]*\.secret \(" % S)
        t.send("Enter")
        t.wait_stable(r"▶ Rows: %s\.parent → %s\.kids[\s\S]*kid of 3 #1\b" % (S, S))
        t.send("Escape")
        t.wait_stable(r"▶ Rows: %s\.parent · [\s\S]*parent 5" % S)
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()


def main():
    env = sandbox_env()
    prepare(env)
    want3 = int(admin(env, "SELECT count(*) FROM %s.kids WHERE parent_id = 3" % S))
    ids3 = [int(x) for x in admin(env, "SELECT id FROM %s.kids WHERE parent_id = 3 ORDER BY id"
                                  % S).split()]
    t = Tmux(100, 30)
    try:
        t.connect(env, "sandbox-ro", ready=r"READ-ONLY")
        t.send("F5")
        t.wait_for(r"public\s+\d+ tables")
        select_line(t, r"^\s*%s\s" % S)
        t.send("Enter")
        t.wait_for(r"S I U D")
        select_line(t, r"\bparent\s+table")
        t.send("Enter")
        t.wait_stable(r"rows · first page[\s\S]*\n\s*5\s+c5\s+parent 5")
        t.send("Down")
        t.send("Down")
        t.send("R")
        s = t.wait_stable(r"Referenced by: %s\.parent id = 3[\s\S]*" % S +
                          r"\n\s*\d+\s+%s\.kids \(parent_id\)[\s\S]*\.secret \(" % S)
        count, why = refby_line(s, "kids")
        if count != str(want3) or "counted on the index on (parent_id)" not in why:
            raise Fail("kids: %s (%s), want %d counted on the index:\n%s" % (count, why, want3, s))
        count, why = refby_line(s, "noidx")
        if not re.match(r"~\d+$", count) or "no index on (pcode)" not in why:
            raise Fail("noidx is not an estimate for want of an index:\n" + s)
        # a two-column key, counted on an index of its columns in another order
        # (MATCH SIMPLE: the rows with a NULL pcode point at nothing)
        m = re.search(r"(?m)^\s*(\S+)\s+%s\.pairs \(pid, pcode\) · \w+ · (.*)$" % S, s)
        if not m or m.group(1) != "9" or not m.group(2).startswith("counted on the index on (pid"):
            raise Fail("pairs is not counted on its index:\n" + s)
        count, why = refby_line(s, "secret")
        if count != "?" or "no SELECT" not in why:
            raise Fail("secret is not unknown for want of SELECT:\n" + s)

        # the selected key's reason whole under the list, and what Enter opens
        t.send("Down")
        t.wait_for(r"%s\.noidx: no index on \(pcode\)[\s\S]*estimated\s+\(rows per value" % S)
        t.wait_for(r"Enter opens %s\.noidx WHERE t\.\"pcode\" = 'c3'" % S)
        t.send("Up")
        t.wait_for(r"Enter opens %s\.kids WHERE" % S)
        # Enter on kids (the first line): its rows that point at parent 3, paged.
        t.send("Enter")
        t.wait_for(r"Browse: %s\.parent → %s\.kids" % (S, S))
        ids, s = wait_kids(t, lambda i, sc: "WHERE t.\"parent_id\" = '3'" in sc,
                           "kids of parent 3")
        seen = list(ids)
        while "· last page" not in s:
            before = ids[0]
            t.send("NPage")
            ids, s = wait_kids(t, lambda i, sc: i[0] != before, "the next page of kids")
            seen += ids
        if seen != ids3:
            raise Fail("the kids of parent 3 paged are not each row once:\n%r\n%r" % (seen, ids3))

        # Esc: parent again, on the same row.
        t.send("Escape")
        s = t.wait_stable(r"Browse: %s\.parent\s[\s\S]*\n\s*5\s+c5\s+parent 5" % S)
        if "→" in s.splitlines()[0]:
            raise Fail("Esc did not come back to parent:\n" + s)
        t.send("R")
        s = t.wait_stable(r"Referenced by: %s\.parent id = 3[\s\S]*\n\s*\d+\s+%s\.kids" % (S, S))
        # q (as the hint line says) without choosing: the same rows, no breadcrumb
        t.send("q")
        s = t.wait_stable(r"Browse: %s\.parent\s[\s\S]*\n\s*5\s+c5\s+parent 5" % S)
        if "→" in s.splitlines()[0]:
            raise Fail("Esc on the list left a breadcrumb:\n" + s)
        # The row that 1,500 kids point at: capped.
        t.send("Home")
        t.send("Up")
        t.send("Up")
        t.send("R")
        s = t.wait_stable(r"Referenced by: %s\.parent id = 1[\s\S]*\n\s*1000\+\s+%s\.kids" % (S, S))
        t.send("Escape")
        t.wait_stable(r"Browse: %s\.parent\s[\s\S]*\n\s*5\s+c5\s+parent 5" % S)
        t.send("Escape")
        t.wait_for(r"S I U D")
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()

        in_workbench(env)

        # The command line counts the same way.
        got = cli(env, "3")
        if got["kids"]["count"] != want3 or got["kids"]["count_is"] != "exact" or \
                got["kids"]["where"] != "t.\"parent_id\" = '3'":
            raise Fail("--referenced-by kids: %r" % got["kids"])
        if got["noidx"]["count_is"] != "estimate" or got["secret"]["count_is"] != "unknown":
            raise Fail("--referenced-by noidx, secret: %r %r" % (got["noidx"], got["secret"]))
        if got["pairs"]["where"] != "t.\"pid\" = '3' AND t.\"pcode\" = 'c3'" or \
                got["pairs"]["count"] != 9:
            raise Fail("--referenced-by pairs: %r" % got["pairs"])
        r = subprocess.run([BIN, "browse", "--profiles", env["PGIAM_SANDBOX_PROFILES"],
                            "--profile", "sandbox-ro", "--schema", S, "--table", "parent",
                            "--referenced-by"], capture_output=True, text=True, env=env)
        if r.returncode != 2 or "needs the row's key: 1 --key" not in r.stderr:
            raise Fail("--referenced-by without --key: %d %r" % (r.returncode, r.stderr))
        got = cli(env, "1")
        if got["kids"]["count_is"] != "at_least" or got["kids"]["count"] != 1000:
            raise Fail("--referenced-by kids of 1: %r" % got["kids"])
    finally:
        t.kill()
        admin(env, "DROP SCHEMA IF EXISTS %s CASCADE" % S)


if __name__ == "__main__":
    run(main)
