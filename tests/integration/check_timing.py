#!/usr/bin/python3
"""check_timing.py - the connect chain times source credentials and AssumeRole apart:
with the STS emulator answering this caller's AssumeRole 600 ms late, `pgiam check
--json` shows those 600 ms on the AssumeRole step, not on the credentials step.
Runs alone (it posts a fault to the sandbox's shared STS emulator)."""
import json
import os
import subprocess
import urllib.request

from sandbox_lib import check, run, source_keys

BIN = os.environ.get("PGIAM_BIN", "build/pgiam")
DELAY_MS = 600


def faults(env, body):
    req = urllib.request.Request(env["PGIAM_SANDBOX_STS_URL"] + "/_sandbox/faults",
                                 data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        return json.loads(resp.read())


def main(env):
    akid, _ = source_keys(env)
    faults(env, {"slow_ms": DELAY_MS, "slow_count": 1, "access_key_id": akid})
    r = subprocess.run([BIN, "check", "--profiles", env["PGIAM_SANDBOX_PROFILES"],
                        "--profile", "sandbox-ro", "--json"], capture_output=True, text=True,
                       env=dict(os.environ, **env), timeout=60)
    j = json.loads(r.stdout)
    st = {s["name"]: s for s in j["steps"]}
    check(r.returncode == 0 and j["ok"], f"sandbox-ro passes ({r.stderr.strip()[:200]})")
    check(st["AssumeRole"]["ms"] >= DELAY_MS - 50,
          f"AssumeRole carries the STS delay ({st['AssumeRole']['ms']} ms)")
    check(st["source credentials"]["ms"] < DELAY_MS - 50,
          f"source credentials do not ({st['source credentials']['ms']} ms)")


if __name__ == "__main__":
    run(main)
