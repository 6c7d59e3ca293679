/* cmd_psql.c - `pgiam psql --profile NAME [-- PSQL-ARGS]`: psql itself, with a fresh
 * token and the profile's connection settings.
 *
 * Everything goes through libpq's environment variables, set only in psql's
 * environment (never on its command line, where `ps` would show the token):
 * PGHOST is the endpoint name (verify-full checks it), PGHOSTADDR where TCP goes
 * (connect_host resolved to an IP, so a tunnel works with verify-full), PGPASSWORD
 * the token. The token stays readable in /proc/PID/environ by the same user for as
 * long as psql runs, as with any PGPASSWORD; it is only good for 15 minutes.
 */
#include "cli.h"
#include "cli_session.h"
#include "usage.h"

#include "profile_auth.h"
#include "error.h"
#include "secure.h"
#include "session.h"
#include "session_profile.h"
#include "token.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int set(const char *name, const char *value)
{
	if (value && setenv(name, value, 1) != 0) {
		pgiam_cli_printf(stderr, "pgiam: psql: cannot set %s: %s\n", name, strerror(errno));
		return -1;
	}
	if (!value)
		unsetenv(name);
	return 0;
}

/* libpq's variables for the profile's connection, all but the token: the endpoint's
 * name for verify-full, TCP to hostaddr (a tunnel's resolved address). 0, or -1 after
 * printing why. */
static int libpq_environment(const pgiam_session_params *p, const char *hostaddr)
{
	char port[16], timeout[16];

	snprintf(port, sizeof(port), "%d", p->connect_port ? p->connect_port : p->port);
	snprintf(timeout, sizeof(timeout), "%d", p->connect_timeout ? p->connect_timeout : 15);
	if (set("PGHOST", p->host) || set("PGHOSTADDR", hostaddr) || set("PGPORT", port) ||
	    set("PGDATABASE", p->dbname) || set("PGUSER", p->user) ||
	    set("PGSSLMODE", p->sslmode ? p->sslmode : "verify-full") ||
	    set("PGSSLROOTCERT", p->sslrootcert) || set("PGAPPNAME", "pgiam") ||
	    set("PGCONNECT_TIMEOUT", timeout) || set("PGGSSENCMODE", "disable") ||
	    set("PGOPTIONS", p->read_only ? "-c default_transaction_read_only=on" : NULL) ||
	    set("PGSERVICE", NULL))
		return -1;
	return 0;
}

/* Wipes and removes the token this command put in PGPASSWORD. setenv's copy is the
 * string getenv returns, and glibc's unsetenv only unlinks it (it is never freed), so
 * it is wiped in place first. */
static void unset_token(void)
{
	char *v = getenv("PGPASSWORD");

	if (v)
		pgiam_wipe(v, strlen(v));
	unsetenv("PGPASSWORD");
}

int pgiam_cmd_psql(int argc, char **argv)
{
	pgiam_cli_session_opts opts = PGIAM_CLI_SESSION_OPTS_INIT("psql");
	const pgiam_cli_group groups[] = {
		PGIAM_CLI_SESSION_GROUPS(&opts),
		{ NULL, NULL, NULL, NULL, NULL },
	};
	const pgiam_cli_spec spec = { "psql",
		"pgiam psql --profile NAME [--profiles DIR] [--read-only] [-- PSQL-ARGS]",
		"Starts psql with a fresh token (in PGPASSWORD, in psql's environment\n"
		"only) and the profile's host, hostaddr, port, database, user, sslmode\n"
		"and CA bundle. $PGIAM_PSQL names another psql binary.",
		NULL, "  10+N  step N failed before psql ran (11 credentials, 12 AssumeRole, 13 token,\n"
		"        14 resolving the address; see pgiam check --help)\n"
		"  127   psql cannot be run; once psql runs, its own exit status", 1, groups };
	pgiam_session_params p;
	pgiam_auth *auth = NULL;
	pgiam_creds creds = PGIAM_CREDS_INIT;
	char *token = NULL, hostaddr[64];
	char **args = NULL;
	const char *psql = getenv("PGIAM_PSQL") ? getenv("PGIAM_PSQL") : "psql";
	int i, rc = 0, nargs = 0, token_in_env = 0;

	if ((rc = pgiam_cli_parse(&i, &spec, argc, argv)) != PGIAM_CLI_GO_ON)
		return rc;
	rc = 0;
	if (!opts.profile)
		return pgiam_cli_usage_error("psql", "--profile NAME is needed");
	if ((rc = pgiam_cli_session_params(&p, &opts)) != 0)
		goto cleanup;
	if (pgiam_profile_auth_new(&auth, pgiam_cli_session_profile(&opts)) < 0 ||
	    pgiam_auth_get(&creds, auth, time(NULL)) < 0) {
		pgiam_cli_error("psql: credentials", NULL);
		rc = PGIAM_EXIT_FOR_STEP(pgiam_error_last_class() == PGIAM_ECLASS_STS ?
			PGIAM_STEP_ASSUME_ROLE + 1 : PGIAM_STEP_CREDENTIALS + 1);
		goto cleanup;
	}
	{
		pgiam_token_params tp = { p.host, p.port, p.user, p.region, time(NULL) };
		if (pgiam_token_generate(&token, &tp, &creds) < 0) {
			pgiam_cli_error("psql: token", NULL);
			rc = PGIAM_EXIT_FOR_STEP(PGIAM_STEP_TOKEN + 1);
			goto cleanup;
		}
	}
	if (pgiam_session_resolve(hostaddr, sizeof(hostaddr),
	    p.connect_host ? p.connect_host : p.host) < 0) {
		pgiam_cli_error("psql", NULL);
		rc = PGIAM_EXIT_FOR_STEP(PGIAM_STEP_TCP + 1);
		goto cleanup;
	}
	if (libpq_environment(&p, hostaddr) < 0) {
		rc = PGIAM_EXIT_FAILURE;
		goto cleanup;
	}
	if (set("PGPASSWORD", token)) {
		rc = PGIAM_EXIT_FAILURE;
		goto cleanup;
	}
	token_in_env = 1;
	pgiam_free_secret(token);  /* the environment holds the copy psql reads */
	token = NULL;
	pgiam_creds_dispose(&creds);
	pgiam_auth_free(auth);
	auth = NULL;

	if (!(args = calloc((size_t)(argc - i + 2), sizeof(char *)))) {
		rc = PGIAM_EXIT_FAILURE;
		goto cleanup;
	}
	args[nargs++] = (char *)psql;
	for (int k = i; k < argc; k++)
		args[nargs++] = argv[k];
	args[nargs] = NULL;
	fflush(NULL);
	execvp(psql, args);
	pgiam_cli_printf(stderr, "pgiam: psql: cannot run %s: %s\n", psql, strerror(errno));
	rc = PGIAM_EXIT_NO_PSQL;

cleanup:
	if (token_in_env)
		unset_token();
	free(args);
	pgiam_free_secret(token);
	pgiam_creds_dispose(&creds);
	pgiam_auth_free(auth);
	pgiam_cli_session_opts_dispose(&opts);
	return rc;
}
