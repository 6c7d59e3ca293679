"""test_transactions.py - the SQL screen and the user's transaction (issue 8 items 4-7),
against the sandbox:
- F5 and back keeps the user's last result: the browser's catalog queries never show
  as the user's;
- the status bar says `in transaction`; F5 inside it browses on a connection of
  pgiam's own (a second backend, logged in with a token of its own, as the verifier
  log shows), and the user's backend holds no relation lock afterwards (pg_locks,
  read as the sandbox's superuser); Esc cancels a slow read there; in a failed
  transaction the browser still reads;
  after ROLLBACK its own connection is closed and it reads on the user's again;
- `insert` as the read-only user fails the transaction: the status bar says `failed
  transaction: ROLLBACK to continue`, the failing statement is not told it was "inside
  a failed transaction", and the next `select 1` (25P02) names the statement that
  failed it; ROLLBACK clears the state;
- when the browser's own connection cannot be made (AssumeRole refused by the STS
  emulator), it says so as that connection's failure, and the user's transaction stays;
- F10 and Esc with an open transaction (an uncommitted INSERT) ask first and name it;
  no keeps the session and the transaction; yes quits;
- the server restarting with a transaction open (idle, then while one of its
  statements runs) says its work was rolled back (message line, status bar, event
  log); the next statement reconnects.
Restarts the sandbox's PostgreSQL: runs alone. Skipped (77) without PGIAM_SANDBOX_ENV."""
import os
import re
import subprocess
import time

from tuilib import TIMEOUT, Fail, Tmux, admin_sql, run, sandbox_env, select_line, sts_control

EMPTY = r"(?m)^SQL>\s*$"


def flat(screen):
    """The screen as one line: wrapped text reads as it was written."""
    return " ".join(line.strip() for line in screen.splitlines())


def wait_flat(t, pattern, timeout=None):
    """Waits until pattern is on the screen read as one line (it may be wrapped)."""
    deadline = time.monotonic() + (timeout or TIMEOUT)
    rx = re.compile(pattern)
    s = ""
    while time.monotonic() < deadline:
        s = t.screen()
        if rx.search(flat(s)):
            return s
        time.sleep(0.05)
    raise Fail("timed out waiting for %r (wrapped); screen was:\n%s" % (pattern, s))


def run_sql(t, sql):
    """Types sql at the empty prompt and runs it (issue 12: ended by ';', as Enter runs
    only a complete statement; a failed statement stays in the editor: Ctrl-C clears
    it first)."""
    if not sql.rstrip().endswith(";"):
        sql += ";"
    t.wait_for(r"running…", absent=True)
    # a settled screen: one capture can catch a frame half drawn (the prompt's row not
    # yet), and Ctrl-C on the empty buffer would ask to disconnect
    s = t.wait_stable(r"(?m)^SQL>")
    if not re.search(EMPTY, s):
        t.send("C-c")
    t.wait_for(EMPTY)
    t.type(sql)
    t.wait_for(r"(?m)^SQL> %s" % re.escape(sql[:60]))
    t.send("Enter")


def backend_pid(t):
    """Runs SELECT pg_backend_pid() and reads it off the screen."""
    run_sql(t, "select pg_backend_pid() as mypid")
    s = t.wait_for(r"(?m)^ mypid\s*\n\s*\d+")
    return int(re.search(r"(?m)^ mypid\s*\n\s*(\d+)", s).group(1))


def relation_locks(env, pid):
    return int(admin_sql(env, "SELECT count(*) FROM pg_locks WHERE pid = %d AND "
                              "locktype = 'relation'" % pid).strip())


def backend_state(env, pid):
    return admin_sql(env, "SELECT coalesce(state, '') FROM pg_stat_activity WHERE pid = %d"
                     % pid).strip()


def browse_keeps_result(t):
    """Item 4: the user's result survives a trip to the browser."""
    run_sql(t, "select 'user-result-42' as mine")
    t.wait_for(r"user-result-42")
    t.send("F5")
    t.wait_for(r"Browse: schemas")
    t.wait_for(r"public\s+\d+ tables")
    t.send("Escape")
    s = t.wait_for(r"Type SQL and press Enter")
    if "user-result-42" not in s or "nspname" in s or "has_schema_privilege" in s:
        raise Fail("back from the browser, the user's result was replaced:\n" + s)


