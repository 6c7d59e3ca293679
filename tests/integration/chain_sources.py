#!/usr/bin/python3
"""chain_sources - every source of the credential chain, through `pgiam whoami`:
environment, credentials file (AWS_PROFILE and the profile's source_profile),
config file with credential_process, role chaining in the config file, container
credentials (FULL_URI on loopback with an authorization token, from a file too),
EC2 IMDSv2 on loopback, and what happens when nothing is configured."""

import json
import os

from chainlib import (ALICE_AKID, ALICE_ARN, ALICE_SECRET, BOB_AKID, BOB_SECRET, EXTERNAL_ID, PYTHON,
                      ROLE_ARN, SHORT_ROLE_ARN, Emulator, main, no_secrets, one_line)

ALICE_KEYS = "aws_access_key_id = %s\naws_secret_access_key = %s\n" % (ALICE_AKID, ALICE_SECRET)


def mkdir(box, name):
    path = os.path.join(box.tmp, name)
    os.makedirs(path)
    return path


def whoami_ok(box, env, profile="demo"):
    p = box.run(["whoami", "--profile", profile], env=env)
    assert p.returncode == 0, "exit %d: %s" % (p.returncode, p.stderr)
    no_secrets(p.stdout + p.stderr, ALICE_SECRET)
    return p.stdout


def field(out, name):
    for line in out.splitlines():
        if line.startswith(name + ":"):
            return line.split(":", 1)[1].strip()
    raise AssertionError("no %s in %r" % (name, out))


def test_environment(box):
    box.role_profile()
    out = whoami_ok(box, box.alice_env())
    assert field(out, "source") == "environment"
    assert field(out, "caller") == ALICE_ARN


def test_credentials_file_with_aws_profile(box):
    box.write_aws(credentials="[dev]\n" + ALICE_KEYS)
    box.role_profile()
    out = whoami_ok(box, box.env(AWS_PROFILE="dev"))
    assert field(out, "source") == "profile dev (credentials file)"
    assert field(out, "caller") == ALICE_ARN


def test_source_profile_wins_over_environment(box):
    # bob (in the environment) is not trusted by the role; the profile names dev = alice
    box.write_aws(credentials="[dev]\n" + ALICE_KEYS)
    box.role_profile(source_profile="dev")
    out = whoami_ok(box, box.env(AWS_ACCESS_KEY_ID=BOB_AKID, AWS_SECRET_ACCESS_KEY=BOB_SECRET))
    assert field(out, "source") == "profile dev (credentials file)"
    assert "assumed-role/sf-udf-rds-auth-role/chain-test" in field(out, "assumed")


def write_process(box, body):
    path = os.path.join(box.tmp, "cred proc.py")   # a space in the path: the command is split like a shell
    with open(path, "w") as f:
        f.write(body)
    return path


def test_config_credential_process(box):
    script = write_process(box, (
        "import json, sys\n"
        "if sys.argv[1:] != ['--who', 'alice smith']:\n"
        "    print('bad arguments %%r' %% sys.argv[1:], file=sys.stderr); sys.exit(2)\n"
        "print(json.dumps({'Version': 1, 'AccessKeyId': %r, 'SecretAccessKey': %r,\n"
        "                  'Expiration': '2999-01-01T00:00:00.000Z'}))\n") % (ALICE_AKID, ALICE_SECRET))
    box.write_aws(config="[profile proc]\ncredential_process = %s '%s' --who \"alice smith\"\n" % (PYTHON, script))
    box.role_profile(source_profile="proc")
    out = whoami_ok(box, box.env())
    assert field(out, "source") == "profile proc via credential_process"
    assert field(out, "caller") == ALICE_ARN


