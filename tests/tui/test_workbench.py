"""test_workbench.py - issue 13's workbench in the terminal, against the sandbox.

At 160x45, after connecting: the schema tree (public unfolded, its tables with their
marks and S I U D), the rows pane and the SQL editor pane show side by side, the tree
focused (its title marked). A schema of the test's own unfolds with Right: every
relation kind has its mark (table, part, view, mview, seq, func), the partitioned
table's partitions are folded under it, Right shows them (deeper), Left folds them
again. `/` narrows the tree to the one table whose name holds the text, as it is
typed, and Esc brings every entry back. Enter on a table shows its rows in the rows
pane while the tree keeps the focus. Tab, Shift-Tab and Ctrl-W then an arrow move the
focus (the title mark follows) and keys go to the focused pane only: `/` in the rows
pane is its find prompt, not the tree's filter; `s` in the tree shows the selected
table's structure; the rows stay when a read of the tree replaced the result that
held them (read again); typed SQL in the editor pane runs
there and the tree and rows stay as they were.

At 80x24 the panes stack: one shows at a time, its title says which and that Tab
switches; Tab goes tree -> rows -> SQL editor -> tree, and the editor runs SQL.
Skipped (77) without PGIAM_SANDBOX_ENV."""
import re
import subprocess

from tuilib import Fail, run, sandbox_env, tree_select, Tmux

S = "zz13_wb"   # after public: the tree opens public, the first usable schema


def admin(env, sql):
    r = subprocess.run(["psql", "-X", env["PGIAM_SANDBOX_ADMIN"], "-v", "ON_ERROR_STOP=1",
                        "-qAtc", sql], capture_output=True, text=True)
    if r.returncode:
        raise Fail("admin SQL failed: %s\n%s" % (sql, r.stderr))
    return r.stdout.strip()


def prepare(env):
    admin(env, """
DROP SCHEMA IF EXISTS {s} CASCADE; CREATE SCHEMA {s};
CREATE TABLE {s}.wb_alpha (id int PRIMARY KEY, v text);
INSERT INTO {s}.wb_alpha SELECT x, 'alpha-row-' || x FROM generate_series(1, 5) x;
CREATE TABLE {s}.wb_beta (id int PRIMARY KEY);
CREATE TABLE {s}.wb_parted (id int, d date) PARTITION BY RANGE (d);
CREATE TABLE {s}.wb_parted_p1 PARTITION OF {s}.wb_parted FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE {s}.wb_parted_p2 PARTITION OF {s}.wb_parted FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE VIEW {s}.wb_view AS SELECT 1 AS one;
CREATE MATERIALIZED VIEW {s}.wb_mview AS SELECT 1 AS one;
CREATE SEQUENCE {s}.wb_seq;
CREATE FUNCTION {s}.wb_fn() RETURNS int LANGUAGE sql AS 'SELECT 1';
GRANT USAGE ON SCHEMA {s} TO iam_ro_user;
GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO iam_ro_user;
""".format(s=S))


def tree_part(screen):
    """The tree pane's lines (left of the separator), side by side."""
    return "\n".join(l.split("│")[0] for l in screen.splitlines()[2:])






