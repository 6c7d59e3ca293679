"""sts_federation_selftest.py - the STS emulator's federated sign-ins answer as AWS does,
checked with botocore's own clients (Debian's python3-botocore parses every answer, so
the wire format is the SDK's, not ours): AssumeRole with MFA (right code, wrong code,
no code), AssumeRoleWithWebIdentity (a good JWT, a bad signature, an expired one, an
untrusted issuer), the SSO portal's GetRoleCredentials (good, expired token, no access)
and SSO OIDC CreateToken (refresh, rotation, a revoked token). Credentials issued each
way are known to the token verifier's lookup. Needs no sandbox."""
import sys
import tempfile
import time

import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError

import chainlib as cl
sys.path.insert(0, cl.os.path.join(cl.SOURCE_ROOT, "tests", "sandbox"))
import sts_federation as fed  # noqa: E402

MFA_SERIAL = "arn:aws:iam::%s:mfa/alice-phone" % cl.ACCOUNT
MFA_SECRET = "JBSWY3DPEHPK3PXP"
MFA_ROLE = "arn:aws:iam::%s:role/mfa-role" % cl.ACCOUNT
WEB_ROLE = "arn:aws:iam::%s:role/web-role" % cl.ACCOUNT
ISSUER = "https://oidc.sandbox.example"
JWT_KEY = "sandbox-oidc-signing-key"
SSO_ACCOUNT = "210987654321"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def config():
    c = cl.emulator_config()
    c["roles"] += [
        {"arn": MFA_ROLE, "trusted": [cl.ALICE_ARN], "mfa_serial": MFA_SERIAL,
         "mfa_secret": MFA_SECRET},
        {"arn": WEB_ROLE, "web_identity": {"issuer": ISSUER},
         "rds_db_connect": ["arn:aws:rds-db:%s:%s:dbuser:*/web_user" % (cl.REGION, cl.ACCOUNT)]},
    ]
    c["oidc_keys"] = {ISSUER: JWT_KEY}
    c["sso_roles"] = [{"account_id": SSO_ACCOUNT, "role_name": "DBA",
                       "rds_db_connect": ["arn:aws:rds-db:%s:%s:dbuser:*/sso_user"
                                          % (cl.REGION, SSO_ACCOUNT)]}]
    return c


def client(emu, service, signed=True, **keys):
    s = botocore.session.Session()
    cfg = Config(retries={"max_attempts": 1}, signature_version=None if signed else
                 botocore.UNSIGNED)
    return s.create_client(service, region_name=cl.REGION, endpoint_url=emu.url, config=cfg,
                           **keys)


def code_of(fn):
    try:
        fn()
    except ClientError as e:
        return e.response["Error"]["Code"]
    return None


def mfa(emu):
    sts = client(emu, "sts", aws_access_key_id=cl.ALICE_AKID,
                 aws_secret_access_key=cl.ALICE_SECRET)

    def assume(**extra):
        return sts.assume_role(RoleArn=MFA_ROLE, RoleSessionName="mfa-session", **extra)
    check(code_of(assume) == "AccessDenied", "MFA role assumed without a code")
    wrong = "%06d" % ((int(fed.totp(MFA_SECRET, time.time())) + 1) % 1000000)
    check(code_of(lambda: assume(SerialNumber=MFA_SERIAL, TokenCode=wrong)) == "AccessDenied",
          "MFA role assumed with a wrong code")
    out = assume(SerialNumber=MFA_SERIAL, TokenCode=fed.totp(MFA_SECRET, time.time()))
    check(out["Credentials"]["AccessKeyId"].startswith("ASIA"), "MFA: no credentials")


