"""grants_sandbox.py - `pgiam grants --json` (src/grants.h) against the sandbox, for the
read-only and the read-write IAM users, asserted against the server itself:
  - held, for every table, view, sequence and function of every schema and every
    privilege, equals has_table_privilege / has_sequence_privilege /
    has_function_privilege asked as the admin for that user;
  - via: the read-only user's SELECT on customers is held through readonly_role;
    the read-write user's through itself; a privilege granted to a group role the
    user holds WITH ADMIN OPTION names the group, and the membership says admin; a
    role granted to that NOINHERIT group is listed but not inherited (its TRUNCATE
    is not held);
  - a column grant (SELECT (id, name), UPDATE (salary)) shows per column and agrees
    with has_column_privilege;
  - an RLS policy: enabled, active for the user, the policy that applies and the one
    that does not;
  - a schema without USAGE is listed as such (and its table as unreachable);
  - the text form says the same (no USAGE, row security, the via);
  - pgiam_grants_object_holds() on a real session (grants_harness.c): one object's
    holds, column grants, RLS, an unknown object.
The fixtures live in schemas of the test's own (zz_grants_*, after public so the
browser tests' first schema stays public) and a group role, created at the start and
dropped in finally; they add tables that `pgiam check` counts, so the test runs
alone. Without PGIAM_SANDBOX_ENV a private sandbox is brought up (sandbox_lib)."""
import json
import os
import subprocess

from sandbox_lib import Failure, check, run

BIN = os.environ.get("PGIAM_BIN", "")
FX = "zz_grants_fx"
NOUSAGE = "zz_grants_nousage"
GROUP = "zz_grants_group"
INNER = "zz_grants_inner"

SETUP = f"""
CREATE SCHEMA {FX};
GRANT USAGE ON SCHEMA {FX} TO readonly_role, iam_rw_user;
CREATE TABLE {FX}.staff (id int PRIMARY KEY, name text, salary int, owner text);
GRANT SELECT (id, name), UPDATE (salary) ON {FX}.staff TO iam_ro_user;
GRANT SELECT, INSERT, UPDATE ON {FX}.staff TO iam_rw_user;
CREATE ROLE {GROUP};
GRANT {GROUP} TO iam_rw_user WITH ADMIN OPTION;
GRANT DELETE ON {FX}.staff TO {GROUP};
CREATE ROLE {INNER};
ALTER ROLE {GROUP} NOINHERIT;
GRANT {INNER} TO {GROUP};
GRANT TRUNCATE ON {FX}.staff TO {INNER};
ALTER TABLE {FX}.staff ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON {FX}.staff FOR SELECT TO iam_rw_user USING (owner = current_user);
CREATE POLICY admins ON {FX}.staff FOR ALL TO pgiam_admin USING (true);
CREATE VIEW {FX}.staff_names AS SELECT id, name FROM {FX}.staff;
GRANT SELECT ON {FX}.staff_names TO readonly_role;
CREATE SEQUENCE {FX}.ticket;
GRANT USAGE ON SEQUENCE {FX}.ticket TO iam_rw_user;
CREATE FUNCTION {FX}.twice(int) RETURNS int LANGUAGE sql AS 'SELECT 2 * $1';
REVOKE EXECUTE ON FUNCTION {FX}.twice(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {FX}.twice(int) TO iam_rw_user;
CREATE SCHEMA {NOUSAGE};
CREATE TABLE {NOUSAGE}.hidden (id int);
GRANT SELECT ON {NOUSAGE}.hidden TO readonly_role;
"""

TEARDOWN = f"""
DROP SCHEMA IF EXISTS {FX} CASCADE;
DROP SCHEMA IF EXISTS {NOUSAGE} CASCADE;
DO $$ BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{INNER}') THEN
    EXECUTE 'DROP ROLE {INNER}';
  END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{GROUP}') THEN
    EXECUTE 'REVOKE {GROUP} FROM iam_rw_user';
    EXECUTE 'DROP ROLE {GROUP}';
  END IF;
END $$;
"""


