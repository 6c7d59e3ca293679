#!/usr/bin/python3
"""issue8_cli.py - issue 8's command-line items against the sandbox:
`pgiam policy` for a profile without external_id (no ExternalId condition) and for a
read-write profile (rds_iam and a commented template, applied to the sandbox's real
PostgreSQL); server NOTICE/WARNING as `pgiam sql` notice lines in order with the
results (bounded, control characters removed); the server's HINT apart from pgiam's
explanation; a read-only refusal naming what set read-only (the --read-only flag or
the profile's key). Every check runs; the failures are listed at the end."""
import configparser
import json
import os
import subprocess
import sys
import tempfile

import sqlproc
from sandbox_lib import sandbox

BIN = os.environ.get("PGIAM_BIN", "build/pgiam")
failures = []


def check(cond, what):
    print(("ok - " if cond else "FAIL - ") + what)
    if not cond:
        failures.append(what)


def write_profile(pdir, tmp, base, name, drop=(), **keys):
    """A copy of sandbox profile base in tmp, without the keys in drop, keys changed."""
    cp = configparser.ConfigParser(interpolation=None)
    cp.read(os.path.join(pdir, base + ".ini"))
    for k in drop:
        cp["profile"].pop(k, None)
    for k, v in keys.items():
        cp["profile"][k] = v
    with open(os.path.join(tmp, name + ".ini"), "w") as f:
        cp.write(f)


def policy(penv, pdir, name, *extra):
    r = subprocess.run([BIN, "policy", "--profiles", pdir, "--profile", name] + list(extra),
                       capture_output=True, text=True, env=penv, timeout=60)
    return r


def admin(env, sql):
    return subprocess.run(["psql", "-X", "-v", "ON_ERROR_STOP=1", "-q", "-At", "-d",
                           env["PGIAM_SANDBOX_ADMIN"]], input=sql, capture_output=True,
                          text=True, timeout=60)


def policy_checks(env, penv, tmp):
    pdir = env["PGIAM_SANDBOX_PROFILES"]
    # without external_id: no condition at all (one on "<external-id>" refuses AssumeRole)
    write_profile(pdir, tmp, "sandbox-rw", "noext", drop=("external_id",))
    r = policy(penv, tmp, "noext", "--json", "--snowflake")
    doc = json.loads(r.stdout) if r.returncode == 0 else {}
    st = (doc.get("trust_policy") or {}).get("Statement", [{}])[0]
    check(r.returncode == 0 and st.get("Action") == "sts:AssumeRole" and "Condition" not in st,
          f"policy --json, no external_id: the trust policy has no condition ({st})")
    check("<external-id>" not in r.stdout, "and no <external-id> placeholder anywhere")
    t = policy(penv, tmp, "noext", "--snowflake")
    trust_text = t.stdout.split("# Trust policy", 1)[-1].split("# SQL", 1)[0]
    check(t.returncode == 0 and "sts:AssumeRole" in trust_text and "ExternalId" not in trust_text,
          "policy (text), no external_id: the trust policy names no ExternalId")
    # with external_id: the condition names it
    r = policy(penv, pdir, "sandbox-rw", "--json")
    st = json.loads(r.stdout)["trust_policy"]["Statement"][0]
    ext = configparser.ConfigParser(interpolation=None)
    ext.read(os.path.join(pdir, "sandbox-rw.ini"))
    check(st.get("Condition") == {"StringEquals": {"sts:ExternalId": ext["profile"]["external_id"]}},
          "with external_id the condition names the profile's value")

    # a read-write profile: rds_iam, CONNECT, and the privileges as a commented template
    write_profile(pdir, tmp, "sandbox-rw", "rw8", db_user="iam_issue8_rw")
    r = policy(penv, tmp, "rw8", "--json", "--offline")
    doc = json.loads(r.stdout) if r.returncode == 0 else {"sql": ""}
    sql = doc["sql"]
    active = "\n".join(l for l in sql.splitlines() if not l.lstrip().startswith("--"))
    check(doc.get("sql_privileges") == "template" and "readonly_role" not in sql
          and "GRANT rds_iam TO iam_issue8_rw;" in active,
          "read-write profile: the SQL grants rds_iam and no read-only role")
    check("read_only = true" in sql and "-- GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES"
          in sql and "GRANT SELECT" not in active,
          "and says so, the table privileges left as a commented template")
    text = policy(penv, tmp, "rw8", "--offline").stdout
    check("# SQL for the database (rds_iam and CONNECT only: fill in the privileges)" in text,
          "the text output's heading says what the SQL grants")
    a1, a2 = admin(env, sql), admin(env, sql)   # twice: it can be run again
    q = admin(env, "SELECT pg_has_role('iam_issue8_rw', 'rds_iam', 'MEMBER'),"
                   " pg_has_role('iam_issue8_rw', 'readonly_role', 'MEMBER'),"
                   " has_database_privilege('iam_issue8_rw', 'sample_db', 'CONNECT'),"
                   " has_table_privilege('iam_issue8_rw', 'customers', 'SELECT')")
    admin(env, "DROP OWNED BY iam_issue8_rw; DROP USER iam_issue8_rw")
    check(a1.returncode == 0 and a2.returncode == 0 and q.stdout.strip() == "t|f|t|f",
          f"applied to the sandbox (twice): rds_iam, CONNECT, no readonly_role, no table "
          f"privilege ({a1.stderr.strip()[:160]} {q.stdout.strip()})")
    # read_only = true: the read-only role, as before
    r = policy(penv, pdir, "sandbox-ro", "--json", "--offline")
    doc = json.loads(r.stdout)
    check(doc.get("sql_privileges") == "read-only" and "GRANT readonly_role TO iam_ro_user;" in doc["sql"]
          and "read_only = true: a read-only user" in doc["sql"],
          "read_only = true: the read-only role, and the SQL says why")


