#!/usr/bin/python3
"""sts_errors - every STS failure pgiam must explain in one line, retries of
throttling and 5xx, unreachable and TLS-failing endpoints. Drives `pgiam whoami`
against a private STS emulator on loopback."""

import http.server
import os
import re
import subprocess
import threading
import time

from chainlib import (ALICE_AKID, ALICE_ARN, ALICE_SECRET, BOB_AKID, BOB_SECRET, EXTERNAL_ID,
                      OLD_AKID, OLD_SECRET, OLD_TOKEN, ROLE_ARN, Emulator, free_closed_port, main,
                      no_secrets, one_line)


def whoami(box, env, profile="demo"):
    return box.run(["whoami", "--profile", profile], env=env)


def expect_error(p, *needles):
    assert p.returncode == 1, "exit %d, stdout %r stderr %r" % (p.returncode, p.stdout, p.stderr)
    line = one_line(p.stderr)
    for n in needles:
        assert n in line, "%r not in %r" % (n, line)
    return line


def test_whoami_ok_and_external_id_survives(box):
    box.role_profile()
    p = whoami(box, box.alice_env())
    assert p.returncode == 0, p.stderr
    assert "source:        environment" in p.stdout, p.stdout
    assert "caller:        %s" % ALICE_ARN in p.stdout
    assert "arn:aws:sts::123456789012:assumed-role/sf-udf-rds-auth-role/chain-test" in p.stdout
    assert "session name:  chain-test" in p.stdout
    assert re.search(r"expires: +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in 1[45] min\)", p.stdout), p.stdout
    no_secrets(p.stdout + p.stderr, ALICE_SECRET)
    # the role's trust policy demands exactly EXTERNAL_ID (with + / =): it arrived intact
    assert box.sts.count("AssumeRole", "ok") == 1


def test_access_denied_wrong_external_id(box):
    box.role_profile(external_id=EXTERNAL_ID.replace("+", " ").replace(" ", "-"))
    line = expect_error(whoami(box, box.alice_env()),
                        "trust policy does not allow this principal with this external ID",
                        "(AccessDenied: User: %s is not authorized to perform: sts:AssumeRole" % ALICE_ARN)
    assert ROLE_ARN in line


def test_access_denied_untrusted_principal(box):
    box.role_profile()
    expect_error(whoami(box, box.env(AWS_ACCESS_KEY_ID=BOB_AKID, AWS_SECRET_ACCESS_KEY=BOB_SECRET)),
                 "AccessDenied", "user/bob is not authorized")


def test_expired_source_credentials(box):
    box.role_profile()
    env = box.env(AWS_ACCESS_KEY_ID=OLD_AKID, AWS_SECRET_ACCESS_KEY=OLD_SECRET, AWS_SESSION_TOKEN=OLD_TOKEN)
    p = whoami(box, env)
    expect_error(p, "the source credentials (environment) have expired", "(ExpiredToken: ")
    no_secrets(p.stderr, OLD_SECRET, OLD_TOKEN)


def test_invalid_client_token_id(box):
    box.role_profile()
    expect_error(whoami(box, box.env(AWS_ACCESS_KEY_ID="AKIAUNKNOWNKEY000000", AWS_SECRET_ACCESS_KEY="x" * 40)),
                 "does not recognise the source access key", "(InvalidClientTokenId: ")


def test_signature_does_not_match(box):
    box.role_profile()
    p = whoami(box, box.env(AWS_ACCESS_KEY_ID=ALICE_AKID, AWS_SECRET_ACCESS_KEY="wrong" + ALICE_SECRET[5:]))
    expect_error(p, "check the secret access key", "(SignatureDoesNotMatch: ")
    no_secrets(p.stderr, "wrong" + ALICE_SECRET[5:])


def test_signing_region_differs_from_sts(box):
    box.role_profile(region="eu-west-1", endpoint="db.example.internal:5432")
    expect_error(whoami(box, box.alice_env()), "the profile's region must be the region of the STS endpoint",
                 "(SignatureDoesNotMatch: Credential should be scoped to a valid region")


def test_validation_error_duration_above_role_max(box):
    box.role_profile(duration="7200")
    expect_error(whoami(box, box.alice_env()), "at most the role's maximum session duration",
                 "(ValidationError: The requested DurationSeconds exceeds the MaxSessionDuration")


def test_clock_skew_measured_from_date(box):
    box.role_profile()
    box.sts.faults(skew_seconds=900)
    line = expect_error(whoami(box, box.alice_env()), "fix the system clock", "(RequestTimeTooSkewed: ")
    m = re.search(r"local clock is ([+-]\d+) s off", line)
    assert m and abs(int(m.group(1)) + 900) <= 3, line