def admin(env, sql):
    r = subprocess.run(["psql", env["PGIAM_SANDBOX_ADMIN"], "-v", "ON_ERROR_STOP=1",
                        "-qAt", "-F", "\x1f", "-c", sql], capture_output=True, text=True)
    if r.returncode:
        raise Failure("admin SQL failed: %s\n%s" % (sql, r.stderr))
    return [line.split("\x1f") for line in r.stdout.splitlines()]


def grants(env, profile, *args):
    r = subprocess.run([BIN, "grants", "--profiles", env["PGIAM_SANDBOX_PROFILES"],
                        "--profile", profile] + list(args), capture_output=True, text=True,
                       timeout=90, env=dict(os.environ, **env))
    if r.returncode != 0:
        raise Failure("pgiam grants %s: exit %d\n%s%s" % (" ".join(args), r.returncode,
                                                         r.stdout, r.stderr))
    return r.stdout


def harness(env, profile, *args):
    exe = os.path.join(os.environ["PGIAM_BUILD_ROOT"], "tests", "grants_harness")
    r = subprocess.run([exe, env["PGIAM_SANDBOX_PROFILES"], profile] + list(args),
                       capture_output=True, text=True, timeout=90, env=dict(os.environ, **env))
    if r.returncode:
        raise Failure("grants_harness %s: exit %d\n%s" % (" ".join(args), r.returncode, r.stderr))
    return r.stdout.splitlines()


def server_truth(env, user):
    """{(schema, name): {priv: held}} from has_*_privilege for user, as the admin."""
    rows = admin(env, f"""
      SELECT n.nspname, c.relname, p, CASE WHEN c.relkind = 'S'
          THEN has_sequence_privilege('{user}', c.oid, p)
          ELSE has_table_privilege('{user}', c.oid, p) END
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
        unnest(CASE WHEN c.relkind = 'S' THEN ARRAY['USAGE','SELECT','UPDATE'] ELSE
          ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE','REFERENCES','TRIGGER'] END) p
      WHERE c.relkind IN ('r','p','v','m','f','S')
        AND n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname !~ '^pg_'
      UNION ALL
      SELECT n.nspname, f.proname || '(' || pg_get_function_identity_arguments(f.oid) || ')',
        'EXECUTE', has_function_privilege('{user}', f.oid, 'EXECUTE')
      FROM pg_proc f JOIN pg_namespace n ON n.oid = f.pronamespace
      WHERE f.prokind IN ('f','p','w')
        AND n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname !~ '^pg_'""")
    truth = {}
    for schema, name, priv, held in rows:
        truth.setdefault((schema, name), {})[priv] = held == "t"
    return truth


def reported(doc):
    got = {}
    for section in ("tables", "sequences"):
        for o in doc["sql"][section]:
            got[(o["schema"], o["name"])] = {p: v["held"] for p, v in o["privileges"].items()}
    for o in doc["sql"]["functions"]:
        got[(o["schema"], "%s(%s)" % (o["name"], o["arguments"]))] = {
            p: v["held"] for p, v in o["privileges"].items()}
    return got


def obj(doc, section, schema, name):
    for o in doc["sql"][section]:
        if o["schema"] == schema and o["name"] == name:
            return o
    raise Failure(f"{schema}.{name} is not in {section}")


def against_server(env, profile, user):
    doc = json.loads(grants(env, profile, "--json"))
    truth, got = server_truth(env, user), reported(doc)
    check(set(truth) == set(got), f"{user}: every table, view, sequence and function is "
          f"listed ({len(truth)} objects)")
    for key in sorted(truth):
        if truth[key] != got[key]:
            raise Failure(f"{user}: {key} held {got[key]}, has_*_privilege says {truth[key]}")
    check(True, f"{user}: held = has_*_privilege for every object and privilege")
    check(doc["sql"]["current_user"] == user, f"{user}: current_user")
    cols = admin(env, f"""SELECT a.attname, p, has_column_privilege('{user}', a.attrelid,
        a.attnum, p) FROM pg_attribute a, unnest(ARRAY['SELECT','INSERT','UPDATE',
        'REFERENCES']) p WHERE a.attrelid = '{FX}.staff'::regclass AND a.attacl IS NOT NULL""")
    staff = obj(doc, "tables", FX, "staff")
    for col, priv, held in cols:
        if staff["columns"][col][priv]["held"] != (held == "t"):
            raise Failure(f"{user}: column {col} {priv}: {staff['columns'][col][priv]} but "
                          f"has_column_privilege says {held}")
    check(True, f"{user}: column privileges = has_column_privilege")
    return doc


