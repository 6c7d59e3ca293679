#!/usr/bin/python3
"""sts_reuse - assumed credentials are reused until 5 minutes before expiry, then
refreshed; a failed refresh keeps the current session while it has more than a
minute left; never a credential expiring within 60 s. Drives one pgiam_auth object
(tests/integration/auth_harness.c) against a private STS emulator."""

import json
import os
import subprocess

from chainlib import (BUILD_ROOT, EXTERNAL_ID, REGION, ROLE_ARN, main)

HARNESS = os.path.join(BUILD_ROOT, "tests", "auth_harness")


class Harness:
    def __init__(self, box, duration=900):
        env = box.alice_env()
        self.p = subprocess.Popen([HARNESS, REGION, ROLE_ARN, EXTERNAL_ID, box.sts.url, str(duration)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=env, text=True)

    def cmd(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        out = self.p.stdout.readline()
        assert out, "harness died: %s" % self.p.stderr.read()
        return json.loads(out)

    def close(self):
        self.p.stdin.write("quit\n")
        self.p.stdin.close()
        assert self.p.wait(20) == 0, self.p.stderr.read()


def test_reuse_then_refresh(box):
    h = Harness(box)
    try:
        first = h.cmd("get 0")
        assert first["ok"], first
        assert first["akid"].startswith("ASIA") and first["assume_count"] == 1
        assert any(e.startswith("assumed role %s until" % ROLE_ARN) for e in first["events"]), first
        for step in ("get 0", "get 60", "getexp 301"):
            again = h.cmd(step)
            assert again["ok"] and again["akid"] == first["akid"] and again["assume_count"] == 1, again
        assert box.sts.count("AssumeRole", "ok") == 1
        # 5 minutes before expiry: refreshed
        fresh = h.cmd("getexp 300")
        assert fresh["ok"] and fresh["akid"] != first["akid"] and fresh["assume_count"] == 2, fresh
        assert any(e.startswith("refreshed role") for e in fresh["events"]), fresh
        assert box.sts.count("AssumeRole", "ok") == 2
        # the emulator knows both, and the new ones are the ones handed out
        assert box.sts.credentials(fresh["akid"])["RoleArn"] == ROLE_ARN
        forced = h.cmd("refresh")
        assert forced["ok"] and forced["assume_count"] == 3
        assert box.sts.count("AssumeRole", "ok") == 3
    finally:
        h.close()


def test_failed_refresh_keeps_session_until_last_minute(box):
    h = Harness(box)
    try:
        first = h.cmd("get 0")
        assert first["ok"]
        box.sts.faults(error500=3)
        # within 5 minutes of expiry the refresh fails, but 2 minutes are left: keep going
        kept = h.cmd("getexp 120")
        assert kept["ok"] and kept["akid"] == first["akid"], kept
        assert any("refresh of role" in e and "failed" in e for e in kept["events"]), kept
        assert box.sts.count("AssumeRole", "InternalFailure") == 3
        # 30 s left and STS still failing: an error, never credentials that expire within a minute
        box.sts.faults(error500=3)
        late = h.cmd("getexp 30")
        assert not late["ok"] and "server error" in late["error"] and "akid" not in late, late
        # STS back: a fresh session
        back = h.cmd("getexp 30")
        assert back["ok"] and back["akid"] != first["akid"], back
    finally:
        h.close()


def test_expired_assumed_session_is_refreshed_not_returned(box):
    h = Harness(box)
    try:
        first = h.cmd("get 0")
        # an hour later (the session lasted 15 minutes): refreshed first
        later = h.cmd("get 3600")
        assert later["ok"] and later["akid"] != first["akid"] and later["assume_count"] == 2, later
    finally:
        h.close()


def test_parallel_callers_share_one_assume_role(box):
    # the TUI calls from a worker thread while the session may call too: one AssumeRole
    h = Harness(box)
    try:
        r = h.cmd("par 8")
        assert r["ok"] and r["distinct"] == 1 and r["assume_count"] == 1, r
        assert box.sts.count("AssumeRole", "ok") == 1
    finally:
        h.close()


def test_snapshots_while_refreshing(box):
    # The TUI refreshes on its own thread while a connect reads what auth knows: every
    # read is a copy taken under a lock, so none sees a freed or half-written session
    # (the ASan run catches a use-after-free, a TSan build a data race).
    box.sts.faults(lifetime_seconds=120)   # short sessions: each refresh changes the expiry
    h = Harness(box)
    try:
        r = h.cmd("race 40")
        assert r["ok"] and r["refreshed"] == 40 and r["assume_count"] == 41, r
        assert r["reads"] > 0 and r["bad_reads"] == 0, r
        assert box.sts.count("AssumeRole", "ok") == 41
        assert sum(e.startswith("refreshed role") for e in r["events"]) == 40, r
    finally:
        h.close()


if __name__ == "__main__":
    main([test_reuse_then_refresh, test_failed_refresh_keeps_session_until_last_minute,
          test_expired_assumed_session_is_refreshed_not_returned, test_parallel_callers_share_one_assume_role,
          test_snapshots_while_refreshing])
