"""test_cancel.py - a slow connect never freezes the screen, and Esc / Ctrl-C cancel
it. A loopback listener accepts TCP and never answers, so TLS hangs; credentials are
dummy keys from the environment (the token is signed locally, nothing leaves the
machine). The running step's time keeps moving between two captures without a key;
Esc cancels (the step says so and stays on screen), r retries, Ctrl-C cancels too."""
import re
import socket
import threading

from tuilib import BIN, Fail, Tmux, run, tempdir, write_profile


def silent_server():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    held = []

    def accept():
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return
            held.append(c)  # never answers, never closes

    threading.Thread(target=accept, daemon=True).start()
    return s


def tls_seconds(screen):
    m = re.search(r"\[\.\.\] TLS\s+(\d+\.\d+) s", screen)
    return float(m.group(1)) if m else None


def main():
    srv = silent_server()
    port = srv.getsockname()[1]
    d = tempdir()
    write_profile(d, "hang", endpoint="db.abc123xyz.ap-northeast-1.rds.amazonaws.com:5432",
                  database="sample_db", db_user="iam_ro_user",
                  connect_host="127.0.0.1:%d" % port)
    env = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMIEXAMPLE",
           "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
           "AWS_EC2_METADATA_DISABLED": "true", "TERM": "screen-256color"}
    t = Tmux(100, 30)
    try:
        t.start("%s --profiles %s --profile hang; echo PGIAM-EXITED; sleep 60" % (BIN, d), env=env)
        s = t.wait_for(r"\[\.\.\] TLS\s+\d")
        first = tls_seconds(s)
        # no key sent: the running step's time must still move
        s = t.wait_for(r"\[\.\.\] TLS\s+(?!%s )\d+\.\d+ s" % re.escape("%.2f" % first), timeout=5)
        if tls_seconds(s) is None or tls_seconds(s) <= first:
            raise Fail("the running step's time did not move:\n" + s)
        t.send("Escape")
        s = t.wait_for(r"\[!!\] TLS .*cancelled", timeout=3)
        if "Not connected" not in s:
            raise Fail("the cancelled connect does not say it is not connected:\n" + s)
        t.send("r")
        t.wait_for(r"\[\.\.\] TLS")
        t.send("C-c")
        t.wait_for(r"\[!!\] TLS .*cancelled", timeout=3)
        t.send("Escape")
        t.wait_for(r"pgiam · Profiles")
        t.send("q")
        t.wait_for(r"PGIAM-EXITED")
        t.check_sanitizers()
    finally:
        t.kill()
        srv.close()


run(main)
