#!/usr/bin/python3
"""tests/bench/token_bench.py - how fast tokens are signed.

1. In one process: `pgiam token --bench N` signs N tokens and reports tokens/s.
2. Whole process, side by side on the same inputs: `pgiam token`,
   `aws rds generate-db-auth-token` (Debian's awscli) and a botocore one-liner, each
   run R times; prints mean / median / min wall time per invocation.

No network: credentials come from the environment (dummy keys), the config files are
pointed at /dev/null, and token signing is local.
usage: tests/bench/token_bench.py [N-in-process] [R-runs]   (or PGIAM_BIN=... to pick the binary)
"""
import os
import statistics
import subprocess
import sys
import time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("PGIAM_BIN", os.path.join(root, "build", "pgiam"))
N = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
R = int(sys.argv[2]) if len(sys.argv) > 2 else 20
HOST, PORT, USER, REGION = "prod-instance.us-east-1.rds.amazonaws.com", "5432", "app_user", "us-east-1"

env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
env.update(AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
           AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
           AWS_SESSION_TOKEN="FwoGZXIvYXdzEJr//////////wEaDEXAMPLETOKEN+/==",
           AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
           AWS_EC2_METADATA_DISABLED="true")

BOTOCORE = ("import botocore.session as s; "
            f"print(s.get_session().create_client('rds', region_name='{REGION}')"
            f".generate_db_auth_token('{HOST}', {PORT}, '{USER}', '{REGION}'))")
commands = [
    ("pgiam token", [BIN, "token", "--hostname", HOST, "--port", PORT, "--username", USER, "--region", REGION]),
    ("aws rds generate-db-auth-token", ["/usr/bin/aws", "rds", "generate-db-auth-token", "--hostname", HOST,
                                        "--port", PORT, "--username", USER, "--region", REGION]),
    ("botocore one-liner", ["/usr/bin/python3", "-c", BOTOCORE]),
]

r = subprocess.run([BIN, "token", "--hostname", HOST, "--port", PORT, "--username", USER,
                    "--region", REGION, "--bench", str(N)], capture_output=True, text=True, env=env)
if r.returncode:
    sys.exit(f"pgiam token --bench failed: {r.stderr.strip()}")
print(f"in one process: {r.stdout.strip()}")

print(f"\nwhole process, {R} runs each (wall time per invocation):")
print(f"  {'command':34s} {'mean':>9s} {'median':>9s} {'min':>9s}")
results = {}
for label, cmd in commands:
    times = []
    for _ in range(R):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - t0)
        if p.returncode or not p.stdout.startswith(HOST + ":" + PORT + "/?Action=connect&"):
            sys.exit(f"{label} failed: rc={p.returncode} {p.stderr.strip()[-300:]}")
    results[label] = times
    print(f"  {label:34s} {statistics.mean(times) * 1e3:7.1f}ms {statistics.median(times) * 1e3:7.1f}ms "
          f"{min(times) * 1e3:7.1f}ms")
base = statistics.median(results["pgiam token"])
for label, times in results.items():
    if label != "pgiam token":
        print(f"  pgiam token is {statistics.median(times) / base:.0f}x faster than {label} (median)")
