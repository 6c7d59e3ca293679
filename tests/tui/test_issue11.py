"""test_issue11.py - issue 11 on the terminal: the reference INSERT refused by the
read-only session (WHY: a guard the session can lift), then, after the user's own
`SET default_transaction_read_only = off`, the READ-ONLY badge gone at once and the
INSERT refused by privilege with the GRANT to copy; F8 switches read-only on and off
(asks; y alone), the badge following what the server reports, and is refused while a
transaction is open; P on a table in the browser probes it (42501 lines for the
read-only user, nothing changed). Skipped (77) without PGIAM_SANDBOX_ENV."""
import re
import time

from tuilib import BIN, Fail, Tmux, TIMEOUT, admin_sql, run, sandbox_env, select_line

INSERT = ("INSERT INTO customers (name, email, age) VALUES ('Alice Johnson', "
          "'alice.johnson@example.com', 28)")
BADGE = r"READ-ONLY"


def joined(s):
    """The screen's lines joined by single spaces: a WHY wraps across lines."""
    return re.sub(r"\s+", " ", " ".join(l.strip() for l in s.splitlines()))


def wait_text(t, text, timeout=None):
    deadline = time.monotonic() + (timeout or TIMEOUT)
    last = ""
    while time.monotonic() < deadline:
        last = t.screen()
        if text in joined(last):
            return last
        time.sleep(0.05)
    raise Fail("timed out waiting for %r; screen was:\n%s" % (text, last))


def statement(t, sql, until):
    t.run_sql(sql)
    return t.wait_for(until)


def toggle(t, want_badge):
    t.send("F8")
    t.wait_for(r"Switch this session to")
    time.sleep(0.3)   # a y that comes alone (not with the F8 in one read)
    t.send("y")
    # the badge follows the server's report of the SET, not the key
    return t.wait_for(BADGE, absent=not want_badge)


def main():
    env = sandbox_env()
    env["TERM"] = "xterm-256color"
    before = admin_sql(env, "SELECT count(*), coalesce(sum(xmin::text::bigint), 0) FROM customers")
    t = Tmux(200, 40)
    try:
        # tools/run's demo: the reference INSERT one Up away, said on the hint line
        t.start("%s --profiles %s --profile sandbox-ro --demo; echo PGIAM-EXITED; sleep 60" %
                (BIN, env["PGIAM_SANDBOX_PROFILES"]), env=env)
        t.wait_for(r"connected · TLS verified", timeout=30)
        t.wait_for(r"demo: Up recalls the reference INSERT")
        t.wait_for(BADGE)
        t.editor()   # the workbench, then its SQL editor (issue 13)
        t.send("Up")
        t.wait_for(re.escape("SQL> " + INSERT))
        # the demo's INSERT, refused by the session's read-only guard
        t.send("Enter")
        t.wait_for(r"ERROR 25006")
        s = wait_text(t, "a guard the server applies to this session, which the session itself can lift")
        if "the server enforces it" in joined(s):
            raise Fail("the 25006 explanation still claims enforcement:\n" + s)
        # the user's own SET lifts the guard: the badge goes at once
        statement(t, "SET default_transaction_read_only = off", r"(?m)^ SET\b")
        t.wait_for(BADGE, absent=True)
        # now the role's grants refuse it: the GRANT to copy
        statement(t, INSERT, r"ERROR 42501")
        wait_text(t, "fix: GRANT INSERT ON TABLE public.customers TO iam_ro_user;")
        wait_text(t, "it holds SELECT (through readonly_role)")
        # F8: read-only on, then off again, as the server reports it
        toggle(t, True)
        statement(t, INSERT, r"ERROR 25006")
        wait_text(t, "set by the F8 toggle")
        toggle(t, False)
        # refused while a transaction is open
        statement(t, "BEGIN", r"in transaction")
        t.send("F8")
        wait_text(t, "read-only not switched: a transaction is open")
        statement(t, "ROLLBACK", r"(?m)^ ROLLBACK\b")
        t.wait_for(r"in transaction", absent=True)
        # BEGIN READ ONLY: the badge follows transaction_read_only inside the block
        statement(t, "BEGIN READ ONLY", r"in transaction")
        t.wait_for(BADGE)
        statement(t, "ROLLBACK", r"(?m)^ ROLLBACK\b")
        t.wait_for(BADGE, absent=True)

        # P on a table of the browser: the probe, lines as the server answered
        t.send("F5")
        t.wait_stable(r"\d+ tables?\b")
        select_line(t, r"^\s*public\s")
        t.send("Enter")
        t.wait_stable(r"(?m)^\s*[S-][I-][U-][D-]\s+customers\s")
        select_line(t, r"\scustomers\s")
        t.send("P")
        s = t.wait_stable(r"probe finished: every statement was rolled back")
        j = joined(s)
        for want in ("Probe of public.customers as iam_ro_user",
                     "SELECT allowed SELECT * FROM public.customers LIMIT 0",
                     "INSERT DENIED INSERT INTO public.customers",
                     "server: ERROR 42501: permission denied for table customers",
                     "DELETE DENIED DELETE FROM public.customers WHERE false",
                     "from the catalog: not run"):
            if want not in j:
                raise Fail("the probe screen lacks %r:\n%s" % (want, s))
        # its BEGIN … ROLLBACK left no transaction open on the user's session
        t.send("Escape")
        t.wait_stable(r"(?m)^\s*[S-][I-][U-][D-]\s+customers\s")
        if "in transaction" in t.screen():
            raise Fail("the probe left a transaction open:\n" + t.screen())
        # inside the user's transaction the probe runs on pgiam's own connection, with
        # the read-write state F8 chose (not the profile's read_only = true)
        t.send("Escape")
        t.wait_stable(r"\d+ tables?\b")
        t.send("Escape")
        t.wait_for(r"(?m)^SQL>")
        statement(t, "BEGIN", r"in transaction")
        t.send("F5")
        t.wait_stable(r"\d+ tables?\b")
        select_line(t, r"^\s*public\s")
        t.send("Enter")
        t.wait_stable(r"(?m)^\s*[S-][I-][U-][D-]\s+customers\s")
        select_line(t, r"\scustomers\s")
        t.send("P")
        s = t.wait_stable(r"probe finished: every statement was rolled back")
        if "server: ERROR 42501" not in joined(s) or "25006" in joined(s):
            raise Fail("the probe in a transaction did not keep the toggled state:\n" + s)
        t.send("Escape")
        t.wait_stable(r"(?m)^\s*[S-][I-][U-][D-]\s+customers\s")
        t.send("Escape")
        t.wait_stable(r"\d+ tables?\b")
        t.send("Escape")
        t.wait_for(r"(?m)^SQL>")
        statement(t, "ROLLBACK", r"(?m)^ ROLLBACK\b")
    finally:
        t.kill()
    after = admin_sql(env, "SELECT count(*), coalesce(sum(xmin::text::bigint), 0) FROM customers")
    if before != after:
        raise Fail("customers changed: %s -> %s" % (before, after))
    t.check_sanitizers()


run(main)
