/* cli_session.c - what check, sql, psql and browse share: the connection options
 * (their tables, usage.h), the session parameters made from them, the JSON forms. */
#include "cli_session.h"

#include "cli.h"
#include "usage.h"
#include "error.h"
#include "mfa.h"
#include "iam_login.h"
#include "profile.h"
#include "session_profile.h"

#include <stdlib.h>
#include <string.h>

typedef struct owned {
	char *connect_host;
	char *dir;
	pgiam_profile *profile;
} owned;

enum {
	OPT_PROFILE = 1, OPT_PROFILES, OPT_READ_ONLY, OPT_NO_READ_ONLY, OPT_MFA_CODE,
	OPT_HOST, OPT_PORT, OPT_CONNECT_HOST, OPT_CONNECT_PORT, OPT_DBNAME, OPT_USER,
	OPT_REGION, OPT_SSLMODE, OPT_SSLROOTCERT, OPT_CONNECT_TIMEOUT, OPT_CREDS_ENV,
	OPT_PASSWORD_ENV,
	OPT_SIGN_HOST, OPT_SIGN_PORT, OPT_SIGN_USER, OPT_SIGN_REGION, OPT_SIGN_TIME_OFFSET
};

/* The one table of the connection options. Commands compose the rows they take by
 * id (cli_session.h: the three groups of the commands that connect; whoami and token
 * take the MFA row); the order here is --help's. */
const pgiam_cli_opt pgiam_cli_conn_opts[] = {
	{ "profile", 0, "NAME", OPT_PROFILE, "the profile to connect with" },
	{ "profiles", 0, "DIR", OPT_PROFILES, "where profiles live (default: pgiam's profile dir)" },
	{ "read-only", 0, NULL, OPT_READ_ONLY, "a read-only session, whatever the profile's read_only" },
	{ "no-read-only", 0, NULL, OPT_NO_READ_ONLY, "a read-write session, whatever the profile's read_only" },
	{ "mfa-code", 0, "CODE", OPT_MFA_CODE, "the MFA device's current six digits, when the role needs them (else PGIAM_MFA_CODE, or asked on the terminal)" },
	{ "host", 0, "NAME", OPT_HOST, "the endpoint's name (TLS verifies it)" },
	{ "port", 0, "N", OPT_PORT, "the endpoint's port" },
	{ "dbname", 0, "DB", OPT_DBNAME, "the database" },
	{ "user", 0, "U", OPT_USER, "the database user" },
	{ "region", 0, "R", OPT_REGION, "the region tokens are signed for" },
	{ "connect-host", 0, "H[:P]", OPT_CONNECT_HOST, "TCP goes here (a tunnel)" },
	{ "connect-port", 0, "P", OPT_CONNECT_PORT, "the tunnel's port" },
	{ "sslmode", 0, "MODE", OPT_SSLMODE, "verify-full (default), verify-ca or require" },
	{ "sslrootcert", 0, "FILE", OPT_SSLROOTCERT, "the CA bundle" },
	{ "connect-timeout", 0, "S", OPT_CONNECT_TIMEOUT, "seconds, 1..3600" },
	{ "creds-env", 0, NULL, OPT_CREDS_ENV, "sign tokens with AWS_ACCESS_KEY_ID/... from the environment" },
	{ "password-env", 0, "VAR", OPT_PASSWORD_ENV, "a static password from VAR instead of a token" },
	{ "sign-host", 0, "H", OPT_SIGN_HOST, "sign the token for this host" },
	{ "sign-port", 0, "N", OPT_SIGN_PORT, "sign the token for this port" },
	{ "sign-user", 0, "U", OPT_SIGN_USER, "sign the token for this user" },
	{ "sign-region", 0, "R", OPT_SIGN_REGION, "sign the token for this region" },
	{ "sign-time-offset", 0, "S", OPT_SIGN_TIME_OFFSET, "sign the token S seconds off the clock" },
	{ NULL, 0, NULL, 0, NULL },
};

const int pgiam_cli_conn_profile_ids[] = { OPT_PROFILE, OPT_PROFILES, OPT_READ_ONLY,
	OPT_NO_READ_ONLY, OPT_MFA_CODE, 0 };
