"""tuilib.py - drives the real pgiam binary in a private tmux server for the terminal
tests: start it at a fixed size, send keys, capture the screen, and wait for text by
polling with a timeout (never fixed sleeps)."""
import atexit
import itertools
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import time

BIN = os.environ.get("PGIAM_BIN", "")
TIMEOUT = 20.0 if os.environ.get("PGIAM_UNDER_ASAN") else 10.0


class Fail(Exception):
    pass


_sessions = itertools.count(1)


class Tmux:
    def __init__(self, cols=100, rows=30):
        # A private server per session: a name never reused within this test, so a
        # server still shutting down cannot be confused with the next one.
        self.sock = "pgiam-test-%d-%d" % (os.getpid(), next(_sessions))
        self.cols, self.rows = cols, rows
        self.started = False

    def tmux(self, *args, check=True):
        r = subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null"] + list(args),
                           capture_output=True, text=True)
        if check and r.returncode != 0:
            raise Fail("tmux %s: %s" % (" ".join(args), r.stderr.strip()))
        return r.stdout

    def connect(self, env, profile, ready=r"connected · TLS verified", what="", editor=True):
        """Starts pgiam on a sandbox profile (env: the sandbox's variables) and waits
        until ready shows; fails with the screen when it did not connect. The shell
        prints PGIAM-EXITED when pgiam ends. Connected, pgiam shows the workbench
        (issue 13: the schema tree focused); with editor (the tests written for the
        SQL prompt) F4 then shows the SQL editor full screen, as the SQL screen was."""
        self.start("%s --profiles %s --profile %s; echo PGIAM-EXITED; sleep 60" %
                   (BIN, env["PGIAM_SANDBOX_PROFILES"], profile), env=env)
        s = self.wait_for(ready + "|Not connected", timeout=30)
        if "Not connected" in s:
            raise Fail("%s did not connect%s:\n%s" % (profile, what, s))
        if editor:
            s = self.editor()
        return s

    def editor(self):
        """From the workbench: F4, the SQL editor full screen (its title says how
        back). Returns the screen once the SQL prompt shows there."""
        self.wait_for(r"▶ Tree|> Tree")
        self.send("F4")
        return self.wait_for(r"F4: back to the panes[\s\S]*SQL>")

    def start(self, shell_cmd, env=None):
        """Runs shell_cmd with sh in a new detached session of cols x rows. Under
        AddressSanitizer its reports go to files, checked by check_sanitizers(): on a
        terminal they would only scroll by."""
        full = dict(env or {})
        # A UTF-8 terminal unless the test says otherwise (CI may run with LANG unset).
        full.setdefault("LANG", "C.UTF-8")
        # The SQL editor's drafts (issue 12) go to a directory of this session's own
        # unless the test shares one between runs: never the user's, never another
        # test's.
        full.setdefault("XDG_STATE_HOME", tempdir())
        if os.environ.get("PGIAM_UNDER_ASAN"):
            self.asan_dir = tempdir()
            for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
                base = os.environ.get(var, "")
                full[var] = (base + ":" if base else "") + "log_path=" + \
                    os.path.join(self.asan_dir, var.split("_")[0].lower())
        prefix = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in full.items())
        self.tmux("new-session", "-d", "-s", "t", "-x", str(self.cols), "-y", str(self.rows),
                  "sh", "-c", (("env " + prefix + " ") if prefix else "") + "sh -c " +
                  shlex.quote(shell_cmd))
        self.tmux("set-option", "-t", "t", "remain-on-exit", "on")
        self.started = True

    def screen(self, escapes=False):
        args = ["capture-pane", "-p", "-t", "t"]
        if escapes:
            args.insert(2, "-e")
        return self.tmux(*args)

    def send(self, *keys):
        self.tmux("send-keys", "-t", "t", *keys)

    def type(self, text):
        """Types text literally. tmux takes an argument ending in ';' for its command
        separator (the ';' is lost), so a trailing one goes as its byte."""
        body = text.rstrip(";")
        if body:
            self.tmux("send-keys", "-t", "t", "-l", body)
        if len(body) < len(text):
            self.tmux("send-keys", "-t", "t", "-H", *(["3b"] * (len(text) - len(body))))

    def run_sql(self, sql):
        """Runs sql in the SQL editor as a person does (issue 12): clears what a failed
        or cancelled statement left in the editor (Ctrl-C), types sql with a ';' at its
        end when it has none (Enter runs only a complete statement) and presses Enter."""
        empty = r"(?m)^SQL>\s*$"
        s = self.wait_stable(r"(?m)^SQL>")
        if not re.search(empty, s):
            self.send("C-c")
            self.wait_for(empty)
        if not sql.rstrip().endswith(";"):
            sql += ";"
        self.type(sql)
        self.send("Enter")

    def resize(self, cols, rows):
        self.tmux("resize-window", "-t", "t", "-x", str(cols), "-y", str(rows))

    def pane_pid(self):
        return int(self.tmux("display-message", "-p", "-t", "t", "#{pane_pid}").strip())

    def wait_for(self, pattern, timeout=None, escapes=False, absent=False):
        """Polls the screen until pattern (a regex) is found (or gone, with absent);
        returns the screen. Raises Fail with the last screen on timeout."""
        deadline = time.monotonic() + (timeout or TIMEOUT)
        rx = re.compile(pattern)
        last = ""
        while time.monotonic() < deadline:
            last = self.screen(escapes)
            if bool(rx.search(last)) != absent:
                return last
            time.sleep(0.05)
        raise Fail("timed out waiting for %s%r; screen was:\n%s" %
                   ("absence of " if absent else "", pattern, last))

    def wait_stable(self, pattern, timeout=None):
        """Like wait_for, but returns only a screen that holds pattern in two captures
        in a row that are the same: one capture can catch a frame half drawn (the
        title there, the body not yet)."""
        deadline = time.monotonic() + (timeout or TIMEOUT)
        rx = re.compile(pattern)
        prev, last = None, ""
        while time.monotonic() < deadline:
            last = self.screen()
            if rx.search(last) and last == prev:
                return last
            prev = last
            time.sleep(0.05)
        raise Fail("timed out waiting for a settled screen with %r; screen was:\n%s" %
                   (pattern, last))

    def check_sanitizers(self):
        """Fails when the sanitizers wrote a report during this session."""
        d = getattr(self, "asan_dir", None)
        if not d:
            return
        for name in sorted(os.listdir(d)):
            with open(os.path.join(d, name), errors="replace") as f:
                raise Fail("sanitizer report %s:\n%s" % (name, f.read()[:4000]))

    def kill(self):
        if self.started:
            self.tmux("kill-server", check=False)
            self.started = False
        # kill-server can leave the socket file behind
        path = os.path.join(os.environ.get("TMUX_TMPDIR", "/tmp"), "tmux-%d" % os.getuid(),
                            self.sock)
        try:
            os.unlink(path)
        except OSError:
            pass


