#!/usr/bin/python3
"""explore_cli.py - command-line rough edges found by using pgiam as a DBA would:
the terminal UI's --profiles/--profile written before a command
(`pgiam --profiles DIR profiles`) run the command instead of calling the command
name an unknown option."""
import os
import subprocess
import sys
import tempfile

BIN = os.environ["PGIAM_BIN"]
failures = []


def check(cond, what, out=""):
    if not cond:
        failures.append(what)
        print("FAIL: " + what + ("\n--- output ---\n" + out if out else ""), file=sys.stderr)


def run(args):
    env = dict(os.environ)
    env.pop("PGIAM_PROFILES", None)
    p = subprocess.run([BIN] + args, capture_output=True, text=True, env=env, timeout=30)
    return p.returncode, p.stdout, p.stderr


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
    if failures:
        sys.exit(1)
    print("ok")


main()
