#!/usr/bin/python3
"""issue11_probe.py - issue 11 against the sandbox, through the real binary:
`pgiam grants --probe` for the read-write user (allowed, and the table's rows, their
xmin and pg_stat_user_tables' n_tup_ins/upd/del the same afterwards), for the
read-only user without read-only mode (42501 lines from the server) and under it
(25006 lines), TRUNCATE from the catalog as has_table_privilege says; `pgiam sql`'s
explanation as an object (denied, object, role, iam_role, holds with via, missing,
fix, text) for the reference INSERT, a column grant (SELECT (id, name), UPDATE
(salary): SET salary = salary + 1 lacks SELECT on salary, not UPDATE), a schema
without USAGE, row-level security and function EXECUTE; read-only as the server
reports it after the user's own SET."""
import configparser
import json
import os
import subprocess
import time

import sqlproc
from sandbox_lib import check, run

BIN = os.environ.get("PGIAM_BIN", "build/pgiam")
INSERT = ("INSERT INTO customers (name, email, age) VALUES ('Alice Johnson', "
          "'alice.johnson@example.com', 28)")
SETUP = """
DROP SCHEMA IF EXISTS i11 CASCADE; DROP SCHEMA IF EXISTS i11_hidden CASCADE;
CREATE SCHEMA i11; CREATE SCHEMA i11_hidden;
CREATE TABLE i11.pay (id int, name text, salary int); INSERT INTO i11.pay VALUES (1, 'a', 10);
GRANT USAGE ON SCHEMA i11 TO iam_rw_user;
GRANT SELECT (id, name), UPDATE (salary) ON i11.pay TO iam_rw_user;
CREATE TABLE i11_hidden.t (a int); GRANT SELECT ON i11_hidden.t TO iam_rw_user;
CREATE TABLE i11.rls (id int, owner text); GRANT SELECT, INSERT ON i11.rls TO iam_rw_user;
ALTER TABLE i11.rls ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON i11.rls FOR ALL TO PUBLIC USING (owner = current_user)
  WITH CHECK (owner = current_user);
CREATE FUNCTION i11.f(i int) RETURNS int LANGUAGE sql AS 'select i';
REVOKE EXECUTE ON FUNCTION i11.f(int) FROM PUBLIC;
CREATE TABLE i11.gen (id int GENERATED ALWAYS AS IDENTITY, a int,
  b int GENERATED ALWAYS AS (a * 2) STORED);
INSERT INTO i11.gen (a) VALUES (1);
GRANT SELECT, INSERT, UPDATE, DELETE ON i11.gen TO iam_rw_user;
"""


def admin(env, sql):
    r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d",
                        env["PGIAM_SANDBOX_ADMIN"]], input=sql, capture_output=True,
                       text=True, timeout=60)
    if r.returncode:
        raise AssertionError("admin SQL failed: " + r.stderr)
    return r.stdout.strip()


def state(env, table):
    """The rows with their xmin, and the table's write counters."""
    rows = admin(env, f"SELECT md5(coalesce(string_agg(t::text || ':' || t.xmin::text, ','"
                      f" ORDER BY t::text), '')) FROM {table} t")
    stats = admin(env, "SELECT pg_stat_clear_snapshot(); SELECT n_tup_ins, n_tup_upd, n_tup_del"
                       " FROM pg_stat_user_tables WHERE relid = '%s'::regclass" % table)
    return rows, stats


def probe(penv, pdir, profile, table, *extra):
    r = subprocess.run([BIN, "grants", "--profiles", pdir, "--profile", profile, "--probe",
                        table, "--json"] + list(extra), capture_output=True, text=True,
                       env=penv, timeout=120)
    doc = json.loads(r.stdout) if r.returncode == 0 and r.stdout.strip() else {}
    return r, doc, {x["statement"]: x for x in doc.get("results", [])}


