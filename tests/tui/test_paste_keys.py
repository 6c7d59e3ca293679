"""test_paste_keys.py - pasting, keys sent as escape sequences, Ctrl-C and messages, in
tmux with TERM=xterm-256color as the issue was found, against the sandbox.

- A bracketed paste (tmux paste-buffer -p) of "delete from paste_keys_t<newline>where
  id = 1;" as iam_rw_user runs nothing (all 5 rows still in the table, checked with
  psql as the admin) until Enter, which runs the whole statement (4 rows left, id 1
  gone). Issue 12: the editor shows it on two lines (the one-line prompt used to show
  a mark for the line break). Without bracketed paste (plain paste-buffer), a CR with text right behind
  it is a pasted line end too: "delete ...<CR>where id = 2;" runs only on Enter.
- Enter pressed while a statement runs queues the line: it runs after a statement
  that succeeded, never glued to the next line (each one recalls alone with Up), and
  not at all after one that failed (a queued DELETE deletes nothing).
- Home and End (tmux sends ESC[1~ / ESC[4~), the xterm forms (ESC OH, ESC[H,
  ESC[7~, ESC[8~) and Ctrl-Left (ESC[1;5D) move the cursor at the prompt and never
  open the disconnect question; in a list (the help) and on a browser rows page
  they go to the end and the start and stay there; unknown sequences (ESC[57~,
  ESC[?1;2c, ESC O 5 x) are swallowed whole; a bare Esc still asks.
- The statements the queue waits on hold an advisory lock the test releases, so
  "while a statement runs" lasts as long as the test needs, whatever the load.
- Ctrl-C clears a half-typed line (Up brings it back) and cancels a running
  statement; only on an empty line does it ask to disconnect.
- A message does not linger onto the next screen; a paste into the profile form
  stays in its field (its newline neither moves to the next field nor saves); a paste
  past the old prompt's 4095 bytes goes into the editor whole (issue 12: it used to
  be refused).
- Ctrl-C on a running statement cancels it and the statement comes back in the
  editor (issue 12: nothing typed is lost).
- Bracketed paste is turned off again (ESC[?2004l) on quit, on SIGTERM and on a
  crash: after pgiam, tmux no longer wraps a paste into the shell's `cat -v`.
Runs alone (it creates and drops a table). Skipped (77) without PGIAM_SANDBOX_ENV."""
import os
import re
import signal
import subprocess
import time

from tuilib import (BIN, TIMEOUT, Fail, Tmux, admin_sql, child_pid, run, sandbox_env,
                    select_line, tempdir)

TABLE = "paste_keys_t"
EMPTY = r"(?m)^SQL>\s*$"
QUESTION = "Disconnect and go back"


def prompt(t, text):
    """Waits until the prompt line holds exactly text."""
    return t.wait_for(r"(?m)^SQL> %s\s*$" % re.escape(text))


def two_lines(t, first, second):
    """Waits until the editor holds exactly the two lines first and second."""
    return t.wait_for(r"(?m)^SQL> %s\s*\n\s+2 %s\s*$" % (re.escape(first), re.escape(second)))


def count(env):
    return int(admin_sql(env, "SELECT count(*) FROM %s" % TABLE).strip())


def wait_count(env, want):
    """Waits until the table holds want rows (a statement sent may still be running)."""
    deadline = time.monotonic() + TIMEOUT
    while count(env) != want:
        if time.monotonic() > deadline:
            raise Fail("the table holds %d rows, not %d" % (count(env), want))
        time.sleep(0.05)


def paste(t, text, brackets=True):
    """Pastes text as a terminal does: tmux wraps it in ESC[200~ ... ESC[201~ when the
    program turned bracketed paste on, and sends its newlines as CR. (From a file:
    tmux takes a ';' ending an argument as a command separator.)"""
    path = os.path.join(tempdir(), "paste")
    with open(path, "w") as f:
        f.write(text)
    t.tmux("load-buffer", "-b", "p", path)
    t.tmux("paste-buffer", *(["-p"] if brackets else []), "-b", "p", "-t", "t")


def no_question(t, what):
    if QUESTION in t.screen():
        raise Fail("%s opened the disconnect question:\n%s" % (what, t.screen()))


