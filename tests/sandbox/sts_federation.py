"""The STS emulator's federated sign-ins (loopback only; imported by sts_emulator.py):

- MFA for AssumeRole: a role with "mfa_serial" and "mfa_secret" (base32 TOTP, RFC 6238,
  30 s, 6 digits, one step of slack either way) needs SerialNumber and TokenCode.
- AssumeRoleWithWebIdentity: unsigned; the WebIdentityToken is a JWT signed HS256 with
  the issuer's key in config "oidc_keys" {ISSUER: KEY}; a role with "web_identity"
  {"issuer": ISSUER, "audience": AUD (default sts.amazonaws.com)} trusts it.
- IAM Identity Center: the portal's GetRoleCredentials (GET /federation/credentials,
  header x-amz-sso_bearer_token) and SSO OIDC CreateToken (POST /token, refresh_token
  grant). Access and refresh tokens are registered by tests through the control API
  (POST /_sandbox/sso/tokens) exactly as `aws sso login` would have left them in the
  cache; "sso_roles" in the config name the permission sets and their rds-db grants.

Contract: docs/sts-emulator.md. Secrets (tokens, keys, TOTP codes) never reach the log.
"""

import base64
import hashlib
import hmac
import json
import secrets
import struct
import urllib.parse

WEB_AUDIENCE = "sts.amazonaws.com"
TOTP_STEP = 30


def totp(secret_b32, at, step=TOTP_STEP, digits=6):
    """RFC 6238 TOTP (HMAC-SHA1) of a base32 secret at unix time `at`."""
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(at) // step), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % (10 ** digits)
    return "%0*d" % (digits, code)


def check_mfa(role, params, now, error):
    """Raises error(code, message, detail) unless the role's MFA condition holds."""
    serial = role.get("mfa_serial")
    if not serial:
        return
    given_serial, code = params.get("SerialNumber"), params.get("TokenCode")
    if given_serial is None or code is None:
        raise error("AccessDenied", None, "MFA required: no SerialNumber/TokenCode")
    if given_serial != serial:
        raise error("AccessDenied", None, "MFA device %s is not the role's" % given_serial[:100])
    if not (len(code) == 6 and code.isdigit()):
        raise error("ValidationError", "1 validation error detected: Value at 'tokenCode' failed to "
                    "satisfy constraint: Member must satisfy regular expression pattern: [\\d]*", None)
    if not any(hmac.compare_digest(code, totp(role["mfa_secret"], now + d * TOTP_STEP))
               for d in (-1, 0, 1)):
        raise error("AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time "
                    "pass code. ", "wrong TOTP code")


def b64url_decode(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(key, claims):
    """A JWT signed HS256 with key (tests write these into token files)."""
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64url(json.dumps(claims).encode())
    sig = hmac.new(key.encode(), ("%s.%s" % (head, body)).encode(), hashlib.sha256).digest()
    return "%s.%s.%s" % (head, body, b64url(sig))


def verify_jwt(token, keys, now, error):
    """The claims of an HS256 JWT whose issuer is in keys; raises error(...) otherwise."""
    parts = token.split(".")
    if len(parts) != 3:
        raise error("InvalidIdentityToken", "The ID Token provided is not a valid JWT. (You may see "
                    "this error if you sent an Access Token)", "not three parts")
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
        sig = b64url_decode(parts[2])
    except (ValueError, UnicodeDecodeError):
        raise error("InvalidIdentityToken", "The ID Token provided is not a valid JWT.", "undecodable")
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise error("InvalidIdentityToken", "The ID Token provided is not a valid JWT.", "not objects")
    iss = claims.get("iss")
    if header.get("alg") != "HS256" or iss not in keys:
        raise error("InvalidIdentityToken", "No OpenIDConnect provider found in your account for %s"
                    % str(iss)[:200], "unknown issuer or algorithm")
    want = hmac.new(keys[iss].encode(), ("%s.%s" % (parts[0], parts[1])).encode(),
                    hashlib.sha256).digest()
    if not hmac.compare_digest(want, sig):
        raise error("InvalidIdentityToken", "Incorrect token signature", "bad signature")
    exp = claims.get("exp")
    if not isinstance(exp, (int, float)) or exp <= now:
        raise error("ExpiredTokenException", "Token expired: current date/time %d must be before "
                    "the expiration date/time %s" % (now, exp), "expired JWT")
    return claims


class Federation:
    """SSO tokens and what they may sign in as, behind the emulator's state lock."""

    def __init__(self):
        self.access = {}   # access token -> {"expires_at", "assignments": [(acct, role)]}
        self.refresh = {}  # refresh token -> {"client_id", "client_secret", "assignments"}

    def register(self, body, now):
        """POST /_sandbox/sso/tokens: an access token (and its refresh token) as `aws sso
        login` leaves them in the cache."""
        access = body.get("access_token")
        if not isinstance(access, str) or not access:
            raise ValueError("access_token is required")
        assignments = [(a["account_id"], a["role_name"]) for a in body.get("assignments", [])]
        self.access[access] = {"expires_at": float(body.get("expires_at", now + 3600)),
                               "assignments": assignments}
        if body.get("refresh_token"):
            self.refresh[body["refresh_token"]] = {
                "client_id": body.get("client_id"), "client_secret": body.get("client_secret"),
                "assignments": assignments}

    def revoke(self, token):
        """POST /_sandbox/sso/revoke: an access or refresh token stops working."""
        return bool(self.access.pop(token, None)) | bool(self.refresh.pop(token, None))

    def role_credentials(self, token, account, role, now):
        """(status, error type, message) or (200, None, assignment) for GetRoleCredentials."""
        entry = self.access.get(token)
        if entry is None or entry["expires_at"] <= now:
            return 401, "UnauthorizedException", "Session token not found or invalid"
        if (account, role) not in entry["assignments"]:
            return 403, "ForbiddenException", "No access"
        return 200, None, (account, role)

    def create_token(self, req, now):
        """(status, body) for SSO OIDC CreateToken with grantType refresh_token."""
        if req.get("grantType") != "refresh_token":
            return 400, {"error": "unsupported_grant_type"}, "UnsupportedGrantTypeException"
        entry = self.refresh.get(req.get("refreshToken"))
        if entry is None:
            return 400, {"error": "invalid_grant", "error_description":
                         "Invalid refresh token provided"}, "InvalidGrantException"
        if req.get("clientId") != entry["client_id"] or \
                not hmac.compare_digest(str(req.get("clientSecret")), str(entry["client_secret"])):
            return 401, {"error": "invalid_client", "error_description":
                         "Invalid client provided"}, "InvalidClientException"
        del self.refresh[req["refreshToken"]]  # rotated, as the service does
        access, refresh = "aoa" + secrets.token_urlsafe(48), "aor" + secrets.token_urlsafe(48)
        self.access[access] = {"expires_at": now + 3600, "assignments": entry["assignments"]}
        self.refresh[refresh] = dict(entry)
        return 200, {"accessToken": access, "tokenType": "Bearer", "expiresIn": 3600,
                     "refreshToken": refresh}, None


def sso_role_arn(account, role_name):
    suffix = hashlib.sha256(("%s/%s" % (account, role_name)).encode()).hexdigest()[:16]
    return "arn:aws:iam::%s:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_%s_%s" % (
        account, role_name, suffix)


def query_params(path):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query, keep_blank_values=True))
