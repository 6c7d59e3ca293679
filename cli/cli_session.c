/* cli_session.c - connection options shared by `pgiam sql`, `pgiam psql` and tests. */
#include "cli_session.h"

#include "cli.h"
#include "error.h"
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

static int int_arg(int *out, const char *name, const char *v, int min, int max)
{
	char *end = NULL;
	long n = strtol(v, &end, 10);

	if (!*v || *end || n < min || n > max) {
		pgiam_cli_printf(stderr, "pgiam: %s must be a number in %d..%d, not '%s'\n", name, min, max, v);
		return -1;
	}
	*out = (int)n;
	return 0;
}

int pgiam_cli_session_opt(pgiam_cli_session_opts *o, int argc, char **argv, int i)
{
	static const char *const with_value[] = { "--profile", "--profiles", "--host", "--port",
		"--connect-host", "--connect-port", "--dbname", "--user", "--region", "--sslmode",
		"--sslrootcert", "--password-env", "--connect-timeout", "--sign-host",
		"--sign-port", "--sign-user", "--sign-region", "--sign-time-offset" };
	const char *a = argv[i], *v = NULL;
	int n = 0;

	if (!strcmp(a, "--read-only") || !strcmp(a, "--no-read-only")) {
		o->p.read_only = !strcmp(a, "--read-only");
		/* named in a refusal's explanation: the flag, not the profile, set it */
		o->p.read_only_origin = o->p.read_only ? "the --read-only flag" : NULL;
		o->read_only_set = 1;
		return 1;
	}
	if (!strcmp(a, "--creds-env")) {
		o->creds_env = 1;
		return 1;
	}
	for (size_t k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++)
		if (!strcmp(a, with_value[k]))
			n = 1;
	if (!n)
		return 0;
	if (i + 1 >= argc) {
		pgiam_cli_printf(stderr, "pgiam: %s needs a value\n", a);
		return -1;
	}
	v = argv[i + 1];
	if (!strcmp(a, "--profile")) o->profile = v;
	else if (!strcmp(a, "--profiles")) o->profiles_dir = v;
	else if (!strcmp(a, "--host")) o->p.host = v;
	else if (!strcmp(a, "--port")) return int_arg(&o->p.port, a, v, 1, 65535) ? -1 : 2;
	else if (!strcmp(a, "--connect-host")) o->p.connect_host = v;
	else if (!strcmp(a, "--connect-port")) return int_arg(&o->p.connect_port, a, v, 1, 65535) ? -1 : 2;
	else if (!strcmp(a, "--dbname")) o->p.dbname = v;
	else if (!strcmp(a, "--user")) o->p.user = v;
	else if (!strcmp(a, "--region")) o->p.region = v;
	else if (!strcmp(a, "--sslmode")) o->p.sslmode = v;
	else if (!strcmp(a, "--sslrootcert")) o->p.sslrootcert = v;
	else if (!strcmp(a, "--password-env")) o->password_env = v;
	else if (!strcmp(a, "--connect-timeout")) return int_arg(&o->p.connect_timeout, a, v, 1, 3600) ? -1 : 2;
	else if (!strcmp(a, "--sign-host")) o->p.sign_host = v;
	else if (!strcmp(a, "--sign-port")) return int_arg(&o->p.sign_port, a, v, 1, 65535) ? -1 : 2;
	else if (!strcmp(a, "--sign-user")) o->p.sign_user = v;
	else if (!strcmp(a, "--sign-region")) o->p.sign_region = v;
	else if (!strcmp(a, "--sign-time-offset")) {
		int off = 0;
		if (int_arg(&off, a, v, -86400, 86400))
			return -1;
		o->p.sign_time_offset = off;
	}
	return 2;
}

void pgiam_cli_session_usage(FILE *out)
{
	pgiam_cli_printf(out,
		"connection:\n"
		"  --profile NAME          the profile to connect with\n"
		"  --profiles DIR          where profiles live (default: pgiam's profile dir)\n"
		"  --read-only, --no-read-only   override the profile's read_only\n"
		"low-level (testing, or without a profile):\n"
		"  --host NAME --port N --dbname DB --user U --region R\n"
		"  --connect-host H[:P] --connect-port P   TCP goes here (a tunnel)\n"
		"  --sslmode MODE --sslrootcert FILE --connect-timeout S\n"
		"  --creds-env             sign tokens with AWS_ACCESS_KEY_ID/… from the environment\n"
		"  --password-env VAR      a static password from VAR instead of a token\n"
		"deliberately wrong tokens (to see what naive clients get):\n"
		"  --sign-host H --sign-port N --sign-user U --sign-region R --sign-time-offset S\n");
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
		return 65;
	if (!own->profile &&
	    (error = pgiam_profile_load_named(&own->profile, own->dir, o->profile)) < 0)
		return 65;
	if ((error = pgiam_session_params_from_profile(&p, own->profile)) < 0)
		return 65;
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
		return 1;
	}
	if (o->profile)
		return from_profile(out, o, own);
	*out = o->p;
	if (!out->host || !out->port || !out->dbname || !out->user) {
		pgiam_error_set(PGIAM_EINVAL, "--profile NAME is needed (or --host, --port, "
			"--dbname and --user)");
		return 64;
	}
	if (out->connect_host && strchr(out->connect_host, ':') &&
	    !strchr(strchr(out->connect_host, ':') + 1, ':')) {
		/* host:port in one option */
		char *c = strdup(out->connect_host);
		char *colon = c ? strchr(c, ':') : NULL;
		int port = 0;
		if (!c)
			return 1;
		*colon = '\0';
		port = atoi(colon + 1);
		if (port < 1 || port > 65535) {
			pgiam_error_set(PGIAM_EINVAL, "--connect-host: bad port '%s'", colon + 1);
			free(c);
			return 64;
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
			return 64;
		}
	} else if (o->creds_env) {
		out->login = pgiam_iam_login_env;
	} else {
		pgiam_error_set(PGIAM_EINVAL, "without a profile, say where credentials come from "
			"(--creds-env or --password-env VAR)");
		return 64;
	}
	return 0;
}

int pgiam_cli_session_params(pgiam_session_params *out, pgiam_cli_session_opts *o)
{
	int rc = pgiam_cli_session_params_quiet(out, o);

	if (rc)
		pgiam_cli_error(NULL, NULL);
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
		pgiam_cli_error(NULL, NULL);
		return o->profile ? 65 : 64;
	}
	return 0;
}

int pgiam_cli_session_list_profiles(char ***names, size_t *count, pgiam_cli_session_opts *o)
{
	owned *own = get_owned(o);

	if (!own || (!own->dir && pgiam_profile_dir(&own->dir, o->profiles_dir) < 0) ||
	    pgiam_profile_list(names, count, own->dir) < 0) {
		pgiam_cli_error(NULL, NULL);
		return 65;
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
