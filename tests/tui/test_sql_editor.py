"""test_sql_editor.py - the SQL editor's buffer with scripts, against the sandbox (issue
12), as iam_rw_user (sandbox-rw) in a schema of the test's own (created by the admin,
CREATE granted to the user, dropped at the end; its name holds the test's pid, so tests
running beside it never share it, and it sorts after public).

(a) A pasted script of three statements, the first a CREATE FUNCTION whose
    dollar-quoted body holds ';' (in code and in a comment beside a quote and a $1):
    the paste runs nothing (checked as the admin). Enter sends the buffer as one query
    (the server splits it): each statement's result is a tab, those without rows
    with their tag. Pasted again, Alt-X runs the three as three statements in order
    (the second calls the function the first created, the third reads the table the
    second made), the body not cut at its ';': the tabs name all three (1: CREATE
    FUNCTION, 2: SELECT 1, 3: SELECT 1), F6 then Tab shows each, those without rows
    with their tag and time; the buffer stays as pasted. F9 with the cursor inside
    the body runs the statement under it, the whole CREATE OR REPLACE FUNCTION.
    Then a script behind a first statement read through a cursor (5,000 rows: its
    cursor stays open, and closing it takes two seconds, a deferred trigger's, at
    pgiam's COMMIT): the second statement runs too (it used to be replaced by the
    third while it waited), each result a tab, the cursor's the rows read with a
    note; the connection cut during that close fails the waiting statement as not
    sent, and it never runs later (nor is it in the history, which keeps what
    reached the server).
(b) A 100 KB statement (1,024 lines in a dollar-quoted literal) pasted in one
    bracketed paste runs with F9; its result shows the length and md5 the server
    computed, the same as the test's; after the run the buffer is byte for byte what
    was pasted (F10 keeps it as the profile's draft, read back from the state
    directory).
(c) An error inside a multi-line statement is marked in the buffer itself on the
    right line and column (the cell's background, read from tmux's escapes): run
    with Enter (the cleared buffer comes back whole, the mark on line 3 at the
    unknown column), and as the second statement of a buffer run with Alt-X (the
    mark counts from that statement's offset: line 4 of the buffer); the buffer
    survives both, every line as it was.
Skipped (77) without PGIAM_SANDBOX_ENV."""
import hashlib
import json
import os
import re
import time

from tuilib import (TIMEOUT, Fail, Tmux, admin_sql, run, sandbox_env, styled_rows,
                    tempdir)

SCHEMA = "zz_sqled_%d" % os.getpid()
PROFILE = "sandbox-rw"
EMPTY = r"(?m)^SQL>\s*$"
GUTTER = 5   # "SQL> " and the line numbers before the text

SCRIPT = """CREATE FUNCTION {s}.twice(x int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  x := x * 2;  -- a ';' ends no statement in here; nor does 'it''s;' or $1;
  RETURN x;
END;
$$;
CREATE TABLE {s}.ran AS SELECT {s}.twice(21) AS v, 'second' AS w;
SELECT v, w || ' then third' AS w FROM {s}.ran;""".format(s=SCHEMA)


def paste(t, text):
    """A bracketed paste, as a terminal sends one (tmux wraps it in ESC[200~ … ESC[201~
    and sends newlines as CR); from a file: tmux takes a ';' ending an argument as a
    command separator."""
    path = os.path.join(tempdir(), "paste")
    with open(path, "w") as f:
        f.write(text)
    t.tmux("load-buffer", "-b", "p", path)
    t.tmux("paste-buffer", "-p", "-b", "p", "-t", "t")


def editor_lines(screen):
    """The editor's rows on a screen: {line number: text} (the gutter cut off)."""
    out = {}
    for row in screen.splitlines():
        m = re.match(r"^(SQL> |\s{0,3}(\d+) )(.*)$", row)
        if m and (m.group(1) == "SQL> " or len(m.group(1)) == GUTTER):
            out[1 if m.group(1) == "SQL> " else int(m.group(2))] = m.group(3).rstrip()
    return out


def buffer_shown(t, text):
    """Waits until the editor shows text, line by line (a buffer that fits)."""
    want = dict(enumerate(text.split("\n"), 1))
    rx = r"(?m)^SQL> " + re.escape(want[1])
    s = None
    for _ in range(3):
        s = t.wait_stable(rx)
        if editor_lines(s) == want:
            return s
    raise Fail("the buffer is not as it was:\n%s\nwanted:\n%s" % (s, text))


