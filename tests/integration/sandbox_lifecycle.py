#!/usr/bin/python3
"""sandbox_lifecycle.py - tests/sandbox/up and down on a private state directory:
up prints only the env file path with --quiet, a second up reuses the running
sandbox (same ports, same processes), down stops exactly the processes up started
and removes the state, a second down is harmless, and up after down works. Also
checks the files up writes (profiles, AWS files, modes)."""
import configparser
import os
import stat
import subprocess

from sandbox_lib import SANDBOX, Failure, assume_role, check, psql, read_env_file, token

REQUIRED = ["PGIAM_SANDBOX_DIR", "PGIAM_SANDBOX_PROFILES", "PGIAM_DEMO_PROFILE",
            "PGIAM_SANDBOX_ENDPOINT_HOST", "PGIAM_SANDBOX_PG_PORT", "PGIAM_SANDBOX_FWD_PORT",
            "PGIAM_SANDBOX_CA", "PGIAM_SANDBOX_STS_URL", "PGIAM_SANDBOX_ADMIN",
            "PGIAM_SANDBOX_VERIFIER_LOG", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
            "AWS_EC2_METADATA_DISABLED"]
PROFILE_KEYS = ["endpoint", "region", "database", "db_user", "role_arn", "external_id",
                "sts_endpoint", "ca_bundle", "sslmode", "connect_host", "read_only",
                "account_id", "dbi_resource_id", "duration"]


def sandbox_cmd(cmd, state, *extra):
    return subprocess.run([os.path.join(SANDBOX, cmd), "--state-dir", state, *extra],
                          capture_output=True, text=True, timeout=120)


def pids(state):
    out = subprocess.run(["ps", "-eo", "pid=,stat=,args="], capture_output=True, text=True).stdout
    return {int(line.split(None, 2)[0]) for line in out.splitlines()
            if state in line and "Z" not in line.split(None, 2)[1]}


