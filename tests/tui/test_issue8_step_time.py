"""test_issue8_step_time.py - a failed connect step shows the time it ran (issue 8):
with the STS emulator answering this caller's AssumeRole after pgiam's 20 s HTTP
timeout, the connect screen showed "AssumeRole … 0.00 s" (the step's begin is only
reported when the credential call returns). It now shows the ~20 s spent. Runs alone
(it posts a slow-STS fault to the shared emulator, reset at the end). Skipped (77)
without PGIAM_SANDBOX_ENV."""
import configparser
import re

from tuilib import BIN, Fail, Tmux, run, sandbox_env, sts_control


def source_key(env):
    cfg = configparser.ConfigParser()
    cfg.read(env["AWS_SHARED_CREDENTIALS_FILE"])
    return cfg["default"]["aws_access_key_id"]


def main():
    env = sandbox_env()
    env["TERM"] = "xterm-256color"
    t = Tmux(120, 30)
    try:
        sts_control(env, "/_sandbox/faults", {"slow_ms": 23000, "slow_count": 1,
                                              "access_key_id": source_key(env)})
        t.start("%s --profiles %s --profile sandbox-rw; echo PGIAM-EXITED; sleep 60" %
                (BIN, env["PGIAM_SANDBOX_PROFILES"]), env=env)
        s = t.wait_for(r"Not connected|connected · TLS verified", timeout=60)
        if "Not connected" not in s:
            raise Fail("the connect did not fail on the STS timeout:\n" + s)
        line = next((l for l in s.splitlines() if "AssumeRole" in l and re.search(r"\d+\.\d+ s", l)), "")
        m = re.search(r"(\d+\.\d+) s", line)
        if not m or float(m.group(1)) < 19.5:
            raise Fail("AssumeRole does not show the ~20 s it ran (%r):\n%s" % (line, s))
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()
        sts_control(env, "/_sandbox/reset", {})


run(main)
