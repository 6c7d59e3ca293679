"""test_layout.py - the layout follows the terminal's width (issue 8, item 15): the
home list shows whole role ARNs and last-check texts when they fit (at 160 and 140
columns, where it used to cut them at 14 and 12 columns with the endpoint column
holding spare width; at 100 the role names are whole, the endpoint taking what is
left), its columns line up after CJK values at 160, 140, 100 and 80 columns, and a
profile's problem under the list is wrapped whole at 80x24 (at 60x12 it says it is
cut, and i shows every problem whole); the profile form shows a long value whole on
a wide terminal (it cut at 38 columns) and the active field's problem whole at the
bottom at 80x24; a connect failure is kept whole in the event log with its
explanation (it was cut at 240 bytes) and the connect screen says when it cut it.
Skipped (77) without PGIAM_SANDBOX_ENV."""
import re

from tuilib import BIN, Fail, Tmux, display_width, run, sandbox_env, tempdir, write_profile

AUDIT_ARN = "arn:aws:iam::123456789012:role/sf-udf-rds-audit-reader"
BAD_ARN = "arn:aws:iam::12345:role/badacct-role"
CA_LONG = ("/opt/certificates/amazon-rds/global-bundle-2026-rotation/ap-northeast-1/"
           "rds-ca-rsa2048-g1.pem")
KANJI_DB = "売上データ_本番_東京リージョン"
KANJI_USER = "監査担当者"


def profiles(env):
    """Three profiles: audit-ro (its check fails at AssumeRole against the sandbox's
    STS), badarn (an ARN with a 5-digit account: a long problem), kanji (CJK user
    and database, a long CA bundle path that cannot be read)."""
    d = tempdir()
    common = dict(sts_endpoint=env["PGIAM_SANDBOX_STS_URL"], duration="3600")
    write_profile(d, "audit-ro", endpoint="audit.c1.eu-west-1.rds.amazonaws.com:5432",
                  region="eu-west-1", database="sample_db", db_user="iam_ro_user",
                  role_arn=AUDIT_ARN, read_only="true", **common)
    write_profile(d, "badarn", endpoint="bad.c1.eu-west-1.rds.amazonaws.com:5432",
                  region="eu-west-1", database="sample_db", db_user="iam_ro_user",
                  role_arn=BAD_ARN, **common)
    write_profile(d, "kanji", endpoint="sales.c1.ap-northeast-1.rds.amazonaws.com:5432",
                  region="ap-northeast-1", database=KANJI_DB, db_user=KANJI_USER,
                  role_arn="arn:aws:iam::123456789012:role/kanji-role", ca_bundle=CA_LONG,
                  **common)
    return d


def start(env, d, cols, rows):
    t = Tmux(cols, rows)
    t.start("%s --profiles %s; echo PGIAM-EXITED; sleep 60" % (BIN, d), env=env)
    t.wait_for(r"kanji\s")
    return t


def row_of(screen, name):
    for line in screen.splitlines():
        if line.startswith(name + " "):
            return line
    raise Fail("no row for %s:\n%s" % (name, screen))


def lined_up(screen, marks, cols):
    """Every row's text matching marks[name] starts at the same display column, and
    no line is wider than the terminal."""
    at = set()
    for name, rx in marks.items():
        line = row_of(screen, name)
        m = re.search(rx, line)
        if not m:
            raise Fail("%s's row lacks %r:\n%s" % (name, rx, screen))
        at.add(display_width(line[:m.start()]))
    if len(at) != 1:
        raise Fail("the column does not line up after CJK values (%s):\n%s" % (at, screen))
    for line in screen.splitlines():
        if display_width(line) > cols:
            raise Fail("a line is wider than %d columns:\n%s" % (cols, screen))


def flat(text):
    """text without its whitespace: a wrapped line compares with the whole one."""
    return "".join(text.split())


def home_wide(env, d):
    t = start(env, d, 160, 45)
    try:
        # this run's check result of audit-ro: FAIL at AssumeRole
        t.send("t")
        t.wait_for(r"FAIL at step 2")   # finished: the result is remembered
        t.send("Escape")
        # (each wait is for the last row too: a capture can catch a frame half drawn)
        s = t.wait_for(r"FAIL 2 AssumeRole[\s\S]*\nkanji .*1 warning")
        row = row_of(s, "audit-ro")
        if AUDIT_ARN not in row or "FAIL 2 AssumeRole" not in row:
            raise Fail("160 columns: the whole role ARN and check do not show:\n" + s)
        lined_up(s, {"audit-ro": r"arn:aws", "badarn": r"arn:aws", "kanji": r"arn:aws"}, 160)
        # 140: the ARNs no longer fit with the rest; the role names and the check do
        t.resize(140, 30)
        s = t.wait_for(r" sf-udf-rds-audit-reader [\s\S]*\nkanji .* kanji-role .*1 warning")
        row = row_of(s, "audit-ro")
        if "FAIL 2 AssumeRole" not in row or "…" in row:
            raise Fail("140 columns: the role or the check is cut:\n" + s)
        lined_up(s, {"audit-ro": r"sf-udf-rds-audit-reader", "badarn": r"badacct-role",
                     "kanji": r"kanji-role"}, 140)
        lined_up(s, {"audit-ro": r"FAIL 2", "badarn": r"1 error", "kanji": r"1 warning"}, 140)
        t.send("q")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()


