"""test_browse.py - the schema and table browser against the sandbox: F5 on the
connected screen lists the schemas with table counts; public lists its tables with
the role's S I U D privileges (a table the role cannot read is marked without S, and
opening it shows the refusal); customers shows its 3 rows; customers_ja's Japanese
text lines up by display width; big_table (5000 rows, created with the admin
connection when missing) pages forward and backward with keyset paging, Home/End jump
to the first and last page, a row opens as a vertical record, r on a later page reads
that page again with the cursor on its row (a view's too, at the same offset, and
paging past a view's last page shows that page again); hostile bytes in a cell are
shown escaped. Skipped (77) without PGIAM_SANDBOX_ENV."""
import os
import re
import subprocess
import time

from tuilib import BIN, TIMEOUT, display_width, Fail, run, sandbox_env, select_line, Tmux


def admin(env, sql):
    r = subprocess.run(["psql", env["PGIAM_SANDBOX_ADMIN"], "-v", "ON_ERROR_STOP=1",
                        "-qAtc", sql], capture_output=True, text=True)
    if r.returncode:
        raise Fail("admin SQL failed: %s\n%s" % (sql, r.stderr))
    return r.stdout.strip()


def prepare(env):
    """big_table with 5000 rows (ids 1..5000), a table the read-only role may not
    read, and one with a hostile name and hostile bytes in a cell."""
    if admin(env, "SELECT count(*) FROM pg_class WHERE relname = 'big_table'") != "1" or \
            admin(env, "SELECT max(id) FROM big_table") != "5000":
        subprocess.run([os.path.join(os.environ.get("PGIAM_SOURCE_ROOT", "."),
                                     "tests/sandbox/gen_big_table"), "5000"],
                       check=True, capture_output=True, env=dict(os.environ, **env))
    admin(env, "CREATE TABLE IF NOT EXISTS public.browse_secret (id int PRIMARY KEY, s text);"
               "REVOKE ALL ON public.browse_secret FROM readonly_role;"
               "CREATE TABLE IF NOT EXISTS public.\"Weird \"\"name\"\" é\" (\"Mixed Col\" text);"
               "TRUNCATE public.\"Weird \"\"name\"\" é\";"
               "INSERT INTO public.\"Weird \"\"name\"\" é\" VALUES (E'\\x1b[31mred'), (NULL);"
               "GRANT SELECT ON public.\"Weird \"\"name\"\" é\" TO readonly_role;"
               "CREATE OR REPLACE VIEW public.browse_view AS"
               " SELECT x AS n, 'label ' || x AS label FROM generate_series(1, 50) x;"
               "CREATE OR REPLACE VIEW public.browse_slow AS"
               " SELECT x AS n, pg_sleep(1)::text AS slept FROM generate_series(1, 100) x;"
               "CREATE TABLE IF NOT EXISTS public.browse_nopk (n int, label text);"
               "TRUNCATE public.browse_nopk;"
               "INSERT INTO public.browse_nopk SELECT x, 'nopk ' || x FROM generate_series(1, 60) x;"
               "CREATE TABLE IF NOT EXISTS public.browse_long (id int PRIMARY KEY, s text, v text);"
               "TRUNCATE public.browse_long;"
               "INSERT INTO public.browse_long VALUES (1, 'one', 'short'),"
               " (2, 'two', repeat('x', 3000) || 'END-OF-VALUE'), (3, 'three', 'short');"
               "CREATE TABLE IF NOT EXISTS public.browse_tag (tag text);"
               "TRUNCATE public.browse_tag; INSERT INTO public.browse_tag VALUES ('before');"
               "CREATE OR REPLACE VIEW public.browse_tagged AS SELECT x AS n,"
               " 'tag ' || (SELECT tag FROM public.browse_tag) AS label"
               " FROM generate_series(1, 50) x;"
               "CREATE TABLE IF NOT EXISTS public.%s (id int PRIMARY KEY);"
               "GRANT SELECT ON public.%s TO readonly_role;"
               "CREATE TABLE IF NOT EXISTS public.browse_wide (id int PRIMARY KEY, v text,"
               " w text);"
               "TRUNCATE public.browse_wide;"
               "INSERT INTO public.browse_wide VALUES (1, repeat('ab', 20) || 'END-V', 'short'),"
               " (2, 'x', repeat('日本', 8) || 'END-W');"
               "GRANT SELECT ON public.browse_view, public.browse_slow, public.browse_nopk,"
               " public.browse_long, public.browse_tagged, public.browse_wide TO readonly_role"
               % (LONG_NAME, LONG_NAME))


