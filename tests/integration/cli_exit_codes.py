#!/usr/bin/python3
"""cli_exit_codes.py - the CLI's front door (cli/usage.c): every command that
`pgiam --help` lists exits with the same statuses for the same kind of problem, with one
line on stderr: 2 for a usage error (an unknown option, a missing value, a flag given a
value, a stray argument, "pgiam: CMD: ... (see pgiam CMD --help)"), 3 for a missing or
malformed profile or an unreadable profile directory, 0 for --help (which lists the exit
statuses); check, sql and psql exit 10 + the number of the failing step. Needs no
sandbox: the failures are found before any network use, or on a closed loopback port."""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile

BIN = os.environ["PGIAM_BIN"]
failures = []

GOOD = ("[profile]\nendpoint = db.example.com:5432\nregion = us-east-1\ndatabase = app\n"
        "db_user = app_user\n")
# one validation error only (so one line): the endpoint's port
BAD = GOOD.replace("db.example.com:5432", "db.example.com:notaport")
JUNK = "garbage [[[ not an ini file\n"


def check(cond, what, detail=""):
    if not cond:
        failures.append("%s\n    %s" % (what, str(detail).replace("\n", "\n    ")))


def clean_env(home):
    """No AWS credentials anywhere, no metadata service, no credential cache."""
    empty = os.path.join(home, "empty")
    open(empty, "w").close()
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "LANG": "C.UTF-8",
            "AWS_CONFIG_FILE": empty, "AWS_SHARED_CREDENTIALS_FILE": empty,
            "AWS_EC2_METADATA_DISABLED": "true", "PGIAM_NO_CREDENTIAL_CACHE": "1",
            "PGIAM_PSQL": "/bin/false", "XDG_CACHE_HOME": os.path.join(home, "cache")}


def run(args, env, stdin=""):
    p = subprocess.run([BIN] + args, input=stdin, capture_output=True, text=True, env=env,
                       timeout=60)
    return p.returncode, p.stdout, p.stderr


def one_line(err):
    return err.count("\n") == 1 and err.endswith("\n")


