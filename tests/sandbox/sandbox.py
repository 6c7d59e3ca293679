#!/usr/bin/python3
"""sandbox.py - brings up and tears down the local "RDS" sandbox (tests/sandbox/up and
tests/sandbox/down call it): a throwaway PostgreSQL 15 cluster with TLS for an
RDS-like name and IAM-token logins checked through PAM by verify_token.py (botocore),
the STS emulator, a loopback TCP forwarder standing in for a tunnel, seed data,
ready-to-use pgiam profiles and AWS shared files. See docs/sandbox.md.

Everything lives in one state directory outside the repository
(/tmp/pgiam-sandbox-<hash of the repo path>, or --state-dir / PGIAM_SANDBOX_STATE_DIR).
As root, the daemons run as the system user pgiam-sandbox (PostgreSQL refuses root)
and the files they need are copied into the state directory.
"""
import argparse
import base64
import fcntl
import hashlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PGBIN = "/usr/lib/postgresql/15/bin"
PYTHON = "/usr/bin/python3"
PAM_WRAPPER = "libpam_wrapper.so"
SANDBOX_USER = "pgiam-sandbox"
ADMIN = "pgiam_admin"
ENDPOINT_HOST = "sandbox-db.abc123xyz.ap-northeast-1.rds.amazonaws.com"
REGION = "ap-northeast-1"
ACCOUNT = "123456789012"
DBI_RESOURCE_ID = "db-SANDBOXEXAMPLE0123456789"
SOURCE_USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/pgiam-demo"
RO_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/sf-udf-rds-auth-role"
# issue 14: federated sources. A pod's web identity role, a role that requires MFA, and
# an IAM Identity Center permission set; each may log in as iam_ro_user and may be the
# source for the demo roles.
OIDC_ISSUER = "https://oidc.sandbox.pgiam.invalid"
WEB_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/sandbox-pod-role"
MFA_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/sandbox-mfa-role"
MFA_SERIAL = f"arn:aws:iam::{ACCOUNT}:mfa/pgiam-demo"
SSO_ROLE_NAME = "SandboxDBA"
SSO_ROLE_ARN = (f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/"
                f"AWSReservedSSO_{SSO_ROLE_NAME}_" +
                hashlib.sha256(f"{ACCOUNT}/{SSO_ROLE_NAME}".encode()).hexdigest()[:16])
RW_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/pgiam-rw-role"
PAM_SERVICE = "pgiam-sandbox"
SYSTEM_PAM_FILE = f"/etc/pam.d/{PAM_SERVICE}"
START_TIMEOUT = 20.0
COPIED = ("verify_token.py", "sts_emulator.py", "tcp_forward.py", "sts_federation.py")


class SandboxError(Exception):
    pass


def say(args, text):
    if not getattr(args, "quiet", False):
        print(f"sandbox: {text}", file=sys.stderr)


def default_state_dir():
    digest = hashlib.sha256(ROOT.encode()).hexdigest()[:10]
    return f"/tmp/pgiam-sandbox-{digest}"


def resolve_state_dir(args):
    d = args.state_dir or os.environ.get("PGIAM_SANDBOX_STATE_DIR") or default_state_dir()
    return os.path.abspath(d)


class Ctx:
    """Paths and the identity the daemons run as."""

    def __init__(self, state):
        self.state = state
        self.root = os.geteuid() == 0
        self.uid = os.geteuid()
        self.gid = os.getegid()

    def p(self, *parts):
        return os.path.join(self.state, *parts)

    def ensure_user(self):
        if not self.root:
            return
        try:
            pw = pwd.getpwnam(SANDBOX_USER)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir",
                            "/nonexistent", "--shell", "/usr/sbin/nologin", SANDBOX_USER],
                           check=True, stdout=subprocess.DEVNULL)
            pw = pwd.getpwnam(SANDBOX_USER)
        self.uid, self.gid = pw.pw_uid, pw.pw_gid

    def lookup_user(self):
        if self.root:
            try:
                pw = pwd.getpwnam(SANDBOX_USER)
                self.uid, self.gid = pw.pw_uid, pw.pw_gid
            except KeyError:
                pass

    def own(self, path, mode=None):
        if mode is not None:
            os.chmod(path, mode)
        if self.root:
            os.chown(path, self.uid, self.gid)

    def as_user(self):
        """subprocess keyword arguments that run a child as the sandbox user."""
        kw = {"cwd": self.state}
        if self.root:
            kw.update(user=self.uid, group=self.gid, extra_groups=[])
        return kw

    def child_env(self, extra=None):
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": self.state,
               "TZ": "UTC"}
        env.update(extra or {})
        return env


