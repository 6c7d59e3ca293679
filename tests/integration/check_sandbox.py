#!/usr/bin/python3
"""check_sandbox.py - `pgiam check` against the sandbox: --json parsed and asserted for
a passing profile and for each failing one (exit status = 10 + the failing step's
number, one-line message), --all in parallel, the text form; `pgiam psql` with a
fresh token (also through the tunnel); `pgiam policy`'s SQL applied to the sandbox
database, then checked."""
import configparser
import json
import os
import shutil
import subprocess
import tempfile

from sandbox_lib import check, run

BIN = os.environ.get("PGIAM_BIN", "build/pgiam")


def main(env):
    penv = dict(os.environ, **env)
    pdir = env["PGIAM_SANDBOX_PROFILES"]

    def pgiam(*args, e=None):
        return subprocess.run([BIN] + list(args), capture_output=True, text=True,
                              env=e or penv, timeout=120)

    def check_json(profile, *extra, profiles=pdir):
        r = pgiam("check", "--profiles", profiles, "--profile", profile, "--json", *extra)
        return r.returncode, json.loads(r.stdout), r

    rc, j, r = check_json("sandbox-ro")
    st = {s["name"]: s for s in j["steps"]}
    check(rc == 0 and j["ok"] and j["failed_step"] == 0 and all(s["status"] == "pass" for s in j["steps"]),
          f"sandbox-ro: every step passes ({r.stderr.strip()[:200]})")
    check([s["number"] for s in j["steps"]] == list(range(1, 12)), "eleven numbered steps")
    check(st["source credentials"]["detail"] == "profile default (credentials file)",
          "source credentials name their provider")
    check(j["assumed_arn"].startswith("arn:aws:sts::123456789012:assumed-role/sf-udf-rds-auth-role/")
          and j["session_expiry"] > 0, "AssumeRole: assumed ARN and session expiry")
    check("expires at" in st["token"]["detail"], "token: expiry shown")
    s = j["session"]
    check(s["tls"] and s["tls_protocol"].startswith("TLSv1.") and s["tls_cipher"]
          and s["tls_subject"].endswith("CN=" + env["PGIAM_SANDBOX_ENDPOINT_HOST"])
          and s["ca_bundle"] == env["PGIAM_SANDBOX_CA"],
          "TLS: protocol, cipher, certificate subject and the bundle it was verified against")
    check(j["identity"]["current_user"] == "iam_ro_user" and j["identity"]["rds_iam"]
          and "readonly_role" in j["identity"]["memberships"]
          and j["identity"]["server_version_num"] >= 150000,
          "server version, current_user, memberships with rds_iam")
    cust = [t for t in j["privileges"]["list"] if t["name"] == "public.customers"]
    check(cust and cust[0]["privileges"] == ["SELECT"] and j["privileges"]["insert"] == 0,
          "privilege summary: SELECT only on public.customers")
    check(all(isinstance(x["ms"], int) for x in j["steps"]), "each step has its time")

    rc, j, _ = check_json("sandbox-rw")
    cust = [t for t in j["privileges"]["list"] if t["name"] == "public.customers"]
    check(rc == 0 and set(cust[0]["privileges"]) >= {"SELECT", "INSERT", "UPDATE", "DELETE"},
          "sandbox-rw passes with SELECT/INSERT/UPDATE/DELETE on customers")

    failing = [
        ("sandbox-wrong-extid", [], 2, "AssumeRole", "external ID"),
        ("sandbox-nords", [], 6, "authentication", "not granted rds_iam"),
        ("sandbox-no-policy", [], 6, "authentication", "PAM authentication failed"),
        ("sandbox-ro", ["--sign-region", "eu-west-1"], 6, "authentication", "MISMATCH"),
        ("sandbox-tunnel", ["--sign-host", "127.0.0.1", "--sign-port", env["PGIAM_SANDBOX_FWD_PORT"]],
         6, "authentication", "signed for the tunnel's address"),
    ]
    for profile, extra, step, name, words in failing:
        rc, j, _ = check_json(profile, *extra)
        failed = [s for s in j["steps"] if s["status"] == "fail"]
        check(rc == 10 + step and j["failed_step"] == step and not j["ok"] and len(failed) == 1
              and failed[0]["name"] == name and words in j["message"]
              and "\n" not in j["message"] and j["error"]["message"] == j["message"],
              f"{profile} {' '.join(extra)}: exit {rc}, step {name}, one-line message")
        check(all(s["status"] == "pending" for s in j["steps"] if s["number"] > step),
              f"{profile}: steps after the failure are not run")

    # a bad CA bundle: TLS step, naming the name and the file
    tmp = tempfile.mkdtemp(prefix="pgiam-check-")
    try:
        cp = configparser.ConfigParser(interpolation=None)
        cp.read(os.path.join(pdir, "sandbox-ro.ini"))
        cp["profile"]["ca_bundle"] = "/etc/ssl/certs/ca-certificates.crt"
        with open(os.path.join(tmp, "bad-ca.ini"), "w") as f:
            cp.write(f)
        rc, j, _ = check_json("bad-ca", profiles=tmp)
        check(rc == 10 + 5 and "/etc/ssl/certs/ca-certificates.crt" in j["message"]
              and env["PGIAM_SANDBOX_ENDPOINT_HOST"] in j["message"],
              "wrong CA bundle: TLS step, the message names the server name and the bundle")

        # pgiam policy's SQL, applied to the sandbox database for a new user
        cp = configparser.ConfigParser(interpolation=None)
        cp.read(os.path.join(pdir, "sandbox-ro.ini"))
        cp["profile"]["db_user"] = "iam_policy_test_user"
        with open(os.path.join(tmp, "policy-test.ini"), "w") as f:
            cp.write(f)
        r = pgiam("policy", "--profiles", tmp, "--profile", "policy-test", "--json", "--offline")
        if r.returncode == 0:
            sql = json.loads(r.stdout)["sql"]
            a = subprocess.run(["psql", "-X", "-v", "ON_ERROR_STOP=1", "-q", "-d", env["PGIAM_SANDBOX_ADMIN"]],
                               input=sql, capture_output=True, text=True, timeout=60)
            q = subprocess.run(["psql", "-X", "-At", "-d", env["PGIAM_SANDBOX_ADMIN"], "-c",
                                "SELECT pg_has_role('iam_policy_test_user', 'rds_iam', 'MEMBER'),"
                                " pg_has_role('iam_policy_test_user', 'readonly_role', 'MEMBER'),"
                                " has_table_privilege('iam_policy_test_user', 'customers', 'SELECT'),"
                                " has_table_privilege('iam_policy_test_user', 'customers', 'INSERT')"],
                               capture_output=True, text=True, timeout=60)
            subprocess.run(["psql", "-X", "-q", "-d", env["PGIAM_SANDBOX_ADMIN"], "-c",
                            "DROP OWNED BY iam_policy_test_user; DROP USER iam_policy_test_user"],
                           capture_output=True, text=True, timeout=60)
            check(a.returncode == 0 and q.stdout.strip() == "t|t|t|f",
                  f"pgiam policy's SQL applies to the sandbox and makes an IAM read-only user "
                  f"({a.stderr.strip()[:200]} {q.stdout.strip()})")
        else:
            print(f"skip - pgiam policy --json --offline not available ({r.stderr.strip()[:100]})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # --all: every profile, in parallel; exit = the first failing profile's step
    r = pgiam("check", "--profiles", pdir, "--all", "--json")
    j = json.loads(r.stdout)
    by = {p["profile"]: p for p in j["profiles"]}
    check(not j["ok"] and by["sandbox-ro"]["ok"] and by["sandbox-tunnel"]["ok"]
          and by["sandbox-wrong-extid"]["failed_step"] == 2 and by["sandbox-nords"]["failed_step"] == 6
          and r.returncode == 10 + by[sorted(by)[0]]["failed_step"],
          f"--all checks every profile ({sorted(by)}), exit {r.returncode}")

    r = pgiam("check", "--profiles", pdir, "--profile", "sandbox-wrong-extid")
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 10 + 2 and len(lines) == 1 and lines[0].startswith("pgiam: check: AssumeRole:")
          and " 2 AssumeRole           fail" in r.stdout,
          "text form: the steps on stdout, the one-line message on stderr")

    # pgiam psql: a fresh token in psql's environment, through the tunnel too
    for profile in ("sandbox-ro", "sandbox-tunnel"):
        r = pgiam("psql", "--profiles", pdir, "--profile", profile, "--",
                  "-X", "-A", "-t", "-c", "SELECT current_user, current_setting('default_transaction_read_only'),"
                  " (SELECT count(*) FROM customers WHERE name = 'Alice Smith')")
        check(r.returncode == 0 and r.stdout.strip() == "iam_ro_user|on|1",
              f"pgiam psql --profile {profile} logs in with a token, read-only on ({r.stderr.strip()[:200]})")
    r = pgiam("psql", "--profiles", pdir, "--profile", "sandbox-ro", "--", "-X", "-A", "-t", "-c",
              "SELECT application_name, ssl FROM pg_stat_activity JOIN pg_stat_ssl USING (pid)"
              " WHERE pid = pg_backend_pid()")
    check(r.stdout.strip() == "pgiam|t", "psql connects as application pgiam over TLS")


run(main)
