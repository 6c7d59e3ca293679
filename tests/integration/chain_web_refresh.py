"""chain_web_refresh.py - web identity's token file is read again at every refresh inside
ONE process (issue 14: "the token file re-read at every refresh (it rotates)"; its test:
"a signed JWT in a file, rotated between two refreshes"). chain_web_identity.py sees a
rotation across two pgiam runs; here one pgiam_auth (tests/integration/auth_harness.c,
the core's API) keeps its credentials and refreshes them, against the sandbox's STS
emulator and OIDC issuer (loopback only):

- no role (the web identity credentials sign themselves): `get 0` resolves subject A;
  the file rotates to B and `get 0` still has A's credentials (cached: no STS call);
  `get 3400` (the clock 3400 s on: inside the 5-minute refresh margin) refreshes and
  shows B, and the emulator's record of the new key says it was issued to B; the file
  rotates to C and the next refresh shows C. Two refreshes, the file rotated between.
- with the sandbox's role on top (web identity as the source of an AssumeRole):
  `refresh` after a rotation assumes the role from credentials of the new subject.

No JWT reaches the output. Skipped (77) without PGIAM_SANDBOX_ENV."""
import json
import os
import re
import subprocess
import tempfile
import time

import fedlib

HARNESS = os.path.join(os.environ["PGIAM_BUILD_ROOT"], "tests", "auth_harness")
failures = []


def check(cond, what, out=""):
    if not cond:
        failures.append("%s\n%s" % (what, out))


def jwt(env, sub):
    return fedlib.make_jwt(env["PGIAM_SANDBOX_OIDC_KEY"], {
        "iss": env["PGIAM_SANDBOX_OIDC_ISSUER"], "sub": sub, "aud": "sts.amazonaws.com",
        "exp": int(time.time()) + 600})


def src(answer):
    """The subject in the answer's source ("web identity SUB as arn:…"), or None."""
    m = re.match(r"web identity system:serviceaccount:db:(\S+) as arn:aws:sts::\d+:assumed-role/",
                 answer.get("source", ""))
    return m.group(1) if m else None


def lookup(env, akid):
    """The emulator's record of an issued key (control API, loopback)."""
    import urllib.request
    with urllib.request.urlopen(env["PGIAM_SANDBOX_STS_URL"] + "/_sandbox/credentials/" + akid,
                                timeout=10) as r:
        return json.loads(r.read().decode())


class Harness:
    def __init__(self, env, role, external_id):
        self.p = subprocess.Popen([HARNESS, env["PGIAM_SANDBOX_REGION"], role, external_id,
                                   env["PGIAM_SANDBOX_STS_URL"], "3600"], env=env, text=True,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.lines = []

    def cmd(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        out = self.p.stdout.readline()
        self.lines.append(out)
        if not out:
            raise SystemExit("FAIL auth_harness ended at %r" % line)
        return json.loads(out)

    def close(self):
        self.p.stdin.write("quit\n")
        self.p.stdin.close()
        rest = self.p.stdout.read()
        self.lines.append(rest)
        self.p.wait(timeout=30)
        return self.p.returncode


def main():
    env = fedlib.sandbox_env()
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        env.pop(k, None)
    tokens = []
    with open(os.path.join(env["PGIAM_SANDBOX_PROFILES"], "sandbox-ro.ini")) as f:
        ini = f.read()
    role = re.search(r"(?m)^role_arn = (.*)$", ini).group(1)
    external_id = re.search(r"(?m)^external_id = (.*)$", ini).group(1)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "token")

        def rotate(sub):
            tok = jwt(env, sub)
            tokens.append(tok)
            # as kubelet does: a new file renamed over the old one
            with open(path + ".new", "w") as f:
                f.write(tok + "\n")
            os.rename(path + ".new", path)
        env.update(AWS_WEB_IDENTITY_TOKEN_FILE=path, AWS_ROLE_ARN=env["PGIAM_SANDBOX_WEB_ROLE_ARN"],
                   AWS_ROLE_SESSION_NAME="refresh-pod-%d" % os.getpid())

        # --- no role: the web identity credentials themselves are refreshed
        h = Harness(env, "", "")
        rotate("system:serviceaccount:db:first")
        a = h.cmd("get 0")
        check(a["ok"] and src(a) == "first",
              "the first resolve does not come from the web identity", a)
        rotate("system:serviceaccount:db:second")
        b = h.cmd("get 0")
        check(b["ok"] and b.get("akid") == a.get("akid") and src(b) == "first",
              "fresh credentials were not reused (the cache is what a refresh replaces)", b)
        c = h.cmd("get 3400")
        check(c["ok"] and c.get("akid") != a.get("akid") and
              src(c) == "second",
              "the refresh did not read the rotated token file", c)
        if c.get("akid"):
            rec = lookup(env, c["akid"])
            check(rec.get("SourceArn") == "web identity system:serviceaccount:db:second",
                  "the emulator did not issue the refreshed key to the new subject", rec)
        rotate("system:serviceaccount:db:third")
        e = h.cmd("get 3400")
        check(e["ok"] and e.get("akid") not in (a.get("akid"), c.get("akid")) and
              src(e) == "third",
              "the second refresh did not read the file rotated again", e)
        check(h.close() == 0, "auth_harness failed", "".join(h.lines))
        out = "".join(h.lines)

        # --- web identity as the source of the profile's AssumeRole
        h = Harness(env, role, external_id)
        rotate("system:serviceaccount:db:role-first")
        a = h.cmd("get 0")
        check(a["ok"] and src(a) == "role-first" and
              a["assume_count"] == 1, "the role was not assumed from the web identity", a)
        rotate("system:serviceaccount:db:role-second")
        b = h.cmd("refresh")
        check(b["ok"] and src(b) == "role-second" and
              b["assume_count"] == 2, "the role's refresh did not read the rotated file", b)
        check(h.close() == 0, "auth_harness failed", "".join(h.lines))
        out += "".join(h.lines)
        for tok in tokens:
            if tok.split(".")[2] in out or tok.split(".")[1] in out:
                failures.append("a JWT reached the harness's output")
    for f in failures:
        print("FAIL", f)
    if failures:
        raise SystemExit(1)
    print("ok: one process refreshed web identity credentials twice, the token file rotated "
          "between; and a role's refresh read the rotated file")


main()
