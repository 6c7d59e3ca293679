"""test_policy_view.py - the home screen's policy view (p) is built by the core in a
thread, not by forking `pgiam policy` (issue 9): while GetCallerIdentity waits on an
STS endpoint that never answers, the view shows it is waiting, pgiam has no child
process, and the view closes at once with the screen still usable. A profile whose
STS endpoint refuses the connection gets the warning and the placeholder principal.
No sandbox needed: loopback sockets opened here, fake keys in the environment."""
import os
import socket

from tuilib import BIN, Fail, Tmux, child_pid, child_pid_once, run, tempdir, write_profile

ROLE = "arn:aws:iam::123456789012:role/view-role"


def main():
    d = tempdir()
    silent = socket.socket()            # accepts (backlog) and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)
    closed = socket.socket()            # bound, not listening: connection refused
    closed.bind(("127.0.0.1", 0))
    common = dict(endpoint="db.abc123.us-east-1.rds.amazonaws.com:5432", database="d",
                  db_user="view_user", role_arn=ROLE)
    write_profile(d, "a-refused", sts_endpoint="http://127.0.0.1:%d/" % closed.getsockname()[1], **common)
    write_profile(d, "b-stuck", sts_endpoint="http://127.0.0.1:%d/" % silent.getsockname()[1], **common)
    env = {"TERM": "xterm-256color", "AWS_ACCESS_KEY_ID": "AKIAVIEWTESTVIEWTEST",
           "AWS_SECRET_ACCESS_KEY": "view/test/secret/not/a/real/one/0000000",
           "AWS_CONFIG_FILE": os.path.join(d, "none"),
           "AWS_SHARED_CREDENTIALS_FILE": os.path.join(d, "none"),
           "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:9/"}
    t = Tmux(120, 40)
    try:
        t.start("%s --profiles %s; echo PGIAM-EXITED; sleep 60" % (BIN, d), env=env)
        t.wait_stable(r"a-refused[\s\S]*b-stuck")
        pid = child_pid(t.pane_pid())
        # the first profile: STS refuses the connection; the report is complete
        t.send("p")
        s = t.wait_for(r"Trust policy of \S+ -- GetCallerIdentity failed")
        for text in ("pgiam · Policy: a-refused", "warning: cannot ask STS who the source principal is",
                     "<source-principal-arn>", "dbuser:*/view_user"):
            if text not in s:
                raise Fail("the policy view lacks %r:\n%s" % (text, s))
        t.send("q")
        t.wait_for(r"pgiam · Profiles")
        # the second: STS never answers; the view waits (its marker only while waiting)
        t.send("Down")
        t.send("p")
        s = t.wait_stable(r"pgiam · Policy: b-stuck[\s\S]*\n\s*\u2026\s*\n")
        if "IAM policy" in s:
            raise Fail("the stuck view shows a report before STS answered:\n" + s)
        child = child_pid_once(pid)
        if child:
            raise Fail("pgiam started a child process (%d) for the policy view" % child)
        # closing does not wait for STS; the list answers keys again
        t.send("q")
        t.wait_for(r"pgiam · Profiles")
        t.send("Up")
        t.send("p")
        t.wait_for(r"pgiam · Policy: a-refused[\s\S]*GetCallerIdentity failed")
        t.send("q")
        t.wait_for(r"pgiam · Profiles")
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()
        silent.close()
        closed.close()


run(main)
