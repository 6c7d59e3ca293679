#!/usr/bin/python3
"""chain_policy - `pgiam policy`: the IAM policy, the trust policy with the
sts:ExternalId condition and the source principal, the SQL, the Snowflake objects;
--json output parsed with the json module."""

import json

from chainlib import (ALICE_AKID, ALICE_ARN, ALICE_SECRET, EXTERNAL_ID, HOST, ROLE_ARN, main)


def policy_json(box, *args, env=None):
    p = box.run(["policy", "--profile"] + list(args) + ["--json"], env=env if env is not None else box.env())
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_offline_placeholders(box):
    box.role_profile(read_only="true")
    doc = policy_json(box, "demo", "--offline")
    assert doc["profile"] == "demo" and doc["role_arn"] == ROLE_ARN
    # the account comes from the role ARN; the resource id is unknown: * (issue 14),
    # and a note says so
    want = "arn:aws:rds-db:ap-northeast-1:123456789012:dbuser:*/iam_ro_user"
    assert doc["resource"] == want
    st = doc["iam_policy"]["Statement"][0]
    assert doc["iam_policy"]["Version"] == "2012-10-17"
    assert st == {"Effect": "Allow", "Action": ["rds-db:connect"], "Resource": [want]}
    trust = doc["trust_policy"]["Statement"][0]
    assert trust["Action"] == "sts:AssumeRole" and trust["Effect"] == "Allow"
    assert trust["Condition"] == {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}
    assert trust["Principal"] == {"AWS": "<source-principal-arn>"}
    assert "source_principal_note" in doc
    assert box.sts.stats()["requests"] == 0
    sql = doc["sql"]
    for needle in ("CREATE ROLE readonly_role", "CREATE USER iam_ro_user WITH LOGIN",
                   "GRANT CONNECT ON DATABASE sample_db TO readonly_role",
                   "GRANT SELECT ON ALL TABLES IN SCHEMA public TO readonly_role",
                   "GRANT rds_iam TO iam_ro_user;", "GRANT readonly_role TO iam_ro_user;"):
        assert needle in sql, needle
    assert "snowflake_sql" not in doc and doc["sql_privileges"] == "read-only"


def test_known_ids_and_principal_from_sts(box):
    box.role_profile(account_id="210987654321", dbi_resource_id="db-ABCDEFGHIJKL0123456789")
    doc = policy_json(box, "demo", env=box.alice_env())
    assert doc["resource"] == "arn:aws:rds-db:ap-northeast-1:210987654321:dbuser:db-ABCDEFGHIJKL0123456789/iam_ro_user"
    assert doc["source_principal"] == ALICE_ARN
    assert doc["trust_policy"]["Statement"][0]["Principal"] == {"AWS": ALICE_ARN}
    assert "source_principal_note" not in doc
    assert box.sts.count("GetCallerIdentity", "ok") == 1