def error_mark(t, what):
    """The buffer position (line, 0-based column) of the error mark: waits for one red
    cell on an editor row (and fails on more than one)."""
    deadline = time.monotonic() + TIMEOUT
    plain = ""
    while time.monotonic() < deadline:
        rows = styled_rows(t.screen(escapes=True))
        plain = "\n".join("".join(c for c, _ in row) for row in rows)
        marks = []
        for row in rows:
            text = "".join(c for c, _ in row)
            m = re.match(r"^(SQL> |\s{0,3}(\d+) )", text)
            if not m or len(m.group(1)) != GUTTER:
                continue
            for x, (_, bg) in enumerate(row):
                if x >= GUTTER and bg in (1, 9):   # red: colors.c's SQL_ERROR_MARK
                    marks.append((1 if m.group(1) == "SQL> " else int(m.group(2)), x - GUTTER))
        if len(marks) == 1:
            return marks[0]
        if len(marks) > 1:
            raise Fail("%s: more than one marked cell %s:\n%s" % (what, marks, plain))
        time.sleep(0.05)
    raise Fail("%s: no error mark in the buffer:\n%s" % (what, plain))


def schema_objects(env):
    """What the script makes: "ran table/twice function" counts."""
    return admin_sql(env, "SELECT (to_regclass('{s}.ran') IS NOT NULL)::int || '/' || "
                     "(SELECT count(*) FROM pg_proc WHERE proname = 'twice' AND "
                     "pronamespace = '{s}'::regnamespace)".format(s=SCHEMA)).strip()


def proc_xmin(env):
    return admin_sql(env, "SELECT xmin FROM pg_proc WHERE pronamespace = '%s'::"
                     "regnamespace" % SCHEMA).strip()


def script_by_enter(t, env):
    """(a) with Enter: the buffer (complete: it ends with ';') goes as one query, which
    the server splits; each statement's result is a tab too, those without rows with
    their tag. The objects made are dropped for the Alt-X run."""
    paste(t, SCRIPT)
    s = buffer_shown(t, SCRIPT)
    t.wait_for(r"pasted 8 lines as one edit")
    if schema_objects(env) != "0/0" or re.search(r"CREATE FUNCTION|running", s.split(
            "SQL>")[0]):
        raise Fail("the paste ran something (%s objects):\n%s" % (schema_objects(env), s))
    t.send("Enter")
    t.wait_for(r"1: CREATE FUNCTION\s+2: SELECT 1\s+3: SELECT 1")
    t.wait_stable(r"42\s+second then third")
    t.wait_for(EMPTY)   # run and cleared (Up recalls it)
    if schema_objects(env) != "1/1":
        raise Fail("Enter did not run the script (%s objects)" % schema_objects(env))
    t.send("F6")
    t.wait_stable(r"Tab next result[\s\S]*42\s+second then third")
    t.send("Tab")
    t.wait_stable(r"(?m)^\s*CREATE FUNCTION\s*$")
    t.send("Tab")
    t.wait_stable(r"(?m)^\s*SELECT 1\s*$")
    t.send("Escape")
    t.wait_for(r"F9 runs")
    admin_sql(env, "DROP TABLE {s}.ran; DROP FUNCTION {s}.twice(int)".format(s=SCHEMA))
    # a result of one set, so the Alt-X run's tabs are its own
    t.type("SELECT 'between the runs' AS b;")
    t.send("Enter")
    s = t.wait_stable(r"(?m)^ *between the runs *$")
    if "1: CREATE FUNCTION" in s:
        raise Fail("the script's tabs outlive the next statement:\n" + s)
    t.wait_for(EMPTY)


def script_runs(t, env):
    """(a)"""
    paste(t, SCRIPT)
    s = buffer_shown(t, SCRIPT)
    t.wait_for(r"pasted 8 lines as one edit")
    if schema_objects(env) != "0/0" or "running" in s:
        raise Fail("the paste ran something (%s objects):\n%s" % (schema_objects(env), s))
    t.send("M-x")   # Alt-X: every statement of the buffer
    s = t.wait_for(r"1: CREATE FUNCTION\s+2: SELECT 1\s+3: SELECT 1")
    s = t.wait_stable(r"42\s+second then third")
    if admin_sql(env, "SELECT %s.twice(5)" % SCHEMA).strip() != "10":
        raise Fail("the function is not the whole body as written")
    if admin_sql(env, "SELECT v || w FROM %s.ran" % SCHEMA).strip() != "42second":
        raise Fail("the second statement did not run after the first")
    if re.search(r"statement \d of \d failed|ERROR", s):
        raise Fail("a statement of the script failed:\n" + s)
    buffer_shown(t, SCRIPT)
    # each result: F6, then Tab through the sets (the last shown first)
    t.send("F6")
    t.wait_stable(r"Tab next result[\s\S]*42\s+second then third")
    t.send("Tab")
    s = t.wait_stable(r"(?m)^\s*CREATE FUNCTION\b.*\d+\.\d{3} s")
    t.send("Tab")
    s = t.wait_stable(r"(?m)^\s*SELECT 1\b.*\d+\.\d{3} s")
    t.send("Tab")
    t.wait_stable(r"42\s+second then third")
    t.send("Escape")
    t.wait_for(r"Type SQL and press Enter|F9 runs")
    # F9 inside the body: the statement under the cursor is the whole CREATE FUNCTION
    xmin = proc_xmin(env)
    t.send("M-<")   # the buffer's start
    t.send("M-f")   # past CREATE
    t.type(" OR REPLACE")
    t.wait_for(r"(?m)^SQL> CREATE OR REPLACE FUNCTION")
    t.send("Down", "Down", "Home")   # line 3, in the body, before its first ';'
    t.send("F9")
    s = t.wait_for(r"(?m)^\s*CREATE FUNCTION\b")
    if re.search(r"2: SELECT", s) or proc_xmin(env) == xmin:
        raise Fail("F9 inside the body did not run the whole function (alone):\n" + s)
    if admin_sql(env, "SELECT %s.twice(7)" % SCHEMA).strip() != "14":
        raise Fail("F9 inside the body did not run the whole function")
    t.send("C-c")   # clears the buffer (into the history)
    t.wait_for(EMPTY)