def test_credential_process_failure_shows_stderr(box):
    script = write_process(box, "import sys\nprint('token for alice has expired, run login', file=sys.stderr)\n"
                                "print('second line', file=sys.stderr)\nsys.exit(3)\n")
    box.write_aws(config="[profile proc]\ncredential_process = %s '%s'\n" % (PYTHON, script))
    box.role_profile(source_profile="proc")
    p = box.run(["whoami", "--profile", "demo"], env=box.env())
    assert p.returncode == 1
    line = one_line(p.stderr)
    assert "profile proc via credential_process" in line and "exit status 3" in line, line
    assert "token for alice has expired, run login" in line and "second line" not in line, line


def test_role_chaining_in_config(box):
    # [profile chained] assumes the role from [base]'s keys; pgiam uses it as its source
    box.write_aws(
        config="[profile chained]\nrole_arn = %s\nsource_profile = base\nexternal_id = %s\n"
               "role_session_name = cfg-chain\nduration_seconds = 900\n" % (ROLE_ARN, EXTERNAL_ID),
        credentials="[base]\n" + ALICE_KEYS)
    box.profile("direct", source_profile="chained")
    out = whoami_ok(box, box.env(), profile="direct")
    assert field(out, "caller") == "arn:aws:sts::123456789012:assumed-role/sf-udf-rds-auth-role/cfg-chain"
    assert field(out, "source").startswith("profile chained via role %s (from profile base" % ROLE_ARN), out
    # and a pgiam role on top of that: role chaining (short-role trusts the first role)
    box.profile("twice", source_profile="chained", role_arn=SHORT_ROLE_ARN, session_name="second-hop",
                duration="900")
    out = whoami_ok(box, box.env(), profile="twice")
    assert field(out, "assumed") == "arn:aws:sts::123456789012:assumed-role/short-role/second-hop"
    assert box.sts.count("AssumeRole", "ok") == 3


def test_container_full_uri_with_token(box):
    meta = Emulator(mkdir(box, "container"), config={
        "access_key_id": ALICE_AKID, "secret_access_key": ALICE_SECRET,
        "authorization": "Bearer c0ntainer+token/=="}, script="metadata_emulator.py",
        extra=["--mode", "container"])
    box.others.append(meta)
    box.role_profile()
    url = meta.url + "/v2/credentials/pgiam"
    out = whoami_ok(box, box.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=url,
                                 AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer c0ntainer+token/=="))
    assert field(out, "source") == "container credentials"
    assert field(out, "caller") == ALICE_ARN
    # the token file wins over the variable, and its trailing newline is not part of it
    tok = os.path.join(box.tmp, "token")
    with open(tok, "w") as f:
        f.write("Bearer c0ntainer+token/==\n")
    whoami_ok(box, box.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=url, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=tok,
                           AWS_CONTAINER_AUTHORIZATION_TOKEN="wrong"))
    # a wrong token: one line that says what to check
    p = box.run(["whoami", "--profile", "demo"], env=box.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=url,
                                                          AWS_CONTAINER_AUTHORIZATION_TOKEN="wrong"))
    assert p.returncode == 1
    assert "answered HTTP 401" in one_line(p.stderr) and "AWS_CONTAINER_AUTHORIZATION_TOKEN" in p.stderr
    # CR/LF in the token is refused before anything is sent
    before = meta.stats()
    p = box.run(["whoami", "--profile", "demo"], env=box.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=url,
                                                          AWS_CONTAINER_AUTHORIZATION_TOKEN="x\r\nX-Evil: 1"))
    assert p.returncode == 1 and "line break" in p.stderr, p.stderr
    assert meta.stats() == before


