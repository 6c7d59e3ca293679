#!/usr/bin/python3
"""session_txn.py - the session's view of the transaction block (issue 8 item 5),
driven through `pgiam sql` against the sandbox: a statement refused inside BEGIN is
the one that failed the transaction (never told it ran "inside a failed
transaction"), and the next statement's 25P02 names it; after ROLLBACK a refusal
is explained from the catalogs again."""
import os

import sqlproc
from sandbox_lib import check, run


def session(env, profile):
    s = sqlproc.Interactive(["--profiles", env["PGIAM_SANDBOX_PROFILES"], "--profile",
                             profile], dict(os.environ, **env))
    s.wait_event("connected")
    return s


def statement(s, sql):
    """Sends sql (statements split at ';' by pgiam sql, each its own query); returns the
    first error, or the last statement's done."""
    s.send(sql)
    for _ in [p for p in sql.split(";") if p.strip()]:
        ev = s.wait_event("done", "error")
        if ev["event"] == "error":
            return ev
    return ev


def main(env):
    bad = "insert into customers (name, email) values ('txn', 'txn@example.com')"
    s = session(env, "sandbox-ro")
    try:
        check(statement(s, "begin")["event"] == "done", "BEGIN")
        ev = statement(s, bad)
        check(ev["event"] == "error" and ev["sqlstate"] == "25006", "the read-only INSERT is refused")
        check("inside a failed transaction" not in sqlproc.why(ev) and
              sqlproc.why(ev).endswith("this statement failed the open transaction: ROLLBACK "
                                         "ends it (nothing else runs until then)"),
              f"the refusal says it failed the transaction ({sqlproc.why(ev)})")
        ev = statement(s, "select 1")
        check(ev["event"] == "error" and ev["sqlstate"] == "25P02", "select 1 meets 25P02")
        check(sqlproc.why(ev).startswith(
            f"the transaction failed earlier, at: {bad} (ERROR 25006: cannot execute INSERT "
            "in a read-only transaction)"), f"25P02 names what failed it ({sqlproc.why(ev)})")
        # several statements on one line (pgiam sql sends them one by one, as psql: a
        # COMMIT after the failure would end the transaction, so there is none here)
        check(statement(s, "rollback")["event"] == "done", "ROLLBACK")
        ev = statement(s, "begin; select 1; " + bad + ";")
        check(ev["event"] == "error" and ev["sqlstate"] == "25006", "the INSERT of a line fails")
        ev = statement(s, "select 2")
        check(f"failed earlier, at: {bad} (ERROR 25006" in sqlproc.why(ev),
              f"the failing statement of a string is named alone ({sqlproc.why(ev)})")
        check(statement(s, "rollback")["event"] == "done", "ROLLBACK again")
        ev = statement(s, bad)
        check(ev["event"] == "error" and "failed" not in sqlproc.why(ev) and
              "holds only SELECT on public.customers" in sqlproc.why(ev),
              f"outside a transaction the refusal is explained from the catalogs ({sqlproc.why(ev)})")
    finally:
        s.close()
    s = session(env, "sandbox-rw")
    try:
        ev = statement(s, "begin; select * from pg_authid")
        check(ev["event"] == "error" and ev["sqlstate"] == "42501", "pg_authid is refused")
        check(sqlproc.why(ev) == "permission denied for table pg_authid; this statement "
              "failed the open transaction: ROLLBACK ends it (nothing else runs until then)",
              f"a 42501 inside BEGIN is not 'inside a failed transaction' ({sqlproc.why(ev)})")
        ev = statement(s, "select 1")
        check("the transaction failed earlier, at: select * from pg_authid (ERROR 42501: "
              "permission denied for table pg_authid)" in sqlproc.why(ev),
              f"25P02 names the refused SELECT ({sqlproc.why(ev)})")
        # back to a savepoint: open again, and what failed it is forgotten
        check(statement(s, "rollback")["event"] == "done", "ROLLBACK (rw)")
        ev = statement(s, "begin; savepoint s; select * from pg_authid")
        check(ev["event"] == "error" and ev["sqlstate"] == "42501", "refused after a savepoint")
        check(statement(s, "rollback to savepoint s")["event"] == "done", "ROLLBACK TO SAVEPOINT")
        check(statement(s, "select 1")["event"] == "done", "the transaction runs again")
        ev = statement(s, "select 1/0")
        check(ev["event"] == "error" and ev["sqlstate"] == "22012", "division by zero fails it")
        ev = statement(s, "select 2")
        check("failed earlier, at: select 1/0 (ERROR 22012: division by zero)" in sqlproc.why(ev),
              f"25P02 names the latest cause, not the one rolled back ({sqlproc.why(ev)})")
    finally:
        s.close()


run(main)
