/* profile.c - the profile model: the profile directory, loading NAME.ini files with
 * iniparser, raw and typed access, and listing. Validation lives in
 * profile_check.c, saving in profile_save.c. */
#include "profile_priv.h"

#include "ascii.h"
#include "buf.h"
#include "error.h"
#include "secure.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <iniparser.h>

#define SECTION "profile"

/* --- iniparser's error reports ----------------------------------------------------- */

/* iniparser prints syntax errors to stderr through a global callback; route them into
 * a thread-local buffer instead so that the message becomes our one-line error. */
static _Thread_local char ini_error[512];
static pthread_once_t ini_error_once = PTHREAD_ONCE_INIT;

static int ini_error_cb(const char *fmt, ...)
{
	va_list ap;
	size_t used = strlen(ini_error);
	int n;

	if (used >= sizeof(ini_error) - 1)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(ini_error + used, sizeof(ini_error) - used, fmt, ap);
	va_end(ap);
	return n;
}

static void ini_error_install(void)
{
	iniparser_set_error_callback(ini_error_cb);
}

/* iniparser reports "iniparser: syntax error in FILE (LINE):\n-> TEXT\n"; make that
 * one line without the prefix: "syntax error in FILE (LINE): TEXT". */
static const char *tidy_ini_error(void)
{
	char *s = ini_error;
	size_t n;

	if (!strncmp(s, "iniparser: ", 11))
		memmove(s, s + 11, strlen(s + 11) + 1);
	for (char *c = s; *c; c++)
		if (*c == '\n')
			*c = ' ';
	for (char *c = strstr(s, ": -> "); c; c = NULL)
		memmove(c + 2, c + 5, strlen(c + 5) + 1);
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == ':'))
		s[--n] = '\0';
	return *s ? s : "iniparser could not read it";
}

/* Whether path is a symbolic link to a file its author could not otherwise show the
 * user: owned by someone other than the link's owner, or not readable by the real user
 * (pgiam run with more rights). A syntax error then quotes no line of it. target is
 * stat(path). */
static int borrowed_file(const char *path, const struct stat *target)
{
	struct stat link;

	if (lstat(path, &link) < 0 || !S_ISLNK(link.st_mode))
		return 0;
	return link.st_uid != target->st_uid || access(path, R_OK) != 0;
}

/* tidy_ini_error() without the quoted line: "syntax error in FILE (LINE)". */
static const char *unquoted_ini_error(const char *path)
{
	char *s = (char *)tidy_ini_error();
	const char *prefix = "syntax error in ";
	char *end = NULL;

	if (!strncmp(s, prefix, strlen(prefix)) && !strncmp(s + strlen(prefix), path, strlen(path)) &&
	    (end = strstr(s + strlen(prefix) + strlen(path), "): ")))
		snprintf(end + 1, sizeof(ini_error) - (size_t)(end + 1 - ini_error),
			" (the line is not quoted: the profile is a link to another user's file)");
	else
		snprintf(ini_error, sizeof(ini_error), "a syntax error (the line is not quoted: "
			"the profile is a link to another user's file)");
	return ini_error;
}

/* --- small helpers ---------------------------------------------------------------- */

/* ASCII only, whatever the locale (the TUI sets one): names and keys are ASCII. */
static int ascii_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char *pgiam_profile__join(const char *dir, const char *name, const char *suffix)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	if (pgiam_buf_printf(&b, "%s%s%s%s", dir,
			(*dir && dir[strlen(dir) - 1] == '/') ? "" : "/", name, suffix) < 0) {
		pgiam_buf_dispose(&b);
		return NULL;
	}
	return pgiam_buf_detach(&b);
}

static int key_valid(const char *key)
{
	size_t n = strlen(key);

	if (n == 0 || n > 31)
		return 0;
	for (const char *c = key; *c; c++)
		if (!ascii_alnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '.')
			return 0;
	return 1;
}

static pgiam_profile_entry_ *find_entry(const pgiam_profile *p, const char *section,
	const char *key)
{
	for (size_t i = 0; i < p->count; i++)
		if (!strcmp(p->entries[i].section, section) &&
				!pgiam_ascii_casecmp(p->entries[i].key, key))
			return &p->entries[i];
	return NULL;
}