def test_imds_v2(box):
    meta = Emulator(mkdir(box, "imds"), config={
        "access_key_id": ALICE_AKID, "secret_access_key": ALICE_SECRET, "role_name": "bastion-role"},
        script="metadata_emulator.py", extra=["--mode", "imds"])
    box.others.append(meta)
    box.role_profile()
    out = whoami_ok(box, box.env(AWS_EC2_METADATA_DISABLED=None, AWS_EC2_METADATA_SERVICE_ENDPOINT=meta.url))
    assert field(out, "source") == "instance role bastion-role"
    assert field(out, "caller") == ALICE_ARN
    st = meta.stats()
    assert st.get("token", 0) >= 1 and st.get("credentials", 0) >= 1, st
    # AWS_EC2_METADATA_DISABLED=true: not even asked
    p = box.run(["whoami", "--profile", "demo"],
                env=box.env(AWS_EC2_METADATA_SERVICE_ENDPOINT=meta.url))
    assert p.returncode == 1 and "disabled by AWS_EC2_METADATA_DISABLED" in p.stderr, p.stderr
    assert meta.stats() == st


def test_imds_role_name_checked(box):
    # the role name goes into the next URL and into messages: an odd one is refused
    meta = Emulator(mkdir(box, "imds-odd"), config={
        "access_key_id": ALICE_AKID, "secret_access_key": ALICE_SECRET,
        "role_name": "odd\x1b[31mrole"}, script="metadata_emulator.py", extra=["--mode", "imds"])
    box.others.append(meta)
    box.role_profile()
    p = box.run(["whoami", "--profile", "demo"],
                env=box.env(AWS_EC2_METADATA_DISABLED=None, AWS_EC2_METADATA_SERVICE_ENDPOINT=meta.url))
    assert p.returncode == 1 and "gave no usable role name" in p.stderr, p.stderr
    assert "\x1b" not in p.stderr and meta.stats().get("credentials", 0) == 0, p.stderr


def test_nothing_configured(box):
    box.role_profile()
    p = box.run(["whoami", "--profile", "demo"], env=box.env())
    assert p.returncode == 1
    line = one_line(p.stderr)
    assert "no AWS source credentials found" in line and "AWS_PROFILE" in line, line
    assert box.sts.stats()["requests"] == 0


def test_missing_aws_profile_is_an_error(box):
    box.write_aws(credentials="[dev]\n" + ALICE_KEYS)
    box.role_profile(source_profile="typo")
    p = box.run(["whoami", "--profile", "demo"], env=box.alice_env())
    assert p.returncode == 1
    assert "AWS profile 'typo' is in neither" in one_line(p.stderr)


def test_direct_profile_without_role(box):
    box.profile("direct")
    out = whoami_ok(box, box.alice_env(), profile="direct")
    assert field(out, "role").startswith("(none")
    assert box.sts.count("AssumeRole") == 0


def test_whoami_json(box):
    box.role_profile()
    p = box.run(["whoami", "--profile", "demo", "--json"], env=box.alice_env())
    assert p.returncode == 0, p.stderr
    no_secrets(p.stdout, ALICE_SECRET)
    doc = json.loads(p.stdout)
    assert doc["source"] == "environment" and doc["caller_arn"] == ALICE_ARN
    assert doc["account"] == "123456789012" and doc["role_arn"] == ROLE_ARN
    assert doc["assumed_arn"] == "arn:aws:sts::123456789012:assumed-role/sf-udf-rds-auth-role/chain-test"
    assert doc["session_name"] == "chain-test" and doc["access_key"].startswith("ASIA")
    assert doc["expires"].endswith("Z")
    box.profile("direct")
    doc = json.loads(box.run(["whoami", "--profile", "direct", "--json"], env=box.alice_env()).stdout)
    assert doc["role_arn"] is None and doc["assumed_arn"] is None and doc["caller_arn"] == ALICE_ARN


if __name__ == "__main__":
    main([test_environment, test_credentials_file_with_aws_profile, test_source_profile_wins_over_environment,
          test_config_credential_process, test_credential_process_failure_shows_stderr,
          test_role_chaining_in_config, test_container_full_uri_with_token, test_imds_v2,
          test_imds_role_name_checked,
          test_nothing_configured, test_missing_aws_profile_is_an_error, test_direct_profile_without_role,
          test_whoami_json])