# --- small helpers ---------------------------------------------------------------

def write_file(ctx, path, text, mode=0o644):
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    ctx.own(tmp, mode)
    os.replace(tmp, path)


def has_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def free_port(ipv6):
    """A port free on 127.0.0.1 (and ::1 when present), chosen by the kernel."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if not ipv6:
            return port
        try:
            with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s6:
                s6.bind(("::1", port))
            return port
        except OSError:
            continue
    raise SandboxError("no free loopback port found")


def wait_for(what, predicate, timeout, log=None):
    deadline = time.monotonic() + timeout
    delay = 0.02
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(delay)
        delay = min(delay * 1.5, 0.25)
    raise SandboxError(f"{what} did not come up within {timeout:.0f} s" +
                       (f"; see {log}" if log else ""))


def read_int(path):
    try:
        with open(path, encoding="utf-8") as f:
            return int(f.readline().strip())
    except (OSError, ValueError):
        return None


def pid_alive(pid, needle):
    """True when pid runs and its command line mentions needle (guards pid reuse)."""
    if not pid:
        return False
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read().decode("utf-8", "replace")
    except OSError:
        return False
    return needle in cmdline


def http_status(url, timeout=2.0):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def tail(path, n=15):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.readlines()[-n:]
        return "".join("    " + line for line in lines)
    except OSError:
        return ""


def psql_admin(ctx, port, sql=None, file=None, db="sample_db", check=True):
    cmd = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
           "-h", ctx.p("run"), "-p", str(port), "-U", ADMIN, "-d", db]
    cmd += ["-f", file] if file else ["-c", sql]
    r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PGCONNECT_TIMEOUT": "5"})
    if check and r.returncode != 0:
        raise SandboxError(f"admin psql failed: {r.stderr.strip()}")
    return r


# --- pieces ----------------------------------------------------------------------

def make_tls(ctx):
    tls = ctx.p("tls")
    os.mkdir(tls, 0o700)
    ctx.own(tls, 0o700)

    def openssl(*a):
        r = subprocess.run(["openssl", *a], capture_output=True, text=True, cwd=tls)
        if r.returncode != 0:
            raise SandboxError(f"openssl {a[0]} failed: {r.stderr.strip()}")

    ext = os.path.join(tls, "server.ext")
    with open(ext, "w", encoding="utf-8") as f:
        f.write(f"subjectAltName = DNS:{ENDPOINT_HOST}\n"
                "basicConstraints = critical, CA:FALSE\n"
                "keyUsage = critical, digitalSignature, keyEncipherment\n"
                "extendedKeyUsage = serverAuth\n"
                "subjectKeyIdentifier = hash\n"
                "authorityKeyIdentifier = keyid\n")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "30",
            "-keyout", "ca.key", "-out", "ca.pem",
            "-subj", "/C=US/O=pgiam sandbox/CN=pgiam sandbox RDS CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-sha256", "-keyout", "server.key",
            "-out", "server.csr", "-subj", f"/C=US/O=pgiam sandbox/CN={ENDPOINT_HOST}")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "30", "-sha256", "-extfile", "server.ext",
            "-out", "server.pem")
    # The CA key is not needed any more; the bundle is what clients trust.
    for name in ("ca.key", "server.csr", "server.ext", "ca.srl"):
        try:
            os.unlink(os.path.join(tls, name))
        except FileNotFoundError:
            pass
    shutil.copyfile(os.path.join(tls, "ca.pem"), ctx.p("ca-bundle.pem"))
    ctx.own(ctx.p("ca-bundle.pem"), 0o644)
    for name, mode in (("ca.pem", 0o644), ("server.pem", 0o644), ("server.key", 0o600)):
        ctx.own(os.path.join(tls, name), mode)


def pam_module(ctx):
    """Compiles the PAM module into the state directory. (meson also builds it, as a
    warnings check; that copy may carry sanitizers, which must not enter postgres.)"""
    dest = ctx.p("pam_pgiam_sandbox.so")
    src = os.path.join(HERE, "pam_pgiam_sandbox.c")
    r = subprocess.run(["cc", "-std=gnu11", "-O2", "-Wall", "-Wextra", "-fPIC", "-shared",
                        "-o", dest, src, "-lpam"], capture_output=True, text=True)
    if r.returncode != 0:
        raise SandboxError("cannot build the PAM module (are gcc and libpam0g-dev installed?): "
                           + r.stderr.strip()[:500])
    ctx.own(dest, 0o755)


def pam_service_text(ctx):
    module = ctx.p("pam_pgiam_sandbox.so")
    line = f"{module} {PYTHON} {ctx.p('verify_token.py')}"
    return (f"# {PAM_SERVICE}: written by tests/sandbox/up; IAM-token logins of the sandbox\n"
            f"auth required {line}\n"
            f"account required {module} {PYTHON}\n")


def start_daemon(ctx, name, cmd, extra_env=None):
    out = open(ctx.p(f"{name}.out"), "ab")
    ctx.own(ctx.p(f"{name}.out"), 0o600)
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                start_new_session=True, env=ctx.child_env(extra_env),
                                **ctx.as_user())
    finally:
        out.close()
    write_file(ctx, ctx.p(f"{name}.pid"), f"{proc.pid}\n")
    return proc


def wait_port_file(ctx, name, proc, path):
    def ready():
        if proc.poll() is not None:
            raise SandboxError(f"{name} exited with status {proc.returncode}:\n"
                               + tail(ctx.p(f"{name}.out")))
        return read_int(path)
    return wait_for(name, ready, START_TIMEOUT, ctx.p(f"{name}.out"))


def random_key_id():
    alphabet = string.ascii_uppercase + "234567"
    return "AKIA" + "".join(secrets.choice(alphabet) for _ in range(16))


def random_secret():
    return base64.b64encode(secrets.token_bytes(30)).decode()


def random_external_id():
    # Always carries + / = (characters clients must encode correctly).
    body = base64.b64encode(secrets.token_bytes(18)).decode()
    return f"sbx+{body[:12]}/{body[12:]}="


def start_sts(ctx, cfg):
    sts_cfg = {
        "account": ACCOUNT,
        "region": REGION,
        "users": [{"arn": SOURCE_USER_ARN, "access_key_id": cfg["source_akid"],
                   "secret_access_key": cfg["source_secret"], "expired": False}],
        "oidc_keys": {OIDC_ISSUER: cfg["oidc_key"]},
        "sso_roles": [{"account_id": ACCOUNT, "role_name": SSO_ROLE_NAME,
                       "rds_db_connect": [dbuser_arn("iam_ro_user")]}],
        "roles": [
            {"arn": RO_ROLE_ARN, "external_id": cfg["external_id"],
             "trusted": [SOURCE_USER_ARN, WEB_ROLE_ARN, MFA_ROLE_ARN, SSO_ROLE_ARN],
             "max_session_duration": 3600,
             "rds_db_connect": [dbuser_arn("iam_ro_user"), dbuser_arn("iam_nords_user")]},
            {"arn": RW_ROLE_ARN, "external_id": cfg["rw_external_id"],
             "trusted": [SOURCE_USER_ARN], "max_session_duration": 3600,
             "rds_db_connect": [dbuser_arn("iam_rw_user")]},
            {"arn": WEB_ROLE_ARN, "web_identity": {"issuer": OIDC_ISSUER},
             "rds_db_connect": [dbuser_arn("iam_ro_user")]},
            {"arn": MFA_ROLE_ARN, "trusted": [SOURCE_USER_ARN], "mfa_serial": MFA_SERIAL,
             "mfa_secret": cfg["mfa_secret"], "max_session_duration": 3600,
             "rds_db_connect": [dbuser_arn("iam_ro_user")]},
        ],
    }
    write_file(ctx, ctx.p("sts.json"), json.dumps(sts_cfg, indent=2) + "\n", 0o600)
    script = os.environ.get("PGIAM_SANDBOX_STS_SCRIPT") or os.path.join(HERE, "sts_emulator.py")
    if not os.path.exists(script):
        raise SandboxError(f"the STS emulator {script} is missing")
    shutil.copyfile(script, ctx.p("sts_emulator.py"))
    ctx.own(ctx.p("sts_emulator.py"), 0o644)
    proc = start_daemon(ctx, "sts", [PYTHON, ctx.p("sts_emulator.py"), "--config", ctx.p("sts.json"),
                                     "--host", "127.0.0.1", "--port", "0",
                                     "--port-file", ctx.p("sts.port"), "--log", ctx.p("sts.log")])
    port = wait_port_file(ctx, "sts", proc, ctx.p("sts.port"))
    url = f"http://127.0.0.1:{port}"
    wait_for("STS emulator control API",
             lambda: http_status(f"{url}/_sandbox/credentials/AKIANOTISSUED") == 404,
             START_TIMEOUT, ctx.p("sts.out"))
    return url


def dbuser_arn(user):
    return f"arn:aws:rds-db:{REGION}:{ACCOUNT}:dbuser:{DBI_RESOURCE_ID}/{user}"


def init_cluster(ctx, port, ipv6):
    pgdata = ctx.p("pgdata")
    r = subprocess.run([f"{PGBIN}/initdb", "-D", pgdata, "-U", ADMIN, "-E", "UTF8",
                        "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=reject",
                        "--no-sync", "--no-instructions"],
                       capture_output=True, text=True, env=ctx.child_env(), **ctx.as_user())
    if r.returncode != 0:
        raise SandboxError(f"initdb failed: {r.stderr.strip()[-800:]}")
    listen = "127.0.0.1,::1" if ipv6 else "127.0.0.1"
    conf = f"""# sandbox.conf: written by tests/sandbox/up
