"""test_sql_queue.py - a statement run while pgiam's own read holds the connection waits
for it, then runs (issue 12: nothing the user typed is lost; it was refused with "a
query is running"). In the workbench at 160x45: Enter on a view that is slow to read
(pg_sleep, in a schema of the test's own) starts the rows pane's read on the user's
connection; in the SQL editor pane a statement run then says it is queued behind
pgiam's own read, and its result (a value only the server's concatenation makes)
shows once the read ended. A second time, Esc while it waits drops it: the read is
cancelled and the statement never runs (its marker never reaches the screen; a
statement after it runs). Keys typed in the rows pane while it reads are kept and
acted on once the read ended (PgDn typed during a slow view's first page shows its
second page). Skipped (77) without PGIAM_SANDBOX_ENV."""
import re

from tuilib import Fail, admin_sql, run, sandbox_env, tree_select, Tmux

S = "zz_sqlqueue"   # after public: the tree opens public, the first usable schema


def open_slow(t):
    """Enter on the slow view from the tree, the focus then in the SQL editor pane
    while the rows pane still reads."""
    tree_select(t, r"^%s\.slowv · " % S)
    t.send("Enter")
    t.wait_for(r"reading…")
    t.send("Tab")
    t.wait_for(r"▶ Rows")
    t.send("Tab")
    t.wait_for(r"▶ SQL editor")


def main():
    env = sandbox_env()
    admin_sql(env, """
DROP SCHEMA IF EXISTS {s} CASCADE; CREATE SCHEMA {s};
CREATE VIEW {s}.slowv AS SELECT n, pg_sleep(2) IS NULL AS slept FROM generate_series(1, 3) n;
CREATE VIEW {s}.pagedv AS SELECT n, pg_sleep(0.03) IS NULL AS slept FROM generate_series(1, 500) n;
GRANT USAGE ON SCHEMA {s} TO iam_ro_user;
GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO iam_ro_user;
""".format(s=S))
    t = Tmux(160, 45)
    try:
        t.connect(env, "sandbox-ro", ready=r"READ-ONLY", editor=False)
        t.wait_stable(r"▶ Tree")
        tree_select(t, r"^schema %s · " % S)
        t.send("Right")
        t.wait_stable(r"▾ %s[\s\S]*slowv" % S)

        open_slow(t)
        t.type("select 'queued' || '-' || 'ran' AS q1;")
        t.send("Enter")
        s = t.wait_for(r"queued: it runs when pgiam's own read on the connection ends|"
                       r"a query is running")
        if "a query is running" in s:
            raise Fail("the statement was refused while pgiam's own read ran:\n" + s)
        t.wait_for(r"\bqueued-ran\b")

        # Esc while it waits: the read is cancelled and the statement dropped. r in the
        # rows pane reads the view again (settled first: the SQL result replaced the
        # page, so the pane reads it again by itself)
        t.send("BTab")
        t.wait_stable(r"▶ Rows[\s\S]*│\s*3\s+false")
        t.send("r")
        t.wait_for(r"reading…")
        t.send("Tab")
        t.wait_for(r"▶ SQL editor")
        t.type("select 'dropped' || '-' || 'never' AS q2;")
        t.send("Enter")
        t.wait_for(r"queued: it runs when pgiam's own read on the connection ends")
        t.send("Escape")
        t.wait_for(r"cancel asked: 1 queued statement was not run")
        # the connection free again: a statement of its own runs, the dropped one did not
        t.type("select 'after' || '-' || 'drop' AS q3;")
        t.send("Enter")
        s = t.wait_for(r"\bafter-drop\b")
        if "dropped-never" in s:
            raise Fail("the dropped statement ran:\n" + s)
        # keys typed while the rows pane reads are kept and acted on once it ended:
        # PgDn typed during the first page's read shows the second page
        t.send("BTab")
        t.wait_for(r"▶ Rows")
        t.send("BTab")
        t.wait_for(r"▶ Tree")
        tree_select(t, r"^%s\.pagedv · " % S)
        t.send("Enter")
        t.wait_for(r"reading…")
        t.send("Tab")
        t.wait_for(r"▶ Rows")
        t.send("NPage")
        s = t.wait_stable(r"Rows: %s\.pagedv[\s\S]*│ \d+ rows · paged by offset" % S)
        first = re.search(r"│ \d+ rows[^\n]*\n[^\n]*\n[^\n]*\n[^│\n]*│\s*(\d+)\s", s)
        if not first or int(first.group(1)) < 10:
            raise Fail("PgDn typed during the read did not show the next page:\n" + s)
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()
        admin_sql(env, "DROP SCHEMA IF EXISTS %s CASCADE" % S)



run(main)
