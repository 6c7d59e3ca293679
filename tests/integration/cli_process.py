#!/usr/bin/python3
"""cli_process.py - process-level protections of the pgiam binary: no core files (a
core would hold secret keys and tokens), checked on a live process through
/proc/PID/limits while it waits for a token on stdin."""
import os
import subprocess
import sys
import time

binary = os.environ["PGIAM_BIN"]
proc = subprocess.Popen([binary, "token", "--describe", "-"], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
try:
    deadline = time.monotonic() + 10
    limit = None
    # pgiam sets the limit first thing in main(): poll until it has (or time is up).
    while time.monotonic() < deadline and limit != ("0", "0"):
        with open(f"/proc/{proc.pid}/limits") as f:
            for line in f:
                if line.startswith("Max core file size"):
                    soft, hard = line.split()[4:6]
                    limit = (soft, hard)
        if limit != ("0", "0"):
            time.sleep(0.05)
    if limit != ("0", "0"):
        print(f"FAIL: core file size limit of a running pgiam is {limit}, expected 0 0")
        sys.exit(1)
    print("ok - pgiam runs with core files disabled")
finally:
    proc.kill()
    proc.communicate()
