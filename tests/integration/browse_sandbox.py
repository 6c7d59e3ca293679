"""browse_sandbox.py - `pgiam browse` (the browser's statements, catalog.h) against the
sandbox with IAM logins: schemas and tables with the role's privileges (read-only and
read-write roles), columns with the primary key's order, and keyset paging that
returns every row exactly once, in the key's order, forward and backward, on
  - a composite primary key (text, int) in a schema and table whose names have
    spaces, quotes, mixed case and non-ASCII, with keys holding quotes and
    backslashes and numbers that sort differently as text (9 < 10);
  - a table without a primary key (ctid);
  - a view (offset).
A refused table answers 42501 with the explanation. Skipped (77) without
PGIAM_SANDBOX_ENV."""
import json
import os
import subprocess
import sys

from sandbox_lib import Failure, sandbox

BIN = os.environ.get("PGIAM_BIN", "")

SCHEMA = 'Sch "ema" ü'
TABLE = 'Tab "le" 表'


class Fail(Exception):
    pass


def qi(name):
    return '"' + name.replace('"', '""') + '"'


def admin(env, sql):
    r = subprocess.run(["psql", env["PGIAM_SANDBOX_ADMIN"], "-v", "ON_ERROR_STOP=1",
                        "-qAt", "-F", "\x1f", "-c", sql], capture_output=True, text=True)
    if r.returncode:
        raise Fail("admin SQL failed: %s\n%s" % (sql, r.stderr))
    return [line.split("\x1f") for line in r.stdout.splitlines()]


def browse(env, profile, *args, expect_rc=0):
    r = subprocess.run([BIN, "browse", "--profiles", env["PGIAM_SANDBOX_PROFILES"],
                        "--profile", profile] + list(args), capture_output=True, text=True,
                       timeout=60, env=dict(os.environ, **env))
    if r.returncode != expect_rc:
        raise Fail("pgiam browse %s: exit %d (want %d)\n%s%s" % (
            " ".join(args), r.returncode, expect_rc, r.stdout, r.stderr))
    return [json.loads(line) for line in r.stdout.splitlines()]


def page(env, table, how, keys=(), limit=7, schema=SCHEMA, offset=None):
    args = ["--schema", schema, "--table", table, "--page", how, "--limit", str(limit)]
    for k in keys:
        args += ["--key", k]
    if offset is not None:
        args += ["--offset", str(offset)]
    out = browse(env, "sandbox-ro", *args)
    head, rows = out[0], out[1:]
    if head.get("page") != how or head.get("rows") != len(rows) or len(rows) > limit:
        raise Fail("page header %r for %d rows" % (head, len(rows)))
    return head, rows


def walk_forward(env, table, limit=7, schema=SCHEMA):
    head, rows = page(env, table, "first", limit=limit, schema=schema)
    seen = list(rows)
    while len(rows) == limit:
        head, rows = page(env, table, "next", rows[-1]["key"], limit=limit, schema=schema)
        seen += rows
    return head, seen


def walk_backward(env, table, limit=7, schema=SCHEMA):
    head, rows = page(env, table, "last", limit=limit, schema=schema)
    seen = list(rows)
    while len(rows) == limit:
        head, rows = page(env, table, "prev", rows[0]["key"], limit=limit, schema=schema)
        seen = rows + seen
    return seen


def main():
    if not BIN:
        raise Fail("PGIAM_BIN is not set")
    # The shared sandbox (PGIAM_SANDBOX_ENV), or a private one for this test.
    with sandbox() as env:
        try:
            browse_all(env)
        finally:
            # a failure must not leave its schema in the shared sandbox: other tests
            # open "the first schema" and would find this one before public
            admin(env, "DROP SCHEMA IF EXISTS %s CASCADE" % qi(SCHEMA))


