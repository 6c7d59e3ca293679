"""test_color_signals.py - colours by role and NO_COLOR (attributes only), and the
terminal restored when pgiam is ended by SIGTERM or SIGINT rather than a key, or
crashes (SIGSEGV)."""
import os
import re
import signal

from tuilib import BIN, Fail, Tmux, child_pid, run, stty_sane, tempdir, write_profile

SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def colour_params(screen):
    """SGR parameters that select a colour (30-37, 40-47, 90-97, 100-107, 38, 48)."""
    found = set()
    for m in SGR.finditer(screen):
        for p in re.split(r"[;:]", m.group(1)):
            if p.isdigit():
                n = int(p)
                if 30 <= n <= 38 or 40 <= n <= 48 or 90 <= n <= 97 or 100 <= n <= 107:
                    found.add(n)
    return found


def attrs(screen):
    return {int(p) for m in SGR.finditer(screen) for p in re.split(r"[;:]", m.group(1))
            if p.isdigit()}


def session(d, env, stty_file):
    t = Tmux(100, 30)
    t.start("%s --profiles %s; stty -a > %s; echo PGIAM-EXITED; sleep 60" % (BIN, d, stty_file),
            env=env)
    return t


def main():
    d = tempdir()
    write_profile(d, "alpha", endpoint="db.abc123xyz.ap-northeast-1.rds.amazonaws.com:5432",
                  database="sample_db", db_user="iam_ro_user")

    # With colours: the title bar uses a colour pair.
    stty1 = os.path.join(d, "stty1")
    t = session(d, {"TERM": "screen-256color"}, stty1)
    try:
        s = t.wait_for(r"pgiam · Profiles", escapes=True)
        if not colour_params(s):
            raise Fail("no colours used with colours allowed:\n" + repr(s[:400]))
        # SIGTERM: the handler sets a flag, the loop ends and restores the terminal.
        os.kill(child_pid(t.pane_pid()), signal.SIGTERM)
        s = t.wait_for(r"PGIAM-EXITED")
        if "pgiam · Profiles" in s:
            raise Fail("the UI stayed on screen after SIGTERM:\n" + s)
        stty_sane(stty1)
        t.check_sanitizers()
    finally:
        t.kill()

    # NO_COLOR: attributes only (reverse, bold), no colour at all.
    stty2 = os.path.join(d, "stty2")
    t = session(d, {"TERM": "screen-256color", "NO_COLOR": "1"}, stty2)
    try:
        s = t.wait_for(r"pgiam · Profiles", escapes=True)
        t.wait_for(r"alpha", escapes=True)
        s = t.screen(escapes=True)
        used = colour_params(s)
        if used:
            raise Fail("NO_COLOR set but colours %s were used:\n%r" % (sorted(used), s[:400]))
        if 7 not in attrs(s):
            raise Fail("NO_COLOR: the title bar is not shown in reverse video:\n%r" % s[:400])
        # The help and the list still work; SIGINT ends it cleanly too.
        t.send("?")
        t.wait_for(r"pgiam · Help")
        os.kill(child_pid(t.pane_pid()), signal.SIGINT)
        t.wait_for(r"PGIAM-EXITED")
        stty_sane(stty2)
        t.check_sanitizers()
    finally:
        t.kill()


def crash(d):
    """A crash (SIGSEGV from outside, as a bug would raise it): the handler puts the
    saved terminal modes back and leaves the alternate screen before dying."""
    stty3 = os.path.join(d, "stty3")
    t = session(d, {"TERM": "screen-256color"}, stty3)
    try:
        t.wait_for(r"pgiam · Profiles")
        os.kill(child_pid(t.pane_pid()), signal.SIGSEGV)
        s = t.wait_for(r"PGIAM-EXITED")
        if "pgiam · Profiles" in s:
            raise Fail("the UI stayed on screen after a crash:\n" + s)
        stty_sane(stty3)
        # (no sanitizer check: under ASan the crash is reported, as it should be)
    finally:
        t.kill()


def monochrome(d):
    """A terminal without colours (vt100): attributes only, and the form still shows
    which field is active and which has an error."""
    stty4 = os.path.join(d, "stty4")
    t = session(d, {"TERM": "vt100"}, stty4)
    try:
        s = t.wait_for(r"pgiam · Profiles", escapes=True)
        if colour_params(t.screen(escapes=True)):
            raise Fail("colours used on a vt100")
        t.send("a")
        t.wait_for(r"pgiam · New profile")
        s = t.screen(escapes=True)
        if colour_params(s) or not ({7, 4} & attrs(s)):
            raise Fail("the form on a vt100 uses colours or no attributes:\n%r" % s[:600])
        t.send("Escape")
        t.wait_for(r"pgiam · Profiles")
        t.send("q")
        t.wait_for(r"PGIAM-EXITED")
        stty_sane(stty4)
        t.check_sanitizers()
    finally:
        t.kill()


def ascii_locale(d):
    """LANG=C: the UI's symbols fall back to ASCII, nothing shows as '?'."""
    stty5 = os.path.join(d, "stty5")
    t = session(d, {"TERM": "screen-256color", "LANG": "C", "LC_ALL": "C"}, stty5)
    try:
        s = t.wait_for(r"pgiam \. Profiles")
        if "?" in s.splitlines()[0]:
            raise Fail("the title shows '?' in the C locale:\n" + s)
        t.send("q")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()


def all_tests():
    main()
    ascii_locale(tempdir())
    monochrome(tempdir())
    crash(tempdir())


run(all_tests)
