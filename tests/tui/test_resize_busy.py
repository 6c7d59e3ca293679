"""test_resize_busy.py - a tiny terminal and resizes while work is in flight, against
the sandbox: the STS emulator delays this caller's AssumeRole (slow_ms, scoped to the
source key), and while the connect screen waits the terminal shrinks to 20x5 ("too
small"), back, to 20x5 again and back; the connection then completes. While
`SELECT pg_sleep(3)` runs the same happens; the result appears afterwards. The
process never dies and (under ASan) no report is written. Runs alone (it posts a
fault to the shared emulator, and reset it at the end). Skipped (77) without
PGIAM_SANDBOX_ENV."""
import configparser
import os

from tuilib import BIN, Fail, Tmux, child_pid, run, sandbox_env, sts_control


def source_key(env):
    cfg = configparser.ConfigParser()
    cfg.read(env["AWS_SHARED_CREDENTIALS_FILE"])
    return cfg["default"]["aws_access_key_id"]


def shake(t, pid):
    """20x5 and back, twice; the screen says too small, then the layout is back."""
    for _ in range(2):
        t.resize(20, 5)
        t.wait_for(r"Terminal too")
        t.resize(100, 30)
        # (tmux may bring back lines from its history on growing: wait for the redraw)
        t.wait_for(r"Terminal too", absent=True)
        t.wait_for(r"pgiam · ")
        if not os.path.exists("/proc/%d" % pid):
            raise Fail("pgiam died during a resize:\n" + t.screen())


def main():
    env = sandbox_env()
    env["TERM"] = "screen-256color"
    t = Tmux(100, 30)
    try:
        sts_control(env, "/_sandbox/faults", {"slow_ms": 4000, "slow_count": 1,
                                              "access_key_id": source_key(env)})
        t.start("%s --profiles %s --profile sandbox-ro; echo PGIAM-EXITED; sleep 60" %
                (BIN, env["PGIAM_SANDBOX_PROFILES"]), env=env)
        pid = child_pid(t.pane_pid())
        t.wait_for(r"pgiam · Connecting")
        shake(t, pid)
        s = t.screen()
        if "connected · TLS verified" in s:
            raise Fail("the connect was not slowed: the resizes did not happen during it")
        s = t.wait_for(r"connected · TLS verified|Not connected", timeout=30)
        if "Not connected" in s:
            raise Fail("the connect failed after the resizes:\n" + s)
        t.editor()   # the workbench, then its SQL editor (issue 13)
        t.run_sql("SELECT pg_sleep(3), 'after-sleep' AS z")
        t.wait_for(r"running")
        shake(t, pid)
        if "after-sleep" in t.screen():
            raise Fail("the query ended before the resizes were done")
        t.wait_for(r"after-sleep", timeout=15)
        t.wait_for(r"1 row")
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()
        sts_control(env, "/_sandbox/reset", {})


run(main)
