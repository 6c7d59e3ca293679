"""test_issue8_notes.py - what the server says besides the result is on the SQL
screen, under its own label (issue 8): RAISE NOTICE / WARNING above the DO's tag and
in the event log (they were dropped: only DO showed); a server HINT shown as HINT with
no pgiam text joined on; pgiam's own explanation of a refusal as WHY, never as the
server's HINT. Skipped (77) without PGIAM_SANDBOX_ENV."""
import re

from tuilib import Fail, Tmux, run, sandbox_env

EMPTY = r"(?m)^SQL>\s*$"


def statement(t, sql, until):
    t.run_sql(sql)
    return t.wait_for(until)


def main():
    env = sandbox_env()
    env["TERM"] = "xterm-256color"
    t = Tmux(120, 30)
    try:
        t.connect(env, "sandbox-ro")
        s = statement(t, "do $$ begin raise notice 'note-n1'; raise warning 'warn-w1'; end $$",
                      r"(?m)^ DO\b")
        if not re.search(r"(?m)^ NOTICE: note-n1\s*$", s) or not re.search(r"(?m)^ WARNING: warn-w1\s*$", s):
            raise Fail("the notices are not shown with the result:\n" + s)
        if s.index("NOTICE: note-n1") > s.index("WARNING: warn-w1") or s.index("warn-w1") > s.index(" DO"):
            raise Fail("the notices are not in order above the DO:\n" + s)
        if "server WARNING: warn-w1" not in s:
            raise Fail("the notices are not in the event log panel:\n" + s)
        t.wait_for(EMPTY)
        # the server's hint, alone under HINT
        s = statement(t, "SELECT round('1'::text, 'x')", r"ERROR 42883")
        s = t.wait_for(r"HINT: No function matches")
        if "WHY:" in s:
            raise Fail("a plain server error got a WHY:\n" + s)
        # pgiam's explanation of a refusal: WHY, not the server's HINT
        s = statement(t, "SELECT * FROM pg_authid", r"ERROR 42501")
        s = t.wait_for(r"WHY: SELECT refused: role iam_ro_user")
        if "HINT:" in s:
            raise Fail("pgiam's explanation is shown as a server HINT:\n" + s)
        s = statement(t, "INSERT INTO customers (name) VALUES ('x')", r"ERROR 25006")
        s = t.wait_for(r"WHY: INSERT refused: this session is read-only")
        if "HINT:" in s:
            raise Fail("the read-only explanation is shown as a server HINT:\n" + s)
    finally:
        t.kill()
    t.check_sanitizers()


run(main)
