#!/usr/bin/env python3
"""tls_reasons.py - a refused database certificate is explained with its real reason
(issue 10, item 4): libpq 15 says only "certificate verify failed", and pgiam used to
answer every such failure with "the CA bundle does not hold the CA", also for an
expired certificate. Here each case gets its own reason and fix, in `pgiam check
--json` and in `pgiam sql`'s error line (and a certificate's hostile names escaped):

  expired       the notAfter date, "must be renewed", the CA bundle is not the cause
  not yet valid the notBefore date and this machine's clock
  other CA      the issuer's name and that the CA bundle does not hold it
  name mismatch every name of the certificate (libpq names only the first) and the
                endpoint

The server is a small TLS server on 127.0.0.1 that speaks PostgreSQL's SSLRequest
prelude (8 bytes, then 'S') and then TLS with the case's certificate; the certificates
come from the openssl CLI (`openssl ca -startdate/-enddate` sets dates in the past and
in the future). The server also checks that no connection, libpq's or pgiam's second
one, sends any byte after the handshake: the probe sends no credentials.
"""
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

BIN = os.environ.get("PGIAM_BIN", "build/pgiam")
ENDPOINT = "db-tls.abc123xyz.ap-northeast-1.rds.amazonaws.com"
failures = []


def check(cond, what, out=""):
    if cond:
        print("ok: " + what)
    else:
        failures.append(what)
        print("FAIL: " + what + ("\n--- output ---\n" + out if out else ""), file=sys.stderr)


CA_CNF = """[ca]
default_ca = tc
[tc]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = pol
unique_subject = no
[pol]
commonName = supplied
"""


class Certs:
    """Two CAs and the four server certificates, made with the openssl CLI in d."""

    def __init__(self, d):
        self.d = d
        with open(os.path.join(d, "ca.cnf"), "w") as f:
            f.write(CA_CNF)
        open(os.path.join(d, "index.txt"), "w").close()
        with open(os.path.join(d, "serial"), "w") as f:
            f.write("01\n")
        self.ca("ca", "pgiam test RDS CA")
        self.ca("other", "Some Other CA")
        self.key("server")
        self.ca_pem = os.path.join(d, "ca.pem")

    def ossl(self, *args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=self.d)

    def key(self, name):
        self.ossl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                  "-out", name + ".key")

    def ca(self, name, cn):
        self.key(name)
        self.ossl("req", "-x509", "-new", "-key", name + ".key", "-out", name + ".pem",
                  "-days", "2", "-subj", "/CN=" + cn,
                  "-addext", "basicConstraints=critical,CA:TRUE",
                  "-addext", "keyUsage=critical,keyCertSign,cRLSign")

    def server(self, name, ca="ca", names=(ENDPOINT,), start=None, end=None):
        """A server certificate for names; start/end as YYYYMMDDHHMMSSZ (default: now, 2 days)."""
        with open(os.path.join(self.d, name + ".ext"), "w") as f:
            f.write("subjectAltName = " + ", ".join("DNS:" + n for n in names) + "\n"
                    "basicConstraints = critical, CA:FALSE\n"
                    "extendedKeyUsage = serverAuth\n")
        self.ossl("req", "-new", "-key", "server.key", "-out", name + ".csr",
                  "-subj", "/CN=" + names[0])
        dates = ["-startdate", start, "-enddate", end] if start else ["-days", "2"]
        self.ossl("ca", "-batch", "-config", "ca.cnf", "-cert", ca + ".pem", "-keyfile",
                  ca + ".key", "-in", name + ".csr", "-out", name + ".pem", "-notext",
                  "-extfile", name + ".ext", *dates)
        return os.path.join(self.d, name + ".pem")


