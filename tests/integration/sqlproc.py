"""sqlproc - drive `pgiam sql` (JSON lines) from tests: one-shot runs and an
interactive process fed statements, read with timeouts (never sleeps). `pgiam sql`
reads stdin as psql does (a statement ends at its ';', not at a line end), so send()
ends a statement with ';' when it has none."""
import json
import os
import select
import subprocess
import time

BIN = os.environ.get("PGIAM_BIN", "build/pgiam")


def run(args, sql, env=None, timeout=60):
    """Runs `pgiam sql ARGS -c SQL`; returns (exit status, list of events)."""
    p = subprocess.run([BIN, "sql"] + args + ["-c", sql], capture_output=True, text=True,
                       env=env, timeout=timeout)
    events = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    return p.returncode, events, p.stderr


def why(event):
    """pgiam's explanation of an error event in one line (its "text"), or None."""
    x = (event or {}).get("explanation")
    return x.get("text") if isinstance(x, dict) else x


def first(events, kind):
    for e in events:
        if e["event"] == kind:
            return e
    return None


class Interactive:
    def __init__(self, args, env=None):
        self.p = subprocess.Popen([BIN, "sql"] + args, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=env, text=True, bufsize=1)
        self.events = []
        self.buf = b""

    def send_raw(self, text):
        """Writes text as it is (a script: statements across lines)."""
        self.p.stdin.write(text)
        self.p.stdin.flush()

    def send(self, line):
        if not line.startswith("\\") and not line.rstrip().endswith(";"):
            line += ";"
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()

    def wait_for(self, pred, timeout=30):
        """Reads events until pred(event) is true; returns that event."""
        deadline = time.monotonic() + timeout
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                ev = json.loads(line)
                self.events.append(ev)
                if pred(ev):
                    return ev
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting; events so far: {self.events[-8:]}")
            r, _, _ = select.select([self.p.stdout], [], [], left)
            if not r:
                continue
            chunk = os.read(self.p.stdout.fileno(), 65536)
            if not chunk:
                raise AssertionError(f"pgiam sql exited ({self.p.wait()}): "
                                     f"{self.p.stderr.read()} after {self.events[-8:]}")
            self.buf += chunk

    def wait_event(self, *kinds, timeout=30):
        return self.wait_for(lambda e: e["event"] in kinds, timeout)

    def close(self):
        if self.p.poll() is None:
            self.p.stdin.close()
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        return self.p.returncode
