-- seed.sql - the sandbox's sample data, as in the reference walkthrough, plus what
-- the tests and the demo need. Run by tests/sandbox/up as the admin (superuser)
-- through the unix socket, with psql -v ON_ERROR_STOP=1.
\set ON_ERROR_STOP 1
CREATE ROLE rds_iam;  -- as on RDS: members log in with IAM tokens only (pg_hba: pam)
CREATE DATABASE sample_db;
\connect sample_db

CREATE TABLE customers (
  customer_id SERIAL PRIMARY KEY,
  name VARCHAR(100),
  email VARCHAR(100),
  age INT
);
INSERT INTO customers (name, email, age) VALUES
  ('Alice Smith', 'alice@example.com', 30),
  ('Bob Johnson', 'bob@example.com', 25),
  ('Charlie Brown', 'charlie@example.com', 35);

-- Japanese text lives in its own table so customers keeps the walkthrough's three
-- rows; it exercises UTF-8 and double-width characters in the TUI.
CREATE TABLE customers_ja (
  customer_id SERIAL PRIMARY KEY,
  name VARCHAR(100),
  email VARCHAR(100),
  age INT,
  note TEXT
);
INSERT INTO customers_ja (name, email, age, note) VALUES
  ('山田太郎', 'taro.yamada@example.jp', 40, '東京都千代田区'),
  ('佐藤花子', 'hanako.sato@example.jp', 28, 'よろしくお願いします'),
  ('鈴木一郎', 'ichiro.suzuki@example.jp', 52, 'ｶﾀｶﾅ半角と全角カタカナ');
COMMENT ON TABLE customers_ja IS '日本語のサンプルデータ';

-- Read-only access, as the walkthrough sets it up.
CREATE ROLE readonly_role;
GRANT CONNECT ON DATABASE sample_db TO readonly_role;
GRANT USAGE ON SCHEMA public TO readonly_role;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO readonly_role;
-- Tables the admin adds later (gen_big_table) are readable too.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO readonly_role;

CREATE USER iam_ro_user WITH LOGIN;
GRANT rds_iam TO iam_ro_user;
GRANT readonly_role TO iam_ro_user;

CREATE USER iam_rw_user WITH LOGIN;
GRANT rds_iam TO iam_rw_user;
GRANT CONNECT ON DATABASE sample_db TO iam_rw_user;
GRANT USAGE ON SCHEMA public TO iam_rw_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON customers TO iam_rw_user;
GRANT USAGE ON SEQUENCE customers_customer_id_seq TO iam_rw_user;

-- Not granted rds_iam: its IAM token is checked as a password (scram) and fails,
-- the "user not granted rds_iam" case pgiam diagnoses.
CREATE USER iam_nords_user WITH LOGIN;
GRANT readonly_role TO iam_nords_user;