class PgTlsServer:
    """Answers PostgreSQL's SSLRequest with 'S', then TLS with one certificate; records
    how many connections came and how many bytes any of them sent after the handshake."""

    def __init__(self, cert, key, stall_from=None):
        self.stall_from = stall_from  # this connection and later ones never get an answer
        self.stalled = threading.Event()
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.app_bytes = 0
        self.lock = threading.Lock()
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.one, args=(c,), daemon=True).start()

    def one(self, c):
        with self.lock:
            self.connections += 1
            n = self.connections
        c.settimeout(10)
        try:
            req = b""
            while len(req) < 8:
                chunk = c.recv(8 - len(req))
                if not chunk:
                    return
                req += chunk
            if req != b"\x00\x00\x00\x08\x04\xd2\x16\x2f":
                return
            if self.stall_from and n >= self.stall_from:
                self.stalled.set()
                c.settimeout(30)
                c.recv(1)  # until the client gives up
                return
            c.sendall(b"S")
            t = self.ctx.wrap_socket(c, server_side=True)
            while True:
                data = t.recv(4096)
                if not data:
                    break
                with self.lock:
                    self.app_bytes += len(data)
        except (OSError, ssl.SSLError):
            pass
        finally:
            c.close()

    def close(self):
        self.sock.close()


def profile(d, name, port, ca_bundle):
    with open(os.path.join(d, name + ".ini"), "w") as f:
        f.write("[profile]\n"
                f"endpoint = {ENDPOINT}:5432\n"
                "region = ap-northeast-1\n"
                f"connect_host = 127.0.0.1:{port}\n"
                "database = sample_db\n"
                "db_user = iam_user\n"
                f"ca_bundle = {ca_bundle}\n")


def run(args, d):
    p = subprocess.run([BIN] + args, capture_output=True, text=True, env=run_env(d),
                       timeout=30)
    return p.returncode, p.stdout, p.stderr


def run_env(d):
    env = dict(os.environ)
    for k in ("PGIAM_PROFILES", "AWS_PROFILE", "AWS_SESSION_TOKEN", "PGSSLROOTCERT", "PGSSLCRL"):
        env.pop(k, None)
    # static source credentials: the token is signed locally, nothing goes to STS
    env.update({"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
                "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "AWS_CONFIG_FILE": os.path.join(d, "no-config"),
                "AWS_SHARED_CREDENTIALS_FILE": os.path.join(d, "no-credentials"),
                "HOME": d})
    return env


def tls_message(out):
    """The failing step's message from `pgiam check --json` (the TLS step, number 5)."""
    try:
        doc = json.loads(out)
    except ValueError:
        return ""
    found = []

    def walk(o):
        if isinstance(o, dict):
            if o.get("step") == "TLS" and o.get("message"):
                found.append(o["message"])
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
    walk(doc)
    return found[0] if found else ""


def reasons(certs, d):
    """Each kind of refused certificate says its own reason and fix."""
    key = os.path.join(d, "server.key")
    cases = {
        "expired": (certs.server("expired", start="20200101000000Z", end="20200201000000Z"),
                    [r"expired on 2020-02-01 00:00:00 UTC", r"must be renewed",
                     r"the CA bundle is not the cause", r"clock"],
                    [r"does not hold"]),
        "future": (certs.server("future", start="20400101000000Z", end="20400201000000Z"),
                   [r"not valid before 2040-01-01 00:00:00 UTC",
                    r"this machine's clock says \d{4}-\d\d-\d\d", r"NTP"],
                   [r"does not hold"]),
        "otherca": (certs.server("otherca", ca="other"),
                    [r"issued by CN ?= ?Some Other CA", r"CA bundle does not hold",
                     r"https://truststore\.pki\.rds\.amazonaws\.com/ap-northeast-1/"],
                    [r"expired", r"renewed"]),
        "mismatch": (certs.server("mismatch", names=("replica-a.example.internal",
                                                     "replica-b.example.internal")),
                     [r"replica-a\.example\.internal, replica-b\.example\.internal",
                      r"the endpoint " + re.escape(ENDPOINT) + r" is not one of them",
                      r"set connect_host"],
                     [r"does not hold", r"expired"]),
    }
    for name, (cert, want, unwanted) in cases.items():
        srv = PgTlsServer(cert, key)
        profile(d, name, srv.port, certs.ca_pem)
        rc, out, err = run(["check", "--profiles", d, "--profile", name, "--json"], d)
        msg = tls_message(out)
        check(rc == 15 and msg, "%s: check fails at the TLS step (exit 10 + 5)" % name, out + err)
        for w in want:
            check(re.search(w, msg), "%s: check says /%s/" % (name, w), msg or out + err)
        for u in unwanted:
            check(not re.search(u, msg), "%s: check does not say /%s/" % (name, u), msg)
        check(srv.connections >= 2, "%s: a second handshake was made (%d connections)"
              % (name, srv.connections))
        rc, out, err = run(["sql", "--profiles", d, "--profile", name, "-c", "select 1"], d)
        check(rc != 0 and re.search(want[0], out + err),
              "%s: pgiam sql's error says /%s/" % (name, want[0]), out + err)
        check(srv.app_bytes == 0, "%s: no connection sent anything after the handshake "
              "(%d bytes)" % (name, srv.app_bytes))
        srv.close()


