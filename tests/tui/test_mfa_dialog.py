"""test_mfa_dialog.py - the MFA code dialog, against the sandbox's role that requires
MFA (TOTP in the STS emulator): connecting with a profile that has mfa_serial opens a
dialog naming the device ARN; the digits show masked; a wrong code ends the connect with
AWS's message (the screen stays usable) and `r` asks again; the right code connects.
The codes reach neither the screen nor the event log. Skipped (77) without
PGIAM_SANDBOX_ENV."""
import os
import re
import sys
import time

from tuilib import BIN, Fail, Tmux, run, sandbox_env, tempdir

sys.path.insert(0, os.path.join(os.environ["PGIAM_SOURCE_ROOT"], "tests", "sandbox"))
from sts_federation import totp  # noqa: E402  (the emulator's own TOTP)




def main():
    env = sandbox_env()
    env["TERM"] = "screen-256color"
    # no cached session from another run: the dialog must open
    env["PGIAM_NO_CREDENTIAL_CACHE"] = "1"
    serial, secret = env["PGIAM_SANDBOX_MFA_SERIAL"], env["PGIAM_SANDBOX_MFA_SECRET"]
    d = tempdir()
    with open(os.path.join(env["PGIAM_SANDBOX_PROFILES"], "sandbox-ro.ini")) as f:
        text = f.read()
    text = re.sub(r"(?m)^role_arn = .*$", "role_arn = " + env["PGIAM_SANDBOX_MFA_ROLE_ARN"], text)
    text = re.sub(r"(?m)^external_id = .*\n", "", text)
    with open(os.path.join(d, "mfa.ini"), "w") as f:
        f.write(text + "mfa_serial = %s\n" % serial)
    os.chmod(os.path.join(d, "mfa.ini"), 0o600)
    t = Tmux(120, 30)
    try:
        t.start("%s --profiles %s --profile mfa; echo PGIAM-EXITED; sleep 60" % (BIN, d), env=env)
        prompt = r"MFA code for %s:" % re.escape(serial)
        t.wait_for(prompt)
        wrong = "%06d" % ((int(totp(secret, time.time())) + 500000) % 1000000)
        t.type(wrong)
        s = t.wait_for(prompt + r" \*{6}")
        if wrong in s:
            raise Fail("the typed code shows:\n" + s)
        t.send("Enter")
        s = t.wait_for(r"MultiFactorAuthentication failed")
        if "Not connected" not in s:
            raise Fail("a wrong code did not end the connect:\n" + s)
        t.send("r")
        t.wait_for(prompt + r"[ \t]*\n")  # the dialog again, empty
        while int(time.time()) % 30 > 25:
            time.sleep(0.5)
        right = totp(secret, time.time())
        t.type(right)
        t.wait_for(prompt + r" \*{6}")
        t.send("Enter")
        s = t.wait_for(r"connected · TLS verified|Not connected", timeout=30)
        if "Not connected" in s:
            raise Fail("the right code did not connect:\n" + s)
        t.send("F3")
        s = t.wait_for(r"Event log[^\n]*\n(?:.*\n)*.*assumed role")
        for code in (wrong, right):
            # (as a number of its own: the account ID in every ARN holds digit runs)
            if re.search(r"(?<!\d)%s(?!\d)" % code, s):
                raise Fail("a code reached the event log:\n" + s)
        t.send("q")
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()


run(main)
