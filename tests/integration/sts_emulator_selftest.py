#!/usr/bin/python3
"""Self-test of the sandbox's AWS emulators, with botocore as the independent client.

Starts tests/sandbox/sts_emulator.py and metadata_emulator.py (imds and container
modes) on loopback with temporary configs, then drives them with botocore's STS
client and botocore's own credential providers.  Every check names what it
expects; the processes are stopped at the end, failures included.
"""

import ctypes
import datetime
import email.utils
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import ContainerProvider, Credentials
from botocore.exceptions import ClientError
from botocore.utils import ContainerMetadataFetcher

SRC = os.environ.get("PGIAM_SOURCE_ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
STS = os.path.join(SRC, "tests", "sandbox", "sts_emulator.py")
META = os.path.join(SRC, "tests", "sandbox", "metadata_emulator.py")
PY = "/usr/bin/python3"

ACCOUNT = "123456789012"
REGION = "ap-northeast-1"
DEMO = ("AKIASANDBOXDEMO00001", "demo/Secret+Key=abcdefghijklmnopqrstuvw")
EXPIRED = ("AKIASANDBOXEXPIRED01", "expired/Secret+Key=abcdefghijklmnopqrst")
OTHER = ("AKIASANDBOXOTHER0001", "other/Secret+Key=abcdefghijklmnopqrstuv")
INSTANCE = ("ASIASANDBOXINSTANCE1", "instance/Secret+Key=abcdefghijklmnopqrs",
            "IQoJb3JpZ2luX2VjEInstanceRoleSessionToken/with+plus=and/slash" * 12)
EXTERNAL_ID = "sf+Ext/ID=abc123:x@y.z-_"
ROLE = "arn:aws:iam::%s:role/sf-udf-rds-auth-role" % ACCOUNT
CHAINED = "arn:aws:iam::%s:role/chained-role" % ACCOUNT
DB_ARN = "arn:aws:rds-db:%s:%s:dbuser:db-SANDBOXEXAMPLE/iam_ro_user" % (REGION, ACCOUNT)
CONTAINER_AUTH = "Bearer sandbox-container-token"

procs = []
failures = []
passed = []


def check(name):
    def wrap(fn):
        try:
            fn()
            passed.append(name)
            print("ok   %s" % name, flush=True)
        except Exception:
            failures.append(name)
            print("FAIL %s\n%s" % (name, traceback.format_exc()), flush=True)
        return fn
    return wrap


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def wait_for_file(path, proc, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path) and open(path).read().strip():
            return int(open(path).read())
        if proc.poll() is not None:
            raise RuntimeError("%s exited with %s: %s" % (proc.args, proc.returncode, proc.stderr.read()))
        time.sleep(0.05)
    raise RuntimeError("no port file %s after %.0f s" % (path, timeout))


def die_with_parent():
    """Child side: get SIGTERM if this test process dies, even by SIGKILL."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def start(args, port_file):
    proc = subprocess.Popen([PY] + args + ["--port", "0", "--port-file", port_file],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=die_with_parent)
    procs.append(proc)
    return wait_for_file(port_file, proc)


def stop_all():
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def error_of(fn):
    try:
        fn()
    except ClientError as e:
        return e.response
    raise AssertionError("expected an error, the call succeeded")


def http_json(port, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def main():
    for k in list(os.environ):
        if k.startswith("AWS_"):
            del os.environ[k]
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    # meson stops a test that runs too long with SIGTERM: clean up then too.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    tmp = tempfile.mkdtemp(prefix="pgiam-stsemu-")
    try:
        run(tmp)
    finally:
        stop_all()
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (len(passed), len(failures)))
    if failures:
        print("failed: " + ", ".join(failures))
        sys.exit(1)


def run(tmp):
    config = {
        "account": ACCOUNT, "region": REGION,
        "users": [
            {"arn": "arn:aws:iam::%s:user/pgiam-demo" % ACCOUNT, "access_key_id": DEMO[0],
             "secret_access_key": DEMO[1], "expired": False},
            {"arn": "arn:aws:iam::%s:user/old-keys" % ACCOUNT, "access_key_id": EXPIRED[0],
             "secret_access_key": EXPIRED[1], "expired": True},
            {"arn": "arn:aws:iam::%s:user/stranger" % ACCOUNT, "access_key_id": OTHER[0],
             "secret_access_key": OTHER[1]},
            {"arn": "arn:aws:sts::%s:assumed-role/bastion-instance-role/i-0sandbox" % ACCOUNT,
             "access_key_id": INSTANCE[0], "secret_access_key": INSTANCE[1], "session_token": INSTANCE[2]},
        ],
        "roles": [
            {"arn": ROLE, "external_id": EXTERNAL_ID, "max_session_duration": 3600, "rds_db_connect": [DB_ARN],
             "trusted": ["arn:aws:iam::%s:user/pgiam-demo" % ACCOUNT,
                         "arn:aws:sts::%s:assumed-role/bastion-instance-role/i-0sandbox" % ACCOUNT]},
            {"arn": CHAINED, "max_session_duration": 43200,
             "trusted": [ROLE, "arn:aws:iam::%s:role/bastion-instance-role" % ACCOUNT]},
        ],
    }
    cfg_path = os.path.join(tmp, "sts.json")
    with open(cfg_path, "w") as f:
        json.dump(config, f)
    log_path = os.path.join(tmp, "sts.log")
    port = start([STS, "--config", cfg_path, "--log", log_path], os.path.join(tmp, "sts.port"))
    endpoint = "http://127.0.0.1:%d" % port
    session = botocore.session.get_session()
    nocheck = Config(parameter_validation=False, retries={"total_max_attempts": 1, "mode": "standard"})

    def client(akid, secret, token=None, url=endpoint, verify=None):
        return session.create_client("sts", region_name=REGION, endpoint_url=url, aws_access_key_id=akid,
                                     aws_secret_access_key=secret, aws_session_token=token, config=nocheck,
                                     verify=verify)

    demo = client(*DEMO)
    got = {}

    def assume(c=demo, **kw):
        args = {"RoleArn": ROLE, "RoleSessionName": "selftest", "ExternalId": EXTERNAL_ID}
        args.update(kw)
        return c.assume_role(**{k: v for k, v in args.items() if v is not None})

    @check("AssumeRole with a + / = external ID returns AWS-shaped credentials")
    def _():
        r = assume(DurationSeconds=900)
        c = r["Credentials"]
        expect(re.fullmatch(r"ASIA[A-Z0-9]{16}", c["AccessKeyId"]), "AccessKeyId %r" % c["AccessKeyId"])
        expect(len(c["SecretAccessKey"]) == 40, "secret length %d" % len(c["SecretAccessKey"]))
        tok = c["SessionToken"]
        expect(800 <= len(tok) <= 1000 and all(ch in tok for ch in "/+="), "session token shape, len %d" % len(tok))
        left = (c["Expiration"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        expect(880 <= left <= 905, "expires in %.0f s, want ~900" % left)
        expect(r["AssumedRoleUser"]["Arn"] == "arn:aws:sts::%s:assumed-role/sf-udf-rds-auth-role/selftest" % ACCOUNT,
               r["AssumedRoleUser"]["Arn"])
        expect(r["AssumedRoleUser"]["AssumedRoleId"].endswith(":selftest"), r["AssumedRoleUser"]["AssumedRoleId"])
        got["creds"] = c

    @check("GetCallerIdentity with the assumed credentials names the assumed role")
    def _():
        c = got["creds"]
        r = client(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]).get_caller_identity()
        expect(r["Arn"] == "arn:aws:sts::%s:assumed-role/sf-udf-rds-auth-role/selftest" % ACCOUNT, r["Arn"])
        expect(r["Account"] == ACCOUNT, r["Account"])
        r = demo.get_caller_identity()
        expect(r["Arn"] == "arn:aws:iam::%s:user/pgiam-demo" % ACCOUNT and r["UserId"].startswith("AIDA"), str(r))

    @check("lookup endpoint returns the issued credentials, fractional Expiration, RdsDbConnect; 404 unknown")
    def _():
        c = got["creds"]
        status, j = http_json(port, "GET", "/_sandbox/credentials/" + c["AccessKeyId"])
        expect(status == 200, "status %d" % status)
        expect(j["SecretAccessKey"] == c["SecretAccessKey"] and j["SessionToken"] == c["SessionToken"], "secret/token")
        expect(j["RoleArn"] == ROLE and j["RdsDbConnect"] == [DB_ARN] and j["expired"] is False, str(j["RoleArn"]))
        expect(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", j["Expiration"]), j["Expiration"])
        expect(j["AssumedRoleArn"].endswith("assumed-role/sf-udf-rds-auth-role/selftest"), j["AssumedRoleArn"])
        status, _ = http_json(port, "GET", "/_sandbox/credentials/ASIANOSUCHKEY0000000")
        expect(status == 404, "unknown key: status %d" % status)
        status, j = http_json(port, "GET", "/_sandbox/credentials/" + DEMO[0])
        expect(status == 200 and j["RoleArn"] is None and j["SecretAccessKey"] == DEMO[1], "user lookup")

    def expect_error(resp, code, status, message=None, etype="Sender"):
        err = resp["Error"]
        expect(err["Code"] == code, "code %s, want %s (%s)" % (err["Code"], code, err.get("Message")))
        expect(resp["ResponseMetadata"]["HTTPStatusCode"] == status,
               "HTTP %s, want %s" % (resp["ResponseMetadata"]["HTTPStatusCode"], status))
        expect(err.get("Type") == etype, "Type %s, want %s" % (err.get("Type"), etype))
        if message is not None:
            expect(err["Message"] == message, "message %r" % err["Message"])

    denied = ("User: arn:aws:iam::%s:user/pgiam-demo is not authorized to perform: sts:AssumeRole on resource: %s"
              % (ACCOUNT, ROLE))

    @check("wrong external ID -> 403 AccessDenied with AWS's message")
    def _():
        expect_error(error_of(lambda: assume(ExternalId=EXTERNAL_ID[:-1])), "AccessDenied", 403, denied)

    @check("missing external ID, untrusted caller, unknown role -> AccessDenied")
    def _():
        expect_error(error_of(lambda: assume(ExternalId=None)), "AccessDenied", 403, denied)
        expect_error(error_of(lambda: assume(client(*OTHER))), "AccessDenied", 403)
        expect_error(error_of(lambda: assume(RoleArn=ROLE + "-nope")), "AccessDenied", 403)

    @check("expired source user -> ExpiredToken")
    def _():
        expect_error(error_of(lambda: assume(client(*EXPIRED))), "ExpiredToken", 400,
                     "The security token included in the request is expired")

    @check("wrong secret -> SignatureDoesNotMatch; unknown key -> InvalidClientTokenId")
    def _():
        expect_error(error_of(lambda: client(DEMO[0], DEMO[1] + "x").get_caller_identity()),
                     "SignatureDoesNotMatch", 403)
        expect_error(error_of(lambda: client("AKIANOSUCHKEY0000000", DEMO[1]).get_caller_identity()),
                     "InvalidClientTokenId", 403)

    @check("temporary credentials need their session token")
    def _():
        c = got["creds"]
        expect_error(error_of(lambda: client(c["AccessKeyId"], c["SecretAccessKey"]).get_caller_identity()),
                     "InvalidClientTokenId", 403)
        expect_error(error_of(lambda: client(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"][:-4] + "AAA=")
                              .get_caller_identity()), "InvalidClientTokenId", 403)

    @check("validation: duration, session name, external ID, role ARN -> ValidationError")
    def _():
        expect_error(error_of(lambda: assume(DurationSeconds=899)), "ValidationError", 400)
        r = error_of(lambda: assume(DurationSeconds=7200))
        expect_error(r, "ValidationError", 400,
                     "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        expect_error(error_of(lambda: assume(DurationSeconds=43201)), "ValidationError", 400)
        r = error_of(lambda: assume(RoleSessionName="has space"))
        expect_error(r, "ValidationError", 400)
        expect("roleSessionName" in r["Error"]["Message"], r["Error"]["Message"])
        expect_error(error_of(lambda: assume(RoleSessionName="x")), "ValidationError", 400)
        expect_error(error_of(lambda: assume(ExternalId="bad#id")), "ValidationError", 400)
        expect_error(error_of(lambda: assume(RoleArn="arn:aws:iam::1:r")), "ValidationError", 400)

    @check("role chaining: assumed credentials assume a role that trusts the first role; 1 h limit")
    def _():
        c = got["creds"]
        first = client(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
        r = first.assume_role(RoleArn=CHAINED, RoleSessionName="chain")
        expect(r["AssumedRoleUser"]["Arn"].endswith(":assumed-role/chained-role/chain"), r["AssumedRoleUser"]["Arn"])
        expect_error(error_of(lambda: first.assume_role(RoleArn=CHAINED, RoleSessionName="chain",
                                                        DurationSeconds=7200)), "ValidationError", 400,
                     "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
                     "role chaining.")
        # The demo user is not trusted by the chained role.
        expect_error(error_of(lambda: demo.assume_role(RoleArn=CHAINED, RoleSessionName="chain")),
                     "AccessDenied", 403)

    @check("expire endpoint: an issued credential then gets ExpiredToken and shows expired")
    def _():
        c = assume()["Credentials"]
        tmpc = client(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
        tmpc.get_caller_identity()
        status, _ = http_json(port, "POST", "/_sandbox/expire/" + c["AccessKeyId"])
        expect(status == 200, "expire status %d" % status)
        expect_error(error_of(tmpc.get_caller_identity), "ExpiredToken", 400)
        status, j = http_json(port, "GET", "/_sandbox/credentials/" + c["AccessKeyId"])
        expect(j["expired"] is True, "lookup expired %r" % j["expired"])
        status, _ = http_json(port, "POST", "/_sandbox/expire/ASIANOSUCHKEY0000000")
        expect(status == 404, "expire unknown: %d" % status)

    def stats():
        return http_json(port, "GET", "/_sandbox/stats")[1]

    @check("faults: throttle N -> N Throttling answers, then success; stats count them")
    def _():
        http_json(port, "POST", "/_sandbox/reset")
        status, j = http_json(port, "POST", "/_sandbox/faults", {"throttle": 2})
        expect(status == 200 and j["pending_faults"] == {"throttle": 2}, str(j))
        for _i in range(2):
            expect_error(error_of(demo.get_caller_identity), "Throttling", 400, "Rate exceeded")
        demo.get_caller_identity()
        s = stats()
        expect(s["actions"]["GetCallerIdentity"] == 3, str(s))
        expect(s["results"]["GetCallerIdentity"] == {"Throttling": 2, "ok": 1}, str(s["results"]))

    @check("faults: botocore's own retries recover from throttling and 500")
    def _():
        http_json(port, "POST", "/_sandbox/reset")
        http_json(port, "POST", "/_sandbox/faults", {"throttle": 1, "error500": 1})
        retrying = session.create_client("sts", region_name=REGION, endpoint_url=endpoint,
                                         aws_access_key_id=DEMO[0], aws_secret_access_key=DEMO[1],
                                         config=Config(retries={"total_max_attempts": 3, "mode": "standard"}))
        r = retrying.get_caller_identity()
        expect(r["ResponseMetadata"]["RetryAttempts"] == 2, "retries %d" % r["ResponseMetadata"]["RetryAttempts"])
        expect(stats()["requests"] == 3, str(stats()))

    @check("faults: error500 -> 500 InternalFailure (Type Receiver)")
    def _():
        http_json(port, "POST", "/_sandbox/faults", {"error500": 1})
        expect_error(error_of(demo.get_caller_identity), "InternalFailure", 500, etype="Receiver")
        demo.get_caller_identity()

    @check("faults: malformed -> botocore cannot parse the answer; next request fine")
    def _():
        http_json(port, "POST", "/_sandbox/faults", {"malformed": 1})
        try:
            assume()
            raise AssertionError("malformed XML parsed")
        except Exception as e:
            expect("ResponseParserError" in type(e).__name__ or "parse" in str(e).lower(), repr(e))
        assume()

    @check("faults: slow_ms delays the next slow_count requests")
    def _():
        http_json(port, "POST", "/_sandbox/faults", {"slow_ms": 400, "slow_count": 2})
        times = []
        for _i in range(3):
            t0 = time.monotonic()
            demo.get_caller_identity()
            times.append(time.monotonic() - t0)
        expect(times[0] >= 0.4 and times[1] >= 0.4, "slow times %r" % times)
        expect(times[2] < 0.4, "third request still slow: %r" % times)

    @check("faults: skew_seconds -> RequestTimeTooSkewed and a skewed Date header; 0 undoes it")
    def _():
        http_json(port, "POST", "/_sandbox/faults", {"skew_seconds": 900})
        r = error_of(demo.get_caller_identity)
        expect_error(r, "RequestTimeTooSkewed", 403)
        date = email.utils.parsedate_to_datetime(r["ResponseMetadata"]["HTTPHeaders"]["date"])
        skew = (date - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        expect(880 <= skew <= 920, "Date header skew %.0f s" % skew)
        http_json(port, "POST", "/_sandbox/faults", {"skew_seconds": 200})
        demo.get_caller_identity()  # within 5 minutes: accepted
        http_json(port, "POST", "/_sandbox/faults", {"skew_seconds": -400})
        expect_error(error_of(demo.get_caller_identity), "RequestTimeTooSkewed", 403)
        http_json(port, "POST", "/_sandbox/faults", {"skew_seconds": 0})
        demo.get_caller_identity()

    @check("faults scoped to one access key leave other callers alone; bad knobs -> 400; reset clears")
    def _():
        http_json(port, "POST", "/_sandbox/faults", {"throttle": 1, "access_key_id": OTHER[0]})
        demo.get_caller_identity()
        expect_error(error_of(client(*OTHER).get_caller_identity), "Throttling", 400)
        status, _ = http_json(port, "POST", "/_sandbox/faults", {"throttel": 1})
        expect(status == 400, "unknown knob status %d" % status)
        http_json(port, "POST", "/_sandbox/faults", {"throttle": 5})
        http_json(port, "POST", "/_sandbox/reset")
        demo.get_caller_identity()
        s = stats()
        expect(s["requests"] == 1 and s["pending_faults"] == {}, str(s))

    @check("faults: error injects any STS error (RegionDisabledException 403 with AWS's message)")
    def _():
        status, _ = http_json(port, "POST", "/_sandbox/faults", {"error": {"code": "RegionDisabledException"}})
        expect(status == 200, "status %d" % status)
        r = error_of(lambda: assume())
        expect_error(r, "RegionDisabledException", 403)
        expect("not activated in this region for account:%s" % ACCOUNT in r["Error"]["Message"], r["Error"]["Message"])
        http_json(port, "POST", "/_sandbox/faults", {"error": {"code": "RequestLimitExceeded", "count": 2}})
        for _i in range(2):
            expect_error(error_of(demo.get_caller_identity), "RequestLimitExceeded", 400)
        demo.get_caller_identity()
        status, _ = http_json(port, "POST", "/_sandbox/faults", {"error": {"status": 400}})
        expect(status == 400, "error without code accepted: %d" % status)

    @check("faults: lifetime_seconds shortens issued credentials; expire in_seconds moves an expiry")
    def _():
        http_json(port, "POST", "/_sandbox/faults", {"lifetime_seconds": 60})
        c = assume(DurationSeconds=3600)["Credentials"]
        left = (c["Expiration"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        expect(50 <= left <= 61, "lifetime 60 gave %.0f s" % left)
        http_json(port, "POST", "/_sandbox/faults", {"lifetime_seconds": None})
        c2 = assume(DurationSeconds=1800)["Credentials"]
        left = (c2["Expiration"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        expect(1780 <= left <= 1801, "lifetime reset gave %.0f s" % left)
        tmpc = client(c2["AccessKeyId"], c2["SecretAccessKey"], c2["SessionToken"])
        status, _ = http_json(port, "POST", "/_sandbox/expire/" + c2["AccessKeyId"], {"in_seconds": -1})
        expect(status == 200, "expire in_seconds status %d" % status)
        expect_error(error_of(tmpc.get_caller_identity), "ExpiredToken", 400)
        http_json(port, "POST", "/_sandbox/expire/" + c2["AccessKeyId"], {"in_seconds": 120})
        tmpc.get_caller_identity()
        _, j = http_json(port, "GET", "/_sandbox/credentials/" + c2["AccessKeyId"])
        left = (datetime.datetime.strptime(j["Expiration"], "%Y-%m-%dT%H:%M:%S.%fZ")
                - datetime.datetime.utcnow()).total_seconds()
        expect(j["expired"] is False and 100 <= left <= 121, "lookup after in_seconds=120: %r %.0f" % (j["expired"], left))

    @check("faults: lifetime_seconds scoped to a role and session name touches no other session")
    def _():
        http_json(port, "POST", "/_sandbox/faults", {"lifetime_seconds": 90, "role_arn": ROLE,
                                                     "session_name": "short"})
        now = datetime.datetime.now(datetime.timezone.utc)
        short = assume(RoleSessionName="short")["Credentials"]["Expiration"]
        other = assume(RoleSessionName="other")["Credentials"]["Expiration"]
        expect(80 <= (short - now).total_seconds() <= 91 and (other - now).total_seconds() > 3000,
               "scoped lifetime: short %s, other %s" % (short, other))
        status, _ = http_json(port, "POST", "/_sandbox/faults", {"role_arn": ROLE})
        expect(status == 400, "role_arn without lifetime_seconds accepted: %d" % status)
        http_json(port, "POST", "/_sandbox/faults", {"lifetime_seconds": None, "role_arn": ROLE,
                                                     "session_name": "short"})
        left = (assume(RoleSessionName="short")["Credentials"]["Expiration"] - now).total_seconds()
        expect(left > 3000, "scoped lifetime removed, still %.0f s" % left)

    def signed_raw(akid, secret, body, method="POST", query="", tamper=None):
        url = endpoint + "/" + (("?" + query) if query else "")
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"} if method == "POST" else {}
        req = AWSRequest(method=method, url=url, data=body, headers=headers)
        SigV4Auth(Credentials(akid, secret), "sts", REGION).add_auth(req)
        p = req.prepare()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        sent = tamper(body) if tamper else body
        hdrs = dict(p.headers)
        if method == "POST":
            hdrs["Content-Length"] = str(len(sent))
        conn.request(method, p.url[len(endpoint):], body=sent if method == "POST" else None, headers=hdrs)
        resp = conn.getresponse()
        return resp.status, resp.read().decode()

    @check("a body altered after signing -> SignatureDoesNotMatch; GET with query parameters works")
    def _():
        body = "Action=GetCallerIdentity&Version=2011-06-15"
        status, text = signed_raw(*DEMO, body)
        expect(status == 200 and "<Arn>arn:aws:iam::%s:user/pgiam-demo</Arn>" % ACCOUNT in text, text[:200])
        status, text = signed_raw(*DEMO, body, tamper=lambda b: b.replace("2011", "2011", 1) + "&X=1")
        expect(status == 403 and "<Code>SignatureDoesNotMatch</Code>" in text, text[:300])
        status, text = signed_raw(*DEMO, "", method="GET", query="Action=GetCallerIdentity&Version=2011-06-15")
        expect(status == 200 and "GetCallerIdentityResult" in text, text[:300])
        expect(text.startswith('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'),
               text[:100])

    @check("bad input gets a clear error document and the emulator keeps serving")
    def _():
        def raw(method, path, body=None, headers=None):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.read().decode(), resp.getheader("Date")

        status, text, date = raw("POST", "/", "Action=GetCallerIdentity&Version=2011-06-15",
                                 {"Content-Type": "application/x-www-form-urlencoded"})
        expect(status == 403 and "<Code>MissingAuthenticationToken</Code>" in text, text[:300])
        expect(date is not None and abs(email.utils.parsedate_to_datetime(date).timestamp() - time.time()) < 30,
               "Date header %r" % date)
        status, text, _ = raw("POST", "/", "Action=GetCallerIdentity", {
            "Content-Type": "application/x-www-form-urlencoded", "Authorization": "AWS4-HMAC-SHA256 garbage"})
        expect(status == 400 and "<Code>IncompleteSignature</Code>" in text, text[:300])
        status, text, _ = raw("POST", "/", b"{}", {"Content-Type": "application/json"})
        expect(status == 400 and "<Code>InvalidAction</Code>" in text, text[:300])
        status, text = signed_raw(*DEMO, "Action=GetFederationToken&Version=2011-06-15")
        expect(status == 400 and "<Code>InvalidAction</Code>" in text, text[:300])
        status, text = signed_raw(*DEMO, "Action=GetCallerIdentity")
        expect(status == 400 and "<Code>MissingParameter</Code>" in text, text[:300])
        status, text = signed_raw(*DEMO, "Action=AssumeRole&Version=2011-06-15&RoleSessionName=ab"
                                  "&RoleArn=" + urllib.parse.quote(ROLE, safe="") + "&DurationSeconds=soon")
        expect(status == 400 and "<Code>ValidationError</Code>" in text and "DurationSeconds" in text, text[:300])
        status, text, _ = raw("GET", "/_sandbox/nope")
        expect(status == 404 and "unknown control endpoint" in text, text)
        status, text, _ = raw("POST", "/_sandbox/faults", b"not json", {"Content-Type": "application/json"})
        expect(status == 400 and "JSON" in text, text)
        status, text, _ = raw("POST", "/_sandbox/config", json.dumps({"account": ACCOUNT}),
                              {"Content-Type": "application/json"})
        expect(status == 400 and "region" in text, text)
        demo.get_caller_identity()

    @check("the decision log records decisions and never a secret or session token")
    def _():
        text = open(log_path).read()
        lines = [json.loads(line) for line in text.splitlines()]
        expect(any(ln.get("result") == "AccessDenied" and "ExternalId does not match" in ln.get("reason", "")
                   for ln in lines), "no AccessDenied decision with its reason")
        expect(any(ln.get("action") == "AssumeRole" and ln.get("result") == "ok" for ln in lines), "no ok AssumeRole")
        secrets_seen = [DEMO[1], EXPIRED[1], OTHER[1], INSTANCE[1], INSTANCE[2][:40],
                        got["creds"]["SecretAccessKey"], got["creds"]["SessionToken"][:40]]
        for s in secrets_seen:
            expect(s not in text, "a secret is in the log")

    @check("non-loopback --host is refused")
    def _():
        r = subprocess.run([PY, STS, "--config", cfg_path, "--host", "0.0.0.0", "--port", "0"],
                           capture_output=True, text=True, timeout=30)
        expect(r.returncode != 0 and "loopback" in r.stderr, "rc %d: %s" % (r.returncode, r.stderr))

    @check("IPv6 loopback ::1 works (Host header [::1]:port is signed and verified)")
    def _():
        if not socket.has_ipv6:
            raise AssertionError("no IPv6 support in this Python")
        try:
            socket.socket(socket.AF_INET6).bind(("::1", 0))
        except OSError:
            print("     (::1 not configured here; skipped)")
            return
        p6 = start([STS, "--config", cfg_path, "--host", "::1"], os.path.join(tmp, "v6.port"))
        r = client(*DEMO, url="http://[::1]:%d" % p6).get_caller_identity()
        expect(r["Arn"].endswith(":user/pgiam-demo"), r["Arn"])

    @check("concurrent AssumeRole calls from several threads all succeed with distinct keys")
    def _():
        results, errors = [], []

        def worker():
            try:
                c = client(*DEMO)
                for _i in range(3):
                    results.append(assume(c)["Credentials"]["AccessKeyId"])
            except Exception as e:  # collected and reported below
                errors.append(repr(e))
        threads = [threading.Thread(target=worker) for _i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        expect(not errors, "errors: %s" % errors[:2])
        expect(len(results) == 24 and len(set(results)) == 24, "%d results, %d distinct" % (len(results), len(set(results))))

    @check("TLS: --tls-cert/--tls-key serve HTTPS that botocore verifies against the CA")
    def _():
        if shutil.which("openssl") is None:
            raise AssertionError("openssl not installed (tools/deps installs it)")
        cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True, timeout=60)
        tport = start([STS, "--config", cfg_path, "--tls-cert", cert, "--tls-key", key],
                      os.path.join(tmp, "tls.port"))
        r = client(*DEMO, url="https://127.0.0.1:%d" % tport, verify=cert).assume_role(
            RoleArn=ROLE, RoleSessionName="tls", ExternalId=EXTERNAL_ID)
        expect(r["Credentials"]["AccessKeyId"].startswith("ASIA"), "TLS AssumeRole")

    # -- metadata emulators through botocore's own providers -----------------
    meta_cfg = {"access_key_id": INSTANCE[0], "secret_access_key": INSTANCE[1], "session_token": INSTANCE[2],
                "expiration": (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=6))
                .strftime("%Y-%m-%dT%H:%M:%SZ"),
                "role_name": "bastion-instance-role", "authorization": CONTAINER_AUTH,
                "role_arn": "arn:aws:iam::%s:role/bastion-instance-role" % ACCOUNT}
    meta_path = os.path.join(tmp, "meta.json")
    with open(meta_path, "w") as f:
        json.dump(meta_cfg, f)
    imds_port = start([META, "--mode", "imds", "--config", meta_path, "--log", os.path.join(tmp, "imds.log")],
                      os.path.join(tmp, "imds.port"))
    cont_port = start([META, "--mode", "container", "--config", meta_path], os.path.join(tmp, "cont.port"))

    def chain_credentials(env):
        saved = dict(os.environ)
        os.environ.update(env)
        try:
            return botocore.session.Session().get_credentials()
        finally:
            os.environ.clear()
            os.environ.update(saved)

    @check("IMDSv2: botocore's chain gets the instance role's credentials, which STS accepts")
    def _():
        creds = chain_credentials({"AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:%d/" % imds_port})
        expect(creds is not None and creds.method == "iam-role", "method %r" % (creds and creds.method))
        frozen = creds.get_frozen_credentials()
        expect(frozen.access_key == INSTANCE[0] and frozen.token == INSTANCE[2], "instance credentials")
        c = client(frozen.access_key, frozen.secret_key, frozen.token)
        ci = c.get_caller_identity()
        expect(ci["Arn"].endswith("assumed-role/bastion-instance-role/i-0sandbox"), "caller %s" % ci["Arn"])
        expect(re.fullmatch(r"AROA[0-9A-F]{17}:i-0sandbox", ci["UserId"]), "UserId %s" % ci["UserId"])
        expect(assume(c)["Credentials"]["AccessKeyId"].startswith("ASIA"), "instance role assumes the DB role")
        # trusted through its role ARN; an instance-role session assuming a role is role chaining
        r = c.assume_role(RoleArn=CHAINED, RoleSessionName="from-instance", DurationSeconds=3600)
        expect(r["AssumedRoleUser"]["Arn"].endswith("assumed-role/chained-role/from-instance"), "trusted by role ARN")
        expect_error(error_of(lambda: c.assume_role(RoleArn=CHAINED, RoleSessionName="x2", DurationSeconds=7200)),
                     "ValidationError", 400)
        status, s = http_json(imds_port, "GET", "/_sandbox/stats")
        expect(s["token"] >= 1 and s["credentials"] >= 1, str(s))

    @check("IMDS: IMDSv1 and bad tokens -> 401; missing TTL -> 400")
    def _():
        base = "http://127.0.0.1:%d" % imds_port
        for headers in ({}, {"x-aws-ec2-metadata-token": "not-a-token"}):
            try:
                urllib.request.urlopen(urllib.request.Request(base + "/latest/meta-data/iam/security-credentials/",
                                                              headers=headers), timeout=5)
                raise AssertionError("served without a valid token")
            except urllib.error.HTTPError as e:
                expect(e.code == 401, "status %d" % e.code)
        try:
            urllib.request.urlopen(urllib.request.Request(base + "/latest/api/token", method="PUT"), timeout=5)
            raise AssertionError("token without TTL")
        except urllib.error.HTTPError as e:
            expect(e.code == 400, "status %d" % e.code)
        tok = urllib.request.urlopen(urllib.request.Request(
            base + "/latest/api/token", method="PUT", headers={"x-aws-ec2-metadata-token-ttl-seconds": "60"}),
            timeout=5).read().decode()
        doc = json.load(urllib.request.urlopen(urllib.request.Request(
            base + "/latest/meta-data/iam/security-credentials/bastion-instance-role",
            headers={"x-aws-ec2-metadata-token": tok}), timeout=5))
        expect(doc["Code"] == "Success" and doc["Type"] == "AWS-HMAC" and "LastUpdated" in doc, str(doc.keys()))

    @check("container: botocore's chain gets credentials with the Authorization header; wrong one refused")
    def _():
        url = "http://127.0.0.1:%d/v2/credentials/pgiam" % cont_port
        creds = chain_credentials({"AWS_CONTAINER_CREDENTIALS_FULL_URI": url,
                                   "AWS_CONTAINER_AUTHORIZATION_TOKEN": CONTAINER_AUTH})
        expect(creds is not None and creds.method == "container-role", "method %r" % (creds and creds.method))
        frozen = creds.get_frozen_credentials()
        expect(frozen.access_key == INSTANCE[0] and frozen.token == INSTANCE[2], "container credentials")
        client(frozen.access_key, frozen.secret_key, frozen.token).get_caller_identity()
        provider = ContainerProvider(
            environ={"AWS_CONTAINER_CREDENTIALS_FULL_URI": url, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer wrong"},
            fetcher=ContainerMetadataFetcher(sleep=lambda s: None))
        try:
            provider.load()
            raise AssertionError("wrong Authorization accepted")
        except Exception as e:
            expect("401" in str(e), repr(e))
        status, s = http_json(cont_port, "GET", "/_sandbox/stats")
        expect(s["unauthorized"] >= 1 and s["credentials"] >= 1, str(s))

    @check("metadata config can be replaced at runtime (credential refresh)")
    def _():
        new = dict(meta_cfg, access_key_id="ASIASANDBOXROTATED01")
        status, _ = http_json(cont_port, "POST", "/_sandbox/config", new)
        expect(status == 200, "config status %d" % status)
        url = "http://127.0.0.1:%d/v2/credentials/pgiam" % cont_port
        creds = chain_credentials({"AWS_CONTAINER_CREDENTIALS_FULL_URI": url,
                                   "AWS_CONTAINER_AUTHORIZATION_TOKEN": CONTAINER_AUTH})
        expect(creds.get_frozen_credentials().access_key == "ASIASANDBOXROTATED01", "rotated key")


if __name__ == "__main__":
    main()
