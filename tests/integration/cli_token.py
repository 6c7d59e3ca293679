"""cli_token.py - `pgiam token` end to end through the real binary: known answers,
--describe, every bad-input error (one line on stderr, non-zero exit, no token on
stdout), missing credentials, --help, and that no secret ever reaches stderr."""
import os
import resource
import subprocess
import sys
import time

BIN = os.environ["PGIAM_BIN"]
HOST = "prod-instance.us-east-1.rds.amazonaws.com"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SESSION = "FwoGZXIvYXdzEJr//////////wEaDSECRETSESSIONTOKEN+/=="
failures = []


def run(args, env_extra=None, stdin=None, clean=True):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "PGIAM_TEST_TIME"}
    env.update(env_extra or {})
    r = subprocess.run([BIN] + args, capture_output=True, text=True, env=env, input=stdin, timeout=60)
    # no secret ever on stderr, whatever happened
    for secret in (SECRET, SESSION, env.get("AWS_SECRET_ACCESS_KEY"), env.get("AWS_SESSION_TOKEN")):
        if secret and secret in r.stderr:
            failures.append(f"secret on stderr for {args}: {r.stderr!r}")
    return r


def check(cond, what):
    if not cond:
        failures.append(what)


def expect_error(args, needle, env_extra=None, rc=None):
    env = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": SECRET,
           "AWS_SESSION_TOKEN": SESSION}
    env.update(env_extra or {})
    r = run(args, env)
    ok = (r.returncode != 0 and (rc is None or r.returncode == rc) and r.stdout == "" and
          r.stderr.count("\n") == 1 and r.stderr.startswith("pgiam: token: ") and needle in r.stderr)
    check(ok, f"{args} {env_extra or ''}: want one-line error with {needle!r}, got rc={r.returncode} "
              f"stdout={r.stdout!r} stderr={r.stderr!r}")


def token_args(host=HOST, port="3306", user="u", region="us-east-1"):
    return ["token", "--hostname", host, "--port", port, "--username", user, "--region", region]


# --- known answers through the CLI ---
KNOWN = [
    ({"AWS_ACCESS_KEY_ID": "akid", "AWS_SECRET_ACCESS_KEY": "skid", "PGIAM_TEST_TIME": "1478540373"},
     "someusername", "us-east-1", "d1138cdbc0ca63eec012ec0fc6c2267e03642168f5884a7795320d4c18374c61"),
    ({"AWS_ACCESS_KEY_ID": "akid", "AWS_SECRET_ACCESS_KEY": "secret", "PGIAM_TEST_TIME": "1724709600"},
     "peccy", "us-east-1", "dd0cba843009474347af724090233265628ace491ea17ce3eb3da098b983ad89"),
    ({"AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "SECRET", "AWS_SESSION_TOKEN": "SESSION",
      "PGIAM_TEST_TIME": "1735689601"},
     "mysqlUser", "us-west-2", "4e4ce10c7b3710decae757df60ba2519348dcb4db802f15646dce1bf5e17c3ed"),
]
for env, user, region, sig in KNOWN:
    r = run(token_args(user=user, region=region), env)
    check(r.returncode == 0 and r.stderr == "", f"known answer {user}: rc={r.returncode} {r.stderr!r}")
    check(r.stdout.startswith(HOST + ":3306/?Action=connect&DBUser=" + user + "&"), f"token prefix: {r.stdout!r}")
    check(r.stdout.endswith("&X-Amz-Signature=" + sig + "\n"), f"known answer {user}: {r.stdout!r}")
    check(("X-Amz-Security-Token=SESSION&" in r.stdout) == ("AWS_SESSION_TOKEN" in env), "session token placement")

# region from the environment, like the aws cli
env = dict(KNOWN[1][0], AWS_REGION="us-east-1")
r = run(["token", "--hostname", HOST, "--port", "3306", "--username", "peccy"], env)
check(r.stdout.endswith("dd0cba843009474347af724090233265628ace491ea17ce3eb3da098b983ad89\n"), f"AWS_REGION: {r.stdout!r} {r.stderr!r}")

# --- describe ---
tok = KNOWN[2]
r = run(token_args(user="mysqlUser", region="us-west-2"), tok[0])
token = r.stdout.strip()
d = run(["token", "--describe", token], {"PGIAM_TEST_TIME": str(1735689601 + 100)})
want_lines = ["host:          " + HOST, "port:          3306", "user:          mysqlUser",
              "region:        us-west-2", "access key id: ****", "session token: yes",
              "signed at:     2025-01-01T00:00:01Z", "expires at:    2025-01-01T00:15:01Z",
              "seconds left:  800 (valid)"]
for line in want_lines:
    check(line in d.stdout, f"describe: missing {line!r} in {d.stdout!r}")
check(d.returncode == 0 and d.stderr == "", f"describe rc={d.returncode} {d.stderr!r}")
check("SESSION" not in d.stdout and "4e4ce10c" not in d.stdout, "describe prints no secret")
d = run(["token", "--describe", token], {"PGIAM_TEST_TIME": str(1735689601 + 1000)})
check("seconds left:  -100 (EXPIRED 100 s ago)" in d.stdout, f"expired: {d.stdout!r}")
d = run(["token", "--describe", "-"], {"PGIAM_TEST_TIME": str(1735689601 + 1)}, stdin=token + "\n")
check("seconds left:  899 (valid)" in d.stdout, f"describe from stdin: {d.stdout!r} {d.stderr!r}")
# only the first line counts; CRLF and trailing spaces are trimmed, no newline is needed
for text in (token + " \r\nsecond line\n", token):
    d = run(["token", "--describe", "-"], {"PGIAM_TEST_TIME": str(1735689601 + 1)}, stdin=text)
    check("seconds left:  899 (valid)" in d.stdout, f"describe from stdin {text[-20:]!r}: {d.stdout!r} {d.stderr!r}")
