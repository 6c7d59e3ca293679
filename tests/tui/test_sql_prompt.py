"""test_sql_prompt.py - the SQL editor behaves like psql's prompt, against the sandbox:
after Enter on a statement ended by ';' the buffer is cleared (typing never appends
to the last statement) and the statement goes into a history; Up/Down recall
statements without losing the draft being typed; a statement the server refuses
stays in the buffer (issue 12: it used to be cleared and come back with Up),
editable, and runs once fixed; help lists the history keys. Skipped (77) without
PGIAM_SANDBOX_ENV."""
import re
import time

from tuilib import TIMEOUT, Fail, Tmux, run, sandbox_env

EMPTY = r"(?m)^SQL>\s*$"


def prompt(t, text):
    """Waits until the prompt line holds exactly text."""
    return t.wait_for(r"(?m)^SQL> %s\s*$" % re.escape(text))


def main():
    env = sandbox_env()
    env["TERM"] = "screen-256color"
    t = Tmux(100, 30)
    try:
        s = t.connect(env, "sandbox-ro")
        first = "SELECT name FROM customers ORDER BY customer_id;"
        t.type(first)
        t.send("Enter")
        t.wait_for(r"Charlie Brown")
        t.wait_for(EMPTY)
        # the next statement starts on a clear line
        t.type("SELECT 2 AS two;")
        prompt(t, "SELECT 2 AS two;")
        t.send("Enter")
        s = t.wait_for(r"(?m)^ two\s*$")
        if "customersSELECT" in s:
            raise Fail("the second statement was appended to the first:\n" + s)
        t.wait_for(EMPTY)
        # Up/Down walk the history; the draft being typed is kept
        t.type("SELECT 'dra")
        t.send("Up")
        prompt(t, "SELECT 2 AS two;")
        t.send("Up")
        prompt(t, first)
        t.send("Up")          # nothing older: stays
        prompt(t, first)
        t.send("Down")
        prompt(t, "SELECT 2 AS two;")
        t.send("Down")
        prompt(t, "SELECT 'dra")
        t.send("C-u")
        t.wait_for(EMPTY)
        # a refused statement stays in the buffer to fix, the cursor on the error
        t.type("SELEC oops;")
        t.send("Enter")
        t.wait_for(r"ERROR 42601")
        prompt(t, "SELEC oops;")
        t.send("End")
        t.send("BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace")
        t.type("T 3 AS three;")
        prompt(t, "SELECT 3 AS three;")
        t.send("Enter")
        t.wait_for(r"(?m)^ three\s*$")
        t.wait_for(EMPTY)
        t.send("C-p")
        prompt(t, "SELECT 3 AS three;")
        t.send("C-n")
        t.wait_for(EMPTY)
        # help shows the keys
        t.send("F1")
        t.wait_for(r"pgiam · Help")
        # (page by page: the SQL editor's keys no longer fit the last page)
        for _ in range(10):
            page = t.wait_stable(r"pgiam · Help")
            if re.search(r"Up, Ctrl-P\s+Recall the previous statement", page):
                break
            t.send("PgDn")
            # the next page: its body differs (a line of it may be blank, so not the
            # absence of one line of the page before)
            body = "\n".join(page.splitlines()[1:])
            deadline = time.monotonic() + TIMEOUT
            while "\n".join(t.screen().splitlines()[1:]) == body:
                if time.monotonic() > deadline:
                    raise Fail("PgDn did not turn the help's page:\n" + page)
                time.sleep(0.05)
        t.wait_for(r"Up, Ctrl-P\s+Recall the previous statement")
        t.send("q")
        t.wait_for(r"Type SQL and press Enter")
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()


run(main)