def start(t, env, profile):
    """pgiam on a sandbox profile; after it ends, `cat -v` shows what a paste sends."""
    t.start("%s --profiles %s --profile %s; echo PGIAM-EXITED; exec cat -v" %
            (BIN, env["PGIAM_SANDBOX_PROFILES"], profile), env=env)
    s = t.wait_for(r"connected · TLS verified|Not connected", timeout=30)
    if "Not connected" in s:
        raise Fail("%s did not connect:\n%s" % (profile, s))
    t.editor()   # the workbench, then its SQL editor (issue 13)


def paste_mode_off(t, what):
    """After pgiam ended: a paste reaches the shell unwrapped."""
    t.wait_for(r"PGIAM-EXITED")
    paste(t, "after-pgiam")
    t.send("Enter")
    # the terminal's echo of the line, then cat's copy of it
    s = t.wait_for(r"after-pgiam(.|\n)*after-pgiam")
    if "200~" in s:
        raise Fail("bracketed paste is still on after %s:\n%s" % (what, s))


def paste_and_run(t, env):
    n0 = count(env)
    paste(t, "delete from %s\nwhere id = 1;" % TABLE)
    s = two_lines(t, "delete from %s" % TABLE, "where id = 1;")
    t.wait_for(r"pasted 2 lines as one edit")
    if count(env) != n0 or "DELETE" in t.screen():
        raise Fail("the paste ran before Enter (%d rows of %d):\n%s" % (count(env), n0, s))
    t.send("Enter")
    t.wait_for(r"DELETE 1")
    t.wait_for(EMPTY)
    if count(env) != n0 - 1 or admin_sql(env, "SELECT id FROM %s WHERE id = 1" % TABLE).strip():
        raise Fail("Enter did not run the whole pasted statement: %d rows" % count(env))
    # a terminal without bracketed paste: the CR with text right behind it (one
    # write) is a pasted line end, not Enter
    paste(t, "delete from %s\nwhere id = 2;" % TABLE, brackets=False)
    s = two_lines(t, "delete from %s" % TABLE, "where id = 2;")
    t.wait_for(r"taken as pasted, not as Enter")
    if count(env) != n0 - 1:
        raise Fail("an unbracketed paste ran line by line (%d rows):\n%s" % (count(env), s))
    t.send("Enter")
    t.wait_for(EMPTY)
    wait_count(env, n0 - 2)
    if admin_sql(env, "SELECT id FROM %s WHERE id = 2" % TABLE).strip():
        raise Fail("Enter did not run the whole unbracketed paste: %d rows" % count(env))
    # a message belongs to its screen: the help does not show the paste's
    paste(t, "select\n1")
    t.wait_for(r"pasted 2 lines")
    t.send("F1")
    s = t.wait_stable(r"pgiam · Help")
    if "pasted 2 lines" in s:
        raise Fail("the SQL screen's message lingers on the help:\n" + s)
    # in a list, End and Home (ESC[4~, ESC[1~) go to the last and first line
    t.send("End")
    t.wait_for(r"Answer no")
    t.send("Home")
    s = t.wait_for(r"Everywhere")
    if "pgiam · Help" not in s:
        raise Fail("Home/End left the help:\n" + s)
    t.send("q")
    t.wait_for(r"Type SQL and press Enter")
    t.send("C-c")
    t.wait_for(EMPTY)
    # longer than the old prompt: inserted whole (the editor scrolls to its end)
    t.type("select 1")
    paste(t, " -- " + "x" * 5000 + "END")
    t.wait_for(r"(?m)^SQL> x+END\s*$")
    t.send("Home")
    prompt(t, "select 1 -- " + "x" * 82)
    t.send("C-c")
    t.wait_for(EMPTY)


class Lock:
    """An advisory lock the admin holds until release(): a statement waiting for it
    runs exactly as long as the test wants, whatever the machine's load."""
    KEY = 80808

    def __init__(self, env):
        self.env = env
        self.p = subprocess.Popen(["psql", "-X", "-q", env["PGIAM_SANDBOX_ADMIN"]],
                                  stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                  text=True)
        self.p.stdin.write("SELECT pg_advisory_lock(%d);\n" % self.KEY)
        self.p.stdin.flush()
        self.wait_granted(1)

    def wait_granted(self, want):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            n = int(admin_sql(self.env, "SELECT count(*) FROM pg_locks WHERE locktype = "
                              "'advisory' AND objid = %d AND granted" % self.KEY).strip())
            if n == want:
                return
            time.sleep(0.05)
        raise Fail("the advisory lock is not %s" % ("held" if want else "free"))

    def release(self):
        if self.p:
            self.p.stdin.close()   # psql ends, the session and its lock go
            self.p.wait(timeout=TIMEOUT)
            self.p = None


