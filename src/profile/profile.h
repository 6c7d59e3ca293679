/* profile.h - connection profiles: one `NAME.ini` file per profile with the keys in a
 * `[profile]` section (read with iniparser), their validation, and atomic saving.
 *
 * A profile is everything pgiam needs to reach one database as one IAM user: the RDS
 * endpoint (host:port, the token is signed for it), the region, the database and
 * database user, the role to assume (role_arn + external_id) and the TLS settings. No
 * secret ever lives in a profile.
 *
 * Loading keeps problems instead of failing: pgiam_profile_load() only fails when the
 * file cannot be read or parsed, so that `pgiam profiles` and the TUI can show a broken
 * profile together with what is wrong with it. pgiam_profile_validate() lists the
 * problems; the typed accessors are meaningful only when it reports no errors.
 *
 * Keys are case-insensitive (iniparser lowercases them); values keep their case.
 * Unknown keys are kept (with a warning) and written back on save. Comments in a
 * file are not kept when the profile is saved.
 *
 * Ownership: whatever comes back through `**out` belongs to the caller (free it with
 * the matching _free function); `const char *` getters lend memory owned by the
 * profile, valid until the profile is changed or freed.
 */
#ifndef PGIAM_PROFILE_H
#define PGIAM_PROFILE_H

#include <stddef.h>

typedef struct pgiam_profile pgiam_profile; /* opaque */

/* Longest profile name accepted (bytes). */
#define PGIAM_PROFILE_NAME_MAX 64

/* Defaults applied by the typed accessors. */
#define PGIAM_PROFILE_DEFAULT_DURATION 3600
#define PGIAM_PROFILE_DEFAULT_SSLMODE "verify-full"

/* --- where profiles live ------------------------------------------------------------ */

/* The profile directory, into *out (free()): override (from --profiles DIR) when
 * non-empty, else $PGIAM_PROFILES, else $XDG_CONFIG_HOME/pgiam/profiles (only when
 * XDG_CONFIG_HOME is an absolute path, as the XDG spec says), else
 * ~/.config/pgiam/profiles ($HOME, else the password database). The directory need
 * not exist. */
int pgiam_profile_dir(char **out, const char *override);

/* Checks a profile name: 1 to PGIAM_PROFILE_NAME_MAX characters of [A-Za-z0-9._-],
 * not starting with a dot, so a name can never leave the profile directory. 0 when
 * valid; PGIAM_EINVAL with the last error set (and msg filled when non-NULL). */
int pgiam_profile_name_check(const char *name, char *msg, size_t msglen);

/* --- life cycle --------------------------------------------------------------------- */

/* An empty profile called name (for the TUI's "add" form). The name is checked by
 * pgiam_profile_validate(), not here, so a form can start with an empty name; NULL is
 * taken as "". */
int pgiam_profile_new(pgiam_profile **out, const char *name);

/* Loads a profile file; its name is the file name without ".ini". Fails (PGIAM_EIO,
 * PGIAM_ENOTFOUND, PGIAM_EINVAL for a syntax error iniparser refuses) only when the
 * file cannot be read or parsed; validation problems are kept for
 * pgiam_profile_validate(). */
int pgiam_profile_load(pgiam_profile **out, const char *path);

/* Loads DIR/NAME.ini; PGIAM_EINVAL for a bad name, PGIAM_ENOTFOUND when there is no
 * such profile (the message names the directory). */
int pgiam_profile_load_named(pgiam_profile **out, const char *dir, const char *name);

/* The sorted names (NAME of every NAME.ini with a valid name) in dir. A missing or
 * unreadable directory fails (PGIAM_ENOTFOUND / PGIAM_EIO); an empty one gives
 * count 0 and *out_names NULL. Free with pgiam_profile_names_free(). */
int pgiam_profile_list(char ***out_names, size_t *out_count, const char *dir);
void pgiam_profile_names_free(char **names, size_t count);

/* 1 when DIR/NAME.ini exists, 0 when not (or the name is invalid). */
int pgiam_profile_exists(const char *dir, const char *name);