CURSOR_SCRIPT = """SELECT g, {s}.slow_touch(g) AS t FROM generate_series(1, 5000) g;
INSERT INTO {s}.marks VALUES ('second ran') RETURNING m AS two;
SELECT 'third ran' AS three;""".format(s=SCHEMA)


def marks(env):
    return int(admin_sql(env, "SELECT count(*) FROM %s.marks" % SCHEMA).strip())


def after_cursor(t, env, state):
    """(a) again, behind a result read through a cursor: a first statement of more rows
    than a window leaves its cursor open, so the second waits for pgiam to close it
    (CLOSE, COMMIT of pgiam's transaction), which a deferred trigger makes last two
    seconds. The second statement still runs, and the third after it (it used to take
    the old result for the second's and send the third in its place).
    Then again, the connection cut (the backend terminated) while it closes: the
    second statement fails as not sent, the third does not run, and neither runs
    later: the next statement typed runs alone (the waiting one used to stay, to be
    sent at some later close)."""
    paste(t, CURSOR_SCRIPT)
    buffer_shown(t, CURSOR_SCRIPT)
    t.send("M-x")
    # the last statement's result, or a failure (the commit takes two seconds)
    s = t.wait_stable(r"(?m)^ *third ran *$|statement \d of 3 failed", timeout=TIMEOUT + 5)
    if not re.search(r"1: SELECT\s+2: INSERT 0 1\s+3: SELECT 1", s) or \
            not re.search(r"(?m)^ *third ran *$", s) or marks(env) != 1:
        raise Fail("the statements after a cursor's result did not all run (%d marks):\n%s"
                   % (marks(env), s))
    t.send("F6")
    t.send("Tab")
    t.wait_stable(r"(?m)^\s+1\s+1\s*$[\s\S]*rows read before the next statement ran")
    t.send("Tab")
    t.wait_stable(r"(?m)^ *second ran *$")
    t.send("Escape")
    t.wait_for(r"F9 runs")
    # the connection lost while the cursor closes
    t.send("M-x")
    deadline = time.monotonic() + TIMEOUT
    while not admin_sql(env, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                        "usename = 'iam_rw_user' AND state = 'active' AND query ILIKE "
                        "'%COMMIT%'").strip():
        if time.monotonic() > deadline:
            raise Fail("no closing COMMIT to cut:\n" + t.screen())
        time.sleep(0.02)
    s = t.wait_stable(r"statement 2 of 3 failed[\s\S]*not sent: the connection was lost")
    if re.search(r"(?m)^ *third ran *$", s):
        raise Fail("the third statement ran after the second failed:\n" + s)
    t.send("C-c")
    t.wait_for(EMPTY)
    t.type("SELECT 'alone after the loss' AS fine;")
    t.send("Enter")
    s = t.wait_stable(r"(?m)^ *alone after the loss *$", timeout=TIMEOUT + 5)
    if re.search(r"\d: SELECT|\d: INSERT", s) or marks(env) != 1:
        raise Fail("after the loss, more than the statement typed ran (%d marks):\n%s"
                   % (marks(env), s))
    # the history keeps what reached the server: the INSERT once, not the one not sent
    with open(os.path.join(state, "pgiam", "history")) as f:
        sent = [json.loads(line) for line in f]
    inserts = [e["outcome"] for e in sent if e["sql"].startswith("INSERT INTO %s.marks"
                                                                  % SCHEMA)]
    if inserts != ["ok"]:
        raise Fail("the history holds the INSERT as %s, not once as ok" % inserts)
    t.wait_for(EMPTY)   # Enter cleared it