static int add_entry(pgiam_profile *p, const char *section, const char *key,
	const char *value)
{
	pgiam_profile_entry_ e = { NULL, NULL, NULL };
	int error = PGIAM_ENOMEM;

	if (p->count == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		pgiam_profile_entry_ *n = realloc(p->entries, cap * sizeof(*n));
		if (!n) {
			pgiam_error_set(PGIAM_ENOMEM, "out of memory");
			goto cleanup;
		}
		p->entries = n;
		p->cap = cap;
	}
	if (!(e.section = pgiam_strdup(section)) || !(e.key = pgiam_strdup(key)) ||
			!(e.value = pgiam_strdup(value)))
		goto cleanup;
	/* iniparser lowercases with the locale's tolower(), which leaves 'I' alone in a
	 * Turkish locale: fold again, ASCII only */
	pgiam_ascii_lower(e.section);
	pgiam_ascii_lower(e.key);
	p->entries[p->count++] = e;
	return 0;
cleanup:
	free(e.section);
	free(e.key);
	free(e.value);
	return error;
}

/* How a value is written so that iniparser 4.1 reads it back unchanged: in double
 * quotes (iniparser keeps everything between them, including ';', '#', '=' and
 * spaces), else in single quotes when the value holds a '"'. A value with both kinds
 * of quote or a control character cannot be represented. Returns the quote char or 0. */
char pgiam_profile__quote(const char *value)
{
	/* other control characters survive inside quotes; line breaks cannot */
	if (strpbrk(value, "\r\n"))
		return 0;
	if (!strchr(value, '"'))
		return '"';
	if (!strchr(value, '\''))
		return '\'';
	return 0;
}

int pgiam_profile__value_problem(const char *key, const char *value, char *msg,
	size_t msglen)
{
	if (!pgiam_profile__quote(value)) {
		snprintf(msg, msglen, "the value cannot be written back to a profile file (it "
			"has a line break, or both ' and \"); expected one line with at most one "
			"kind of quote");
		return -1;
	}
	if (strlen(key) + strlen(value) + 5 > PGIAM_PROFILE_LINE_MAX) {
		snprintf(msg, msglen, "the value is %zu characters, too long for one profile "
			"line (iniparser reads at most %d characters a line); expected at most %zu",
			strlen(value), PGIAM_PROFILE_LINE_MAX,
			strlen(key) + 5 >= PGIAM_PROFILE_LINE_MAX ? (size_t)0 :
			(size_t)PGIAM_PROFILE_LINE_MAX - 5 - strlen(key));
		return -1;
	}
	return 0;
}

int pgiam_profile__value_check(const char *key, const char *value)
{
	char msg[256];

	if (pgiam_profile__value_problem(key, value, msg, sizeof(msg)) < 0)
		return pgiam_error_set(PGIAM_EINVAL, "%s: %s", key, msg);
	return 0;
}

static const char *get_nonempty(const pgiam_profile *p, const char *key)
{
	const char *v = pgiam_profile_get(p, key);
	return (v && *v) ? v : NULL;
}

/* --- the profile directory --------------------------------------------------------- */

int pgiam_profile_dir(char **out, const char *override)
{
	const char *env = NULL;
	const char *home = NULL;
	struct passwd pwbuf, *pw = NULL;
	char strings[1024];

	*out = NULL;
	if (override && *override)
		return (*out = pgiam_strdup(override)) ? 0 : PGIAM_ENOMEM;
	if ((env = getenv("PGIAM_PROFILES")) && *env)
		return (*out = pgiam_strdup(env)) ? 0 : PGIAM_ENOMEM;
	/* The XDG spec says relative values are invalid and must be ignored. */
	if ((env = getenv("XDG_CONFIG_HOME")) && *env == '/')
		return (*out = pgiam_profile__join(env, "pgiam/profiles", "")) ? 0 :
			pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	home = getenv("HOME");
	/* getpwuid_r: profiles are loaded from parallel threads by `pgiam check --all` */
	if ((!home || !*home) && getpwuid_r(geteuid(), &pwbuf, strings, sizeof(strings), &pw) == 0 &&
			pw)
		home = pw->pw_dir;
	if (!home || !*home)
		return pgiam_error_set_class(PGIAM_ECLASS_CONFIG, PGIAM_ENOTFOUND,
			"cannot find the profile directory: "
			"HOME is not set; pass --profiles DIR or set PGIAM_PROFILES");
	return (*out = pgiam_profile__join(home, ".config/pgiam/profiles", "")) ? 0 :
		pgiam_error_set(PGIAM_ENOMEM, "out of memory");
}

