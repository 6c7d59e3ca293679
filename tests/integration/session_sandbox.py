#!/usr/bin/python3
"""session_sandbox.py - the session with real IAM tokens against the sandbox (tokens
checked by botocore in PAM, credentials from the STS emulator), driven through
`pgiam sql`: reads, explained refusals, every kind of wrong token refused with its
own message (and refused by the verifier for that reason), expired source
credentials, the tunnel (verify-full through connect_host; a naive token signed for
the forward is refused). Restarts and network cuts are in session_reconnect.py,
on a private sandbox."""
import json
import os
import urllib.request

import sqlproc
from sandbox_lib import VerifierLog, assume_role, check, run, source_keys


def main(env):
    penv = dict(os.environ, **env)
    pdir = env["PGIAM_SANDBOX_PROFILES"]
    log = VerifierLog(env)

    outputs = []

    def sql(profile, statement, *extra, e=None):
        rc, ev, err = sqlproc.run(["--profiles", pdir, "--profile", profile] + list(extra),
                                  statement, e or penv)
        outputs.append(json.dumps(ev) + err)
        return rc, ev, err

    rc, ev, err = sql("sandbox-ro", "SELECT name FROM customers ORDER BY customer_id", "--no-read-only")
    rows = [e["values"][0] for e in ev if e["event"] == "row"]
    check(rc == 0 and rows[:3] == ["Alice Smith", "Bob Johnson", "Charlie Brown"],
          f"iam_ro_user connects with a token and reads customers ({err.strip()[:200]})")
    steps = [(e["step"], e["detail"]) for e in ev if e["event"] == "step" and e["done"]]
    names = [s for s, _ in steps]
    check(names == ["source credentials", "AssumeRole", "token", "TCP connect", "TLS",
                    "authentication", "session"], f"every connect step is reported ({names})")
    check("assumed-role/sf-udf-rds-auth-role" in dict(steps)["AssumeRole"], "AssumeRole names the assumed ARN")
    check(dict(steps)["token"].startswith(f"signed for {env['PGIAM_SANDBOX_ENDPOINT_HOST']}:"
                                          f"{env['PGIAM_SANDBOX_PG_PORT']} as iam_ro_user"),
          "the token is signed for the endpoint, not the connect_host")
    check(log.find("iam_ro_user", "ACCEPT") is not None, "the botocore verifier accepted the token")

    rc, ev, _ = sql("sandbox-ro", "INSERT INTO customers (name, email, age) VALUES ('Mallory', 'm@x', 1)",
                    "--no-read-only")
    e = sqlproc.first(ev, "error")
    check(rc == 10 + 9 and e and e["sqlstate"] == "42501", "iam_ro_user's INSERT fails with SQLSTATE 42501")
    check(sqlproc.why(e).startswith("INSERT refused: role iam_ro_user (member of rds_iam, readonly_role; "
          "logged in through IAM role arn:aws:iam::") and sqlproc.why(e).endswith(
          "lacks INSERT on table public.customers; it holds SELECT (through readonly_role); fix: "
          "GRANT INSERT ON TABLE public.customers TO iam_ro_user; (this grants to iam_ro_user itself; "
          "its privileges here come through the group role readonly_role: a grant to a group role "
          "reaches every member of it)"),
          f"the refusal names role, memberships, privilege, table and what it holds ({sqlproc.why(e)})")

    rc, ev, _ = sql("sandbox-ro", "DELETE FROM customers")
    e = sqlproc.first(ev, "error")
    check(sqlproc.first(ev, "connected")["read_only_enforced"] is True and e["sqlstate"] == "25006"
          and "this session is read-only" in sqlproc.why(e),
          "read_only = true: the server applies it (25006, explained)")
    check(sqlproc.why(e).endswith("; besides, role iam_ro_user (member of rds_iam, readonly_role) "
                                    "holds only SELECT on public.customers, so without read-only it "
                                    "would be refused too"),
          f"the read-only refusal also says the role could not write the table anyway ({sqlproc.why(e)})")
    rc, ev, _ = sql("sandbox-ro", 'INSERT INTO "public".Customers (name) VALUES (\'Mallory\')')
    e = sqlproc.first(ev, "error")
    check(e and e["sqlstate"] == "25006" and "holds only SELECT on public.customers" in sqlproc.why(e),
          f"a quoted, schema-qualified, mixed-case target is found too ({e and sqlproc.why(e)})")
    rc, ev, _ = sql("sandbox-rw", "UPDATE customers SET age = age WHERE false", "--read-only")
    e = sqlproc.first(ev, "error")
    check(e and e["sqlstate"] == "25006" and sqlproc.why(e).endswith(
          "; role iam_rw_user (member of rds_iam) holds UPDATE on public.customers, so the refusal "
          "is only the session's read-only setting"),
          f"a role that may write is told only read-only refused it ({e and sqlproc.why(e)})")
    rc, ev, _ = sql("sandbox-ro", "SET application_name = 'a;b'; INSERT INTO customers (name) VALUES ('M')")
    e = sqlproc.first(ev, "error")
    check(e and e["sqlstate"] == "25006" and sqlproc.why(e).startswith("INSERT refused")
          and "holds only SELECT on public.customers" in sqlproc.why(e),
          f"in a multi-statement string the refused statement is the one explained ({e and sqlproc.why(e)})")
    rc, ev, _ = sql("sandbox-ro", "DELETE FROM no_such_table")
    e = sqlproc.first(ev, "error")
    check(e and e["sqlstate"] in ("25006", "42P01") and "besides" not in e["message"],
          f"an unknown target adds nothing ({e and e['message']})")

    rc, ev, _ = sql("sandbox-rw", "BEGIN; INSERT INTO customers (name, email, age) VALUES "
                    "('Dave Test', 'dave@example.com', 41) RETURNING name; ROLLBACK")
    tags = [c["tag"] for c in ev if c["event"] == "command"]
    check(rc == 0 and tags == ["BEGIN", "INSERT 0 1", "ROLLBACK"], f"iam_rw_user inserts ({tags})")

    # Each wrong token: refused by the server for its own reason, explained by pgiam.
    host, port = env["PGIAM_SANDBOX_ENDPOINT_HOST"], int(env["PGIAM_SANDBOX_PG_PORT"])
    cases = [
        (["--sign-region", "us-east-1"], "region",
         "token region us-east-1 vs endpoint region ap-northeast-1: MISMATCH"),
        (["--sign-port", str(port + 1)], "port", f"token signed for {host}:{port + 1} but the endpoint is"),
        (["--sign-user", "iam_rw_user"], "dbuser",
         "token signed for user iam_rw_user but logging in as iam_ro_user: MISMATCH"),
        (["--sign-time-offset", "-1200"], "expired", "EXPIRED or clock skew"),
    ]
    messages = set()
    for extra, code, want in cases:
        log.mark()
        rc, ev, _ = sql("sandbox-ro", "SELECT 1", *extra)
        e = sqlproc.first(ev, "error")
        check(rc == 10 + 6 and e["step"] == "authentication" and want in e["message"],
              f"{' '.join(extra)}: refused at authentication, explained ({e and e['message'][:90]}…)")
        check(log.find("iam_ro_user", "REJECT", code) is not None,
              f"{' '.join(extra)}: the verifier refused it for '{code}'")
        messages.add(e["message"])
    check(len(messages) == len(cases), "each wrong token has its own message")

    rc, ev, _ = sql("sandbox-wrong-extid", "SELECT 1")
    e = sqlproc.first(ev, "error")
    check(rc == 10 + 2 and e["step"] == "AssumeRole" and "external ID" in e["message"],
          f"wrong external ID: AssumeRole refused ({e['message'][:80]}…)")

    # Expired source credentials: temporary keys from the emulator as the source, expired there.
    src = assume_role(env)
    req = urllib.request.Request(f"{env['PGIAM_SANDBOX_STS_URL']}/_sandbox/expire/{src['AccessKeyId']}",
                                 data=b"{}", method="POST")
    urllib.request.urlopen(req, timeout=10).read()
    xenv = dict(penv, AWS_ACCESS_KEY_ID=src["AccessKeyId"], AWS_SECRET_ACCESS_KEY=src["SecretAccessKey"],
                AWS_SESSION_TOKEN=src["SessionToken"])
    rc, ev, _ = sql("sandbox-ro", "SELECT 1", e=xenv)
    e = sqlproc.first(ev, "error")
    check(rc == 10 + 1 and e["step"] == "source credentials" and "expired" in e["message"],
          f"expired source credentials: refused at the credentials step ({e['message'][:90]}…)")
    check(len(messages | {e["message"]}) == len(cases) + 1, "with a message of its own")

    secret = source_keys(env)[1]
    leaks = [o for o in outputs for w in ("X-Amz-Signature", "X-Amz-Security-Token",
                                         "X-Amz-Credential", secret, src["SecretAccessKey"],
                                         src["SessionToken"][:40]) if w in o]
    check(not leaks, "no token, secret key or session token in any output or error message")

    # The tunnel: verify-full against the endpoint name through connect_host.
    fwd = int(env["PGIAM_SANDBOX_FWD_PORT"])
    rc, ev, _ = sql("sandbox-tunnel", "SELECT count(*) FROM customers")
    c = sqlproc.first(ev, "connected")
    check(rc == 0 and c["tcp_port"] == fwd and c["sslmode"] == "verify-full"
          and c["tls_subject"].endswith("CN=" + host),
          "through the tunnel: TCP to the forward, TLS verified for the endpoint name")
    log.mark()
    rc, ev, _ = sql("sandbox-tunnel", "SELECT 1", "--sign-host", "127.0.0.1", "--sign-port", str(fwd))
    e = sqlproc.first(ev, "error")
    check(rc == 10 + 6 and "signed for the tunnel's address" in e["message"]
          and log.find("iam_ro_user", "REJECT", "host") is not None,
          "a naive token signed for the forward's address is refused, and pgiam says why")


run(main)
