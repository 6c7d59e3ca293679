#!/usr/bin/python3
"""tests/bench/session.py - session timings against the sandbox.

1. Cancel latency: `SELECT pg_sleep(30)` in `pgiam sql`, then "\\cancel"; the time from
   sending the cancel to the "cancelled" event, direct and through the tunnel
   (connect_host), R runs each.
2. Connect: `pgiam check --json` R times; total and per step (credentials+AssumeRole,
   TLS, authentication — the sandbox's PAM verifier is Python + botocore, so its
   share is the sandbox's, not pgiam's).
3. Large result: time to the first row and to the last, and peak RSS of `pgiam sql`
   reading big_table (ROWS rows, made with tests/sandbox/gen_big_table) in
   single-row mode.

Uses PGIAM_SANDBOX_ENV when set, else brings a private sandbox up and down.
usage: tests/bench/session.py [R-runs] [ROWS]
"""
import json
import os
import resource
import statistics
import subprocess
import sys
import time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(root, "tests", "integration"))
os.environ.setdefault("PGIAM_BIN", os.path.join(root, "build", "pgiam"))
import sqlproc  # noqa: E402
from sandbox_lib import SANDBOX, sandbox  # noqa: E402

R = int(sys.argv[1]) if len(sys.argv) > 1 else 20
ROWS = int(sys.argv[2]) if len(sys.argv) > 2 else 200000


def stats(name, xs, unit="ms"):
    print(f"{name:45s} n={len(xs):3d} mean {statistics.mean(xs):8.1f} median "
          f"{statistics.median(xs):8.1f} min {min(xs):8.1f} max {max(xs):8.1f} {unit}")


def cancel_latency(env, profile):
    s = sqlproc.Interactive(["--profiles", env["PGIAM_SANDBOX_PROFILES"], "--profile", profile],
                            dict(os.environ, **env))
    out = []
    try:
        s.wait_event("connected")
        for _ in range(R):
            s.send("SELECT pg_sleep(30)")
            s.wait_event("query")
            time.sleep(0.2)
            t0 = time.monotonic()
            s.send("\\cancel")
            ev = s.wait_event("cancelled", "error", "done", timeout=30)
            assert ev["event"] == "cancelled", ev
            out.append((time.monotonic() - t0) * 1000)
    finally:
        s.close()
    stats(f"cancel pg_sleep(30) via {profile}", out)


def connect(env):
    total, steps = [], {}
    for _ in range(R):
        r = subprocess.run([os.environ["PGIAM_BIN"], "check", "--json", "--profiles",
                            env["PGIAM_SANDBOX_PROFILES"], "--profile", "sandbox-ro"],
                           capture_output=True, text=True, env=dict(os.environ, **env))
        j = json.loads(r.stdout)
        assert j["ok"], j["message"]
        total.append(j["total_ms"])
        for st in j["steps"]:
            steps.setdefault(st["name"], []).append(st["ms"])
    stats("pgiam check (whole chain, new process)", total)
    for name in ("source credentials", "TLS", "authentication", "privileges"):
        stats(f"  step {name}", steps[name])


def big(env):
    subprocess.run([os.path.join(SANDBOX, "gen_big_table"), str(ROWS)], check=True,
                   env=dict(os.environ, **env), capture_output=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.monotonic()
    p = subprocess.Popen([os.environ["PGIAM_BIN"], "sql", "--profiles", env["PGIAM_SANDBOX_PROFILES"],
                          "--profile", "sandbox-ro", "-c", "SELECT * FROM big_table"],
                         stdout=subprocess.PIPE, env=dict(os.environ, **env))
    first = None
    rows = 0
    for line in p.stdout:
        if b'"event":"row"' in line:
            rows += 1
            if first is None:
                first = time.monotonic() - t0
    p.wait()
    last = time.monotonic() - t0
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"big_table {rows} rows (JSON lines): first row {first * 1000:.0f} ms (includes the "
          f"connect), all rows {last:.2f} s, peak RSS of pgiam sql {max(rss, before) / 1024:.1f} MiB")


with sandbox() as env:
    cancel_latency(env, "sandbox-ro")
    cancel_latency(env, "sandbox-tunnel")
    connect(env)
    big(env)