int pgiam_profile_name_check(const char *name, char *msg, size_t msglen)
{
	const char *why = NULL;
	char text[256];
	size_t n = name ? strlen(name) : 0;

	if (n == 0)
		why = "the profile name is empty";
	else if (n > PGIAM_PROFILE_NAME_MAX)
		why = "the profile name is too long";
	else if (name[0] == '.')
		why = "the profile name starts with a dot";
	else
		for (const char *c = name; *c; c++)
			if (!ascii_alnum((unsigned char)*c) && *c != '.' && *c != '_' && *c != '-') {
				why = "the profile name has a character other than A-Z a-z 0-9 . _ -";
				break;
			}
	if (!why) {
		if (msg && msglen)
			msg[0] = '\0';
		return 0;
	}
	snprintf(text, sizeof(text), "%s; expected 1-%d characters of A-Z a-z 0-9 . _ -, "
		"not starting with a dot", why, PGIAM_PROFILE_NAME_MAX);
	if (msg && msglen)
		snprintf(msg, msglen, "%s", text);
	return pgiam_error_set_class(PGIAM_ECLASS_CONFIG, PGIAM_EINVAL, "%s", text);
}

/* --- life cycle ---------------------------------------------------------------------- */

static int session_default(char **out)
{
	struct passwd pwbuf, *pw = NULL;
	char strings[1024];
	const char *user = NULL;
	pgiam_buf b = PGIAM_BUF_INIT;
	int error = 0;

	if (getpwuid_r(geteuid(), &pwbuf, strings, sizeof(strings), &pw) == 0 && pw &&
			pw->pw_name && *pw->pw_name)
		user = pw->pw_name;
	else
		user = getenv("USER");
	if (!user || !*user)
		user = "user";
	if ((error = pgiam_buf_printf(&b, "pgiam-%s", user)) < 0)
		goto cleanup;
	/* STS accepts [\w+=,.@-] in a session name, at most 64 characters. */
	for (char *c = b.ptr; *c; c++)
		if (!ascii_alnum((unsigned char)*c) && !strchr("_+=,.@-", *c))
			*c = '-';
	if (b.len > 64)
		b.ptr[64] = '\0';
	*out = pgiam_buf_detach(&b);
	error = *out ? 0 : PGIAM_ENOMEM;
cleanup:
	pgiam_buf_dispose(&b);
	return error;
}

int pgiam_profile_new(pgiam_profile **out, const char *name)
{
	pgiam_profile *p = NULL;
	int error = PGIAM_ENOMEM;

	*out = NULL;
	if (!(p = calloc(1, sizeof(*p)))) {
		pgiam_error_set(PGIAM_ENOMEM, "out of memory");
		goto cleanup;
	}
	p->has_section = 1;
	if (!(p->name = pgiam_strdup(name ? name : "")))
		goto cleanup;
	if ((error = pgiam_profile__refresh(p)) < 0)
		goto cleanup;
	*out = p;
	p = NULL;
cleanup:
	pgiam_profile_free(p);
	return error;
}

void pgiam_profile_free(pgiam_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->count; i++) {
		free(p->entries[i].section);
		free(p->entries[i].key);
		free(p->entries[i].value);
	}
	free(p->entries);
	free(p->name);
	free(p->path);
	free(p->dir);
	free(p->host);
	free(p->connect_host);
	free(p->region);
	free(p->ca_bundle);
	free(p->session_default);
	free(p);
}