def child_pid(pid, timeout=None):
    """The pgiam process under pid (the pane's shell), waiting for it to start."""
    deadline = time.monotonic() + (timeout or TIMEOUT)
    while time.monotonic() < deadline:
        found = child_pid_once(pid)
        if found:
            return found
        time.sleep(0.05)
    raise Fail("no pgiam process under pid %d" % pid)


def child_pid_once(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            for k in f.read().split():
                with open("/proc/%s/cmdline" % k, "rb") as c:
                    if b"pgiam" in c.read().split(b"\0")[0]:
                        return int(k)
                sub = child_pid_once(int(k))
                if sub:
                    return sub
    except OSError:
        pass
    return None


def stty_sane(path):
    """Reads an `stty -a` dump and fails unless echo and icanon are on."""
    deadline = time.monotonic() + TIMEOUT
    text = ""
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path) as f:
                text = f.read()
            if text.strip():
                break
        time.sleep(0.05)
    words = text.split()
    for flag in ("echo", "icanon", "isig"):
        if flag not in words:
            raise Fail("terminal not restored: %s is off in\n%s" % (flag, text))


def run(main):
    """Runs a test function, printing a clear result; exit 0 pass, 1 fail, 77 skip."""
    if not BIN:
        print("PGIAM_BIN is not set", file=sys.stderr)
        sys.exit(1)
    try:
        main()
    except Fail as e:
        print("FAIL: %s" % e, file=sys.stderr)
        sys.exit(1)
    print("ok")
    sys.exit(0)


def write_profile(d, name, **keys):
    path = os.path.join(d, name + ".ini")
    with open(path, "w") as f:
        f.write("[profile]\n")
        for k, v in keys.items():
            f.write("%s = %s\n" % (k, v))
    os.chmod(path, 0o600)
    return path


def tempdir():
    """A temporary directory removed when the test ends."""
    d = tempfile.mkdtemp(prefix="pgiam-tui-")
    atexit.register(shutil.rmtree, d, True)
    return d


