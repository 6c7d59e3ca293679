#!/usr/bin/python3
"""verify_token.py - the sandbox's server-side check of an RDS IAM auth token.

Run by pam_pgiam_sandbox.so for every IAM login: the login user is argv[1], the
token (the password the client sent) arrives on stdin. Exit 0 accepts the login,
anything else refuses it. Every decision goes to the verifier log as one line
"TIME USER ACCEPT|REJECT CODE: reason" (no secrets).

It checks what RDS checks, with botocore and never with pgiam's C code: the token is
scheme-less host:port/?Action=connect&... for exactly the sandbox endpoint and the
real PostgreSQL port, DBUser is the login user, the credential scope is
DATE/REGION/rds-db/aws4_request, X-Amz-Expires <= 900 and not expired (5 minutes
of clock skew allowed), the access key and session token were issued by the STS
emulator and are still valid, the role may rds-db:connect as this user, and the
signature equals the one botocore computes for the same inputs at X-Amz-Date.

Configuration: verifier.json next to this script (endpoint_host, pg_port, region,
account, dbi_resource_id, sts_url, log).
"""
import datetime
import fnmatch
import hmac
import json
import os
import sys
import types
import urllib.error
import urllib.parse
import urllib.request

SKEW = datetime.timedelta(minutes=5)
MAX_EXPIRES = 900
EXPECTED_PARAMS = {
    "Action", "DBUser", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
    "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Security-Token", "X-Amz-Signature",
}


class Reject(Exception):
    def __init__(self, code, reason):
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def clean(text, spaces=True):
    """Keeps log lines one line and printable whatever a client sends."""
    return "".join(c if c.isprintable() and (spaces or c != " ") else "?"
                   for c in str(text))[:200]