/* A regular, readable file without a byte-order mark: iniparser only says "cannot
 * open", and would call a BOM on the first line a syntax error, which hides the cause. */
static int check_readable(const char *path, struct stat *st)
{
	unsigned char bom[3] = { 0, 0, 0 };
	size_t got;
	FILE *f;

	if (stat(path, st) < 0)
		return pgiam_error_set(errno == ENOENT ? PGIAM_ENOTFOUND : PGIAM_EIO,
			"%s: cannot read the profile: %s", path, strerror(errno));
	if (!S_ISREG(st->st_mode))
		return pgiam_error_set(PGIAM_EIO, "%s: not a regular file; expected a profile "
			"file NAME.ini", path);
	if (!(f = fopen(path, "r")))
		return pgiam_error_set(PGIAM_EIO, "%s: cannot read the profile: %s", path,
			strerror(errno));
	got = fread(bom, 1, 3, f);
	fclose(f);
	if (got == 3 && bom[0] == 0xef && bom[1] == 0xbb && bom[2] == 0xbf)
		return pgiam_error_set(PGIAM_EINVAL, "%s: the file starts with a UTF-8 "
			"byte-order mark; expected plain UTF-8 text (save it without BOM)", path);
	return 0;
}

/* The profile's name (the file name without .ini), path and directory. */
static int set_names(pgiam_profile *p, const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t n;

	if (!(p->name = pgiam_strdup(base)) || !(p->path = pgiam_strdup(path)) ||
	    !(p->dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) :
			strdup(".")))
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	n = strlen(p->name);
	if (n > 4 && !strcmp(p->name + n - 4, ".ini"))
		p->name[n - 4] = '\0';
	return 0;
}

/* The dictionary holds section entries ("name", no value) and "section:key" entries,
 * in file order. Keys outside any section come as ":key". */
static int add_entries(pgiam_profile *p, const dictionary *d)
{
	char *section = NULL;
	int error = 0;

	for (int i = 0; i < d->size && !error; i++) {
		const char *k = d->key[i];
		const char *colon = k ? strchr(k, ':') : NULL;
		if (!k)
			continue;
		if (!colon) {
			if (!pgiam_ascii_casecmp(k, SECTION))
				p->has_section = 1;
			continue;
		}
		free(section);
		if (!(section = strndup(k, (size_t)(colon - k))))
			error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");
		else
			error = add_entry(p, section, colon + 1, d->val[i] ? d->val[i] : "");
	}
	free(section);
	return error < 0 ? error : 0;
}

int pgiam_profile_load(pgiam_profile **out, const char *path)
{
	pgiam_profile *p = NULL;
	dictionary *d = NULL;
	struct stat st;
	int error = 0;

	*out = NULL;
	if ((error = check_readable(path, &st)) < 0)
		goto cleanup;
	pthread_once(&ini_error_once, ini_error_install);
	ini_error[0] = '\0';
	if (!(d = iniparser_load(path))) {
		error = pgiam_error_set(PGIAM_EINVAL, "%s: cannot parse the profile: %s; expected "
			"KEY = VALUE lines under a [profile] line", path,
			borrowed_file(path, &st) ? unquoted_ini_error(path) : tidy_ini_error());
		goto cleanup;
	}
	if (!(p = calloc(1, sizeof(*p)))) {
		error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");
		goto cleanup;
	}
	if ((error = set_names(p, path)) < 0 || (error = add_entries(p, d)) < 0 ||
	    (error = pgiam_profile__refresh(p)) < 0)
		goto cleanup;
	*out = p;
	p = NULL;
	error = 0;
cleanup:
	if (d)
		iniparser_freedict(d);
	pgiam_profile_free(p);
	return error < 0 ? pgiam_error_classify(PGIAM_ECLASS_CONFIG, error) : error;
}