def wide(env):
    t = Tmux(160, 45)
    try:
        s = t.connect(env, "sandbox-ro", editor=False)
        # the three panes, the tree focused, public unfolded with its tables
        s = t.wait_stable(r"▶ Tree[^\n]*│\s+Rows[\s\S]*▾ public[\s\S]*customers\s+table\s+S---"
                          r"[\s\S]*SQL editor[\s\S]*SQL>")
        line = next(l for l in s.splitlines() if re.search(r"customers\s+table", l))
        if "│" not in line:
            raise Fail("the tree is not beside the rows pane:\n" + s)
        if re.search(r"▶ (Rows|SQL editor)", s):
            raise Fail("another pane is marked focused:\n" + s)
        # the test's schema: every kind with its mark, the partitions folded
        tree_select(t, r"^schema %s · " % S)
        t.send("Right")
        s = t.wait_stable(r"▾ %s[\s\S]*wb_seq\s+seq" % S)
        tree = tree_part(s)
        for name, mark in (("wb_alpha", "table"), ("wb_parted", "part"), ("wb_view", "view"),
                           ("wb_mview", "mview"), ("wb_seq", "seq"), (r"wb_fn\(\)", "func")):
            if not re.search(r"%s\s+%s\s" % (name, mark), tree):
                raise Fail("%s is not marked %s:\n%s" % (name, mark, s))
        if not re.search(r"▸ wb_parted\s", tree) or "wb_parted_p1" in s:
            raise Fail("the partitioned table is not folded with its partitions:\n" + s)
        tree_select(t, r"^%s\.wb_parted · partitioned table \(2 partitions\)" % S)
        t.send("Right")
        s = t.wait_stable(r"▾ wb_parted[\s\S]*wb_parted_p1\s+table[\s\S]*wb_parted_p2\s+table")
        parent = next(l for l in s.splitlines() if "▾ wb_parted" in l)
        child = next(l for l in s.splitlines() if "wb_parted_p1" in l)
        if child.index("wb_parted_p1") <= parent.index("wb_parted"):
            raise Fail("the partitions are not under their table:\n" + s)
        t.send("Left")
        t.wait_for(r"wb_parted_p1", absent=True)
        t.wait_for(r"▸ wb_parted\s")

        # the filter narrows to the one table as typed; Esc brings the tree back
        t.send("/")
        t.wait_for(r"(?m)^/\s+\(Enter keeps")
        t.type("alph")
        s = t.wait_stable(r"(?m)^/alph\s[\s\S]*wb_alpha\s+table")
        tree = tree_part(s)
        for gone in ("customers", "wb_beta", "wb_parted", "wb_view", "pg_catalog"):
            if gone in tree:
                raise Fail("the filter left %s in the tree:\n%s" % (gone, s))
        t.send("Escape")
        s = t.wait_stable(r"▾ public[\s\S]*customers[\s\S]*wb_beta")
        if re.search(r"(?m)^/alph", s):
            raise Fail("Esc did not clear the filter:\n" + s)

        # Enter on a table: its rows on the right, the tree keeps the focus
        tree_select(t, r"^%s\.wb_alpha · table" % S)
        t.send("Enter")
        s = t.wait_stable(r"Rows: %s\.wb_alpha[\s\S]*alpha-row-5" % S)
        line = next(l for l in s.splitlines() if "alpha-row-3" in l)
        if line.index("alpha-row-3") < line.index("│"):
            raise Fail("the rows are not in the rows pane:\n" + s)
        if "▶ Tree" not in s:
            raise Fail("the tree lost the focus on Enter:\n" + s)
        # s in the tree: the table's structure; Esc: the same rows, the tree focused
        t.send("s")
        t.wait_for(r"pgiam · Structure: %s\.wb_alpha[\s\S]*Columns[\s\S]*v\s+text" % S)
        t.send("Escape")
        t.wait_stable(r"▶ Tree[\s\S]*Rows: %s\.wb_alpha[\s\S]*alpha-row-5" % S)

        # a read of the tree replaces pgiam's own result that held the page: the rows
        # pane reads its page again
        tree_select(t, r"^schema information_schema · ")
        t.send("Right")
        t.wait_for(r"▾ information_schema")
        t.wait_stable(r"(?=[\s\S]*▾ information_schema)Rows: %s\.wb_alpha[\s\S]*alpha-row-5"
                      % S)
        t.send("Left")
        t.wait_for(r"▸ information_schema")
        tree_select(t, r"^%s\.wb_alpha · table" % S)
        # Tab: the rows pane; its `/` is its own find, not the tree's filter
        t.send("Tab")
        t.wait_for(r"▶ Rows: %s\.wb_alpha" % S)
        t.send("/")
        t.wait_for(r"pgiam · Find in the page")
        t.send("Escape")
        s = t.wait_stable(r"▶ Rows: %s\.wb_alpha[\s\S]*alpha-row-5" % S)
        if re.search(r"(?m)^/", s):
            raise Fail("the tree took a key sent to the rows pane:\n" + s)
        # Ctrl-W Down: the editor; typed SQL runs there, nothing else moves
        t.send("C-w")
        t.send("Down")
        t.wait_for(r"▶ SQL editor")
        t.type("select 'typed' || '-in-' || 'editor' AS wbcol;")
        t.send("Enter")
        s = t.wait_stable(r"typed-in-editor[\s\S]*1 row")
        if not re.search(r"Rows: %s\.wb_alpha[\s\S]*alpha-row-5" % S, s) or \
                "pgiam · Structure" in s:
            raise Fail("keys typed in the editor reached another pane:\n" + s)
        # Ctrl-W Up: the tree; Ctrl-W Right: the rows; Shift-Tab: the tree again
        t.send("C-w")
        t.send("Up")
        t.wait_for(r"▶ Tree")
        t.send("C-w")
        t.send("Right")
        t.wait_for(r"▶ Rows")
        t.send("BTab")
        t.wait_for(r"▶ Tree")
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()


def narrow(env):
    t = Tmux(80, 24)
    try:
        t.connect(env, "sandbox-ro", editor=False)
        s = t.wait_stable(r"▶ Tree · pane 1/3 · Tab: Rows[\s\S]*▾ public[\s\S]*customers")
        body = "\n".join(s.splitlines()[2:-3])   # under the pane title, above the status bar
        if "SQL>" in body or "Rows" in body or "│" in body:
            raise Fail("more than one pane shows at 80x24:\n" + s)
        t.send("Tab")
        s = t.wait_stable(r"▶ Rows · pane 2/3 · Tab: SQL editor")
        if "▾ public" in s or "SQL>" in s:
            raise Fail("the tree or the editor still shows with the rows pane:\n" + s)
        t.send("Tab")
        s = t.wait_stable(r"▶ SQL editor · pane 3/3 · Tab: Tree[\s\S]*SQL>")
        if "▾ public" in s:
            raise Fail("the tree still shows with the editor:\n" + s)
        t.type("select 40 + 2 AS narrow_answer;")
        t.send("Enter")
        t.wait_for(r"narrow_answer[\s\S]*\b42\b")
        t.send("Tab")
        t.wait_stable(r"▶ Tree · pane 1/3[\s\S]*▾ public")
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()


def main():
    env = sandbox_env()
    prepare(env)
    try:
        wide(env)
        narrow(env)
    finally:
        admin(env, "DROP SCHEMA IF EXISTS %s CASCADE" % S)


run(main)
