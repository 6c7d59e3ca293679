"""cred_cache.py - assumed-role sessions cached on disk, against the sandbox: a second
`pgiam token --profile` within the session's life makes no STS request (the emulator's
AssumeRole counter), whoami says the session is cached, the directory is 0700 and the
file 0600 and neither holds the long-term source key; a role that needs MFA asks once,
then runs from the cache with no code; a damaged cache file is ignored (the role is
assumed again); `cache_credentials = false` caches nothing; `pgiam logout --profile`
deletes the profile's sessions and `pgiam logout` all of them. Runs alone: it counts the
shared emulator's AssumeRole calls. Skipped (77) without PGIAM_SANDBOX_ENV."""
import glob
import json
import os
import re
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request

import fedlib

BIN = os.environ["PGIAM_BIN"]
failures = []




def assume_count(env):
    with urllib.request.urlopen(env["PGIAM_SANDBOX_STS_URL"].rstrip("/") + "/_sandbox/stats",
                                timeout=10) as r:
        return json.loads(r.read()).get("actions", {}).get("AssumeRole", 0)




def check(cond, what, out=""):
    if not cond:
        failures.append("%s\n%s" % (what, out))


def run(env, profiles, profile, *args):
    r = subprocess.run([BIN, *args, "--profile", profile, "--profiles", profiles], env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout + r.stderr


def main():
    env = fedlib.sandbox_env()
    env.pop("PGIAM_NO_CREDENTIAL_CACHE", None)  # this test is about the cache
    with tempfile.TemporaryDirectory() as d:
        cache = os.path.join(d, "xdg-cache")
        env["XDG_CACHE_HOME"] = cache
        profiles = os.path.join(d, "profiles")
        os.mkdir(profiles)
        with open(os.path.join(env["PGIAM_SANDBOX_PROFILES"], "sandbox-ro.ini")) as f:
            base = f.read()
        with open(os.path.join(profiles, "ro.ini"), "w") as f:
            f.write(base)
        with open(os.path.join(profiles, "nocache.ini"), "w") as f:
            f.write(base + "cache_credentials = false\n")
        mfa = re.sub(r"(?m)^role_arn = .*$", "role_arn = " + env["PGIAM_SANDBOX_MFA_ROLE_ARN"], base)
        mfa = re.sub(r"(?m)^external_id = .*\n", "", mfa)
        with open(os.path.join(profiles, "mfa.ini"), "w") as f:
            f.write(mfa + "mfa_serial = %s\n" % env["PGIAM_SANDBOX_MFA_SERIAL"])

        n0 = assume_count(env)
        rc, out = run(env, profiles, "ro", "token")
        check(rc == 0, "the first token failed", out)
        n1 = assume_count(env)
        rc, out = run(env, profiles, "ro", "token")
        n2 = assume_count(env)
        check(rc == 0 and n1 == n0 + 1 and n2 == n1,
              "the second token assumed again (AssumeRole %d -> %d -> %d)" % (n0, n1, n2), out)
        rc, out = run(env, profiles, "ro", "whoami")
        check(rc == 0 and re.search(r"(?m)^cached: +yes", out), "whoami does not say cached", out)

        pdir = os.path.join(cache, "pgiam")
        files = glob.glob(os.path.join(pdir, "*.json"))
        check(len(files) == 1, "not one cache file: %r" % files)
        check(stat.S_IMODE(os.stat(pdir).st_mode) == 0o700, "the cache directory is not 0700")
        for p in files:
            check(stat.S_IMODE(os.stat(p).st_mode) == 0o600, "a cache file is not 0600")
            with open(os.path.join(env["AWS_SHARED_CREDENTIALS_FILE"])) as f:
                long_term = re.findall(r"(?m)^aws_(?:access_key_id|secret_access_key) = (\S+)", f.read())
            with open(p) as f:
                text = f.read()
            for k in long_term:
                check(k not in text, "a long-term key is in the cache")

        # damaged: ignored, assumed again, replaced
        with open(files[0], "w") as f:
            f.write("{not json")
        n3 = assume_count(env)
        rc, out = run(env, profiles, "ro", "token")
        check(rc == 0 and assume_count(env) == n3 + 1, "a damaged cache file was not ignored", out)

        # cache_credentials = false: nothing written, every run assumes
        before = set(glob.glob(os.path.join(pdir, "*.json")))
        n4 = assume_count(env)
        run(env, profiles, "nocache", "token")
        run(env, profiles, "nocache", "token")
        check(assume_count(env) == n4 + 2 and set(glob.glob(os.path.join(pdir, "*.json"))) == before,
              "cache_credentials = false still cached")

        # MFA: asked once, then the cache
        while int(time.time()) % 30 > 25:
            time.sleep(0.5)
        code = fedlib.totp(env["PGIAM_SANDBOX_MFA_SECRET"], time.time())
        rc, out = run(dict(env, PGIAM_MFA_CODE=code), profiles, "mfa", "token")
        check(rc == 0, "the MFA role with a code failed", out)
        rc, out = run(env, profiles, "mfa", "token")
        check(rc == 0, "the cached MFA session still asked for a code", out)

        rc, out = run(env, profiles, "ro", "logout")
        check(rc == 0 and "removed 1 cached session of profile ro" in out, "logout --profile", out)
        n5 = assume_count(env)
        run(env, profiles, "ro", "token")
        check(assume_count(env) == n5 + 1, "after logout the role was not assumed again")
        r = subprocess.run([BIN, "logout"], env=env, capture_output=True, text=True, timeout=30)
        check(r.returncode == 0 and "removed 2 cached sessions" in r.stdout, "logout (all)",
              r.stdout + r.stderr)
        check(not glob.glob(os.path.join(pdir, "*.json")), "logout left files")
    for f in failures:
        print("FAIL", f)
    if failures:
        sys.exit(1)
    print("ok: the session cache: reuse, modes, MFA once, damage, opt-out, logout")


main()
