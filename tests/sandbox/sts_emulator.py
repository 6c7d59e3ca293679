#!/usr/bin/python3
"""Local AWS STS emulator for pgiam's sandbox and tests (loopback only).

Speaks the STS Query protocol (AssumeRole, GetCallerIdentity), verifies each
request's SigV4 signature by recomputing it with botocore, enforces a per-role
trust policy with an ExternalId condition, and answers AWS-shaped XML.  A
private control API under /_sandbox/ lets tests look up issued credentials
(the PostgreSQL token verifier uses it), inject faults and read counters.
The contract (CLI, config, control API) is documented in docs/sts-emulator.md.

Run with Debian's /usr/bin/python3 (it has python3-botocore).
"""

import argparse
import base64
import calendar
import datetime
import email.utils
import hashlib
import hmac
import ipaddress
import json
import os
import re
import secrets
import socket
import ssl
import string
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape as xml_escape

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

import sts_federation as fed

STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
API_VERSION = "2011-06-15"
SKEW_LIMIT = 300  # SigV4 allows about 5 minutes between the client and AWS
CHAINED_MAX = 3600  # role chaining is limited to one hour
AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*"
    r"Signature=([0-9a-fA-F]+)\s*$")
ASSUMED_ARN_RE = re.compile(r"^arn:([\w-]+):sts::(\d{12}):assumed-role/([^/]+)/[^/]+$")
SESSION_NAME_RE = re.compile(r"^[\w+=,.@-]*$")
EXTERNAL_ID_RE = re.compile(r"^[\w+=,.@:/-]*$")

# code -> (HTTP status, Type) as AWS STS answers them; all Sender but InternalFailure.
ERRORS = {code: (status, "Sender") for code, status in (
    ("AccessDenied", 403), ("InvalidClientTokenId", 403), ("SignatureDoesNotMatch", 403),
    ("IncompleteSignature", 400), ("MissingAuthenticationToken", 403), ("RequestTimeTooSkewed", 403),
    ("ExpiredToken", 400), ("ValidationError", 400), ("MissingParameter", 400), ("InvalidAction", 400),
    ("Throttling", 400), ("InvalidIdentityToken", 400), ("ExpiredTokenException", 400),
    ("IDPRejectedClaim", 403))}
ERRORS["InternalFailure"] = (500, "Receiver")


class StsError(Exception):
    def __init__(self, code, message, detail=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail  # for the log only: why (never a secret)


class VerifyingSigV4(SigV4Auth):
    """botocore's SigV4 with the signed-header set taken from the request's
    Authorization header instead of botocore's own selection rules."""

    def __init__(self, credentials, service, region, signed):
        super().__init__(credentials, service, region)
        self._signed = signed

    def headers_to_sign(self, request):
        out = HTTPHeaders()
        for name in self._signed:
            for value in request.headers.get_all(name) or []:
                out[name] = value
        return out


def iso_ms(ts):
    """AWS-style timestamp with fractional seconds: 2026-11-29T10:00:00.123Z"""
    dt = datetime.datetime.fromtimestamp(ts, tz=datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)


def random_upper(n):
    alphabet = string.ascii_uppercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(n))


def new_session_token():
    """800-1000 characters of base64 with '/', '+' and '=' like real tokens."""
    while True:
        raw = secrets.token_bytes(secrets.choice(range(610, 740, 3)) + 1)  # n % 3 == 2: one "="
        tok = base64.b64encode(raw).decode()
        if "/" in tok and "+" in tok and tok.endswith("=") and 800 <= len(tok) <= 1000:
            return tok


def new_secret_key():
    while True:
        key = base64.b64encode(secrets.token_bytes(30)).decode()
        if "/" in key or "+" in key:
            return key


def amz_stamp(ts):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(ts))


def parse_amz_date(value):
    try:
        return calendar.timegm(time.strptime(value, "%Y%m%dT%H%M%SZ"))
    except (TypeError, ValueError):
        return None


def field_errors(errors, name, value, lo, hi, pattern, required=False):
    """Appends AWS's validation message for one string parameter, if it is bad."""
    prefix = "Value '%s' at '%s' failed to satisfy constraint: Member must " % (str(value)[:100], name)
    if value is None:
        if required:
            errors.append("Value null at '%s' failed to satisfy constraint: Member must not be null" % name)
    elif not lo <= len(value) <= hi:
        errors.append(prefix + "have length %s" % ("greater than or equal to %d" % lo if len(value) < lo
                                                   else "less than or equal to %d" % hi))
    elif pattern is not None and not pattern.match(value):
        errors.append(prefix + "satisfy regular expression pattern: %s" % pattern.pattern[1:-1])


