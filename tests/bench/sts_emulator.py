#!/usr/bin/python3
"""tests/bench/sts_emulator.py - how fast the sandbox's STS emulator answers.

Starts tests/sandbox/sts_emulator.py on 127.0.0.1 with a throwaway config and times
GetCallerIdentity and AssumeRole from one botocore client (sequential, keep-alive),
then N threads in parallel. Each request's SigV4 signature is verified with botocore
server-side, so this is the cost tests pay per STS call.
usage: tests/bench/sts_emulator.py [requests-per-kind] [threads]
"""
import os
import sys
import json
import shutil
import statistics
import subprocess
import tempfile
import threading
import time

import botocore.session

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
N = int(sys.argv[1]) if len(sys.argv) > 1 else 300
T = int(sys.argv[2]) if len(sys.argv) > 2 else 4
AKID, SECRET = "AKIABENCHMARK0000001", "bench/Secret+Key=abcdefghijklmnopqrstuvw"
ROLE = "arn:aws:iam::123456789012:role/bench-role"
EXT = "bench+ext/id="

cfg = {"account": "123456789012", "region": "ap-northeast-1",
       "users": [{"arn": "arn:aws:iam::123456789012:user/bench", "access_key_id": AKID,
                  "secret_access_key": SECRET}],
       "roles": [{"arn": ROLE, "external_id": EXT, "trusted": ["arn:aws:iam::123456789012:user/bench"]}]}


def timed(fn, n):
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main():
    tmp = tempfile.mkdtemp(prefix="pgiam-stsbench-")
    proc = None
    try:
        with open(os.path.join(tmp, "cfg.json"), "w") as f:
            json.dump(cfg, f)
        port_file = os.path.join(tmp, "port")
        proc = subprocess.Popen(["/usr/bin/python3", os.path.join(root, "tests", "sandbox", "sts_emulator.py"),
                                 "--config", os.path.join(tmp, "cfg.json"), "--port-file", port_file])
        deadline = time.monotonic() + 15
        while not (os.path.exists(port_file) and open(port_file).read().strip()):
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("emulator did not start")
            time.sleep(0.05)
        url = "http://127.0.0.1:%s" % open(port_file).read().strip()
        session = botocore.session.get_session()

        def client():
            return session.create_client("sts", region_name="ap-northeast-1", endpoint_url=url,
                                         aws_access_key_id=AKID, aws_secret_access_key=SECRET)
        c = client()
        c.get_caller_identity()
        kinds = [("GetCallerIdentity", c.get_caller_identity),
                 ("AssumeRole", lambda: c.assume_role(RoleArn=ROLE, RoleSessionName="bench", ExternalId=EXT))]
        for name, fn in kinds:
            ms = timed(fn, N)
            print("%-18s sequential: median %.2f ms, mean %.2f ms, min %.2f ms (%d requests)"
                  % (name, statistics.median(ms), statistics.mean(ms), min(ms), N))
        clients = [client() for _ in range(T)]
        t0 = time.perf_counter()
        threads = [threading.Thread(target=timed, args=(cl.get_caller_identity, N // T)) for cl in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        dt = time.perf_counter() - t0
        print("GetCallerIdentity  %d threads: %.0f requests/s" % (T, (N // T) * T / dt))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