const int pgiam_cli_conn_low_ids[] = { OPT_HOST, OPT_PORT, OPT_DBNAME, OPT_USER, OPT_REGION,
	OPT_CONNECT_HOST, OPT_CONNECT_PORT, OPT_SSLMODE, OPT_SSLROOTCERT, OPT_CONNECT_TIMEOUT,
	OPT_CREDS_ENV, OPT_PASSWORD_ENV, 0 };
const int pgiam_cli_conn_sign_ids[] = { OPT_SIGN_HOST, OPT_SIGN_PORT, OPT_SIGN_USER,
	OPT_SIGN_REGION, OPT_SIGN_TIME_OFFSET, 0 };
const int pgiam_cli_conn_mfa_ids[] = { OPT_MFA_CODE, 0 };

static int int_arg(int *out, const char *cmd, const char *name, const char *v, long min, long max)
{
	long n = 0;

	if (pgiam_cli_int(&n, v, min, max) < 0)
		return pgiam_cli_usage_error(cmd, "--%s must be a number in %ld..%ld, not '%.40s'",
			name, min, max, v);
	*out = (int)n;
	return PGIAM_CLI_GO_ON;
}

int pgiam_cli_session_on_opt(const char *cmd, void *ctx, int id, const char *v)
{
	pgiam_cli_session_opts *o = ctx;

	/* the one row a command without session options takes too (ctx NULL) */
	if (id == OPT_MFA_CODE) {
		if (pgiam_mfa_set_code(v) < 0)
			return pgiam_cli_usage_error(cmd, "--mfa-code: an MFA code is six digits");
		return PGIAM_CLI_GO_ON;
	}
	switch (id) {
	case OPT_READ_ONLY:
	case OPT_NO_READ_ONLY:
		o->p.read_only = id == OPT_READ_ONLY;
		/* named in a refusal's explanation: the flag, not the profile, set it */
		o->p.read_only_origin = o->p.read_only ? "the --read-only flag" : NULL;
		o->read_only_set = 1;
		break;
	case OPT_CREDS_ENV: o->creds_env = 1; break;
	case OPT_PROFILE: o->profile = v; break;
	case OPT_PROFILES: o->profiles_dir = v; break;
	case OPT_HOST: o->p.host = v; break;
	case OPT_PORT: return int_arg(&o->p.port, cmd, "port", v, 1, 65535);
	case OPT_CONNECT_HOST: o->p.connect_host = v; break;
	case OPT_CONNECT_PORT: return int_arg(&o->p.connect_port, cmd, "connect-port", v, 1, 65535);
	case OPT_DBNAME: o->p.dbname = v; break;
	case OPT_USER: o->p.user = v; break;
	case OPT_REGION: o->p.region = v; break;
	case OPT_SSLMODE: o->p.sslmode = v; break;
	case OPT_SSLROOTCERT: o->p.sslrootcert = v; break;
	case OPT_PASSWORD_ENV: o->password_env = v; break;
	case OPT_CONNECT_TIMEOUT:
		return int_arg(&o->p.connect_timeout, cmd, "connect-timeout", v, 1, 3600);
	case OPT_SIGN_HOST: o->p.sign_host = v; break;
	case OPT_SIGN_PORT: return int_arg(&o->p.sign_port, cmd, "sign-port", v, 1, 65535);
	case OPT_SIGN_USER: o->p.sign_user = v; break;
	case OPT_SIGN_REGION: o->p.sign_region = v; break;
	case OPT_SIGN_TIME_OFFSET: {
		int off = 0, rc = int_arg(&off, cmd, "sign-time-offset", v, -86400, 86400);

		o->p.sign_time_offset = off;
		return rc;
	}
	}
	return PGIAM_CLI_GO_ON;
}

static owned *get_owned(pgiam_cli_session_opts *o)
{
	if (!o->owned)
		o->owned = calloc(1, sizeof(owned));
	return o->owned;
}