def verifier_accepts(env, user):
    """How many logins of user the sandbox's token verifier has accepted so far."""
    with open(env["PGIAM_SANDBOX_VERIFIER_LOG"], encoding="utf-8") as f:
        return sum(1 for line in f if line.split(" ")[1:3] == [user, "ACCEPT"])


def pgiam_backends(env, user):
    return int(admin_sql(env, "SELECT count(*) FROM pg_stat_activity WHERE usename = '%s' "
                              "AND application_name = 'pgiam'" % user).strip())


def browse_in_transaction(t, env):
    """Items 5 and 7: the state shows; the browser reads on a connection of its own,
    with a token of its own, and takes no lock in the user's transaction."""
    run_sql(t, "begin")
    t.wait_for(r"in transaction")
    pid = backend_pid(t)
    accepted = verifier_accepts(env, "iam_ro_user")
    t.send("F5")
    t.wait_for(r"Browse: schemas · own connection: your open transaction's changes are "
               r"not shown")
    t.wait_for(r"public\s+\d+ tables")
    select_line(t, r"^\s*public\s")
    t.send("Enter")
    t.wait_for(r"customers_ja")
    select_line(t, r"\bcustomers\s+table")
    t.send("Enter")
    t.wait_for(r"Charlie Brown")
    # a second physical connection, logged in with a token of its own
    if verifier_accepts(env, "iam_ro_user") <= accepted:
        raise Fail("the browser's connection did not log in with a new token")
    if pgiam_backends(env, "iam_ro_user") < 2:
        raise Fail("the browser did not read on a connection of its own")
    if backend_state(env, pid) != "idle in transaction":
        raise Fail("the session is not idle in its transaction: %r" % backend_state(env, pid))
    n = relation_locks(env, pid)
    if n:
        raise Fail("the user's transaction holds %d relation locks after browsing:\n%s" %
                   (n, admin_sql(env, "SELECT relation::regclass, mode FROM pg_locks "
                                      "WHERE pid = %d" % pid)))
    # back one level at a time: each level is read again (on the same connection)
    t.send("Escape")
    t.wait_for(r"(?s)Browse: public · own.*customers_ja")
    # a slow read on the browser's connection: Esc cancels it there
    select_line(t, r"\btxn_slow\s+view")
    t.send("Enter")
    t.wait_for(r"reading… \d+\.\d s · Esc cancels")
    t.send("Escape")
    t.wait_for(r"cancelled · r reads again")
    t.send("Escape")
    t.wait_for(r"(?s)Browse: public · own.*S I U D.*customers_ja")
    t.send("Escape")
    t.wait_for(r"(?s)Browse: schemas · own.*public\s+\d+ tables")
    t.send("Escape")
    t.wait_for(r"Type SQL and press Enter")
    if relation_locks(env, pid):
        raise Fail("the user's transaction holds relation locks after browsing")
    return pid


def failed_transaction(t):
    """Item 5: a refused INSERT fails the transaction; 25P02 names it."""
    bad = "insert into customers (name, email) values ('txn', 'txn@example.com')"
    run_sql(t, bad)
    s = t.wait_for(r"ERROR 25006")
    s = t.wait_for(r"failed transaction: ROLLBACK to continue")
    if "inside a failed transaction" in flat(s) or "failed earlier" in flat(s):
        raise Fail("the statement that failed the transaction is told it was inside a "
                   "failed one:\n" + s)
    wait_flat(t, r"this statement failed the open transaction")
    run_sql(t, "select 1")
    t.wait_for(r"ERROR 25P02")
    wait_flat(t, r"the transaction failed earlier, at: %s \(ERROR 25006" % re.escape(bad))
    t.wait_for(r"failed transaction: ROLLBACK to continue")


