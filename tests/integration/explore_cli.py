#!/usr/bin/python3
"""explore_cli.py - command-line rough edges found by using pgiam as a DBA would:
the terminal UI's --profiles/--profile written before a command
(`pgiam --profiles DIR profiles`) run the command instead of calling the command
name an unknown option; the usual TLS failures of `pgiam check` (a missing CA
bundle, a bundle without the RDS CA, a name that does not match the certificate) say
what to change (with the sandbox up)."""
import os
import re
import subprocess
import sys
import tempfile

BIN = os.environ["PGIAM_BIN"]
failures = []


def check(cond, what, out=""):
    if not cond:
        failures.append(what)
        print("FAIL: " + what + ("\n--- output ---\n" + out if out else ""), file=sys.stderr)


def run(args, extra=None):
    env = dict(os.environ)
    env.pop("PGIAM_PROFILES", None)
    env.update(extra or {})
    p = subprocess.run([BIN] + args, capture_output=True, text=True, env=env, timeout=30)
    return p.returncode, p.stdout, p.stderr


def sandbox_vars():
    """The K=V pairs of the sandbox's env file (export K='V' lines)."""
    values = {}
    with open(os.environ["PGIAM_SANDBOX_ENV"]) as f:
        for line in f:
            m = re.match(r"export (\w+)='(.*)'$", line.strip())
            if m:
                values[m.group(1)] = m.group(2)
    return values


def sandbox_profile(name):
    """The text of a sandbox profile, or None when the sandbox is not up."""
    path = os.environ.get("PGIAM_SANDBOX_ENV")
    if not path or not os.path.exists(path):
        return None
    with open(os.path.join(os.path.dirname(path), "profiles", name + ".ini")) as f:
        return f.read()


def tls_fixes():
    """Each usual TLS failure of `pgiam check` says what to change, not only what failed."""
    base = sandbox_profile("sandbox-ro")
    if base is None:
        print("TLS part skipped: the sandbox is not up")
        return
    lines = base.splitlines()
    endpoint = next(l for l in lines if l.startswith("endpoint ="))
    port = endpoint.rsplit(":", 1)[1]
    cases = {
        "missing": ("ca_bundle", "ca_bundle = /nonexistent/pgiam-ca.pem",
                    "fix: set ca_bundle in the profile"),
        "other": ("ca_bundle", "ca_bundle = /etc/ssl/certs/ca-certificates.crt",
                  "fix: the CA bundle does not hold the CA"),
        "name": ("connect_host", "endpoint = localhost:" + port,
                 "keep endpoint and set connect_host"),
    }
    with tempfile.TemporaryDirectory(prefix="pgiam-explore-") as d:
        for name, (key, line, want) in cases.items():
            out = [l for l in lines if not l.startswith(key + " =")]
            if key == "connect_host":
                out = [l for l in out if not l.startswith("endpoint =")]
            out.append(line)
            with open(os.path.join(d, name + ".ini"), "w") as f:
                f.write("\n".join(out) + "\n")
            rc, o, err = run(["check", "--profiles", d, "--profile", name], sandbox_vars())
            # exit 10 + 5: step 5 (TLS) failed
            check(rc == 15 and want in err and "https://truststore" in err if key == "ca_bundle"
                  else rc == 15 and want in err, "TLS failure '%s' says the fix" % name, o + err)


def main():
    with tempfile.TemporaryDirectory(prefix="pgiam-explore-") as d:
        with open(os.path.join(d, "alpha.ini"), "w") as f:
            f.write("[profile]\nendpoint = db.abc123xyz.ap-northeast-1.rds.amazonaws.com:5432\n"
                    "database = sample_db\ndb_user = iam_ro_user\n"
                    "role_arn = arn:aws:iam::123456789012:role/demo-ro\nexternal_id = ext-1\n")
        rc, out, err = run(["--profiles", d, "profiles"])
        check(rc == 0 and "profiles in " + d in out and "alpha" in out,
              "--profiles DIR before the profiles command (rc %d)" % rc, out + err)
        rc, out, err = run(["--profiles=" + d, "profiles"])
        check(rc == 0 and "alpha" in out, "--profiles=DIR before the command", out + err)
        # --profile NAME before the command too; policy --offline needs no network.
        rc, out, err = run(["--profiles", d, "--profile", "alpha", "policy", "--offline"])
        check(rc == 0 and "rds-db:connect" in out, "--profile NAME before policy (rc %d)" % rc,
              out + err)
        # Still an error when the word is not a command.
        rc, out, err = run(["--profiles", d, "nonsense"])
        check(rc == 2 and "nonsense" in err, "a non-command after options is refused", out + err)
    # whoami and policy: bad flags get one line naming the command, like the others.
    for args, want in ((["whoami", "--bogus"], "pgiam: whoami: unknown option '--bogus'"),
                       (["whoami"], "pgiam: whoami: --profile NAME is required"),
                       (["whoami", "--profile"], "pgiam: whoami: --profile needs a value"),
                       (["policy", "--nope"], "pgiam: policy: unknown option '--nope'"),
                       (["policy", "--profile", "x", "extra"],
                        "pgiam: policy: unexpected argument 'extra'")):
        rc, out, err = run(args)
        check(rc == 2 and err.startswith(want) and err.count("\n") == 1,
              "%s: one line '%s' (rc %d)" % (" ".join(args), want, rc), out + err)
    tls_fixes()
    if failures:
        sys.exit(1)
    print("ok")


main()
