"""browse_structure.py - issue 13: `pgiam browse --structure` against the sandbox with
an IAM login. A table with every constraint kind (primary key, foreign key with its
target and actions, unique, check, exclusion), an identity column, a generated
column, a collation, a default, a partial index, a trigger, comments and a grant
shows each of them; the referenced table lists it under referenced_by; a partitioned
table lists its partitions with their bounds and a partition its parent; the DDL,
run after dropping the table, rebuilds a table whose structure is the same (columns,
constraints, indexes, triggers, comments). A missing table is an error (exit 1).
Skipped (77) without PGIAM_SANDBOX_ENV (or a private sandbox)."""
import json
import os
import subprocess
import sys

from sandbox_lib import Failure, sandbox

BIN = os.environ.get("PGIAM_BIN", "")
S = "zz13_struct"   # after public: other tests open the first schema


class Fail(Exception):
    pass


def admin(env, sql):
    r = subprocess.run(["psql", env["PGIAM_SANDBOX_ADMIN"], "-v", "ON_ERROR_STOP=1",
                        "-qAt", "-c", sql], capture_output=True, text=True)
    if r.returncode:
        raise Fail("admin SQL failed: %s\n%s" % (sql, r.stderr))
    return r.stdout


def structure(env, table, expect_rc=0):
    r = subprocess.run([BIN, "browse", "--profiles", env["PGIAM_SANDBOX_PROFILES"],
                        "--profile", "sandbox-ro", "--schema", S, "--table", table,
                        "--structure"], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, **env))
    if r.returncode != expect_rc:
        raise Fail("--structure %s: exit %d\n%s%s" % (table, r.returncode, r.stdout, r.stderr))
    return json.loads(r.stdout)


SETUP = """
DROP SCHEMA IF EXISTS {s} CASCADE; CREATE SCHEMA {s};
CREATE TABLE {s}.ref (id int PRIMARY KEY, code text UNIQUE);
CREATE TABLE {s}.every (
  id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code text COLLATE "C" DEFAULT 'x',
  qty int NOT NULL CONSTRAINT qty_positive CHECK (qty > 0),
  total int GENERATED ALWAYS AS (qty * 2) STORED,
  ref_id int CONSTRAINT every_ref REFERENCES {s}.ref (id)
    ON DELETE CASCADE ON UPDATE SET NULL,
  during tsrange,
  CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&),
  CONSTRAINT code_qty UNIQUE (code, qty));
CREATE INDEX big_qty ON {s}.every (qty) WHERE qty > 10;
CREATE FUNCTION {s}.touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER every_touch BEFORE UPDATE ON {s}.every FOR EACH ROW EXECUTE FUNCTION {s}.touch();
COMMENT ON TABLE {s}.every IS 'every kind, it''s here';
COMMENT ON COLUMN {s}.every.qty IS 'how many';
CREATE TABLE {s}.parted (id int, d date) PARTITION BY RANGE (d);
CREATE TABLE {s}.parted_2025 PARTITION OF {s}.parted FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE {s}.parted_2026 PARTITION OF {s}.parted FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
GRANT USAGE ON SCHEMA {s} TO readonly_role;
GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO readonly_role;
"""


def same_shape(st):
    """What the DDL must rebuild: names and definitions, not sizes or statistics."""
    return {k: st[k] for k in ("columns", "constraints", "triggers", "comment")} | {
        "indexes": [{k: i[k] for k in ("name", "definition", "unique", "primary")}
                    for i in st["indexes"]]}


