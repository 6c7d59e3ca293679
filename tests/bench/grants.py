#!/usr/bin/python3
"""tests/bench/grants.py - `pgiam grants` and the Grants screen on a schema of many
tables (issue 11: 5,000 tables shows in under a second on loopback), beside psql's
\\dp on the same schema in the same run.

Needs the sandbox (PGIAM_SANDBOX_ENV; `tests/sandbox/up --quiet` prints it). Creates
schema zz_grants_bench with TABLES tables (default 5000; SELECT granted to
readonly_role on each) with the admin connection, in batches, and drops it at the end
(so do not run it beside the tests). Measures, RUNS times each:
  - `pgiam grants --profile sandbox-ro --schema zz_grants_bench --json` (the whole
    command: IAM login, connect, the statement, JSON), and the same on a schema with
    no tables (so the difference is the statement and its rendering);
  - the same without --schema (every schema: public too);
  - the Grants screen: F7 on the connected screen until its title says it is done;
  - psql's \\dp zz_grants_bench.* as iam_ro_user (the admin's socket, SET ROLE), the
    peer that shows ACLs without via or has_*_privilege.
usage: tests/bench/grants.py [TABLES] [RUNS]   (PGIAM_BIN picks the binary)
"""
import json
import os
import statistics
import subprocess
import sys
import time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(root, "tests", "tui"))
os.environ.setdefault("PGIAM_BIN", os.path.join(root, "build", "pgiam"))
os.environ.setdefault("PGIAM_SOURCE_ROOT", root)
import tuilib  # noqa: E402

SCHEMA = "zz_grants_bench"
EMPTY = "zz_grants_bench_empty"


def admin(env, sql):
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", env["PGIAM_SANDBOX_ADMIN"]],
                   input=sql, text=True, check=True, capture_output=True)


def drop(env):
    # in batches too: one DROP SCHEMA … CASCADE of 5,000 tables runs out of locks
    admin(env, f"""DO $$ DECLARE r record; n int := 0; BEGIN
        IF to_regnamespace('{SCHEMA}') IS NULL THEN RETURN; END IF;
        FOR r IN SELECT relname FROM pg_class WHERE relnamespace = '{SCHEMA}'::regnamespace
          AND relkind = 'r' LIMIT 500 LOOP
          EXECUTE format('DROP TABLE {SCHEMA}.%I', r.relname); END LOOP; END $$;""")
    left = subprocess.run(["psql", "-X", "-qAt", env["PGIAM_SANDBOX_ADMIN"], "-c",
                           f"SELECT count(*) FROM pg_class WHERE relnamespace = "
                           f"to_regnamespace('{SCHEMA}')"], capture_output=True, text=True)
    if left.stdout.strip() not in ("0", ""):
        return drop(env)
    admin(env, f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; DROP SCHEMA IF EXISTS {EMPTY};")


def make(env, tables):
    drop(env)
    admin(env, f"CREATE SCHEMA {SCHEMA}; CREATE SCHEMA {EMPTY};"
               f"GRANT USAGE ON SCHEMA {SCHEMA}, {EMPTY} TO readonly_role;")
    for start in range(1, tables + 1, 500):   # a transaction's locks are limited
        end = min(start + 499, tables)
        admin(env, f"DO $$ BEGIN FOR i IN {start}..{end} LOOP EXECUTE format("
                   f"'CREATE TABLE {SCHEMA}.t%s (id int PRIMARY KEY, v text); "
                   f"GRANT SELECT ON {SCHEMA}.t%s TO readonly_role', i, i); END LOOP; END $$;")


def timed_cli(env, *args):
    t0 = time.monotonic()
    r = subprocess.run([os.environ["PGIAM_BIN"], "grants", "--profiles",
                        env["PGIAM_SANDBOX_PROFILES"], "--profile", "sandbox-ro"] + list(args),
                       capture_output=True, text=True, env=dict(os.environ, **env), timeout=120)
    dt = time.monotonic() - t0
    if r.returncode:
        raise SystemExit("pgiam grants failed: " + r.stderr)
    return dt, r.stdout


def timed_tui(env):
    t = tuilib.Tmux(140, 40)
    try:
        t.connect(env, "sandbox-ro")
        t0 = time.monotonic()
        t.send("F7")
        t.wait_for(r"Grants: \d+ objects in \d+ schemas", timeout=60)
        return time.monotonic() - t0
    finally:
        t.kill()


def timed_psql(env):
    t0 = time.monotonic()
    subprocess.run(["psql", "-X", "-q", env["PGIAM_SANDBOX_ADMIN"]], check=True,
                   input=f"SET ROLE iam_ro_user;\n\\dp {SCHEMA}.*\n", text=True,
                   capture_output=True)
    return time.monotonic() - t0


def fmt(xs):
    return "median %.3f s (min %.3f, max %.3f)" % (statistics.median(xs), min(xs), max(xs))


def main():
    tables = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    env = tuilib.sandbox_env()
    make(env, tables)
    try:
        one, out = timed_cli(env, "--schema", SCHEMA, "--json")
        n = len(json.loads(out)["sql"]["tables"])
        if n != tables:
            raise SystemExit(f"grants listed {n} tables, not {tables}")
        big = [timed_cli(env, "--schema", SCHEMA, "--json")[0] for _ in range(runs)]
        empty = [timed_cli(env, "--schema", EMPTY, "--json")[0] for _ in range(runs)]
        every = [timed_cli(env, "--json")[0] for _ in range(runs)]
        text = [timed_cli(env, "--schema", SCHEMA)[0] for _ in range(runs)]
        tui = [timed_tui(env) for _ in range(runs)]
        dp = [timed_psql(env) for _ in range(runs)]
        print(f"grants on {tables} tables, loopback, {runs} runs each")
        print(f"  pgiam grants --schema ({tables} tables) --json: {fmt(big)}")
        print(f"  pgiam grants --schema (0 tables) --json:    {fmt(empty)} (login + connect)")
        print(f"    the statement and its JSON: ~{statistics.median(big) - statistics.median(empty):.3f} s")
        print(f"  pgiam grants --json (every schema):        {fmt(every)}")
        print(f"  pgiam grants --schema (text):              {fmt(text)}")
        print(f"  Grants screen, F7 until drawn:             {fmt(tui)}")
        print(f"  peer: psql \\dp {SCHEMA}.* (socket, no login): {fmt(dp)}")
    finally:
        drop(env)


if __name__ == "__main__":
    main()
