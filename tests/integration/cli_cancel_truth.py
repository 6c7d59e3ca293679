#!/usr/bin/python3
"""cli_cancel_truth.py - `pgiam sql` tells the truth about a cancel (issue 10, item 1):
`\\cancel` prints {"event":"cancelling"}, then a cancel_outcome once it is known. As
iam_rw_user through the sandbox's forwarder: with only its answers stalled (SIGHUP;
SIGCONT resumes), an UPDATE that ran but whose answer is held, then \\cancel; resumed:
`cancelled: false`, `not cancelled: UPDATE 1 completed`, and the row's xmin moved. Then an UPDATE sleeping on the server, cancel
held in the stalled path, resumed: `cancelled: true` and the row is untouched. Runs
alone (it stalls the shared forwarder; always resumed at the end)."""
import os
import re
import signal
import subprocess
import tempfile
import time

import sqlproc
from sandbox_lib import check, forwarder_signal, run

XMIN = "SELECT xmin FROM customers WHERE customer_id = 1"
SLEEPER = "pg_sleep(30) IS NOT NULL"


def admin(env, sql):
    r = subprocess.run(["psql", "-X", "-At", "-c", sql, env["PGIAM_SANDBOX_ADMIN"]],
                       capture_output=True, text=True, check=True)
    return r.stdout.strip()


def wait_log(env, word, before):
    """Waits until the forwarder's log says word more often than before times."""
    log = os.path.join(env["PGIAM_SANDBOX_DIR"], "fwd.log")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with open(log, encoding="utf-8") as f:
            if f.read().count(word) > before:
                return
        time.sleep(0.05)
    raise AssertionError(f"the forwarder did not log {word!r}")


def log_count(env, word):
    with open(os.path.join(env["PGIAM_SANDBOX_DIR"], "fwd.log"), encoding="utf-8") as f:
        return f.read().count(word)


def rw_tunnel_profile(env, d):
    with open(os.path.join(env["PGIAM_SANDBOX_PROFILES"], "sandbox-rw.ini"), encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"(?m)^connect_host = .*$", "connect_host = 127.0.0.1:%s" %
                  env["PGIAM_SANDBOX_FWD_PORT"], text)
    path = os.path.join(d, "rw-tunnel.ini")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, 0o600)


def sleeping(env):
    return admin(env, "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND "
                      f"query LIKE '%{SLEEPER}%' AND pid <> pg_backend_pid()") == "1"


def main(env):
    d = tempfile.mkdtemp(prefix="pgiam-cancel-")
    rw_tunnel_profile(env, d)
    s = sqlproc.Interactive(["--profiles", d, "--profile", "rw-tunnel"], dict(os.environ, **env))
    paused = False
    try:
        s.wait_event("connected")
        # Only the answers stall: the UPDATE commits, its answer waits in the path and
        # the cancel request finds nothing to cancel (stalling both ways left it to
        # chance which reached the server first).
        before = admin(env, XMIN)
        forwarder_signal(env, signal.SIGHUP, "paused answers")
        paused = True
        held = log_count(env, "holding")
        s.send("update customers set name = name where customer_id = 1")
        s.wait_event("query")
        wait_log(env, "holding", held)  # the server answered: the UPDATE is done
        check(admin(env, XMIN) != before, "the UPDATE ran; its answer is held in the path")
        s.send("\\cancel")
        s.wait_event("cancelling", timeout=10)
        forwarder_signal(env, signal.SIGCONT, "resumed")
        paused = False
        out = s.wait_event("cancel_outcome")
        check(out["cancelled"] is False and out["text"] == "not cancelled: UPDATE 1 completed",
              f"resumed, the UPDATE ran first and the outcome says so ({out})")

        before = admin(env, XMIN)
        s.send("update customers set name = name where customer_id = 1 and " + SLEEPER)
        deadline = time.monotonic() + 15
        while not sleeping(env):
            if time.monotonic() > deadline:
                raise AssertionError("the UPDATE never slept on the server")
            time.sleep(0.05)
        forwarder_signal(env, signal.SIGUSR2, "paused")
        paused = True
        s.send("\\cancel")
        s.wait_event("cancelling", timeout=10)
        check(sleeping(env), "the cancel request is held in the stalled path")
        forwarder_signal(env, signal.SIGCONT, "resumed")
        paused = False
        out = s.wait_event("cancel_outcome")
        check(out["cancelled"] is True and out["text"] == "cancelled",
              f"resumed, the cancel lands and the outcome says cancelled ({out})")
        check(admin(env, XMIN) == before, "and the row is untouched")
    finally:
        if paused:
            forwarder_signal(env, signal.SIGCONT, "resumed")
        s.close()


if __name__ == "__main__":
    run(main)
