/* chain_web.c - the web identity provider (EKS IRSA, GitHub Actions OIDC and the like):
 * an OIDC token in a file, exchanged with STS AssumeRoleWithWebIdentity (unsigned).
 *
 * Where botocore looks: AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN and
 * AWS_ROLE_SESSION_NAME win over the profile's web_identity_token_file, role_arn and
 * role_session_name, and are ignored when a profile is named explicitly. The file is read
 * at every call: the platform rotates it, and a cached copy would go stale. */
#include "chain.h"

#include "awsfiles.h"
#include "error.h"
#include "http.h"
#include "secure.h"
#include "sts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TOKEN_MAX 20000   /* STS's own limit on WebIdentityToken */

/* The token file's content without surrounding whitespace, in a secret buffer. */
static int read_token(char **out, const char *path)
{
	char *buf = NULL;
	size_t n = 0, start = 0;
	FILE *f = fopen(path, "r");
	int error = 0;

	*out = NULL;
	if (!f)
		return pgiam_error_set(errno == ENOENT ? PGIAM_ENOTFOUND : PGIAM_EIO,
			"web identity token file %s: cannot read it: %s", path, strerror(errno));
	if (!(buf = calloc(1, TOKEN_MAX + 2))) {
		fclose(f);
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	}
	n = fread(buf, 1, TOKEN_MAX + 1, f);
	if (ferror(f))
		error = pgiam_error_set(PGIAM_EIO, "web identity token file %s: cannot read it", path);
	else if (n > TOKEN_MAX)
		error = pgiam_error_set(PGIAM_EINVAL, "web identity token file %s is larger than "
			"%d bytes: is it an OIDC token?", path, TOKEN_MAX);
	fclose(f);
	while (!error && n > 0 && strchr(" \t\r\n", buf[n - 1]))
		buf[--n] = '\0';
	while (!error && start < n && strchr(" \t\r\n", buf[start]))
		start++;
	if (!error && start == n)
		error = pgiam_error_set(PGIAM_EINVAL, "web identity token file %s is empty", path);
	if (!error)
		memmove(buf, buf + start, n - start + 1);
	if (error) {
		pgiam_wipe(buf, TOKEN_MAX + 2);
		free(buf);
		return error;
	}
	*out = buf;
	return 0;
}

static const char *pick(const char *env, const pgiam_awsfiles *f, const char *profile,
	const char *key, int use_env)
{
	const char *v = use_env ? getenv(env) : NULL;

	if (v && *v)
		return v;
	v = f && profile ? pgiam_awsfiles_get(f, profile, key) : NULL;
	return v && *v ? v : NULL;
}

int pgiam_chain_from_web_identity(pgiam_creds *out, const pgiam_awsfiles *f,
	const char *profile, const pgiam_chain_options *opts, int use_env)
{
	const char *file = pick("AWS_WEB_IDENTITY_TOKEN_FILE", f, profile,
		"web_identity_token_file", use_env);
	const char *role = pick("AWS_ROLE_ARN", f, profile, "role_arn", use_env);
	const char *session = pick("AWS_ROLE_SESSION_NAME", f, profile, "role_session_name", use_env);
	const char *region = f && profile ? pgiam_awsfiles_get(f, profile, "region") : NULL;
	pgiam_sts_config cfg = PGIAM_STS_CONFIG_INIT;
	pgiam_sts_web_params params = { NULL, NULL, NULL, 0 };
	pgiam_sts_assumed assumed = PGIAM_STS_ASSUMED_INIT;
	char session_buf[64], *token = NULL;
	int error = 0;

	if (!file)
		return PGIAM_ENOTFOUND;
	if (!role)
		return pgiam_error_set(PGIAM_EINVAL, "a web identity token file (%s) is set but no "
			"role to assume: set AWS_ROLE_ARN (or role_arn in the AWS profile)", file);
	if ((error = read_token(&token, file)) < 0)
		return error == PGIAM_ENOTFOUND ? pgiam_error_set(PGIAM_EINVAL, "%s",
			pgiam_error_last()) : error;
	if (!session) {
		snprintf(session_buf, sizeof(session_buf), "pgiam-%ld", (long)time(NULL));
		session = session_buf;
	}
	params.role_arn = role;
	params.session_name = session;
	params.token = token;
	cfg.region = region && *region ? region : opts->region;
	cfg.endpoint = opts->sts_endpoint;
	cfg.cancel = opts->cancel;
	if ((error = pgiam_sts_assume_role_with_web_identity(&assumed, &cfg, &params)) < 0) {
		error = pgiam_http_error_prefix(error, "web identity");
		goto cleanup;
	}
	error = pgiam_creds_copy(out, &assumed.creds);

cleanup:
	pgiam_wipe(token, TOKEN_MAX + 2);  /* the memmove left copies past the end */
	free(token);
	pgiam_sts_assumed_dispose(&assumed);
	return error;
}
