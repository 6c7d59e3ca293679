#!/usr/bin/python3
"""explain_sandbox.py - `pgiam sql --explain [--analyze]` against the sandbox (issue 12):
EXPLAIN ANALYZE of an INSERT and of a DELETE of every row runs them inside BEGIN …
ROLLBACK: the plan tree shows the actual rows, and afterwards the table holds what it
held (counted by the admin over its own connection); a plain EXPLAIN runs nothing; the
same tree as JSON; more than one statement, or an EXPLAIN already, is a usage error.
The INSERT gives its id (no nextval, so no sequence moves for other tests)."""
import json
import os
import subprocess

from sandbox_lib import check, run

BIN = os.environ.get("PGIAM_BIN", "build/pgiam")


def admin(env, sql):
    r = subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql,
                        env["PGIAM_SANDBOX_ADMIN"]], capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, f"admin: {sql} ({r.stderr.strip()})")
    return r.stdout.strip()


def explain(env, sql, *flags, profile="sandbox-rw"):
    args = [BIN, "sql", "--profiles", env["PGIAM_SANDBOX_PROFILES"], "--profile", profile,
            "--explain", *flags]
    if sql is not None:
        args += ["-c", sql]
    return subprocess.run(args, capture_output=True, text=True, env=dict(os.environ, **env),
                          timeout=120, input="" if sql is not None else "select 1 as from_stdin")


def main(env):
    before = admin(env, "select count(*) from customers")

    p = explain(env, "insert into customers (customer_id, name, email, age) values "
                "(-4242, 'explain', 'x@example.com', 1);", "--analyze")
    check(p.returncode == 0, f"EXPLAIN ANALYZE of an INSERT runs ({p.returncode}: {p.stderr[:300]})")
    check(p.stdout.startswith("Insert on customers  cost "), f"the tree's root ({p.stdout[:200]!r})")
    check("\u2514\u2500 Result  cost 0.00..0.01  rows 1 \u2192 1  time " in p.stdout,
          f"the child shows its actual rows (1 estimated → 1 actual): {p.stdout!r}")
    check("buffers hit " in p.stdout and "Execution time: " in p.stdout, "buffers and times shown")
    check("Ran inside BEGIN \u2026 ROLLBACK: nothing it did was kept." in p.stdout,
          "the output says it was rolled back")
    check("INSERT writes rows" in p.stderr, f"stderr names it as writing ({p.stderr[:200]!r})")
    check(admin(env, "select count(*) from customers where customer_id = -4242") == "0",
          "the inserted row is not there afterwards")
    check(admin(env, "select count(*) from customers") == before, "the row count is unchanged")

    p = explain(env, "delete from customers", "--analyze")
    check(p.returncode == 0 and p.stdout.startswith("Delete on customers"),
          f"EXPLAIN ANALYZE of a DELETE of every row runs ({p.stderr[:200]})")
    check(f"Seq Scan on customers  cost " in p.stdout and f"\u2192 {before}  time" in p.stdout,
          f"its scan read the {before} rows (actual rows): {p.stdout!r}")
    check(admin(env, "select count(*) from customers") == before,
          "after it every row is still there (rolled back)")

    p = explain(env, "insert into customers (customer_id, name) values (-4243, 'plain')")
    check(p.returncode == 0 and "rows 1 (est)" in p.stdout and " time " not in p.stdout,
          f"a plain EXPLAIN shows estimates only ({p.stdout!r} {p.stderr[:200]})")
    check("Ran inside" not in p.stdout, "a plain EXPLAIN is not wrapped")
    check(admin(env, "select count(*) from customers where customer_id = -4243") == "0",
          "a plain EXPLAIN ran nothing")

    p = explain(env, "select c.name from customers c join customers_ja j on j.age > c.age",
                "--analyze", "--json", profile="sandbox-ro")
    check(p.returncode == 0, f"--json ({p.stderr[:200]})")
    doc = json.loads(p.stdout)
    root = doc["plan"]
    check(doc["analyzed"] and root["node_type"] == "Nested Loop" and len(root["children"]) == 2,
          f"the parsed tree as JSON ({p.stdout[:300]})")
    check(any(n["slowest"] for n in [root] + root["children"] +
              [g for c in root["children"] for g in c["children"]]), "one node marked slowest")
    check(root["misestimate"] == "overestimated" and doc["misestimates"] >= 1,
          "the join's misestimate is marked")

    p = explain(env, None)
    check(p.returncode == 0 and p.stdout.startswith("Result  cost "), f"the statement from stdin "
          f"({p.stdout[:100]!r} {p.stderr[:200]})")
    p = explain(env, "select 1; delete from customers", "--analyze")
    check(p.returncode == 2 and "one statement" in p.stderr and not p.stdout,
          f"two statements: a usage error, nothing run ({p.returncode} {p.stderr!r})")
    check(admin(env, "select count(*) from customers") == before, "still every row")
    p = explain(env, "explain select 1")
    check(p.returncode == 2 and "EXPLAIN already" in p.stderr, "an EXPLAIN already is refused")
    p = explain(env, "select * from no_such_table")
    check(p.returncode == 19 and "42P01" in p.stderr, f"the server's error, status 19 "
          f"({p.returncode} {p.stderr!r})")
    p = subprocess.run([BIN, "sql", "--profile", "x", "--analyze", "-c", "select 1"],
                       capture_output=True, text=True, timeout=30)
    check(p.returncode == 2 and "go with --explain" in p.stderr, "--analyze alone is a usage error")


run(main)
