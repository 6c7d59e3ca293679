"""test_handson_guards.py - what a hands-on pass broke after the paste fixes, each
checked in tmux against the sandbox:
- a question (delete a profile, disconnect with an open transaction) takes a "y"
  only when it comes alone: a paste of "delete from x where y = 1" on the home screen
  opens the delete question with its "d" and must not answer it with its "y" (the
  profile file stays);
- a plain (unbracketed) paste longer than the old prompt's 4095 bytes arrives whole
  in the editor (issue 12: no size limit any more, where it used to be cut and
  refused) and does not run: its line end is a line break (the rows stay);
- Alt-b (ESC b) at the SQL prompt is not Esc (no disconnect question): it moves a
  word back (issue 12);
- a paste start marker whose end never comes stops swallowing keys after 2 s;
- F10 while the user's statement runs asks instead of quitting.
Runs alone (it creates and drops a table). Skipped (77) without PGIAM_SANDBOX_ENV."""
import os
import shutil

from tuilib import BIN, Fail, Tmux, admin_sql, run, sandbox_env, tempdir

TABLE = "handson_guards_t"


def paste_plain(t, text):
    """A paste as a terminal without bracketed paste sends it: one write of keys."""
    path = os.path.join(tempdir(), "paste")
    with open(path, "w") as f:
        f.write(text)
    t.tmux("load-buffer", "-b", "p", path)
    t.tmux("paste-buffer", "-b", "p", "-t", "t")


def count(env):
    return int(admin_sql(env, "SELECT count(*) FROM %s" % TABLE).strip())


def home_paste(env):
    d = tempdir()
    for name in ("sandbox-ro", "sandbox-rw"):
        shutil.copy(os.path.join(env["PGIAM_SANDBOX_PROFILES"], name + ".ini"), d)
    # a relative ca_bundle in the copies would point into d: not needed for this
    t = Tmux(100, 30)
    try:
        t.start("%s --profiles %s; echo PGIAM-EXITED; sleep 60" % (BIN, d), env=env)
        t.wait_stable(r"sandbox-rw")
        paste_plain(t, "delete from x where y = 1")
        t.wait_for(r"not answered: a y that came with other input")
        for name in ("sandbox-ro", "sandbox-rw"):
            if not os.path.exists(os.path.join(d, name + ".ini")):
                raise Fail("a pasted y answered the delete question: %s.ini is gone\n%s" %
                           (name, t.screen()))
        t.send("n")
        t.wait_for(r"pgiam · Profiles")
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()


def sql_screen(env):
    t = Tmux(100, 30)
    try:
        t.connect(env, "sandbox-rw")
        # a plain paste past the old prompt's size: whole in the editor, not run
        paste_plain(t, "delete from %s" % TABLE + " " * 4090 + "\nwhere id = 5;")
        t.wait_for(r"(?m)^\s+2 where id = 5;\s*$")
        t.wait_for(r"taken as pasted, not as Enter")
        if count(env) != 5:
            raise Fail("a plain paste ran: %d rows left\n%s" % (count(env), t.screen()))
        t.send("C-c")
        t.wait_for(r"(?m)^SQL>\s*$")
        # Alt-b is a key of its own, never Esc
        t.type("select 1")
        t.send("M-b")
        t.type("x")
        t.wait_for(r"(?m)^SQL> select x1\s*$")
        if "Disconnect and go back" in t.screen():
            raise Fail("Alt-b opened the disconnect question:\n" + t.screen())
        t.send("C-c")
        t.wait_for(r"(?m)^SQL>\s*$")
        # a lost paste end: after 2 s keys work again, the pasted text is at the prompt
        t.tmux("send-keys", "-t", "t", "-H", "1b", "5b", "32", "30", "30", "7e")
        t.type("select 2")
        t.wait_for(r"a paste had no end marker", timeout=15)
        t.wait_for(r"(?m)^SQL> select 2\s*$")
        t.send("C-u")
        t.type("abc")
        t.wait_for(r"(?m)^SQL> abc\s*$")
        t.send("C-u")
        # F10 while the statement runs asks
        t.type("select pg_sleep(30);")
        t.send("Enter")
        t.wait_for(r"running…")
        t.send("F10")
        t.wait_for(r"Quit pgiam while a statement is running")
        t.send("n")
        t.send("Escape")
        t.wait_for(r"cancelled")
        t.send("F10")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()


def main():
    env = sandbox_env()
    env["TERM"] = "xterm-256color"
    admin_sql(env, "DROP TABLE IF EXISTS %s; CREATE TABLE %s (id int PRIMARY KEY, v text); "
                   "INSERT INTO %s SELECT g, 'v' || g FROM generate_series(1, 5) g; "
                   "GRANT SELECT, DELETE ON %s TO iam_rw_user" % (TABLE, TABLE, TABLE, TABLE))
    try:
        home_paste(env)
        sql_screen(env)
    finally:
        admin_sql(env, "DROP TABLE IF EXISTS %s" % TABLE)


run(main)