WAIT = "select pg_advisory_xact_lock(%d) as waited;" % Lock.KEY


# One statement queued behind the running one: the running line counts it (the
# "queued: …" message can still be on screen from the run before, and Enter then C-c
# read in one go are a line break and a cancel, not a queued statement)
QUEUED1 = r"running…[^\n]*· 1 queued"


def queue(t, env):
    n0 = count(env)
    lock = Lock(env)
    try:
        t.type(WAIT)
        t.send("Enter")
        t.wait_for(r"running…")
        t.type("select 5 as five;")
        t.send("Enter")
        t.wait_for(QUEUED1)
        t.type("select 6 as six;")
        t.send("Enter")
        t.wait_for(r"2 queued")
        if re.search(r"(?m)^ (five|six)\s*$", t.screen()):
            raise Fail("a queued statement ran before the running one ended:\n" + t.screen())
    finally:
        lock.release()
    t.wait_for(r"(?m)^ six\s*$")
    t.send("Up")
    prompt(t, "select 6 as six;")
    t.send("Up")
    prompt(t, "select 5 as five;")
    t.send("C-u")
    t.wait_for(EMPTY)
    # after a failure the queue does not run
    lock = Lock(env)
    try:
        t.type(WAIT + " select 1/0;")
        t.send("Enter")
        t.wait_for(r"running…")
        t.type("delete from %s;" % TABLE)
        t.send("Enter")
        t.wait_for(QUEUED1)
    finally:
        lock.release()
    t.wait_for(r"the statement failed: 1 queued statement was not run")
    t.wait_for(r"ERROR 22012")
    # the failed statement is back in the (empty) editor, the error marked
    prompt(t, WAIT + " select 1/0;")
    t.send("C-c")
    t.wait_for(EMPTY)
    # a cancel stops the queue as well, whatever the statement's outcome
    lock = Lock(env)
    try:
        t.type(WAIT)
        t.send("Enter")
        t.wait_for(r"running…")
        t.type("delete from %s;" % TABLE)
        t.send("Enter")
        t.wait_for(QUEUED1)
        t.send("C-c")
        t.wait_for(r"cancel asked: 1 queued statement was not run")
    finally:
        lock.release()
    t.wait_for(r"cancelled after")
    prompt(t, WAIT)
    t.send("C-c")
    t.wait_for(EMPTY)
    if count(env) != n0:
        raise Fail("a statement queued after a failed or cancelled one ran: %d rows of %d" %
                   (count(env), n0))


def keys(t):
    t.type("select 1")
    prompt(t, "select 1")
    t.send("Home")                      # ESC[1~ from tmux
    t.type("X")
    prompt(t, "Xselect 1")
    t.send("End")                       # ESC[4~
    t.type("Y")
    prompt(t, "Xselect 1Y")
    no_question(t, "Home/End")
    for seq, at_start in (("1b 4f 48", True), ("1b 5b 46", False), ("1b 5b 37 7e", True),
                          ("1b 5b 38 7e", False), ("1b 5b 48", True), ("1b 4f 46", False)):
        t.tmux("send-keys", "-t", "t", "-H", *seq.split())
        t.type("_")
        prompt(t, "_Xselect 1Y" if at_start else "Xselect 1Y_")
        t.send("BSpace")
        prompt(t, "Xselect 1Y")
    # Ctrl-Left (a modifier) moves left like Left
    t.tmux("send-keys", "-t", "t", "-H", *"1b 5b 31 3b 35 44".split())
    t.type("Z")
    prompt(t, "Xselect 1ZY")
    # unknown sequences: swallowed whole, nothing typed, no question
    for seq in ("1b 5b 35 37 7e", "1b 5b 3f 31 3b 32 63", "1b 4f 35 78"):
        t.tmux("send-keys", "-t", "t", "-H", *seq.split())
    t.type("!")
    prompt(t, "Xselect 1Z!Y")
    no_question(t, "an unknown sequence")
    # Ctrl-C on a half-typed line clears it; Up brings it back
    t.send("C-c")
    t.wait_for(EMPTY)
    no_question(t, "Ctrl-C on a half-typed line")
    t.send("Up")
    prompt(t, "Xselect 1Z!Y")
    t.send("C-u")
    t.wait_for(EMPTY)
    # Ctrl-C cancels a running statement
    t.type("select pg_sleep(30);")
    t.send("Enter")
    t.wait_for(r"running…")
    t.send("C-c")
    t.wait_for(r"cancelled after")
    no_question(t, "Ctrl-C on a running statement")
    # the cancelled statement is back in the editor; Ctrl-C clears it
    prompt(t, "select pg_sleep(30);")
    t.send("C-c")
    t.wait_for(EMPTY)
    # a bare Esc is still Esc; Ctrl-C on an empty line asks
    t.send("Escape")
    t.wait_for(QUESTION)
    t.send("n")
    t.wait_for(r"Type SQL and press Enter")
    t.send("C-c")
    t.wait_for(QUESTION)
    t.send("n")
    t.wait_for(r"Type SQL and press Enter")


