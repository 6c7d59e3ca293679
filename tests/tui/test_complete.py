"""test_complete.py - Tab completion at the SQL prompt against the sandbox's catalog:
a table name with several candidates opens a list (common prefix inserted, Down and
Enter choose), a unique table name completes with a space, an alias's column
completes after "c.", Esc closes a list keeping what was typed, and the completed
statement runs. Skipped (77) without PGIAM_SANDBOX_ENV."""
import os
import re

from tuilib import Fail, Tmux, run, sandbox_env, tempdir


def prompt(t, text):
    return t.wait_for(r"(?m)^SQL> %s\s*$" % re.escape(text))


def main():
    env = sandbox_env()
    env["TERM"] = "screen-256color"
    env["XDG_STATE_HOME"] = os.path.join(tempdir(), "state")
    t = Tmux(100, 30)
    try:
        t.connect(env, "sandbox-ro")
        # unique: the name and a space (the first Tab reads the catalog, then completes)
        t.type("SELECT * FROM customers_j")
        t.send("Tab")
        prompt(t, "SELECT * FROM customers_ja")
        t.type("j")   # after the space Tab added (tmux trims it from the capture)
        prompt(t, "SELECT * FROM customers_ja j")
        t.send("C-u")
        # several: the common prefix, then a list
        t.type("SELECT c.name FROM custo")
        t.send("Tab")
        s = t.wait_for(r"1 of \d+ · relations and schemas")
        if not re.search(r"(?m)^\s*customers_ja\s*$", s.replace("│", " ")) and \
                "customers_ja" not in s:
            raise Fail("the list does not show customers_ja:\n" + s)
        prompt(t, "SELECT c.name FROM customers")
        # Esc closes it; what was typed stays
        t.send("Escape")
        t.wait_for(r"of \d+ · relations", absent=True)
        prompt(t, "SELECT c.name FROM customers")
        t.send("Tab")
        t.wait_for(r"1 of \d+ · relations and schemas")
        t.send("Down")
        t.wait_for(r"2 of \d+ · relations and schemas")
        t.send("Up")
        t.wait_for(r"1 of \d+ · relations and schemas")
        t.send("Enter")
        t.wait_for(r"of \d+ · relations", absent=True)
        prompt(t, "SELECT c.name FROM customers")
        # a column of the alias, defined after the cursor's place
        t.type(" c WHERE c.ag")
        t.send("Tab")
        prompt(t, "SELECT c.name FROM customers c WHERE c.age")
        t.type("> 26 ORDER BY 1;")
        t.send("Enter")
        s = t.wait_for(r"Charlie Brown")
        if "Bob Johnson" in s:
            raise Fail("the completed statement is not the one typed:\n" + s)
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()


run(main)
