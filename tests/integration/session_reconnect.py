#!/usr/bin/python3
"""session_reconnect.py - a session that outlives its connection: after a server
restart and after a network cut (the tunnel's forward drops every connection) the
next query reconnects with a fresh token, and the caller is told; cancel of
pg_sleep(30) through the tunnel (the cancel request goes through hostaddr too).
Always on a private sandbox (it restarts the database, which would disturb tests
sharing one). Also: a slow STS does not block the caller (the session answers while
AssumeRole hangs) and a connect is cancellable in the middle of it."""
import json
import os
import signal
import subprocess
import time
import urllib.request

import sqlproc
from sandbox_lib import SANDBOX, VerifierLog, check, run, source_keys


def main(env):
    penv = dict(os.environ, **env)
    pdir = env["PGIAM_SANDBOX_PROFILES"]
    log = VerifierLog(env)

    # Restart mid-session: the next query reconnects with a fresh token.
    s = sqlproc.Interactive(["--profiles", pdir, "--profile", "sandbox-ro"], penv)
    try:
        first = s.wait_event("connected")
        s.send("SELECT 1")
        s.wait_event("done")
        time.sleep(1.1)  # so the next token's signing second differs (X-Amz-Date)
        log.mark()
        subprocess.run([os.path.join(SANDBOX, "restart_db"), "--quiet",
                        "--state-dir", env["PGIAM_SANDBOX_DIR"]], check=True, timeout=60)
        lost = s.wait_event("lost", timeout=30)
        s.send("SELECT count(*) FROM customers")
        ev = s.wait_event("reconnected", "error")
        check(ev["event"] == "reconnected" and ev["connections"] == 2
              and ev["token_signed_at"] > first["token_signed_at"],
              f"server restart ({lost['text']}): the next query reconnects with a fresh token")
        check(s.wait_event("done", "error")["event"] == "done", "and the query runs")
        check(log.find("iam_ro_user", "ACCEPT") is not None, "the new token was verified by the server")

        # a restart while a statement runs: it fails (not re-sent), then the next reconnects
        s.send("SELECT pg_sleep(30)")
        s.wait_event("query")
        time.sleep(0.3)  # the statement reaches the server; not waiting for a result
        subprocess.run([os.path.join(SANDBOX, "restart_db"), "--quiet",
                        "--state-dir", env["PGIAM_SANDBOX_DIR"]], check=True, timeout=60)
        err = s.wait_event("error", "done", timeout=30)
        s.wait_event("lost", timeout=10)
        check(err["event"] == "error" and err["step"] == "query"
              and "terminating connection" in err["message"],
              f"a restart during a statement fails it with the server's reason ({err.get('message', '')[:70]})")
        s.send("SELECT 1")
        ev = s.wait_event("reconnected", "error")
        check(ev["event"] == "reconnected" and ev["connections"] == 3,
              "and the next statement reconnects with another fresh token")
        s.wait_event("done")
    finally:
        s.close()

    # Through the tunnel: a network cut, then cancel (the cancel request uses hostaddr too).
    s = sqlproc.Interactive(["--profiles", pdir, "--profile", "sandbox-tunnel"], penv)
    try:
        s.wait_event("connected")
        with open(os.path.join(env["PGIAM_SANDBOX_DIR"], "fwd.pid")) as f:
            os.kill(int(f.read().strip()), signal.SIGUSR1)
        s.wait_event("lost", timeout=30)
        s.send("SELECT 1")
        check(s.wait_event("reconnected", "error")["event"] == "reconnected",
              "network cut (the forward drops connections): reconnected on the next query")
        s.wait_event("done")
        s.send("SELECT pg_sleep(30)")
        s.wait_event("query")
        time.sleep(0.3)  # the statement reaches the server; not waiting for a result
        t0 = time.monotonic()
        s.send("\\cancel")
        ev = s.wait_event("cancelled", "error", "done", timeout=15)
        took = time.monotonic() - t0
        check(ev["event"] == "cancelled" and took < 5,
              f"cancel of pg_sleep(30) through the tunnel returns ({took * 1000:.0f} ms)")
    finally:
        s.close()



    # A slow STS: the credentials step runs in the worker; the caller keeps answering.
    body = json.dumps({"slow_ms": 20000, "access_key_id": source_keys(env)[0]}).encode()
    urllib.request.urlopen(urllib.request.Request(f"{env['PGIAM_SANDBOX_STS_URL']}/_sandbox/faults",
                                                  data=body, method="POST"), timeout=10).read()
    s = sqlproc.Interactive(["--profiles", pdir, "--profile", "sandbox-rw"], penv)
    try:
        s.wait_for(lambda e: e["event"] == "step" and e["step"] == "source credentials" and not e["done"])
        t0 = time.monotonic()
        s.send("\\info")
        info = s.wait_event("info", timeout=5)
        check(info["state"] == "connecting" and time.monotonic() - t0 < 2,
              "while STS is slow, the session's loop still answers (state connecting)")
        t0 = time.monotonic()
        s.send("\\cancel")
        s.wait_event("cancelled", timeout=5)
        took = time.monotonic() - t0
        check(took < 2, f"a connect is cancelled in the middle of AssumeRole ({took * 1000:.0f} ms)")
        t0 = time.monotonic()
        rc = s.close()
        check(rc == 0 and time.monotonic() - t0 < 10,
              f"and the process exits promptly: the HTTP call was abandoned ({time.monotonic() - t0:.1f} s)")
    finally:
        s.close()


os.environ.pop("PGIAM_SANDBOX_ENV", None)  # a private sandbox, torn down after
run(main)
