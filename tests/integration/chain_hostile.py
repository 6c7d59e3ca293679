#!/usr/bin/python3
"""chain_hostile - issue 10: hostile credential sources against the real binary.

A credential_process that closes its output and keeps running is stopped at the
profile's credential_process_timeout with its whole process group (and on a cancel,
`pgiam sql` interrupted); its JSON is read
strictly (nothing after the object, a string Expiration). An IMDSv2 session token with
CR/LF is refused before it is sent back as a header (the loopback emulator records every
header name it sees), a directory as AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE is an
error. And the CLI's output, piped to a file, holds no ESC, BEL, C1 control or stray
byte for each source of hostile text: credential_process/container/IMDS Expiration and
Code, AWS config credential_source, the profile table, token --describe's user, profile
warnings, STS error messages, whoami's ARNs (text and --json)."""

import json
import os
import signal
import subprocess
import time

from chainlib import (ACCOUNT, ALICE_AKID, ALICE_ARN, ALICE_SECRET, PGIAM, PYTHON, Emulator,
                      emulator_config, main, no_secrets, one_line, wait_for)


def mkdir(box, name):
    path = os.path.join(box.tmp, name)
    os.makedirs(path)
    return path


def run_to_files(box, args, env, timeout=30):
    """Runs pgiam with stdout and stderr going to files (not a terminal, not a pipe we
    read as text): returns (returncode, stdout bytes, stderr bytes, seconds)."""
    out_path, err_path = os.path.join(box.tmp, "out"), os.path.join(box.tmp, "err")
    t0 = time.monotonic()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        p = subprocess.Popen([PGIAM] + list(args) + ["--profiles", box.profiles], env=env,
                             stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        try:
            rc = p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            raise AssertionError("pgiam %s did not return within %d s" % (" ".join(args), timeout))
    took = time.monotonic() - t0
    with open(out_path, "rb") as f:
        stdout = f.read()
    with open(err_path, "rb") as f:
        stderr = f.read()
    return rc, stdout, stderr, took


def assert_terminal_safe(data, what):
    """No byte or character a terminal acts on: ESC, BEL, other C0 but newline, DEL,
    C1 (U+0080-U+009F), and nothing that is not UTF-8 (a lone 0x9B is an 8-bit CSI)."""
    assert b"\x1b" not in data and b"\x07" not in data, "%s: ESC/BEL reached the output: %r" % (what, data)
    text = data.decode("utf-8")  # strict: a stray byte fails here
    for ch in text:
        c = ord(ch)
        assert ch == "\n" or (0x20 <= c != 0x7F and not 0x80 <= c <= 0x9F), \
            "%s: control character U+%04X reached the output: %r" % (what, c, text)
    return text


# --- credential_process: deadline, process group, strict JSON ------------------------------

HANG_HELPER = r"""
import os, subprocess, sys, time
pids = sys.argv[1]
child = subprocess.Popen(["sleep", "300"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
with open(pids + ".tmp", "w") as f:
    f.write("%d %d %d\n" % (os.getpid(), os.getpgrp(), child.pid))
os.rename(pids + ".tmp", pids)
os.close(1)
os.close(2)
time.sleep(300)
"""


def gone(pid):
    """The process no longer exists, or is a zombie waiting for its parent (init)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_process_deadline_kills_group(box):
    helper = os.path.join(box.tmp, "hang.py")
    pids = os.path.join(box.tmp, "hang.pids")
    with open(helper, "w") as f:
        f.write(HANG_HELPER)
    box.write_aws(config="[profile proc]\ncredential_process = %s %s %s\n" % (PYTHON, helper, pids))
    box.profile("direct", source_profile="proc", credential_process_timeout="2")
    pid = pgrp = child = None
    try:
        rc, out, err, took = run_to_files(box, ["whoami", "--profile", "direct"], box.env())
        pid, pgrp, child = [int(x) for x in open(pids).read().split()]
        assert rc == 1, (rc, err)
        line = one_line(err.decode())
        assert "profile proc via credential_process" in line, line
        assert "did not finish within 2 s (credential_process_timeout)" in line, line
        assert 2 <= took < 15, took
        # the helper ran in a process group of its own, and it and its child are gone
        assert pgrp == pid, (pid, pgrp)
        wait_for(lambda: gone(pid) and gone(child), 10, "the helper and its child to go")
    finally:
        # only the helper's own processes, by id (never the test's process group)
        if pid is None and os.path.exists(pids):
            pid, pgrp, child = [int(x) for x in open(pids).read().split()]
        for p in (pid, child):
            if p:
                try:
                    os.kill(p, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass



def test_process_cancel_kills_group(box):
    # `pgiam sql` cancels on SIGINT: the connect's cancel reaches the credential_process
    helper = os.path.join(box.tmp, "hang.py")
    pids = os.path.join(box.tmp, "hang.pids")
    with open(helper, "w") as f:
        f.write(HANG_HELPER)
    box.write_aws(config="[profile proc]\ncredential_process = %s %s %s\n" % (PYTHON, helper, pids))
    box.profile("direct", source_profile="proc")   # the default deadline: 60 s
    p = subprocess.Popen([PGIAM, "sql", "--profile", "direct", "--profiles", box.profiles, "-c", "select 1"],
                         env=box.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL, text=True)
    pid = child = None
    try:
        wait_for(lambda: os.path.exists(pids), 15, "the helper to start")
        pid, pgrp, child = [int(x) for x in open(pids).read().split()]
        p.send_signal(signal.SIGINT)
        try:
            out, err = p.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            raise AssertionError("pgiam sql did not stop the credential_process on a cancel")
        events = [json.loads(l) for l in out.splitlines() if l.strip()]
        assert any(e.get("event") == "cancelled" for e in events), out
        wait_for(lambda: gone(pid) and gone(child), 10, "the helper and its child to go")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        for x in (pid, child):
            if x:
                try:
                    os.kill(x, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass


def test_process_timeout_validated(box):
    box.write_aws(config="[profile proc]\ncredential_process = /bin/true\n")
    box.profile("direct", source_profile="proc", credential_process_timeout="0")
    p = box.run(["whoami", "--profile", "direct"], env=box.env())
    # the profile's own key: a configuration error
    assert p.returncode == 3 and "credential_process_timeout" in p.stderr and "1 to 3600" in p.stderr, p.stderr


def write_helper(box, name, body):
    path = os.path.join(box.tmp, name)
    with open(path, "w") as f:
        f.write(body)
    return path


def test_process_json_strict(box):
    creds = {"Version": 1, "AccessKeyId": ALICE_AKID, "SecretAccessKey": ALICE_SECRET}
    cases = [
        ("trailing", "print(%r + ' garbage {')" % json.dumps(creds), "after its JSON object"),
        ("numeric", "import json; print(json.dumps(dict(%r, Expiration=32472144000)))" % creds,
         "Expiration that is not a string"),
    ]
    for name, body, needle in cases:
        script = write_helper(box, name + ".py", body + "\n")
        box.write_aws(config="[profile proc]\ncredential_process = %s %s\n" % (PYTHON, script))
        box.profile("direct", source_profile="proc")
        p = box.run(["whoami", "--profile", "direct"], env=box.env())
        assert p.returncode == 1, (name, p.stdout, p.stderr)
        assert needle in one_line(p.stderr), (name, p.stderr)
        no_secrets(p.stdout + p.stderr, ALICE_SECRET)
        assert box.sts.stats()["requests"] == 0
    # the same JSON without the garbage works (the test above fails for the right reason)
    script = write_helper(box, "good.py", "print(%r + '\\n\\n')\n" % json.dumps(creds))
    box.write_aws(config="[profile proc]\ncredential_process = %s %s\n" % (PYTHON, script))
    p = box.run(["whoami", "--profile", "direct"], env=box.env())
    assert p.returncode == 0, p.stderr


# --- metadata endpoints ------------------------------------------------------------------------

def test_imds_token_with_crlf_refused(box):
    meta = Emulator(mkdir(box, "imds"), config={
        "access_key_id": ALICE_AKID, "secret_access_key": ALICE_SECRET, "role_name": "bastion-role",
        "token": "TOK\r\nX-Injected: yes"}, script="metadata_emulator.py", extra=["--mode", "imds"])
    box.others.append(meta)
    box.profile("direct")
    env = box.env(AWS_EC2_METADATA_DISABLED=None, AWS_EC2_METADATA_SERVICE_ENDPOINT=meta.url)
    p = box.run(["whoami", "--profile", "direct"], env=env)
    assert p.returncode == 1, p.stdout
    line = one_line(p.stderr)
    assert "IMDSv2 session token" in line and "refused" in line, line
    st = meta.stats()
    assert st["token"] == 1 and st["role_name"] == 0 and st["credentials"] == 0, st
    assert "x-injected" not in st["header_names"], st["header_names"]
    assert "x-aws-ec2-metadata-token" not in st["header_names"], st["header_names"]


def test_container_token_file_unreadable(box):
    meta = Emulator(mkdir(box, "container"), config={
        "access_key_id": ALICE_AKID, "secret_access_key": ALICE_SECRET}, script="metadata_emulator.py",
        extra=["--mode", "container"])
    box.others.append(meta)
    box.profile("direct")
    url = meta.url + "/v2/credentials/pgiam"
    p = box.run(["whoami", "--profile", "direct"],
                env=box.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=url,
                            AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=mkdir(box, "token-dir")))
    assert p.returncode == 1, p.stdout
    line = one_line(p.stderr)
    assert "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE" in line and "directory" in line, line
    assert meta.stats()["credentials"] == 0 and meta.stats()["header_names"] == [], meta.stats()


# --- no terminal control sequences in the output, for each source -----------------------------

# (no ';': the AWS and profile files' iniparser starts a comment there)
ESC_VALUE = "\x1b]2owned\x07\x1b[2J\x1b[31m"   # a title (OSC), clear the screen, red
C1_VALUE = "\u009b2J\u009d2owned\u009c"         # the same with C1 controls (CSI, OSC, ST)


def check_clean(box, args, env, what, expect_rc=None, needle=None):
    rc, out, err, _ = run_to_files(box, args, env)
    if expect_rc is not None:
        assert rc == expect_rc, "%s: exit %d: %r" % (what, rc, err)
    text = assert_terminal_safe(out, what + " (stdout)") + assert_terminal_safe(err, what + " (stderr)")
    if needle:
        assert needle in text, "%s: %r not in %r" % (what, needle, text)
    return text


def test_no_controls_from_credential_process(box):
    for field in ("Expiration",):
        body = ("import json; print(json.dumps({'Version': 1, 'AccessKeyId': %r, 'SecretAccessKey': %r, "
                "%r: %r}))\n" % (ALICE_AKID, ALICE_SECRET, field, ESC_VALUE + C1_VALUE))
        script = write_helper(box, "esc.py", body)
        box.write_aws(config="[profile proc]\ncredential_process = %s %s\n" % (PYTHON, script))
        box.profile("direct", source_profile="proc")
        check_clean(box, ["whoami", "--profile", "direct"], box.env(), "credential_process " + field, 1,
                    "unreadable Expiration '^[]2owned^G")


def test_no_controls_from_metadata(box):
    hostile = ESC_VALUE + C1_VALUE
    for mode, extra_cfg, field in (("imds", {"expiration": hostile}, "Expiration"),
                                   ("imds", {"code": hostile}, "Code"),
                                   ("container", {"expiration": hostile}, "Expiration"),
                                   ("container", {"code": hostile}, "Code")):
        cfg = {"access_key_id": ALICE_AKID, "secret_access_key": ALICE_SECRET, "role_name": "bastion-role"}
        cfg.update(extra_cfg)
        meta = Emulator(mkdir(box, "%s-%s" % (mode, field)), config=cfg, script="metadata_emulator.py",
                        extra=["--mode", mode])
        box.others.append(meta)
        box.profile("direct")
        if mode == "imds":
            env = box.env(AWS_EC2_METADATA_DISABLED=None, AWS_EC2_METADATA_SERVICE_ENDPOINT=meta.url)
        else:
            env = box.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=meta.url + "/v2/credentials/pgiam")
        text = check_clean(box, ["whoami", "--profile", "direct"], env, "%s %s" % (mode, field), 1)
        assert meta.stats()["credentials"] == 1, (mode, field, meta.stats())
        assert "^[]2owned^G" in text, (mode, field, text)


def test_no_controls_from_aws_config(box):
    box.write_aws(config="[profile chained]\nrole_arn = arn:aws:iam::%s:role/x\ncredential_source = Env%s\n"
                  % (ACCOUNT, ESC_VALUE + C1_VALUE))
    box.profile("direct", source_profile="chained")
    check_clean(box, ["whoami", "--profile", "direct"], box.env(), "credential_source", 1,
                "credential_source 'Env^[]2owned^G")


def test_no_controls_in_profile_table_and_warnings(box):
    box.profile("c1", db_user="iam" + C1_VALUE, role_arn="arn:aws:iam::%s:role/r%s" % (ACCOUNT, C1_VALUE),
                endpoint="db%s.example.com:5432" % C1_VALUE)
    box.profile("esc", region="eu-west-1" + ESC_VALUE)
    text = check_clean(box, ["profiles"], box.env(), "profiles table", 0)
    assert "iam\ufffd2J\ufffd2owned\ufffd" in text, text
    # a warning (an unknown key) on stderr of a command that loads the profile
    box.profile("warn", **{"colour" + C1_VALUE: "blue" + ESC_VALUE})
    text = check_clean(box, ["token", "--profile", "warn"], box.alice_env(), "profile warning", 0)
    assert "warning:" in text and "colour" in text, text


def test_no_controls_in_token_describe(box):
    r = box.run(["token", "--hostname", "h.example.com", "--port", "5432", "--username", "u",
                 "--region", "us-east-1"], env=box.alice_env(), profiles=False)
    assert r.returncode == 0, r.stderr
    tok = r.stdout.strip().replace("DBUser=u", "DBUser=u%C2%9B2J%1B%5B31m%C2%9D0%3Bx%07")
    assert tok != r.stdout.strip()
    rc, out, err, _ = (lambda p: (p.returncode, p.stdout, p.stderr, 0))(
        subprocess.run([PGIAM, "token", "--describe", "-"], input=tok.encode(), env=box.env(),
                       capture_output=True, timeout=30))
    assert rc == 0, err
    text = assert_terminal_safe(out, "describe") + assert_terminal_safe(err, "describe")
    assert "user:          u\ufffd2J^[[31m\ufffd0;x^G" in text, text
    # and such a name is never signed
    p = box.run(["token", "--hostname", "h.example.com", "--port", "5432", "--username", "u\u009b2J",
                 "--region", "us-east-1"], env=box.alice_env(), profiles=False)
    assert p.returncode == 1 and "not valid UTF-8 or contains a control character" in p.stderr, p.stderr
    assert p.stdout == ""


def test_no_controls_from_sts(box):
    # an STS error message with C1 controls (XML 1.0 allows them), and a caller ARN with one
    box.profile("direct")
    box.sts.faults(error={"code": "AccessDenied", "message": "denied" + C1_VALUE, "count": 1})
    text = check_clean(box, ["whoami", "--profile", "direct"], box.alice_env(), "STS error", 1, "denied")
    assert "denied\ufffd2J" in text, text


def test_no_controls_in_whoami_arns(box):
    cfg = emulator_config()
    odd = "arn:aws:iam::%s:user/al%sice" % (ACCOUNT, C1_VALUE)
    cfg["users"][0]["arn"] = odd
    box.sts.stop()
    box.sts = Emulator(mkdir(box, "sts-odd"), config=cfg)
    box.profile("direct")
    text = check_clean(box, ["whoami", "--profile", "direct"], box.alice_env(), "whoami text", 0)
    assert "caller:        arn:aws:iam::%s:user/al\ufffd2J\ufffd2owned\ufffdice" % ACCOUNT in text, text
    rc, out, err, _ = run_to_files(box, ["whoami", "--profile", "direct", "--json"], box.alice_env())
    assert rc == 0, err
    raw = assert_terminal_safe(out, "whoami --json")
    assert "\\u009b" in raw and "\\u009d" in raw, raw
    assert json.loads(raw)["caller_arn"] == odd  # the same string for a JSON reader
    assert ALICE_ARN != odd


if __name__ == "__main__":
    main([test_process_deadline_kills_group, test_process_cancel_kills_group, test_process_timeout_validated, test_process_json_strict,
          test_imds_token_with_crlf_refused, test_container_token_file_unreadable,
          test_no_controls_from_credential_process, test_no_controls_from_metadata,
          test_no_controls_from_aws_config, test_no_controls_in_profile_table_and_warnings,
          test_no_controls_in_token_describe, test_no_controls_from_sts, test_no_controls_in_whoami_arns])