/* A copy of p called new_name (NULL keeps the name); the copy is not tied to p's
 * file (pgiam_profile_path() gives NULL) but keeps its directory for resolving a
 * relative ca_bundle. */
int pgiam_profile_dup(pgiam_profile **out, const pgiam_profile *p, const char *new_name);

void pgiam_profile_free(pgiam_profile *p);

/* --- raw access ---------------------------------------------------------------------- */

const char *pgiam_profile_name(const pgiam_profile *p);

/* The file the profile was loaded from or last saved to; NULL for a new one. */
const char *pgiam_profile_path(const pgiam_profile *p);

/* The raw value of key (case-insensitive) in the [profile] section, or NULL. */
const char *pgiam_profile_get(const pgiam_profile *p, const char *key);

/* Sets key to value (copied); a NULL value removes the key. Fails with PGIAM_EINVAL
 * for a key that is not 1-31 characters of [A-Za-z0-9_.-] or a value that cannot be
 * written to an INI file and read back identically (a line break, both kinds of
 * quote, or too long for iniparser's 1024-byte lines). Validity of the value itself
 * is a matter for pgiam_profile_validate(); an empty value counts as unset. */
int pgiam_profile_set(pgiam_profile *p, const char *key, const char *value);

/* Renames the profile in memory (the name is checked by validation and by save). */
int pgiam_profile_set_name(pgiam_profile *p, const char *name);

/* Iterates over every key in file order, known and unknown: 0 with *key and *value set for
 * index < count, PGIAM_ENOTFOUND past the end. */
size_t pgiam_profile_entry_count(const pgiam_profile *p);
int pgiam_profile_entry(const char **key, const char **value, const pgiam_profile *p,
	size_t index);

/* --- typed accessors: meaningful when validation reports no errors -------------------- */

/* endpoint: the RDS host name the token is signed for (IPv6 without brackets) and
 * its port; NULL/0 when unset or malformed. */
const char *pgiam_profile_host(const pgiam_profile *p);
int pgiam_profile_port(const pgiam_profile *p);

/* region, or when unset the region of an RDS endpoint name
 * (….REGION.rds.amazonaws.com[.cn]); NULL when neither. */
const char *pgiam_profile_region(const pgiam_profile *p);

const char *pgiam_profile_database(const pgiam_profile *p);
const char *pgiam_profile_db_user(const pgiam_profile *p);

/* The role to assume; NULL means: use the source credentials directly. */
const char *pgiam_profile_role_arn(const pgiam_profile *p);
const char *pgiam_profile_external_id(const pgiam_profile *p); /* NULL when unset */

/* session_name, default "pgiam-LOCALUSER" with the local user name reduced to the
 * characters STS accepts ([\w+=,.@-], others become '-') and cut to 64 characters. */
const char *pgiam_profile_session_name(const pgiam_profile *p);

/* duration in seconds, default PGIAM_PROFILE_DEFAULT_DURATION. */
int pgiam_profile_duration(const pgiam_profile *p);

/* credential_process_timeout in seconds (1-3600), default
 * PGIAM_PROFILE_DEFAULT_PROCESS_TIMEOUT: how long a credential_process of the AWS
 * config may run (the AWS config files have no such key, so it lives here). */
#define PGIAM_PROFILE_DEFAULT_PROCESS_TIMEOUT 60
int pgiam_profile_credential_process_timeout(const pgiam_profile *p);

/* The AWS shared-config profile to take source credentials from; NULL = the chain's
 * default (AWS_PROFILE, then "default"). */
const char *pgiam_profile_source_profile(const pgiam_profile *p);

/* cache_credentials: 1 (the default) unless it is false. */
int pgiam_profile_cache_credentials(const pgiam_profile *p);
/* The MFA device the role requires (mfa_serial), or NULL. */
const char *pgiam_profile_mfa_serial(const pgiam_profile *p);
/* sts_endpoint URL; NULL = the regional default. */
const char *pgiam_profile_sts_endpoint(const pgiam_profile *p);

