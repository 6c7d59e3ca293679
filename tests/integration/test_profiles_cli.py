#!/usr/bin/python3
"""test_profiles_cli.py - `pgiam profiles` end to end with the real binary: listing,
every problem on its own indented line naming file and key, exit statuses, the
directory resolution order (--profiles, PGIAM_PROFILES, XDG_CONFIG_HOME, HOME), and
the example profiles shipped in profiles/ being free of errors."""
import os
import shutil
import subprocess
import sys
import tempfile

BIN = os.environ["PGIAM_BIN"]
ROOT = os.environ["PGIAM_SOURCE_ROOT"]
failures = []


def check(cond, what, out=""):
    if not cond:
        failures.append(what)
        print("FAIL: " + what + ("\n--- output ---\n" + out if out else ""), file=sys.stderr)


def run(args, env_extra=None, env_drop=()):
    env = dict(os.environ)
    for k in ("PGIAM_PROFILES", "XDG_CONFIG_HOME") + tuple(env_drop):
        env.pop(k, None)
    env.update(env_extra or {})
    p = subprocess.run([BIN] + args, capture_output=True, text=True, env=env, timeout=30)
    return p.returncode, p.stdout, p.stderr


def sandbox_env():
    """The K=V pairs of the file tests/sandbox/up writes (export K='V' lines)."""
    path = os.environ.get("PGIAM_SANDBOX_ENV")
    values = {}
    if not path or not os.path.exists(path):
        return values
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("export ") and "=" in line:
                k, v = line[len("export "):].split("=", 1)
                values[k] = v.strip("'\"")
    return values


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


GOOD = """[profile]
endpoint = mydb.abcdefghijkl.ap-northeast-1.rds.amazonaws.com:5432
database = sample_db
db_user = iam_ro_user
role_arn = arn:aws:iam::123456789012:role/path/sf-udf-rds-auth-role
external_id = Ab+cD/eF=gH==
read_only = yes
"""

BAD = """[profile]
endpoint = db.example.com
region = eu-west-1
database = d
db_user = u
role_arn = arn:aws:iam::123:role/r
colour = blue
"""


