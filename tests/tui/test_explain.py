"""test_explain.py - EXPLAIN on the terminal (issue 12): Alt-Shift-E in the SQL editor on a
join shows the EXPLAIN ANALYZE tree (box-drawing lines, rows estimated → actual, loops,
the misestimates' text marks and the slowest node's, readable under NO_COLOR), Enter
shows a node's details; Alt-E is a plain EXPLAIN (estimates only); Alt-Shift-E on a DELETE asks
first, and 'n' runs nothing (the rows' xmax, which any DELETE sets even when rolled
back, is unchanged: a temporary table of the session's own, which no other test
touches), while 'y' runs it rolled back (xmax moved, every row still there);
inside the user's open transaction it runs in a savepoint and the transaction stays
open. Skipped (77) without PGIAM_SANDBOX_ENV."""
import re
import time

from tuilib import Fail, Tmux, run, sandbox_env

JOIN = "select a.name from customers a join customers b on b.age > a.age where a.age > 20"
# the rows' count and largest xmax: any DELETE of them sets it, even one rolled back
CHECK = "select '%s=' || count(*) || ':' || max(xmax::text::bigint) as probe from explain_t"


def prompt_again(t, text):
    # the SQL screen with the statement still in its prompt (nothing typed is lost)
    return t.wait_stable(r"(?m)^SQL> " + re.escape(text) + r"\s*$")


def run_sql(t, sql, until):
    # Enter runs only a statement ended by its ';' (psql's rule, issue 12)
    t.type(sql if sql.rstrip().endswith(";") else sql + ";")
    t.send("Enter")
    return t.wait_for(until)


def answer(t, key):
    time.sleep(0.3)   # a key that comes alone (not in one read with the one before)
    t.send(key)


def main():
    env = sandbox_env()
    env["TERM"] = "xterm-256color"
    env["NO_COLOR"] = "1"   # the marks must read without colour
    t = Tmux(140, 32)
    try:
        t.connect(env, "sandbox-rw")
        t.type(JOIN)
        t.send("M-E")
        # only the analyzed tree has an actual row count after the arrow and loops
        # (which node is slowest varies from run to run: its mark may follow any label)
        s = t.wait_stable(r"\u2514\u2500 Materialize !\d+x over[^\n]* +[\d.]+ +\d+ \u2192 3 \xd73 loops")
        for want in (r"(?m)^ Nested Loop !\d+x over ", r"\u251c\u2500 Seq Scan on customers b",
                     r"   \u2514\u2500 Seq Scan on customers a !\d+x over",
                     r"\u25c0 slowest", r"run inside BEGIN \u2026 ROLLBACK: nothing it did was kept",
                     r"time ms \(self\)", r"ms \(self [\d.]+\) hit \d+ read \d+"):
            if not re.search(want, s):
                raise Fail("the tree lacks %r:\n%s" % (want, s))
        if len(re.findall(r"\u25c0 slowest", s)) != 1:
            raise Fail("not exactly one slowest node:\n" + s)
        # Enter on the third node (Materialize): its details
        t.send("Down")
        t.send("Down")
        t.send("Enter")
        t.wait_for(r"Node: Materialize[\s\S]*Actual rows: 3 per loop, 3 loops[\s\S]*"
                   r"Time exclusive \(self\): [\d.]+ ms")
        t.send("Escape")
        t.wait_for(r"\u25c0 slowest")
        t.send("Escape")
        prompt_again(t, JOIN)

        # Alt-E: estimates only, nothing executed
        t.send("M-e")
        s = t.wait_stable(r"EXPLAIN: the planner's estimates; nothing was executed[\s\S]*"
                          r"Nested Loop +[\d.]+ +\d+ \(est\)")
        if "slowest" in s or " \u2192 " in s.split("node", 1)[1]:
            raise Fail("a plain EXPLAIN shows actual figures:\n" + s)
        t.send("Escape")
        prompt_again(t, JOIN)

        # a DELETE, of a temporary table of this session's own (no other test can touch
        # it): asked first; n runs nothing
        t.send("C-u")
        run_sql(t, "create temp table explain_t as select g from generate_series(1, 5) g",
                r"SELECT 5")
        run_sql(t, CHECK % "before", r"before=5:0\b")
        t.type("delete from explain_t")
        t.send("M-E")
        t.wait_for(r"EXPLAIN ANALYZE executes the statement: DELETE writes rows\. Run it "
                   r"inside BEGIN \u2026 ROLLBACK")
        answer(t, "n")
        prompt_again(t, "delete from explain_t")
        # a DELETE sent anyway, even rolled back, would have set the rows' xmax
        t.send("C-u")
        run_sql(t, CHECK % "after_n", r"after_n=5:0\b")
        # y: it runs, rolled back
        t.type("delete from explain_t")
        t.send("M-E")
        t.wait_for(r"DELETE writes rows")
        answer(t, "y")
        t.wait_stable(r"(?m)^ Delete on explain_t[^\n]* +[\d.]+ +\d+ \u2192 0 [\s\S]*"
                      r"\u2514\u2500 Seq Scan on explain_t[^\n]* +[\d.]+ +\d+ \u2192 5 ")
        t.send("Escape")
        prompt_again(t, "delete from explain_t")
        t.send("C-u")
        run_sql(t, CHECK % "after_y", r"after_y=5:[1-9]\d*\b")

        # inside the user's transaction: a savepoint, and the transaction stays open
        run_sql(t, "begin", r"in transaction")
        t.type("delete from explain_t")
        t.send("M-E")
        t.wait_for(r"inside a SAVEPOINT of your open transaction")
        answer(t, "y")
        t.wait_stable(r"SAVEPOINT pgiam_explain \u2026 ROLLBACK TO SAVEPOINT in your open "
                      r"transaction[\s\S]*Delete on explain_t")
        t.send("Escape")
        prompt_again(t, "delete from explain_t")
        t.send("C-u")
        run_sql(t, "select 'in_txn=' || count(*) as probe from explain_t", r"in_txn=5\b")
        t.wait_for(r"in transaction")
        run_sql(t, "rollback", r"ROLLBACK")
        t.wait_for(r"in transaction", absent=True)
        t.check_sanitizers()
    finally:
        t.kill()


run(main)