def browse_in_failed_transaction(t):
    """Item 7: in a failed transaction the browser still reads (no bare 25P02)."""
    t.send("F5")
    t.wait_for(r"Browse: schemas · own connection")
    s = t.wait_for(r"public\s+\d+ tables|ERROR")
    if "25P02" in s:
        raise Fail("the browser read inside the failed transaction:\n" + s)
    t.send("Escape")
    t.wait_for(r"Type SQL and press Enter")


def rollback_clears(t, env):
    """ROLLBACK ends the state; the browser's own connection is closed."""
    run_sql(t, "rollback")
    t.wait_for(r"(?m)^ ROLLBACK")
    t.wait_for(r"failed transaction|in transaction", absent=True)
    deadline = time.monotonic() + TIMEOUT
    while pgiam_backends(env, "iam_ro_user") > 1:
        if time.monotonic() > deadline:
            raise Fail("the browser's own connection stayed open after ROLLBACK")
        time.sleep(0.05)
    t.send("F5")
    s = t.wait_for(r"public\s+\d+ tables")
    if "own connection" in s:
        raise Fail("outside a transaction the browser still says it uses its own:\n" + s)
    t.send("Escape")
    t.wait_for(r"Type SQL and press Enter")


def refused_fails_transaction(t):
    """Item 5: a 42501 refusal inside BEGIN is the statement that failed the
    transaction, not one "inside a failed transaction"."""
    run_sql(t, "begin; select * from pg_authid")
    t.wait_for(r"ERROR 42501")
    s = wait_flat(t, r"permission denied for table pg_authid; this statement failed the open "
                     r"transaction: ROLLBACK ends it")
    if "inside a failed transaction" in flat(s):
        raise Fail("the refused statement is told it ran inside a failed transaction:\n" + s)
    t.wait_for(r"failed transaction: ROLLBACK to continue")
    run_sql(t, "rollback")
    t.wait_for(r"failed transaction", absent=True)
    # back to a savepoint: the transaction is open again, not failed
    run_sql(t, "begin; savepoint s; select * from pg_authid")
    t.wait_for(r"failed transaction: ROLLBACK to continue")
    run_sql(t, "rollback to savepoint s")
    t.wait_for(r"connected · TLS verified │ in transaction")
    t.wait_for(r"transaction open again \(rolled back to a savepoint\)")
    run_sql(t, "rollback")
    t.wait_for(r"in transaction", absent=True)


def own_connection_fails(t, env, pid):
    """Item 7: when the browser's own connection cannot be made (AssumeRole refused),
    the browser says it is that connection's failure; the user's is untouched."""
    sts_control(env, "/_sandbox/faults", {"error": {"code": "AccessDenied", "count": 1}})
    t.send("F5")
    wait_flat(t, r"ERROR: pgiam's own connection for the browser failed")
    t.send("Escape")
    t.wait_for(r"Type SQL and press Enter")
    t.send("F3")
    wait_flat(t, r"pgiam's own connection for the browser failed: AssumeRole: STS denied")
    t.send("q")
    t.wait_for(r"Type SQL and press Enter")
    t.wait_for(r"connected · TLS verified │ in transaction")
    if backend_state(env, pid) != "idle in transaction":
        raise Fail("the user's transaction did not survive: %r" % backend_state(env, pid))


def quit_asks(t, env):
    """Item 6: F10 and Esc ask, naming the open transaction; no keeps it."""
    run_sql(t, "begin; create temp table txn_t (i int); insert into txn_t values (7)")
    t.wait_for(r"INSERT 0 1")
    t.wait_for(r"in transaction")
    pid = backend_pid(t)
    own_connection_fails(t, env, pid)
    t.send("F10")
    wait_flat(t, r"Quit pgiam\? The open transaction begun at \d\d:\d\d:\d\d by: begin; "
                 r"create temp table txn_t .* will be rolled back")
    t.send("n")
    t.wait_for(r"Type SQL and press Enter")
    run_sql(t, "select i from txn_t")
    t.wait_for(r"(?m)^\s+7\s*$")   # a number, right-aligned
    t.wait_for(r"in transaction")
    t.send("Escape")
    wait_flat(t, r"Disconnect and go back to the profiles\? The open transaction begun at "
                 r"\d\d:\d\d:\d\d by: begin; create temp table txn_t")
    t.send("n")
    t.wait_for(r"Type SQL and press Enter")
    if backend_state(env, pid) != "idle in transaction":
        raise Fail("no did not keep the transaction: %r" % backend_state(env, pid))
    t.send("F10")
    t.wait_for(r"Quit pgiam\?")
    t.send("y")
    t.wait_for(r"PGIAM-EXITED")


