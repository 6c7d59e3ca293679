#!/usr/bin/python3
"""issue8_tunnel_reason.py - a tunnel cut after a cancelled statement is reported with
its own reason: the session's `lost` event (the TUI's "connection lost (…)") named the
earlier cancel ("canceling statement due to user request"), which libpq keeps at the
start of its error message until the next query. Runs alone (it cuts the sandbox's
tunnel forwarder's connections)."""
import os
import signal
import subprocess
import time

import sqlproc
from sandbox_lib import check, run


def statement_running(env, sql):
    q = subprocess.run(["psql", "-X", "-At", "-c", "SELECT count(*) FROM pg_stat_activity "
                        "WHERE state = 'active' AND query = '%s'" % sql, env["PGIAM_SANDBOX_ADMIN"]],
                       capture_output=True, text=True, timeout=30)
    return q.stdout.strip() == "1"


def main(env):
    penv = dict(os.environ, **env)
    s = sqlproc.Interactive(["--profiles", env["PGIAM_SANDBOX_PROFILES"], "--profile",
                             "sandbox-tunnel"], penv)
    try:
        s.wait_event("connected")
        s.send("SELECT pg_sleep(30)")
        s.wait_event("query")
        deadline = time.monotonic() + 15
        while not statement_running(env, "SELECT pg_sleep(30)") and time.monotonic() < deadline:
            time.sleep(0.05)   # polling the server for the state, not waiting on hope
        s.send("\\cancel")
        ev = s.wait_event("cancelled", "error", "done", timeout=15)
        check(ev["event"] == "cancelled", "the statement is cancelled")
        with open(os.path.join(env["PGIAM_SANDBOX_DIR"], "fwd.pid")) as f:
            os.kill(int(f.read().strip()), signal.SIGUSR1)
        lost = s.wait_event("lost", timeout=30)
        check("canceling statement" not in lost["text"] and lost["text"],
              f"the cut is reported with its own reason, not the earlier cancel's ({lost['text']!r})")
        s.send("SELECT 1")
        check(s.wait_event("reconnected", "error")["event"] == "reconnected",
              "and the next query reconnects")
        s.wait_event("done")
    finally:
        s.close()


if __name__ == "__main__":
    run(main)