def probe_checks(env, penv, pdir):
    for table in ("public.customers", "i11.gen"):
        before = state(env, table)
        r, doc, res = probe(penv, pdir, "sandbox-rw", table)
        check(r.returncode == 0 and doc.get("table") == table and
              all(res[s]["allowed"] is True and res[s]["source"] == "server"
                  for s in ("SELECT", "INSERT", "UPDATE", "DELETE")),
              f"read-write user: SELECT/INSERT/UPDATE/DELETE allowed on {table} ({r.stderr.strip()[:200]} {res})")
        check(all(res[s]["sql"].endswith(("WHERE false", "LIMIT 0")) for s in
                  ("SELECT", "INSERT", "UPDATE", "DELETE")), "every statement touches no row")
        # the backend's counters are flushed when it exits: read until they settle
        after = state(env, table)
        for _ in range(20):
            if after != before:
                break
            time.sleep(0.1)
            after = state(env, table)
        check(after == before, f"{table}: rows, xmin and n_tup_ins/upd/del unchanged ({before} {after})")
    truncate = admin(env, "SELECT has_table_privilege('iam_rw_user', 'public.customers', 'TRUNCATE')")
    r, doc, res = probe(penv, pdir, "sandbox-rw", "public.customers")
    check(res["TRUNCATE"]["source"] == "catalog" and res["TRUNCATE"]["allowed"] == (truncate == "t")
          and "not run" in res["TRUNCATE"]["message"],
          f"TRUNCATE from the catalog, as has_table_privilege says ({res['TRUNCATE']})")

    r, doc, res = probe(penv, pdir, "sandbox-ro", "public.customers", "--no-read-only")
    check(res.get("SELECT", {}).get("allowed") is True and
          all(res[s]["allowed"] is False and res[s]["sqlstate"] == "42501" and
              res[s]["message"] == "permission denied for table customers" and
              res[s]["source"] == "server" for s in ("INSERT", "UPDATE", "DELETE")),
          f"read-only user: 42501 lines with the server's message ({res})")
    r, doc, res = probe(penv, pdir, "sandbox-ro", "public.customers")
    check(doc.get("read_only") is True and all(res[s]["sqlstate"] == "25006" and
          "read-only transaction" in res[s]["message"] for s in ("INSERT", "UPDATE", "DELETE")),
          f"read-only user under read-only mode: 25006 lines ({res})")
    r, doc, res = probe(penv, pdir, "sandbox-rw", "public.customers", "--read-only")
    check(all(res[s]["sqlstate"] == "25006" for s in ("INSERT", "UPDATE", "DELETE")),
          "read-write user under read-only mode: 25006 lines")
    r, doc, res = probe(penv, pdir, "sandbox-rw", "i11.nope")
    check(r.returncode == 1 and "no table" in r.stderr, f"an unknown table: one line ({r.stderr.strip()})")
    r, doc, res = probe(penv, pdir, "sandbox-rw", "a.b.c")
    check(r.returncode == 2 and "not a table name" in r.stderr, f"a bad name: one line ({r.stderr.strip()})")


def refusal(penv, pdir, profile, sql, *extra):
    rc, ev, err = sqlproc.run(["--profiles", pdir, "--profile", profile] + list(extra), sql, penv)
    e = sqlproc.first(ev, "error") or {}
    return e, e.get("explanation") or {}