def browse(t):
    """Home and End on a rows page page the table, where Home used to leave it."""
    t.send("F5")
    t.wait_for(r"public\s+\d+ tables")
    select_line(t, r"^\s*public\s")
    t.send("Enter")
    t.wait_for(r"Browse: public")
    t.wait_for(TABLE)
    select_line(t, r"\b%s\s+table" % TABLE)
    t.send("Enter")
    t.wait_for(r"Browse: public\.%s\b" % TABLE)
    t.wait_for(r"row 5")
    for key in ("End", "Home"):
        t.send(key)
        t.wait_for(r"row 3")
        s = t.screen()
        if not re.search(r"Browse: public\.%s\b" % TABLE, s):
            raise Fail("%s left the rows page:\n%s" % (key, s))
    for back in (r"S I U D", r"public\s+\d+ tables", r"Type SQL and press Enter"):
        t.send("Escape")
        # Esc cancels a read still running first (the Home above re-reads the page, and
        # its rows were on screen before it): then a second Esc goes back
        s = t.wait_for(back + r"|cancelled · r reads again, Esc goes back")
        if not re.search(back, s):
            t.send("Escape")
            t.wait_for(back)


def form(t):
    """A paste in the profile form stays in the active field."""
    t.send("Escape")
    t.wait_for(QUESTION)
    t.send("y")
    t.wait_for(r"pgiam · Profiles")
    t.send("a")
    t.wait_for(r"pgiam · New profile")
    t.wait_for(r"name: Profile name")
    paste(t, "pasted-name\n")
    s = t.wait_for(r"pasted-name")
    t.wait_for(r"(?m)^ name: Profile name")   # still the active field
    if re.search(r"saved profile", s):
        raise Fail("the paste saved the form:\n" + s)
    t.send("Escape")
    t.wait_for(r"Discard the changes")
    t.send("y")
    t.wait_for(r"pgiam · Profiles")


def signal_restores(env, sig):
    t = Tmux(100, 30)
    try:
        t.start("%s --profiles %s; echo PGIAM-EXITED; exec cat -v" %
                (BIN, env["PGIAM_SANDBOX_PROFILES"]), env=env)
        t.wait_for(r"pgiam · Profiles")
        os.kill(child_pid(t.pane_pid()), sig)
        paste_mode_off(t, signal.Signals(sig).name)
        if sig != signal.SIGSEGV:
            t.check_sanitizers()
    finally:
        t.kill()


def main():
    env = sandbox_env()
    env["TERM"] = "xterm-256color"
    admin_sql(env, "DROP TABLE IF EXISTS %s; CREATE TABLE %s (id int PRIMARY KEY, v text); "
              "INSERT INTO %s SELECT g, 'row ' || g FROM generate_series(1, 5) g; "
              "GRANT SELECT, DELETE ON %s TO iam_rw_user" % (TABLE, TABLE, TABLE, TABLE))
    t = Tmux(100, 30)
    try:
        start(t, env, "sandbox-rw")
        paste_and_run(t, env)
        queue(t, env)
        keys(t)
        browse(t)
        form(t)
        t.send("F10")
        paste_mode_off(t, "quitting")
        t.check_sanitizers()
    finally:
        t.kill()
        admin_sql(env, "DROP TABLE IF EXISTS %s" % TABLE)
    signal_restores(env, signal.SIGTERM)
    signal_restores(env, signal.SIGSEGV)


run(main)
