"""test_explore_home.py - rough edges found by using the home screen: a profile whose
only problem is a warning (a CA bundle that cannot be read, which `pgiam profiles`
prints and on which the connection then fails) says so on the home screen instead
of looking like a healthy profile; the edit form shows long values whole when they fit
and from their start when not; TERM=dumb is refused with a reason."""
from tuilib import BIN, Fail, Tmux, run, tempdir, write_profile

ENDPOINT = "sample-db.abc123xyz.ap-northeast-1.rds.amazonaws.com:5432"


def main():
    d = tempdir()
    write_profile(d, "noca", endpoint=ENDPOINT, database="sample_db",
                  db_user="iam_ro_user", role_arn="arn:aws:iam::123456789012:role/demo-ro",
                  external_id="ext-1", ca_bundle="/nonexistent/pgiam-ca.pem")
    t = Tmux(120, 30)
    try:
        t.start("%s --profiles %s; echo PGIAM-EXITED; sleep 60" % (BIN, d))
        s = t.wait_for(r"pgiam · Profiles")
        s = t.wait_for(r"noca\s+sample-db")
        row = s.split("noca", 1)[1].splitlines()[0]
        if "1 warning" not in row:
            raise Fail("the noca row does not count its warning:\n" + s)
        t.wait_for(r"ca_bundle: /nonexistent/pgiam-ca\.pem cannot be read")
        # The edit form: fields not being edited show their start (whole when the
        # terminal is wide enough, else cut with an ellipsis), never a tail that
        # reads like the whole value.
        t.send("e")
        # settled, with the fields drawn: a capture can catch the title alone
        s = t.wait_stable(r"(?ms)pgiam · Edit profile noca.*^ endpoint.*^ role_arn")
        lines = s.splitlines()
        ep = next(l for l in lines if l.startswith(" endpoint"))
        arn = next(l for l in lines if l.startswith(" role_arn"))
        if ENDPOINT not in ep:
            raise Fail("at 120 columns the endpoint field does not show it whole:\n" + s)
        if "arn:aws:iam::123456789012:role/" not in arn:
            raise Fail("the role_arn field does not show its start:\n" + s)
        t.send("Escape")
        t.wait_for(r"pgiam · Profiles")
        t.resize(70, 30)
        t.wait_for(r"noca\s+sample-db\.\S*\u2026")   # redrawn at 70 columns
        t.send("e")
        s = t.wait_stable(r"(?ms)pgiam · Edit profile noca.*^ endpoint")
        ep = next(l for l in s.splitlines() if l.startswith(" endpoint"))
        if "sample-db.abc123xyz" not in ep or "\u2026" not in ep:
            raise Fail("at 70 columns the endpoint field does not show its start:\n" + s)
        t.send("Escape")
        t.wait_for(r"pgiam · Profiles")
        t.send("q")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()
    # TERM=dumb cannot move the cursor: a clear refusal, not a blank screen.
    t = Tmux(120, 30)
    try:
        t.start("%s --profiles %s; echo PGIAM-EXITED rc=$?; sleep 60" % (BIN, d),
                env={"TERM": "dumb"})
        s = t.wait_for(r"PGIAM-EXITED")
        if "cannot move the cursor" not in s or "rc=2" not in s:
            raise Fail("TERM=dumb not refused clearly:\n" + s)
        t.check_sanitizers()
    finally:
        t.kill()


run(main)
