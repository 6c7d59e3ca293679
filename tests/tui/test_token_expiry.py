"""test_token_expiry.py - the status bar tells the truth about token expiry, against
the sandbox. With --token-age 880 every token is signed as if 880 s old (still valid
for the server: 900 s of life), so its countdown starts near 00:20 in the critical
colour, then reaches "token expired · connection stays open · next connection signs a
new one" - and a query still runs on the open connection, which is exactly what that
says. A server restart then forces a new connection, which gets a newly signed token
(the countdown is back). Skipped (77) without PGIAM_SANDBOX_ENV."""
import os
import re
import subprocess

from tuilib import BIN, Fail, Tmux, run, sandbox_env, stty_sane, tempdir

SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def token_bg(screen_esc):
    """The background colour (SGR 40-47) in effect where the status bar's "token mm:ss"
    is drawn."""
    bg = None
    pos = 0
    for m in SGR.finditer(screen_esc):
        if re.search(r"token \d\d:\d\d", SGR.sub("", screen_esc[pos:m.start()])):
            return bg
        for p in re.split(r"[;:]", m.group(1)):
            if p.isdigit() and (40 <= int(p) <= 47 or int(p) in (0, 49)):
                bg = int(p)
        pos = m.end()
    return bg


def main():
    env = sandbox_env()
    env["TERM"] = "screen-256color"
    d = tempdir()
    stty_file = os.path.join(d, "stty.out")
    t = Tmux(100, 30)
    try:
        t.start("%s --profiles %s --profile sandbox-ro --token-age 880; stty -a > %s; "
                "echo PGIAM-EXITED; sleep 60" % (BIN, env["PGIAM_SANDBOX_PROFILES"], stty_file),
                env=env)
        s = t.wait_for(r"token 00:[0-2]\d|Not connected", timeout=30)
        if "Not connected" in s:
            raise Fail("sandbox-ro did not connect with an aged token:\n" + s)
        # under a minute left: the critical colour (red, SGR 41)
        bg = token_bg(t.screen(escapes=True))
        if bg != 41:
            raise Fail("the token segment under a minute is not red (background %s)" % bg)
        s = t.wait_for(r"token expired · connection stays open · next connection signs a new one",
                       timeout=40)
        if "connected · TLS verified" not in s:
            raise Fail("the connection state changed when the token expired:\n" + s)
        # the open connection outlives its token
        t.editor()   # the workbench, then its SQL editor (issue 13)
        t.run_sql("SELECT name FROM customers ORDER BY customer_id")
        t.wait_for(r"Charlie Brown")
        # a new connection gets a new token
        subprocess.run([os.path.join(os.environ["PGIAM_SOURCE_ROOT"], "tests", "sandbox",
                                     "restart_db"), "--quiet"], check=True)
        t.wait_for(r"connection lost", timeout=30)
        t.send("C-u")
        t.run_sql("SELECT count(*) AS n FROM customers")
        t.wait_for(r"1 row", timeout=30)
        s = t.wait_for(r"token 00:[0-2]\d")
        if "token expired" in s:
            raise Fail("the reconnect did not sign a new token:\n" + s)
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        stty_sane(stty_file)
        t.check_sanitizers()
    finally:
        t.kill()


run(main)
