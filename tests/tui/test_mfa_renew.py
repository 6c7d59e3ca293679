"""test_mfa_renew.py - renewing the role session of an MFA profile inside the TUI
(issue 14), against the sandbox's role that requires MFA (TOTP in the STS emulator).

The emulator's lifetime knob, scoped to this test's own session name, makes the first
session end 290 s after it is assumed: within 5 minutes, so from the start the status
bar says it ends soon and that F12 renews it. Then, from the SQL editor:
  - F12 opens the MFA dialog; Esc leaves everything as it was (no renewal logged);
  - a wrong code gets AWS's message, the session stays, a statement still runs;
  - the knob is removed and the first session revoked in the emulator; F12 with the
    right code assumes the role again: the countdown shows the new end (about an hour)
    and the bar's warning goes; the backend is terminated, and the next statement
    reconnects with a token signed with the NEW session (one signed with the revoked
    one would be refused, and the log would say so);
  - that session is revoked too and the backend terminated: the next statement's
    reconnect must assume the role again and has no code, so the dialog opens by
    itself (not a message about PGIAM_MFA_CODE or a terminal); the right code renews,
    and the statement run again works;
  - the same when the session ended rather than being revoked: renewed to a session
    of 75 s, under a minute later a reconnect cannot use it and the dialog opens.
No code reaches the screen (outside the masked field) or the event log. Only this
test's own role session and backend are touched: it runs beside others. Skipped (77)
without PGIAM_SANDBOX_ENV."""
import os
import re
import sys
import time

from tuilib import BIN, Fail, Tmux, admin_sql, run, sandbox_env, sts_control, sts_seconds, tempdir

sys.path.insert(0, os.path.join(os.environ["PGIAM_SOURCE_ROOT"], "tests", "sandbox"))
from sts_federation import totp  # noqa: E402  (the emulator's own TOTP)

LIFETIME = 290


def fresh_code(secret):
    """The code now, with at least 5 s of its 30 s step left."""
    while int(time.time()) % 30 > 25:
        time.sleep(0.5)
    return totp(secret, time.time())