int pgiam_profile_load_named(pgiam_profile **out, const char *dir, const char *name)
{
	char *path = NULL;
	int error = 0;

	*out = NULL;
	if ((error = pgiam_profile_name_check(name, NULL, 0)) < 0)
		return pgiam_error_set_class(PGIAM_ECLASS_CONFIG, error, "profile \"%s\": %s",
			name ? name : "",
			pgiam_error_last());
	if (!(path = pgiam_profile__join(dir, name, ".ini")))
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	if (access(path, F_OK) < 0 && errno == ENOENT) {
		error = pgiam_error_set(PGIAM_ENOTFOUND, "no profile \"%s\" in %s (expected the file %s)",
			name, dir, path);
		goto cleanup;
	}
	error = pgiam_profile_load(out, path);
cleanup:
	free(path);
	return error < 0 ? pgiam_error_classify(PGIAM_ECLASS_CONFIG, error) : error;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int pgiam_profile_list(char ***out_names, size_t *out_count, const char *dir)
{
	DIR *dh = NULL;
	struct dirent *de = NULL;
	char **names = NULL;
	size_t count = 0, cap = 0;
	int error = 0;

	*out_names = NULL;
	*out_count = 0;
	if (!(dh = opendir(dir)))
		return pgiam_error_set(errno == ENOENT ? PGIAM_ENOTFOUND : PGIAM_EIO,
			"cannot read the profile directory %s: %s%s", dir, strerror(errno),
			errno == ENOENT ? " (create it, or pass --profiles DIR)" : "");
	while ((errno = 0, de = readdir(dh))) {
		size_t n = strlen(de->d_name);
		char *name = NULL;
		if (n <= 4 || strcmp(de->d_name + n - 4, ".ini"))
			continue;
		if (!(name = strndup(de->d_name, n - 4))) {
			error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");
			goto cleanup;
		}
		if (pgiam_profile_name_check(name, NULL, 0) < 0) {
			free(name);
			continue;
		}
		if (count == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			char **nn = realloc(names, ncap * sizeof(*nn));
			if (!nn) {
				free(name);
				error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");
				goto cleanup;
			}
			names = nn;
			cap = ncap;
		}
		names[count++] = name;
	}
	if (errno) {
		error = pgiam_error_set(PGIAM_EIO, "cannot read the profile directory %s: %s",
			dir, strerror(errno));
		goto cleanup;
	}
	pgiam_error_clear();
	if (count)
		qsort(names, count, sizeof(*names), cmp_names);
	*out_names = names;
	*out_count = count;
	names = NULL;
	count = 0;
cleanup:
	pgiam_profile_names_free(names, count);
	closedir(dh);
	return error < 0 ? pgiam_error_classify(PGIAM_ECLASS_CONFIG, error) : error;
}

void pgiam_profile_names_free(char **names, size_t count)
{
	if (!names)
		return;
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

int pgiam_profile_exists(const char *dir, const char *name)
{
	char *path = NULL;
	struct stat st;
	int found = 0;

	if (pgiam_profile_name_check(name, NULL, 0) < 0) {
		pgiam_error_clear();
		return 0;
	}
	if (!(path = pgiam_profile__join(dir, name, ".ini")))
		return 0;
	found = stat(path, &st) == 0;
	free(path);
	return found;
}

int pgiam_profile_dup(pgiam_profile **out, const pgiam_profile *p, const char *new_name)
{
	pgiam_profile *c = NULL;
	int error = 0;

	*out = NULL;
	if ((error = pgiam_profile_new(&c, new_name ? new_name : p->name)) < 0)
		goto cleanup;
	c->has_section = p->has_section;
	error = PGIAM_ENOMEM;
	if (p->dir && !(c->dir = pgiam_strdup(p->dir)))
		goto cleanup;
	for (size_t i = 0; i < p->count; i++)
		if ((error = add_entry(c, p->entries[i].section, p->entries[i].key,
				p->entries[i].value)) < 0)
			goto cleanup;
	if ((error = pgiam_profile__refresh(c)) < 0)
		goto cleanup;
	*out = c;
	c = NULL;
cleanup:
	pgiam_profile_free(c);
	return error;
}

/* --- raw access ----------------------------------------------------------------------- */

const char *pgiam_profile_name(const pgiam_profile *p)
{
	return p->name;
}

const char *pgiam_profile_path(const pgiam_profile *p)
{
	return p->path;
}

const char *pgiam_profile_get(const pgiam_profile *p, const char *key)
{
	const pgiam_profile_entry_ *e = key ? find_entry(p, SECTION, key) : NULL;
	return e ? e->value : NULL;
}

int pgiam_profile_set(pgiam_profile *p, const char *key, const char *value)
{
	pgiam_profile_entry_ *e = NULL;
	char *copy = NULL;
	int error = 0;

	if (!key || !key_valid(key))
		return pgiam_error_set(PGIAM_EINVAL, "profile key \"%s\" is not valid; expected 1-31 "
			"characters of A-Z a-z 0-9 _ . -", key ? key : "");
	e = find_entry(p, SECTION, key);
	if (!value) {
		if (e) {
			size_t i = (size_t)(e - p->entries);
			free(e->section);
			free(e->key);
			free(e->value);
			memmove(&p->entries[i], &p->entries[i + 1],
				(p->count - i - 1) * sizeof(*e));
			p->count--;
		}
		return pgiam_profile__refresh(p);
	}
	if ((error = pgiam_profile__value_check(key, value)) < 0)
		return error;
	if (e) {
		if (!(copy = pgiam_strdup(value)))
			return PGIAM_ENOMEM;
		free(e->value);
		e->value = copy;
	} else if ((error = add_entry(p, SECTION, key, value)) < 0) {
		return error;
	}
	p->has_section = 1;
	return pgiam_profile__refresh(p);
}

int pgiam_profile_set_name(pgiam_profile *p, const char *name)
{
	char *copy = pgiam_strdup(name ? name : "");

	if (!copy)
		return PGIAM_ENOMEM;
	free(p->name);
	p->name = copy;
	return 0;
}

size_t pgiam_profile_entry_count(const pgiam_profile *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->count; i++)
		n += !strcmp(p->entries[i].section, SECTION);
	return n;
}

int pgiam_profile_entry(const char **key, const char **value, const pgiam_profile *p,
	size_t index)
{
	for (size_t i = 0; i < p->count; i++) {
		if (strcmp(p->entries[i].section, SECTION))
			continue;
		if (index-- == 0) {
			*key = p->entries[i].key;
			*value = p->entries[i].value;
			return 0;
		}
	}
	*key = *value = NULL;
	return PGIAM_ENOTFOUND;
}

/* --- typed accessors ------------------------------------------------------------------ */

int pgiam_profile__refresh(pgiam_profile *p)
{
	const char *v = NULL;
	char msg[8];
	char region[64];

	free(p->host);
	free(p->connect_host);
	free(p->region);
	free(p->ca_bundle);
	p->host = p->connect_host = p->region = p->ca_bundle = NULL;
	p->port = p->connect_port = 0;
	if ((v = get_nonempty(p, "endpoint")) &&
			pgiam_profile__hostport(&p->host, &p->port, v, msg, sizeof(msg)) < 0)
		p->host = NULL, p->port = 0;
	if ((v = get_nonempty(p, "connect_host")) &&
			pgiam_profile__hostport(&p->connect_host, &p->connect_port, v, msg,
				sizeof(msg)) < 0)
		p->connect_host = NULL, p->connect_port = 0;
	if (!get_nonempty(p, "region") && p->host &&
			pgiam_profile__rds_region(region, sizeof(region), p->host) == 0 &&
			!(p->region = pgiam_strdup(region)))
		return PGIAM_ENOMEM;
	if ((v = get_nonempty(p, "ca_bundle"))) {
		const char *home = getenv("HOME");
		pgiam_buf b = PGIAM_BUF_INIT;
		int rc;
		if (!strncmp(v, "~/", 2) && home && *home)
			rc = pgiam_buf_printf(&b, "%s/%s", home, v + 2);
		else if (v[0] != '/' && p->dir)
			rc = pgiam_buf_printf(&b, "%s/%s", p->dir, v);
		else
			rc = pgiam_buf_puts(&b, v);
		p->ca_bundle = rc < 0 ? NULL : pgiam_buf_detach(&b);
		pgiam_buf_dispose(&b);
		if (!p->ca_bundle)
			return PGIAM_ENOMEM;
	}
	if (!p->session_default && session_default(&p->session_default) < 0)
		return PGIAM_ENOMEM;
	return 0;
}

const char *pgiam_profile_host(const pgiam_profile *p) { return p->host; }
int pgiam_profile_port(const pgiam_profile *p) { return p->port; }
const char *pgiam_profile_connect_host(const pgiam_profile *p) { return p->connect_host; }
int pgiam_profile_connect_port(const pgiam_profile *p) { return p->connect_port; }
const char *pgiam_profile_database(const pgiam_profile *p) { return get_nonempty(p, "database"); }
const char *pgiam_profile_db_user(const pgiam_profile *p) { return get_nonempty(p, "db_user"); }
const char *pgiam_profile_role_arn(const pgiam_profile *p) { return get_nonempty(p, "role_arn"); }
const char *pgiam_profile_source_profile(const pgiam_profile *p) { return get_nonempty(p, "source_profile"); }
const char *pgiam_profile_sts_endpoint(const pgiam_profile *p) { return get_nonempty(p, "sts_endpoint"); }
const char *pgiam_profile_mfa_serial(const pgiam_profile *p) { return get_nonempty(p, "mfa_serial"); }
int pgiam_profile_cache_credentials(const pgiam_profile *p)
{
	const char *v = get_nonempty(p, "cache_credentials");

	return !v || pgiam_profile__bool(v) != 0;
}
const char *pgiam_profile_ca_bundle(const pgiam_profile *p) { return p->ca_bundle; }
const char *pgiam_profile_account_id(const pgiam_profile *p) { return get_nonempty(p, "account_id"); }
const char *pgiam_profile_dbi_resource_id(const pgiam_profile *p) { return get_nonempty(p, "dbi_resource_id"); }

const char *pgiam_profile_external_id(const pgiam_profile *p)
{
	return get_nonempty(p, "external_id");
}

const char *pgiam_profile_region(const pgiam_profile *p)
{
	const char *v = get_nonempty(p, "region");
	return v ? v : p->region;
}

const char *pgiam_profile_session_name(const pgiam_profile *p)
{
	const char *v = get_nonempty(p, "session_name");
	return v ? v : p->session_default;
}

int pgiam_profile_duration(const pgiam_profile *p)
{
	const char *v = get_nonempty(p, "duration");
	char *end = NULL;
	long n;

	if (!v)
		return PGIAM_PROFILE_DEFAULT_DURATION;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || n < 900 || n > 43200)
		return PGIAM_PROFILE_DEFAULT_DURATION;
	return (int)n;
}

int pgiam_profile_credential_process_timeout(const pgiam_profile *p)
{
	const char *v = get_nonempty(p, "credential_process_timeout");
	char *end = NULL;
	long n;

	if (!v)
		return PGIAM_PROFILE_DEFAULT_PROCESS_TIMEOUT;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || n < 1 || n > 3600)
		return PGIAM_PROFILE_DEFAULT_PROCESS_TIMEOUT;
	return (int)n;
}

const char *pgiam_profile_sslmode(const pgiam_profile *p)
{
	const char *v = get_nonempty(p, "sslmode");
	return v ? v : PGIAM_PROFILE_DEFAULT_SSLMODE;
}

int pgiam_profile_tls_verified(const pgiam_profile *p)
{
	const char *m = pgiam_profile_sslmode(p);
	return !strcmp(m, "verify-full") || !strcmp(m, "verify-ca");
}

int pgiam_profile_read_only(const pgiam_profile *p)
{
	const char *v = get_nonempty(p, "read_only");
	return v && pgiam_profile__bool(v) == 1;
}

int pgiam_profile_allow_unverified_tls(const pgiam_profile *p)
{
	const char *v = get_nonempty(p, "allow_unverified_tls");
	return v && pgiam_profile__bool(v) == 1;
}
