/* awsfiles.c - loading the AWS shared config and credentials files with iniparser. */
#include "awsfiles.h"

#include "ascii.h"
#include "error.h"
#include "secure.h"

#include <errno.h>
#include <iniparser.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct pgiam_awsfiles {
	dictionary *config;
	dictionary *credentials;
	char *config_path;
	char *credentials_path;
};

/* ~/REST expanded, or the path itself; malloc'd. */
static char *expand_home(const char *path)
{
	const char *home = NULL;
	char *out = NULL;
	struct passwd pw, *pwp = NULL;
	char pwbuf[1024];

	if (strncmp(path, "~/", 2) != 0)
		return pgiam_strdup(path);
	home = getenv("HOME");
	if ((!home || !*home) && getpwuid_r(getuid(), &pw, pwbuf, sizeof(pwbuf), &pwp) == 0 && pwp)
		home = pwp->pw_dir;
	if (!home)
		home = "";
	if (!(out = malloc(strlen(home) + strlen(path)))) {
		pgiam_error_set(PGIAM_ENOMEM, "out of memory");
		return NULL;
	}
	sprintf(out, "%s%s", home, path + 1);
	return out;
}

static int load_one(dictionary **out, const char *path, const char *what)
{
	struct stat st;

	*out = NULL;
	if (!path || !*path)
		return 0;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return pgiam_error_set(PGIAM_EIO, "cannot read the AWS %s file %s: %s", what, path,
			strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return pgiam_error_set(PGIAM_EIO, "the AWS %s file %s is not a regular file", what, path);
	if (access(path, R_OK) < 0)
		return pgiam_error_set(PGIAM_EIO, "cannot read the AWS %s file %s: %s", what, path,
			strerror(errno));
	if (!(*out = iniparser_load(path)))
		return pgiam_error_set(PGIAM_EINVAL,
			"the AWS %s file %s has a syntax error iniparser cannot read", what, path);
	return 0;
}

int pgiam_awsfiles_load_paths(pgiam_awsfiles **out, const char *config_path,
	const char *credentials_path)
{
	pgiam_awsfiles *f = NULL;
	int error = 0;

	*out = NULL;
	if (!(f = calloc(1, sizeof(*f)))) {
		error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");
		goto cleanup;
	}
	if ((config_path && !(f->config_path = expand_home(config_path))) ||
	    (credentials_path && !(f->credentials_path = expand_home(credentials_path)))) {
		error = PGIAM_ENOMEM;
		goto cleanup;
	}
	if ((error = load_one(&f->config, f->config_path, "config")) < 0 ||
	    (error = load_one(&f->credentials, f->credentials_path, "credentials")) < 0)
		goto cleanup;
	*out = f;
	f = NULL;

cleanup:
	pgiam_awsfiles_free(f);
	return error;
}

int pgiam_awsfiles_load(pgiam_awsfiles **out)
{
	const char *config = getenv("AWS_CONFIG_FILE");
	const char *creds = getenv("AWS_SHARED_CREDENTIALS_FILE");

	return pgiam_awsfiles_load_paths(out, config && *config ? config : "~/.aws/config",
		creds && *creds ? creds : "~/.aws/credentials");
}

/* The files hold secret keys: wipe every value before iniparser frees it. */
static void free_dict(dictionary *d)
{
	if (!d)
		return;
	for (ssize_t i = 0; i < d->size; i++)
		if (d->val && d->val[i])
			pgiam_wipe(d->val[i], strlen(d->val[i]));
	iniparser_freedict(d);
}

void pgiam_awsfiles_free(pgiam_awsfiles *f)
{
	if (!f)
		return;
	free_dict(f->config);
	free_dict(f->credentials);
	free(f->config_path);
	free(f->credentials_path);
	free(f);
}

static const char *lookup(dictionary *d, const char *section, const char *key)
{
	char full[512];

	if (!d || !section || !key)
		return NULL;
	/* iniparser joins section and key with ':'; a ':' in either would be ambiguous */
	if (strchr(section, ':') || strchr(key, ':'))
		return NULL;
	if ((size_t)snprintf(full, sizeof(full), "%s:%s", section, key) >= sizeof(full))
		return NULL;
	return iniparser_getstring(d, full, NULL);
}

static int has_section(dictionary *d, const char *section)
{
	if (!d)
		return 0;
	for (int i = 0; i < iniparser_getnsec(d); i++) {
		const char *s = iniparser_getsecname(d, i);
		if (s && pgiam_ascii_casecmp(s, section) == 0)
			return 1;
	}
	return 0;
}

/* The config file's section name for profile: "default" or "profile NAME". */
static void config_section(char *out, size_t len, dictionary *d, const char *profile)
{
	if (strcmp(profile, "default") == 0 && !has_section(d, "profile default"))
		snprintf(out, len, "default");
	else
		snprintf(out, len, "profile %s", profile);
}

const char *pgiam_awsfiles_get_in(const pgiam_awsfiles *f, pgiam_awsfile which,
	const char *profile, const char *key)
{
	char section[300];
	const char *v = NULL;

	if (!f || !profile)
		return NULL;
	switch (which) {
	case PGIAM_AWSFILE_CREDENTIALS:
		v = lookup(f->credentials, profile, key);
		break;
	case PGIAM_AWSFILE_CONFIG:
		config_section(section, sizeof(section), f->config, profile);
		v = lookup(f->config, section, key);
		break;
	}
	return v;
}

const char *pgiam_awsfiles_get(const pgiam_awsfiles *f, const char *profile, const char *key)
{
	const char *v = pgiam_awsfiles_get_in(f, PGIAM_AWSFILE_CREDENTIALS, profile, key);

	return v ? v : pgiam_awsfiles_get_in(f, PGIAM_AWSFILE_CONFIG, profile, key);
}

const char *pgiam_awsfiles_get_section(const pgiam_awsfiles *f, const char *section,
	const char *key)
{
	return f ? lookup(f->config, section, key) : NULL;
}

int pgiam_awsfiles_has_profile(const pgiam_awsfiles *f, const char *profile)
{
	char section[300];

	if (!f || !profile)
		return 0;
	config_section(section, sizeof(section), f->config, profile);
	return has_section(f->credentials, profile) || has_section(f->config, section);
}

const char *pgiam_awsfiles_config_path(const pgiam_awsfiles *f)
{
	return f && f->config_path ? f->config_path : "";
}

const char *pgiam_awsfiles_credentials_path(const pgiam_awsfiles *f)
{
	return f && f->credentials_path ? f->credentials_path : "";
}

const char *pgiam_awsfiles_default_profile(void)
{
	const char *p = getenv("AWS_PROFILE");

	if (!p || !*p)
		p = getenv("AWS_DEFAULT_PROFILE");
	return p && *p ? p : "default";
}
