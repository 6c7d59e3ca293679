#!/usr/bin/python3
"""sts_token - `pgiam token --profile NAME`: the token is signed with the assumed
role's temporary credentials (looked up in the emulator by the access key id inside
the token) and botocore, signing with those credentials at the same instant, produces
the very same token."""

from chainlib import (ALICE_AKID, ALICE_SECRET, HOST, ROLE_ARN, botocore_token, main, same_token, no_secrets,
                      one_line, token_akid)


def test_token_signed_with_assumed_role(box):
    box.role_profile()
    p = box.run(["token", "--profile", "demo"], env=box.alice_env())
    assert p.returncode == 0, p.stderr
    token = p.stdout.strip()
    assert token.startswith("%s:5432/?" % HOST), token
    akid = token_akid(token)
    assert akid.startswith("ASIA"), akid
    cred = box.sts.credentials(akid)
    assert cred["RoleArn"] == ROLE_ARN and not cred["expired"], cred
    assert "X-Amz-Security-Token=" in token
    assert same_token(botocore_token(token, akid, cred["SecretAccessKey"], cred["SessionToken"]), token)
    no_secrets(p.stdout + p.stderr, ALICE_SECRET, cred["SecretAccessKey"])
    assert box.sts.count("AssumeRole", "ok") == 1


def test_token_without_role_uses_source_keys(box):
    box.profile("direct")
    p = box.run(["token", "--profile", "direct"], env=box.alice_env())
    assert p.returncode == 0, p.stderr
    token = p.stdout.strip()
    assert token_akid(token) == ALICE_AKID
    assert same_token(botocore_token(token, ALICE_AKID, ALICE_SECRET, None), token)
    # and a different secret gives a different signature: the comparison can fail
    assert not same_token(botocore_token(token, ALICE_AKID, ALICE_SECRET[:-1] + "X", None), token)
    assert box.sts.stats()["requests"] == 0


def test_token_profile_errors(box):
    box.role_profile(external_id="not-the-right-one")
    p = box.run(["token", "--profile", "demo"], env=box.alice_env())
    assert p.returncode == 1 and p.stdout == ""
    assert "AccessDenied" in one_line(p.stderr)
    p = box.run(["token", "--profile", "demo", "--hostname", "x"], env=box.alice_env())
    assert p.returncode == 2 and "either --profile or --hostname" in p.stderr
    p = box.run(["token", "--profile", "absent"], env=box.alice_env())
    assert p.returncode == 3 and "absent" in p.stderr   # configuration: no such profile


if __name__ == "__main__":
    main([test_token_signed_with_assumed_role, test_token_without_role_uses_source_keys,
          test_token_profile_errors])
