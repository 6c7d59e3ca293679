"""test_sandbox.py - the TUI against the local sandbox (real PostgreSQL with TLS, the
STS emulator, IAM tokens checked by botocore): `pgiam --profile sandbox-ro` skips the
home screen and connects; the status bar shows who and where, the READ-ONLY badge and
a token countdown that decreases between two captures; a query shows rows, Japanese
text lines up, hostile bytes are shown escaped, a refused INSERT shows its SQLSTATE;
Esc cancels a slow query; a server restart shows as a lost connection and the next
query reconnects with a new token; the event log lists what happened, without
secrets; the check screen runs every step of `pgiam check` and the list shows its
result; the policy view shows `pgiam policy`; a profile with a wrong external ID fails
at AssumeRole and the failure stays on screen; quitting restores the terminal.
Skipped (77) without PGIAM_SANDBOX_ENV."""
import os
import re
import subprocess

from tuilib import BIN, display_width, Fail, run, sandbox_env, stty_sane, tempdir, Tmux


def token_seconds(screen):
    m = re.search(r"token (\d+):(\d\d)(?::(\d\d))?", screen)
    if not m:
        return None
    if m.group(3):
        return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3))
    return int(m.group(1)) * 60 + int(m.group(2))


def main():
    env = sandbox_env()
    env["TERM"] = "screen-256color"
    d = tempdir()
    stty_file = os.path.join(d, "stty.out")
    profiles = env["PGIAM_SANDBOX_PROFILES"]
    t = Tmux(100, 30)
    try:
        t.start("%s --profiles %s --profile sandbox-ro; stty -a > %s; echo PGIAM-EXITED; "
                "sleep 60" % (BIN, profiles, stty_file), env=env)
        s = t.wait_for(r"pgiam · Connected|Not connected", timeout=30)
        if "Not connected" in s:
            raise Fail("sandbox-ro did not connect:\n" + s)
        if "pgiam · Profiles" in s:
            raise Fail("--profile showed the home screen")
        t.editor()   # the workbench, then its SQL editor (issue 13)
        s = t.wait_for(r"READ-ONLY")
        for text in ("sandbox-ro", "iam_ro_user@", "role/", "connected · TLS verified",
                     "STS "):
            if text not in s:
                raise Fail("the status bar lacks %r:\n%s" % (text, s))
        first = token_seconds(s)
        if first is None or not 800 <= first <= 900:
            raise Fail("no fresh token countdown in the status bar:\n" + s)
        # A second passes without a key: the countdown moves by itself.
        t.wait_for(r"token (?!%02d:%02d)\d\d:\d\d" % (first // 60, first % 60), timeout=5)
        second = token_seconds(t.screen())
        if second is None or second >= first:
            raise Fail("the token countdown did not decrease: %s then %s" % (first, second))

        # A query: rows come back; a refused INSERT shows its SQLSTATE inline.
        t.run_sql("SELECT name, age FROM customers ORDER BY customer_id")
        t.wait_for(r"Alice Smith")
        t.wait_for(r"3 rows")
        # Japanese text: columns line up by display width (CJK takes two columns).
        t.send("C-u")
        t.run_sql("SELECT name, email FROM customers_ja ORDER BY customer_id")
        s = t.wait_for(r"ichiro\.suzuki")
        cols = set()
        for line in s.splitlines():
            m = re.search(r"(taro\.yamada|hanako\.sato|ichiro\.suzuki)", line)
            if m:
                cols.add(display_width(line[:m.start()]))
        if len(cols) != 1:
            raise Fail("the email column does not line up after CJK names %s:\n%s" % (cols, s))
        # Hostile bytes from the server never reach the terminal raw.
        t.send("C-u")
        t.run_sql("SELECT E'\\x1b]0;pwned\\x07' || 'x' AS v")
        t.wait_for(r"\^\[\]0;pwned\^Gx")
        t.send("C-u")
        t.run_sql("INSERT INTO customers (name) VALUES ('x')")
        t.wait_for(r"ERROR 25006|ERROR 42501")

        # Esc cancels a running query at once; the connection stays.
        t.send("C-u")
        t.run_sql("SELECT pg_sleep(30)")
        t.wait_for(r"running")
        t.send("Escape")
        t.wait_for(r"cancelled after", timeout=5)
        t.wait_for(r"connected · TLS verified")

        # The server restarts: the loss shows, the next query reconnects with a new token.
        subprocess.run([os.path.join(os.environ["PGIAM_SOURCE_ROOT"], "tests", "sandbox",
                                     "restart_db"), "--quiet"], check=True)
        t.wait_for(r"connection lost", timeout=30)
        t.send("C-u")
        t.run_sql("SELECT count(*) AS n FROM customers")
        t.wait_for(r"1 row", timeout=30)
        t.wait_for(r"connected · TLS verified")

        # The event log: role assumed, token signed, connected; no secrets.
        t.send("F3")
        s = t.wait_for(r"pgiam · Event log")
        for text in ("assumed role", "token signed", "connected to", "connection lost",
                     "reconnected to"):
            if text not in s:
                raise Fail("the event log lacks %r:\n%s" % (text, s))
        if re.search(r"X-Amz-Signature|ASIA[A-Z0-9]{12}|aws_secret", s):
            raise Fail("the event log shows a secret:\n" + s)
        t.send("q")
        t.wait_for(r"pgiam · Connected")

        # Back home (disconnect), then a profile that fails at AssumeRole.
        t.send("Escape")
        t.wait_for(r"Disconnect")
        t.send("y")
        s = t.wait_for(r"pgiam · Profiles")
        s = t.wait_for(r"sandbox-wrong-extid")
        names = [l.split()[0] for l in s.splitlines()[2:] if l.startswith("sandbox")]
        # check (pgiam check) on sandbox-ro: every step, then the result in the list
        for _ in range(names.index("sandbox-ro")):
            t.send("Down")
        t.send("t")
        t.wait_for(r"pgiam · Check: sandbox-ro")
        s = t.wait_for(r"every step passed|FAIL at step", timeout=30)
        for text in ("source credentials", "AssumeRole", "TLS", "role memberships"):
            if text not in s:
                raise Fail("the check screen lacks %r:\n%s" % (text, s))
        if "FAIL at step" in s:
            raise Fail("pgiam check failed on sandbox-ro:\n" + s)
        t.send("q")
        t.wait_for(r"sandbox-ro .* ok \d")
        # policy: `pgiam policy` itself, its output in a view
        t.send("p")
        t.wait_for(r"pgiam · Policy: sandbox-ro")
        t.wait_for(r"rds-db:connect")
        t.wait_for(r"dbuser:db-\w+/iam_ro_user")
        t.send("q")
        t.wait_for(r"pgiam · Profiles")
        for _ in range(names.index("sandbox-wrong-extid") - names.index("sandbox-ro")):
            t.send("Down")
        t.send("Enter")
        s = t.wait_for(r"Not connected", timeout=30)
        if not re.search(r"\[!!\] AssumeRole", s):
            raise Fail("the failure is not on the AssumeRole step:\n" + s)
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        stty_sane(stty_file)
        t.check_sanitizers()
    finally:
        t.kill()


run(main)
