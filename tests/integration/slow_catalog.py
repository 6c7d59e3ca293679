"""slow_catalog.py - a database of its own in the sandbox where `pgiam check`'s catalog
queries hang: an operator `slowcat.!~ (name, text)` that sleeps a minute, found before
pg_catalog's by sessions started with PGOPTIONS (SEARCH_PATH below), as the check's
identity and privilege queries use `!~`. Only a session with that search_path sees it,
and the database is dropped afterwards, so other tests (and their schema lists) never
do. Used by check_slow_catalog.py and tui/test_check_cancel.py."""
import contextlib
import os
import re
import subprocess
import time

PGOPTIONS = "-c search_path=slowcat,pg_catalog"
SLEEP_S = 60

SETUP = """
CREATE SCHEMA slowcat;
CREATE FUNCTION slowcat.slow_nregex(name, text) RETURNS boolean LANGUAGE sql
  AS 'SELECT pg_sleep(%d) IS NULL AND NOT ($1 OPERATOR(pg_catalog.~) $2)';
CREATE OPERATOR slowcat.!~ (LEFTARG = name, RIGHTARG = text, FUNCTION = slowcat.slow_nregex);
GRANT USAGE ON SCHEMA slowcat TO PUBLIC;
""" % SLEEP_S


def admin(env, sql, dbname=None):
    """sql as the sandbox's superuser (over its unix socket); stdout, or raises."""
    conninfo = env["PGIAM_SANDBOX_ADMIN"]
    if dbname:
        conninfo = re.sub(r"dbname=\S+", "dbname=" + dbname, conninfo)
    r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", conninfo,
                        "-c", sql], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise AssertionError("psql: " + r.stderr.strip())
    return r.stdout


@contextlib.contextmanager
def database(env):
    """Creates the slow database; yields its name; drops it (and its sessions)."""
    name = "pgiam_slowcat_%d" % os.getpid()
    admin(env, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)
    admin(env, "CREATE DATABASE %s" % name)
    try:
        admin(env, SETUP, dbname=name)
        yield name
    finally:
        admin(env, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)


def write_profile(env, directory, name, dbname):
    """sandbox-rw (read-write: read-only profiles set libpq's options themselves, which
    would hide PGOPTIONS) on dbname, as directory/name.ini."""
    with open(os.path.join(env["PGIAM_SANDBOX_PROFILES"], "sandbox-rw.ini")) as f:
        text = f.read()
    text = re.sub(r"(?m)^database = .*$", "database = " + dbname, text)
    path = os.path.join(directory, name + ".ini")
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)
    return path


def sleeping(env, dbname):
    """How many backends of dbname are running a statement (pg_sleep in the operator)."""
    return int(admin(env, "SELECT count(*) FROM pg_stat_activity WHERE datname = '%s' "
                     "AND state = 'active'" % dbname).strip())


def wait_sleeping(env, dbname, want, timeout):
    """Waits until sleeping() == want; True when it came within timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sleeping(env, dbname) == want:
            return True
        time.sleep(0.1)
    return sleeping(env, dbname) == want