class State:
    """Everything the emulator knows, behind one lock."""

    def __init__(self, config, log_path):
        self.lock = threading.Lock()
        self.log_lock = threading.Lock()
        self.federation = fed.Federation()
        self.log_path = log_path
        self.issued = {}  # AccessKeyId -> dict
        self.set_config(config)
        self.reset(clear_credentials=True)

    def set_config(self, config):
        validate_config(config)
        with self.lock:
            self.config = config
            self.account = config["account"]
            self.region = config["region"]
            self.users = {u["access_key_id"]: u for u in config.get("users", [])}
            self.roles = {r["arn"]: r for r in config.get("roles", [])}
            self.oidc_keys = dict(config.get("oidc_keys", {}))
            # permission sets: (account, role name) -> their rds-db:connect grants
            self.sso_roles = {(r["account_id"], r["role_name"]): r for r in config.get("sso_roles", [])}

    def reset(self, clear_credentials=False):
        with self.lock:
            self.faults = []
            self.revoke_rules = []  # (role ARN, session name or None): born revoked
            self.skew = 0
            self.lifetime = None  # when set, issued credentials last this long
            # {(role ARN, session name or None): seconds}: the same for one role's sessions
            self.lifetime_rules = {}
            self.stats = {"requests": 0, "actions": {}, "results": {}, "faults": {}, "by_access_key": {}}
            if clear_credentials:
                self.issued = {}

    def now(self):
        return time.time() + self.skew

    def log(self, **fields):
        if not self.log_path:
            return
        fields = {"time": iso_ms(time.time()), **fields}
        line = json.dumps(fields, sort_keys=True) + "\n"
        with self.log_lock:
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(line)

    def count(self, action, result, akid=None):
        with self.lock:
            if akid:
                per_key = self.stats["by_access_key"].setdefault(akid, {})
                per_key[action] = per_key.get(action, 0) + 1
            self.stats["requests"] += 1
            self.stats["actions"][action] = self.stats["actions"].get(action, 0) + 1
            per = self.stats["results"].setdefault(action, {})
            per[result] = per.get(result, 0) + 1

    def take_fault(self, akid):
        """Pops one pending count-based fault that applies to this request."""
        with self.lock:
            for f in self.faults:
                if f["remaining"] > 0 and f.get("access_key_id") in (None, akid):
                    f["remaining"] -= 1
                    kind = f["kind"]
                    self.stats["faults"][kind] = self.stats["faults"].get(kind, 0) + 1
                    self.faults = [x for x in self.faults if x["remaining"] > 0]
                    return dict(f)
        return None


def validate_config(config):
    if not isinstance(config, dict):
        raise ValueError("config must be a JSON object")
    for key in ("account", "region"):
        if not isinstance(config.get(key), str) or not config[key]:
            raise ValueError("config: %r is required (a string)" % key)
    for u in config.get("users", []):
        for key in ("arn", "access_key_id", "secret_access_key"):
            if not isinstance(u.get(key), str) or not u[key]:
                raise ValueError("config: every user needs %r" % key)
    for r in config.get("roles", []):
        if not isinstance(r.get("arn"), str) or ":role/" not in r["arn"]:
            raise ValueError("config: every role needs an 'arn' of the form arn:aws:iam::ACCOUNT:role/NAME")
        if not isinstance(r.get("trusted", []), list):
            raise ValueError("config: a role's 'trusted' must be a list of ARNs")


