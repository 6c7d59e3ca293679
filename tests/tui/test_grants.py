"""test_grants.py - the Grants screen (F7 when connected) against the sandbox: the
read-only user's screen shows the IAM side (the rds-db:connect resource), the
memberships tree with rds_iam marked, and customers held as r------ through
readonly_role; End reaches the summary line; q goes back to the SQL prompt. Inside
the user's open transaction F7 still reads (on pgiam's own connection) and the
transaction stays open. F7 before connecting says to connect first. Skipped (77)
without PGIAM_SANDBOX_ENV."""
import re

from tuilib import BIN, Fail, Tmux, run, sandbox_env

DONE = r"Grants: \d+ objects in \d+ schemas"


def main():
    env = sandbox_env()
    t = Tmux(140, 40)
    try:
        s = t.connect(env, "sandbox-ro")
        t.send("F7")
        # the title only the finished answer gets; then the lines it needs
        t.wait_for(DONE)
        s = t.wait_stable(r"rds-db:connect")
        for want in (r"arn:aws:rds-db:ap-northeast-1:123456789012:dbuser:"
                     r"db-SANDBOXEXAMPLE0123456789/iam_ro_user",
                     r"\+- rds_iam  INHERIT  <- IAM login",
                     r"\+- readonly_role  INHERIT",
                     r"external ID\s+sb…"):
            if not re.search(want, s):
                raise Fail("the Grants screen lacks %r:\n%s" % (want, s))
        if "sbx+" in s:
            raise Fail("the external ID is shown whole:\n" + s)
        t.send("End")
        s = t.wait_for(r"objects in \d+ schemas; held is the server's")
        if not re.search(r"(?m)^\s*customers\s+table\s+r------\s+SELECT via readonly_role\s*$", s):
            raise Fail("customers is not r------ via readonly_role:\n" + s)
        t.send("q")
        t.wait_for(r"(?m)^SQL>")
        t.wait_for(DONE, absent=True)

        # inside the user's transaction: read on pgiam's own connection
        t.run_sql("BEGIN")
        t.wait_for(r"in transaction")
        t.send("F7")
        t.wait_for(DONE)
        t.send("q")
        s = t.wait_for(r"(?m)^SQL>")
        if "in transaction" not in s:
            raise Fail("the transaction did not stay open:\n" + s)
        t.run_sql("ROLLBACK")
        t.wait_for(r"in transaction", absent=True)
        t.check_sanitizers()
    finally:
        t.kill()

    # not connected: the home screen says to connect first
    t = Tmux(100, 30)
    try:
        t.start("%s --profiles %s; echo PGIAM-EXITED; sleep 60" % (
            BIN, env["PGIAM_SANDBOX_PROFILES"]), env=env)
        t.wait_for(r"sandbox-ro")
        t.send("F7")
        t.wait_for(r"grants: connect first")
        t.check_sanitizers()
    finally:
        t.kill()


if __name__ == "__main__":
    run(main)