def kinds(events, skip=("step", "connected", "query")):
    return [e["event"] for e in events if e["event"] not in skip]


def notice_checks(penv, pdir):
    args = ["--profiles", pdir, "--profile", "sandbox-ro"]
    rc, ev, err = sqlproc.run(args, "do $$ begin raise notice 'n'; raise warning 'w'; end $$", penv)
    notes = [e for e in ev if e["event"] == "notice"]
    check(rc == 0 and [(e["severity"], e["message"]) for e in notes] == [("NOTICE", "n"), ("WARNING", "w")],
          f"RAISE NOTICE and WARNING come out as notice lines ({notes}; {err.strip()[:100]})")
    check(kinds(ev) == ["notice", "notice", "command", "done"], f"before the DO's command ({kinds(ev)})")
    rc, ev, _ = sqlproc.run(args, "SELECT 1 AS a; DO $$ begin raise notice 'mid'; end $$; SELECT 2 AS b", penv)
    k = kinds(ev)
    # libpq reads a notice that follows a statement's end before handing out that end,
    # so the DO's notice may come before SELECT 1's command tag, never after the DO's
    check(k.count("notice") == 1 and k.index("notice") > k.index("row")
          and k.index("notice") < k.index("command", k.index("notice")) < k.index("columns", 1),
          f"in order with the results of a multi-statement query ({k})")
    rc, ev, _ = sqlproc.run(args, "DO $$ begin raise notice E'a\\x01b\\nc\\x1b[31md'; "
                                  "raise notice '%', repeat('x', 5000); end $$", penv)
    notes = [e["message"] for e in ev if e["event"] == "notice"]
    check(len(notes) == 2 and notes[0] == "a^Ab^Jc^[[31md",
          f"control characters in caret notation, as all terminal-bound text ({notes[:1]})")
    check(len(notes) == 2 and len(notes[1].encode()) <= 1024 and notes[1].endswith("\u2026"),
          f"a long notice is cut, marked ({len(notes[1].encode()) if len(notes) > 1 else '-'} bytes)")
    rc, ev, _ = sqlproc.run(args, "DO $$ begin for i in 1..150 loop raise notice 'n%', i; "
                                  "end loop; end $$", penv)
    notes = [e for e in ev if e["event"] == "notice"]
    check(rc == 0 and len(notes) == 101 and notes[99]["message"] == "n100"
          and notes[100]["severity"] == "pgiam" and "50 more" in notes[100]["message"],
          f"at most 100 notices a query, then how many more ({len(notes)})")
    # a WARNING after a loop's notices is not lost behind them (it has its own budget)
    rc, ev, _ = sqlproc.run(args, "DO $$ begin for i in 1..150 loop raise notice 'n%', i; "
                                  "end loop; raise warning 'DISK ALMOST FULL'; end $$", penv)
    notes = [e for e in ev if e["event"] == "notice"]
    check(rc == 0 and any(n["severity"] == "WARNING" and n["message"] == "DISK ALMOST FULL"
                          for n in notes),
          f"a WARNING after 150 notices is still shown ({notes[-2:]})")
    # notices of a failing statement come before its error
    rc, ev, _ = sqlproc.run(args, "DO $$ begin raise notice 'before'; perform 1/0; end $$", penv)
    check(kinds(ev) == ["notice", "error"], f"a failing statement's notices, then its error ({kinds(ev)})")