def check_every(env):
    st = structure(env, "every")
    kinds = {c["name"]: c for c in st["constraints"]}
    if sorted(c["kind"] for c in st["constraints"]) != \
            ["check", "exclusion", "foreign key", "primary key", "unique"]:
        raise Fail("constraint kinds: %r" % st["constraints"])
    fk = kinds["every_ref"]
    if (fk["target_table"], fk["target_columns"], fk["on_delete"], fk["on_update"]) != \
            ("%s.ref" % S, "id", "CASCADE", "SET NULL") or st["foreign_keys"] != [fk]:
        raise Fail("foreign key: %r" % fk)
    if "(qty > 0)" not in kinds["qty_positive"]["definition"] or \
            "EXCLUDE USING gist (during WITH &&)" != kinds["no_overlap"]["definition"] or \
            kinds["code_qty"]["columns"] != "code, qty":
        raise Fail("constraint definitions: %r" % kinds)
    cols = {c["name"]: c for c in st["columns"]}
    if cols["id"]["identity"] != "always" or cols["total"]["generated"] != "(qty * 2)" or \
            "C" not in (cols["code"]["collation"] or "") or cols["code"]["default"] != "'x'::text" \
            or cols["qty"]["nullable"] is not False or cols["qty"]["comment"] != "how many":
        raise Fail("columns: %r" % cols)
    idx = {i["name"]: i for i in st["indexes"]}
    if "WHERE (qty > 10)" not in idx["big_qty"]["definition"] or idx["big_qty"]["constraint"] \
            or not idx["every_pkey"]["primary"] or not idx["big_qty"]["valid"]:
        raise Fail("indexes: %r" % idx)
    if [t["name"] for t in st["triggers"]] != ["every_touch"] or \
            st["comment"] != "every kind, it's here" or st["owner"] != "pgiam_admin" or \
            st["relkind"] != "r" or not st["size"]:
        raise Fail("triggers, comment, owner: %r" % st)
    privs = {p["grantee"]: p["privileges"] for p in st["privileges"]}
    if privs.get("readonly_role") != "SELECT" or "TRUNCATE" not in privs.get("pgiam_admin", ""):
        raise Fail("privileges: %r" % st["privileges"])
    for want in ('CREATE TABLE "%s"."every" (' % S, "GENERATED ALWAYS AS IDENTITY",
                 'CONSTRAINT "every_ref" FOREIGN KEY', "CREATE INDEX big_qty",
                 "CREATE TRIGGER every_touch", "COMMENT ON TABLE", "'every kind, it''s here'"):
        if want not in st["ddl"]:
            raise Fail("the DDL lacks %r:\n%s" % (want, st["ddl"]))
    ref = structure(env, "ref")
    if [(r["constraint"], r["table"], r["columns"]) for r in ref["referenced_by"]] != \
            [("every_ref", "%s.every" % S, "ref_id")]:
        raise Fail("referenced_by: %r" % ref["referenced_by"])
    # The DDL rebuilds the same table.
    admin(env, "DROP TABLE %s.every; %s GRANT SELECT ON %s.every TO readonly_role" % (
        S, st["ddl"], S))
    again = structure(env, "every")
    if same_shape(again) != same_shape(st):
        raise Fail("the DDL rebuilt a different table:\n%r\n%r" % (
            same_shape(again), same_shape(st)))


def check_parted(env):
    st = structure(env, "parted")
    if st["relkind"] != "p" or st["partition_key"] != "RANGE (d)" or \
            [p["table"] for p in st["partitions"]] != ["%s.parted_2025" % S, "%s.parted_2026" % S] \
            or "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')" != st["partitions"][0]["bound"]:
        raise Fail("partitions: %r" % st)
    part = structure(env, "parted_2026")
    if [p["table"] for p in part["parents"]] != ["%s.parted" % S] or \
            "PARTITION OF %s.parted" % S not in part["ddl"]:
        raise Fail("parent: %r" % part)
    out = structure(env, "nosuch", expect_rc=1)
    if "no such table" not in out.get("error", ""):
        raise Fail("missing table: %r" % out)


def main():
    if not BIN:
        raise Fail("PGIAM_BIN is not set")
    with sandbox() as env:
        try:
            admin(env, SETUP.format(s=S))
            check_every(env)
            check_parted(env)
        finally:
            admin(env, "DROP SCHEMA IF EXISTS %s CASCADE" % S)
    print("ok")


if __name__ == "__main__":
    try:
        main()
    except (Fail, Failure) as e:
        print("FAIL: %s" % e)
        sys.exit(1)
