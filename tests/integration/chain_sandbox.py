#!/usr/bin/python3
"""chain_sandbox - end to end against the sandbox (tests/sandbox/up: PostgreSQL with the
PAM token verifier, the STS emulator): `pgiam token --profile sandbox-ro` (source keys
from the sandbox's AWS credentials file, AssumeRole with the profile's external ID)
logs psql in as iam_ro_user, reads the walkthrough's customers and cannot write; the
wrong external ID is refused in one line; whoami and policy work on the sandbox
profiles. Uses PGIAM_SANDBOX_ENV when set, else brings up a private sandbox."""

import json
import os
import subprocess

from sandbox_lib import check, psql, run

PGIAM = os.environ.get("PGIAM_BIN") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "pgiam")


def pgiam(env, *args):
    penv = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/nonexistent",
            "AWS_SHARED_CREDENTIALS_FILE": env["AWS_SHARED_CREDENTIALS_FILE"],
            "AWS_CONFIG_FILE": env["AWS_CONFIG_FILE"], "AWS_EC2_METADATA_DISABLED": "true"}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "PGIAM_UNDER_ASAN"):
        if k in os.environ:
            penv[k] = os.environ[k]
    return subprocess.run([PGIAM] + list(args) + ["--profiles", env["PGIAM_SANDBOX_PROFILES"]],
                          capture_output=True, text=True, env=penv, timeout=60)


def main(env):
    p = pgiam(env, "token", "--profile", "sandbox-ro")
    check(p.returncode == 0, "pgiam token --profile sandbox-ro succeeds (%s)" % p.stderr.strip())
    tok = p.stdout.strip()
    check("X-Amz-Security-Token=" in tok and "Credential=ASIA" in tok,
          "the token is signed with assumed-role (temporary) credentials")
    r = psql(env, "iam_ro_user", tok, "SELECT count(*) FROM customers")
    check(r.returncode == 0 and r.stdout.strip() == "3",
          "psql logs in with pgiam's token and reads 3 customers (%s)" % r.stderr.strip())
    r = psql(env, "iam_ro_user", pgiam(env, "token", "--profile", "sandbox-ro").stdout.strip(),
             "INSERT INTO customers (name, email, age) VALUES ('Eve', 'eve@example.com', 40)")
    check(r.returncode != 0 and "permission denied" in r.stderr, "the read-only user cannot write")

    p = pgiam(env, "token", "--profile", "sandbox-wrong-extid")
    lines = [l for l in p.stderr.splitlines() if l.strip() and "warning" not in l]
    check(p.returncode == 1 and len(lines) == 1 and "AccessDenied" in lines[0]
          and "external ID" in lines[0], "a wrong external ID is one line naming AccessDenied")

    p = pgiam(env, "whoami", "--profile", "sandbox-ro", "--json")
    check(p.returncode == 0, "whoami works on the sandbox profile (%s)" % p.stderr.strip())
    doc = json.loads(p.stdout)
    check(doc["assumed_arn"].startswith("arn:aws:sts::123456789012:assumed-role/sf-udf-rds-auth-role/"),
          "whoami names the assumed role session")

    p = pgiam(env, "policy", "--profile", "sandbox-ro", "--json")
    doc = json.loads(p.stdout)
    check(p.returncode == 0 and doc["resource"] ==
          "arn:aws:rds-db:ap-northeast-1:123456789012:dbuser:%s/iam_ro_user" % env["PGIAM_SANDBOX_DBI_RESOURCE_ID"],
          "policy names the sandbox's DbiResourceId and user")
    check(doc["trust_policy"]["Statement"][0]["Principal"]["AWS"] != "<source-principal-arn>",
          "policy asks the STS emulator who the source principal is")


if __name__ == "__main__":
    run(main)
