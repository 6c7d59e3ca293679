"""test_exit_status.py - the terminal UI exits with the CLI's named statuses (issue 9;
util/exitcode.h): a profile directory that cannot be read (a file given as the
directory, through --profiles or PGIAM_PROFILES) is a configuration error, 3, said in
one line before the screen opens; a bad option is a usage error, 2; a profile
directory that does not exist yet opens the home screen. Run on a real terminal
(tmux): the UI checks for one before it looks at the directory. No sandbox needed."""
import os

from tuilib import BIN, Fail, Tmux, run, tempdir


def status_of(shell_cmd, env):
    """Runs shell_cmd in a terminal; the screen once the shell printed the status."""
    t = Tmux(100, 20)
    try:
        t.start(shell_cmd + '; echo "PGIAM-EXIT=$?"; sleep 60', env=env)
        s = t.wait_for(r"PGIAM-EXIT=\d+")
        t.check_sanitizers()
        return s
    finally:
        t.kill()


def main():
    d = tempdir()
    not_a_dir = os.path.join(d, "profiles-file")
    with open(not_a_dir, "w") as f:
        f.write("not a directory\n")
    env = {"TERM": "xterm-256color", "AWS_CONFIG_FILE": os.path.join(d, "none"),
           "AWS_SHARED_CREDENTIALS_FILE": os.path.join(d, "none")}
    cases = [
        ("%s --profiles %s" % (BIN, not_a_dir), env, 3,
         "pgiam: cannot read the profile directory %s: Not a directory" % not_a_dir),
        ("%s" % BIN, dict(env, PGIAM_PROFILES=not_a_dir), 3,
         "pgiam: cannot read the profile directory %s: Not a directory" % not_a_dir),
        ("%s --profile" % BIN, env, 2, "pgiam: --profile needs a profile name"),
        ("%s --no-such-option" % BIN, env, 2, "pgiam: unknown option '--no-such-option'"),
    ]
    for cmd, e, want, line in cases:
        s = status_of(cmd, e)
        got = int(s.split("PGIAM-EXIT=")[1].split()[0])
        if got != want:
            raise Fail("%r exited %d, not %d:\n%s" % (cmd, got, want, s))
        if line not in s:
            raise Fail("%r did not say %r:\n%s" % (cmd, line, s))
    # a directory that does not exist yet is not an error: the home screen opens
    t = Tmux(100, 20)
    try:
        t.start("%s --profiles %s; echo PGIAM-EXITED; sleep 60" %
                (BIN, os.path.join(d, "not-yet")), env=env)
        t.wait_for(r"No profiles yet\. Press a to add one\.")
        t.send("q")
        t.wait_for("PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()


run(main)
