"""test_history.py - the SQL history across runs, against the sandbox: the real binary
run twice in tmux with its own XDG_STATE_HOME. The first run's statements are in the
file (0600 in a 0700 directory) with profile, time, duration and outcome (ok, error
with its SQLSTATE, cancelled), the password literal masked in the file's bytes, the
COMMIT and ROLLBACK that Alt-C and Alt-R send, and a statement still running when the
user quit (outcome unknown, no duration: pgiam went away before the answer); the
second run's Up recalls the first run's last statement, and Ctrl-R finds a statement
of the first run as typing narrows (what the query matched highlighted in it), Ctrl-R again the next older one, Ctrl-P keeps to
the profile, Esc restores what was typed, Enter puts the match into the prompt (it runs
only on Enter). A line written by hand in another profile is found; a malformed one
is skipped with a one-line warning. Skipped (77) without PGIAM_SANDBOX_ENV."""
import json
import os
import re
import stat
import time

from tuilib import TIMEOUT, Fail, Tmux, run, sandbox_env, styled_rows, tempdir

EMPTY = r"(?m)^SQL>\s*$"


def prompt(t, text):
    return t.wait_for(r"(?m)^SQL> %s\s*$" % re.escape(text))


def highlighted(t, want):
    """Waits until the search's match shows want highlighted (colors.c's SEARCH_MATCH:
    a yellow background) and nothing else in it: the cells between the "history" rule
    and the search prompt."""
    deadline = time.monotonic() + TIMEOUT
    got, plain = None, ""
    while time.monotonic() < deadline:
        rows = styled_rows(t.screen(escapes=True))
        texts = ["".join(c for c, _ in row) for row in rows]
        plain = "\n".join(texts)
        top = next((i for i, x in enumerate(texts) if "─ history ─" in x), None)
        end = next((i for i, x in enumerate(texts) if "reverse-i-search" in x), None)
        if top is not None and end is not None:
            got = "".join(c for row in rows[top + 1:end] for c, bg in row if bg in (3, 11))
            if got == want:
                return
        time.sleep(0.05)
    raise Fail("the match highlights %r, not %r:\n%s" % (got, want, plain))


def first_run(env):
    t = Tmux(100, 30)
    try:
        t.connect(env, "sandbox-ro")
        t.type("SELECT 'histmark-' || 41+1 AS older_col;")
        t.send("Enter")
        t.wait_for(r"histmark-42")
        t.wait_for(EMPTY)
        t.type("SELECT 'histmark-' || 99+1 AS newer_col;")
        t.send("Enter")
        t.wait_for(r"histmark-100")
        t.wait_for(EMPTY)
        # refused by the server before anything is done: the session is read-only
        t.type("ALTER ROLE pgiam_no_such_role PASSWORD 'hunter2-secret';")
        t.send("Enter")
        t.wait_for(r"ERROR 25006")
        t.send("C-u")   # the editor keeps a failed statement
        t.wait_for(EMPTY)
        t.type("SELECT pg_sleep(30) AS slept;")
        t.send("Enter")
        t.wait_for(r"running… \d+ s")
        t.send("C-c")
        t.wait_for(r"cancelled after")
        t.send("C-u")   # no draft for the second run
        t.wait_for(EMPTY)
        # Alt-C and Alt-R send COMMIT and ROLLBACK: statements run like the others
        for key, sent in (("M-c", "COMMIT"), ("M-r", "ROLLBACK")):
            t.type("BEGIN;")
            t.send("Enter")
            t.wait_for(r"in transaction")
            t.send(key)
            t.wait_for(r"in transaction", absent=True)
            t.wait_for(r"(?m)^\s*%s\b" % sent)
        # quit while a statement runs: it was sent, so it is kept, its outcome unknown
        t.type("SELECT pg_sleep(3) AS left_running;")
        t.send("Enter")
        t.wait_for(r"running… \d+ s")
        t.send("F10")
        t.wait_for(r"Quit pgiam while a statement is running")
        t.send("y")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()


