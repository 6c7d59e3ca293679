"""pglocal - a throwaway PostgreSQL 15 cluster for the session tests that need no IAM.

Started in a temporary directory as an unprivileged user (when run as root, as the
system user pgiam-sandbox, created when missing), on a free loopback port, with TLS
from a CA generated here for an RDS-like name, password (SCRAM) logins over TLS only,
and the walkthrough's seed data (sample_db, customers, readonly_role, a read-only and
a read-write user). Used as a context manager:

    with pglocal.Cluster() as pg:
        pg.port, pg.ca, pg.host, pg.password ...

The IAM path itself (tokens checked by botocore) is the sandbox's job (tests/sandbox/).
"""
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

PGBIN = "/usr/lib/postgresql/15/bin"
HOST = "localpg-db.abc123xyz.ap-northeast-1.rds.amazonaws.com"
USER = "pgiam-sandbox"

SEED = """
CREATE ROLE readonly_role;
GRANT CONNECT ON DATABASE sample_db TO readonly_role;
CREATE USER ro_user WITH LOGIN PASSWORD '{pw}';
GRANT readonly_role TO ro_user;
CREATE USER rw_user WITH LOGIN PASSWORD '{pw}';
"""
SEED_DB = """
CREATE TABLE customers (customer_id SERIAL PRIMARY KEY, name VARCHAR(100),
                        email VARCHAR(100), age INT);
INSERT INTO customers (name, email, age) VALUES
  ('Alice Smith', 'alice@example.com', 30),
  ('Bob Johnson', 'bob@example.com', 25),
  ('Charlie Brown', 'charlie@example.com', 35),
  ('山田太郎', 'yamada@example.jp', 41);
GRANT USAGE ON SCHEMA public TO readonly_role;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO readonly_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON customers TO rw_user;
GRANT USAGE ON SEQUENCE customers_customer_id_seq TO rw_user;
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_user(argv, **kw):
    if os.geteuid() == 0:
        argv = ["runuser", "-u", USER, "--"] + argv
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kw)


class Cluster:
    def __init__(self):
        self.password = "pglocal-" + os.urandom(8).hex()
        self.host = HOST
        self.dir = None
        self.port = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        if os.geteuid() == 0:
            try:
                pwd.getpwnam(USER)
            except KeyError:
                subprocess.run(["useradd", "--system", "--no-create-home",
                                "--shell", "/usr/sbin/nologin", USER], check=True)
        self.dir = tempfile.mkdtemp(prefix="pgiam-pglocal-")
        os.chmod(self.dir, 0o755)
        self.data = os.path.join(self.dir, "data")
        self.ca = os.path.join(self.dir, "ca.pem")
        self._certs()
        if os.geteuid() == 0:
            shutil.chown(self.dir, USER)
        pwfile = os.path.join(self.dir, "pw")
        with open(pwfile, "w") as f:
            f.write(self.password + "\n")
        if os.geteuid() == 0:
            shutil.chown(pwfile, USER)
        _as_user([f"{PGBIN}/initdb", "-D", self.data, "-U", "postgres", "-A",
                  "scram-sha-256", "--pwfile", pwfile, "-E", "UTF8",
                  "--locale", "C.UTF-8"])
        for name in ("server.crt", "server.key"):
            shutil.copy(os.path.join(self.dir, name), os.path.join(self.data, name))
            if os.geteuid() == 0:
                shutil.chown(os.path.join(self.data, name), USER)
            os.chmod(os.path.join(self.data, name), 0o600)
        self.port = free_port()
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write(f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                    f"unix_socket_directories = '{self.dir}'\nssl = on\n"
                    "ssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n"
                    "fsync = off\n")
        with open(os.path.join(self.data, "pg_hba.conf"), "w") as f:
            f.write("local all postgres scram-sha-256\n"
                    "hostssl all all 127.0.0.1/32 scram-sha-256\n"
                    "host all all 127.0.0.1/32 reject\n")
        self.pg_ctl("start", "-w", "-l", os.path.join(self.dir, "log"))
        self.psql("postgres", "CREATE DATABASE sample_db")
        self.psql("sample_db", SEED.format(pw=self.password))
        self.psql("sample_db", SEED_DB)

    def _certs(self):
        d = self.dir
        def ossl(*args):
            subprocess.run(["openssl"] + list(args), check=True, capture_output=True, cwd=d)
        ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
             "-out", "ca.pem", "-days", "2", "-subj", "/CN=pglocal test CA")
        ossl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key",
             "-out", "server.csr", "-subj", f"/CN={HOST}")
        with open(os.path.join(d, "ext.cnf"), "w") as f:
            f.write(f"subjectAltName=DNS:{HOST}\n")
        ossl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "ext.cnf")

    def pg_ctl(self, *args):
        return _as_user([f"{PGBIN}/pg_ctl", "-D", self.data] + list(args))

    def psql(self, db, sql):
        env = dict(os.environ, PGPASSWORD=self.password)
        return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.dir,
                               "-p", str(self.port), "-U", "postgres", "-d", db, "-c", sql],
                              check=True, capture_output=True, text=True, env=env).stdout

    def restart(self):
        self.pg_ctl("restart", "-w", "-m", "fast", "-l", os.path.join(self.dir, "log"))

    def stop(self):
        if self.dir and os.path.exists(os.path.join(self.data, "postmaster.pid")):
            try:
                self.pg_ctl("stop", "-w", "-m", "immediate")
            except subprocess.CalledProcessError:
                pass
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


if __name__ == "__main__":
    import sys
    with Cluster() as pg:
        print(f"port={pg.port} ca={pg.ca} host={pg.host} password={pg.password} dir={pg.dir}")
        sys.stdout.flush()
        try:
            time.sleep(float(sys.argv[1]) if len(sys.argv) > 1 else 3600)
        except KeyboardInterrupt:
            pass
