#!/usr/bin/python3
"""issue8_sts_timeout.py - a failed step shows the time it ran: with the STS emulator
answering this caller's AssumeRole after pgiam's 20 s HTTP timeout, `pgiam check
--json` failed step 2 with "AssumeRole 0 ms" (the step's begin is reported when
pgiam_auth returns). Now its ms is the ~20 s spent, and the credentials step keeps its
own short time. Runs alone (it posts a fault to the sandbox's shared STS emulator)."""
import json
import os
import subprocess
import urllib.request

from sandbox_lib import check, run, source_keys

BIN = os.environ.get("PGIAM_BIN", "build/pgiam")
TIMEOUT_MS = 20000   # PGIAM_HTTP_TIMEOUT_MS


def faults(env, body):
    req = urllib.request.Request(env["PGIAM_SANDBOX_STS_URL"] + "/_sandbox/faults",
                                 data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        return json.loads(resp.read())


def main(env):
    akid, _ = source_keys(env)
    faults(env, {"slow_ms": TIMEOUT_MS + 3000, "slow_count": 1, "access_key_id": akid})
    r = subprocess.run([BIN, "check", "--profiles", env["PGIAM_SANDBOX_PROFILES"],
                        "--profile", "sandbox-rw", "--json"], capture_output=True, text=True,
                       env=dict(os.environ, **env), timeout=90)
    j = json.loads(r.stdout)
    st = {s["name"]: s for s in j["steps"]}
    check(r.returncode == 12 and st["AssumeRole"]["status"] == "fail"   # 10 + step 2
          and "20 s" in st["AssumeRole"]["detail"],
          f"AssumeRole fails on the timeout ({st['AssumeRole']['detail'][:120]})")
    check(st["AssumeRole"]["ms"] >= TIMEOUT_MS - 500,
          f"its time is the time spent ({st['AssumeRole']['ms']} ms)")
    check(st["source credentials"]["ms"] < 5000,
          f"the credentials step keeps its own ({st['source credentials']['ms']} ms)")


if __name__ == "__main__":
    run(main)
