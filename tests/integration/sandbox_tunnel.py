#!/usr/bin/python3
"""sandbox_tunnel.py - through the sandbox's loopback forwarder (a stand-in for an
SSH/SSM port forward): a token signed for the real endpoint and port, with TCP to
the forwarder and verify-full against the endpoint name, logs in; a token signed
for the forwarder's address (what a naive client does) is refused."""
from sandbox_lib import VerifierLog, assume_role, check, psql, run, token


def main(env):
    host, port = env["PGIAM_SANDBOX_ENDPOINT_HOST"], int(env["PGIAM_SANDBOX_PG_PORT"])
    fwd = int(env["PGIAM_SANDBOX_FWD_PORT"])
    check(fwd != port, f"the forwarder has its own port ({fwd}, database {port})")
    ro = assume_role(env)

    log = VerifierLog(env)
    r = psql(env, "iam_ro_user", token(ro, host, port, "iam_ro_user"),
             "SELECT inet_server_port(), count(*) FROM customers", port=fwd)
    check(r.returncode == 0 and r.stdout.strip() == f"{port}|3",
          f"through the forwarder, a token for the endpoint works ({r.stderr.strip()})")
    check(log.find("iam_ro_user", "ACCEPT") is not None, "the verifier accepted it")

    log.mark()
    r = psql(env, "iam_ro_user", token(ro, "127.0.0.1", fwd, "iam_ro_user"), "SELECT 1",
             port=fwd)
    check(r.returncode != 0 and "PAM authentication failed" in r.stderr,
          "a token signed for the forwarder's 127.0.0.1:port is refused")
    check(log.find("iam_ro_user", "REJECT", "host") is not None,
          "the verifier says the token names the wrong host")

    log.mark()
    r = psql(env, "iam_ro_user", token(ro, host, fwd, "iam_ro_user"), "SELECT 1", port=fwd)
    check(r.returncode != 0 and log.find("iam_ro_user", "REJECT", "port") is not None,
          "a token for the endpoint name with the forwarder's port is refused (port)")

    r = psql(env, "iam_ro_user", token(ro, host, port, "iam_ro_user"), "SELECT 1",
             host="127.0.0.1", port=fwd)
    check(r.returncode != 0 and "does not match host name" in r.stderr,
          "verify-full against 127.0.0.1 through the forwarder fails (certificate names the endpoint)")


if __name__ == "__main__":
    run(main)
