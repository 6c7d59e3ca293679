#!/usr/bin/python3
"""sandbox_access.py - the sandbox behaves like RDS with IAM auth for a well-behaved
client: psql with a botocore token (credentials from the STS emulator) and
sslmode=verify-full logs in; iam_ro_user reads but may not write (42501);
iam_rw_user writes; a real-sized session token arrives whole; a user without
rds_iam, a plain-TCP login and a wrong server name are refused."""
from sandbox_lib import RW_ROLE, VerifierLog, assume_role, check, psql, run, token


def main(env):
    host, port = env["PGIAM_SANDBOX_ENDPOINT_HOST"], int(env["PGIAM_SANDBOX_PG_PORT"])
    log = VerifierLog(env)
    ro = assume_role(env)
    check(len(ro["SessionToken"]) >= 800,
          f"the emulator's session token is real-sized ({len(ro['SessionToken'])} chars)")
    tok = token(ro, host, port, "iam_ro_user")
    check(len(tok) > 1000, f"the token is {len(tok)} bytes (more than pam_exec's 511)")

    r = psql(env, "iam_ro_user", tok, "SELECT name FROM customers ORDER BY customer_id")
    check(r.returncode == 0, f"iam_ro_user logs in with verify-full ({r.stderr.strip()})")
    check(r.stdout.split("\n")[:3] == ["Alice Smith", "Bob Johnson", "Charlie Brown"],
          "iam_ro_user reads the three walkthrough customers")
    line = log.find("iam_ro_user", "ACCEPT", contains=f"(token {len(tok)} bytes)")
    check(line is not None,
          "the verifier accepted the whole token (logged length equals the token's)")

    r = psql(env, "iam_ro_user", token(ro, host, port, "iam_ro_user"),
             "SELECT count(*) FROM customers_ja WHERE name = '山田太郎'")
    check(r.returncode == 0 and r.stdout.strip() == "1", "Japanese seed rows are readable")

    r = psql(env, "iam_ro_user", token(ro, host, port, "iam_ro_user"),
             "INSERT INTO customers (name, email, age) VALUES ('Mallory', 'm@example.com', 1)")
    check(r.returncode != 0 and "42501" in r.stderr,
          "iam_ro_user's INSERT fails with SQLSTATE 42501")

    rw = assume_role(env, RW_ROLE, profile="sandbox-rw")
    r = psql(env, "iam_rw_user", token(rw, host, port, "iam_rw_user"),
             "BEGIN; INSERT INTO customers (name, email, age) VALUES ('Dave Test', 'dave@example.com', 41)"
             " RETURNING name; ROLLBACK;")
    check(r.returncode == 0 and "Dave Test" in r.stdout,
          f"iam_rw_user inserts into customers ({r.stderr.strip()})")

    log.mark()
    r = psql(env, "iam_nords_user", token(ro, host, port, "iam_nords_user"), "SELECT 1")
    check(r.returncode != 0 and "password authentication failed" in r.stderr,
          "a user without rds_iam gets password (not IAM) authentication and fails")
    check(log.find("iam_nords_user", "ACCEPT") is None and log.find("iam_nords_user", "REJECT") is None,
          "the verifier is not consulted for a user without rds_iam")

    r = psql(env, "iam_ro_user", token(ro, host, port, "iam_ro_user"), "SELECT 1", sslmode="disable")
    check(r.returncode != 0 and "no encryption" in r.stderr, "a login without TLS is refused")

    r = psql(env, "iam_ro_user", token(ro, host, port, "iam_ro_user"), "SELECT 1",
             host="wrong-name.ap-northeast-1.rds.amazonaws.com")
    check(r.returncode != 0 and "does not match host name" in r.stderr,
          "verify-full against a name the certificate lacks fails")

    r = psql(env, "iam_ro_user", token(ro, host, port, "iam_ro_user"), "SELECT 1",
             sslmode="require")
    check(r.returncode == 0, "sslmode=require also works (the TLS server is real)")


if __name__ == "__main__":
    run(main)
