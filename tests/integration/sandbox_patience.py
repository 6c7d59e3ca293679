#!/usr/bin/python3
"""sandbox_patience.py - `tests/sandbox/up` on a running sandbox whose STS emulator is
slow to answer (stopped for a few seconds: a loaded machine) waits for it and reuses
the sandbox; it does not replace it, which would stop its PostgreSQL under the tests
using it (check_slow_catalog's admin connection ended "terminating connection due to
administrator command" once so on a loaded machine). A private sandbox: its own state
directory. An admin session open across the `up` survives it."""
import os
import signal
import subprocess
import time

from sandbox_lib import SANDBOX, Failure, check, read_env_file
from sandbox_lifecycle import pids, sandbox_cmd


def main(state):
    r = sandbox_cmd("up", state, "--quiet")
    check(r.returncode == 0, f"up works ({r.stderr.strip()})")
    env = read_env_file(r.stdout.strip())
    before = pids(state)
    with open(os.path.join(state, "sts.pid")) as f:
        sts = int(f.read().strip())
    # an admin session that outlives the second up
    admin = subprocess.Popen(["psql", "-X", "-At", "-c", "SELECT pg_sleep(10), 'survived'",
                              env["PGIAM_SANDBOX_ADMIN"]], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    os.kill(sts, signal.SIGSTOP)
    try:
        up = subprocess.Popen([os.path.join(SANDBOX, "up"), "--quiet", "--state-dir", state],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(4)  # the emulator's silence the probe meets: longer than its 2 s timeout
    finally:
        os.kill(sts, signal.SIGCONT)
    out, err = up.communicate(timeout=120)
    check(up.returncode == 0 and out == r.stdout,
          f"up waited for the slow emulator and printed the same env file ({err.strip()})")
    check(pids(state) >= before, "the same processes run: the sandbox was reused, not replaced")
    aout, aerr = admin.communicate(timeout=60)
    check(admin.returncode == 0 and "survived" in aout,
          f"the admin session open across it was not terminated ({aerr.strip()})")


if __name__ == "__main__":
    import sys
    state = f"/tmp/pgiam-sandbox-patience-{os.getpid()}"
    try:
        main(state)
    except Failure as e:
        print(f"FAIL - {e}")
        sys.exit(1)
    finally:
        sandbox_cmd("down", state, "--quiet")
    print("all passed")
