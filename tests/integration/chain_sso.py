"""chain_sso.py - IAM Identity Center (SSO) as the source for a profile's AssumeRole,
against the sandbox's SSO portal and OIDC emulators: the AWS config has an sso_session
profile (and a legacy one); the access token sits in ~/.aws/sso/cache/SHA1.json exactly
as `aws sso login` writes it. Checked:
- a valid token: whoami names the SSO start URL, account and role; `sql` logs in with a
  token the sandbox's botocore verifier accepts;
- a token near its end is refreshed through OIDC CreateToken: the cache file is rewritten
  (mode 0600, the keys pgiam does not use kept, the rotated refresh token stored) and the
  emulator counted one CreateToken;
- revoked (401): one line with `aws sso login --sso-session NAME`; no access (403) names
  the account and role; a missing cache file and a malformed one: one line each;
- the legacy form (sso_start_url in the profile, cache named by the start URL's SHA-1)
  with an expired token: `aws sso login --profile NAME`;
- no token, refresh token or client secret ever reaches the output.
Skipped (77) without PGIAM_SANDBOX_ENV."""
import hashlib
import json
import os
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request

import fedlib

BIN = os.environ["PGIAM_BIN"]
START_URL = "https://sandbox-corp.awsapps.example/start"
failures = []




def control(env, path, body):
    req = urllib.request.Request(env["PGIAM_SANDBOX_STS_URL"].rstrip("/") + path,
                                 data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return json.loads(e.read() or b"null")


def stats(env):
    with urllib.request.urlopen(env["PGIAM_SANDBOX_STS_URL"].rstrip("/") + "/_sandbox/stats",
                                timeout=10) as r:
        return json.loads(r.read())


def iso(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def check(cond, what, out=""):
    if not cond:
        failures.append("%s\n%s" % (what, out))


def run(env, *args):
    r = subprocess.run([BIN, *args, "--profile", "sandbox-ro", "--profiles",
                        env["PGIAM_SANDBOX_PROFILES"]], env=env, capture_output=True,
                       text=True, timeout=60)
    return r.returncode, r.stdout + r.stderr


def main():
    env = fedlib.sandbox_env()
    account, role = env["PGIAM_SANDBOX_ACCOUNT"], env["PGIAM_SANDBOX_SSO_ROLE_NAME"]
    secrets_seen = []
    with tempfile.TemporaryDirectory() as home:
        cache_dir = os.path.join(home, ".aws", "sso", "cache")
        os.makedirs(cache_dir, mode=0o700)
        config = os.path.join(home, ".aws", "config")
        with open(config, "w") as f:
            f.write("[profile corp]\nsso_session = corp\nsso_account_id = %s\n"
                    "sso_role_name = %s\nregion = %s\n\n"
                    "[sso-session corp]\nsso_start_url = %s\nsso_region = %s\n"
                    "sso_registration_scopes = sso:account:access\n\n"
                    "[profile legacy]\nsso_start_url = %s/legacy\nsso_region = %s\n"
                    "sso_account_id = %s\nsso_role_name = %s\n\n"
                    "[profile noaccess]\nsso_session = corp\nsso_account_id = %s\n"
                    "sso_role_name = Admin\n"
                    % (account, role, env["PGIAM_SANDBOX_REGION"], START_URL,
                       env["PGIAM_SANDBOX_REGION"], START_URL, env["PGIAM_SANDBOX_REGION"],
                       account, role, account))
        env.update(HOME=home, AWS_CONFIG_FILE=config,
                   AWS_SHARED_CREDENTIALS_FILE=os.path.join(home, "none"),
                   AWS_PROFILE="corp",
                   AWS_ENDPOINT_URL_SSO=env["PGIAM_SANDBOX_STS_URL"],
                   AWS_ENDPOINT_URL_SSO_OIDC=env["PGIAM_SANDBOX_STS_URL"])
        corp_cache = os.path.join(cache_dir, hashlib.sha1(b"corp").hexdigest() + ".json")

        def login(access, refresh=None, expires_in=3600, path=corp_cache, extra=None):
            secrets_seen.extend([access, refresh or "", "clientSecretValue"])
            control(env, "/_sandbox/sso/tokens", {
                "access_token": access, "expires_at": time.time() + expires_in,
                "refresh_token": refresh, "client_id": "clientIdValue",
                "client_secret": "clientSecretValue",
                "assignments": [{"account_id": account, "role_name": role}]})
            doc = {"startUrl": START_URL, "region": env["PGIAM_SANDBOX_REGION"],
                   "accessToken": access, "expiresAt": iso(time.time() + expires_in)}
            if refresh:
                doc.update(refreshToken=refresh, clientId="clientIdValue",
                           clientSecret="clientSecretValue",
                           registrationExpiresAt=iso(time.time() + 86400))
            doc.update(extra or {})
            with open(path, "w") as f:
                json.dump(doc, f)
            os.chmod(path, 0o600)

        tag = str(int(time.time() * 1000))
        login("access-ok-" + tag, "refresh-ok-" + tag)
        rc, out = run(env, "whoami")
        check(rc == 0 and "SSO %s account %s role %s" % (START_URL, account, role) in out,
              "whoami does not name the SSO source", out)
        rc, out = run(env, "sql", "-c", "select current_user as who")
        check(rc == 0 and "iam_ro_user" in out, "no login from SSO credentials", out)
        outputs = [out]

        # near its end: refreshed through OIDC, the cache rewritten
        before = stats(env).get("actions", {}).get("CreateToken", 0)
        login("access-old-" + tag, "refresh-old-" + tag, expires_in=120,
              extra={"customKey": "kept"})
        rc, out = run(env, "whoami")
        outputs.append(out)
        check(rc == 0 and "SSO " in out, "a token near its end was not refreshed", out)
        with open(corp_cache) as f:
            doc = json.load(f)
        check(doc.get("accessToken") != "access-old-" + tag and
              doc.get("refreshToken") not in (None, "refresh-old-" + tag) and
              doc.get("customKey") == "kept" and doc.get("clientId") == "clientIdValue",
              "the cache was not rewritten with the new tokens and the other keys", str(doc))
        check(stat.S_IMODE(os.stat(corp_cache).st_mode) == 0o600, "the cache is not 0600")
        after = stats(env).get("actions", {}).get("CreateToken", 0)
        check(after == before + 1,
              "not one CreateToken: %r -> %r" % (before, after))
        secrets_seen.extend([doc.get("accessToken", ""), doc.get("refreshToken", "")])

        # revoked: 401, says what to run
        control(env, "/_sandbox/sso/revoke", {"token": doc["accessToken"]})
        rc, out = run(env, "whoami")
        outputs.append(out)
        check(rc != 0 and "aws sso login --sso-session corp" in out and
              len(out.strip().splitlines()) == 1, "a revoked token is not one line with the fix",
              out)

        # no access to the role: 403 names the account and role
        login("access-na-" + tag)
        env2 = dict(env, AWS_PROFILE="noaccess")
        rc, out = run(env2, "whoami")
        outputs.append(out)
        check(rc != 0 and "no access to role Admin in account %s" % account in out,
              "a role without access is not named", out)

        # malformed and missing cache files
        with open(corp_cache, "w") as f:
            f.write("{not json")
        rc, out = run(env, "whoami")
        check(rc != 0 and "not a JSON object" in out, "a malformed cache is not said so", out)
        os.unlink(corp_cache)
        rc, out = run(env, "whoami")
        check(rc != 0 and "no cached SSO login" in out and "aws sso login --sso-session corp"
              in out, "a missing cache is not said so", out)

        # the legacy form: the cache is named by the start URL; expired, no refresh
        legacy = os.path.join(cache_dir, hashlib.sha1((START_URL + "/legacy").encode())
                              .hexdigest() + ".json")
        login("access-legacy-" + tag, None, expires_in=-60, path=legacy)
        rc, out = run(dict(env, AWS_PROFILE="legacy"), "whoami")
        outputs.append(out)
        check(rc != 0 and "has expired" in out and "aws sso login --profile legacy" in out,
              "an expired legacy token does not say what to run", out)

        for text in outputs:
            for s in secrets_seen:
                if s and s in text:
                    failures.append("a secret reached the output: %s..." % s[:8])
    for f in failures:
        print("FAIL", f)
    if failures:
        sys.exit(1)
    print("ok: SSO (sso_session and legacy), refresh, and its failures")


main()