# 35 characters: the table list showed 32 of them however wide the screen
LONG_NAME = "browse_table_with_a_long_name_35chr"


def wait_first_id(t, pred, what):
    """Polls until the first row's id satisfies pred; returns (id, screen)."""
    deadline = time.monotonic() + TIMEOUT
    s = ""
    while time.monotonic() < deadline:
        s = t.screen()
        i = first_id(s)
        if i is not None and "reading" not in s and pred(i):
            return i, s
        time.sleep(0.05)
    raise Fail("timed out waiting for %s; screen was:\n%s" % (what, s))


def first_id(screen):
    """The id of the first row shown (big_table's first column)."""
    lines = screen.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"\s*id\s+name", line):
            m = re.match(r"\s*(\d+)\s", lines[i + 1])
            return int(m.group(1)) if m else None
    return None


def refresh_keeps_place(env, t):
    """r on a later page reads the same page again (from the same first key) with the
    cursor on the row it was on: the page's first row renamed and a row above the
    cursor deleted meanwhile, the page starts at the same id and the cursor follows
    its row up a line."""
    t.send("NPage")
    p2, s = wait_first_id(t, lambda i: i > 1, "the second page")
    t.send("NPage")
    p3, s = wait_first_id(t, lambda i: i > p2, "the third page")
    for _ in range(3):   # from the first row: Up stops there
        t.send("Up")
    for _ in range(3):
        t.send("Down")
    try:
        admin(env, "UPDATE big_table SET name = 'refreshed %d' WHERE id = %d;"
                   "DELETE FROM big_table WHERE id = %d" % (p3, p3, p3 + 1))
        t.send("r")
        s = t.wait_for(r"\n\s*%d\s+refreshed %d\s" % (p3, p3))
        first, s = wait_first_id(t, lambda i: True, "the page read again")
        if first != p3 or "\u00b7 first page" in s:
            raise Fail("r did not read the page at id %d again:\n%s" % (p3, s))
        t.send("Enter")
        s = t.wait_for(r"created_at \(")
        m = re.search(r"id \(bigint\)\n\s+(\d+)", s)
        if not m or int(m.group(1)) != p3 + 3:
            raise Fail("after r the cursor is not on id %d:\n%s" % (p3 + 3, s))
        t.send("Escape")
        wait_first_id(t, lambda i: i == p3, "the page after the record")
    finally:
        admin(env, "UPDATE big_table SET name = 'user %d' WHERE id = %d;"
                   "INSERT INTO big_table SELECT g, 'user ' || g, 'user' || g || '@example.com',"
                   " (g %% 100000) / 100.0, TIMESTAMPTZ '2024-11-01 00:00:00+00' + g * INTERVAL"
                   " '1 second', CASE WHEN g %% 10 = 0 THEN '日本語の行 ' || g ELSE md5(g::text) END"
                   " FROM generate_series(%d, %d) g ON CONFLICT DO NOTHING"
                   % (p3, p3, p3 + 1, p3 + 1))
    t.send("Home")
    wait_first_id(t, lambda i: i == 1, "the first page after r")