def main(env):
    admin(env, TEARDOWN)
    try:
        admin(env, SETUP)
        ro = against_server(env, "sandbox-ro", "iam_ro_user")
        rw = against_server(env, "sandbox-rw", "iam_rw_user")

        sel = obj(ro, "tables", "public", "customers")["privileges"]["SELECT"]
        check(sel == {"held": True, "via": ["readonly_role"], "grantable": False},
              f"read-only: SELECT on customers via readonly_role ({sel})")
        check(obj(ro, "tables", "public", "customers")["privileges"]["INSERT"] ==
              {"held": False, "via": [], "grantable": False}, "read-only: no INSERT")
        check(obj(rw, "tables", "public", "customers")["privileges"]["INSERT"]["via"] ==
              ["iam_rw_user"], "read-write: INSERT on customers via the role itself")
        roles = {m["role"]: m for m in ro["sql"]["memberships"]}
        check(set(roles) == {"rds_iam", "readonly_role"} and all(
            m["inherit"] and m["effective"] and m["depth"] == 1 for m in roles.values()),
            "read-only: memberships rds_iam and readonly_role, direct, INHERIT")
        check(ro["sql"]["rds_iam"] and not ro["sql"]["bypasses_grants"],
              "read-only: rds_iam, nothing bypasses grants")

        staff_ro = obj(ro, "tables", FX, "staff")
        check(not staff_ro["privileges"]["SELECT"]["held"] and
              staff_ro["columns"]["name"]["SELECT"] ==
              {"held": True, "via": ["iam_ro_user"], "grantable": False} and
              staff_ro["columns"]["salary"]["UPDATE"]["held"] and
              not staff_ro["columns"]["salary"]["SELECT"]["held"],
              "column grant: SELECT (id, name) and UPDATE (salary), not SELECT on salary")

        staff_rw = obj(rw, "tables", FX, "staff")
        check(staff_rw["privileges"]["DELETE"]["via"] == [GROUP],
              "via a group role: DELETE through zz_grants_group")
        grp = [m for m in rw["sql"]["memberships"] if m["role"] == GROUP]
        check(len(grp) == 1 and grp[0]["admin"] and grp[0]["member"] == "iam_rw_user",
              "the group membership WITH ADMIN OPTION")
        inner = [m for m in rw["sql"]["memberships"] if m["role"] == INNER]
        check(len(inner) == 1 and inner[0]["member"] == GROUP and inner[0]["depth"] == 2 and
              not inner[0]["inherit"] and not inner[0]["effective"] and
              staff_rw["privileges"]["TRUNCATE"] == {"held": False, "via": [], "grantable": False},
              f"NOINHERIT: {INNER} through the NOINHERIT {GROUP} is listed, not inherited, and "
              f"its TRUNCATE is not held ({inner})")
        rls = staff_rw["rls"]
        pols = {p["name"]: p for p in rls["policies"]}
        check(rls["enabled"] and not rls["forced"] and rls["active"] and
              pols["own_rows"]["applies"] and pols["own_rows"]["command"] == "SELECT" and
              pols["own_rows"]["roles"] == ["iam_rw_user"] and
              "owner" in pols["own_rows"]["using"] and not pols["admins"]["applies"],
              "RLS: enabled, active, own_rows applies, admins does not")

        for doc, who in ((ro, "read-only"), (rw, "read-write")):
            nus = [s for s in doc["sql"]["schemas"] if s["name"] == NOUSAGE]
            check(len(nus) == 1 and not nus[0]["usage"] and
                  not nus[0]["privileges"]["USAGE"]["held"],
                  f"{who}: the schema without USAGE is listed as such")
            check(obj(doc, "tables", NOUSAGE, "hidden")["schema_usage"] is False,
                  f"{who}: its table is marked unreachable")
        check(obj(ro, "tables", NOUSAGE, "hidden")["privileges"]["SELECT"]["held"],
              "the unreachable table's own SELECT is still reported (the server's word)")

        fn_ro = obj(ro, "functions", FX, "twice")["privileges"]["EXECUTE"]
        fn_rw = obj(rw, "functions", FX, "twice")["privileges"]["EXECUTE"]
        check(not fn_ro["held"] and fn_rw == {"held": True, "via": ["iam_rw_user"],
                                               "grantable": False},
              "function EXECUTE: revoked from PUBLIC, granted to the read-write user")
        check(obj(rw, "sequences", FX, "ticket")["privileges"]["USAGE"]["via"] ==
              ["iam_rw_user"], "sequence USAGE via the role")
        check(ro["iam"]["connect_resource"].endswith(
            ":dbuser:" + env["PGIAM_SANDBOX_DBI_RESOURCE_ID"] + "/iam_ro_user") and
            ro["iam"]["role_arn"].endswith("role/sf-udf-rds-auth-role") and
            ro["iam"]["external_id"] and "sbx+" not in ro["iam"]["external_id"],
            "IAM side: rds-db:connect resource, role, external ID masked")

        one = json.loads(grants(env, "sandbox-ro", "--json", "--schema", FX))
        check({s["name"] for s in one["sql"]["schemas"]} == {FX} and
              {o["schema"] for o in one["sql"]["tables"]} == {FX},
              "--schema: only that schema")

        r = subprocess.run([BIN, "grants", "--profiles", env["PGIAM_SANDBOX_PROFILES"],
                            "--profile", "sandbox-ro", "--schema", "no_such_schema"],
                           capture_output=True, text=True, timeout=90, env=dict(os.environ, **env))
        check(r.returncode == 1 and not r.stdout and r.stderr.count("\n") == 1 and
              "no schema 'no_such_schema'" in r.stderr, f"--schema of no schema: one line, "
              f"exit 1 ({r.returncode}: {r.stderr.strip()})")
        r = subprocess.run([BIN, "grants", "--bogus"], capture_output=True, text=True)
        check(r.returncode == 2 and r.stderr.count("\n") == 1, "an unknown option: one line, exit 2")

        # one object's holds through the core's API (tests/integration/grants_harness.c)
        h = harness(env, "sandbox-ro", "staff", FX)
        check(h[0] == f"found 1 {FX}.staff table usage 1 user iam_ro_user" and
              "SELECT held 0 via" in h and "column name SELECT held 1" in h and
              "column salary UPDATE held 1" in h and "column salary SELECT held 0" in h,
              f"object holds: the read-only user's column grants on staff ({h})")
        h = harness(env, "sandbox-ro", "customers")
        check("SELECT held 1 via readonly_role" in h and "INSERT held 0 via" in h,
              "object holds: SELECT on customers via readonly_role, no INSERT")
        h = harness(env, "sandbox-rw", "staff", FX)
        check("DELETE held 1 via zz_grants_group" in h and "rls 1 active 1 applying 1" in h,
              f"object holds: DELETE via the group role, RLS active with one policy ({h})")
        check(harness(env, "sandbox-ro", "no_such_table")[0].startswith("found 0"),
              "object holds: an unknown object is not found")

        text = grants(env, "sandbox-ro")
        check(f"{NOUSAGE}" in text and "no USAGE" in text, "text: the schema without USAGE")
        line = [l for l in text.splitlines() if l.strip().startswith("customers ")]
        check(line and "r------" in line[0] and "SELECT via readonly_role" in line[0],
              f"text: customers r------ SELECT via readonly_role ({line})")
        text_rw = grants(env, "sandbox-rw", "--schema", FX)
        check("row security: enabled" in text_rw and "policy own_rows" in text_rw,
              "text: row security and its policies")
    finally:
        admin(env, TEARDOWN)


if __name__ == "__main__":
    run(main)