class Handler(BaseHTTPRequestHandler):
    server_version = "pgiam-sts-emulator/1"
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without TCP_NODELAY, Nagle plus
    # the client's delayed ACK adds ~40 ms to every keep-alive request.
    disable_nagle_algorithm = True
    timeout = 30  # a stuck client does not hold its thread forever

    def setup(self):
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(self.timeout)
            self.request.do_handshake()
        super().setup()

    # -- plumbing -------------------------------------------------------------

    @property
    def state(self):
        return self.server.state

    def log_message(self, fmt, *args):  # the decision log replaces stderr chatter
        pass

    def date_time_string(self, timestamp=None):
        # The Date header shows the emulator's (possibly skewed) clock.
        return email.utils.formatdate(self.state.now() if timestamp is None else timestamp,
                                      usegmt=True)

    def read_body(self):
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > 1 << 20:
            self.close_connection = True  # the rest of the stream cannot be trusted
            raise StsError("ValidationError", "Content-Length is missing a valid value or the body is over 1 MiB")
        return self.rfile.read(length) if length else b""

    def send(self, status, body, ctype):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", getattr(self, "request_id", ""))
        self.end_headers()
        self.wfile.write(data)

    def send_json(self, status, obj):
        self.send(status, json.dumps(obj, indent=1) + "\n", "application/json")

    def send_sts_error(self, code, message, status=None, etype=None):
        known_status, known_type = ERRORS.get(code, (400, "Sender"))
        status = status or known_status
        etype = etype or known_type
        body = ('<ErrorResponse xmlns="%s">\n  <Error>\n    <Type>%s</Type>\n'
                '    <Code>%s</Code>\n    <Message>%s</Message>\n  </Error>\n'
                '  <RequestId>%s</RequestId>\n</ErrorResponse>\n'
                % (STS_NS, etype, code, xml_escape(message), self.request_id))
        self.send(status, body, "text/xml")

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def dispatch(self, method):
        self.request_id = str(uuid.uuid4())
        path = urllib.parse.urlsplit(self.path).path
        try:
            if path.startswith("/_sandbox/"):
                try:
                    self.control(method, path)
                except StsError as e:
                    self.send_json(400, {"error": e.message})
            elif method == "GET" and path == "/federation/credentials":
                self.sso_portal()
            elif method == "POST" and path == "/token":
                self.sso_oidc()
            else:
                self.sts(method)
        except (BrokenPipeError, ConnectionResetError):
            pass

    # -- STS ------------------------------------------------------------------

    def sts(self, method):
        st = self.state
        action, caller, akid = "?", None, None
        try:
            body = self.read_body() if method == "POST" else b""
            parts = urllib.parse.urlsplit(self.path)
            if parts.path != "/":
                raise StsError("InvalidAction", "Unknown path %s" % parts.path[:100])
            query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
            params = dict(query)
            if method == "POST":
                ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                if ctype != "application/x-www-form-urlencoded":
                    raise StsError("InvalidAction", "Expected Content-Type application/x-www-form-urlencoded")
                try:
                    params.update(urllib.parse.parse_qsl(body.decode("utf-8"),
                                                         keep_blank_values=True, strict_parsing=False))
                except UnicodeDecodeError:
                    raise StsError("ValidationError", "Request body is not UTF-8")
            action = params.get("Action", "?")[:64]
            akid = self.authorization_akid()

            fault = st.take_fault(akid)
            if fault:
                self.apply_fault(fault, action, akid)
                if fault["kind"] != "slow":
                    return

            # AssumeRoleWithWebIdentity is unsigned: the JWT is the credential
            if action != "AssumeRoleWithWebIdentity":
                caller = self.authenticate(method, parts, query, body)
            if "Version" not in params:
                raise StsError("MissingParameter", "The request must contain the parameter Version")
            if params["Version"] != API_VERSION:
                raise StsError("InvalidAction", "Could not find operation %s for version %s"
                               % (action, params["Version"][:20]))
            if action == "AssumeRole":
                xml, reason = self.assume_role(caller, params)
            elif action == "AssumeRoleWithWebIdentity":
                xml, reason = self.assume_role_with_web_identity(params)
            elif action == "GetCallerIdentity":
                xml, reason = self.get_caller_identity(caller), "ok"
            else:
                raise StsError("InvalidAction", "Could not find operation %s for version %s"
                               % (action, API_VERSION))
            st.count(action, "ok", akid)
            st.log(action=action, caller=caller and caller["arn"], result="ok", reason=reason,
                   status=200, request_id=self.request_id)
            self.send(200, xml, "text/xml")
        except StsError as e:
            st.count(action, e.code, akid)
            st.log(action=action, caller=caller and caller["arn"], access_key_id=akid,
                   result=e.code, reason=e.message + (" [%s]" % e.detail if e.detail else ""), status=ERRORS.get(e.code, (400,))[0],
                   request_id=self.request_id)
            self.send_sts_error(e.code, e.message)
        except Exception as e:  # a bug in the emulator: say so, keep serving
            st.count(action, "InternalFailure", akid)
            st.log(action=action, result="InternalFailure", reason="emulator error: %s" % type(e).__name__,
                   status=500, request_id=self.request_id)
            self.send_sts_error("InternalFailure", "An internal error occurred.")

    def apply_fault(self, fault, action, akid):
        st = self.state
        kind = fault["kind"]
        st.log(action=action, result="fault:" + kind, reason="injected fault", request_id=self.request_id)
        if kind == "throttle":
            st.count(action, "Throttling", akid)
            self.send_sts_error("Throttling", "Rate exceeded")
        elif kind == "error500":
            st.count(action, "InternalFailure", akid)
            self.send_sts_error("InternalFailure", "An internal error occurred.")
        elif kind == "malformed":
            st.count(action, "malformed", akid)
            self.send(200, '<%sResponse xmlns="%s">\n  <%sResult>\n    <Credentials>\n'
                      '      <AccessKeyId>ASIA' % (action, STS_NS, action), "text/xml")
        elif kind == "error":
            # an answer that comes late (e.g. a 503 after 19 s, for the overall deadline)
            time.sleep(fault.get("delay_ms", 0) / 1000.0)
            st.count(action, fault["code"], akid)
            self.send_sts_error(fault["code"], fault["message"], fault["status"], fault["type"])
        elif kind == "slow":
            time.sleep(fault["ms"] / 1000.0)

    def authorization_akid(self):
        m = AUTH_RE.match(self.headers.get("Authorization") or "")
        return m.group(1).split("/")[0] if m else None

    def authenticate(self, method, parts, query, body):
        """Verifies SigV4 with botocore; returns the caller record."""
        st = self.state
        header = self.headers.get("Authorization")
        if not header:
            raise StsError("MissingAuthenticationToken", "Request is missing Authentication Token")
        m = AUTH_RE.match(header)
        if not m:
            raise StsError("IncompleteSignature", "Authorization header requires 'Credential', "
                           "'Signature' and 'SignedHeaders' parameters (AWS4-HMAC-SHA256).")
        credential, signed_list, signature = m.group(1), m.group(2), m.group(3).lower()
        scope = credential.split("/")
        if len(scope) != 5 or scope[4] != "aws4_request":
            raise StsError("IncompleteSignature", "Credential scope must be AKID/DATE/REGION/SERVICE/aws4_request")
        akid, scope_date, scope_region, scope_service = scope[0], scope[1], scope[2], scope[3]
        signed = signed_list.lower().split(";")
        if "host" not in signed:
            raise StsError("SignatureDoesNotMatch", "'Host' must be a 'SignedHeader' in the AWS Authorization.")
        amz_date = self.headers.get("X-Amz-Date")
        if amz_date is None:
            raise StsError("IncompleteSignature", "Authorization header requires existence of "
                           "either a 'X-Amz-Date' or a 'Date' header.")
        ts = parse_amz_date(amz_date)
        if ts is None:
            raise StsError("IncompleteSignature", "X-Amz-Date must be in the ISO8601 basic format YYYYMMDDTHHMMSSZ")

        caller = self.lookup_caller(akid)
        if caller is None:
            raise StsError("InvalidClientTokenId", "The security token included in the request is invalid.")
        token = self.headers.get("X-Amz-Security-Token")
        if caller.get("session_token") is not None and token != caller["session_token"]:
            raise StsError("InvalidClientTokenId", "The security token included in the request is invalid.")
        if caller.get("session_token") is None and token is not None:
            raise StsError("InvalidClientTokenId", "The security token included in the request is invalid.")

        now = st.now()
        if abs(ts - now) > SKEW_LIMIT:
            late = ts < now
            raise StsError("RequestTimeTooSkewed", "Signature %s: %s is %s than %s (%s %s 5 min.)" % (
                "expired" if late else "not yet current", amz_date, "now earlier" if late else "still later",
                amz_stamp(now - SKEW_LIMIT if late else now + SKEW_LIMIT), amz_stamp(now), "-" if late else "+"))
        if scope_date != amz_date[:8]:
            raise StsError("SignatureDoesNotMatch", "Date in Credential scope does not match YYYYMMDD from "
                           "ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'."
                           % (scope_date[:16], amz_date[:8], amz_date))
        if scope_service != "sts":
            raise StsError("SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'.")
        if scope_region != st.region:
            raise StsError("SignatureDoesNotMatch", "Credential should be scoped to a valid region, not '%s'. "
                           % scope_region[:40])
        for name in signed:
            if self.headers.get(name) is None:
                raise StsError("SignatureDoesNotMatch", "Signed header '%s' is missing from the request." % name[:40])
        claimed = self.headers.get("X-Amz-Content-SHA256")
        if claimed is not None and claimed != hashlib.sha256(body).hexdigest():
            raise StsError("SignatureDoesNotMatch", "The provided 'x-amz-content-sha256' header does not "
                           "match what was computed.")

        headers = HTTPHeaders()
        for name in signed:
            for value in self.headers.get_all(name):
                headers[name] = value
        scheme = "https" if self.server.tls else "http"
        url = urllib.parse.urlunsplit((scheme, self.headers.get("Host") or "localhost", parts.path, "", ""))
        req = AWSRequest(method=method, url=url, headers=headers, data=body, params=query)
        req.context["timestamp"] = amz_date
        req.context["payload_signing_enabled"] = True
        auth = VerifyingSigV4(Credentials(akid, caller["secret_access_key"], caller.get("session_token")),
                              "sts", st.region, signed)
        expected = auth.signature(auth.string_to_sign(req, auth.canonical_request(req)), req)
        if not hmac.compare_digest(expected, signature):
            raise StsError("SignatureDoesNotMatch", "The request signature we calculated does not match the "
                           "signature you provided. Check your AWS Secret Access Key and signing method. "
                           "Consult the service documentation for details.")
        if caller.get("expired") or (caller.get("expires_at") is not None and caller["expires_at"] <= now):
            raise StsError("ExpiredToken", "The security token included in the request is expired")
        return caller

    def lookup_caller(self, akid):
        st = self.state
        with st.lock:
            user = st.users.get(akid)
            if user is not None:
                out = {"kind": "user", "arn": user["arn"], "secret_access_key": user["secret_access_key"],
                       "session_token": user.get("session_token"), "expired": bool(user.get("expired")),
                       "user_id": user.get("user_id") or ("AIDA" + hashlib.sha256(user["arn"].encode())
                                                          .hexdigest()[:17].upper())}
                m = ASSUMED_ARN_RE.match(user["arn"])
                if m:  # a configured role session (instance or task role): trust and chaining as a role
                    role_arn = "arn:%s:iam::%s:role/%s" % m.groups()
                    out.update(kind="assumed-role", role_arn=role_arn, user_id=user.get("user_id") or "AROA%s:%s" % (
                        hashlib.sha256(role_arn.encode()).hexdigest()[:17].upper(), user["arn"].rsplit("/", 1)[1]))
                return out
            cred = st.issued.get(akid)
            if cred is not None:
                return {"kind": "assumed-role", "arn": cred["AssumedRoleArn"], "role_arn": cred["RoleArn"],
                        "secret_access_key": cred["SecretAccessKey"], "session_token": cred["SessionToken"],
                        "expires_at": cred["expires_at"], "expired": cred["force_expired"] or cred.get("revoked"),
                        "user_id": cred["AssumedRoleId"]}
        return None

    def assume_role(self, caller, params):
        st = self.state
        role_arn = params.get("RoleArn")
        session = params.get("RoleSessionName")
        external_id = params.get("ExternalId")
        duration_raw = params.get("DurationSeconds")
        errors = []
        field_errors(errors, "roleArn", role_arn, 20, 2048, None, required=True)
        field_errors(errors, "roleSessionName", session, 2, 64, SESSION_NAME_RE, required=True)
        field_errors(errors, "externalId", external_id, 2, 1224, EXTERNAL_ID_RE)
        duration = 3600
        if duration_raw is not None:
            try:
                duration = int(duration_raw)
            except ValueError:
                raise StsError("ValidationError", "Value '%s' for parameter DurationSeconds is invalid. "
                               "Must be an integer." % duration_raw[:20])
            if duration < 900:
                errors.append("Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have "
                              "value greater than or equal to 900" % duration)
            elif duration > 43200:
                errors.append("Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have "
                              "value less than or equal to 43200" % duration)
        if errors:
            raise StsError("ValidationError", "%d validation error%s detected: %s"
                           % (len(errors), "" if len(errors) == 1 else "s", "; ".join(errors)))

        def denied(why):
            return StsError("AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s"
                            % (caller["arn"], role_arn), why)
        with st.lock:
            role = st.roles.get(role_arn)
        if role is None:
            raise denied("no such role in the config")
        trusted = role.get("trusted", [])
        principals = [caller["arn"]] + ([caller["role_arn"]] if caller["kind"] == "assumed-role" else [])
        if not any(p in trusted for p in principals):
            raise denied("caller is not in the role's trusted principals")
        if "external_id" in role and role["external_id"] is not None and external_id != role["external_id"]:
            raise denied("ExternalId %s" % ("missing" if external_id is None else "does not match"))
        def mfa_error(code, message, detail):
            return denied(detail) if message is None else StsError(code, message, detail)
        fed.check_mfa(role, params, st.now(), mfa_error)
        if caller["kind"] == "assumed-role" and duration > CHAINED_MAX:
            raise StsError("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit "
                           "for roles assumed by role chaining.")
        if duration > int(role.get("max_session_duration", 3600)):
            raise StsError("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set "
                           "for this role.")

        role_name = role_arn.rsplit("/", 1)[1]
        role_id = role.get("role_id") or ("AROA" + hashlib.sha256(role_arn.encode()).hexdigest()[:17].upper())
        cred = self.issue(role_arn, "arn:aws:sts::%s:assumed-role/%s/%s" % (role_arn.split(":")[4], role_name, session),
                          "%s:%s" % (role_id, session), role.get("rds_db_connect", []), caller["arn"], duration,
                          session)
        xml = self.credentials_xml("AssumeRole", cred)
        reason = "issued %s for %s as %s, %d s" % (cred["AccessKeyId"], role_arn, cred["AssumedRoleArn"], duration)
        return xml, reason

    def issue(self, role_arn, assumed_arn, role_id, rds_db_connect, source_arn, duration, session):
        """New role credentials, registered so that STS and the token verifier know them."""
        st = self.state
        now = st.now()
        with st.lock:
            lifetime = st.lifetime
            for key in ((role_arn, session), (role_arn, None)):
                if key in st.lifetime_rules:
                    lifetime = st.lifetime_rules[key]
                    break
        # The lifetime knob lets refresh tests get short-lived credentials.
        expires_at = now + (lifetime if lifetime is not None else duration)
        cred = {
            "AccessKeyId": "ASIA" + random_upper(16),
            "SecretAccessKey": new_secret_key(),
            "SessionToken": new_session_token(),
            "Expiration": iso_ms(expires_at),
            "RoleArn": role_arn,
            "AssumedRoleArn": assumed_arn,
            "AssumedRoleId": role_id,
            "RdsDbConnect": list(rds_db_connect),
            "SourceArn": source_arn,
            "DurationSeconds": duration,
            "expires_at": expires_at,
            "force_expired": False,
            "revoked": False,
        }
        with st.lock:
            cred["revoked"] = any(r == role_arn and n in (None, session) for r, n in st.revoke_rules)
            st.issued[cred["AccessKeyId"]] = cred
        return cred

    def credentials_xml(self, action, cred, extra=""):
        return ('<%sResponse xmlns="%s">\n  <%sResult>\n%s    <Credentials>\n'
                '      <AccessKeyId>%s</AccessKeyId>\n      <SecretAccessKey>%s</SecretAccessKey>\n'
                '      <SessionToken>%s</SessionToken>\n      <Expiration>%s</Expiration>\n'
                '    </Credentials>\n    <AssumedRoleUser>\n      <AssumedRoleId>%s</AssumedRoleId>\n'
                '      <Arn>%s</Arn>\n    </AssumedRoleUser>\n  </%sResult>\n'
                '  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n  </ResponseMetadata>\n'
                '</%sResponse>\n'
                % (action, STS_NS, action, extra, cred["AccessKeyId"], xml_escape(cred["SecretAccessKey"]),
                   xml_escape(cred["SessionToken"]), cred["Expiration"], xml_escape(cred["AssumedRoleId"]),
                   xml_escape(cred["AssumedRoleArn"]), action, self.request_id, action))

    def assume_role_with_web_identity(self, params):
        st = self.state
        role_arn, session = params.get("RoleArn"), params.get("RoleSessionName")
        token = params.get("WebIdentityToken")
        errors = []
        field_errors(errors, "roleArn", role_arn, 20, 2048, None, required=True)
        field_errors(errors, "roleSessionName", session, 2, 64, SESSION_NAME_RE, required=True)
        field_errors(errors, "webIdentityToken", token, 4, 20000, None, required=True)
        if errors:
            raise StsError("ValidationError", "%d validation error%s detected: %s"
                           % (len(errors), "" if len(errors) == 1 else "s", "; ".join(errors)))
        with st.lock:
            keys, role = dict(st.oidc_keys), st.roles.get(role_arn)
        claims = fed.verify_jwt(token, keys, st.now(), StsError)
        trust = (role or {}).get("web_identity") or {}
        if not role or trust.get("issuer") != claims.get("iss"):
            raise StsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity",
                           "the role does not trust issuer %s" % str(claims.get("iss"))[:100])
        aud = claims.get("aud")
        if trust.get("audience", fed.WEB_AUDIENCE) not in (aud if isinstance(aud, list) else [aud]):
            raise StsError("InvalidIdentityToken", "Incorrect token audience", "audience %r" % (aud,))
        duration = int(params.get("DurationSeconds") or 3600)
        role_name = role_arn.rsplit("/", 1)[1]
        role_id = role.get("role_id") or ("AROA" + hashlib.sha256(role_arn.encode()).hexdigest()[:17].upper())
        cred = self.issue(role_arn, "arn:aws:sts::%s:assumed-role/%s/%s" % (role_arn.split(":")[4], role_name, session),
                          "%s:%s" % (role_id, session), role.get("rds_db_connect", []),
                          "web identity %s" % claims.get("sub"), duration, session)
        extra = ('    <SubjectFromWebIdentityToken>%s</SubjectFromWebIdentityToken>\n'
                 '    <Audience>%s</Audience>\n    <Provider>%s</Provider>\n'
                 % (xml_escape(str(claims.get("sub"))), xml_escape(str(aud)), xml_escape(str(claims.get("iss")))))
        return (self.credentials_xml("AssumeRoleWithWebIdentity", cred, extra),
                "issued %s for %s to web identity %s" % (cred["AccessKeyId"], role_arn, claims.get("sub")))

    # -- IAM Identity Center (portal and OIDC) ---------------------------------

    def sso_portal(self):
        """GetRoleCredentials: GET /federation/credentials?account_id=&role_name="""
        st = self.state
        q = fed.query_params(self.path)
        account, role_name = q.get("account_id", ""), q.get("role_name", "")
        token = self.headers.get("x-amz-sso_bearer_token") or ""
        with st.lock:
            status, etype, what = st.federation.role_credentials(token, account, role_name, st.now())
            perm = st.sso_roles.get((account, role_name), {})
        if status != 200:
            st.count("GetRoleCredentials", etype, None)
            st.log(action="GetRoleCredentials", result=etype, status=status,
                   reason="%s/%s" % (account[:20], role_name[:64]), request_id=self.request_id)
            self.send_typed_json(status, etype, {"message": what})
            return
        role_arn = fed.sso_role_arn(account, role_name)
        name = role_arn.rsplit("/", 1)[1]
        cred = self.issue(role_arn, "arn:aws:sts::%s:assumed-role/%s/sso-user" % (account, name),
                          "AROA%s:sso-user" % hashlib.sha256(role_arn.encode()).hexdigest()[:17].upper(),
                          perm.get("rds_db_connect", []), "sso", int(perm.get("duration", 3600)), "sso-user")
        st.count("GetRoleCredentials", "ok", None)
        st.log(action="GetRoleCredentials", result="ok", status=200, request_id=self.request_id,
               reason="issued %s for %s" % (cred["AccessKeyId"], role_arn))
        self.send_json(200, {"roleCredentials": {
            "accessKeyId": cred["AccessKeyId"], "secretAccessKey": cred["SecretAccessKey"],
            "sessionToken": cred["SessionToken"], "expiration": int(cred["expires_at"] * 1000)}})

    def sso_oidc(self):
        """SSO OIDC CreateToken: POST /token (JSON)"""
        st = self.state
        try:
            req = json.loads(self.read_body() or b"{}")
        except (ValueError, StsError):
            req = None
        if not isinstance(req, dict):
            self.send_typed_json(400, "InvalidRequestException", {"error": "invalid_request"})
            return
        with st.lock:
            status, body, etype = st.federation.create_token(req, st.now())
        st.count("CreateToken", etype or "ok", None)
        st.log(action="CreateToken", result=etype or "ok", status=status, request_id=self.request_id)
        self.send_typed_json(status, etype, body)

    def send_typed_json(self, status, etype, obj):
        data = (json.dumps(obj) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if etype:
            self.send_header("x-amzn-ErrorType", etype)
        self.send_header("x-amzn-RequestId", getattr(self, "request_id", ""))
        self.end_headers()
        self.wfile.write(data)

    def get_caller_identity(self, caller):
        account = caller["arn"].split(":")[4]
        return ('<GetCallerIdentityResponse xmlns="%s">\n  <GetCallerIdentityResult>\n'
                '    <Arn>%s</Arn>\n    <UserId>%s</UserId>\n    <Account>%s</Account>\n'
                '  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n'
                '  </ResponseMetadata>\n</GetCallerIdentityResponse>\n'
                % (STS_NS, xml_escape(caller["arn"]), xml_escape(caller["user_id"]), account, self.request_id))

    # -- control API ----------------------------------------------------------

    def control(self, method, path):
        st = self.state
        if not ipaddress.ip_address(self.client_address[0].split("%")[0]).is_loopback:
            self.send_json(403, {"error": "control API is loopback-only"})
            return
        body = self.read_control_body() if method == "POST" else None
        rest = path[len("/_sandbox/"):]
        if method == "GET" and rest.startswith("credentials/"):
            akid = urllib.parse.unquote(rest[len("credentials/"):])
            out = self.credential_json(akid)
            if out is None:
                self.send_json(404, {"error": "unknown access key id"})
            else:
                self.send_json(200, out)
            st.log(action="_sandbox/credentials", access_key_id=akid, result="found" if out else "unknown")
        elif method == "POST" and rest == "faults":
            try:
                self.add_faults(body)
            except ValueError as e:
                self.send_json(400, {"error": str(e)})
                return
            self.send_json(200, self.fault_summary())
        elif method == "POST" and rest == "reset":
            st.reset(clear_credentials=bool((body or {}).get("credentials")))
            st.log(action="_sandbox/reset", result="ok")
            self.send_json(200, {"ok": True})
        elif method == "POST" and rest.startswith("expire/"):
            akid = urllib.parse.unquote(rest[len("expire/"):])
            in_seconds = (body or {}).get("in_seconds")
            if in_seconds is not None and (not isinstance(in_seconds, (int, float)) or isinstance(in_seconds, bool)):
                self.send_json(400, {"error": "in_seconds must be a number"})
                return
            with st.lock:
                cred = st.issued.get(akid)
                if cred is not None and in_seconds is None:
                    cred["force_expired"] = True
                elif cred is not None:
                    # Expires later (or earlier) than issued; the client is not told.
                    cred["expires_at"] = st.now() + in_seconds
                    cred["Expiration"] = iso_ms(cred["expires_at"])
            st.log(action="_sandbox/expire", access_key_id=akid, result="ok" if cred else "unknown")
            if cred is None:
                self.send_json(404, {"error": "unknown access key id"})
            else:
                self.send_json(200, {"ok": True})
        elif method == "POST" and rest == "sso/tokens":
            try:
                with st.lock:
                    st.federation.register(body or {}, st.now())
            except (ValueError, TypeError, KeyError) as e:
                self.send_json(400, {"error": str(e)})
                return
            st.log(action="_sandbox/sso/tokens", result="ok")
            self.send_json(200, {"ok": True})
        elif method == "POST" and rest == "sso/revoke":
            with st.lock:
                found = st.federation.revoke((body or {}).get("token", ""))
            st.log(action="_sandbox/sso/revoke", result="ok" if found else "unknown")
            self.send_json(200 if found else 404, {"revoked": found})
        elif method == "POST" and rest == "revoke":
            self.revoke(body or {})
        elif method == "GET" and rest == "stats":
            with st.lock:
                out = json.loads(json.dumps(st.stats))
                out["issued"] = len(st.issued)
            out.update(self.fault_summary())
            self.send_json(200, out)
        elif method == "POST" and rest == "config":
            try:
                st.set_config(body)
            except (ValueError, TypeError, AttributeError) as e:
                self.send_json(400, {"error": str(e)})
                return
            st.log(action="_sandbox/config", result="ok")
            self.send_json(200, {"ok": True})
        else:
            self.send_json(404, {"error": "unknown control endpoint %s %s" % (method, path[:100])})

    def revoke(self, body):
        """IAM's "revoke active sessions": every credential issued so far for the role
        (and session name, when given) is refused from now on, by STS and in the
        lookup (revoked: true), while a session assumed later is not; with persistent,
        later ones are born revoked too (a deny on the role's sessions), until reset."""
        st = self.state
        role, session = body.get("role_arn"), body.get("session_name")
        if not isinstance(role, str) or (session is not None and not isinstance(session, str)) or \
                not isinstance(body.get("persistent", False), bool):
            self.send_json(400, {"error": "revoke needs role_arn (and optionally session_name) "
                                          "strings, and persistent a boolean"})
            return
        with st.lock:
            if body.get("persistent"):
                st.revoke_rules.append((role, session))
            hit = [c for c in st.issued.values() if c["RoleArn"] == role and
                   (session is None or c["AssumedRoleArn"].rsplit("/", 1)[1] == session)]
            for c in hit:
                c["revoked"] = True
        st.log(action="_sandbox/revoke", result="ok", reason="%d session(s) of %s" % (len(hit), role))
        self.send_json(200, {"revoked": len(hit)})

    def read_control_body(self):
        raw = self.read_body()
        try:
            obj = json.loads(raw) if raw.strip() else {}
        except ValueError:
            obj = None
        if not isinstance(obj, dict):
            raise StsError("ValidationError", "body must be a JSON object")
        return obj

    def credential_json(self, akid):
        st = self.state
        now = st.now()
        with st.lock:
            cred = st.issued.get(akid)
            if cred is not None:
                out = {k: v for k, v in cred.items() if k not in ("expires_at", "force_expired")}
                out["expired"] = cred["force_expired"] or cred["expires_at"] <= now
                return out
            user = st.users.get(akid)
            if user is not None:
                # Source keys, for tokens signed directly with them (no role).
                return {"AccessKeyId": akid, "SecretAccessKey": user["secret_access_key"],
                        "SessionToken": user.get("session_token"), "Expiration": user.get("expiration"),
                        "RoleArn": None, "AssumedRoleArn": None, "UserArn": user["arn"],
                        "RdsDbConnect": list(user.get("rds_db_connect", [])),
                        "expired": bool(user.get("expired"))}
        return None

    def add_faults(self, body):
        st = self.state
        known = {"throttle", "error500", "slow_ms", "slow_count", "malformed", "skew_seconds", "access_key_id",
                 "lifetime_seconds", "error", "role_arn", "session_name"}
        unknown = set(body) - known
        if unknown:
            raise ValueError("unknown fault knob(s): %s" % ", ".join(sorted(unknown)))
        for key in known - {"access_key_id", "error", "lifetime_seconds", "role_arn", "session_name"}:
            if key in body and (not isinstance(body[key], (int, float)) or isinstance(body[key], bool)):
                raise ValueError("%s must be a number" % key)
        scope = body.get("access_key_id")
        new = []
        for kind in ("throttle", "error500", "malformed"):
            if int(body.get(kind, 0)) > 0:
                new.append({"kind": kind, "remaining": int(body[kind])})
        if "error" in body:
            f = error_fault(body["error"])
            f["message"] = f["message"].replace("{account}", st.account)
            new.append(f)
        life = body.get("lifetime_seconds")
        if life is not None and (not isinstance(life, int) or isinstance(life, bool) or life < 1):
            raise ValueError("lifetime_seconds must be a positive integer or null")
        # scoped to one role (and session name): tests running beside others
        rule = None
        if "role_arn" in body or "session_name" in body:
            if "lifetime_seconds" not in body or not isinstance(body.get("role_arn"), str):
                raise ValueError("role_arn (a string) scopes lifetime_seconds; give both")
            if body.get("session_name") is not None and not isinstance(body["session_name"], str):
                raise ValueError("session_name must be a string")
            rule = (body["role_arn"], body.get("session_name"))
        if "slow_ms" in body:
            new.append({"kind": "slow", "ms": max(0, int(body["slow_ms"])),
                        "remaining": int(body.get("slow_count", 1))})
        for f in new:
            if scope is not None:
                f["access_key_id"] = scope
        with st.lock:
            st.faults.extend(new)
            if "skew_seconds" in body:
                st.skew = float(body["skew_seconds"])
            if rule is not None:
                if life is None:
                    st.lifetime_rules.pop(rule, None)
                else:
                    st.lifetime_rules[rule] = life
            elif "lifetime_seconds" in body:
                st.lifetime = life
        st.log(action="_sandbox/faults", result="ok", reason=json.dumps(body, sort_keys=True))

    def fault_summary(self):
        st = self.state
        with st.lock:
            pending = {}
            for f in st.faults:
                pending[f["kind"]] = pending.get(f["kind"], 0) + f["remaining"]
            return {"pending_faults": pending, "skew_seconds": st.skew, "lifetime_seconds": st.lifetime,
                    "lifetime_rules": len(st.lifetime_rules)}


KNOWN_MESSAGES = {
    "RegionDisabledException": "STS is not activated in this region for account:{account}. Your account administrator "
                               "can activate STS in this region using the IAM Console.",
    "Throttling": "Rate exceeded",
    "ThrottlingException": "Rate exceeded",
    "RequestLimitExceeded": "Request limit exceeded.",
    "InternalFailure": "An internal error occurred.",
    "ServiceUnavailable": "Service is unavailable.",
}


def error_fault(spec):
    """{"code", "message"?, "status"?, "type"?, "count"?, "delay_ms"?} -> a pending fault."""
    if not isinstance(spec, dict) or not isinstance(spec.get("code"), str) or not spec["code"]:
        raise ValueError("error must be an object with a 'code' string")
    extra = set(spec) - {"code", "message", "status", "type", "count", "delay_ms"}
    if extra:
        raise ValueError("error: unknown key(s) %s" % ", ".join(sorted(extra)))
    status = spec.get("status") or ERRORS.get(spec["code"], (None,))[0] or (
        403 if spec["code"] == "RegionDisabledException" else 400)
    if not isinstance(status, int) or not 400 <= status <= 599:
        raise ValueError("error.status must be an HTTP error status (400-599)")
    count = spec.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise ValueError("error.count must be a positive integer")
    delay = spec.get("delay_ms", 0)
    if not isinstance(delay, int) or isinstance(delay, bool) or not 0 <= delay <= 120000:
        raise ValueError("error.delay_ms must be an integer from 0 to 120000")
    message = spec.get("message") or KNOWN_MESSAGES.get(spec["code"], "Injected %s." % spec["code"])
    return {"kind": "error", "remaining": count, "code": spec["code"], "status": status, "delay_ms": delay,
            "type": spec.get("type") or ("Receiver" if status >= 500 else "Sender"), "message": message}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def make_server(host, port, state, tls_cert=None, tls_key=None):
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        if host != "localhost":
            raise SystemExit("sts_emulator: --host must be a loopback address, not %r" % host)
        addr = ipaddress.ip_address("127.0.0.1")
        host = "127.0.0.1"
    if not addr.is_loopback:
        raise SystemExit("sts_emulator: --host must be a loopback address (127.0.0.1 or ::1), not %s" % host)

    class Srv(Server):
        address_family = socket.AF_INET6 if addr.version == 6 else socket.AF_INET

    srv = Srv((host, port), Handler)
    srv.state = state
    srv.tls = bool(tls_cert)
    if tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(tls_cert, tls_key)
        # The handshake runs in the request's thread (Handler.setup), so a
        # client that never speaks TLS cannot stall the accept loop.
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True, do_handshake_on_connect=False)
    return srv


def write_port_file(path, port):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w", encoding="ascii") as f:
        f.write("%d\n" % port)
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Local AWS STS emulator (loopback only).")
    ap.add_argument("--config", required=True, help="JSON config: account, region, users, roles")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--port-file", help="written with the port once listening")
    ap.add_argument("--log", help="decision log, one JSON object per line")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    args = ap.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        ap.error("--tls-cert and --tls-key go together")
    try:
        with open(args.config, encoding="utf-8") as f:
            config = json.load(f)
        state = State(config, args.log)
    except (OSError, ValueError) as e:
        raise SystemExit("sts_emulator: config %s: %s" % (args.config, e))
    srv = make_server(args.host, args.port, state, args.tls_cert, args.tls_key)
    port = srv.server_address[1]
    if args.port_file:
        write_port_file(args.port_file, port)
    state.log(action="_start", result="listening", reason="%s:%d%s" % (args.host, port, " tls" if srv.tls else ""))
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
