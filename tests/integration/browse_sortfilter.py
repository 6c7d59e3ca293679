"""browse_sortfilter.py - issue 13: `pgiam browse --order/--where/--search` against the
sandbox with IAM logins.

  - Sort by the server on a composite-key table: for an indexed NOT NULL column, a
    nullable column without an index (NULLs included, last going up and first going
    down) and two columns in mixed directions, paging forward (first, next …) and
    backward (last, prev …) returns every row exactly once, in the order PostgreSQL's
    own ORDER BY gives; the header says whether an index serves the sort.
  - A filter is sent as written: the rows match the server's own WHERE; an invalid one
    is the server's error (exit 1), and `1=1); DROP TABLE x; --` and
    `1=1); DROP TABLE x; SELECT (1` (which the simple protocol would run as three
    statements) fail as syntax errors (42601) with the table still there, run by the
    read-write login that owns the table and could drop it.
  - Search finds text in any column, with % and _ matched as themselves.
Skipped (77) without PGIAM_SANDBOX_ENV (or a private sandbox)."""
import json
import os
import subprocess
import sys

from sandbox_lib import Failure, sandbox

BIN = os.environ.get("PGIAM_BIN", "")
SCHEMA = "zz13 sort"   # after public: other tests open the first schema


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


def browse(env, *args, expect_rc=0, profile="sandbox-ro"):
    r = subprocess.run([BIN, "browse", "--profiles", env["PGIAM_SANDBOX_PROFILES"],
                        "--profile", profile, "--schema", SCHEMA] + list(args),
                       capture_output=True, text=True, timeout=60, env=dict(os.environ, **env))
    if r.returncode != expect_rc:
        raise Fail("pgiam browse %s: exit %d (want %d)\n%s%s" % (
            " ".join(args), r.returncode, expect_rc, r.stdout, r.stderr))
    return [json.loads(line) for line in r.stdout.splitlines()]


def page(env, how, keys, extra, limit):
    args = ["--table", "comp", "--page", how, "--limit", str(limit)] + extra
    for k in keys:
        args += ["--key-null"] if k is None else ["--key", k]
    out = browse(env, *args)
    head, rows = out[0], out[1:]
    if head.get("rows") != len(rows) or len(rows) > limit:
        raise Fail("page header %r for %d rows" % (head, len(rows)))
    return head, rows


def walk(env, extra, limit, backward=False):
    head, rows = page(env, "last" if backward else "first", [], extra, limit)
    seen = list(rows)
    while len(rows) == limit:
        if backward:
            head, rows = page(env, "prev", rows[0]["key"], extra, limit)
            seen = rows + seen
        else:
            head, rows = page(env, "next", rows[-1]["key"], extra, limit)
            seen += rows
    return head, [r["row"] for r in seen]


def setup(env):
    rows = []
    for i in range(1, 58):
        a = ["x", "y", "O'B", "z"][i % 4]
        name = "NULL" if i % 5 == 0 else "'n%02d'" % (i % 11)
        rows.append("('%s', %d, %s, %d)" % (a.replace("'", "''"), i, name, i % 7))
    admin(env, "DROP SCHEMA IF EXISTS %s CASCADE;" % qi(SCHEMA) +
          "CREATE SCHEMA %s;" % qi(SCHEMA) +
          "CREATE TABLE %s.comp (a text, b int, name text, score int NOT NULL,"
          " PRIMARY KEY (a, b));" % qi(SCHEMA) +
          "CREATE INDEX ON %s.comp (score);" % qi(SCHEMA) +
          "INSERT INTO %s.comp VALUES %s;" % (qi(SCHEMA), ", ".join(rows)) +
          "INSERT INTO %s.comp VALUES ('p', 1, '50%% off_x', 3), ('p', 2, '50 off', 3);"
          % qi(SCHEMA) +
          "CREATE TABLE %s.victim (id int);" % qi(SCHEMA) +
          # the read-write login owns it: a second statement could drop it
          "ALTER TABLE %s.victim OWNER TO iam_rw_user;" % qi(SCHEMA) +
          "GRANT USAGE ON SCHEMA %s TO readonly_role, iam_rw_user;" % qi(SCHEMA) +
          "GRANT SELECT ON %s.comp TO iam_rw_user;" % qi(SCHEMA) +
          "GRANT SELECT ON ALL TABLES IN SCHEMA %s TO readonly_role;" % qi(SCHEMA))


