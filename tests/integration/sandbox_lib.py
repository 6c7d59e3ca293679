"""sandbox_lib.py - shared helpers for the sandbox's integration tests: the sandbox
(PGIAM_SANDBOX_ENV when set, else a private one brought up for the test and torn
down after), credentials from the STS emulator through a botocore STS client, RDS
auth tokens made by botocore, psql runs with the token as password, and the
verifier log.

Run with /usr/bin/python3 (Debian's, which has botocore).
"""
import configparser
import contextlib
import datetime
import os
import shlex
import subprocess
import sys
import types

SRC = os.environ.get("PGIAM_SOURCE_ROOT") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SANDBOX = os.path.join(SRC, "tests", "sandbox")
RO_ROLE = "arn:aws:iam::123456789012:role/sf-udf-rds-auth-role"
RW_ROLE = "arn:aws:iam::123456789012:role/pgiam-rw-role"


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)
    print(f"ok - {what}")


def read_env_file(path):
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            words = shlex.split(line, comments=True)
            if len(words) == 2 and words[0] == "export" and "=" in words[1]:
                k, v = words[1].split("=", 1)
                env[k] = v
    return env


@contextlib.contextmanager
def sandbox():
    """Yields the sandbox's env (a dict). Brings up a private sandbox (own state
    directory) when PGIAM_SANDBOX_ENV is not set, and tears it down after."""
    path = os.environ.get("PGIAM_SANDBOX_ENV")
    if path:
        yield read_env_file(path)
        return
    state = f"/tmp/pgiam-sandbox-test-{os.getpid()}"
    r = subprocess.run([os.path.join(SANDBOX, "up"), "--quiet", "--state-dir", state],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise Failure(f"tests/sandbox/up failed:\n{r.stderr}")
    try:
        yield read_env_file(r.stdout.strip())
    finally:
        subprocess.run([os.path.join(SANDBOX, "down"), "--quiet", "--state-dir", state],
                       capture_output=True)


def source_keys(env):
    cp = configparser.ConfigParser()
    cp.read(env["AWS_SHARED_CREDENTIALS_FILE"])
    return cp["default"]["aws_access_key_id"], cp["default"]["aws_secret_access_key"]


def external_id(env, profile="sandbox-ro"):
    cp = configparser.ConfigParser(interpolation=None)
    cp.read(os.path.join(env["PGIAM_SANDBOX_PROFILES"], f"{profile}.ini"))
    return cp["profile"]["external_id"]


def assume_role(env, role_arn=RO_ROLE, profile="sandbox-ro", duration=900):
    """Temporary credentials from the STS emulator, through botocore's STS client."""
    import botocore.session
    akid, secret = source_keys(env)
    session = botocore.session.Session()
    sts = session.create_client("sts", region_name="ap-northeast-1",
                                endpoint_url=env["PGIAM_SANDBOX_STS_URL"],
                                aws_access_key_id=akid, aws_secret_access_key=secret)
    resp = sts.assume_role(RoleArn=role_arn, RoleSessionName="pgiam-sandbox-test",
                           ExternalId=external_id(env, profile), DurationSeconds=duration)
    c = resp["Credentials"]
    return {"AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"],
            "SessionToken": c["SessionToken"]}


def token(creds, host, port, user, region="ap-northeast-1", signed_at=None):
    """botocore's generate_db_auth_token; with signed_at, the clock frozen there."""
    import botocore.session
    client = botocore.session.Session().create_client(
        "rds", region_name=region, aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"])
    if signed_at is None:
        return client.generate_db_auth_token(host, port, user, Region=region)
    import botocore.auth
    mods = [sys.modules[n] for n in ("botocore.auth", "botocore.crt.auth") if n in sys.modules]

    class Frozen(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return signed_at

    saved = [m.datetime for m in mods]
    for m in mods:
        m.datetime = types.SimpleNamespace(datetime=Frozen, timedelta=datetime.timedelta,
                                           timezone=datetime.timezone)
    try:
        return client.generate_db_auth_token(host, port, user, Region=region)
    finally:
        for m, old in zip(mods, saved):
            m.datetime = old


def psql(env, user, password, sql, host=None, hostaddr="127.0.0.1", port=None,
         sslmode="verify-full", dbname="sample_db"):
    """Runs psql with the token as PGPASSWORD (never on the command line)."""
    penv = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
            "PGPASSWORD": password, "PGCONNECT_TIMEOUT": "10"}
    conninfo = {
        "host": host or env["PGIAM_SANDBOX_ENDPOINT_HOST"], "hostaddr": hostaddr,
        "port": str(port or env["PGIAM_SANDBOX_PG_PORT"]), "user": user, "dbname": dbname,
        "sslmode": sslmode, "sslrootcert": env["PGIAM_SANDBOX_CA"],
    }
    cs = " ".join(f"{k}={v}" for k, v in conninfo.items() if v)
    return subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose",
                           "-c", sql, cs], capture_output=True, text=True, env=penv, timeout=60)


class VerifierLog:
    """The verifier log from the moment of creation on."""

    def __init__(self, env):
        self.path = env["PGIAM_SANDBOX_VERIFIER_LOG"]
        self.offset = os.path.getsize(self.path)

    def lines(self):
        with open(self.path, encoding="utf-8") as f:
            f.seek(self.offset)
            return f.read().splitlines()

    def mark(self):
        self.offset = os.path.getsize(self.path)

    def find(self, user, verdict, code=None, contains=None):
        """The first new line for user with this verdict (and code, and text).
        Other tests may log concurrently: match as precisely as you can."""
        for line in self.lines():
            parts = line.split(" ", 4)
            if len(parts) >= 4 and parts[1] == user and parts[2] == verdict and (
                    code is None or parts[3] == f"{code}:") and (
                    contains is None or contains in line):
                return line
        return None


def forwarder_signal(env, sig, word):
    """Signals the sandbox's forwarder (tcp_forward.py) and waits until its log says
    word once more than before: the signal has taken effect, not merely been sent."""
    import time
    d = env["PGIAM_SANDBOX_DIR"]
    with open(os.path.join(d, "fwd.pid"), encoding="utf-8") as f:
        pid = int(f.read())
    log = os.path.join(d, "fwd.log")
    with open(log, encoding="utf-8") as f:
        before = f.read().count(word)
    os.kill(pid, sig)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with open(log, encoding="utf-8") as f:
            if f.read().count(word) > before:
                return
        time.sleep(0.05)
    raise AssertionError(f"the forwarder did not log {word!r}")


def run(main):
    try:
        with sandbox() as env:
            main(env)
    except Failure as e:
        print(f"FAIL - {e}")
        sys.exit(1)
    print("all passed")