def main():
    env = sandbox_env()
    env["TERM"] = "screen-256color"
    # no cached session from another run: every AssumeRole here needs the code
    env["PGIAM_NO_CREDENTIAL_CACHE"] = "1"
    # a stale code in the environment must not be what the TUI uses
    env["PGIAM_MFA_CODE"] = "000000"
    serial, secret = env["PGIAM_SANDBOX_MFA_SERIAL"], env["PGIAM_SANDBOX_MFA_SECRET"]
    role = env["PGIAM_SANDBOX_MFA_ROLE_ARN"]
    name = "pgiam-tui-mfarenew-%d" % os.getpid()
    marker = "mfarenew-%d" % os.getpid()
    codes = []
    d = tempdir()
    with open(os.path.join(env["PGIAM_SANDBOX_PROFILES"], "sandbox-ro.ini")) as f:
        text = f.read()
    text = re.sub(r"(?m)^role_arn = .*$", "role_arn = " + role, text)
    text = re.sub(r"(?m)^external_id = .*\n", "", text)
    with open(os.path.join(d, "mfa.ini"), "w") as f:
        f.write(text + "mfa_serial = %s\nsession_name = %s\n" % (serial, name))
    os.chmod(os.path.join(d, "mfa.ini"), 0o600)
    scope = {"role_arn": role, "session_name": name}
    t = Tmux(150, 34)

    def terminate_backend():
        n = admin_sql(env, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                           "WHERE usename = 'iam_ro_user' AND application_name = '%s' AND "
                           "pid <> pg_backend_pid()" % marker).strip()
        if n != "1":
            raise Fail("found %s backends to terminate" % n)

    def mark():
        """Names this backend (found by it to terminate it)."""
        t.run_sql("SET application_name = '%s'" % marker)
        t.run_sql("SELECT upper(current_setting('application_name')) AS app")
        t.wait_for(marker.upper())  # only the result has it in capitals

    def enter_code(code):
        codes.append(code)
        t.type(code)
        t.wait_for(re.escape("MFA code for %s:" % serial) + r" \*{6}")
        t.send("Enter")

    def answer(n):
        """Runs SELECT n * 1 AS answer; the screen once its row shows (and no code on it)."""
        t.run_sql("SELECT %d * 1 AS answer" % n)
        s = t.wait_stable(r"(?m)^ +answer *$|ERROR|connect failed|MFA code:", timeout=30)
        if not re.search(r"(?m)^ +answer *\n +%d *$" % n, s):
            raise Fail("SELECT %d did not run:\n%s" % (n, s))
        for code in codes:
            if re.search(r"(?<!\d)%s(?!\d)" % code, s):
                raise Fail("a code shows on the screen:\n" + s)
        return s

    try:
        sts_control(env, "/_sandbox/faults", dict(scope, lifetime_seconds=LIFETIME))
        t.start("%s --profiles %s --profile mfa; echo PGIAM-EXITED; sleep 60" % (BIN, d), env=env)
        t.wait_for(re.escape("MFA code for %s:" % serial))
        enter_code(fresh_code(secret))
        s = t.wait_for(r"connected · TLS verified|Not connected", timeout=30)
        if "Not connected" in s:
            raise Fail("the right code did not connect:\n" + s)
        # (a) the bar says the session ends within 5 minutes, and how to renew it
        s = t.wait_for(r"STS 0[0-4]:\d\d · ends soon: F12 renews \(MFA\)")
        first = sts_seconds(s)
        if first is None or first > LIFETIME:
            raise Fail("the countdown does not show the short session:\n" + s)
        t.editor()
        mark()

        # F12 from the SQL editor opens the dialog; Esc changes nothing
        t.send("F12")
        s = t.wait_for(r"MFA code: renew the role session of mfa")
        if not re.search(r"The role session ends in 0[0-4]:\d\d; assuming the role again", s):
            raise Fail("the dialog does not say when the session ends:\n" + s)
        t.type("123")
        t.wait_for(re.escape("MFA code for %s:" % serial) + r" \*{3}")
        t.send("Escape")
        s = t.wait_for(r"(?m)^SQL>")
        if not re.search(r"(?m)^SQL>\s*$", s):
            raise Fail("Esc: the digits went to the editor:\n" + s)
        if "ends soon: F12 renews" not in s or "renewing the role session" in s:
            raise Fail("Esc changed the session:\n" + s)

        # a wrong code: AWS's message, the session as it was, the screen usable
        t.send("F12")
        t.wait_for(r"MFA code: renew the role session of mfa")
        enter_code("%06d" % ((int(fresh_code(secret)) + 500000) % 1000000))
        s = t.wait_for(r"role session not renewed \(F12 tries again\): STS refused the MFA code: "
                       r"AccessDenied: MultiFactorAuthentication failed",
                       timeout=30)
        if "ends soon: F12 renews" not in s:
            raise Fail("a wrong code changed the session's end:\n" + s)
        answer(42)

        # the right code: the role is assumed again, the countdown shows the new end
        sts_control(env, "/_sandbox/faults", dict(scope, lifetime_seconds=None))
        got = sts_control(env, "/_sandbox/revoke", scope)
        if got.get("revoked") != 1:
            raise Fail("the emulator did not revoke the first session: %r" % got)
        t.send("F12")
        t.wait_for(r"MFA code: renew the role session of mfa")
        enter_code(fresh_code(secret))
        s = t.wait_for(r"role session renewed until \d\d:\d\d:\d\d", timeout=30)
        s = t.wait_for(r"STS (?:59|1:00):\d\d")
        left = sts_seconds(s)
        if left is None or left < 3000 or "ends soon" in s:
            raise Fail("the countdown does not show the new session's end:\n" + s)
        # the next token is signed with the new session: the old one is revoked
        terminate_backend()
        t.wait_for(r"connection lost", timeout=30)
        answer(43)
        t.send("F3")
        s = t.wait_stable(r"pgiam · Event log")
        if "refused a token signed with the cached session" in s or "reconnected to" not in s:
            raise Fail("the reconnect did not use the renewed session:\n" + s)
        if s.count("refreshed role %s" % role) != 1:
            raise Fail("the log does not show the role assumed again once:\n" + s)
        t.send("q")
        t.wait_for(r"(?m)^SQL>")

        # (b) a reconnect that must assume the role again, without a code: the dialog
        got = sts_control(env, "/_sandbox/revoke", scope)
        if got.get("revoked") != 2:  # (the first one, again, and the second)
            raise Fail("the emulator did not revoke the second session: %r" % got)
        mark()  # (a new backend: mark it)
        terminate_backend()
        t.wait_for(r"connection lost", timeout=30)
        t.run_sql("SELECT 44 * 1 AS answer")
        s = t.wait_for(r"MFA code: renew the role session of mfa", timeout=30)
        if "The role session can no longer be used (revoked" not in s:
            raise Fail("the dialog does not say the session cannot be used:\n" + s)
        if re.search(r"PGIAM_MFA_CODE|terminal to ask|not a terminal", s):
            raise Fail("the failed reconnect speaks of PGIAM_MFA_CODE or a terminal:\n" + s)
        enter_code(fresh_code(secret))
        t.wait_for(r"role session renewed until", timeout=30)
        answer(44)

        # (b) again, the session ENDED (not revoked): renewed to one of 75 s, and once
        # under a minute is left a reconnect must assume the role again: the dialog
        sts_control(env, "/_sandbox/faults", dict(scope, lifetime_seconds=75))
        t.send("F12")
        t.wait_for(r"MFA code: renew the role session of mfa")
        enter_code(fresh_code(secret))
        t.wait_for(r"role session renewed until", timeout=30)
        sts_control(env, "/_sandbox/faults", dict(scope, lifetime_seconds=None))
        t.wait_for(r"STS 00:[0-5]\d · ends soon: F12 renews \(MFA\)", timeout=40)
        mark()
        terminate_backend()
        t.wait_for(r"connection lost", timeout=30)
        t.run_sql("SELECT 45 * 1 AS answer")
        t.wait_for(r"MFA code: renew the role session of mfa", timeout=30)
        enter_code(fresh_code(secret))
        s = t.wait_for(r"STS (?:59|1:00):\d\d", timeout=30)
        answer(45)

        t.send("F3")
        s = t.wait_stable(r"pgiam · Event log")
        if re.search(r"PGIAM_MFA_CODE|terminal to ask|not a terminal", s):
            raise Fail("the event log speaks of PGIAM_MFA_CODE or a terminal:\n" + s)
        # (the log's lines are cut at the screen's width)
        if "the role needs an MFA code for %s: enter it in the MFA dialog" % serial not in s:
            raise Fail("the event log does not say how to renew:\n" + s)
        for code in codes:
            # (as a number of its own: the account ID in every ARN holds digit runs)
            if re.search(r"(?<!\d)%s(?!\d)" % code, s):
                raise Fail("a code reached the event log:\n" + s)
        t.send("q")
        t.wait_for(r"(?m)^SQL>")
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()
        sts_control(env, "/_sandbox/faults", dict(scope, lifetime_seconds=None))


run(main)