MULTI = """SELECT v,
       w,
       v + no_such_col AS broken
  FROM (VALUES (1, 'a')) AS t(v, w);"""


def error_marked(t):
    """(c)"""
    paste(t, MULTI)
    buffer_shown(t, MULTI)
    t.send("Enter")   # complete: runs, the buffer is cleared, then comes back
    t.wait_for(r'ERROR 42703: column "no_such_col" does not exist')
    buffer_shown(t, MULTI)
    mark = error_mark(t, "Enter")
    if mark != (3, MULTI.split("\n")[2].index("no_such_col")):
        raise Fail("the error is marked at line %d column %d, not at no_such_col "
                   "(line 3 column %d):\n%s" % (mark + (MULTI.split("\n")[2].index(
                       "no_such_col"), t.screen())))
    t.send("C-c")
    t.wait_for(EMPTY)
    # the second statement of a buffer run with Alt-X: counted from its own start
    text = "SELECT 'first ok' AS one;\n" + MULTI
    paste(t, text)
    buffer_shown(t, text)
    t.send("M-x")
    t.wait_for(r"statement 2 of 2 failed \(line 2: SELECT v,")
    buffer_shown(t, text)
    mark = error_mark(t, "Alt-X")
    if mark != (4, MULTI.split("\n")[2].index("no_such_col")):
        raise Fail("Alt-X: the error is marked at line %d column %d, not at no_such_col "
                   "(line 4):\n%s" % (mark + (t.screen(),)))
    t.send("C-c")
    t.wait_for(EMPTY)


def big_statement(t, env, state):
    """(b)"""
    body = "".join("line %04d %s\n" % (i, ("abcdefghij" * 10)[:89]) for i in range(1024))
    stmt = ("SELECT length(v) AS n, md5(v) AS digest FROM (VALUES ($big$%s$big$)) AS t(v);"
            % body)
    if len(stmt) < 100 * 1024:
        raise Fail("the statement is only %d bytes" % len(stmt))
    paste(t, stmt)
    t.wait_for(r"pasted 1025 lines as one edit", timeout=30)
    t.wait_for(r"(?m)^\s*1025 \$big\$\)\) AS t\(v\);\s*$")
    t.send("F9")   # the statement under the cursor; the buffer stays
    want = r"%d\s+%s" % (len(body), hashlib.md5(body.encode()).hexdigest())
    t.wait_for(want, timeout=30)
    t.wait_for(r"(?m)^\s*1025 \$big\$\)\) AS t\(v\);\s*$")
    t.send("F10")
    t.wait_for(r"PGIAM-EXITED")
    path = os.path.join(state, "pgiam", "draft-" + PROFILE)
    if not os.path.exists(path):
        raise Fail("no draft after the run: the buffer was not kept (%s)" % path)
    with open(path, "rb") as f:
        kept = f.read()
    if kept != stmt.encode():
        first = next((i for i in range(min(len(kept), len(stmt)))
                      if kept[i] != stmt.encode()[i]), min(len(kept), len(stmt)))
        raise Fail("the buffer after the run is not what was pasted: %d bytes of %d, "
                   "first difference at byte %d" % (len(kept), len(stmt), first))


def main():
    env = sandbox_env()
    env["TERM"] = "screen-256color"
    state = os.path.join(tempdir(), "state")
    env["XDG_STATE_HOME"] = state
    admin_sql(env, "DROP SCHEMA IF EXISTS {s} CASCADE; CREATE SCHEMA {s}; GRANT USAGE, "
              "CREATE ON SCHEMA {s} TO iam_rw_user".format(s=SCHEMA))
    # a transaction that touched slow takes two seconds to commit
    admin_sql(env, """CREATE TABLE {s}.slow (x int);
        CREATE FUNCTION {s}.slow_touch(g int) RETURNS int LANGUAGE sql
            AS 'INSERT INTO {s}.slow SELECT 1 WHERE g = 1; SELECT g';
        CREATE FUNCTION {s}.slow_commit() RETURNS trigger LANGUAGE plpgsql
            AS 'BEGIN PERFORM pg_sleep(2); RETURN NULL; END';
        CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON {s}.slow
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {s}.slow_commit();
        GRANT INSERT ON {s}.slow TO iam_rw_user;
        CREATE TABLE {s}.marks (m text);
        GRANT SELECT, INSERT ON {s}.marks TO iam_rw_user""".format(s=SCHEMA))
    t = Tmux(110, 40)
    try:
        t.connect(env, PROFILE)
        script_by_enter(t, env)
        script_runs(t, env)
        after_cursor(t, env, state)
        error_marked(t)
        big_statement(t, env, state)
        t.check_sanitizers()
    finally:
        t.kill()
        admin_sql(env, "DROP SCHEMA IF EXISTS %s CASCADE" % SCHEMA)


run(main)
