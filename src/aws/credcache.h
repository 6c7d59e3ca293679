/* credcache.h - assumed-role sessions cached on disk (0600 files in a 0700 directory),
 * used until PGIAM_AUTH_REFRESH_BEFORE of their end, so that MFA and SSO are not asked
 * for at every command. Never a long-term key. */
#ifndef PGIAM_CREDCACHE_H
#define PGIAM_CREDCACHE_H

#include "creds.h"

#include <stddef.h>
#include <time.h>

#define PGIAM_CREDCACHE_KEY_LEN 64

/* What a cached session is for: its file name is a hash of all of it. */
typedef struct pgiam_credcache_id {
	const char *source;        /* the source's identity in words (AWS profile, env key) */
	const char *role_arn;
	const char *external_id;
	const char *session_name;
	const char *mfa_serial;
	const char *sts_endpoint;
} pgiam_credcache_id;

typedef struct pgiam_credcache_entry {
	pgiam_creds creds;
	char assumed_arn[512];
	char path[4200];
} pgiam_credcache_entry;

/* $XDG_CACHE_HOME/pgiam, else ~/.cache/pgiam. */
int pgiam_credcache_dir(char *out, size_t len);
void pgiam_credcache_key(char out[PGIAM_CREDCACHE_KEY_LEN + 1], const pgiam_credcache_id *id);

/* The cached session for key when it lasts beyond valid_until; PGIAM_ENOTFOUND (no
 * message) when there is none, it is not private to this user, or it is malformed. */
int pgiam_credcache_load(pgiam_credcache_entry *out, const char *dir, const char *key,
	time_t valid_until);
int pgiam_credcache_store(const char *dir, const char *key, const pgiam_creds *c,
	const char *role_arn, const char *session_name, const char *assumed_arn);
int pgiam_credcache_remove(const char *dir, const char *key);
/* Removes cached sessions (those of role_arn, and of session_name when given; all when
 * role_arn is NULL); *removed says how many. */
int pgiam_credcache_clear(int *removed, const char *dir, const char *role_arn,
	const char *session_name);

#endif
