#!/usr/bin/python3
"""check_text_timing.py - `pgiam check` text output (the live lines, printed as each
step ends) puts the STS time under AssumeRole, as --json does (issue 10, item 9):
with the STS emulator answering this caller's AssumeRole 1.5 s late, the live text
once said `1 source credentials 1507 ms / 2 AssumeRole 0 ms`. Runs alone (it posts
a fault to the sandbox's shared STS emulator)."""
import os
import re
import subprocess

from check_timing import faults
from sandbox_lib import check, run, source_keys

BIN = os.environ.get("PGIAM_BIN", "build/pgiam")
DELAY_MS = 1500


def step_ms(out, name):
    m = re.search(r"^\s*\d+ %s\s+pass\s+(\d+) ms" % re.escape(name), out, re.M)
    return int(m.group(1)) if m else None


def main(env):
    akid, _ = source_keys(env)
    faults(env, {"slow_ms": DELAY_MS, "slow_count": 1, "access_key_id": akid})
    r = subprocess.run([BIN, "check", "--profiles", env["PGIAM_SANDBOX_PROFILES"],
                        "--profile", "sandbox-ro"], capture_output=True, text=True,
                       env=dict(os.environ, **env), timeout=60)
    check(r.returncode == 0, f"sandbox-ro passes ({r.stderr.strip()[:200]})")
    src, assume = step_ms(r.stdout, "source credentials"), step_ms(r.stdout, "AssumeRole")
    check(src is not None and assume is not None, f"both steps printed:\n{r.stdout}")
    check(assume >= DELAY_MS - 50, f"the AssumeRole line carries the STS delay ({assume} ms)")
    check(src < DELAY_MS - 50, f"the source credentials line does not ({src} ms)")


if __name__ == "__main__":
    run(main)
