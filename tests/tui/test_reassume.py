"""test_reassume.py - the TUI's event log says when a revoked role session is assumed
again (issue 10, item 2). On a copy of sandbox-ro with its own session name: connect,
set a marker application_name, revoke that role session in the STS emulator, terminate
this backend (found by the marker); the connection loss shows, and the next
query reconnects: the server refuses the token signed with the cached session, pgiam
assumes the role again and the query runs. The event log (F3) says the session was
refused and dropped, and the role assumed again. Only this test's own session and
backend are touched: it runs beside others. Skipped (77) without PGIAM_SANDBOX_ENV."""
import os
import re

from tuilib import BIN, Fail, Tmux, admin_sql, run, sandbox_env, sts_control, tempdir

ROLE = "arn:aws:iam::123456789012:role/sf-udf-rds-auth-role"


def main():
    env = sandbox_env()
    env["TERM"] = "screen-256color"
    name = "pgiam-tui-reassume-%d" % os.getpid()
    marker = "reassume-marker-%d" % os.getpid()
    d = tempdir()
    with open(os.path.join(env["PGIAM_SANDBOX_PROFILES"], "sandbox-ro.ini")) as f:
        text = f.read()
    with open(os.path.join(d, "reassume.ini"), "w") as f:
        f.write(text + "session_name = %s\n" % name)
    os.chmod(os.path.join(d, "reassume.ini"), 0o600)
    t = Tmux(120, 30)
    try:
        t.start("%s --profiles %s --profile reassume; echo PGIAM-EXITED; sleep 60" % (BIN, d),
                env=env)
        s = t.wait_for(r"connected · TLS verified|Not connected", timeout=30)
        if "Not connected" in s:
            raise Fail("the profile did not connect:\n" + s)
        t.editor()   # the workbench, then its SQL editor (issue 13)
        # the backend is found by its application_name: a SELECT's text is no longer
        # its last query (results are read through a cursor, then closed)
        t.run_sql("SET application_name = '%s'" % marker)
        t.run_sql("SELECT upper(current_setting('application_name')) AS app")
        t.wait_for(marker.upper())  # only the result has it in capitals
        got = sts_control(env, "/_sandbox/revoke", {"role_arn": ROLE, "session_name": name})
        if got.get("revoked") != 1:
            raise Fail("the emulator did not revoke the session: %r" % got)
        n = admin_sql(env, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                           "WHERE usename = 'iam_ro_user' AND application_name = '%s' AND "
                           "pid <> pg_backend_pid()" % marker).strip()
        if n != "1":
            raise Fail("found %s backends to terminate" % n)
        t.wait_for(r"connection lost", timeout=30)
        t.send("C-u")
        t.run_sql("SELECT 6 * 7 AS answer")
        # the result's column header, or a failure
        s = t.wait_stable(r"(?m)^ +answer *$|ERROR|connect failed", timeout=30)
        if not re.search(r"(?m)^ +answer *\n +42 *$", s):
            raise Fail("the query after the revocation did not run:\n" + s)
        t.send("F3")
        s = t.wait_stable(r"pgiam · Event log")
        for text in ("refused a token signed with the cached session", "assuming the role again",
                     "reconnected to"):
            if text not in s:
                raise Fail("the event log lacks %r:\n%s" % (text, s))
        if s.count("assumed role") < 2:
            raise Fail("the event log does not show the role assumed again:\n" + s)
        t.send("q")
        t.wait_for(r"pgiam · Connected")
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()


run(main)