listen_addresses = '{listen}'
port = {port}
unix_socket_directories = '{ctx.p("run")}'
unix_socket_permissions = 0700
ssl = on
ssl_cert_file = '{ctx.p("tls", "server.pem")}'
ssl_key_file = '{ctx.p("tls", "server.key")}'
ssl_min_protocol_version = 'TLSv1.2'
password_encryption = 'scram-sha-256'
max_connections = 60
shared_buffers = 32MB
fsync = off
synchronous_commit = off
full_page_writes = off
log_connections = on
log_disconnections = off
log_line_prefix = '%m [%p] %q%u@%d '
timezone = 'UTC'
"""
    write_file(ctx, os.path.join(pgdata, "sandbox.conf"), conf, 0o600)
    with open(os.path.join(pgdata, "postgresql.conf"), "a", encoding="utf-8") as f:
        f.write("\ninclude 'sandbox.conf'\n")
    hba = ["# pg_hba.conf: written by tests/sandbox/up (first match wins)",
           f"local   all  {ADMIN}  trust",
           "local   all  all  reject"]
    addrs = ["127.0.0.1/32"] + (["::1/128"] if ipv6 else [])
    for a in addrs:
        hba.append(f"hostssl all +rds_iam {a} pam pamservice={PAM_SERVICE}")
    for a in addrs:
        hba.append(f"hostssl all all {a} scram-sha-256")
    hba += ["hostnossl all all 0.0.0.0/0 reject", "hostnossl all all ::/0 reject"]
    write_file(ctx, os.path.join(pgdata, "pg_hba.conf"), "\n".join(hba) + "\n", 0o600)
    os.mkdir(ctx.p("run"), 0o700)
    ctx.own(ctx.p("run"), 0o700)


def start_postgres(ctx, use_wrapper):
    env = {}
    if use_wrapper:
        env = {"LD_PRELOAD": PAM_WRAPPER, "PAM_WRAPPER": "1",
               "PAM_WRAPPER_SERVICE_DIR": ctx.p("pam.d")}
    r = subprocess.run([f"{PGBIN}/pg_ctl", "-D", ctx.p("pgdata"), "-l", ctx.p("postgres.log"),
                        "-w", "-t", str(int(START_TIMEOUT)), "start"],
                       capture_output=True, text=True, env=ctx.child_env(env), **ctx.as_user())
    if r.returncode != 0:
        raise SandboxError("PostgreSQL did not start:\n" + tail(ctx.p("postgres.log")))


def stop_postgres(ctx, timeout=15.0):
    pgdata = ctx.p("pgdata")
    pid = read_int(os.path.join(pgdata, "postmaster.pid"))
    if not pid_alive(pid, pgdata):
        return
    os.kill(pid, signal.SIGINT)  # fast shutdown
    deadline = time.monotonic() + timeout
    while pid_alive(pid, pgdata) and time.monotonic() < deadline:
        time.sleep(0.05)
    if pid_alive(pid, pgdata):
        os.kill(pid, signal.SIGQUIT)  # immediate shutdown; polled, not a fixed wait
        deadline = time.monotonic() + 5
        while pid_alive(pid, pgdata) and time.monotonic() < deadline:
            time.sleep(0.05)
        if pid_alive(pid, pgdata):
            os.kill(pid, signal.SIGKILL)


def pam_self_test(ctx, port):
    """A 1300-byte junk password for an rds_iam user must reach the verifier whole:
    proves the PAM chain (pam_wrapper or /etc/pam.d, module, verifier) works.
    Returns "ok" or "unreached"; raises when the password arrives cut."""
    log = ctx.p("verifier.log")
    before = os.path.getsize(log) if os.path.exists(log) else 0
    junk = "selftest-" + "x" * 1291
    env = {**os.environ, "PGPASSWORD": junk, "PGCONNECT_TIMEOUT": "10"}
    subprocess.run(["psql", "-X", "-At", "-c", "select 1",
                    f"host=127.0.0.1 port={port} user=iam_ro_user dbname=sample_db sslmode=require"],
                   capture_output=True, env=env)
    try:
        with open(log, encoding="utf-8") as f:
            f.seek(before)
            lines = f.read().splitlines()
    except OSError:
        lines = []
    seen = [line for line in lines if "iam_ro_user REJECT" in line]
    if not seen:
        return "unreached"
    if not any("(token 1300 bytes)" in line for line in seen):
        raise SandboxError("the PAM module did not deliver a 1300-byte password whole to the "
                           f"verifier: {seen[-1]}")
    return "ok"


def write_profiles(ctx, cfg):
    profiles = ctx.p("profiles")
    os.mkdir(profiles, 0o755)
    ctx.own(profiles, 0o755)
    endpoint = f"{ENDPOINT_HOST}:{cfg['pg_port']}"
    direct = f"127.0.0.1:{cfg['pg_port']}"
    tunnel = f"127.0.0.1:{cfg['fwd_port']}"

    def profile(name, comment, db_user, role, external_id, connect_host, read_only):
        text = f"""# {name}: {comment}