def explain_checks(env, penv, pdir):
    cp = configparser.ConfigParser(interpolation=None)
    cp.read(os.path.join(pdir, "sandbox-ro.ini"))
    role_arn = cp["profile"]["role_arn"]
    e, x = refusal(penv, pdir, "sandbox-ro", INSERT, "--no-read-only")
    check(e.get("sqlstate") == "42501" and x.get("denied") == "INSERT" and
          x.get("object") == "table public.customers" and x.get("role") == "iam_ro_user" and
          x.get("iam_role") == role_arn and
          x.get("holds") == [{"privilege": "SELECT", "via": "readonly_role"}] and
          x.get("missing") == "INSERT on table public.customers" and
          x.get("fix") == "GRANT INSERT ON TABLE public.customers TO iam_ro_user;",
          f"the reference INSERT: the explanation in parts ({x})")
    check("fix: GRANT INSERT ON TABLE public.customers TO iam_ro_user;" in x.get("text", "") and
          "group role readonly_role" in x.get("text", ""),
          f"text: the one-line form, naming the group role ({x.get('text')})")
    e, x = refusal(penv, pdir, "sandbox-ro", INSERT)
    t = x.get("text", "")
    check(e.get("sqlstate") == "25006" and "which the session itself can lift" in t and
          "the role's grants are the real limit" in t and "enforces" not in t and
          "holds only SELECT on public.customers" in t,
          f"25006: a guard the session can lift, the grants the real limit ({t})")

    e, x = refusal(penv, pdir, "sandbox-rw", "UPDATE i11.pay SET salary = salary + 1")
    t = x.get("text", "")
    check(x.get("denied") == "SELECT (salary)" and
          x.get("fix") == "GRANT SELECT (salary) ON TABLE i11.pay TO iam_rw_user;" and
          "lacks UPDATE" not in t and "no privilege on it" not in t and
          {"privilege": "UPDATE (salary)", "via": "iam_rw_user"} in x.get("holds", []),
          f"column grants: SET salary = salary + 1 lacks SELECT on salary ({x})")
    e, x = refusal(penv, pdir, "sandbox-rw", "SELECT * FROM i11.pay")
    check(x.get("denied") == "SELECT (salary)" and "SELECT (id, name)" in x.get("text", ""),
          f"column grants: SELECT * lacks SELECT on salary, holds SELECT (id, name) ({x})")
    e, x = refusal(penv, pdir, "sandbox-rw", "SELECT * FROM i11_hidden.t")
    check(x.get("denied") == "USAGE" and x.get("fix") == "GRANT USAGE ON SCHEMA i11_hidden TO iam_rw_user;",
          f"a schema without USAGE ({x})")
    e, x = refusal(penv, pdir, "sandbox-rw", "INSERT INTO i11.rls VALUES (1, 'someone else')")
    check(x.get("denied") == "row-level security" and "policies: own" in x.get("text", "") and
          "not by a missing privilege" in x.get("text", ""), f"row-level security ({x})")
    e, x = refusal(penv, pdir, "sandbox-rw", "SELECT i11.f(1)")
    check(x.get("denied") == "EXECUTE" and x.get("fix") == "GRANT EXECUTE ON FUNCTION i11.f(integer) TO iam_rw_user;",
          f"function EXECUTE ({x})")


def reported_checks(penv, pdir):
    p = sqlproc.Interactive(["--profiles", pdir, "--profile", "sandbox-ro"], penv)
    try:
        p.wait_event("connected")
        p.send("\\info")
        before = p.wait_event("info")
        p.send("SET default_transaction_read_only = off")
        p.wait_event("done", "error")
        p.send("\\info")
        after = p.wait_event("info")
        p.send(INSERT)
        e = p.wait_event("error", "done")
    finally:
        p.close()
    check(before["read_only_enforced"] is True and after["read_only_enforced"] is False,
          f"read_only_enforced follows the server's report of the user's SET ({before['read_only_enforced']} {after['read_only_enforced']})")
    check(e.get("sqlstate") == "42501", f"after it, the role's grants refuse the INSERT ({e.get('sqlstate')})")


def role_default_checks(env, penv, pdir):
    admin(env, "ALTER ROLE iam_rw_user SET default_transaction_read_only = on")
    try:
        e, x = refusal(penv, pdir, "sandbox-rw", INSERT)
    finally:
        admin(env, "ALTER ROLE iam_rw_user RESET default_transaction_read_only")
    t = x.get("text", "")
    check(e.get("sqlstate") == "25006" and "set by a default of the database or role (ALTER ROLE "
          "iam_rw_user SET default_transaction_read_only)" in t,
          f"read-only from a role default: the default is named ({t})")


def main(env):
    penv = dict(os.environ, **env)
    pdir = env["PGIAM_SANDBOX_PROFILES"]
    admin(env, SETUP)
    try:
        probe_checks(env, penv, pdir)
        explain_checks(env, penv, pdir)
        reported_checks(penv, pdir)
        role_default_checks(env, penv, pdir)
    finally:
        admin(env, "DROP SCHEMA IF EXISTS i11 CASCADE; DROP SCHEMA IF EXISTS i11_hidden CASCADE")


run(main)