for text, needle in (("", "no token on standard input"), ("\n" + token, "no token on standard input"),
                     ("a" * 40000, "longer than 16384")):
    d = run(["token", "--describe", "-"], stdin=text)
    check(d.returncode == 1 and d.stdout == "" and d.stderr.count("\n") == 1 and needle in d.stderr,
          f"describe from stdin {text[:10]!r}: rc={d.returncode} {d.stderr!r}")
r = run(token_args(user="a@b", port="443"), {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY": SECRET, "PGIAM_TEST_TIME": "1724709600"})
d = run(["token", "--describe", r.stdout.strip()], {"PGIAM_TEST_TIME": "1724709600"})
check("access key id: AKIA…MPLE" in d.stdout and "session token: no" in d.stdout and
      "port:          443" in d.stdout and "user:          a@b" in d.stdout, f"describe 2: {d.stdout!r}")
check("AKIAIOSFODNN7EXAMPLE" not in d.stdout, "access key id is masked")

# decoded fields are untrusted: control characters never reach the terminal
esc = token.replace("DBUser=mysqlUser", "DBUser=%1B%5B2J%07x")
d = run(["token", "--describe", esc], {"PGIAM_TEST_TIME": "1735689601"})
check(d.returncode == 0 and "user:          ^[[2J^Gx" in d.stdout and "\x1b" not in d.stdout,
      f"control characters in describe: {d.stdout!r}")

for bad, needle in [("garbage", "not an RDS auth token"), ("", "not an RDS auth token: it is empty"),
                    ("h:5432/?Action=connect", "no DBUser"),
                    (token.replace("rds-db", "s3"), "not rds-db"),
                    (token.replace("X-Amz-Signature=", "X-Amz-Sig="), "no X-Amz-Signature")]:
    expect_error(["token", "--describe", bad], needle, rc=1)

# --- bad input: one line each, no token ---
expect_error(token_args(host=""), "host name is empty")
expect_error(token_args(host="a" * 254), "at most 253")
expect_error(token_args(host="https://" + HOST), "without a scheme")
expect_error(token_args(host=HOST + ":5432"), "only letters")
expect_error(token_args(port="0"), "port 0 is outside 1..65535")
expect_error(token_args(port="65536"), "port 65536 is outside 1..65535")
expect_error(token_args(port="-5"), "outside 1..65535")
expect_error(token_args(port="54x"), "is not a number")
expect_error(token_args(port=""), "is not a number")
expect_error(token_args(user=""), "user name is empty")
expect_error(token_args(user="u" * 64), "at most 63")
expect_error(token_args(region="us_east_1"), "not a region name")
expect_error(token_args(region="US-EAST-1"), "not a region name")
expect_error(token_args(region=""), "not a region name")
expect_error(["token", "--port", "5432", "--username", "u", "--region", "us-east-1"], "are required", rc=2)
expect_error(["token", "--hostname", "h", "--port", "5432", "--username", "u"], "no region", rc=2)
expect_error(["token", "--frobnicate"], "unknown option", rc=2)
expect_error(["token", "--port"], "needs a value", rc=2)
for count in ("5x", "0", "99999999999999999999"):
    expect_error(["token", "--bench", count], "--bench needs a positive count", rc=2)
expect_error(token_args() + ["extra"], "unexpected argument", rc=2)
expect_error(["token", "--describe", "x", "--hostname", "h"], "takes no other option", rc=2)
expect_error(token_args(), "PGIAM_TEST_TIME", {"PGIAM_TEST_TIME": "yesterday"})

# missing credentials
for env, needle in [({}, "no AWS credentials"),
                    ({"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE"}, "AWS_SECRET_ACCESS_KEY is not"),
                    ({"AWS_SECRET_ACCESS_KEY": SECRET}, "AWS_ACCESS_KEY_ID is not"),
                    ({"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}, "no AWS credentials")]:
    r = run(token_args(), dict(env, AWS_SESSION_TOKEN=SESSION))
    check(r.returncode != 0 and r.stdout == "" and r.stderr.count("\n") == 1 and needle in r.stderr,
          f"missing credentials {sorted(env)}: rc={r.returncode} {r.stderr!r}")

# --- help ---
r = run(["token", "--help"])
check(r.returncode == 0 and "usage: pgiam token --hostname HOST --port PORT" in r.stdout and
      "--describe TOKEN" in r.stdout and "AWS_SECRET_ACCESS_KEY" in r.stdout, f"--help: {r.stdout!r}")
r = run(["--help"])
check(r.returncode == 0 and "token" in r.stdout, "pgiam --help lists token")

# --- no core files: secrets live in the process (its soft RLIMIT_CORE is 0) ---
# `token --describe -` blocks reading stdin: poll its limits until set, then end it.
# It starts with core files allowed (soft = hard), so the check means something here.
def allow_cores():
    hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
    resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))


if resource.getrlimit(resource.RLIMIT_CORE)[1] == 0:
    print("note: the hard core-file limit is 0 here; the no-core-files check cannot fail")
p = subprocess.Popen([BIN, "token", "--describe", "-"], stdin=subprocess.PIPE,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=allow_cores)
core = None
deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    with open(f"/proc/{p.pid}/limits") as f:
        core = next((l.split()[4] for l in f if l.startswith("Max core file size")), None)
    if core == "0":
        break
    time.sleep(0.01)
p.communicate(b"\n", timeout=10)
check(core == "0", f"pgiam runs with core files off (soft limit {core!r})")

if failures:
    for f in failures:
        print("FAIL:", f)
    sys.exit(1)
print("cli_token: all checks passed")
