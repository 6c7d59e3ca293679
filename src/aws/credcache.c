/* credcache.c - assumed-role sessions cached on disk, so that an MFA code or an SSO
 * round trip is not needed at every command (see credcache.h).
 *
 * One JSON file per session key in $XDG_CACHE_HOME/pgiam (else ~/.cache/pgiam), the
 * directory 0700 and each file 0600, written atomically. A file that is not ours, not
 * 0600, unreadable or malformed is a miss (and is replaced at the next store): a cache
 * never stops a login. Only temporary credentials (with a session token and an expiry)
 * are ever written. */
#include "credcache.h"

#include "atomic_file.h"
#include "error.h"
#include "secure.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_MAX 16384

int pgiam_credcache_dir(char *out, size_t len)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int n;

	if (xdg && *xdg == '/')
		n = snprintf(out, len, "%s/pgiam", xdg);
	else if (home && *home)
		n = snprintf(out, len, "%s/.cache/pgiam", home);
	else
		return pgiam_error_set(PGIAM_ENOTFOUND, "no cache directory: neither "
			"XDG_CACHE_HOME nor HOME is set");
	return n > 0 && (size_t)n < len ? 0 : pgiam_error_set(PGIAM_EINVAL, "the cache "
		"directory's path is too long");
}

void pgiam_credcache_key(char out[PGIAM_CREDCACHE_KEY_LEN + 1], const pgiam_credcache_id *id)
{
	const char *parts[] = { "pgiam-session-v1", id->source, id->role_arn, id->external_id,
		id->session_name, id->mfa_serial, id->sts_endpoint };
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	out[0] = '\0';
	if (!ctx)
		return;
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		const char *p = parts[i] ? parts[i] : "";
		/* length-prefixed, so ("ab", "c") and ("a", "bc") differ */
		char len[24];
		snprintf(len, sizeof(len), "%zu:", strlen(p));
		EVP_DigestUpdate(ctx, len, strlen(len));
		EVP_DigestUpdate(ctx, p, strlen(p));
	}
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	for (unsigned int i = 0; i < mdlen && 2 * i < PGIAM_CREDCACHE_KEY_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		? json_object_get_string(v) : NULL;
}

/* The file's JSON when it is ours, 0600 and well-formed; NULL otherwise. */
static json_object *read_entry(const char *path)
{
	char *buf = NULL;
	struct stat st;
	json_object *o = NULL;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
	    (st.st_mode & 077) == 0 && st.st_size < FILE_MAX && (buf = calloc(1, FILE_MAX))) {
		if ((n = read(fd, buf, FILE_MAX - 1)) > 0)
			o = json_tokener_parse(buf);
		pgiam_wipe(buf, FILE_MAX);
		free(buf);
	}
	close(fd);
	if (o && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

static void wipe_entry(json_object *o)
{
	const char *keys[] = { "secret_access_key", "session_token" };

	for (size_t i = 0; o && i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = jstr(o, keys[i]);
		if (v)
			pgiam_wipe((char *)v, strlen(v));
	}
	json_object_put(o);
}

int pgiam_credcache_load(pgiam_credcache_entry *out, const char *dir, const char *key,
	time_t valid_until)
{
	char path[4200];
	json_object *o = NULL, *exp = NULL;
	int error = PGIAM_ENOTFOUND;

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "%s/%s.json", dir, key);
	if (!(o = read_entry(path)))
		return PGIAM_ENOTFOUND;
	if (json_object_object_get_ex(o, "expiration", &exp) &&
	    json_object_get_int64(exp) > valid_until && jstr(o, "access_key_id") &&
	    jstr(o, "secret_access_key") && jstr(o, "session_token")) {
		error = pgiam_creds_set(&out->creds, jstr(o, "access_key_id"),
			jstr(o, "secret_access_key"), jstr(o, "session_token"),
			(time_t)json_object_get_int64(exp), jstr(o, "source"));
		if (!error && jstr(o, "assumed_arn"))
			snprintf(out->assumed_arn, sizeof(out->assumed_arn), "%s", jstr(o, "assumed_arn"));
		snprintf(out->path, sizeof(out->path), "%s", path);
	}
	wipe_entry(o);
	return error;
}

int pgiam_credcache_store(const char *dir, const char *key, const pgiam_creds *c,
	const char *role_arn, const char *session_name, const char *assumed_arn)
{
	json_object *o = NULL;
	const char *text = NULL;
	char name[PGIAM_CREDCACHE_KEY_LEN + 8];
	int error = 0;

	/* never a long-term key */
	if (!c->session_token || !*c->session_token || !c->expiration)
		return 0;
	if ((error = pgiam_file_mkdir_p(dir, "the credential cache directory")) < 0)
		return error;
	if (chmod(dir, 0700) < 0)
		return pgiam_error_set(PGIAM_EIO, "cannot make %s private: %s", dir, strerror(errno));
	o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "role_arn", json_object_new_string(role_arn ? role_arn : ""));
	json_object_object_add(o, "session_name",
		json_object_new_string(session_name ? session_name : ""));
	json_object_object_add(o, "assumed_arn",
		json_object_new_string(assumed_arn ? assumed_arn : ""));
	json_object_object_add(o, "source", json_object_new_string(c->source ? c->source : ""));
	json_object_object_add(o, "access_key_id", json_object_new_string(c->access_key_id));
	json_object_object_add(o, "secret_access_key",
		json_object_new_string(c->secret_access_key));
	json_object_object_add(o, "session_token", json_object_new_string(c->session_token));
	json_object_object_add(o, "expiration", json_object_new_int64((int64_t)c->expiration));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	snprintf(name, sizeof(name), "%s.json", key);
	error = pgiam_file_write_atomic(dir, name, text, strlen(text), 0600);
	pgiam_wipe((char *)text, strlen(text));
	wipe_entry(o);
	return error;
}

int pgiam_credcache_remove(const char *dir, const char *key)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s.json", dir, key);
	if (unlink(path) < 0 && errno != ENOENT)
		return pgiam_error_set(PGIAM_EIO, "cannot remove %s: %s", path, strerror(errno));
	return 0;
}

/* A cache file name: 64 hex digits and .json (nothing else in the directory is ours). */
static int is_entry_name(const char *n)
{
	size_t len = strlen(n);

	if (len != PGIAM_CREDCACHE_KEY_LEN + 5 || strcmp(n + PGIAM_CREDCACHE_KEY_LEN, ".json"))
		return 0;
	for (size_t i = 0; i < PGIAM_CREDCACHE_KEY_LEN; i++)
		if (!strchr("0123456789abcdef", n[i]))
			return 0;
	return 1;
}

int pgiam_credcache_clear(int *removed, const char *dir, const char *role_arn,
	const char *session_name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4200];
	int error = 0;

	*removed = 0;
	if (!d)
		return errno == ENOENT ? 0 : pgiam_error_set(PGIAM_EIO, "cannot read %s: %s", dir,
			strerror(errno));
	while ((e = readdir(d))) {
		json_object *o = NULL;
		int match = 1;
		if (!is_entry_name(e->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (role_arn) {
			o = read_entry(path);
			const char *r = o ? jstr(o, "role_arn") : NULL, *s = o ? jstr(o, "session_name") : NULL;
			match = r && !strcmp(r, role_arn) && (!session_name || (s && !strcmp(s, session_name)));
			wipe_entry(o);
		}
		if (!match)
			continue;
		if (unlink(path) == 0)
			(*removed)++;
		else if (errno != ENOENT)
			error = pgiam_error_set(PGIAM_EIO, "cannot remove %s: %s", path, strerror(errno));
	}
	closedir(d);
	return error;
}