def main():
    tmp = tempfile.mkdtemp(prefix="pgiam-it-profiles-")
    try:
        d = os.path.join(tmp, "p")
        write(os.path.join(d, "good.ini"), GOOD)
        write(os.path.join(d, "bad.ini"), BAD)
        write(os.path.join(d, "broken.ini"), "[profile]\nno equals sign here\n")
        write(os.path.join(d, ".hidden.ini"), GOOD)
        write(os.path.join(d, "README.txt"), "not a profile\n")

        rc, out, err = run(["profiles", "--profiles", d])
        check(rc == 0, "exit 0 with invalid profiles (got %d)" % rc, out + err)
        lines = out.splitlines()
        names = [l.split()[0] for l in lines if l and not l.startswith((" ", "profiles in", "NAME"))]
        check(names == ["bad", "broken", "good"], "sorted names without hidden files: %r" % names, out)
        header = [l for l in lines if l.startswith("NAME")]
        check(header and all(h in header[0] for h in
                             ("ENDPOINT", "REGION", "DB_USER", "ROLE", "READ-ONLY")), "header", out)
        good = [l for l in lines if l.startswith("good ")]
        check(good and "path/sf-udf-rds-auth-role" in good[0] and "iam_ro_user" in good[0]
              and "ap-northeast-1" in good[0] and good[0].rstrip().endswith("yes")
              and ":5432" in good[0], "good row: endpoint, derived region, user, role, read-only", out)
        # good has no problems: the line after it is another profile
        gi = lines.index(good[0])
        check(gi + 1 == len(lines) or not lines[gi + 1].startswith("    "), "good has no problem lines", out)

        bad_path = os.path.join(d, "bad.ini")
        problems = [l for l in lines if l.startswith("    ")]
        for key, sev, needle in (("endpoint", "error", "no port"),
                                 ("role_arn", "error", "12-digit"),
                                 ("colour", "warning", "not a pgiam key")):
            hit = [l for l in problems if (bad_path + ": " + key + ":") in l]
            check(len(hit) == 1, "one problem line for bad.ini %s" % key, out)
            if hit:
                check(hit[0].startswith("    %s: " % sev), "%s is a %s" % (key, sev), out)
                check(needle in hit[0] and "expected" in hit[0], "%s message says what is expected" % key, out)
        broken = [l for l in problems if "broken.ini" in l]
        check(broken and broken[0].startswith("    error: ") and "syntax error" in broken[0],
              "the unparsable profile is listed with its error", out)

        # values are untrusted text: terminal escapes in a file never reach the terminal
        esc = os.path.join(tmp, "esc")
        write(os.path.join(esc, "esc.ini"), "[profile]\nendpoint = \x1b[2Jdb.example.com:5432\n"
              "region = eu-west-1\ndatabase = d\ndb_user = u\x1b[1mbold\x07\n"
              "role_arn = arn:aws:iam::123456789012:role/\x1b[31mred\n")
        write(os.path.join(esc, "escbroken.ini"), "[profile]\n\x1b[2J no equals\n")
        rc, out, err = run(["profiles", "--profiles", esc])
        check(rc == 0 and "\x1b" not in out and "\x07" not in out and "^[[2Jdb.example.com" in out
              and "u^[[1mbold^G" in out and "escbroken" in out,
              "control characters in values are shown in caret notation (as the TUI does)", repr(out))

        # directory resolution: PGIAM_PROFILES, XDG_CONFIG_HOME, HOME
        rc, out, _ = run(["profiles"], {"PGIAM_PROFILES": d})
        check(rc == 0 and "profiles in " + d in out and "good" in out, "PGIAM_PROFILES", out)
        xdg = os.path.join(tmp, "xdg")
        write(os.path.join(xdg, "pgiam", "profiles", "fromxdg.ini"), GOOD)
        rc, out, _ = run(["profiles"], {"XDG_CONFIG_HOME": xdg})
        check(rc == 0 and "fromxdg" in out, "XDG_CONFIG_HOME/pgiam/profiles", out)
        rc, out, _ = run(["profiles", "--profiles", d], {"XDG_CONFIG_HOME": xdg})
        check("fromxdg" not in out and "good" in out, "--profiles beats XDG_CONFIG_HOME", out)
        rc, out, _ = run(["profiles"], {"XDG_CONFIG_HOME": xdg, "PGIAM_PROFILES": d})
        check("fromxdg" not in out and "good" in out, "PGIAM_PROFILES beats XDG_CONFIG_HOME", out)
        home = os.path.join(tmp, "home")
        write(os.path.join(home, ".config", "pgiam", "profiles", "fromhome.ini"), GOOD)
        rc, out, _ = run(["profiles"], {"HOME": home})
        check(rc == 0 and "fromhome" in out, "HOME/.config/pgiam/profiles", out)

        # empty, missing and unreadable directories
        empty = os.path.join(tmp, "empty")
        os.makedirs(empty)
        rc, out, _ = run(["profiles", "--profiles", empty])
        check(rc == 0 and "no profiles" in out, "empty directory: exit 0 and says so", out)
        rc, out, err = run(["profiles", "--profiles", os.path.join(tmp, "missing")])
        check(rc == 3 and "missing" in err and err.count("\n") == 1,
              "missing directory: exit 3 (configuration), one line naming it", err)
        rc, out, err = run(["profiles", "--profiles", os.path.join(d, "good.ini")])
        check(rc == 3 and "good.ini" in err, "not a directory: exit 3 (configuration)", err)

        # usage
        rc, out, _ = run(["profiles", "--help"])
        check(rc == 0 and "usage: pgiam profiles" in out, "--help", out)
        rc, out, err = run(["profiles", "--frobnicate"])
        check(rc == 2 and "--frobnicate" in err, "unknown argument: exit 2", err)
        rc, out, err = run(["profiles", "--profiles"])
        check(rc == 2, "--profiles without a directory: exit 2", err)

        # the shipped examples have no errors (a missing CA bundle file only warns)
        ex = os.path.join(tmp, "examples")
        os.makedirs(ex)
        shutil.copy(os.path.join(ROOT, "profiles", "reference-ro.ini"), ex)
        shutil.copy(os.path.join(ROOT, "profiles", "sandbox-ro.ini.example"),
                    os.path.join(ex, "sandbox-ro.ini"))
        rc, out, _ = run(["profiles", "--profiles", ex])
        errs = [l for l in out.splitlines() if l.startswith("    error")]
        check(rc == 0 and not errs and "reference-ro" in out and "sandbox-ro" in out,
              "example profiles validate without errors", out)
        ref = [l for l in out.splitlines() if l.startswith("reference-ro")]
        check(ref and "sf-udf-rds-auth-role" in ref[0] and "iam_ro_user" in ref[0]
              and "ap-northeast-1.rds.amazonaws.com:5432" in ref[0],
              "reference example mirrors the walkthrough", out)

        # the profiles the sandbox writes at runtime (when tools/test brought it up)
        sandbox_profiles = sandbox_env().get("PGIAM_SANDBOX_PROFILES")
        if sandbox_profiles and os.path.isdir(sandbox_profiles):
            rc, out, _ = run(["profiles", "--profiles", sandbox_profiles])
            errs = [l for l in out.splitlines() if l.startswith("    error")]
            check(rc == 0 and not errs and "sandbox-ro" in out,
                  "the sandbox's profiles validate without errors", out)
        else:
            print("note: sandbox not up; its profiles were not checked")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("%d check(s) failed" % len(failures), file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