def main(state):
    r = sandbox_cmd("up", state, "--quiet")
    check(r.returncode == 0, f"up works ({r.stderr.strip()})")
    check(r.stdout == os.path.join(state, "sandbox.env") + "\n" and r.stderr == "",
          "up --quiet prints only the env file path")
    env = read_env_file(r.stdout.strip())
    check(all(k in env for k in REQUIRED), "the env file exports every documented variable")
    running = pids(state)
    check(len(running) >= 3, f"PostgreSQL, the STS emulator and the forwarder run ({len(running)} processes)")

    r2 = sandbox_cmd("up", state, "--quiet")
    check(r2.returncode == 0 and r2.stdout == r.stdout, "a second up prints the same env file")
    check(read_env_file(r2.stdout.strip()) == env, "a second up keeps the same ports and secrets")
    check(pids(state) >= running, "a second up keeps the same processes")

    for name in ("sandbox-ro", "sandbox-rw", "sandbox-wrong-extid", "sandbox-tunnel"):
        cp = configparser.ConfigParser(interpolation=None)
        cp.read(os.path.join(env["PGIAM_SANDBOX_PROFILES"], f"{name}.ini"))
        check(cp.has_section("profile") and all(cp.has_option("profile", k) for k in PROFILE_KEYS),
              f"profile {name} has every key")
        check(cp["profile"]["endpoint"] ==
              f"{env['PGIAM_SANDBOX_ENDPOINT_HOST']}:{env['PGIAM_SANDBOX_PG_PORT']}",
              f"profile {name}: endpoint is the RDS-like name with the real port")
    cp = configparser.ConfigParser(interpolation=None)
    cp.read(os.path.join(env["PGIAM_SANDBOX_PROFILES"], "sandbox-tunnel.ini"))
    check(cp["profile"]["connect_host"] == f"127.0.0.1:{env['PGIAM_SANDBOX_FWD_PORT']}",
          "the tunnel profile connects to the forwarder")
    ext = configparser.ConfigParser(interpolation=None)
    ext.read(os.path.join(env["PGIAM_SANDBOX_PROFILES"], "sandbox-ro.ini"))
    check(all(c in ext["profile"]["external_id"] for c in "+/="),
          "the external ID carries + / = (characters that need encoding)")
    mode = stat.S_IMODE(os.stat(env["AWS_SHARED_CREDENTIALS_FILE"]).st_mode)
    check(mode == 0o600, f"the AWS credentials file is mode 0600 ({oct(mode)})")
    check(stat.S_IMODE(os.stat(state).st_mode) == 0o700, "the state directory is mode 0700")
    check(not os.path.realpath(state).startswith(os.path.realpath(os.environ.get(
        "PGIAM_SOURCE_ROOT", "/nonexistent"))), "the state directory is outside the repository")

    r = sandbox_cmd("down", state, "--quiet")
    check(r.returncode == 0, "down works")
    check(not (pids(state) & running), "down stopped every process up started")
    check(not os.path.exists(state), "down removed the state directory")
    r = sandbox_cmd("down", state)
    check(r.returncode == 0 and "not up" in r.stderr, "a second down is harmless")

    r = sandbox_cmd("up", state, "--quiet")
    check(r.returncode == 0 and os.path.exists(r.stdout.strip()), "up after down works")
    env2 = read_env_file(r.stdout.strip())
    check(env2["PGIAM_SANDBOX_PG_PORT"] != "" and env2 != env, "the new sandbox has fresh ports/secrets")
    r = subprocess.run(["psql", "-X", "-At", "-c", "SELECT count(*) FROM customers",
                        env2["PGIAM_SANDBOX_ADMIN"]], capture_output=True, text=True)
    check(r.stdout.strip() == "3", "PGIAM_SANDBOX_ADMIN connects as admin; seed data is there")
    r = subprocess.run([os.path.join(SANDBOX, "gen_big_table"), "1000"], capture_output=True,
                       text=True, env={**os.environ, "PGIAM_SANDBOX_ADMIN": env2["PGIAM_SANDBOX_ADMIN"]})
    r2 = subprocess.run(["psql", "-X", "-At", "-c", "SELECT count(*) FROM big_table",
                         env2["PGIAM_SANDBOX_ADMIN"]], capture_output=True, text=True)
    check(r.returncode == 0 and r2.stdout.strip() == "1000", "gen_big_table 1000 makes 1000 rows")

    # restart_db: sessions drop, the same port comes back with IAM logins working.
    admin = subprocess.Popen(["psql", "-X", "-At", "-c", "SELECT pg_sleep(30)",
                              env2["PGIAM_SANDBOX_ADMIN"]], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    r = sandbox_cmd("restart_db", state, "--quiet")
    check(r.returncode == 0, f"restart_db works ({r.stderr.strip()})")
    check(admin.wait(timeout=20) != 0, "an open session dropped with the restart")
    ro = assume_role(env2)
    host, port = env2["PGIAM_SANDBOX_ENDPOINT_HOST"], int(env2["PGIAM_SANDBOX_PG_PORT"])
    r = psql(env2, "iam_ro_user", token(ro, host, port, "iam_ro_user"), "SELECT current_user")
    check(r.returncode == 0 and r.stdout.strip() == "iam_ro_user",
          f"after the restart an IAM login works on the same port ({r.stderr.strip()})")

    r = subprocess.run([os.path.join(SANDBOX, "gen_big_table"), "many"], capture_output=True, text=True)
    check(r.returncode == 2 and "usage" in r.stderr, "gen_big_table refuses a bad row count")


if __name__ == "__main__":
    import sys
    state = f"/tmp/pgiam-sandbox-lifecycle-{os.getpid()}"
    try:
        main(state)
    except Failure as e:
        print(f"FAIL - {e}")
        sys.exit(1)
    finally:
        sandbox_cmd("down", state, "--quiet")
    print("all passed")
