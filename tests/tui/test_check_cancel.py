"""test_check_cancel.py - Esc on the check screen while a catalog query hangs (on a
database where the check's queries sleep a minute: integration/slow_catalog.py) goes
back to the profile list at once, the list stays usable (the event log opens and
closes), and the check is stopped, not left running: its query is cancelled on the
server (the backend stops sleeping within seconds, long before its minute), because
catalog queries run on the session's non-blocking path with the check's cancel flag.
Quitting afterwards ends the program promptly. Skipped (77) without the sandbox."""
import os
import sys

from tuilib import BIN, Fail, Tmux, run, sandbox_env, tempdir

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import slow_catalog  # noqa: E402


def main():
    env = sandbox_env()
    env["TERM"] = "screen-256color"
    env["PGOPTIONS"] = slow_catalog.PGOPTIONS
    d = tempdir()
    os.chmod(d, 0o700)
    with slow_catalog.database(env) as db:
        slow_catalog.write_profile(env, d, "slow", db)
        t = Tmux(100, 30)
        try:
            t.start("%s --profiles %s; echo PGIAM-EXITED; sleep 60" % (BIN, d), env=env)
            t.wait_stable(r"pgiam · Profiles[\s\S]*slow")
            t.send("t")
            t.wait_for(r"pgiam · Check: slow")
            # step 8 running, and its query sleeping on the server
            t.wait_for(r"\.\.\s+8 server version", timeout=30)
            if not slow_catalog.wait_sleeping(env, db, 1, 10):
                raise Fail("the check's catalog query is not running on the server")
            t.send("Escape")
            t.wait_for(r"pgiam · Profiles", timeout=3)
            # the list answers keys: the event log opens and closes
            t.send("F3")
            t.wait_for(r"pgiam · Event log")
            t.send("q")
            t.wait_for(r"pgiam · Profiles")
            # the check was stopped: its query cancelled on the server, not left to
            # sleep out its minute
            if not slow_catalog.wait_sleeping(env, db, 0, 8):
                raise Fail("the closed check's catalog query still runs on the server")
            t.send("F10")
            t.wait_for(r"PGIAM-EXITED", timeout=5)
            t.check_sanitizers()
        finally:
            t.kill()


if __name__ == "__main__":
    run(main)
