"""token_botocore.py - cross-checks `pgiam token` against botocore's
generate_db_auth_token on 600 random inputs at the same fixed timestamp.

botocore here is Debian's python3-botocore. When awscrt is installed botocore signs
through the CRT (aws-c-auth); this test checks against botocore's own Python signer
(BOTO_DISABLE_CRT=true) and, when awscrt is importable, against the CRT signer too, in
a second interpreter. Tokens are compared as URLs: same host:port, same path, same
parameter multiset (decoded), same signature.
"""
import json
import os
import random
import subprocess
import sys
import urllib.parse

N = int(os.environ.get("PGIAM_BOTOCORE_CASES", "600"))
BIN = os.environ["PGIAM_BIN"]


def botocore_tokens(cases, disable_crt):
    """Runs botocore in a child interpreter (the CRT switch is read at import time)."""
    code = r'''
import datetime, json, sys
import botocore.auth, botocore.session
try:
    import botocore.crt.auth as crt_auth
except Exception:
    crt_auth = None
cases = json.load(sys.stdin)
from botocore.credentials import Credentials
from botocore.signers import RequestSigner, generate_db_auth_token
real = datetime.datetime
session = botocore.session.get_session()
clients = {}
class Signer:
    """What generate_db_auth_token needs of a client: a request signer and a region."""
    def __init__(self, client, creds):
        self.meta = client.meta
        self._request_signer = RequestSigner(client.meta.service_model.service_id,
            client.meta.region_name, "rds-db", "v4", creds, client.meta.events)
out = []
for c in cases:
    class Frozen(real):
        @classmethod
        def utcnow(cls, _t=c["time"]):
            return real.utcfromtimestamp(_t)
    botocore.auth.datetime.datetime = Frozen
    if crt_auth is not None:
        crt_auth.datetime.datetime = Frozen
    if c["region"] not in clients:
        clients[c["region"]] = session.create_client("rds", region_name=c["region"],
            aws_access_key_id="unused", aws_secret_access_key="unused")
    creds = Credentials(c["akid"], c["secret"], c["token"] or None)
    out.append(generate_db_auth_token(Signer(clients[c["region"]], creds),
        c["host"], c["port"], c["user"], c["region"]))
    botocore.auth.datetime.datetime = real
json.dump({"crt": botocore.auth.HAS_CRT, "tokens": out}, sys.stdout)
'''
    env = dict(os.environ, BOTO_DISABLE_CRT="true" if disable_crt else "false")
    env.pop("AWS_PROFILE", None)
    r = subprocess.run(["/usr/bin/python3", "-c", code], input=json.dumps(cases),
                       capture_output=True, text=True, env=env, timeout=600)
    if r.returncode:
        sys.exit(f"botocore failed: {r.stderr.strip()[-2000:]}")
    return json.loads(r.stdout)


def pgiam_token(c):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=c["akid"], AWS_SECRET_ACCESS_KEY=c["secret"],
               PGIAM_TEST_TIME=str(c["time"]))
    if c["token"]:
        env["AWS_SESSION_TOKEN"] = c["token"]
    r = subprocess.run([BIN, "token", "--hostname", c["host"], "--port", str(c["port"]),
                        "--username", c["user"], "--region", c["region"]],
                       capture_output=True, text=True, env=env, timeout=60)
    if r.returncode or r.stderr:
        sys.exit(f"pgiam token failed for {c!r}: rc={r.returncode} {r.stderr.strip()}")
    assert r.stdout.endswith("\n") and r.stdout.count("\n") == 1, r.stdout
    return r.stdout[:-1]


def as_url(token):
    u = urllib.parse.urlsplit("https://" + token)
    params = sorted(urllib.parse.parse_qsl(u.query, keep_blank_values=True, strict_parsing=True))
    return (u.netloc, u.path, params)


def random_cases(rng, n):
    regions = ["us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2", "us-gov-west-1",
               "cn-north-1", "sa-east-1", "il-central-1"]
    user_chars = "abcxyzABCXYZ0189_-.@ +=/&%~é日ß"
    tok_chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+="
    cases = []
    for i in range(n):
        labels = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789-")
                          for _ in range(rng.randint(1, 20))).strip("-") or "x"
                  for _ in range(rng.randint(2, 5))]
        host = ".".join(labels) + rng.choice([".rds.amazonaws.com", ".example.com", ""])
        host = "".join(ch.upper() if rng.random() < 0.3 else ch for ch in host)
        port = rng.choice([443, 5432, 3306, 1, 65535, rng.randint(1, 65535)])
        user = "".join(rng.choice(user_chars) for _ in range(rng.randint(1, 20)))
        token = None
        if rng.random() < 0.5:
            token = "".join(rng.choice(tok_chars) for _ in range(rng.randint(16, 900)))
        cases.append({
            "host": host, "port": port, "user": user, "region": rng.choice(regions),
            "akid": "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16)),
            "secret": "".join(rng.choice(tok_chars) for _ in range(40)),
            "token": token,
            "time": rng.randint(1_400_000_000, 2_000_000_000),
        })
    # edges that must be in every run
    cases[0].update(host="Prod-Instance.US-EAST-1.rds.amazonaws.com", port=443, user="user@example.com")
    cases[1].update(port=443, user="a b", token="tok/with+slash=")
    cases[2].update(user="日本語 ユーザー", token=None)
    return cases


def main():
    seed = int(os.environ.get("PGIAM_TEST_SEED", "20161107"))
    rng = random.Random(seed)
    cases = random_cases(rng, N)
    ours = [pgiam_token(c) for c in cases]

    checks = [("botocore (python signer)", True)]
    try:
        import awscrt  # noqa: F401  (only to know whether the CRT signer exists)
        checks.append(("botocore (CRT signer)", False))
    except ImportError:
        pass
    for label, disable_crt in checks:
        result = botocore_tokens(cases, disable_crt)
        if not disable_crt and not result["crt"]:
            print(f"{label}: botocore did not enable the CRT; skipped")
            continue
        mismatches = 0
        for c, mine, theirs in zip(cases, ours, result["tokens"]):
            if as_url(mine) != as_url(theirs):
                mismatches += 1
                if mismatches <= 3:
                    print(f"MISMATCH with {label} for {json.dumps({k: c[k] for k in ('host', 'port', 'user', 'region', 'time')}, ensure_ascii=False)}\n"
                          f"  pgiam:    {mine}\n  botocore: {theirs}")
        if mismatches:
            sys.exit(f"{mismatches} of {len(cases)} tokens differ from {label} (seed {seed})")
        print(f"{len(cases)} tokens equal to {label} (seed {seed})")
    with_token = sum(1 for c in cases if c["token"])
    print(f"cases: {len(cases)}, with session token: {with_token}, port 443: "
          f"{sum(1 for c in cases if c['port'] == 443)}")


if __name__ == "__main__":
    main()