def botocore_token(host, port, user, region, creds, amz_date, expires):
    """The token botocore's generate_db_auth_token makes for these inputs, with the
    clock frozen at amz_date (same code path; expires_in from the token)."""
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials
    import botocore.hooks
    import botocore.model
    import botocore.signers

    frozen = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ")

    class FrozenDatetime(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return frozen

    # botocore signs with botocore.auth, or with botocore.crt.auth when awscrt is
    # installed (as on Debian with awscli); both read datetime.datetime.utcnow().
    modules = [sys.modules[name] for name in ("botocore.auth", "botocore.crt.auth")
               if name in sys.modules]
    shim = types.SimpleNamespace(
        datetime=FrozenDatetime, timedelta=datetime.timedelta, timezone=datetime.timezone)
    saved = [m.datetime for m in modules]
    for m in modules:
        m.datetime = shim
    emitter = botocore.hooks.HierarchicalEmitter()  # the signer keeps only a weak reference
    try:
        signer = botocore.signers.RequestSigner(
            botocore.model.ServiceId("rds"), region, "rds-db", "v4",
            botocore.credentials.Credentials(creds["AccessKeyId"], creds["SecretAccessKey"],
                                             creds["SessionToken"]),
            emitter)
        request_dict = {"url_path": "/", "query_string": "", "headers": {},
                        "body": {"Action": "connect", "DBUser": user}, "method": "GET"}
        scheme = "https://"
        botocore.awsrequest.prepare_request_dict(request_dict, f"{scheme}{host}:{port}")
        url = signer.generate_presigned_url(
            operation_name="connect", request_dict=request_dict, region_name=region,
            expires_in=expires, signing_name="rds-db")
    finally:
        for m, old in zip(modules, saved):
            m.datetime = old
    return url[len(scheme):]


def fetch_credentials(sts_url, akid):
    url = f"{sts_url.rstrip('/')}/_sandbox/credentials/{urllib.parse.quote(akid, safe='')}"
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return json.load(resp)
    except urllib.error.HTTPError as e:
        if e.code == 404:
            raise Reject("unknown-key", f"access key {clean(akid)} was not issued by the STS emulator")
        raise Reject("sts-lookup", f"STS emulator lookup failed: HTTP {e.code}")
    except (OSError, ValueError) as e:
        raise Reject("sts-lookup", f"STS emulator unreachable: {clean(e)}")


def parse_time(text):
    t = datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    return t


def check(token, user, cfg):
    token = token.strip("\r\n")
    if not token:
        raise Reject("malformed", "empty password")
    if "://" in token.split("/?", 1)[0]:
        raise Reject("scheme", "token starts with a URL scheme; RDS tokens are scheme-less host:port/?...")
    if "/?" not in token:
        raise Reject("malformed", "token is not host:port/?query")
    hostport, query = token.split("/?", 1)
    host, sep, port = hostport.rpartition(":")
    if not sep or not port.isdigit():
        raise Reject("malformed", f"token host {clean(hostport)} has no :port")
    if host != cfg["endpoint_host"]:
        raise Reject("host", f"token signed for host {clean(host)}, expected {cfg['endpoint_host']}")
    if int(port) != int(cfg["pg_port"]):
        raise Reject("port", f"token signed for port {clean(port)}, expected {cfg['pg_port']}")
    try:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise Reject("malformed", "query string does not parse")
    params = {}
    for k, v in pairs:
        if k in params:
            raise Reject("malformed", f"parameter {clean(k)} repeated")
        params[k] = v
    if set(params) != EXPECTED_PARAMS:
        missing = sorted(EXPECTED_PARAMS - set(params))
        extra = sorted(set(params) - EXPECTED_PARAMS)
        raise Reject("params", f"missing {clean(','.join(missing)) or '-'}, unexpected {clean(','.join(extra)) or '-'}")
    if params["Action"] != "connect":
        raise Reject("action", f"Action={clean(params['Action'])}, expected connect")
    if params["DBUser"] != user:
        raise Reject("dbuser", f"token for DBUser {clean(params['DBUser'])}, login user is {clean(user)}")
    if params["X-Amz-Algorithm"] != "AWS4-HMAC-SHA256":
        raise Reject("algorithm", f"X-Amz-Algorithm={clean(params['X-Amz-Algorithm'])}")
    if params["X-Amz-SignedHeaders"] != "host":
        raise Reject("signed-headers", f"X-Amz-SignedHeaders={clean(params['X-Amz-SignedHeaders'])}, expected host")
    scope = params["X-Amz-Credential"].split("/")
    if len(scope) != 5:
        raise Reject("scope", "X-Amz-Credential is not AKID/DATE/REGION/SERVICE/aws4_request")
    akid, date, region, service, terminator = scope
    amz_date = params["X-Amz-Date"]
    try:
        signed_at = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(
            tzinfo=datetime.timezone.utc)
    except ValueError:
        raise Reject("date", f"X-Amz-Date {clean(amz_date)} is not YYYYMMDDTHHMMSSZ")
    if date != amz_date[:8]:
        raise Reject("scope", f"scope date {clean(date)} differs from X-Amz-Date {amz_date[:8]}")
    if region != cfg["region"]:
        raise Reject("region", f"token signed for region {clean(region)}, expected {cfg['region']}")
    if service != "rds-db" or terminator != "aws4_request":
        raise Reject("scope", f"scope service {clean(service)}/{clean(terminator)}, expected rds-db/aws4_request")
    expires = params["X-Amz-Expires"]
    if not expires.isdigit() or not 1 <= int(expires) <= MAX_EXPIRES:
        raise Reject("expires", f"X-Amz-Expires={clean(expires)}, must be 1..{MAX_EXPIRES}")
    expires = int(expires)
    now = utcnow()
    if signed_at > now + SKEW:
        raise Reject("future", f"token signed at {signed_at:%Y-%m-%dT%H:%M:%SZ}, in the future (clock skew?)")
    if signed_at + datetime.timedelta(seconds=expires) + SKEW < now:
        raise Reject("expired", f"token expired at {signed_at + datetime.timedelta(seconds=expires):%Y-%m-%dT%H:%M:%SZ}")

    creds = fetch_credentials(cfg["sts_url"], akid)
    # Long-term keys of configured users have no Expiration: the session-token
    # check below refuses them with its own reason.
    expiration = creds.get("Expiration")
    if creds.get("revoked"):
        raise Reject("creds-revoked", f"credentials {clean(akid)} of {clean(creds.get('AssumedRoleArn'))} were revoked")
    if creds.get("expired") or (expiration and parse_time(expiration) <= now):
        raise Reject("creds-expired", f"credentials {clean(akid)} expired at {clean(creds.get('Expiration'))}")
    if not creds.get("SessionToken"):
        raise Reject("session-token", f"access key {clean(akid)} is not a temporary (STS) credential")
    if not hmac.compare_digest(params["X-Amz-Security-Token"].encode(), creds["SessionToken"].encode()):
        raise Reject("session-token", f"X-Amz-Security-Token does not belong to access key {clean(akid)}")
    resource = (f"arn:aws:rds-db:{cfg['region']}:{cfg['account']}:dbuser:"
                f"{cfg['dbi_resource_id']}/{user}")
    allowed = creds.get("RdsDbConnect") or []
    if not any(fnmatch.fnmatchcase(resource, pattern) for pattern in allowed):
        raise Reject("policy", f"role {clean(creds.get('RoleArn'))} may not rds-db:connect to {resource}")

    expected = botocore_token(host, int(port), user, region, creds, amz_date, expires)
    want = dict(urllib.parse.parse_qsl(expected.split("/?", 1)[1]))["X-Amz-Signature"]
    if not hmac.compare_digest(params["X-Amz-Signature"].encode(), want.encode()):
        raise Reject("signature", "X-Amz-Signature differs from botocore's for the same inputs")
    return f"ok: {clean(creds.get('AssumedRoleArn') or creds.get('RoleArn'))}, signed {amz_date}"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    cfg_path = os.environ.get("PGIAM_VERIFIER_CONFIG", os.path.join(here, "verifier.json"))
    with open(cfg_path, encoding="utf-8") as f:
        cfg = json.load(f)
    user = sys.argv[1] if len(sys.argv) > 1 else ""
    token = sys.stdin.buffer.read(65536).decode("utf-8", "replace")
    try:
        reason = check(token, user, cfg)
        verdict, rc = "ACCEPT", 0
    except Reject as e:
        reason, verdict, rc = str(e), "REJECT", 1
    except Exception as e:  # a verifier bug must refuse, and say why
        reason, verdict, rc = f"internal: {clean(type(e).__name__)} {clean(e)}", "REJECT", 1
    # The token's length (never its content) shows whether it arrived whole.
    line = (f"{utcnow():%Y-%m-%dT%H:%M:%SZ} {clean(user, spaces=False) or '-'} {verdict} "
            f"{reason} (token {len(token.encode())} bytes)\n")
    with open(cfg["log"], "a", encoding="utf-8") as f:
        f.write(line)
    return rc


if __name__ == "__main__":
    sys.exit(main())
