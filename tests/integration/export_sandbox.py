"""export_sandbox.py - issue 12: `pgiam sql --output FILE` against the sandbox with an
IAM login writes exactly what psql's \\copy writes, byte for byte: CSV with a header
(quoting of commas, quotes, CR and LF, the empty string apart from NULL, non-ASCII,
json, arrays, bytea, numbers, timestamps) and, with --no-header, TSV as COPY's text
format; JSON lines with typed values; the file is created 0600 and an existing file
keeps its mode; the whole of big_table is streamed (the event says how many rows);
bad usage is a one-line error. The shared sandbox (PGIAM_SANDBOX_ENV) or a private one."""
import json
import os
import stat
import subprocess
import sys
import tempfile

from sandbox_lib import Failure, sandbox

BIN = os.environ.get("PGIAM_BIN", "")

HOSTILE = r"""select * from (values
  (1, 'plain', 12.50::numeric, '{"a": [1, "x,y"]}'::jsonb, array['a,b', NULL, 'q"x'],
   '\x00ff41'::bytea, true, timestamptz '2024-01-02 03:04:05+00'),
  (2, 'comma, "quote" and' || chr(10) || 'a newline' || chr(13) || chr(10) || 'crlf', -0.001,
   'null'::jsonb, array[]::text[], ''::bytea, false, null),
  (3, '', null, null, null, null, null, timestamptz 'infinity'),
  (4, null, 'NaN'::numeric, '[]'::jsonb, array['日本語'], '\x5c2e'::bytea, null, null),
  (5, '\.', 1e30::numeric, '"s"'::jsonb, array['tab' || chr(9) || 'x'], null, true,
   null)
) as t("id", "a,b name", "amount", "doc", "tags", "raw", "ok", "at") order by 1"""


class Fail(Exception):
    pass


def pgiam_sql(env, sql, *args, expect_rc=0):
    r = subprocess.run([BIN, "sql", "--profiles", env["PGIAM_SANDBOX_PROFILES"], "--profile",
                        "sandbox-ro", "-c", sql] + list(args), capture_output=True, text=True,
                       env=dict(os.environ, **env))
    if r.returncode != expect_rc:
        raise Fail("pgiam sql %r exited %d:\n%s\n%s" % (args, r.returncode, r.stdout, r.stderr))
    return [json.loads(line) for line in r.stdout.splitlines()], r.stderr


def psql_copy(env, sql, path, options):
    r = subprocess.run(["psql", "-X", "-q", env["PGIAM_SANDBOX_ADMIN"], "-v", "ON_ERROR_STOP=1",
                        "-c", "\\copy (%s) to '%s' %s" % (sql.replace("\n", " "), path,
                                                           options)],
                       capture_output=True, text=True)
    if r.returncode:
        raise Fail("psql \\copy failed: %s" % r.stderr)
    with open(path, "rb") as f:
        return f.read()


def read(path):
    with open(path, "rb") as f:
        return f.read()


def same(ours, theirs, what):
    if ours != theirs:
        raise Fail("%s differs from psql's \\copy:\npgiam: %r\npsql:  %r" % (what, ours[:600],
                                                                            theirs[:600]))


def main():
    with sandbox() as env:
        d = tempfile.mkdtemp(prefix="pgiam-export-")
        try:
            run(env, d)
        finally:
            for name in os.listdir(d):
                os.unlink(os.path.join(d, name))
            os.rmdir(d)


def run(env, d):
    csv_path, ref = os.path.join(d, "hostile.csv"), os.path.join(d, "ref.csv")
    events, err = pgiam_sql(env, HOSTILE, "--output", csv_path)
    same(read(csv_path), psql_copy(env, HOSTILE, ref, "csv header"), "CSV of hostile values")
    if stat.S_IMODE(os.stat(csv_path).st_mode) != 0o600:
        raise Fail("the export was created mode %o, not 0600" % os.stat(csv_path).st_mode)
    ex = [e for e in events if e.get("event") == "export"]
    if not ex or ex[0]["rows"] != 5 or not ex[0]["complete"] or "rows/s" not in err:
        raise Fail("no export event for 5 rows or no progress line: %r %r" % (events, err))
    if any(e.get("event") == "row" for e in events):
        raise Fail("rows went to stdout as well as to the file: %r" % events)

    # an existing file keeps its mode; TSV without a header is COPY's text format
    tsv_path = os.path.join(d, "hostile.tsv")
    with open(tsv_path, "w") as f:
        f.write("old content that is longer than nothing\n" * 100)
    os.chmod(tsv_path, 0o640)
    pgiam_sql(env, HOSTILE, "--output", tsv_path, "--format", "tsv", "--no-header")
    same(read(tsv_path), psql_copy(env, HOSTILE, os.path.join(d, "ref.tsv"), ""),
         "TSV of hostile values")
    if stat.S_IMODE(os.stat(tsv_path).st_mode) != 0o640:
        raise Fail("an existing file's mode changed to %o" % os.stat(tsv_path).st_mode)

    # JSON lines: numbers as numbers, NaN as a string, json embedded, NULL as null
    jl = os.path.join(d, "hostile.jsonl")
    pgiam_sql(env, HOSTILE, "--output", jl, "--format", "jsonl")
    rows = [json.loads(line) for line in read(jl).decode().splitlines()]
    if len(rows) != 5 or rows[0]["amount"] != 12.5 or rows[0]["doc"] != {"a": [1, "x,y"]} \
            or rows[0]["ok"] is not True or rows[2]["a,b name"] != "" or \
            rows[3]["a,b name"] is not None or rows[3]["amount"] != "NaN" or \
            rows[1]["doc"] is not None or rows[0]["tags"] != '{"a,b",NULL,"q\\"x"}':
        raise Fail("JSON lines: %r" % rows)
    js = os.path.join(d, "hostile.json")
    pgiam_sql(env, HOSTILE, "--output", js, "--format", "json")
    if json.loads(read(js)) != rows:
        raise Fail("the JSON array differs from the JSON lines: %s" % read(js)[:400])

    # all of big_table, streamed
    big = "select * from big_table order by id"
    big_path = os.path.join(d, "big.csv")
    events, _ = pgiam_sql(env, big, "--output", big_path)
    same(read(big_path), psql_copy(env, big, os.path.join(d, "refbig.csv"), "csv header"),
         "CSV of big_table")

    # bad usage: one line, exit 2
    for args, text in ((["--output", csv_path, "--format", "xml"], "not csv, tsv, json"),
                       (["--format", "csv"], "go with --output")):
        r = subprocess.run([BIN, "sql", "--profiles", env["PGIAM_SANDBOX_PROFILES"], "--profile",
                            "sandbox-ro", "-c", "select 1"] + args, capture_output=True,
                           text=True, env=dict(os.environ, **env))
        if r.returncode != 2 or text not in r.stderr or r.stderr.count("\n") != 1:
            raise Fail("bad usage %r: %d %r" % (args, r.returncode, r.stderr))
    print("ok")


if __name__ == "__main__":
    try:
        main()
    except (Fail, Failure) as e:
        print("FAIL: %s" % e)
        sys.exit(1)