def browse_all(env):
    tenants = ["a", "B", "b", "O'Brien\\x", "é", "東京", "Z z"]
    values = ", ".join("(%s, %d, 'v %s %d')" % ("'" + t.replace("'", "''") + "'", n,
                                                t.replace("'", "''"), n)
                       for t in tenants for n in range(1, 13))
    admin(env, "DROP SCHEMA IF EXISTS %s CASCADE;" % qi(SCHEMA) +
          "CREATE SCHEMA %s;" % qi(SCHEMA) +
          "CREATE TABLE %s.%s (%s text, n int, %s text, PRIMARY KEY (%s, n));" % (
              qi(SCHEMA), qi(TABLE), qi("Ten ant"), qi("Val ue"), qi("Ten ant")) +
          "INSERT INTO %s.%s VALUES %s;" % (qi(SCHEMA), qi(TABLE), values) +
          "CREATE TABLE %s.nopk (n int, s text);" % qi(SCHEMA) +
          "INSERT INTO %s.nopk SELECT x, 'r' || x FROM generate_series(1, 40) x;" % qi(SCHEMA) +
          "CREATE VIEW %s.v AS SELECT x AS n FROM generate_series(1, 30) x;" % qi(SCHEMA) +
          "CREATE TABLE %s.hidden (id int PRIMARY KEY);" % qi(SCHEMA) +
          "CREATE TABLE %s.nums (id bigint PRIMARY KEY);" % qi(SCHEMA) +
          "INSERT INTO %s.nums SELECT generate_series(1, 25);" % qi(SCHEMA) +
          "GRANT USAGE ON SCHEMA %s TO readonly_role;" % qi(SCHEMA) +
          "GRANT SELECT ON %s.%s, %s.nopk, %s.v, %s.nums TO readonly_role;" % (
              qi(SCHEMA), qi(TABLE), qi(SCHEMA), qi(SCHEMA), qi(SCHEMA)))
    # (ORDER BY t.n, not n: a bare n would be the output column, n as text)
    want = admin(env, "SELECT t.%s, t.n::text, t.%s FROM %s.%s AS t ORDER BY t.%s, t.n" % (
        qi("Ten ant"), qi("Val ue"), qi(SCHEMA), qi(TABLE), qi("Ten ant")))

    # Schemas and tables, with counts and the role's privileges.
    schemas = {s["schema"]: s for s in browse(env, "sandbox-ro")}
    if schemas.get(SCHEMA, {}).get("tables") != "5" or "public" not in schemas:
        raise Fail("schemas: %r" % schemas)
    ro = {t["table"]: t for t in browse(env, "sandbox-ro", "--schema", "public")}
    rw = {t["table"]: t for t in browse(env, "sandbox-rw", "--schema", "public")}
    if [ro["customers"][p] for p in ("select", "insert", "update", "delete")] != \
            ["t", "f", "f", "f"]:
        raise Fail("read-only role on customers: %r" % ro["customers"])
    if [rw["customers"][p] for p in ("select", "insert", "update", "delete")] != \
            ["t", "t", "t", "t"]:
        raise Fail("read-write role on customers: %r" % rw["customers"])
    mine = {t["table"]: t for t in browse(env, "sandbox-ro", "--schema", SCHEMA)}
    if mine["hidden"]["select"] != "f" or mine[TABLE]["select"] != "t" or \
            mine["v"]["kind"] != "view":
        raise Fail("tables of %s: %r" % (SCHEMA, mine))

    cols = browse(env, "sandbox-ro", "--schema", SCHEMA, "--table", TABLE, "--columns")
    if [(c["column"], c["pk_position"]) for c in cols] != \
            [("Ten ant", "1"), ("n", "2"), ("Val ue", None)]:
        raise Fail("columns: %r" % cols)

    # Composite key: every row once, in order, both ways.
    head, seen = walk_forward(env, TABLE)
    if head["keyed_by"] != "pk" or head["keys"] != ["Ten ant", "n"]:
        raise Fail("page header: %r" % head)
    got = [r["row"] for r in seen]
    if got != want:
        raise Fail("forward paging differs from ORDER BY:\n%r\n%r" % (got[:20], want[:20]))
    if [r["row"] for r in walk_backward(env, TABLE)] != want:
        raise Fail("backward paging differs from ORDER BY")

    # ctid and offset.
    head, seen = walk_forward(env, "nopk", limit=9)
    if head["keyed_by"] != "ctid" or sorted(int(r["row"][0]) for r in seen) != \
            list(range(1, 41)) or len(seen) != 40:
        raise Fail("ctid paging: %r" % [r["row"] for r in seen])
    if [r["row"][0] for r in walk_backward(env, "nopk", limit=9)] != \
            [r["row"][0] for r in seen]:
        raise Fail("ctid paging backward differs")
    head, rows = page(env, "v", "first", limit=8, offset=24)
    if head["keyed_by"] != "offset" or [r["row"][0] for r in rows] != \
            [str(x) for x in range(25, 31)]:
        raise Fail("offset paging: %r %r" % (head, rows))

    # Numbers page in number order, not text order (the key compared as its type).
    head, rows = page(env, "nums", "next", ["9"], limit=2)
    if [r["key"] for r in rows] != [["10"], ["11"]]:
        raise Fail("nums after 9: %r" % rows)

    # A refused table: 42501 with the explanation, exit 1.
    out = browse(env, "sandbox-ro", "--schema", SCHEMA, "--table", "hidden", expect_rc=1)
    if out[-1].get("sqlstate") != "42501" or "lacks SELECT" not in out[-1].get("error", ""):
        raise Fail("refused table: %r" % out)
    # Bad usage is a one-line error.
    r = subprocess.run([BIN, "browse", "--profiles", env["PGIAM_SANDBOX_PROFILES"],
                        "--profile", "sandbox-ro", "--schema", SCHEMA, "--table", TABLE,
                        "--page", "next"], capture_output=True, text=True,
                       env=dict(os.environ, **env))
    if r.returncode != 2 or "needs 2 --key" not in r.stderr:
        raise Fail("missing keys: %d %r" % (r.returncode, r.stderr))
    print("ok")


if __name__ == "__main__":
    try:
        main()
    except (Fail, Failure) as e:
        print("FAIL: %s" % e)
        sys.exit(1)
