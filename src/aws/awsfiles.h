/* awsfiles.h - the AWS shared config and credentials files, read with iniparser.
 *
 * The config file ($AWS_CONFIG_FILE, default ~/.aws/config) names its sections
 * `[profile NAME]` (and `[default]`); the credentials file ($AWS_SHARED_CREDENTIALS_FILE,
 * default ~/.aws/credentials) names them `[NAME]`. A missing file is simply empty.
 *
 * iniparser's reading differs from botocore's in ways users can hit, documented in
 * docs/credentials.md: section names and keys are case-insensitive (lowercased); a
 * value that starts with a quote ends at the matching quote; ';' and '#' start a
 * comment anywhere in an unquoted value.
 */
#ifndef PGIAM_AWSFILES_H
#define PGIAM_AWSFILES_H

typedef struct pgiam_awsfiles pgiam_awsfiles; /* opaque */

typedef enum {
	PGIAM_AWSFILE_CREDENTIALS,
	PGIAM_AWSFILE_CONFIG
} pgiam_awsfile;

/* Loads both files from the paths the environment gives (missing files are empty;
 * an unreadable or unparseable one fails with PGIAM_EIO / PGIAM_EINVAL naming it). */
int pgiam_awsfiles_load(pgiam_awsfiles **out);

/* Loads from explicit paths (NULL: that file is empty). */
int pgiam_awsfiles_load_paths(pgiam_awsfiles **out, const char *config_path,
	const char *credentials_path);

void pgiam_awsfiles_free(pgiam_awsfiles *f);

/* The value of key in profile's section of one file, or NULL. Lent. */
const char *pgiam_awsfiles_get_in(const pgiam_awsfiles *f, pgiam_awsfile which,
	const char *profile, const char *key);

/* The value of key for profile with the credentials file taking precedence over the
 * config file (botocore's merge), or NULL. Lent. */
const char *pgiam_awsfiles_get(const pgiam_awsfiles *f, const char *profile, const char *key);

/* The value of key in the config file's section named exactly section (e.g.
 * "sso-session NAME"), or NULL. Lent. */
const char *pgiam_awsfiles_get_section(const pgiam_awsfiles *f, const char *section,
	const char *key);

/* 1 when either file has a section for profile. */
int pgiam_awsfiles_has_profile(const pgiam_awsfiles *f, const char *profile);

/* The paths read ("" when none); lent, for messages. */
const char *pgiam_awsfiles_config_path(const pgiam_awsfiles *f);
const char *pgiam_awsfiles_credentials_path(const pgiam_awsfiles *f);

/* The AWS profile to use when none is given: $AWS_PROFILE, else $AWS_DEFAULT_PROFILE,
 * else "default". */
const char *pgiam_awsfiles_default_profile(void);

#endif