def home_narrow(env, d):
    for cols, rows in ((100, 30), (80, 24)):
        t = start(env, d, cols, rows)
        try:
            # badarn selected: its problem, whole, wrapped under the list
            t.send("Down")
            s = t.wait_for(r"badacct-role\" is not")
            bottom = "\n".join(s.splitlines()[5:])
            if flat('role_arn: "%s" is not a role ARN' % BAD_ARN) not in flat(bottom) or \
                    flat("role/sf-udf-rds-auth-role") not in flat(bottom):
                raise Fail("%dx%d: the problem is not shown whole:\n%s" % (cols, rows, s))
            lined_up(s, {"audit-ro": r"iam_ro_user", "badarn": r"iam_ro_user",
                         "kanji": KANJI_USER[:2]}, cols)
            # at 100 the role names are whole: the endpoint (cut in its middle, it
            # still reads) takes what the other columns leave
            if cols == 100 and " sf-udf-rds-audit-reader " not in row_of(s, "audit-ro"):
                raise Fail("100 columns: the role name is cut:\n" + s)
            lined_up(s, {"badarn": r"1 error", "kanji": r"1 warning"}, cols)
            t.send("q")
            t.wait_for(r"PGIAM-EXITED")
            t.check_sanitizers()
        finally:
            t.kill()


def home_smallest(env, d):
    """60x12, the smallest layout: the problem does not fit under the list; it says
    so, and i shows every problem of the profile whole."""
    t = start(env, d, 60, 12)
    try:
        t.send("Down")
        s = t.wait_for(r"i shows it whole")
        lined_up(s, {"badarn": r"1 error", "kanji": r"1 warning"}, 60)
        t.send("i")
        s = t.wait_stable(r"pgiam · Problems: badarn")
        if flat('role_arn: "%s" is not a role ARN' % BAD_ARN) not in flat(s) or \
                flat("role/sf-udf-rds-auth-role") not in flat(s):
            raise Fail("i does not show the whole problem:\n" + s)
        t.send("q")
        t.wait_for(r"i shows it whole")
        t.send("q")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()


def form(env, d):
    # 160 and 140 columns: a value of 95 columns whole, beside its message; 100: cut
    # with an ellipsis, the message keeping 16 columns; the CJK value whole in all
    for cols, rows in ((160, 45), (140, 30), (100, 30)):
        t = start(env, d, cols, rows)
        try:
            t.send("Down")
            t.send("Down")
            t.send("e")
            t.wait_for(r"Edit profile kanji")
            s = t.wait_for(r"\n name: Profile name")   # drawn after the fields
            ca = next((l for l in s.splitlines() if l.startswith(" ca_bundle")), "")
            if (CA_LONG in ca) != (cols >= 140) or "ca_bundle: " not in ca:
                raise Fail("%d columns: the ca_bundle value or its message:\n%s" % (cols, s))
            db = next((l for l in s.splitlines() if l.startswith(" database")), "")
            if KANJI_DB not in db:
                raise Fail("%d columns: the CJK database value is cut:\n%s" % (cols, s))
            if any(display_width(l) > cols for l in s.splitlines()):
                raise Fail("%d columns: a line is wider than the screen:\n%s" % (cols, s))
            t.send("Escape")
            t.wait_for(r"pgiam · Profiles")
            t.send("q")
            t.wait_for(r"PGIAM-EXITED")
            t.check_sanitizers()
        finally:
            t.kill()
    # 80x24: the active field's problem whole at the bottom
    t = start(env, d, 80, 24)
    try:
        t.send("Down")
        t.send("e")
        t.wait_for(r"Edit profile badarn")
        for _ in range(5):   # name endpoint region database db_user role_arn
            t.send("Tab")
        s = t.wait_for(r"\n role_arn: IAM role[\s\S]*sf-udf-rds-auth-role")
        bottom = s.split("\n role_arn: IAM role", 1)[1]
        if flat('"%s" is not a role ARN' % BAD_ARN) not in flat(bottom) or \
                flat("role/sf-udf-rds-auth-role") not in flat(bottom):
            raise Fail("80x24: the problem at the bottom is cut:\n" + s)
        t.send("Escape")
        t.wait_for(r"pgiam · Profiles")
        t.send("q")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()


def event_log(env):
    """sandbox-no-policy fails at login with six numbered causes (about 800 bytes):
    at 80x24 the connect screen cuts them and says so; the event log has them all."""
    t = Tmux(80, 24)
    try:
        t.start("%s --profiles %s --profile sandbox-no-policy; echo PGIAM-EXITED; sleep 60"
                % (BIN, env["PGIAM_SANDBOX_PROFILES"]), env=env)
        t.wait_for(r"Not connected", timeout=30)
        t.wait_for(r"cut: L shows it whole")
        t.send("L")
        s = t.wait_for(r"pgiam · Event log")
        s = t.wait_for(r"connect failed[\s\S]*unless\s+revoked\)")
        text = flat(s.split("connect failed", 1)[1])
        for part in ("(1) user iam_rw_user not granted rds_iam",
                     "(6) signing credentials valid for", "(unless revoked)"):
            if flat(part) not in text:
                raise Fail("the event log cuts the connect failure (%r missing):\n%s"
                           % (part, s))
        t.send("q")
        t.wait_for(r"Not connected")
        t.send("q")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()


def main():
    env = sandbox_env()
    d = profiles(env)
    home_wide(env, d)
    home_narrow(env, d)
    home_smallest(env, d)
    form(env, d)
    event_log(env)


if __name__ == "__main__":
    run(main)
