"""chain_web_identity.py - web identity (EKS IRSA, GitHub OIDC) as the source for a
profile's AssumeRole, against the sandbox: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN
(+ AWS_ROLE_SESSION_NAME) point at an HS256 JWT the sandbox's OIDC issuer signed; pgiam
exchanges it with STS AssumeRoleWithWebIdentity (unsigned), assumes the profile's role
from it, and logs in with a token the sandbox's botocore verifier accepts. The token file
is read again at every resolve: after it rotates (a new subject), the next run shows the
new subject. An expired JWT, a file that is missing or empty, and a role ARN that is
missing each give one line, and no JWT reaches the output. Skipped (77) without
PGIAM_SANDBOX_ENV."""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ["PGIAM_SOURCE_ROOT"], "tests", "sandbox"))
import sts_federation as fed  # noqa: E402

import fedlib

BIN = os.environ["PGIAM_BIN"]
failures = []




def jwt(env, sub, exp_in=600):
    return fed.make_jwt(env["PGIAM_SANDBOX_OIDC_KEY"], {
        "iss": env["PGIAM_SANDBOX_OIDC_ISSUER"], "sub": sub, "aud": "sts.amazonaws.com",
        "exp": int(time.time()) + exp_in})


def run(env, *args):
    r = subprocess.run([BIN, *args, "--profile", "sandbox-ro", "--profiles",
                        env["PGIAM_SANDBOX_PROFILES"]], env=env, capture_output=True,
                       text=True, timeout=60)
    return r.returncode, r.stdout + r.stderr


def check(cond, what, out=""):
    if not cond:
        failures.append("%s\n%s" % (what, out))


def main():
    env = fedlib.sandbox_env()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "token")
        tokens = []

        def write(tok):
            tokens.append(tok)
            with open(path, "w") as f:
                f.write(tok + "\n")
        env.update(AWS_WEB_IDENTITY_TOKEN_FILE=path,
                   AWS_ROLE_ARN=env["PGIAM_SANDBOX_WEB_ROLE_ARN"],
                   AWS_ROLE_SESSION_NAME="reader-pod-1")
        write(jwt(env, "system:serviceaccount:db:reader"))
        rc, out = run(env, "whoami")
        check(rc == 0 and "web identity system:serviceaccount:db:reader" in out and
              "assumed-role/sandbox-pod-role/reader-pod-1" in out,
              "whoami does not show the web identity as the source", out)
        with open(env["PGIAM_SANDBOX_VERIFIER_LOG"]) as f:
            accepted = f.read().count(" ACCEPT ")
        rc, out = run(env, "sql", "-c", "select current_user as who")
        events = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        check(rc == 0 and any("iam_ro_user" in json.dumps(e) for e in events),
              "no login with a token signed from web identity credentials", out)
        with open(env["PGIAM_SANDBOX_VERIFIER_LOG"]) as f:
            check(f.read().count(" ACCEPT ") > accepted, "the verifier logged no accepted token")

        # the platform rotates the file: the next resolve reads the new one
        write(jwt(env, "system:serviceaccount:db:rotated"))
        rc, out = run(env, "whoami")
        check(rc == 0 and "web identity system:serviceaccount:db:rotated" in out,
              "the rotated token file was not read again", out)

        write(jwt(env, "system:serviceaccount:db:old", exp_in=-10))
        rc, out = run(env, "whoami")
        check(rc != 0 and "Token expired" in out and len(out.strip().splitlines()) == 1,
              "an expired JWT does not give one line naming it", out)

        write("")
        rc, out = run(env, "whoami")
        check(rc != 0 and "is empty" in out, "an empty token file is not said so", out)
        os.unlink(path)
        rc, out = run(env, "whoami")
        check(rc != 0 and "cannot read it" in out, "a missing token file is not said so", out)

        write(jwt(env, "x"))
        e2 = dict(env)
        del e2["AWS_ROLE_ARN"]
        rc, out = run(e2, "whoami")
        check(rc != 0 and "AWS_ROLE_ARN" in out, "a missing role ARN is not said so", out)
        for name, text in (("outputs", out),):
            for tok in tokens:
                if tok and tok.split(".")[2] in text:
                    failures.append("a JWT reached the %s" % name)
    for f in failures:
        print("FAIL", f)
    if failures:
        sys.exit(1)
    print("ok: web identity as the source, rotated, and its failures")


main()
