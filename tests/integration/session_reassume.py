#!/usr/bin/python3
"""session_reassume.py - a revoked role session is assumed again within a session
(issue 10, item 2). Through `pgiam sql` on a copy of sandbox-ro with its own session
name: connect, then revoke that role session in the STS emulator (IAM's "revoke active
sessions": the verifier then refuses tokens signed with it, `creds-revoked`) and
terminate the session's backend, so the next statement reconnects with the cached
credentials and is refused. pgiam drops them, assumes the role once more (the
AssumeRole step says so), reconnects and runs the statement. When the fresh session
is refused too (a persistent revocation), it tries no more than once and the error
names revocation as the likely cause instead of "valid for Ns more: ok (unless
revoked)". Revocations name this test's own session names, and only its own backend
is terminated: it runs beside other tests."""
import json
import os
import subprocess
import tempfile
import urllib.request

import sqlproc
from sandbox_lib import RO_ROLE, VerifierLog, check, run


def control(env, path, body):
    req = urllib.request.Request(env["PGIAM_SANDBOX_STS_URL"] + path, data=json.dumps(body).encode(),
                                 method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def admin(env, sql):
    return subprocess.run(["psql", "-X", "-At", "-c", sql, env["PGIAM_SANDBOX_ADMIN"]],
                          capture_output=True, text=True, check=True).stdout.strip()


def profile(env, d, name, session_name):
    with open(os.path.join(env["PGIAM_SANDBOX_PROFILES"], "sandbox-ro.ini"), encoding="utf-8") as f:
        text = f.read()
    path = os.path.join(d, name + ".ini")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + f"session_name = {session_name}\n")
    os.chmod(path, 0o600)


def connected_then_revoked(env, s, session_name, persistent):
    """Connects, revokes the role session, cuts the backend; returns the verifier log."""
    s.wait_event("connected")
    s.send("SELECT pg_backend_pid()")
    pid = s.wait_event("row")["values"][0]
    s.wait_event("done")
    got = control(env, "/_sandbox/revoke", {"role_arn": RO_ROLE, "session_name": session_name,
                                            "persistent": persistent})
    check(got.get("revoked") == 1, f"the emulator revoked the session {session_name} ({got})")
    log = VerifierLog(env)
    admin(env, f"SELECT pg_terminate_backend({int(pid)})")
    s.wait_event("lost", timeout=30)
    return log


def reassumed_after_revocation(env, d):
    name = f"pgiam-reassume-{os.getpid()}"
    profile(env, d, "reassume", name)
    s = sqlproc.Interactive(["--profiles", d, "--profile", "reassume"], dict(os.environ, **env))
    try:
        log = connected_then_revoked(env, s, name, False)
        s.send("SELECT 41 + 1")
        ev = s.wait_event("reconnected", "error")
        check(ev["event"] == "reconnected",
              f"the reconnect refused with the revoked session assumed the role again ({ev})")
        check(log.find("iam_ro_user", "REJECT", "creds-revoked", contains=name) is not None,
              "the server refused the token signed with the revoked session first")
        steps = [e for e in s.events if e["event"] == "step" and e["step"] == "AssumeRole"
                 and e["done"] and "assumed again" in e["detail"]]
        check(len(steps) == 1, "the AssumeRole step says the role was assumed again")
        row = s.wait_event("row")
        check(row["values"] == ["42"] and s.wait_event("done", "error")["event"] == "done",
              "and the statement waiting for the connection ran")
        check(log.find("iam_ro_user", "ACCEPT", contains=name) is not None,
              "with a token signed by the new session")
    finally:
        s.close()


def refused_again_names_revocation(env, d):
    name = f"pgiam-revoked-{os.getpid()}"
    profile(env, d, "revoked", name)
    s = sqlproc.Interactive(["--profiles", d, "--profile", "revoked"], dict(os.environ, **env))
    try:
        log = connected_then_revoked(env, s, name, True)
        s.send("SELECT 1")
        ev = s.wait_event("reconnected", "error")
        check(ev["event"] == "error" and ev["step"] == "authentication",
              f"the fresh session refused too: an authentication error ({ev.get('message', ev)})")
        msg = ev["message"]
        check("LIKELY REVOKED" in msg and "unless revoked" not in msg,
              f"which names revocation as the likely cause ({msg[msg.find('signing'):][:160]})")
        rejects = [l for l in log.lines() if " REJECT creds-revoked:" in l and name in l]
        check(len(rejects) == 2, f"two refused logins (cached, then assumed again), no more ({len(rejects)})")
        s.send("\\info")
        info = s.wait_event("info")
        check(info["state"] == "lost", f"the session waits for the next statement ({info['state']})")
    finally:
        s.close()


def main(env):
    d = tempfile.mkdtemp(prefix="pgiam-reassume-")
    reassumed_after_revocation(env, d)
    refused_again_names_revocation(env, d)


if __name__ == "__main__":
    run(main)