# Written by tests/sandbox/up; the endpoint name does not resolve, so connect_host
# says where TCP goes while TLS verify-full still checks the endpoint name.
[profile]
endpoint = {endpoint}
region = {REGION}
database = sample_db
db_user = {db_user}
role_arn = {role}
external_id = {external_id}
sts_endpoint = {cfg['sts_url']}
ca_bundle = {ctx.p('ca-bundle.pem')}
sslmode = verify-full
connect_host = {connect_host}
read_only = {'true' if read_only else 'false'}
account_id = {ACCOUNT}
dbi_resource_id = {DBI_RESOURCE_ID}
duration = 3600
"""
        write_file(ctx, os.path.join(profiles, f"{name}.ini"), text, 0o644)

    profile("sandbox-ro", "the demo: read-only IAM user through sf-udf-rds-auth-role",
            "iam_ro_user", RO_ROLE_ARN, cfg["external_id"], direct, True)
    profile("sandbox-rw", "read-write IAM user through pgiam-rw-role",
            "iam_rw_user", RW_ROLE_ARN, cfg["rw_external_id"], direct, False)
    profile("sandbox-wrong-extid", "fails at AssumeRole: wrong external ID",
            "iam_ro_user", RO_ROLE_ARN, cfg["wrong_external_id"], direct, True)
    profile("sandbox-tunnel", "read-only through the loopback forwarder (a tunnel)",
            "iam_ro_user", RO_ROLE_ARN, cfg["external_id"], tunnel, True)
    profile("sandbox-nords", "fails at login: iam_nords_user was not granted rds_iam",
            "iam_nords_user", RO_ROLE_ARN, cfg["external_id"], direct, True)
    profile("sandbox-no-policy", "fails at login: the role's policy does not cover iam_rw_user",
            "iam_rw_user", RO_ROLE_ARN, cfg["external_id"], direct, False)


def write_aws_files(ctx, cfg):
    aws = ctx.p("aws")
    os.mkdir(aws, 0o700)
    ctx.own(aws, 0o700)
    write_file(ctx, os.path.join(aws, "credentials"),
               "# The sandbox's source IAM user (pgiam-demo), known only to the STS emulator.\n"
               f"[default]\naws_access_key_id = {cfg['source_akid']}\n"
               f"aws_secret_access_key = {cfg['source_secret']}\n", 0o600)
    write_file(ctx, os.path.join(aws, "config"),
               f"[default]\nregion = {REGION}\n", 0o600)


def env_lines(ctx, cfg):
    values = {
        "PGIAM_SANDBOX_DIR": ctx.state,
        "PGIAM_SANDBOX_PROFILES": ctx.p("profiles"),
        "PGIAM_DEMO_PROFILE": "sandbox-ro",
        "PGIAM_SANDBOX_ENDPOINT_HOST": ENDPOINT_HOST,
        "PGIAM_SANDBOX_PG_PORT": str(cfg["pg_port"]),
        "PGIAM_SANDBOX_FWD_PORT": str(cfg["fwd_port"]),
        "PGIAM_SANDBOX_CA": ctx.p("ca-bundle.pem"),
        "PGIAM_SANDBOX_STS_URL": cfg["sts_url"],
        "PGIAM_SANDBOX_REGION": REGION,
        "PGIAM_SANDBOX_ACCOUNT": ACCOUNT,
        "PGIAM_SANDBOX_DBI_RESOURCE_ID": DBI_RESOURCE_ID,
        "PGIAM_SANDBOX_ADMIN": f"host={ctx.p('run')} port={cfg['pg_port']} user={ADMIN} dbname=sample_db",
        "PGIAM_SANDBOX_VERIFIER_LOG": ctx.p("verifier.log"),
        "PGIAM_SANDBOX_PGDATA": ctx.p("pgdata"),
        "AWS_SHARED_CREDENTIALS_FILE": ctx.p("aws", "credentials"),
        "AWS_CONFIG_FILE": ctx.p("aws", "config"),
        "AWS_EC2_METADATA_DISABLED": "true",
        # issue 14: what tests need to sign in the federated ways (sandbox-only secrets)
        "PGIAM_SANDBOX_OIDC_ISSUER": OIDC_ISSUER,
        "PGIAM_SANDBOX_OIDC_KEY": cfg["oidc_key"],
        "PGIAM_SANDBOX_WEB_ROLE_ARN": WEB_ROLE_ARN,
        "PGIAM_SANDBOX_MFA_ROLE_ARN": MFA_ROLE_ARN,
        "PGIAM_SANDBOX_MFA_SERIAL": MFA_SERIAL,
        "PGIAM_SANDBOX_MFA_SECRET": cfg["mfa_secret"],
        "PGIAM_SANDBOX_SSO_ROLE_NAME": SSO_ROLE_NAME,
        "PGIAM_SANDBOX_SSO_ROLE_ARN": SSO_ROLE_ARN,
    }
    # Every value is a path, a name or a number without quotes or spaces except the
    # admin conninfo; quote all the same.
    return "".join(f"export {k}='{v}'\n" for k, v in values.items())


# --- up / down -------------------------------------------------------------------

def copies_current(ctx):
    """The scripts up copied into the state directory are the source tree's: a sandbox
    running older copies (a knob or a signal added since) is replaced, not reused."""
    for name in COPIED:
        src = os.path.join(HERE, name)
        if name == "sts_emulator.py":
            src = os.environ.get("PGIAM_SANDBOX_STS_SCRIPT") or src
        try:
            with open(src, "rb") as a, open(ctx.p(name), "rb") as b:
                if a.read() != b.read():
                    return False
        except OSError:
            return False
    return True


HEALTH_PATIENCE = 30.0


def healthy(ctx):
    """Whether the sandbox in ctx runs and answers. Its processes running while a probe
    does not answer in time is load, not breakage: the probes are retried for up to
    HEALTH_PATIENCE seconds before the sandbox counts as broken, since replacing it
    stops its PostgreSQL (fast shutdown) under the tests using it, whose connections
    (the admin's too) end "terminating connection due to administrator command"."""
    deadline = time.monotonic() + HEALTH_PATIENCE
    while True:
        state = health_once(ctx)
        if state != "slow" or time.monotonic() >= deadline:
            return state == "ok"
        time.sleep(0.5)


def health_once(ctx):
    """"ok"; "broken" (stale copies, a file or a process missing); "slow" (every
    process runs, a probe did not answer)."""
    if not copies_current(ctx):
        return "broken"
    try:
        with open(ctx.p("sandbox.json"), encoding="utf-8") as f:
            cfg = json.load(f)
    except (OSError, ValueError):
        return "broken"
    if not os.path.exists(ctx.p("sandbox.env")):
        return "broken"
    pgdata = ctx.p("pgdata")
    if not pid_alive(read_int(os.path.join(pgdata, "postmaster.pid")), pgdata):
        return "broken"
    if not pid_alive(read_int(ctx.p("sts.pid")), ctx.state):
        return "broken"
    if not pid_alive(read_int(ctx.p("fwd.pid")), ctx.state):
        return "broken"
    if http_status(f"{cfg['sts_url']}/_sandbox/credentials/AKIANOTISSUED") != 404:
        return "slow"
    if psql_admin(ctx, cfg["pg_port"], "select 1", check=False).returncode != 0:
        return "slow"
    return "ok"


def stop_all(ctx):
    """Stops what up started, by pid file, and removes what it added outside the
    state directory (a system PAM service file, when the fallback was used)."""
    for name in ("fwd", "sts"):
        pid = read_int(ctx.p(f"{name}.pid"))
        if pid_alive(pid, ctx.state):
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 5
            while pid_alive(pid, ctx.state) and time.monotonic() < deadline:
                time.sleep(0.05)
            if pid_alive(pid, ctx.state):
                os.kill(pid, signal.SIGKILL)
    stop_postgres(ctx)
    marker = ctx.p("system-pam")
    if os.path.exists(marker) and os.path.exists(SYSTEM_PAM_FILE):
        with open(SYSTEM_PAM_FILE, encoding="utf-8") as f:
            if ctx.state in f.read():
                os.unlink(SYSTEM_PAM_FILE)


def remove_state(ctx):
    if os.path.isdir(ctx.state):
        shutil.rmtree(ctx.state, ignore_errors=True)


def up(args, ctx):
    if healthy(ctx):
        say(args, f"already up ({ctx.state})")
        print(ctx.p("sandbox.env"))
        return 0
    if os.path.exists(ctx.state):
        say(args, "found a stale or broken sandbox; replacing it")
        stop_all(ctx)
        remove_state(ctx)
    t0 = time.monotonic()
    ctx.ensure_user()
    os.mkdir(ctx.state, 0o700)
    ctx.own(ctx.state, 0o700)
    try:
        ipv6 = has_ipv6_loopback()
        cfg = {
            "source_akid": random_key_id(), "source_secret": random_secret(),
            "external_id": random_external_id(), "rw_external_id": random_external_id(),
            "wrong_external_id": random_external_id(),
            "oidc_key": secrets.token_urlsafe(24),
            "mfa_secret": base64.b32encode(secrets.token_bytes(10)).decode(),
        }
        for name in COPIED[:1] + COPIED[2:]:
            shutil.copyfile(os.path.join(HERE, name), ctx.p(name))
            ctx.own(ctx.p(name), 0o644)
        write_file(ctx, ctx.p("verifier.log"), "", 0o644)
        make_tls(ctx)
        pam_module(ctx)
        cfg["pg_port"] = free_port(ipv6)
        init_cluster(ctx, cfg["pg_port"], ipv6)
        say(args, "starting the STS emulator")
        cfg["sts_url"] = start_sts(ctx, cfg)
        write_file(ctx, ctx.p("verifier.json"), json.dumps({
            "endpoint_host": ENDPOINT_HOST, "pg_port": cfg["pg_port"], "region": REGION,
            "account": ACCOUNT, "dbi_resource_id": DBI_RESOURCE_ID,
            "sts_url": cfg["sts_url"], "log": ctx.p("verifier.log")}, indent=2) + "\n")
        os.mkdir(ctx.p("pam.d"), 0o755)
        ctx.own(ctx.p("pam.d"), 0o755)
        write_file(ctx, ctx.p("pam.d", PAM_SERVICE), pam_service_text(ctx))
        # libpam falls back to "other" for unknown services: deny.
        deny = next((d for d in ("/usr/lib/x86_64-linux-gnu/security/pam_deny.so",
                                 "/lib/x86_64-linux-gnu/security/pam_deny.so",
                                 "/usr/lib/security/pam_deny.so") if os.path.exists(d)),
                    "pam_deny.so")
        write_file(ctx, ctx.p("pam.d", "other"),
                   f"auth requisite {deny}\naccount requisite {deny}\n")
        say(args, f"starting PostgreSQL on 127.0.0.1:{cfg['pg_port']}")
        start_postgres(ctx, use_wrapper=True)
        psql_admin(ctx, cfg["pg_port"], file=os.path.join(HERE, "seed.sql"), db="postgres")
        cfg["pam"] = "pam_wrapper"
        if pam_self_test(ctx, cfg["pg_port"]) != "ok":
            if not ctx.root:
                raise SandboxError("PAM through pam_wrapper does not reach the verifier and "
                                   "the /etc/pam.d fallback needs root:\n" + tail(ctx.p("postgres.log")))
            say(args, f"pam_wrapper did not work; falling back to {SYSTEM_PAM_FILE}")
            with open(ctx.p("postgres.log"), "a", encoding="utf-8") as f:
                f.write(f"sandbox: pam_wrapper did not work; using {SYSTEM_PAM_FILE}\n")
            stop_postgres(ctx)
            write_file(ctx, ctx.p("system-pam"), SYSTEM_PAM_FILE + "\n")
            with open(SYSTEM_PAM_FILE, "w", encoding="utf-8") as f:
                f.write(pam_service_text(ctx))
            start_postgres(ctx, use_wrapper=False)
            cfg["pam"] = SYSTEM_PAM_FILE
            if pam_self_test(ctx, cfg["pg_port"]) != "ok":
                raise SandboxError("the PAM chain does not reach the verifier:\n"
                                   + tail(ctx.p("postgres.log")))
        proc = start_daemon(ctx, "fwd", [PYTHON, ctx.p("tcp_forward.py"), "--port", "0",
                                         "--port-file", ctx.p("fwd.port"), "--target-host",
                                         "127.0.0.1", "--target-port", str(cfg["pg_port"]),
                                         "--log", ctx.p("fwd.log")])
        cfg["fwd_port"] = wait_port_file(ctx, "fwd", proc, ctx.p("fwd.port"))
        write_profiles(ctx, cfg)
        write_aws_files(ctx, cfg)
        public = {k: cfg[k] for k in ("pg_port", "fwd_port", "sts_url", "pam")}
        write_file(ctx, ctx.p("sandbox.json"), json.dumps(public, indent=2) + "\n")
        write_file(ctx, ctx.p("sandbox.env"), env_lines(ctx, cfg), 0o644)
        if args.big_rows is not None:
            r = subprocess.run([os.path.join(HERE, "gen_big_table"), str(args.big_rows)],
                               env={**os.environ, "PGIAM_SANDBOX_ADMIN": (
                                   f"host={ctx.p('run')} port={cfg['pg_port']} user={ADMIN} dbname=sample_db")},
                               capture_output=True, text=True)
            if r.returncode != 0:
                raise SandboxError(f"gen_big_table failed: {r.stderr.strip()}")
    except (SandboxError, OSError, subprocess.SubprocessError, KeyboardInterrupt) as e:
        print(f"sandbox: up failed: {e}", file=sys.stderr)
        stop_all(ctx)
        if os.environ.get("PGIAM_SANDBOX_KEEP_FAILED"):
            print(f"sandbox: kept {ctx.state} for inspection", file=sys.stderr)
        else:
            remove_state(ctx)
        return 1
    say(args, f"up in {time.monotonic() - t0:.1f} s: PostgreSQL 127.0.0.1:{cfg['pg_port']} "
              f"(as {ENDPOINT_HOST}), STS {cfg['sts_url']}, forwarder 127.0.0.1:{cfg['fwd_port']}, "
              f"PAM via {cfg['pam']}")
    say(args, f"profiles in {ctx.p('profiles')}; source the env file printed below")
    print(ctx.p("sandbox.env"))
    return 0


def down(args, ctx):
    if not os.path.exists(ctx.state):
        say(args, "not up")
        return 0
    stop_all(ctx)
    if args.keep:
        say(args, f"stopped; state kept in {ctx.state}")
    else:
        remove_state(ctx)
        say(args, "stopped and removed")
    return 0


def restart_db(args, ctx):
    """Restarts PostgreSQL only (same port, data and PAM set-up): open sessions drop,
    for tests of reconnection."""
    try:
        with open(ctx.p("sandbox.json"), encoding="utf-8") as f:
            cfg = json.load(f)
    except (OSError, ValueError):
        print("sandbox: not up", file=sys.stderr)
        return 1
    stop_postgres(ctx)
    try:
        start_postgres(ctx, use_wrapper=cfg["pam"] == "pam_wrapper")
    except SandboxError as e:
        print(f"sandbox: restart failed: {e}", file=sys.stderr)
        return 1
    say(args, f"PostgreSQL restarted on 127.0.0.1:{cfg['pg_port']}")
    return 0


def main(argv):
    p = argparse.ArgumentParser(prog="sandbox", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    u = sub.add_parser("up", help="start the sandbox (idempotent); prints the env file path")
    u.add_argument("--quiet", action="store_true", help="print only the env file path")
    u.add_argument("--big-rows", type=int, metavar="N", help="also create public.big_table with N rows")
    u.add_argument("--state-dir", help="state directory (default /tmp/pgiam-sandbox-<hash>)")
    d = sub.add_parser("down", help="stop what up started and remove the state directory")
    d.add_argument("--quiet", action="store_true")
    d.add_argument("--keep", action="store_true", help="keep the state directory (logs)")
    d.add_argument("--state-dir")
    r = sub.add_parser("restart-db", help="restart PostgreSQL only (sessions drop)")
    r.add_argument("--quiet", action="store_true")
    r.add_argument("--state-dir")
    args = p.parse_args(argv)
    if args.cmd == "up" and args.big_rows is not None and args.big_rows < 0:
        p.error("--big-rows must be >= 0")
    ctx = Ctx(resolve_state_dir(args))
    ctx.lookup_user()
    # One up/down at a time per state directory.
    lock_path = ctx.state.rstrip("/") + ".lock"
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        rc = {"up": up, "down": down, "restart-db": restart_db}[args.cmd](args, ctx)
        if not os.path.exists(ctx.state):
            try:
                os.unlink(lock_path)
            except OSError:
                pass
        return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
