"""test_home_form.py - the home screen and the profile form, driven in tmux:
profiles listed from a temporary directory; a profile added through the form with an
endpoint lacking its port (shown inline, then corrected), saved, listed and on disk
with mode 0600; edit (external ID masked until Ctrl-R), duplicate, delete with its
question; the help screen generated from the action table; resize to a too
small terminal and back; quit with the terminal restored."""
import os
import stat
import time

from tuilib import BIN, Fail, Tmux, run, stty_sane, tempdir, write_profile

ENDPOINT = "sample-db.abc123xyz.ap-northeast-1.rds.amazonaws.com"


def main():
    d = tempdir()
    write_profile(d, "alpha", endpoint=ENDPOINT + ":5432", database="sample_db",
                  db_user="iam_ro_user", role_arn="arn:aws:iam::123456789012:role/demo-ro",
                  external_id="ext-1", read_only="true")
    write_profile(d, "broken", endpoint="nohost")
    stty_file = os.path.join(d, "stty.out")
    t = Tmux(100, 30)
    try:
        t.start("%s --profiles %s; stty -a > %s; echo PGIAM-EXITED; sleep 60" % (BIN, d, stty_file))
        s = t.wait_for(r"pgiam · Profiles")
        t.wait_for(r"alpha\s+sample-db")
        s = t.wait_for(r"broken")
        if "demo-ro" not in s or " RO " not in s:
            raise Fail("the alpha row lacks its role or RO flag:\n" + s)
        if "error" not in s.split("broken", 1)[1].splitlines()[0]:
            raise Fail("the broken profile does not show its errors:\n" + s)

        # Help: generated from the action table.
        t.send("?")
        s = t.wait_stable(r"pgiam · Help")
        seen = s
        for text in ("Connect with the selected profile", "Delete the selected profile",
                     "Show or mask the external ID", "Profile form"):
            # later lines: page down through the help, judging only settled screens
            # (a half-drawn one would send one page too many)
            for _ in range(10):
                if text in seen:
                    break
                t.send("NPage")
                before = s
                s = t.wait_stable(r"pgiam · Help")
                if s == before:
                    raise Fail("help does not page on to %r:\n%s" % (text, s))
                seen += s
            if text not in seen:
                raise Fail("help never shows %r:\n%s" % (text, s))
        t.send("q")
        t.wait_for(r"pgiam · Profiles")

        # Add a profile: an endpoint without a port is refused inline.
        t.send("a")
        t.wait_for(r"pgiam · New profile")
        t.type("gamma")
        t.send("Tab")
        t.type(ENDPOINT)
        t.wait_for(r"has no port")
        t.send("Tab", "Tab")
        t.type("sample_db")
        t.send("Tab")
        t.type("iam_ro_user")
        t.wait_for(r"1 field has an error")
        t.send("C-s")
        t.wait_for(r"not saved")
        if os.path.exists(os.path.join(d, "gamma.ini")):
            raise Fail("a profile with errors was written")
        # Correct it: back to the endpoint field, add the port.
        t.send("BTab", "BTab", "BTab", "End")
        t.type(":5432")
        t.wait_for(r"No errors")
        s = t.screen()
        if "iam_ro_user" not in s or "sample_db" not in s:
            raise Fail("typed values were lost while fixing the endpoint:\n" + s)
        t.send("C-s")
        t.wait_for(r"saved profile gamma")
        t.wait_for(r"gamma\s+sample-db")
        path = os.path.join(d, "gamma.ini")
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode != 0o600:
            raise Fail("gamma.ini has mode %o, expected 600" % mode)
        with open(path) as f:
            body = f.read()
        if ENDPOINT + ":5432" not in body or "iam_ro_user" not in body:
            raise Fail("gamma.ini lacks what was typed:\n" + body)

        # Edit gamma: the external ID is masked until Ctrl-R; the change is saved.
        rows = [l.split()[0] for l in t.screen().splitlines()[2:] if l.strip()]
        sel = rows.index("gamma")
        t.send("Home")
        for _ in range(sel):
            t.send("Down")
        t.send("e")
        t.wait_for(r"pgiam · Edit profile gamma")
        for _ in range(6):   # name endpoint region database db_user role_arn -> external_id
            t.send("Tab")
        t.type("Xy+Z/=")
        s = t.wait_for(r"external_id +••••••")
        if "Xy+Z/=" in s:
            raise Fail("the external ID is shown while masked:\n" + s)
        t.send("C-r")
        t.wait_for(r"external_id +Xy\+Z/=")
        t.send("C-s")
        t.wait_for(r"pgiam · Profiles")
        deadline = time.monotonic() + 10
        while True:
            with open(path) as f:
                if "Xy+Z/=" in f.read():
                    break
            if time.monotonic() > deadline:
                raise Fail("the edited external ID was not saved")
            time.sleep(0.05)

        # Duplicate, then delete the copy (asks first).
        t.send("c")
        t.wait_for(r"pgiam · Copy of profile gamma")
        t.send("C-s")
        t.wait_for(r"saved profile gamma-copy")
        if not os.path.exists(os.path.join(d, "gamma-copy.ini")):
            raise Fail("the duplicate was not written")
        t.wait_for(r"gamma-copy\s+sample-db")
        t.send("d")
        t.wait_for(r"Delete profile gamma-copy")
        t.send("n")
        t.wait_for(r"pgiam · Profiles")
        if not os.path.exists(os.path.join(d, "gamma-copy.ini")):
            raise Fail("answering no deleted the profile")
        t.send("d")
        t.wait_for(r"Delete profile gamma-copy")
        t.send("y")
        t.wait_for(r"deleted profile gamma-copy")
        if os.path.exists(os.path.join(d, "gamma-copy.ini")):
            raise Fail("the deleted profile is still on disk")

        # Resize: too small shows a message; larger redraws the list.
        t.resize(40, 10)
        t.wait_for(r"Terminal too small")
        t.resize(120, 35)
        s = t.wait_for(r"gamma\s+sample-db")
        if "too small" in s:
            raise Fail("the too-small message stayed after enlarging:\n" + s)
        if "LAST CHECK" not in s:
            raise Fail("the header was not redrawn at 120 columns:\n" + s)

        # Quit: the shell continues and the terminal modes are back.
        t.send("q")
        s = t.wait_for(r"PGIAM-EXITED")
        if "pgiam · Profiles" in s:
            raise Fail("the UI is still on screen after quitting:\n" + s)
        stty_sane(stty_file)
        t.check_sanitizers()
    finally:
        t.kill()

    # --profile with a profile that does not exist: said on the connecting screen,
    # which stays; Esc leads to the home screen.
    t = Tmux(100, 30)
    try:
        t.start("%s --profiles %s --profile nosuch; echo PGIAM-EXITED; sleep 60" % (BIN, d))
        s = t.wait_for(r"Could not start connecting")
        t.wait_for(r"nosuch")
        t.send("Escape")
        t.wait_for(r"pgiam · Profiles")
        t.send("q")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()


run(main)