class Canned(http.server.BaseHTTPRequestHandler):
    """Answers every POST with one fixed ErrorResponse (for codes the emulator has no knob for)."""
    body = b""
    status = 403

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(self.status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *a):
        pass


def test_region_disabled(box):
    class H(Canned):
        body = (b'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>'
                b'<Type>Sender</Type><Code>RegionDisabledException</Code><Message>STS is not activated in '
                b'this region for account:123456789012.</Message></Error><RequestId>r</RequestId></ErrorResponse>')
    srv = http.server.HTTPServer(("127.0.0.1", 0), H)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        box.role_profile(sts_endpoint="http://127.0.0.1:%d" % srv.server_address[1])
        expect_error(whoami(box, box.alice_env()), "activate the region in IAM account settings",
                     "(RegionDisabledException: STS is not activated")
    finally:
        srv.shutdown()
        srv.server_close()


def test_throttling_retried_then_succeeds(box):
    box.role_profile()
    box.sts.faults(throttle=2)
    p = whoami(box, box.alice_env())
    assert p.returncode == 0, p.stderr
    # the first call (GetCallerIdentity) was throttled twice and succeeded on the 3rd attempt
    assert box.sts.count("GetCallerIdentity", "Throttling") == 2
    assert box.sts.count("GetCallerIdentity", "ok") == 1
    assert box.sts.count("AssumeRole", "ok") == 1


def test_throttling_gives_up_after_three(box):
    box.role_profile()
    box.sts.faults(throttle=5)
    expect_error(whoami(box, box.alice_env()), "throttling requests (gave up after 3 attempts)",
                 "(Throttling: Rate exceeded)")
    assert box.sts.count("GetCallerIdentity", "Throttling") == 3
    assert box.sts.stats()["pending_faults"].get("throttle") == 2


def test_server_error_retried(box):
    box.role_profile()
    box.sts.faults(error500=2)
    p = whoami(box, box.alice_env())
    assert p.returncode == 0, p.stderr
    assert box.sts.count("GetCallerIdentity", "InternalFailure") == 2
    box.sts.faults(error500=3)
    expect_error(whoami(box, box.alice_env()), "server error (HTTP 500, gave up after 3 attempts)",
                 "(InternalFailure: ")


def test_malformed_xml(box):
    box.role_profile()
    box.sts.faults(malformed=1)
    expect_error(whoami(box, box.alice_env()), "not a GetCallerIdentityResponse XML document")


def test_unreachable_sts(box):
    port = free_closed_port()
    box.role_profile(sts_endpoint="http://127.0.0.1:%d" % port)
    start = time.monotonic()
    line = expect_error(whoami(box, box.alice_env()), "cannot connect to 127.0.0.1:%d" % port)
    assert time.monotonic() - start < 10, "an unreachable loopback port must fail fast"
    assert "GetCallerIdentity" in line


def test_tls_verified_with_aws_ca_bundle(box):
    cert = os.path.join(box.tmp, "sts.crt")
    key = os.path.join(box.tmp, "sts.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    tlsdir = os.path.join(box.tmp, "tls")
    os.makedirs(tlsdir)
    tls = Emulator(tlsdir, extra=["--tls-cert", cert, "--tls-key", key])
    box.others.append(tls)
    box.role_profile(sts_endpoint="https://127.0.0.1:%d" % tls.port)
    # without the CA: a TLS failure, in one line that says what to check
    expect_error(whoami(box, box.alice_env()), "TLS with 127.0.0.1:%d failed" % tls.port, "AWS_CA_BUNDLE")
    p = whoami(box, box.alice_env(AWS_CA_BUNDLE=cert))
    assert p.returncode == 0, p.stderr
    assert "assumed-role/sf-udf-rds-auth-role" in p.stdout


def test_http_endpoint_must_be_loopback(box):
    box.role_profile(sts_endpoint="http://127.0.0.1.example.com")
    p = whoami(box, box.alice_env())
    assert p.returncode == 3   # configuration: the profile is invalid
    assert "sts_endpoint" in p.stderr


if __name__ == "__main__":
    main([test_whoami_ok_and_external_id_survives, test_access_denied_wrong_external_id,
          test_access_denied_untrusted_principal, test_expired_source_credentials,
          test_invalid_client_token_id, test_signature_does_not_match, test_signing_region_differs_from_sts,
          test_validation_error_duration_above_role_max, test_clock_skew_measured_from_date,
          test_region_disabled, test_throttling_retried_then_succeeds,
          test_throttling_gives_up_after_three, test_server_error_retried, test_malformed_xml,
          test_unreachable_sts, test_tls_verified_with_aws_ca_bundle, test_http_endpoint_must_be_loopback])