def test_assumed_role_source_becomes_role_principal(box):
    box.write_aws(config="[profile chained]\nrole_arn = %s\nsource_profile = base\nexternal_id = %s\n"
                         % (ROLE_ARN, EXTERNAL_ID),
                  credentials="[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                              % (ALICE_AKID, ALICE_SECRET))
    box.role_profile(source_profile="chained", role_arn="arn:aws:iam::123456789012:role/short-role")
    doc = policy_json(box, "demo")
    # GetCallerIdentity says assumed-role/NAME/SESSION; a trust policy names the role
    assert doc["source_principal"] == ROLE_ARN, doc["source_principal"]


def test_sts_failure_falls_back_to_placeholder(box):
    box.role_profile()
    p = box.run(["policy", "--profile", "demo", "--json"], env=box.env())   # no credentials at all
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["source_principal"] == "<source-principal-arn>"
    assert "warning" in p.stderr and "placeholder" in p.stderr


def test_snowflake(box):
    box.role_profile()
    doc = policy_json(box, "demo", "--offline", "--snowflake")
    sf = doc["snowflake_sql"]
    for needle in ("CREATE OR REPLACE NETWORK RULE pgiam_demo_rds_rule", "MODE = EGRESS",
                   "TYPE = PRIVATE_HOST_PORT", "VALUE_LIST = ('%s:5432')" % HOST,
                   "CREATE OR REPLACE SECURITY INTEGRATION pgiam_demo_aws_iam", "TYPE = API_AUTHENTICATION",
                   "AUTH_TYPE = AWS_IAM", "AWS_ROLE_ARN = '%s'" % ROLE_ARN,
                   "TYPE = CLOUD_PROVIDER_TOKEN", "API_AUTHENTICATION = pgiam_demo_aws_iam",
                   "CREATE OR REPLACE EXTERNAL ACCESS INTEGRATION pgiam_demo_access",
                   "ALLOWED_NETWORK_RULES = (pgiam_demo_rds_rule)",
                   "ALLOWED_AUTHENTICATION_SECRETS = (pgiam_demo_aws_secret)"):
        assert needle in sf, needle


def test_no_role_and_quoted_identifiers(box):
    box.profile("direct", db_user="IamUser", database="Sales-DB")
    doc = policy_json(box, "direct", "--offline")
    assert doc["trust_policy"] is None and doc["role_arn"] is None
    assert doc["resource"].endswith(":<account-id>:dbuser:*/IamUser")
    assert any("dbi_resource_id is not set" in n for n in doc["notes"]), doc.get("notes")
    assert 'CREATE USER "IamUser" WITH LOGIN' in doc["sql"]
    # no read_only = true: rds_iam and CONNECT for the user itself, no readonly_role
    assert 'GRANT CONNECT ON DATABASE "Sales-DB" TO "IamUser"' in doc["sql"]
    assert "readonly_role" not in doc["sql"] and doc["sql_privileges"] == "template"
    assert "rolname = 'IamUser'" in doc["sql"]
    # reserved words are quoted too: CREATE USER user is a syntax error
    box.profile("reserved", db_user="user", database="order")
    sql = policy_json(box, "reserved", "--offline")["sql"]
    assert 'CREATE USER "user" WITH LOGIN' in sql and 'GRANT rds_iam TO "user"' in sql, sql
    assert 'GRANT CONNECT ON DATABASE "order" TO' in sql, sql


def test_dollar_quote_stays_closed(box):
    # a user name must not end the DO block's dollar quote (the script runs as master)
    for user, tag in (("a$$b", "$pgiam$"), ("x$$y$pgiam$z", "$pgiam1$")):
        box.profile("dollar", db_user=user)
        sql = policy_json(box, "dollar", "--offline")["sql"]
        body = sql.split("DO " + tag + "\n", 1)[1].split("\nEND\n" + tag + ";\n", 1)[0]
        assert tag not in body and ("rolname = '%s'" % user) in body, sql


def test_text_output_and_usage(box):
    box.role_profile()
    p = box.run(["policy", "--profile", "demo", "--offline", "--snowflake"])
    assert p.returncode == 0, p.stderr
    for heading in ("# IAM policy to attach to %s" % ROLE_ARN, "# Trust policy of %s" % ROLE_ARN,
                    "# SQL for the database", "# Snowflake objects"):
        assert heading in p.stdout, heading
    assert box.run(["policy"]).returncode == 2
    bad = box.run(["policy", "--profile", "nosuch", "--offline"])
    assert bad.returncode == 3 and "nosuch" in bad.stderr   # configuration: no such profile


def test_aurora_and_proxy_forms(box):
    # issue 14: the id fills the resource; the notes name what each form needs
    box.role_profile(endpoint="aur.cluster-abc123.ap-northeast-1.rds.amazonaws.com:5432",
                     dbi_resource_id="cluster-ABCDEFGHIJKL01234")
    doc = policy_json(box, "demo", "--offline")
    assert doc["resource"].endswith(":dbuser:cluster-ABCDEFGHIJKL01234/iam_ro_user"), doc["resource"]
    assert any("Aurora cluster endpoint" in n for n in doc["notes"]), doc["notes"]
    box.role_profile(endpoint="px.proxy-abc123.ap-northeast-1.rds.amazonaws.com:5432",
                     dbi_resource_id="prx-0123456789abcdef0")
    p = box.run(["policy", "--profile", "demo", "--offline"])
    assert p.returncode == 0, p.stderr
    assert "dbuser:prx-0123456789abcdef0/iam_ro_user" in p.stdout
    assert "# Note: the endpoint is an RDS Proxy" in p.stdout and "its own IAM role" in p.stdout, p.stdout
    # an instance id on a proxy endpoint: said, and kept as given
    box.role_profile(endpoint="px.proxy-abc123.ap-northeast-1.rds.amazonaws.com:5432",
                     dbi_resource_id="db-ABCDEFGHIJKL0123456789")
    doc = policy_json(box, "demo", "--offline")
    assert doc["resource"].endswith(":dbuser:db-ABCDEFGHIJKL0123456789/iam_ro_user")
    assert any("is an instance's, but the endpoint is an RDS Proxy" in n for n in doc["notes"]), doc["notes"]
    # a known instance id on an instance endpoint: nothing to say
    box.role_profile(dbi_resource_id="db-ABCDEFGHIJKL0123456789")
    assert "notes" not in policy_json(box, "demo", "--offline")


if __name__ == "__main__":
    main([test_offline_placeholders, test_known_ids_and_principal_from_sts,
          test_dollar_quote_stays_closed, test_assumed_role_source_becomes_role_principal, test_sts_failure_falls_back_to_placeholder,
          test_snowflake, test_no_role_and_quoted_identifiers, test_text_output_and_usage,
          test_aurora_and_proxy_forms])
