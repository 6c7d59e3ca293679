#!/usr/bin/python3
"""test_token_log.py - issue 10 (cosmetic): every connection signs its own token, and
the event log says so for each, also for reconnects within the same second (the log
de-duplicated by the token's expiry second, so a quick reconnect's "token signed" went
missing). The backend is terminated from outside (the sandbox's superuser) twelve times
in a row, each time followed at once by a query that reconnects; then every connection
the log shows must follow its own "token signed" entry. Skipped (77) without PGIAM_SANDBOX_ENV."""
import re

from tuilib import Fail, Tmux, admin_sql, run, sandbox_env

ROUNDS = 12  # each round ~0.7 s: without the fix, two connections share a second


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
            t.run_sql("SELECT %d AS round_%d" % (k, k))
            t.wait_for(r"(?m)^ round_%d\s*$" % k, timeout=30)
            t.wait_for(r"connected · TLS verified")
        t.send("F3")
        s = t.wait_for(r"pgiam · Event log")
        s = t.wait_stable(r"pgiam · Event log")
        # the log shows its tail: every (re)connection shown follows its own "token
        # signed" entry (entries start with HH:MM:SS; long ones wrap)
        entries = [l[10:] for l in s.splitlines() if re.match(r"\d\d:\d\d:\d\d  ", l)]
        checked = 0
        for i, e in enumerate(entries):
            if re.match(r"(?:re)?connected to ", e) and i > 0:
                if not entries[i - 1].startswith("token signed for"):
                    raise Fail("a connection without its 'token signed' entry:\n" + s)
                checked += 1
        if checked < ROUNDS - 4:
            raise Fail("only %d connections shown in the event log:\n%s" % (checked, s))
        t.send("q")
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()


run(main)
