#!/usr/bin/python3
"""test_token_log.py - issue 10 (cosmetic): every connection signs its own token, and
the event log says so for each, also for reconnects within the same second (the log
de-duplicated by the token's expiry second, so a quick reconnect's "token signed" went
missing). The backend is terminated from outside (the sandbox's superuser) several times
in a row, each time followed at once by a query that reconnects; then the log must hold
as many "token signed" lines as connections. Skipped (77) without PGIAM_SANDBOX_ENV."""
import re

from tuilib import Fail, Tmux, admin_sql, run, sandbox_env

ROUNDS = 5


def main():
    env = sandbox_env()
    env["TERM"] = "screen-256color"
    t = Tmux(120, 60)
    try:
        t.connect(env, "sandbox-ro")
        for k in range(1, ROUNDS + 1):
            admin_sql(env, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE application_name = 'pgiam' AND usename = 'iam_ro_user'")
            t.send("C-u")
            t.type("SELECT %d AS round_%d" % (k, k))
            t.send("Enter")
            t.wait_for(r"(?m)^ round_%d\s*$" % k, timeout=30)
            t.wait_for(r"connected · TLS verified")
        t.send("F3")
        s = t.wait_for(r"pgiam · Event log")
        s = t.wait_stable(r"pgiam · Event log")
        signed = len(re.findall(r"token signed for", s))
        connects = len(re.findall(r"(?:re)?connected to ", s))
        if connects < ROUNDS + 1:
            raise Fail("expected %d connections in the log, saw %d:\n%s" % (ROUNDS + 1, connects, s))
        if signed != connects:
            raise Fail("%d connections but %d 'token signed' lines in the event log:\n%s"
                       % (connects, signed, s))
        t.send("q")
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()


run(main)
