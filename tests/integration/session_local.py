"""session_local - the session against a throwaway PostgreSQL with TLS and password
logins (no IAM): rows, refusals explained, read-only enforced by the server, failures
named by step, reconnect after a server restart, cancel, and the tunnel (hostaddr)
path with verify-full. The IAM token path is tested against the sandbox
(session_sandbox.py)."""
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pglocal  # noqa: E402
import sqlproc  # noqa: E402

failures = []


class OneConnectionForward:
    """A forward that serves one TCP connection at a time, like some SSM port
    forwards: a second connection (a cancel request) waits in the backlog."""

    def __init__(self, port):
        self.lsock = socket.socket()
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(8)
        self.port = self.lsock.getsockname()[1]
        self.target = port
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                c, _ = self.lsock.accept()
            except OSError:
                return
            u = socket.create_connection(("127.0.0.1", self.target))
            done = threading.Event()

            def pump(a, b):
                try:
                    while True:
                        d = a.recv(65536)
                        if not d:
                            break
                        b.sendall(d)
                except OSError:
                    pass
                done.set()
            threading.Thread(target=pump, args=(c, u), daemon=True).start()
            threading.Thread(target=pump, args=(u, c), daemon=True).start()
            done.wait()  # only then the next connection
            c.close()
            u.close()


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def main():
    with pglocal.Cluster() as pg:
        env = dict(os.environ, PGL_PW=pg.password, PGL_BAD="wrong-password")
        base = ["--host", pg.host, "--port", str(pg.port), "--connect-host", "127.0.0.1",
                "--dbname", "sample_db", "--sslrootcert", pg.ca, "--password-env", "PGL_PW"]

        rc, ev, _ = sqlproc.run(base + ["--user", "ro_user"],
                                "SELECT name FROM customers ORDER BY customer_id", env)
        rows = [e["values"] for e in ev if e["event"] == "row"]
        check(rc == 0 and rows[:3] == [["Alice Smith"], ["Bob Johnson"], ["Charlie Brown"]],
              "ro_user reads customers")
        check(["山田太郎"] in rows, "UTF-8 text arrives intact")
        steps = [e["step"] for e in ev if e["event"] == "step" and e["done"]]
        check(steps == ["TCP connect", "TLS", "authentication", "session"],
              f"connect steps reported in order ({steps})")
        conn = sqlproc.first(ev, "connected")
        check(conn and conn["tls"] and conn["tls_subject"] == "/CN=" + pg.host
              and conn["ca_bundle"] == pg.ca and conn["sslmode"] == "verify-full",
              "TLS verified for the endpoint name against the given bundle")

        req = list(base)
        del req[req.index("--sslrootcert"):req.index(pg.ca) + 1]
        rc, ev, _ = sqlproc.run(req + ["--user", "ro_user", "--sslmode", "require"], "SELECT 1", env)
        tls = [e["detail"] for e in ev if e["event"] == "step" and e["step"] == "TLS" and e["done"]]
        check(rc == 0 and "NOT verified (sslmode require)" in tls[0]
              and sqlproc.first(ev, "connected")["tls_verified"] == "no",
              "sslmode require: encrypted but reported as not verified")
        check(conn["tls_verified"] == "verify-full", "verify-full reported as such")

        rc, ev, _ = sqlproc.run(base + ["--user", "ro_user"],
                                "INSERT INTO customers (name, email, age) VALUES ('Eve', 'e@x', 1)", env)
        err = sqlproc.first(ev, "error")
        check(rc == 10 + 9 and err and err["sqlstate"] == "42501", "ro_user INSERT refused with 42501")
        check(err and sqlproc.why(err).startswith(
              "INSERT refused: role ro_user (member of readonly_role) lacks INSERT on table "
              "public.customers; it holds SELECT (through readonly_role); fix: GRANT INSERT ON "
              "TABLE public.customers TO ro_user;"), f"refusal explained ({err and sqlproc.why(err)})")

        rc, ev, _ = sqlproc.run(base + ["--user", "rw_user"],
                                "INSERT INTO customers (name, email, age) VALUES ('Eve', 'e@x', 1)", env)
        check(rc == 0 and sqlproc.first(ev, "command")["tag"] == "INSERT 0 1", "rw_user inserts")

        rc, ev, _ = sqlproc.run(base + ["--user", "rw_user", "--read-only"],
                                "DELETE FROM customers WHERE name = 'Eve'", env)
        err = sqlproc.first(ev, "error")
        check(sqlproc.first(ev, "connected")["read_only_enforced"] is True,
              "read-only reported as enforced by the server")
        check(err and err["sqlstate"] == "25006" and "read-only" in sqlproc.why(err),
              "read-only session refuses DELETE (25006), explained")

        rc, ev, _ = sqlproc.run(base + ["--user", "ro_user"], "SELECT nosuchcolumn FROM customers", env)
        err = sqlproc.first(ev, "error")
        check(err and err["sqlstate"] == "42703" and err["position"] == 8,
              "server errors keep SQLSTATE and position")

        # failures named by their step
        bad = list(base)
        bad[bad.index("PGL_PW")] = "PGL_BAD"
        rc, ev, _ = sqlproc.run(bad + ["--user", "ro_user"], "SELECT 1", env)
        err = sqlproc.first(ev, "error")
        check(rc == 10 + 6 and err["step"] == "authentication", "wrong password: authentication step")
        wrong = list(base)
        wrong[wrong.index(pg.host)] = "other-db.abc123xyz.ap-northeast-1.rds.amazonaws.com"
        rc, ev, _ = sqlproc.run(wrong + ["--user", "ro_user"], "SELECT 1", env)
        err = sqlproc.first(ev, "error")
        check(rc == 10 + 5 and "other-db" in err["message"] and pg.ca in err["message"],
              f"TLS name mismatch names the name and the CA file ({err['message'][:80]})")
        refused = list(base)
        refused[refused.index("127.0.0.1")] = "127.0.0.1:1"
        rc, ev, _ = sqlproc.run(refused + ["--user", "ro_user"], "SELECT 1", env)
        check(rc == 10 + 4 and sqlproc.first(ev, "error")["step"] == "TCP connect", "closed port: TCP step")
        rc, ev, _ = sqlproc.run(base[:-6] + ["--dbname", "nodb", "--sslrootcert", pg.ca,
                                             "--password-env", "PGL_PW", "--user", "ro_user"],
                                "SELECT 1", env)
        check(rc == 10 + 7, "missing database: authorization step")

        # a server that accepts TCP but never answers: our own deadline (libpq's
        # connect_timeout does not apply to PQconnectPoll) names the step it hung in
        import socket
        with socket.socket() as mute:
            mute.bind(("127.0.0.1", 0))
            mute.listen(8)
            hung = list(base)
            hung[hung.index("127.0.0.1")] = f"127.0.0.1:{mute.getsockname()[1]}"
            t0 = time.monotonic()
            rc, ev, _ = sqlproc.run(hung + ["--user", "ro_user", "--connect-timeout", "1"], "SELECT 1", env)
            took = time.monotonic() - t0
            err = sqlproc.first(ev, "error")
            check(rc == 10 + 5 and err["message"].startswith("TLS: timed out after 1 s") and "during TLS" in err["message"] and took < 5,
                  f"a silent server times out at the TLS step ({took:.1f} s: {err['message'][:60]})")

        # restart mid-session, then cancel, in one interactive session
        s = sqlproc.Interactive(base + ["--user", "ro_user"], env)
        try:
            s.wait_event("connected")
            s.send("SELECT count(*) FROM customers")
            check(s.wait_event("done", "error")["event"] == "done", "first query")
            pg.restart()
            s.wait_event("lost", timeout=30)
            s.send("SELECT count(*) FROM customers")
            ev = s.wait_event("reconnected", "error")
            check(ev["event"] == "reconnected" and ev["connections"] == 2,
                  "after a server restart the next query reconnects")
            check(s.wait_event("done", "error")["event"] == "done", "and succeeds")

            s.send("SELECT pg_sleep(30)")
            s.wait_event("query")
            time.sleep(0.2)  # let the statement reach the server; not a wait for a result
            t0 = time.monotonic()
            s.send("\\cancel")
            ev = s.wait_event("cancelled", "error", "done", timeout=10)
            took = time.monotonic() - t0
            check(ev["event"] == "cancelled" and took < 5, f"cancel returns ({took:.3f} s)")
            s.send("SELECT 1")
            check(s.wait_event("done", "error")["event"] == "done", "session usable after cancel")
        finally:
            s.close()
        # cancel through a forward that takes one connection at a time: the cancel
        # request cannot pass, and the session must not freeze waiting for it
        fwd = OneConnectionForward(pg.port)
        one = list(base)
        one[one.index("127.0.0.1")] = f"127.0.0.1:{fwd.port}"
        s = sqlproc.Interactive(one + ["--user", "ro_user"], env)
        try:
            s.wait_event("connected")
            s.send("SELECT pg_sleep(2)")
            s.wait_event("query")
            s.send("\\cancel")
            ev = s.wait_event("done", "cancelled", "error", timeout=10)
            check(ev["event"] == "done", "a one-connection forward: the cancel cannot pass, the query ends normally")
            t0 = time.monotonic()
            s.send("SELECT 1")
            s.send("\\info")
            info = s.wait_event("info", timeout=10)
            check(time.monotonic() - t0 < 0.5 and info["state"] == "busy",
                  "the next statement waits for the stuck cancel without blocking the loop")
            s.wait_event("done", timeout=10)
            took = time.monotonic() - t0
            check(took < 2.5, f"and only for a bounded time ({took:.2f} s)")
        finally:
            t0 = time.monotonic()
            rc = s.close()
            check(rc == 0 and time.monotonic() - t0 < 5, "and the process exits promptly")
            fwd.lsock.close()
    if failures:
        print(f"{len(failures)} failure(s)")
        sys.exit(1)


main()
