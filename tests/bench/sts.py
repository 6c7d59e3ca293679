#!/usr/bin/python3
"""tests/bench/sts.py - what the STS round trip costs, against a private STS emulator
on loopback (no other network):

1. `pgiam token --profile` (chain + AssumeRole + sign) and `pgiam whoami`
   (GetCallerIdentity + AssumeRole), whole process, R runs each;
2. the same flow in botocore (assume_role + generate_db_auth_token) for comparison;
3. in one process (tests/integration/auth_harness): the first pgiam_auth_get (AssumeRole)
   and then N cached gets;
4. the cost of two throttled attempts before success (backoff with jitter).

usage: tests/bench/sts.py [R-runs] [N-cached]   (PGIAM_BIN / PGIAM_BUILD_ROOT pick the build)
"""
import json
import os
import statistics
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
# tests/bench/token.py would shadow the standard library's `token` module
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != here]
sys.path.insert(0, os.path.join(here, "..", "integration"))
from chainlib import (ALICE_AKID, ALICE_SECRET, EXTERNAL_ID, HOST, REGION, ROLE_ARN,  # noqa: E402
                      Sandbox)
from sts_reuse import Harness  # noqa: E402

R = int(sys.argv[1]) if len(sys.argv) > 1 else 20
N = int(sys.argv[2]) if len(sys.argv) > 2 else 10000


def timed(fn, runs):
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def report(name, secs):
    print("%-44s mean %7.1f ms  median %7.1f ms  min %7.1f ms" % (
        name, statistics.mean(secs) * 1e3, statistics.median(secs) * 1e3, min(secs) * 1e3))


def main():
    box = Sandbox()
    try:
        box.role_profile()
        env = box.alice_env()

        def token():
            p = box.run(["token", "--profile", "demo"], env=env)
            assert p.returncode == 0, p.stderr

        def whoami():
            p = box.run(["whoami", "--profile", "demo"], env=env)
            assert p.returncode == 0, p.stderr

        boto = ("import botocore.session as s; b = s.get_session(); "
                "c = b.create_client('sts', region_name=%r, endpoint_url=%r, aws_access_key_id=%r, "
                "aws_secret_access_key=%r); r = c.assume_role(RoleArn=%r, RoleSessionName='bench', "
                "ExternalId=%r, DurationSeconds=900)['Credentials']; "
                "print(b.create_client('rds', region_name=%r, aws_access_key_id=r['AccessKeyId'], "
                "aws_secret_access_key=r['SecretAccessKey'], aws_session_token=r['SessionToken'])"
                ".generate_db_auth_token(%r, 5432, 'iam_ro_user', %r))"
                % (REGION, box.sts.url, ALICE_AKID, ALICE_SECRET, ROLE_ARN, EXTERNAL_ID, REGION, HOST, REGION))

        def botocore():
            subprocess.run(["/usr/bin/python3", "-c", boto], check=True, capture_output=True, env=env)

        report("pgiam token --profile (AssumeRole + sign)", timed(token, R))
        report("pgiam whoami --profile", timed(whoami, R))
        report("botocore assume_role + generate_db_auth_token", timed(botocore, R))

        h = Harness(box)
        try:
            t0 = time.perf_counter()
            first = h.cmd("get 0")
            t1 = time.perf_counter()
            for _ in range(N):
                h.cmd("get 0")
            t2 = time.perf_counter()
            assert first["ok"] and h.cmd("get 0")["assume_count"] == 1
            print("%-44s %7.1f ms" % ("pgiam_auth_get, first (AssumeRole)", (t1 - t0) * 1e3))
            print("%-44s %7.1f us per call (%d calls, incl. pipe round trip)" % (
                "pgiam_auth_get, cached", (t2 - t1) / N * 1e6, N))
        finally:
            h.close()

        def throttled():
            box.sts.faults(throttle=2)
            whoami()
        report("pgiam whoami with 2 throttled attempts", timed(throttled, max(3, R // 4)))
        print(json.dumps({"sts_requests": box.sts.stats()["requests"]}))
    finally:
        box.close()


if __name__ == "__main__":
    main()