def main():
    env = sandbox_env()
    prepare(env)
    env["TERM"] = "screen-256color"
    t = Tmux(100, 30)
    try:
        t.start("%s --profiles %s --profile sandbox-ro; echo PGIAM-EXITED; sleep 60"
                % (BIN, env["PGIAM_SANDBOX_PROFILES"]), env=env)
        t.wait_for(r"READ-ONLY", timeout=30)
        t.send("F5")
        s = t.wait_for(r"Browse: schemas")
        s = t.wait_for(r"public\s+\d+ tables")
        if not re.search(r"information_schema", s):
            raise Fail("the system schemas are not listed:\n" + s)
        select_line(t, r"^\s*public\s")
        t.send("Enter")
        s = t.wait_for(r"Browse: public")
        s = t.wait_for(r"customers_ja")
        if not re.search(r"\s%s\s+table\s" % LONG_NAME, s):
            raise Fail("a 35-character table name is cut with room to spare:\n" + s)
        m = re.search(r"^\s*(\S+)\s+browse_secret\b.*$", s, re.M)
        if not m or m.group(1)[0] != "-":
            raise Fail("browse_secret is not marked without SELECT:\n" + s)
        m = re.search(r"^\s*(\S+)\s+customers\s+table\s+~?\S+ rows", s, re.M)
        if not m or m.group(1) != "S---":
            raise Fail("customers should show S--- for the read-only role:\n" + s)
        if "COUNT" in s.upper() and "count(" in s:
            raise Fail("a count appeared")

        # customers: its 3 rows, paged by the primary key.
        select_line(t, r"\bcustomers\s+table")
        t.send("Enter")
        s = t.wait_for(r"Charlie Brown")
        for text in ("Alice Smith", "Bob Johnson", "3 rows", "primary key", "· last page"):
            if text not in s:
                raise Fail("customers lacks %r:\n%s" % (text, s))
        t.send("Escape")
        t.wait_for(r"S I U D")
        # back on the list, the table just left is still the selected one
        t.send("Enter")
        # the rows, not the title: Esc while they are read cancels the read instead
        t.wait_for(r"Browse: public\.customers\b(.|\n)*Charlie Brown")
        t.send("Escape")
        t.wait_for(r"S I U D")

        # customers_ja: the email column lines up after double-width names.
        select_line(t, r"\bcustomers_ja\s+table")
        t.send("Enter")
        s = t.wait_for(r"ichiro\.suzuki")
        cols = set()
        for line in s.splitlines():
            m = re.search(r"(taro\.yamada|hanako\.sato|ichiro\.suzuki)", line)
            if m:
                cols.add(display_width(line[:m.start()]))
        if len(cols) != 1:
            raise Fail("the email column does not line up after CJK names %s:\n%s" % (cols, s))
        t.send("Escape")
        t.wait_for(r"S I U D")

        # The refused table: opening it shows the refusal, the screen keeps working.
        select_line(t, r"\bbrowse_secret\b")
        t.send("Enter")
        t.wait_for(r"42501")
        t.send("Escape")
        t.wait_for(r"S I U D")

        # Hostile bytes and NULL in a table with a hostile name.
        select_line(t, r"Weird")
        t.send("Enter")
        s = t.wait_for(r"\u2205")   # the NULL, the last row
        if "Mixed Col" not in s or "^[[31mred" not in s:
            raise Fail("the hostile table lacks its column or its NULL:\n" + s)
        t.send("Escape")
        t.wait_for(r"S I U D")

        # Values wider than 30 columns are whole when the screen has room for them
        # (45 columns of ASCII, 37 of CJK, at 100 columns).
        select_line(t, r"\bbrowse_wide\s+table")
        t.send("Enter")
        s = t.wait_for(r"END-W")
        if "ab" * 20 + "END-V" not in s or "日本" * 8 + "END-W" not in s:
            raise Fail("browse_wide's values are cut with room to spare:\n" + s)
        t.send("Escape")
        t.wait_for(r"S I U D")

        # A value longer than the grid keeps: Enter reads the whole row by its key,
        # and the page is read again when the record closes.
        select_line(t, r"\bbrowse_long\s+table")
        t.send("Enter")
        t.wait_for(r"\n\s*3\s+three")
        t.send("Down")
        t.send("Enter")
        t.wait_for(r"pgiam · Record")
        t.send("End")
        s = t.wait_for(r"END-OF-VALUE")
        if "(cut" in s:
            raise Fail("the whole value was not read:\n" + s)
        t.send("Escape")
        s = t.wait_for(r"\n\s*3\s+three")
        if "first page" not in s:
            raise Fail("the page read again lost its place:\n" + s)
        t.send("Escape")
        t.wait_for(r"S I U D")

        # A view has no key: OFFSET pages, and End says it cannot.
        select_line(t, r"\bbrowse_view\s+view")
        t.send("Enter")
        s = t.wait_for(r"(\d+) rows · first page")
        per = int(re.search(r"(\d+) rows · first page", s).group(1))
        s = t.wait_for(r"\n\s*%d\s+label %d\s" % (per, per))
        if "paged by offset" not in s or not re.search(r"\n\s*1\s+label 1\s", s):
            raise Fail("browse_view's first page:\n" + s)
        t.send("NPage")
        s = t.wait_for(r"\n\s*%d\s+label %d\s" % (per + 1, per + 1))
        t.send("PPage")
        t.wait_for(r"rows · first page")
        t.send("End")
        t.wait_for(r"no key to read it backwards")
        t.send("Escape")
        t.wait_for(r"S I U D")

        # r on a view's second page: the same offset again, the cursor on its line.
        # Two pages exactly, so paging past the second finds nothing: it says so and
        # shows the second page again.
        admin(env, "CREATE OR REPLACE VIEW public.browse_tagged AS SELECT x AS n,"
                   " 'tag ' || (SELECT tag FROM public.browse_tag) AS label"
                   " FROM generate_series(1, %d) x" % (2 * per))
        select_line(t, r"\bbrowse_tagged\s+view")
        t.send("Enter")
        s = t.wait_for(r"\n\s*%d\s+tag before\s" % per)
        t.send("NPage")
        t.wait_for(r"\n\s*%d\s+tag before\s" % (per + 1))
        t.send("Down")
        t.send("Down")
        admin(env, "UPDATE public.browse_tag SET tag = 'after'")
        t.send("r")
        s = t.wait_for(r"\n\s*%d\s+tag after\s" % (per + 1))
        if "first page" in s or re.search(r"\n\s*1\s+tag", s):
            raise Fail("r on the view's second page did not read that page again:\n" + s)
        t.send("Enter")
        s = t.wait_for(r"n \(integer\)\n\s+\d+")
        if not re.search(r"n \(integer\)\n\s+%d\n" % (per + 3), s):
            raise Fail("after r the cursor is not on the third row (%d):\n%s" % (per + 3, s))
        t.send("Escape")
        t.wait_for(r"\n\s*%d\s+tag after\s" % (per + 1))
        t.send("NPage")
        s = t.wait_for(r"that was the last page")
        s = t.wait_for(r"\n\s*%d\s+tag after\s" % (per + 1))
        if re.search(r"\n\s*1\s+tag", s):
            raise Fail("past the view's last page it did not show that page:\n" + s)
        t.send("Escape")
        t.wait_for(r"S I U D")

        # A table without a primary key pages on ctid, and says what that means.
        select_line(t, r"\bbrowse_nopk\s+table")
        t.send("Enter")
        s = t.wait_for(r"rows · first page")
        if "paged by ctid" not in s:
            raise Fail("browse_nopk is not paged by ctid:\n" + s)
        t.send("End")
        s = t.wait_for(r"nopk 60\b")
        if "· last page" not in s or "nopk 1 " in s:
            raise Fail("End on browse_nopk:\n" + s)
        # r there: the same page from the same ctid (the updated row moved to the
        # table's end, still on this page)
        first = re.search(r"\n\s*(\d+)\s+nopk \1\s", s).group(1)
        admin(env, "UPDATE public.browse_nopk SET label = 'nopk 60 again' WHERE n = 60")
        t.send("r")
        s = t.wait_for(r"nopk 60 again")
        if not re.search(r"\n\s*%s\s+nopk %s\s" % (first, first), s) or "nopk 1 " in s or \
                "· last page" not in s:
            raise Fail("r on browse_nopk's last page did not read it again:\n" + s)
        t.send("Escape")
        t.wait_for(r"S I U D")

        # A slow page: the screen keeps moving and Esc cancels it.
        select_line(t, r"\bbrowse_slow\s+view")
        t.send("Enter")
        t.wait_for(r"reading… \d+\.\d s · Esc cancels")
        t.send("Escape")
        t.wait_for(r"cancelled · r reads again")
        t.send("Escape")
        t.wait_for(r"S I U D")

        # big_table: keyset pages forward, backward, last, first; a record.
        select_line(t, r"\bbig_table\s+table")
        t.send("Enter")
        t.wait_for(r"rows · first page")
        wait_first_id(t, lambda i: i == 1, "big_table's first page")
        t.send("NPage")
        second, s = wait_first_id(t, lambda i: i > 1, "the second page")
        per = second - 1
        t.send("NPage")
        wait_first_id(t, lambda i: i == 1 + 2 * per, "the third page")
        t.send("PPage")
        wait_first_id(t, lambda i: i == second, "the second page again")
        t.send("End")
        s = t.wait_for(r"user 5000\b")
        if "· last page" not in s:
            raise Fail("End does not show the last row:\n" + s)
        last, s = wait_first_id(t, lambda i: i > 2 * per, "the last page")
        t.send("PPage")
        wait_first_id(t, lambda i: i == last - per, "the page before the last")
        t.send("Home")
        t.wait_for(r"rows · first page")
        # (the screen can be captured half drawn: poll until the rows are there too)
        wait_first_id(t, lambda i: i == 1, "the first page after Home")
        # A smaller terminal: the next page read is as long as the screen shows.
        t.resize(100, 20)
        t.wait_for(r"READ-ONLY")   # redrawn at the new size (tmux cut the old bottom)
        t.send("NPage")
        s = t.wait_for(r"(\d+) rows · paged")
        small = int(re.search(r"(\d+) rows · paged", s).group(1))
        if not 0 < small < per:
            raise Fail("after a resize the page is %d rows (was %d):\n%s" % (small, per, s))
        # The smallest layout, and smaller: no crash, the message, then back.
        t.resize(60, 12)
        t.send("End")
        t.wait_for(r"user 5000\b")
        t.resize(40, 8)
        t.wait_for(r"(?i)too small")
        t.resize(100, 30)
        t.wait_for(r"READ-ONLY")   # redrawn (a key sent before the resize lands is dropped)
        t.send("Home")
        wait_first_id(t, lambda i: i == 1, "the first page after the resize")
        t.send("Right")
        t.wait_for(r"columns 2/")
        t.send("Left")
        t.send("Down")
        t.send("Enter")
        s = t.wait_for(r"created_at \(")
        for text in ("id (bigint)", "user 2", "created_at ("):
            if text not in s:
                raise Fail("the record view lacks %r:\n%s" % (text, s))
        t.send("Escape")
        t.wait_for(r"rows · first page")
        refresh_keeps_place(env, t)
        # Esc goes up a level (each waits: an Esc while a list loads cancels it).
        t.send("Escape")
        t.wait_for(r"S I U D")
        t.send("Escape")
        t.wait_for(r"public\s+\d+ tables")
        t.send("Escape")
        t.wait_for(r"Type SQL and press Enter")
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()
        admin(env, "DROP VIEW IF EXISTS public.browse_view, public.browse_slow,"
                   " public.browse_tagged;"
                   "DROP TABLE IF EXISTS public.%s, public.browse_tag, public.browse_wide,"
                   " public.browse_secret, public.browse_nopk, public.browse_long,"
                   " public.\"Weird \"\"name\"\" é\"" % LONG_NAME)


if __name__ == "__main__":
    run(main)
