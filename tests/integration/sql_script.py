#!/usr/bin/python3
"""sql_script.py - `pgiam sql < file` runs statements as the core's splitter cuts them,
never line by line (issue 12): a statement across lines runs whole (a "delete from t"
line never runs without the "where" on the next line), a dollar-quoted function body
with ';' inside, E'' strings, quoted identifiers and comments holding ';' stay in
their statement, a 100 KB statement runs, and the last statement without ';' runs at
the end of the input, as psql runs it."""
import os
import subprocess

from sandbox_lib import check, run

BIN = os.environ.get("PGIAM_BIN", "build/pgiam")

SCRIPT = """create temp table t as select g as id from generate_series(1, 3) g;
delete from t
  where id = 1;
select count(*) as left_after_delete from t;
create function pg_temp.f(x int) returns text language plpgsql as $fn$
begin
  -- a ';' in here is the function's
  return 'got; ' || x;
end;
$fn$;
select pg_temp.f(41 + 1) as fn_result;
select E'it\\'s; fine' as e_string, 'a;b' as "x;y" /* c; /* nested; */ c */;
-- a comment line; with a semicolon
select 'no semicolon at the end' as last_one
"""


def events(env, script):
    p = subprocess.run([BIN, "sql", "--profiles", env["PGIAM_SANDBOX_PROFILES"], "--profile",
                        "sandbox-ro", "--no-read-only"], input=script, capture_output=True,
                       text=True, env=dict(os.environ, **env), timeout=120)
    import json
    return p.returncode, [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")], p.stderr


def rows_after(evs, column):
    """The first value of the rows of the result whose first column is named column."""
    for i, e in enumerate(evs):
        if e["event"] == "columns" and e["names"][0] == column:
            return [r["values"][0] for r in evs[i + 1:] if r["event"] == "row"][:1]
    return None


def main(env):
    rc, evs, err = events(env, SCRIPT)
    queries = [e["sql"] for e in evs if e["event"] == "query"]
    errors = [e for e in evs if e["event"] == "error"]
    check(rc == 0 and not errors, f"the script runs without an error ({errors[:1]} {err[:300]})")
    check(len(queries) == 7, f"7 statements sent, one per statement ({len(queries)}: {queries})")
    check(queries[1] == "delete from t\n  where id = 1;",
          f"the delete ran with its where clause ({queries[1]!r})")
    check(rows_after(evs, "left_after_delete") == ["2"], "the delete removed one row, not all")
    check(queries[3].startswith("create function") and "got; " in queries[3] and
          queries[3].endswith("$fn$;"), "the dollar-quoted body stays in its statement")
    check(rows_after(evs, "fn_result") == ["got; 42"], "the function runs as written")
    check(rows_after(evs, "e_string") == ["it's; fine"], "E'' string with \\' and ;")
    check(queries[-1] == "-- a comment line; with a semicolon\nselect 'no semicolon at the end' "
          "as last_one",
          "the last statement, without ';', runs at the end of the input")
    check(rows_after(evs, "last_one") == ["no semicolon at the end"], "its row came back")

    big = "select length('" + "x" * 100_000 + "') as big_len;\n"
    rc, evs, err = events(env, big)
    check(rc == 0 and rows_after(evs, "big_len") == ["100000"], f"a 100 KB statement runs ({err[:200]})")

    rc, evs, err = events(env, "select 1 as a;\n\\info\n\\nope\nselect 2 as b;\n")
    kinds = [e["event"] for e in evs if e["event"] in ("info", "error", "query")]
    check(kinds == ["query", "info", "error", "query"], f"backslash lines act between statements ({kinds})")


run(main)
