"""test_hostile.py - hostile bytes in table data never reach the terminal raw, against
the sandbox. As iam_rw_user (profile sandbox-rw, through the TUI's own prompt) it
inserts into customers a name holding ESC [2J (clear screen), OSC 0;title BEL (set
the window title), a C1 control (U+009B, CSI on some terminals), a bare CR, a
right-to-left override and CJK text; SELECTing it must show them escaped (^[, ^G,
^M, the replacement character) with the screen not cleared, the pane title
unchanged, and the columns of every row lined up by display width. PostgreSQL
refuses invalid UTF-8 in text, so that case is covered by tests/unit/test_width.c.
The row is deleted at the end, pass or fail. Runs alone (it changes customers, which
other tests count). Skipped (77) without PGIAM_SANDBOX_ENV."""
import re

from tuilib import admin_sql, display_width, Fail, run, sandbox_env, Tmux

EMAIL = "hostile@tui-test.invalid"
# What is typed at the prompt: PostgreSQL's escape string makes the bytes.
NAME_SQL = r"E'A\x1b[2JB\x1b]0;pwned\x07C\u009b31mD\rE\u202eF山田太郎'"


def lines_seen(screen):
    return [l for l in screen.splitlines()
            if re.search(r"(alice|bob|charlie)[\w.]*@|" + re.escape(EMAIL), l)]


def main():
    env = sandbox_env()
    env["TERM"] = "screen-256color"
    t = Tmux(110, 30)
    admin_sql(env, "DELETE FROM customers WHERE email = '%s'" % EMAIL)
    try:
        s = t.connect(env, "sandbox-rw")
        title = t.tmux("display-message", "-p", "-t", "t", "#{pane_title}").strip()
        t.run_sql("INSERT INTO customers (name, email, age) VALUES (%s, '%s', 7)" %
               (NAME_SQL, EMAIL))
        t.wait_for(r"INSERT 0 1|ERROR")
        s = t.screen()
        if "INSERT 0 1" not in s:
            raise Fail("the INSERT failed:\n" + s)
        t.send("C-u")
        t.run_sql("SELECT name, email, age FROM customers ORDER BY customer_id")
        s = t.wait_for(r"4 rows")
        row = [l for l in s.splitlines() if EMAIL in l]
        if len(row) != 1:
            raise Fail("the hostile row is not on one line:\n" + s)
        row = row[0]
        # escaped, in order: ESC [2J, OSC 0;pwned BEL, C1, CR, RLO
        want = "A^[[2JB^[]0;pwned^GC\N{REPLACEMENT CHARACTER}31mD^ME\N{REPLACEMENT CHARACTER}F山田太郎"
        if want not in row:
            raise Fail("the name is not shown escaped as %r:\n%r" % (want, row))
        # not cleared: the other rows, the header and the status bar are all there
        for text in ("Alice Smith", "Charlie Brown", "pgiam · Connected", "iam_rw_user@",
                     "connected · TLS verified"):
            if text not in s:
                raise Fail("%r is missing: the screen was cleared or overwritten:\n%s" %
                           (text, s))
        now = t.tmux("display-message", "-p", "-t", "t", "#{pane_title}").strip()
        if now != title or "pwned" in now:
            raise Fail("the pane title changed from %r to %r" % (title, now))
        raw = t.screen(escapes=True)
        if "pwned\x07" in raw or "\x1b]0;" in raw:
            raise Fail("an OSC sequence reached the terminal")
        # columns line up by display width, the hostile row included
        cols = set()
        for line in s.splitlines():
            m = re.search(r"(alice|bob|charlie)[\w.]*@|" + re.escape(EMAIL), line)
            if m:
                cols.add(display_width(line[:m.start()]))
        if len(cols) != 1 or len(lines_seen(s)) != 4:
            raise Fail("the email column does not line up %s:\n%s" % (sorted(cols), s))
        ages = set()
        for line in s.splitlines():
            m = re.search(r"@\S+\s+(\d+)\s*$", line)
            if m:
                # numbers are right-aligned: their last digits line up
                ages.add(display_width(line[:m.end(1)]))
        if len(ages) != 1:
            raise Fail("the age column does not line up %s:\n%s" % (sorted(ages), s))
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()
        admin_sql(env, "DELETE FROM customers WHERE email = '%s'" % EMAIL)


run(main)
