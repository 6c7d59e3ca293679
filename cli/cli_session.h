/* cli_session.h - what the commands that open a session share: the options that
 * choose the connection (a profile, or explicit low-level settings for tests), opening
 * the session, and the JSON form of its info and errors. */
#ifndef PGIAM_CLI_SESSION_H
#define PGIAM_CLI_SESSION_H

#include "session.h"
#include "usage.h"

#include <json-c/json.h>
#include <stdio.h>

typedef struct pgiam_cli_session_opts {
	const char *profile;
	const char *profiles_dir;
	pgiam_session_params p;     /* low-level settings (no profile) */
	const char *password_env;   /* read a static password from this variable */
	int creds_env;              /* sign with AWS_ACCESS_KEY_ID/… from the environment */
	int read_only_set;
	void *owned;                /* what open() allocated (profile, auth, strings) */
	const char *cmd;            /* the command, named in errors */
} pgiam_cli_session_opts;

#define PGIAM_CLI_SESSION_OPTS_INIT(cmd) \
	{ NULL, NULL, PGIAM_SESSION_PARAMS_INIT, NULL, 0, 0, NULL, cmd }

/* The one table of connection options, its handler (ctx: the opts; NULL is enough
 * for --mfa-code) and the rows of each group, by id (0-terminated; usage.h). */
extern const pgiam_cli_opt pgiam_cli_conn_opts[];
extern const int pgiam_cli_conn_profile_ids[];  /* --profile ... --mfa-code */
extern const int pgiam_cli_conn_low_ids[];      /* --host ... --password-env */
extern const int pgiam_cli_conn_sign_ids[];     /* --sign-* */
extern const int pgiam_cli_conn_mfa_ids[];      /* --mfa-code: whoami and token */
int pgiam_cli_session_on_opt(const char *cmd, void *ctx, int id, const char *value);

/* The groups of a command that connects, after its own (opts: its session options). */
#define PGIAM_CLI_SESSION_GROUPS(opts) \
	{ "connection", pgiam_cli_conn_opts, pgiam_cli_session_on_opt, (opts), \
	  pgiam_cli_conn_profile_ids }, \
	{ "low-level (testing, or without a profile)", pgiam_cli_conn_opts, \
	  pgiam_cli_session_on_opt, (opts), pgiam_cli_conn_low_ids }, \
	{ "deliberately wrong tokens (to see what naive clients get)", \
	  pgiam_cli_conn_opts, pgiam_cli_session_on_opt, (opts), pgiam_cli_conn_sign_ids }

/* Builds the session parameters from the options (profile or low-level). Returns 0,
 * or an exit status (usage.h: PGIAM_EXIT_USAGE, PGIAM_EXIT_CONFIG for the profile)
 * after printing the error. */
int pgiam_cli_session_params(pgiam_session_params *out, pgiam_cli_session_opts *o);
/* The same without printing: the message is in pgiam_error_last(). */
int pgiam_cli_session_params_quiet(pgiam_session_params *out, pgiam_cli_session_opts *o);
/* The profile loaded by the calls above (NULL without --profile); lent. */
const struct pgiam_profile *pgiam_cli_session_profile(const pgiam_cli_session_opts *o);
/* The profile names in the profile directory (for --all). */
int pgiam_cli_session_list_profiles(char ***names, size_t *count, pgiam_cli_session_opts *o);
void pgiam_cli_session_names_free(char **names, size_t count);
/* Params, then a new session. Returns 0 or an exit status. */
int pgiam_cli_session_open(pgiam_session **out, pgiam_cli_session_opts *o);
void pgiam_cli_session_opts_dispose(pgiam_cli_session_opts *o);

void pgiam_cli_session_info_json(json_object *o, const pgiam_session_info *i);
void pgiam_cli_session_error_json(json_object *o, const pgiam_session_error *e);
/* pgiam's explanation of a failure as an object: denied, object, role, iam_role,
 * holds [{privilege, via}], missing, fix (null when not known) and text, the one-line
 * form. */
json_object *pgiam_cli_explanation_json(const pgiam_session_error *e);

#endif