/* The profile's settings with the command line's overrides on top. */
static int from_profile(pgiam_session_params *out, pgiam_cli_session_opts *o, owned *own)
{
	pgiam_session_params p;
	int error;

	if (!own->dir && (error = pgiam_profile_dir(&own->dir, o->profiles_dir)) < 0)
		return PGIAM_EXIT_CONFIG;
	if (!own->profile &&
	    (error = pgiam_profile_load_named(&own->profile, own->dir, o->profile)) < 0)
		return PGIAM_EXIT_CONFIG;
	if ((error = pgiam_session_params_from_profile(&p, own->profile)) < 0)
		return PGIAM_EXIT_CONFIG;
	if (o->read_only_set) {
		p.read_only = o->p.read_only;
		p.read_only_origin = o->p.read_only_origin;
	}
	if (o->p.connect_timeout)
		p.connect_timeout = o->p.connect_timeout;
	p.sign_host = o->p.sign_host;
	p.sign_port = o->p.sign_port;
	p.sign_user = o->p.sign_user;
	p.sign_region = o->p.sign_region;
	p.sign_time_offset = o->p.sign_time_offset;
	*out = p;
	return 0;
}

int pgiam_cli_session_params_quiet(pgiam_session_params *out, pgiam_cli_session_opts *o)
{
	owned *own = get_owned(o);

	if (!own) {
		pgiam_error_set(PGIAM_ENOMEM, "out of memory");
		return PGIAM_EXIT_FAILURE;
	}
	if (o->profile)
		return from_profile(out, o, own);
	*out = o->p;
	if (!out->host || !out->port || !out->dbname || !out->user) {
		pgiam_error_set(PGIAM_EINVAL, "--profile NAME is needed (or --host, --port, "
			"--dbname and --user)");
		return PGIAM_EXIT_USAGE;
	}
	if (out->connect_host && strchr(out->connect_host, ':') &&
	    !strchr(strchr(out->connect_host, ':') + 1, ':')) {
		/* host:port in one option */
		char *c = strdup(out->connect_host);
		char *colon = c ? strchr(c, ':') : NULL;
		int port = 0;
		if (!c)
			return PGIAM_EXIT_FAILURE;
		*colon = '\0';
		port = atoi(colon + 1);
		if (port < 1 || port > 65535) {
			pgiam_error_set(PGIAM_EINVAL, "--connect-host: bad port '%s'", colon + 1);
			free(c);
			return PGIAM_EXIT_USAGE;
		}
		free(own->connect_host);
		own->connect_host = c;
		out->connect_host = c;
		out->connect_port = port;
	}
	if (o->password_env) {
		out->password = getenv(o->password_env);
		if (!out->password) {
			pgiam_error_set(PGIAM_EINVAL, "the variable %s is not set", o->password_env);
			return PGIAM_EXIT_USAGE;
		}
	} else if (o->creds_env) {
		out->login = pgiam_iam_login_env;
	} else {
		pgiam_error_set(PGIAM_EINVAL, "without a profile, say where credentials come from "
			"(--creds-env or --password-env VAR)");
		return PGIAM_EXIT_USAGE;
	}
	return 0;
}

int pgiam_cli_session_params(pgiam_session_params *out, pgiam_cli_session_opts *o)
{
	int rc = pgiam_cli_session_params_quiet(out, o);

	if (rc == PGIAM_EXIT_USAGE)
		pgiam_cli_usage_error(o->cmd, "%s", pgiam_error_last());
	else if (rc)
		pgiam_cli_error(o->cmd, NULL);
	return rc;
}

const pgiam_profile *pgiam_cli_session_profile(const pgiam_cli_session_opts *o)
{
	const owned *own = o->owned;

	return own ? own->profile : NULL;
}

int pgiam_cli_session_open(pgiam_session **out, pgiam_cli_session_opts *o)
{
	pgiam_session_params p;
	int rc, error;

	if ((rc = pgiam_cli_session_params(&p, o)) != 0)
		return rc;
	if (o->profile)
		error = pgiam_session_new_profile(out, pgiam_cli_session_profile(o), &p);
	else
		error = pgiam_session_new(out, &p);
	if (error < 0) {
		pgiam_cli_error(o->cmd, NULL);
		return o->profile ? PGIAM_EXIT_CONFIG : PGIAM_EXIT_USAGE;
	}
	return 0;
}

int pgiam_cli_session_list_profiles(char ***names, size_t *count, pgiam_cli_session_opts *o)
{
	owned *own = get_owned(o);

	if (!own || (!own->dir && pgiam_profile_dir(&own->dir, o->profiles_dir) < 0) ||
	    pgiam_profile_list(names, count, own->dir) < 0) {
		pgiam_cli_error(o->cmd, NULL);
		return PGIAM_EXIT_CONFIG;
	}
	return 0;
}