def want(env, order_by, where="TRUE"):
    got = admin(env, "SELECT t.a, t.b::text, coalesce(t.name, '\x01'), t.score::text"
                " FROM %s.comp AS t WHERE %s ORDER BY %s" % (qi(SCHEMA), where, order_by))
    return [[None if v == "\x01" else v for v in r] for r in got]


def check_sorts(env):
    cases = [
        (["--order", "score"], "t.score, t.a, t.b", True),
        (["--order", "score:desc"], "t.score DESC, t.a DESC, t.b DESC", True),
        (["--order", "name"], "t.name, t.a, t.b", False),
        (["--order", "name:desc"], "t.name DESC, t.a DESC, t.b DESC", False),
        (["--order", "name", "--order", "score:desc"],
         "t.name, t.score DESC, t.a DESC, t.b DESC", False),
    ]
    for extra, order_by, indexed in cases:
        expect = want(env, order_by)
        for back in (False, True):
            head, got = walk(env, extra, 12, backward=back)
            if got != expect:
                raise Fail("%s %s: paging differs from ORDER BY %s:\n%r\n%r" % (
                    extra, "backward" if back else "forward", order_by, got, expect))
        if head["order"][0]["indexed"] != indexed or \
                (not indexed and "sorts the table" not in head["order"][0]["note"]):
            raise Fail("%s: order header %r" % (extra, head["order"]))
    out = browse(env, "--table", "comp", "--order", "nosuch", expect_rc=2)
    if out:
        raise Fail("unknown sort column printed %r" % out)


def check_filters(env):
    head, got = walk(env, ["--where", "score > 3 AND name IS NOT NULL",
                           "--order", "score"], 5)
    expect = want(env, "t.score, t.a, t.b", "score > 3 AND name IS NOT NULL")
    if got != expect or head.get("where") != "score > 3 AND name IS NOT NULL":
        raise Fail("filtered paging: %r\n%r" % (got, expect))
    out = browse(env, "--table", "comp", "--where", "nosuchcol = 1", expect_rc=1)
    if out[-1].get("sqlstate") != "42703":
        raise Fail("bad filter: %r" % out)
    for evil in ("1=1); DROP TABLE %s.victim; --" % qi(SCHEMA),
                 "1=1); DROP TABLE %s.victim; SELECT (1" % qi(SCHEMA)):
        # the read-write login, which owns the table: only the protocol stands between
        out = browse(env, "--table", "comp", "--where", evil, expect_rc=1,
                     profile="sandbox-rw")
        if out[-1].get("sqlstate") != "42601":
            raise Fail("filter %r: want a syntax error, got %r" % (evil, out))
        if admin(env, "SELECT to_regclass('%s.victim') IS NOT NULL" %
                 qi(SCHEMA).replace("'", "''")) != [["t"]]:
            raise Fail("filter %r dropped the table" % evil)
    # search: % and _ are themselves
    head, rows = page(env, "first", [], ["--search", "50% OFF_"], 50)
    if [r["row"][2] for r in rows] != ["50% off_x"]:
        raise Fail("search: %r" % rows)
    head, rows = page(env, "first", [], ["--search", "o'b"], 50)
    if not rows or any(r["row"][0] != "O'B" for r in rows):
        raise Fail("search o'b: %r" % rows)


def main():
    if not BIN:
        raise Fail("PGIAM_BIN is not set")
    with sandbox() as env:
        try:
            setup(env)
            check_sorts(env)
            check_filters(env)
        finally:
            admin(env, "DROP SCHEMA IF EXISTS %s CASCADE" % qi(SCHEMA))
    print("ok")


if __name__ == "__main__":
    try:
        main()
    except (Fail, Failure) as e:
        print("FAIL: %s" % e)
        sys.exit(1)