def hostile_names(certs, d):
    """A certificate's names are the server's text: control characters in them (ESC,
    the C1 CSI) reach the output escaped, never raw."""
    certs.ca("evil", "Evil\x1b[31mCA\u009bX")
    srv = PgTlsServer(certs.server("hostile", ca="evil",
                                   names=("db\x1b[2J.example", "b\u009b.example")),
                      os.path.join(d, "server.key"))
    profile(d, "hostile", srv.port, certs.ca_pem)
    rc, out, err = run(["check", "--profiles", d, "--profile", "hostile"], d)
    check(rc == 15 and "issued by CN = Evil\\1B[31mCA" in out and "db?[2J.example" in out,
          "hostile names: the issuer and the names are given, escaped", out + err)
    check(not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", out + err),
          "hostile names: no control character in the output", repr(out + err))
    srv.close()


def stalled_probe(certs, d):
    """A second handshake that gets no answer is given up after its 5 s: the failure is
    then reported as before (the generic fix), saying the reason could not be checked."""
    srv = PgTlsServer(certs.server("stall", start="20200101000000Z", end="20200201000000Z"),
                      os.path.join(d, "server.key"), stall_from=2)
    profile(d, "stall", srv.port, certs.ca_pem)
    t0 = time.monotonic()
    rc, out, err = run(["check", "--profiles", d, "--profile", "stall", "--json"], d)
    took = time.monotonic() - t0
    msg = tls_message(out)
    check(rc == 15 and srv.stalled.is_set(), "stalled probe: check fails at the TLS step",
          out + err)
    check("the reason could not be checked" in msg and "timed out during SSLRequest" in msg
          and "fix: the CA bundle does not hold the CA" in msg,
          "stalled probe: says it could not check, and the usual fix", msg)
    check(took < 12, "stalled probe: bounded (%.1f s)" % took)
    srv.close()


def cancelled_probe(certs, d):
    """A cancel while the second handshake waits ends the connect at once."""
    srv = PgTlsServer(certs.server("cancel", start="20200101000000Z", end="20200201000000Z"),
                      os.path.join(d, "server.key"), stall_from=2)
    profile(d, "cancel", srv.port, certs.ca_pem)
    env = run_env(d)
    p = subprocess.Popen([BIN, "sql", "--profiles", d, "--profile", "cancel"], env=env,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        # `pgiam sql` connects at once; \cancel on stdin acts while it connects
        probing = srv.stalled.wait(20)
        t0 = time.monotonic()
        out, err = p.communicate("\\cancel\n", timeout=20)
        took = time.monotonic() - t0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    events = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    check(probing, "cancelled probe: the second handshake started", out + err)
    check(any(e.get("event") == "cancelled" for e in events) and
          not any(e.get("event") == "error" and e.get("step") == "TLS" for e in events),
          "cancelled probe: the connect is cancelled, not reported as a TLS failure", out + err)
    # the probe alone would wait 5 s for its answer
    check(took < 3, "cancelled probe: pgiam ended %.1f s after the cancel" % took)
    srv.close()


def main():
    with tempfile.TemporaryDirectory(prefix="pgiam-tlsreasons-") as d:
        certs = Certs(d)
        reasons(certs, d)
        hostile_names(certs, d)
        stalled_probe(certs, d)
        cancelled_probe(certs, d)
    if failures:
        print("%d failure(s)" % len(failures), file=sys.stderr)
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