def error_of(events):
    return next((e for e in events if e["event"] == "error"), {})


def hint_why_checks(penv, pdir):
    rw = ["--profiles", pdir, "--profile", "sandbox-rw"]
    _, ev, _ = sqlproc.run(rw, "SELECT round('1'::text, 'x')", penv)
    e = error_of(ev)
    check(e.get("sqlstate") == "42883" and "explicit type casts" in (e.get("hint") or "")
          and sqlproc.why(e) is None,
          f"a server HINT is the hint, alone ({e.get('hint')!r}, explanation {sqlproc.why(e)!r})")
    _, ev, _ = sqlproc.run(["--profiles", pdir, "--profile", "sandbox-ro", "--no-read-only"],
                           "INSERT INTO customers (name) VALUES ('x')", penv)
    e = error_of(ev)
    check(e.get("sqlstate") == "42501" and e.get("hint") is None
          and "lacks INSERT" in (sqlproc.why(e) or ""),
          f"42501: pgiam's explanation under its own key, hint stays the server's "
          f"(hint {e.get('hint')!r}, explanation {(sqlproc.why(e) or '')[:60]!r})")


def read_only_checks(penv, pdir, tmp):
    ins = "INSERT INTO customers (name) VALUES ('issue8')"
    write_profile(pdir, tmp, "sandbox-rw", "nokey", drop=("read_only",))
    _, ev, _ = sqlproc.run(["--profiles", tmp, "--profile", "nokey", "--read-only"], ins, penv)
    x = sqlproc.why(error_of(ev)) or ""
    check("set by the --read-only flag" in x and "profile" not in x,
          f"--read-only on a profile without read_only: the flag is named ({x[:110]})")
    _, ev, _ = sqlproc.run(["--profiles", pdir, "--profile", "sandbox-rw", "--read-only"], ins, penv)
    x = sqlproc.why(error_of(ev)) or ""
    check("set by the --read-only flag" in x and "profile's read_only" not in x,
          f"--read-only on a profile with read_only = false: the flag is named ({x[:110]})")
    _, ev, _ = sqlproc.run(["--profiles", pdir, "--profile", "sandbox-ro"], ins, penv)
    x = sqlproc.why(error_of(ev)) or ""
    check("set by the profile's read_only = true" in x,
          f"the profile's read_only = true: the profile is named ({x[:110]})")
    _, ev, _ = sqlproc.run(["--profiles", tmp, "--profile", "nokey"],
                           "BEGIN READ ONLY; " + ins, penv)
    x = sqlproc.why(error_of(ev)) or ""
    check(error_of(ev).get("sqlstate") == "25006" and "did not ask for" in x and "profile" not in x,
          f"read-only pgiam did not ask for: neither is blamed ({x[:110]})")


def main():
    with sandbox() as env:
        penv = dict(os.environ, **env)
        pdir = env["PGIAM_SANDBOX_PROFILES"]
        with tempfile.TemporaryDirectory(prefix="pgiam-issue8-") as tmp:
            policy_checks(env, penv, tmp)
            notice_checks(penv, pdir)
            hint_why_checks(penv, pdir)
            read_only_checks(penv, pdir, tmp)
    if failures:
        print("FAILED: %d check(s):\n  %s" % (len(failures), "\n  ".join(failures)))
        sys.exit(1)
    print("all passed")


if __name__ == "__main__":
    main()