def select_line(t, pattern):
    """Selects the list item matching pattern: Home, then Down as many times as the
    items above it (schemas: "NAME  N tables", where NAME may hold spaces, as
    browse_sortfilter's "zz13 sort" does while it runs; tables: "SIUD  NAME …")."""
    s = t.screen()
    items = [l for l in s.splitlines()
             if "estimated rows" not in l and (re.match(r"^\s*\S.*?\s+\d+ tables?\b", l) or
                                               re.match(r"^\s*[S-][I-][U-][D-]\s", l))]
    for i, line in enumerate(items):
        if re.search(pattern, line):
            t.send("Home")
            for _ in range(i):
                t.send("Down")
            return
    raise Fail("no list item matches %r:\n%s" % (pattern, s))


def styled_rows(escaped):
    """A screen captured with escapes (Tmux.screen(escapes=True)) as rows of (character,
    background) cells: the SGR state followed through the whole capture, as the
    terminal does; the background is the colour number (0-7, 8-15 bright, 256-colour
    index) or None for the default. For a mark drawn only as a colour (the SQL
    editor's error position, the history search's match)."""
    rows, bg = [], None
    for line in escaped.split("\n"):
        row, i = [], 0
        while i < len(line):
            if line[i] == "\x1b":
                m = re.match(r"\x1b\[([0-9;]*)m", line[i:])
                if not m:   # another sequence: skipped whole
                    m = re.match(r"\x1b[^a-zA-Z]*[a-zA-Z]?", line[i:])
                    i += len(m.group(0))
                    continue
                params = [int(p) if p else 0 for p in m.group(1).split(";")]
                k = 0
                while k < len(params):
                    p = params[k]
                    if p in (0, 49):
                        bg = None
                    elif 40 <= p <= 47:
                        bg = p - 40
                    elif 100 <= p <= 107:
                        bg = p - 100 + 8
                    elif p in (38, 48) and k + 1 < len(params):
                        if p == 48:
                            bg = params[k + 2] if params[k + 1] == 5 and k + 2 < len(params) \
                                else "rgb"
                        k += 2 if params[k + 1] == 5 else 4
                    k += 1
                i += len(m.group(0))
                continue
            row.append((line[i], bg))
            i += 1
        rows.append(row)
    return rows


def tree_info(s):
    """The workbench tree's last line, about its selected entry ("schema NAME · …" or
    "SCHEMA.NAME · …"), or None."""
    lines = [l.split("│")[0].rstrip() for l in s.splitlines()]
    found = [l for l in lines if re.match(r"(schema \S+ · |\S+\.\S+ · )", l)]
    return found[-1] if found else None


def tree_select(t, marker, tries=60):
    """In the workbench tree: Home, then Down one entry at a time (each waited for by
    its info line changing) until the info line matches marker; returns the screen."""
    t.send("Home")
    last = None
    for _ in range(tries):
        s = t.wait_stable(r"▶ Tree")
        info = tree_info(s)
        if info and re.search(marker, info):
            return s
        if info is not None and info == last:
            break   # the last entry
        last = info
        t.send("Down")
        deadline = time.monotonic() + TIMEOUT
        while tree_info(t.screen()) == last and time.monotonic() < deadline:
            time.sleep(0.05)
    raise Fail("no tree entry %r:\n%s" % (marker, t.screen()))


def display_width(text):
    """Terminal columns of text as the tests count them (East Asian wide = 2)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def sandbox_env():
    """The sandbox's variables (PGIAM_SANDBOX_ENV), or exit 77 (skipped) without it."""
    path = os.environ.get("PGIAM_SANDBOX_ENV")
    if not path or not os.path.exists(path):
        print("skipped: the sandbox is not up (PGIAM_SANDBOX_ENV unset)")
        sys.exit(77)
    env = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"export (\w+)='(.*)'$", line.strip())
            if m:
                env[m.group(1)] = m.group(2)
    return env


def sts_control(env, path, body=None):
    """A request to the STS emulator's control API (loopback); returns the JSON answer."""
    import json
    import urllib.request
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(env["PGIAM_SANDBOX_STS_URL"] + path, data=data,
                                 method="POST" if data is not None else "GET",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read().decode())


def admin_sql(env, sql):
    """Runs sql as the sandbox's superuser (psql over its unix socket); returns stdout."""
    r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                        env["PGIAM_SANDBOX_ADMIN"], "-c", sql],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise Fail("psql: %s" % r.stderr.strip())
    return r.stdout


def sts_seconds(screen):
    """The STS session's remaining life in the status bar ("STS mm:ss" or h:mm:ss)."""
    m = re.search(r"STS (\d+):(\d\d)(?::(\d\d))?", screen)
    if not m:
        return None
    if m.group(3):
        return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3))
    return int(m.group(1)) * 60 + int(m.group(2))