/* ca_bundle with a leading "~/" expanded and a relative path taken relative to the
 * profile's directory; NULL when unset. */
const char *pgiam_profile_ca_bundle(const pgiam_profile *p);

/* sslmode, default "verify-full". */
const char *pgiam_profile_sslmode(const pgiam_profile *p);

/* 1 when sslmode verifies the server certificate (verify-full or verify-ca), 0 when
 * the profile runs unverified TLS (only allowed with allow_unverified_tls = true; the
 * UI must then always show the connection as unverified). */
int pgiam_profile_tls_verified(const pgiam_profile *p);

/* connect_host: where to open the TCP connection (an SSH or SSM port forward); the
 * token is still signed for, and TLS verified against, the endpoint. NULL/0 when
 * unset (connect to the endpoint itself). */
const char *pgiam_profile_connect_host(const pgiam_profile *p);
int pgiam_profile_connect_port(const pgiam_profile *p);

/* Booleans (true/false, yes/no, on/off, 1/0); 0 when unset or malformed. */
int pgiam_profile_read_only(const pgiam_profile *p);
int pgiam_profile_allow_unverified_tls(const pgiam_profile *p);

/* For `pgiam policy`: 12-digit account and the DbiResourceId ("db-…"); NULL when
 * unset. */
const char *pgiam_profile_account_id(const pgiam_profile *p);
const char *pgiam_profile_dbi_resource_id(const pgiam_profile *p);

/* --- validation ------------------------------------------------------------------------ */

typedef enum {
	PGIAM_PROBLEM_WARNING,
	PGIAM_PROBLEM_ERROR
} pgiam_problem_severity;

typedef struct pgiam_profile_problem {
	char key[32];          /* the key concerned ("name" for the profile name) */
	pgiam_problem_severity severity;
	char message[512];     /* "FILE: KEY: what is wrong; expected …" (path up to 95
	                          bytes, body up to 255: never cut) */
} pgiam_profile_problem;

/* Checks every key. Stores up to max problems in problems (may be NULL when max is
 * 0), sets *count (may be NULL) to the number stored, and returns the number of
 * ERRORS found in total (0 = the profile is usable). Every message names the file
 * (or "profile NAME" when not loaded from one), the key and what is expected. */
int pgiam_profile_validate(const pgiam_profile *p, pgiam_profile_problem *problems,
	size_t max, size_t *count);

/* Checks one field as typed in a form, in the context of the rest of the profile
 * (context may be NULL): the endpoint against the region and back, external_id and
 * session_name against role_arn, sslmode against allow_unverified_tls. Returns 0 when
 * fine, 1 for a warning, a negative code for an error; msg (when non-NULL) gets the
 * message without the file prefix ("" when fine). key "name" checks a profile name. */
int pgiam_profile_check_field(const pgiam_profile *context, const char *key,
	const char *value, char *msg, size_t msglen);

/* --- saving ------------------------------------------------------------------------------ */

/* Writes dir/NAME.ini atomically: a temporary file in dir, fsync, rename over the old
 * file, fsync of the directory; mode 0600. Creates dir (mode 0700) when missing. Other
 * profiles are untouched; unknown keys are written back. Refuses with PGIAM_EINVAL (the
 * message is the first error) when validation finds errors. The profile itself is
 * not changed (pgiam_profile_path() stays as it was). Comments are not kept. */
int pgiam_profile_save(const pgiam_profile *p, const char *dir);

/* Removes dir/NAME.ini; PGIAM_ENOTFOUND when there is none. */
int pgiam_profile_delete(const char *dir, const char *name);

/* --- the known keys ---------------------------------------------------------------------- */

typedef struct pgiam_profile_key {
	const char *key;
	const char *description; /* one line, for the TUI form and docs */
	int required;
} pgiam_profile_key;

/* The known keys in the order a form shows them; *count gets their number. */
const pgiam_profile_key *pgiam_profile_keys(size_t *count);

/* 1 when key is one of pgiam_profile_keys(). */
int pgiam_profile_key_known(const char *key);

#endif