def check_file(path):
    st = os.stat(path)
    if stat.S_IMODE(st.st_mode) != 0o600:
        raise Fail("history file mode %o, not 600" % stat.S_IMODE(st.st_mode))
    dmode = stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode)
    if dmode != 0o700:
        raise Fail("history directory mode %o, not 700" % dmode)
    with open(path, "rb") as f:
        data = f.read()
    if b"hunter2" in data:
        raise Fail("the password literal reached the history file:\n%r" % data)
    entries = [json.loads(l) for l in data.decode().splitlines()]
    got = [(e["sql"], e["outcome"], e.get("sqlstate", ""), e["profile"]) for e in entries]
    want = [("SELECT 'histmark-' || 41+1 AS older_col;", "ok", "", "sandbox-ro"),
            ("SELECT 'histmark-' || 99+1 AS newer_col;", "ok", "", "sandbox-ro"),
            ("ALTER ROLE pgiam_no_such_role PASSWORD ***;", "error", "25006", "sandbox-ro"),
            ("SELECT pg_sleep(30) AS slept;", "cancelled", "", "sandbox-ro"),
            ("BEGIN;", "ok", "", "sandbox-ro"), ("COMMIT", "ok", "", "sandbox-ro"),
            ("BEGIN;", "ok", "", "sandbox-ro"), ("ROLLBACK", "ok", "", "sandbox-ro"),
            ("SELECT pg_sleep(3) AS left_running;", "unknown", "", "sandbox-ro")]
    if got != want:
        raise Fail("history file entries:\n%s\nwanted:\n%s" % (got, want))
    for e in entries:
        # no duration for the one whose answer never came
        if not isinstance(e.get("t"), int) or (e["outcome"] == "unknown") != ("ms" not in e) \
                or ("ms" in e and not isinstance(e["ms"], int)):
            raise Fail("an entry without time or duration: %r" % e)
    # another profile's statement, and a line that is not an entry
    with open(path, "a") as f:
        f.write('{"t":%d,"profile":"elsewhere","ms":3,"outcome":"ok",'
                '"sql":"SELECT \'histmark-other\'"}\n' % (entries[-1]["t"] + 1))
        f.write("this is not json\n")


def second_run(env):
    t = Tmux(100, 30)
    try:
        t.connect(env, "sandbox-ro")
        t.wait_for(r"1 malformed line skipped")
        # Up: this profile's last statement of the first run (the one left running)
        t.send("Up")
        prompt(t, "SELECT pg_sleep(3) AS left_running;")
        t.send("C-u")
        t.wait_for(EMPTY)
        # Esc restores what was typed
        t.type("SELECT 'draft'")
        t.send("C-r")
        t.wait_for(r"\(reverse-i-search\)'")
        t.type("HISTm")   # as the search matches: ASCII case-insensitive
        t.wait_for(r"SELECT 'histmark-other'")
        t.wait_for(r"profile elsewhere")
        highlighted(t, "histm")
        t.send("Escape")
        prompt(t, "SELECT 'draft'")
        t.send("C-u")
        t.wait_for(EMPTY)
        # Ctrl-R: newest first, Ctrl-R again older; Ctrl-P this profile only
        t.send("C-r")
        t.type("histmark")
        t.wait_for(r"SELECT 'histmark-other'")
        t.send("C-p")
        t.wait_for(r"\(reverse-i-search, profile sandbox-ro\)'histmark")
        t.wait_for(r"SELECT 'histmark-' \|\| 99\+1 AS newer_col;")
        t.send("C-r")
        s = t.wait_for(r"SELECT 'histmark-' \|\| 41\+1 AS older_col")
        highlighted(t, "histmark")
        if not re.search(r"profile sandbox-ro · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · \d+ ms · ok", s):
            raise Fail("the match does not show its profile, time, duration, outcome:\n" + s)
        # no older match: it says so and keeps the match
        t.send("C-r")
        t.wait_for(r"\(failing reverse-i-search, profile sandbox-ro\)")
        t.send("Enter")
        prompt(t, "SELECT 'histmark-' || 41+1 AS older_col;")
        # put there, not run: runs on Enter (42 appears only as its result)
        t.send("Enter")
        t.wait_for(r"histmark-42")
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()


def main():
    env = sandbox_env()
    env["TERM"] = "screen-256color"
    env["XDG_STATE_HOME"] = os.path.join(tempdir(), "state")
    path = os.path.join(env["XDG_STATE_HOME"], "pgiam", "history")
    first_run(env)
    check_file(path)
    second_run(env)


run(main)
