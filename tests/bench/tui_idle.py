#!/usr/bin/python3
"""tests/bench/tui_idle.py - CPU used by an idle TUI (target: well under 1%).

Runs pgiam in a private tmux server at 100x30 and reads the process's CPU time from
/proc before and after S seconds without a key: once on the home screen, and, when
the sandbox is up (PGIAM_SANDBOX_ENV), once connected to sandbox-ro (status bar
counting down every second). Also counts the wake-ups (voluntary context switches)
per second, which should be about 1 (the one-second timer).
usage: tests/bench/tui_idle.py [seconds]   (PGIAM_BIN picks the binary)
"""
import os
import re
import sys
import time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(root, "tests", "tui"))
os.environ.setdefault("PGIAM_BIN", os.path.join(root, "build", "pgiam"))
import tuilib  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_and_switches(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
    with open("/proc/%d/status" % pid) as f:
        vol = int(re.search(r"voluntary_ctxt_switches:\s+(\d+)", f.read()).group(1))
    return cpu, vol


def measure(label, cmd, wait_text, env, seconds):
    t = tuilib.Tmux(100, 30)
    try:
        t.start(cmd, env=env)
        t.wait_for(wait_text, timeout=30)
        pid = tuilib.child_pid(t.pane_pid())
        time.sleep(1)  # let the first screens settle; measuring, not waiting for text
        c0, v0 = cpu_and_switches(pid)
        w0 = time.monotonic()
        time.sleep(seconds)
        c1, v1 = cpu_and_switches(pid)
        wall = time.monotonic() - w0
        print("%-22s cpu %.3f s over %.1f s = %.3f%%   wake-ups %.2f/s" %
              (label, c1 - c0, wall, 100.0 * (c1 - c0) / wall, (v1 - v0) / wall))
    finally:
        t.kill()


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
    d = tuilib.tempdir()
    tuilib.write_profile(d, "alpha", endpoint="db.abc123xyz.ap-northeast-1.rds.amazonaws.com:5432",
                         database="sample_db", db_user="iam_ro_user")
    measure("home screen", "%s --profiles %s" % (tuilib.BIN, d), r"pgiam · Profiles",
            {"TERM": "screen-256color"}, seconds)
    path = os.environ.get("PGIAM_SANDBOX_ENV")
    if path:
        env = {"TERM": "screen-256color"}
        with open(path) as f:
            for line in f:
                m = re.match(r"export (\w+)='(.*)'$", line.strip())
                if m:
                    env[m.group(1)] = m.group(2)
        measure("connected (sandbox-ro)", "%s --profiles %s --profile sandbox-ro" %
                (tuilib.BIN, env["PGIAM_SANDBOX_PROFILES"]), r"READ-ONLY", env, seconds)


main()