void pgiam_cli_session_names_free(char **names, size_t count)
{
	if (names)
		pgiam_profile_names_free(names, count);
}

void pgiam_cli_session_opts_dispose(pgiam_cli_session_opts *o)
{
	owned *own = o->owned;

	if (own) {
		free(own->connect_host);
		free(own->dir);
		pgiam_profile_free(own->profile);
		free(own);
	}
	o->owned = NULL;
}

static void add_str(json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, v && *v ? json_object_new_string(v) : NULL);
}

void pgiam_cli_session_info_json(json_object *o, const pgiam_session_info *i)
{
	add_str(o, "endpoint", i->endpoint);
	add_str(o, "hostaddr", i->hostaddr);
	json_object_object_add(o, "tcp_port", json_object_new_int(i->tcp_port));
	add_str(o, "dbname", i->dbname);
	add_str(o, "db_user", i->db_user);
	add_str(o, "current_user", i->current_user);
	add_str(o, "server_version", i->server_version);
	json_object_object_add(o, "read_only_requested", json_object_new_boolean(i->read_only_requested));
	json_object_object_add(o, "read_only_enforced", json_object_new_boolean(i->read_only_enforced));
	json_object_object_add(o, "tls", json_object_new_boolean(i->tls));
	json_object_object_add(o, "tls_verified", json_object_new_string(
		i->tls_verified == 2 ? "verify-full" : i->tls_verified == 1 ? "verify-ca" : "no"));
	add_str(o, "tls_protocol", i->tls_protocol);
	add_str(o, "tls_cipher", i->tls_cipher);
	add_str(o, "tls_subject", i->tls_subject);
	add_str(o, "tls_issuer", i->tls_issuer);
	add_str(o, "sslmode", i->sslmode);
	add_str(o, "ca_bundle", i->ca_bundle);
	json_object_object_add(o, "token_signed_at", json_object_new_int64(i->token_signed_at));
	json_object_object_add(o, "token_expires_at", json_object_new_int64(i->token_expires_at));
	add_str(o, "token_expiry_by", i->token_expires_at ? (i->token_expiry_by_creds ?
		"credentials" : "lifetime") : "");
	json_object_object_add(o, "creds_expiration", json_object_new_int64(i->creds_expiration));
	add_str(o, "creds_source", i->creds_source);
	json_object_object_add(o, "connections", json_object_new_int64(i->connections));
	json_object_object_add(o, "reconnects", json_object_new_int64(i->reconnects));
}

void pgiam_cli_session_error_json(json_object *o, const pgiam_session_error *e)
{
	add_str(o, "step", pgiam_step_name(e->step));
	json_object_object_add(o, "number", json_object_new_int((int)e->step + 1));
	add_str(o, "code", pgiam_error_name(e->code));
	add_str(o, "message", e->message);
	add_str(o, "sqlstate", e->sqlstate);
	add_str(o, "server_message", e->server_message);
	add_str(o, "detail", e->detail);
	add_str(o, "hint", e->hint);
	json_object_object_add(o, "position", e->position ? json_object_new_int(e->position) : NULL);
	json_object_object_add(o, "explanation", e->explanation[0] ?
		pgiam_cli_explanation_json(e) : NULL);
}

json_object *pgiam_cli_explanation_json(const pgiam_session_error *e)
{
	const pgiam_explain_parts *p = &e->parts;
	json_object *o = json_object_new_object();
	json_object *holds = json_object_new_array();

	add_str(o, "denied", p->present ? p->denied : NULL);
	add_str(o, "object", p->present ? p->object : NULL);
	add_str(o, "role", p->present ? p->role : NULL);
	add_str(o, "iam_role", p->present ? p->iam_role : NULL);
	for (size_t i = 0; p->present && i < p->nholds; i++) {
		json_object *h = json_object_new_object();
		add_str(h, "privilege", p->holds[i].privilege);
		add_str(h, "via", p->holds[i].via);
		json_object_array_add(holds, h);
	}
	json_object_object_add(o, "holds", holds);
	add_str(o, "missing", p->present ? p->missing : NULL);
	add_str(o, "fix", p->present ? p->fix : NULL);
	add_str(o, "text", e->explanation);
	return o;
}
