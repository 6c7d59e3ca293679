#!/usr/bin/python3
"""sandbox_rejects.py - the sandbox's verifier refuses each kind of bad token the
way RDS does (psql sees "PAM authentication failed"), and logs each refusal with
its own reason: another region, port, user or host, expired, dated in the future,
X-Amz-Expires over 900, a wrong signature, a swapped session token, an unknown or
expired access key, a role whose policy does not cover the user, a URL scheme."""
import datetime
import sys
import urllib.parse
import urllib.request

from sandbox_lib import (RW_ROLE, SANDBOX, VerifierLog, assume_role, check, psql, run,
                         token)

sys.path.insert(0, SANDBOX)
import verify_token  # noqa: E402  (botocore_token: botocore's signer at a chosen time)


def set_param(tok, key, value):
    hostport, query = tok.split("/?", 1)
    pairs = [(k, value if k == key else v) for k, v in urllib.parse.parse_qsl(query)]
    return hostport + "/?" + urllib.parse.urlencode(pairs, quote_via=urllib.parse.quote, safe="")


def main(env):
    host, port = env["PGIAM_SANDBOX_ENDPOINT_HOST"], int(env["PGIAM_SANDBOX_PG_PORT"])
    ro = assume_role(env)
    rw = assume_role(env, RW_ROLE, profile="sandbox-rw")
    other = assume_role(env)
    now = datetime.datetime.utcnow().replace(microsecond=0)
    good = token(ro, host, port, "iam_ro_user")
    sig = dict(urllib.parse.parse_qsl(good.split("/?", 1)[1]))["X-Amz-Signature"]
    bad_sig = sig[:-1] + ("0" if sig[-1] != "0" else "1")
    stranger = dict(ro, AccessKeyId="ASIA" + "Z" * 16)

    cases = [
        # (what, login user, token, expected reason code)
        ("another region", "iam_ro_user", token(ro, host, port, "iam_ro_user", region="us-east-1"), "region"),
        ("another port", "iam_ro_user", token(ro, host, port + 1, "iam_ro_user"), "port"),
        ("another host", "iam_ro_user", token(ro, "127.0.0.1", port, "iam_ro_user"), "host"),
        ("another user", "iam_ro_user", token(ro, host, port, "iam_rw_user"), "dbuser"),
        ("expired (signed 20 min ago)", "iam_ro_user",
         token(ro, host, port, "iam_ro_user", signed_at=now - datetime.timedelta(minutes=20)), "expired"),
        ("signed 10 min in the future", "iam_ro_user",
         token(ro, host, port, "iam_ro_user", signed_at=now + datetime.timedelta(minutes=10)), "future"),
        ("X-Amz-Expires 3600", "iam_ro_user",
         verify_token.botocore_token(host, port, "iam_ro_user", "ap-northeast-1", ro,
                                     now.strftime("%Y%m%dT%H%M%SZ"), 3600), "expires"),
        ("wrong signature", "iam_ro_user", set_param(good, "X-Amz-Signature", bad_sig), "signature"),
        ("another session's token", "iam_ro_user",
         set_param(good, "X-Amz-Security-Token", other["SessionToken"]), "session-token"),
        ("access key not issued", "iam_ro_user", token(stranger, host, port, "iam_ro_user"), "unknown-key"),
        ("policy lacks the user", "iam_ro_user", token(rw, host, port, "iam_ro_user"), "policy"),
        ("URL scheme", "iam_ro_user", "https://" + good, "scheme"),
    ]
    codes = set()
    for what, user, tok, code in cases:
        log = VerifierLog(env)
        r = psql(env, user, tok, "SELECT 1")
        check(r.returncode != 0 and "PAM authentication failed" in r.stderr,
              f"{what}: login refused with a PAM failure")
        line = log.find(user, "REJECT", code)
        check(line is not None, f"{what}: verifier logged REJECT {code} ({line})")
        check(line is None or tok not in line and ro["SecretAccessKey"] not in line
              and ro["SessionToken"] not in line, f"{what}: no secret in the log line")
        codes.add(code)
    check(len(codes) == len(cases), "every case has its own reason")

    # Credentials the emulator expired (control API): refused with its own reason.
    tok = token(other, host, port, "iam_ro_user")
    log = VerifierLog(env)
    check(psql(env, "iam_ro_user", tok, "SELECT 1").returncode == 0,
          "a fresh session's token works before its credentials expire")
    req = urllib.request.Request(
        f"{env['PGIAM_SANDBOX_STS_URL']}/_sandbox/expire/{other['AccessKeyId']}", data=b"",
        method="POST")
    with urllib.request.urlopen(req, timeout=5) as resp:
        check(resp.status == 200, "the emulator expired the credentials")
    r = psql(env, "iam_ro_user", token(other, host, port, "iam_ro_user"), "SELECT 1")
    check(r.returncode != 0 and log.find("iam_ro_user", "REJECT", "creds-expired"),
          "a token from expired credentials is refused (creds-expired)")

    # The real-sized session token went through whole: the accepted line's length.
    line = log.find("iam_ro_user", "ACCEPT", contains=f"(token {len(tok)} bytes)")
    check(line is not None,
          f"the accepted token arrived whole ({len(tok)} bytes)")


if __name__ == "__main__":
    run(main)