def commands(env):
    rc, out, _ = run(["--help"], env)
    block = out.split("\ncommands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in block.splitlines() if line.strip()]


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def check_help(cmd, env):
    rc, out, err = run(([cmd] if cmd else []) + ["--help"], env)
    name = "pgiam %s--help" % (cmd + " " if cmd else "")
    check(rc == 0 and err == "", "%s exits 0, nothing on stderr (rc %d)" % (name, rc), err)
    for code, words in (("0", "success"), ("1", "failure"), ("2", "usage error"),
                        ("3", "configuration")):
        check(re.search(r"(?m)^  %s +%s" % (code, words), out),
              "%s lists exit status %s (%s)" % (name, code, words), out)
    if cmd:
        check(out.startswith("usage: pgiam %s" % cmd), "%s starts with its usage" % name, out[:200])
    if cmd in ("check", "sql", "psql", None):
        check(re.search(r"(?m)^  10\+N +", out), "%s lists 10+N for a failing step" % name, out)


def check_usage_errors(cmd, env, help_text):
    cases = [([cmd, "--bogus-option"], "unknown option '--bogus-option'"),
             ([cmd, "stray"], "unexpected argument 'stray'")]
    valued = re.findall(r"(?m)^  (?:-\w, )?(--[a-z-]+) [A-Z]", help_text)
    flags = re.findall(r"(?m)^  (?:-\w, )?(--[a-z-]+)  ", help_text)
    if valued:
        cases.append(([cmd, valued[0]], "%s needs a value" % valued[0]))
    flags = [f for f in flags if f != "--help"]
    if flags:
        cases.append(([cmd, flags[0] + "=yes"], "%s takes no value" % flags[0]))
    for args, words in cases:
        rc, out, err = run(args, env)
        want = "pgiam: %s: %s (see pgiam %s --help)\n" % (cmd, words, cmd)
        check(rc == 2 and err == want and out == "",
              "%s: exit 2 and one line %r (rc %d)" % (" ".join(args), want.strip(), rc), out + err)


def check_profile_errors(cmd, env, d):
    for name, words in (("nosuch", 'no profile "nosuch"'), ("bad", "notaport"),
                        ("junk", "cannot parse the profile")):
        rc, out, err = run([cmd, "--profiles", d, "--profile", name], env, stdin="select 1\n")
        check(rc == 3 and one_line(err) and err.startswith("pgiam: %s: " % cmd) and words in err,
              "%s --profile %s: exit 3 (configuration), one line with %r (rc %d)"
              % (cmd, name, words, rc), out + err)
    rc, out, err = run([cmd, "--profiles", os.path.join(d, "missing-dir"), "--profile", "good"], env)
    check(rc == 3 and one_line(err) and "missing-dir" in err,
          "%s with an unreadable profile directory: exit 3 (rc %d)" % (cmd, rc), out + err)


def check_steps(env, d):
    # a profile without any credentials: step 1 (source credentials) fails
    for cmd in ("check", "psql"):
        rc, out, err = run([cmd, "--profiles", d, "--profile", "good"], env)
        check(rc == 11 and "source credentials" in out + err,
              "%s: no credentials is step 1, exit 11 (rc %d)" % (cmd, rc), out + err)
    rc, out, _ = run(["check", "--profiles", d, "--profile", "good", "--json"], env)
    j = json.loads(out) if out.startswith("{") else {}
    check(rc == 11 and j.get("failed_step") == 1 and j.get("ok") is False,
          "check --json: exit 11, failed_step 1 (rc %d)" % rc, out)
    # a closed loopback port: step 4 (TCP connect) fails
    port = str(closed_port())
    low = ["--host", "127.0.0.1", "--port", port, "--dbname", "d", "--user", "u",
           "--password-env", "CLI_EXIT_CODES_PW"]
    penv = dict(env, CLI_EXIT_CODES_PW="not-a-secret")
    for cmd, extra in (("check", []), ("sql", ["-c", "select 1"])):
        rc, out, err = run([cmd] + low + extra, penv)
        check(rc == 14 and "TCP connect" in out + err,
              "%s: a closed port is step 4, exit 14 (rc %d)" % (cmd, rc), out + err)
    # --all: a directory with an invalid profile gives the configuration status
    rc, out, err = run(["check", "--all", "--profiles", d], env)
    check(rc == 3, "check --all: the status of bad, the first failing profile by name (rc %d)" % rc,
          out + err)


def main():
    home = tempfile.mkdtemp(prefix="pgiam-exit-")
    d = os.path.join(home, "profiles")
    os.makedirs(d)
    for name, body in (("good", GOOD), ("bad", BAD), ("junk", JUNK)):
        with open(os.path.join(d, name + ".ini"), "w") as f:
            f.write(body)
    env = clean_env(home)
    cmds = commands(env)
    check(len(cmds) >= 9, "pgiam --help lists the commands", cmds)
    check_help(None, env)
    rc, out, err = run(["no-such-command"], env)
    check(rc == 2 and err == "pgiam: unknown command 'no-such-command' (see pgiam --help)\n",
          "an unknown command: exit 2, one line (rc %d)" % rc, err)
    for cmd in cmds:
        check_help(cmd, env)
        help_text = run([cmd, "--help"], env)[1]
        check_usage_errors(cmd, env, help_text)
        if re.search(r"(?m)^  (?:-\w, )?--profile NAME", help_text):
            check_profile_errors(cmd, env, d)
    rc, out, err = run(["token", "--mfa-cdoe=123456"], env)
    check(rc == 2 and err == "pgiam: token: unknown option '--mfa-cdoe' (see pgiam token --help)\n",
          "a mistyped option's value (maybe a secret) is not repeated (rc %d)" % rc, err)
    rc, out, err = run(["sql", "--sign"], env)
    check(rc == 2 and err == "pgiam: sql: ambiguous option '--sign': give more of its name "
          "(see pgiam sql --help)\n", "an abbreviation of two options: exit 2 (rc %d)" % rc, err)
    rc, out, err = run(["profiles", "--profiles", os.path.join(d, "missing-dir")], env)
    check(rc == 3 and one_line(err), "profiles: an unreadable directory is exit 3 (rc %d)" % rc, err)
    rc, out, err = run(["profiles", "--profiles", d], env)
    check(rc == 0 and "notaport" in out, "profiles lists invalid profiles and exits 0 (rc %d)" % rc,
          out + err)
    check_steps(env, d)
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    print("%d failures" % len(failures))
    sys.exit(1 if failures else 0)


main()
