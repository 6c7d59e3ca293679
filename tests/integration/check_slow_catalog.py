#!/usr/bin/python3
"""check_slow_catalog.py - `pgiam check`'s catalog queries run on the session's own
non-blocking path, so a deadline applies to them: on a database where they hang
(slow_catalog.py), `--connect-timeout 5` ends the check at step 8 (server version)
with "no answer within 5 s" in about that time (the query sleeps a minute per row), and the server is sent a cancel
request (its backend stops sleeping at once, not when the process exits); the
server's statement_timeout still fails the step with the server's words."""
import json
import os
import shutil
import subprocess
import tempfile
import time

import slow_catalog
from sandbox_lib import check, run

BIN = os.environ.get("PGIAM_BIN", "build/pgiam")


def main(env):
    d = tempfile.mkdtemp(prefix="pgiam-slowcat-")
    os.chmod(d, 0o700)
    try:
        with slow_catalog.database(env) as db:
            slow_catalog.write_profile(env, d, "slow", db)
            penv = dict(os.environ, **env)
            penv["PGOPTIONS"] = slow_catalog.PGOPTIONS
            t0 = time.monotonic()
            try:
                r = subprocess.run([BIN, "check", "--profiles", d, "--profile", "slow",
                                    "--connect-timeout", "5", "--json"], capture_output=True,
                                   text=True, env=penv, timeout=40)
            except subprocess.TimeoutExpired:
                check(False, "pgiam check ended within 40 s (it hung in the catalog query)")
            took = time.monotonic() - t0
            j = json.loads(r.stdout)
            st = {s["name"]: s for s in j["steps"]}
            check(r.returncode == 10 + 8 and j["failed_step"] == 8
                  and st["server version"]["status"] == "fail"
                  and "no answer within 5 s (cancelled)" in j["message"]
                  and "\n" not in j["message"],
                  "a hanging catalog query fails step 8 at the deadline (exit %d: %s)"
                  % (r.returncode, j["message"]))
            check(took < 25 and 4.5 <= st["server version"]["ms"] / 1000 < 15,
                  "the check ended at the deadline (%.1f s, step %d ms)"
                  % (took, st["server version"]["ms"]))
            check(st["authentication"]["status"] == "pass"
                  and st["current_user"]["status"] == "pending",
                  "the steps before passed; those after are not reached")
            # the cancel request reached the server: nothing of ours still sleeps
            check(slow_catalog.wait_sleeping(env, db, 0, 5),
                  "the server's backend stopped: the query was cancelled there")

            # the server's own statement_timeout: its words, its SQLSTATE
            penv["PGOPTIONS"] = slow_catalog.PGOPTIONS + " -c statement_timeout=500"
            r = subprocess.run([BIN, "check", "--profiles", d, "--profile", "slow", "--json"],
                               capture_output=True, text=True, env=penv, timeout=40)
            j = json.loads(r.stdout)
            check(r.returncode == 10 + 8 and "statement timeout" in j["message"]
                  and "57014" in j["message"],
                  "statement_timeout fails step 8 with the server's message (%s)"
                  % j["message"])
    finally:
        shutil.rmtree(d, True)


if __name__ == "__main__":
    run(main)
