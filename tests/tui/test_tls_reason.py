#!/usr/bin/env python3
"""test_tls_reason.py - the connect screen names the real reason a server certificate
was refused (issue 10, item 4): for an expired certificate the notAfter date and
"must be renewed", not "the CA bundle does not hold the CA". The server and the
certificates are tls_reasons.py's (a TLS server on 127.0.0.1 behind PostgreSQL's
SSLRequest prelude)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import tls_reasons  # noqa: E402
from tuilib import BIN, Fail, Tmux, run, tempdir  # noqa: E402


def main():
    d = tempdir()
    certs = tls_reasons.Certs(d)
    srv = tls_reasons.PgTlsServer(
        certs.server("expired", start="20200101000000Z", end="20200201000000Z"),
        os.path.join(d, "server.key"))
    tls_reasons.profile(d, "expired", srv.port, certs.ca_pem)
    env = {k: v for k, v in tls_reasons.run_env(d).items()
           if k.startswith(("AWS_", "HOME", "PATH"))}
    t = Tmux(cols=120, rows=40)
    try:
        t.start("%s --profiles %s --profile expired; echo PGIAM-EXITED; sleep 60" % (BIN, d),
                env=env)
        # the failure screen, once the second handshake has found the reason
        s = t.wait_for(r"TLS verification", timeout=30)
        s = t.wait_for(r"must\s+be\s+renewed", timeout=10)
        flat = " ".join(s.split())
        if "expired on 2020-02-01 00:00:00 UTC" not in flat:
            raise Fail("the connect screen does not give the notAfter date:\n" + s)
        if "does not hold" in flat:
            raise Fail("the connect screen still blames the CA bundle:\n" + s)
        t.send("q")
        t.check_sanitizers()
    finally:
        t.kill()
        srv.close()


if __name__ == "__main__":
    run(main)
