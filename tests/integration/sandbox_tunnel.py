#!/usr/bin/python3
"""sandbox_tunnel.py - through the sandbox's loopback forwarder (a stand-in for an
SSH/SSM port forward): a token signed for the real endpoint and port, with TCP to
the forwarder and verify-full against the endpoint name, logs in; a token signed
for the forwarder's address (what a naive client does) is refused. SIGUSR1 cuts the
forwarder's connections; SIGUSR2 stalls them until SIGCONT."""
import os
import signal
import subprocess
import time

from sandbox_lib import VerifierLog, assume_role, check, forwarder_signal, psql, run, token


def main(env):
    host, port = env["PGIAM_SANDBOX_ENDPOINT_HOST"], int(env["PGIAM_SANDBOX_PG_PORT"])
    fwd = int(env["PGIAM_SANDBOX_FWD_PORT"])
    check(fwd != port, f"the forwarder has its own port ({fwd}, database {port})")
    ro = assume_role(env)

    log = VerifierLog(env)
    tok = token(ro, host, port, "iam_ro_user")
    r = psql(env, "iam_ro_user", tok, "SELECT inet_server_port(), count(*) FROM customers",
             port=fwd)
    check(r.returncode == 0 and r.stdout.strip() == f"{port}|3",
          f"through the forwarder, a token for the endpoint works ({r.stderr.strip()})")
    check(log.find("iam_ro_user", "ACCEPT", contains=f"(token {len(tok)} bytes)") is not None,
          "the verifier accepted it")

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

    # SIGUSR1 to the forwarder cuts open connections (a network cut).
    penv = {"PATH": "/usr/bin:/bin", "PGPASSWORD": token(ro, host, port, "iam_ro_user")}
    conn = (f"host={host} hostaddr=127.0.0.1 port={fwd} user=iam_ro_user dbname=sample_db "
            f"sslmode=verify-full sslrootcert={env['PGIAM_SANDBOX_CA']}")
    t0 = time.monotonic()
    # a text of this run's own: an earlier run's cut session may still sleep on the server
    sleeper = "SELECT pg_sleep(30), 'tunnel-cut-%d'" % os.getpid()
    p = subprocess.Popen(["psql", "-X", "-At", "-c", sleeper, conn], env=penv,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and p.poll() is None:  # until the query runs
        q = subprocess.run(["psql", "-X", "-At", "-c",
                            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active'"
                            " AND query = '%s'" % sleeper.replace("'", "''"),
                            env["PGIAM_SANDBOX_ADMIN"]],
                           capture_output=True, text=True)
        if q.stdout.strip() == "1":
            break
        time.sleep(0.05)
    with open(os.path.join(env["PGIAM_SANDBOX_DIR"], "fwd.pid"), encoding="utf-8") as f:
        os.kill(int(f.read()), signal.SIGUSR1)
    rc = p.wait(timeout=20)
    check(rc != 0 and time.monotonic() - t0 < 15,
          f"SIGUSR1 to the forwarder cuts an open session ({p.stderr.read().strip()[:80]})")

    # SIGUSR2 stalls the path (bytes held, not dropped), SIGCONT resumes it.
    forwarder_signal(env, signal.SIGUSR2, "paused")
    try:
        penv["PGPASSWORD"] = token(ro, host, port, "iam_ro_user")
        p = subprocess.Popen(["psql", "-X", "-At", "-c", "SELECT 'through'", conn], env=penv,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            p.wait(timeout=1.5)
        except subprocess.TimeoutExpired:
            pass
        check(p.poll() is None, "a login through the paused forwarder waits")
    finally:
        forwarder_signal(env, signal.SIGCONT, "resumed")
    out, err = p.communicate(timeout=20)
    check(p.returncode == 0 and out.strip() == "through",
          f"resumed, the same login completes ({err.strip()[:80]})")


if __name__ == "__main__":
    run(main)
