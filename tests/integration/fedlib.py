"""fedlib.py - shared by the tests of issue 14's sources (web identity, SSO, MFA, the
session cache): the sandbox's variables on top of this process's environment (or exit
77, skipped), the emulator's TOTP and JWT helpers, and running pgiam on a profile."""
import os
import subprocess
import sys
import time

SRC = os.environ.get("PGIAM_SOURCE_ROOT") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SRC, "tests", "sandbox"))
import sts_federation  # noqa: E402  (the emulator's own TOTP and JWT code)

BIN = os.environ.get("PGIAM_BIN", "")
totp = sts_federation.totp
make_jwt = sts_federation.make_jwt


def sandbox_env():
    """os.environ plus the sandbox's exports; exits 77 (skipped) without a sandbox."""
    path = os.environ.get("PGIAM_SANDBOX_ENV")
    if not path or not os.path.exists(path):
        print("no sandbox (PGIAM_SANDBOX_ENV)")
        sys.exit(77)
    env = dict(os.environ)
    with open(path) as f:
        for line in f:
            if line.startswith("export "):
                k, v = line[7:].rstrip("\n").split("=", 1)
                env[k] = v.strip("'")
    return env


def fresh_code(secret):
    """The TOTP code now, waiting out a step's last seconds so it stays valid a while."""
    while int(time.time()) % 30 > 25:
        time.sleep(0.5)
    return totp(secret, time.time())


def run(env, profiles, profile, *args):
    """pgiam ARGS --profile PROFILE --profiles DIR: (exit code, stdout + stderr)."""
    r = subprocess.run([BIN, *args, "--profile", profile, "--profiles", profiles], env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout + r.stderr
