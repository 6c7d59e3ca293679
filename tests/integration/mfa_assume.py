"""mfa_assume.py - AssumeRole with MFA, against the sandbox's role that requires it (a
TOTP secret in the STS emulator): a profile with mfa_serial sends SerialNumber and
TokenCode; the code comes from PGIAM_MFA_CODE (scripts) or is asked on the terminal
(`MFA code for arn:…:mfa/NAME:`, echo off: the typed digits never show); a wrong code
gets AWS's own message in one line; no code and no terminal is one line; the same role
without mfa_serial in the profile is refused with a hint naming mfa_serial; the login's
token is accepted by the sandbox's botocore verifier; no code reaches the output.
Skipped (77) without PGIAM_SANDBOX_ENV."""
import os
import pty
import re
import select
import subprocess
import sys
import tempfile
import time

import fedlib

BIN = os.environ["PGIAM_BIN"]
failures = []








def check(cond, what, out=""):
    if not cond:
        failures.append("%s\n%s" % (what, out))


def run(env, profiles, *args, stdin=subprocess.DEVNULL):
    r = subprocess.run([BIN, *args, "--profile", "mfa", "--profiles", profiles], env=env,
                       stdin=stdin, capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout + r.stderr


def run_on_pty(env, profiles, answer, *args):
    """Runs pgiam on a pseudo-terminal, answers the MFA prompt, returns (rc, all output)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(BIN, [BIN, *args, "--profile", "mfa", "--profiles", profiles], env)
    out, answered, deadline = b"", False, time.monotonic() + 30
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        if not answered and b"MFA code for " in out and out.rstrip().endswith(b":"):
            os.write(fd, answer.encode() + b"\r")
            answered = True
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace")


def main():
    env = fedlib.sandbox_env()
    secret, serial = env["PGIAM_SANDBOX_MFA_SECRET"], env["PGIAM_SANDBOX_MFA_SERIAL"]
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(env["PGIAM_SANDBOX_PROFILES"], "sandbox-ro.ini")) as f:
            base = f.read()
        base = re.sub(r"(?m)^role_arn = .*$", "role_arn = " + env["PGIAM_SANDBOX_MFA_ROLE_ARN"],
                      base)
        base = re.sub(r"(?m)^external_id = .*\n", "", base)
        with open(os.path.join(d, "mfa.ini"), "w") as f:
            f.write(base + "mfa_serial = %s\n" % serial)
        nomfa = os.path.join(d, "nomfa")
        os.mkdir(nomfa)
        with open(os.path.join(nomfa, "mfa.ini"), "w") as f:
            f.write(base)
        codes = []

        code = fedlib.fresh_code(secret)
        codes.append(code)
        rc, out = run(dict(env, PGIAM_MFA_CODE=code), d, "sql", "-c", "select 1 as one")
        check(rc == 0 and '"one"' in out, "PGIAM_MFA_CODE did not get a login", out)

        code = fedlib.fresh_code(secret)
        codes.append(code)
        rc, out = run(env, d, "sql", "--mfa-code", code, "-c", "select 2 as two")
        check(rc == 0 and '"two"' in out, "--mfa-code did not get a login", out)
        rc, out = run(env, d, "sql", "--mfa-code", "12ab", "-c", "select 1")
        check(rc == 2 and "six digits" in out and "12ab" not in out,
              "a malformed --mfa-code is not a one-line usage error", out)

        wrong = "%06d" % ((int(fedlib.totp(secret, time.time())) + 500000) % 1000000)
        rc, out = run(dict(env, PGIAM_MFA_CODE=wrong), d, "whoami")
        check(rc != 0 and "MultiFactorAuthentication failed" in out and
              len(out.strip().splitlines()) == 1, "a wrong code is not AWS's one line", out)

        rc, out = run(env, d, "whoami")
        check(rc != 0 and "needs an MFA code for %s" % serial in out and
              len(out.strip().splitlines()) == 1, "no code and no terminal is not one line", out)

        rc, out = run(dict(env, PGIAM_MFA_CODE="12ab"), d, "whoami")
        check(rc != 0 and "six digits" in out, "a malformed code is not refused", out)

        code = fedlib.fresh_code(secret)
        codes.append(code)
        rc, out = run_on_pty(env, d, code, "whoami")
        check(rc == 0 and "MFA code for %s:" % serial in out and
              "assumed-role/sandbox-mfa-role" in out and "mfa device:    %s" % serial in out,
              "the terminal prompt did not get a session", out)
        check(code not in out, "the typed code was echoed", out)

        code = fedlib.fresh_code(secret)
        codes.append(code)
        rc, out = run(env, d, "whoami", "--mfa-code", code)
        check(rc == 0 and "assumed-role/sandbox-mfa-role" in out and code not in out,
              "whoami --mfa-code did not get a session", out)
        rc, out = run(env, d, "token", "--mfa-code", code)
        check(rc == 0 and "X-Amz-Signature=" in out and "X-Amz-Security-Token=" in out,
              "token --mfa-code did not sign with the role's session", out)
        rc, out = run(env, d, "token")
        check(rc != 0 and "needs an MFA code for %s" % serial in out and
              len(out.strip().splitlines()) == 1, "token without a code is not one line", out)
        rc, out = run(env, d, "token", "--mfa-code", "1234567")
        check(rc == 2 and "six digits" in out, "token: a malformed --mfa-code is not refused", out)

        rc, out = run(env, nomfa, "whoami")
        check(rc != 0 and "mfa_serial" in out, "a refusal without mfa_serial does not name it",
              out)
        for c in codes:
            if c in out:
                failures.append("a code reached the output")
    for f in failures:
        print("FAIL", f)
    if failures:
        sys.exit(1)
    print("ok: MFA codes from the environment, --mfa-code (sql, whoami, token) and the terminal, and their failures")


main()