def web_identity(emu):
    sts = client(emu, "sts", signed=False)
    now = time.time()
    good = fed.make_jwt(JWT_KEY, {"iss": ISSUER, "sub": "system:serviceaccount:db:reader",
                                  "aud": "sts.amazonaws.com", "exp": now + 600})

    def assume(tok):
        return sts.assume_role_with_web_identity(RoleArn=WEB_ROLE, RoleSessionName="pod",
                                                 WebIdentityToken=tok)
    out = assume(good)
    check(out.get("SubjectFromWebIdentityToken") == "system:serviceaccount:db:reader",
          "web identity: subject %r" % out.get("SubjectFromWebIdentityToken"))
    akid = out["Credentials"]["AccessKeyId"]
    check(emu.credentials(akid).get("RoleArn") == WEB_ROLE, "web identity creds unknown to lookup")
    bad_sig = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    check(code_of(lambda: assume(bad_sig)) == "InvalidIdentityToken", "bad JWT signature accepted")
    old = fed.make_jwt(JWT_KEY, {"iss": ISSUER, "sub": "x", "aud": "sts.amazonaws.com",
                                 "exp": now - 5})
    check(code_of(lambda: assume(old)) == "ExpiredTokenException", "expired JWT accepted")
    other = fed.make_jwt("k", {"iss": "https://other.example", "sub": "x",
                               "aud": "sts.amazonaws.com", "exp": now + 600})
    check(code_of(lambda: assume(other)) == "InvalidIdentityToken", "unknown issuer accepted")


def sso(emu):
    emu.call("POST", "/_sandbox/sso/tokens", {
        "access_token": "access-1", "expires_at": time.time() + 600,
        "refresh_token": "refresh-1", "client_id": "cid", "client_secret": "csecret",
        "assignments": [{"account_id": SSO_ACCOUNT, "role_name": "DBA"}]})
    emu.call("POST", "/_sandbox/sso/tokens", {"access_token": "stale",
                                              "expires_at": time.time() - 1})
    portal = client(emu, "sso", signed=False)
    out = portal.get_role_credentials(roleName="DBA", accountId=SSO_ACCOUNT,
                                      accessToken="access-1")["roleCredentials"]
    check(out["expiration"] > time.time() * 1000, "SSO expiration is not in milliseconds")
    check(emu.credentials(out["accessKeyId"]).get("RdsDbConnect") ==
          ["arn:aws:rds-db:%s:%s:dbuser:*/sso_user" % (cl.REGION, SSO_ACCOUNT)],
          "SSO creds unknown to the lookup")
    check(code_of(lambda: portal.get_role_credentials(
        roleName="DBA", accountId=SSO_ACCOUNT, accessToken="stale")) == "UnauthorizedException",
        "an expired SSO access token was accepted")
    check(code_of(lambda: portal.get_role_credentials(
        roleName="Admin", accountId=SSO_ACCOUNT, accessToken="access-1")) == "ForbiddenException",
        "a role without an assignment was given")
    oidc = client(emu, "sso-oidc", signed=False)
    tok = oidc.create_token(clientId="cid", clientSecret="csecret", grantType="refresh_token",
                            refreshToken="refresh-1")
    check(tok["accessToken"] and tok["refreshToken"] != "refresh-1", "refresh did not rotate")
    check(code_of(lambda: oidc.create_token(clientId="cid", clientSecret="csecret",
                                            grantType="refresh_token",
                                            refreshToken="refresh-1")) == "InvalidGrantException",
          "a used refresh token worked twice")
    out = portal.get_role_credentials(roleName="DBA", accountId=SSO_ACCOUNT,
                                      accessToken=tok["accessToken"])
    check("roleCredentials" in out, "the refreshed access token does not work")
    emu.call("POST", "/_sandbox/sso/revoke", {"token": tok["accessToken"]})
    check(code_of(lambda: portal.get_role_credentials(
        roleName="DBA", accountId=SSO_ACCOUNT, accessToken=tok["accessToken"])) ==
        "UnauthorizedException", "a revoked access token still works")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        emu = cl.Emulator(tmp, config())
        try:
            for part in (mfa, web_identity, sso):
                try:
                    part(emu)
                except Exception as e:  # one part's crash must not hide the others
                    failures.append("%s: %s: %s" % (part.__name__, type(e).__name__, e))
            with open(emu.log_path) as f:
                log = f.read()
            for secret in (MFA_SECRET, JWT_KEY, "csecret", "access-1", "refresh-1"):
                check(secret not in log, "the log holds a secret (%s...)" % secret[:4])
        finally:
            emu.proc.terminate()
            emu.proc.wait()
    for f in failures:
        print("FAIL", f)
    if failures:
        sys.exit(1)
    print("ok: MFA, web identity, SSO portal and OIDC answer as botocore expects")


main()
