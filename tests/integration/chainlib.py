"""chainlib - helpers for the credential-chain and STS integration tests.

Each test file starts its OWN STS emulator (tests/sandbox/sts_emulator.py) on
loopback with a temporary config, writes temporary pgiam profiles and AWS files,
and drives the real pgiam binary with a clean environment (no AWS_* from the
caller, HOME in the temporary directory, instance metadata disabled unless a test
turns it on with a loopback endpoint). Run with Debian's /usr/bin/python3.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request

SOURCE_ROOT = os.environ.get("PGIAM_SOURCE_ROOT") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD_ROOT = os.environ.get("PGIAM_BUILD_ROOT") or os.path.join(SOURCE_ROOT, "build")
PGIAM = os.environ.get("PGIAM_BIN") or os.path.join(BUILD_ROOT, "pgiam")
PYTHON = "/usr/bin/python3"

ACCOUNT = "123456789012"
REGION = "ap-northeast-1"
ALICE_ARN = "arn:aws:iam::%s:user/alice" % ACCOUNT
ALICE_AKID = "AKIAALICEEXAMPLE0001"
ALICE_SECRET = "aliceSecretKey/With+Slash=Plus0000000000"
BOB_AKID = "AKIABOBEXAMPLE000002"          # a valid user the role does not trust
BOB_SECRET = "bobSecretKey0000000000000000000000000000"
OLD_AKID = "ASIAEXPIREDEXAMPLE03"          # temporary source credentials, expired
OLD_SECRET = "oldSecretKey0000000000000000000000000000"
OLD_TOKEN = "oldSessionToken//////////example"
ROLE_ARN = "arn:aws:iam::%s:role/sf-udf-rds-auth-role" % ACCOUNT
# External IDs made by other services contain + / =: they must survive form encoding.
EXTERNAL_ID = "SFCRole=2_AbC+dEf/gHi=jKl+/=="
SHORT_ROLE_ARN = "arn:aws:iam::%s:role/short-role" % ACCOUNT
HOST = "demo-db.abcdefghijkl.ap-northeast-1.rds.amazonaws.com"


def emulator_config():
    return {
        "account": ACCOUNT,
        "region": REGION,
        "users": [
            {"arn": ALICE_ARN, "access_key_id": ALICE_AKID, "secret_access_key": ALICE_SECRET,
             "expired": False},
            {"arn": "arn:aws:iam::%s:user/bob" % ACCOUNT, "access_key_id": BOB_AKID,
             "secret_access_key": BOB_SECRET, "expired": False},
            {"arn": "arn:aws:iam::%s:user/old" % ACCOUNT, "access_key_id": OLD_AKID,
             "secret_access_key": OLD_SECRET, "session_token": OLD_TOKEN, "expired": True},
        ],
        "roles": [
            {"arn": ROLE_ARN, "external_id": EXTERNAL_ID,
             "trusted": [ALICE_ARN, "arn:aws:iam::%s:user/old" % ACCOUNT],
             "max_session_duration": 3600,
             "rds_db_connect": ["arn:aws:rds-db:%s:%s:dbuser:db-ABCDEFGHIJKL/iam_ro_user" % (REGION, ACCOUNT)]},
            {"arn": SHORT_ROLE_ARN, "external_id": None, "trusted": [ALICE_ARN, ROLE_ARN],
             "max_session_duration": 3600, "rds_db_connect": []},
        ],
    }


def wait_for(pred, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, what))


def free_closed_port():
    """A loopback port nobody listens on (bound, then closed)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Emulator:
    """One sts_emulator.py process on 127.0.0.1 with a port picked by the kernel."""

    def __init__(self, tmp, config=None, script="sts_emulator.py", extra=()):
        self.tmp = tmp
        name = os.path.splitext(script)[0]
        self.config_path = os.path.join(tmp, name + ".json")
        self.port_file = os.path.join(tmp, name + ".port")
        self.log_path = os.path.join(tmp, name + ".log")
        with open(self.config_path, "w") as f:
            json.dump(config if config is not None else emulator_config(), f)
        path = os.path.join(SOURCE_ROOT, "tests", "sandbox", script)
        args = [PYTHON, path,
                "--config", self.config_path, "--port", "0", "--port-file", self.port_file]
        if script == "sts_emulator.py":
            args += ["--host", "127.0.0.1", "--log", self.log_path]
        args += list(extra)
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(
            os.path.join(tmp, name + ".stderr"), "w"))
        self.port = int(wait_for(self._read_port, 15, "%s to listen" % script))
        self.url = "http://127.0.0.1:%d" % self.port

    def _read_port(self):
        if self.proc.poll() is not None:
            raise AssertionError("emulator exited with %s" % self.proc.returncode)
        try:
            with open(self.port_file) as f:
                return f.read().strip() or None
        except FileNotFoundError:
            return None

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return json.loads(e.read() or b"null")

    def stats(self):
        return self.call("GET", "/_sandbox/stats")

    def faults(self, **knobs):
        return self.call("POST", "/_sandbox/faults", knobs)

    def reset(self):
        return self.call("POST", "/_sandbox/reset", {})

    def credentials(self, akid):
        return self.call("GET", "/_sandbox/credentials/" + akid)

    def count(self, action, result=None):
        st = self.stats()
        if result is None:
            return st.get("actions", {}).get(action, 0)
        return st.get("results", {}).get(action, {}).get(result, 0)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Sandbox:
    """A temporary HOME with pgiam profiles, AWS files and one STS emulator."""

    def __init__(self, emulator=True):
        self.tmp = tempfile.mkdtemp(prefix="pgiam-chain-")
        self.home = os.path.join(self.tmp, "home")
        self.profiles = os.path.join(self.tmp, "profiles")
        os.makedirs(self.home)
        os.makedirs(self.profiles)
        self.aws_config = os.path.join(self.tmp, "aws-config")
        self.aws_credentials = os.path.join(self.tmp, "aws-credentials")
        self.sts = Emulator(self.tmp) if emulator else None
        self.others = []

    def profile(self, name, **keys):
        defaults = {"endpoint": "%s:5432" % HOST, "region": REGION, "database": "sample_db",
                    "db_user": "iam_ro_user"}
        if self.sts:
            defaults["sts_endpoint"] = self.sts.url
        defaults.update({k: v for k, v in keys.items() if v is not None})
        for k in [k for k, v in keys.items() if v is None]:
            defaults.pop(k, None)
        with open(os.path.join(self.profiles, name + ".ini"), "w") as f:
            f.write("[profile]\n")
            for k, v in defaults.items():
                f.write("%s = %s\n" % (k, v))
        return name

    def role_profile(self, name="demo", **keys):
        base = {"role_arn": ROLE_ARN, "external_id": EXTERNAL_ID, "session_name": "chain-test",
                "duration": "900"}
        base.update(keys)
        return self.profile(name, **base)

    def write_aws(self, config="", credentials=""):
        with open(self.aws_config, "w") as f:
            f.write(config)
        with open(self.aws_credentials, "w") as f:
            f.write(credentials)

    def env(self, **extra):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.home, "LANG": "C.UTF-8",
               "AWS_CONFIG_FILE": self.aws_config, "AWS_SHARED_CREDENTIALS_FILE": self.aws_credentials,
               # never reach for the real instance metadata address from a test
               "AWS_EC2_METADATA_DISABLED": "true"}
        for k in ("PGIAM_UNDER_ASAN", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                env[k] = os.environ[k]
        for k, v in extra.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        return env

    def alice_env(self, **extra):
        return self.env(AWS_ACCESS_KEY_ID=ALICE_AKID, AWS_SECRET_ACCESS_KEY=ALICE_SECRET, **extra)

    def run(self, args, env=None, timeout=60, profiles=True):
        cmd = [PGIAM] + list(args)
        if profiles:
            cmd += ["--profiles", self.profiles]
        p = subprocess.run(cmd, env=env if env is not None else self.env(), capture_output=True,
                           text=True, timeout=timeout)
        return p

    def close(self):
        for o in self.others:
            o.stop()
        if self.sts:
            self.sts.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


def token_akid(token):
    """The access key id inside an RDS token's X-Amz-Credential."""
    from urllib.parse import parse_qs, urlsplit
    q = parse_qs(urlsplit("https://" + token).query)
    return q["X-Amz-Credential"][0].split("/")[0]


def botocore_token(token, akid, secret, session_token):
    """Regenerates the token with botocore at the same signing time; equal means the
    token was signed with exactly these credentials."""
    import datetime
    from unittest import mock
    from urllib.parse import parse_qs, urlsplit
    import botocore.session

    parts = urlsplit("https://" + token)
    q = parse_qs(parts.query)
    when = datetime.datetime.strptime(q["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ")
    region = q["X-Amz-Credential"][0].split("/")[2]

    class Frozen(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return when

    session = botocore.session.get_session()
    client = session.create_client("rds", region_name=region, aws_access_key_id=akid,
                                   aws_secret_access_key=secret, aws_session_token=session_token)
    with mock.patch("botocore.auth.datetime.datetime", Frozen):
        return client.generate_db_auth_token(DBHostname=parts.hostname, Port=parts.port,
                                             DBUsername=q["DBUser"][0], Region=region)


def same_token(a, b):
    """Equal tokens up to the order of the query parameters (botocore does not sort
    them in the URL; the signature covers the sorted canonical form)."""
    from urllib.parse import parse_qs, urlsplit
    pa, pb = urlsplit("https://" + a), urlsplit("https://" + b)
    return (pa.netloc, pa.path, parse_qs(pa.query)) == (pb.netloc, pb.path, parse_qs(pb.query))


def no_secrets(text, *secrets):
    for s in secrets:
        assert s not in text, "a secret leaked into the output"


def one_line(stderr):
    lines = [l for l in stderr.splitlines() if l.strip() and "warning" not in l]
    assert len(lines) == 1, "expected one error line, got %r" % stderr
    return lines[0]


def main(tests):
    """Runs test functions (each gets a fresh Sandbox); prints 'N passed, N failed'."""
    only = sys.argv[1:]
    passed = failed = 0
    for t in tests:
        if only and t.__name__ not in only:
            continue
        needs_emulator = getattr(t, "emulator", True)
        box = None
        try:
            box = Sandbox(emulator=needs_emulator)
            t(box)
            passed += 1
            print("ok   %s" % t.__name__, flush=True)
        except Exception:
            failed += 1
            print("FAIL %s" % t.__name__, flush=True)
            traceback.print_exc()
        finally:
            if box:
                box.close()
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)