def quit_without_transaction_asks_nothing(t):
    t.send("Escape")
    s = t.wait_for(r"Disconnect and go back to the profiles\?")
    if "rolled back" in s:
        raise Fail("the disconnect question names a transaction that is not open:\n" + s)
    t.send("n")
    t.wait_for(r"Type SQL and press Enter")
    t.send("F10")
    t.wait_for(r"PGIAM-EXITED")


def lost_in_transaction(t, env):
    """Item 6: the server restarts with a transaction open: its loss is said."""
    run_sql(t, "begin; create temp table txn_l (i int); insert into txn_l values (1)")
    t.wait_for(r"INSERT 0 1")
    t.wait_for(r"in transaction")
    subprocess.run([os.path.join(os.environ["PGIAM_SOURCE_ROOT"], "tests", "sandbox",
                                 "restart_db"), "--quiet"], check=True)
    wait_flat(t, r"connection lost: the open transaction \(begun at \d\d:\d\d:\d\d\) was "
                 r"rolled back by the server", timeout=30)
    t.wait_for(r"transaction rolled back: the connection was lost")
    t.send("F3")
    wait_flat(t, r"the connection was lost inside the open transaction begun at "
                 r"\d\d:\d\d:\d\d by: begin; create temp table txn_l .* the server rolled "
                 r"it back, its work is lost")
    t.send("q")
    run_sql(t, "select 1 as back")
    t.wait_for(r"(?m)^ back\s*$", timeout=30)
    t.wait_for(r"transaction rolled back|in transaction", absent=True)
    # the same while a statement of the transaction runs
    run_sql(t, "begin; create temp table txn_m (i int); insert into txn_m values (2)")
    t.wait_for(r"in transaction")
    run_sql(t, "select pg_sleep(60)")
    t.wait_for(r"running…")
    subprocess.run([os.path.join(os.environ["PGIAM_SOURCE_ROOT"], "tests", "sandbox",
                                 "restart_db"), "--quiet"], check=True)
    wait_flat(t, r"connection lost: the open transaction \(begun at \d\d:\d\d:\d\d\) was "
                 r"rolled back by the server", timeout=30)
    t.wait_for(r"transaction rolled back: the connection was lost")
    t.send("F10")
    t.wait_for(r"PGIAM-EXITED")


def main():
    env = sandbox_env()
    env["TERM"] = "screen-256color"
    # a view slow to read (dropped at the end; the terminal tests run one at a time)
    admin_sql(env, "CREATE OR REPLACE VIEW public.txn_slow AS SELECT x AS n, "
                   "pg_sleep(1)::text AS slept FROM generate_series(1, 100) x;"
                   "GRANT SELECT ON public.txn_slow TO readonly_role")
    try:
        sessions(env)
    finally:
        # a read left running by a failed test would hold the view until its end
        admin_sql(env, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE query LIKE '%txn_slow%' AND pid <> pg_backend_pid();"
                       "DROP VIEW IF EXISTS public.txn_slow")


def sessions(env):
    t = Tmux(110, 32)
    try:
        t.connect(env, "sandbox-ro")
        browse_keeps_result(t)
        browse_in_transaction(t, env)
        failed_transaction(t)
        browse_in_failed_transaction(t)
        rollback_clears(t, env)
        quit_without_transaction_asks_nothing(t)
        t.check_sanitizers()
    finally:
        t.kill()
    t = Tmux(110, 32)
    try:
        t.connect(env, "sandbox-rw")
        refused_fails_transaction(t)
        quit_asks(t, env)
        t.check_sanitizers()
    finally:
        t.kill()
    t = Tmux(110, 32)
    try:
        t.connect(env, "sandbox-rw")
        lost_in_transaction(t, env)
        t.check_sanitizers()
    finally:
        t.kill()


run(main)
