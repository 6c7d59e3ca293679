/* chain_metadata.c - the two HTTP credential providers of the chain: container
 * credentials (ECS/EKS) and EC2 instance metadata (IMDSv2). */
#include "chain.h"

#include "ascii.h"
#include "error.h"
#include "http.h"
#include "secure.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONTAINER_HOST "http://169.254.170.2"
#define IMDS_DEFAULT "http://169.254.169.254"
#define METADATA_TIMEOUT_MS 1000
#define CONTAINER_TIMEOUT_MS 2000

static int env_true(const char *name)
{
	const char *v = getenv(name);
	return v && pgiam_ascii_casecmp(v, "true") == 0;
}

/* FULL_URI may only point at https, loopback, or the ECS/EKS link-local agents. */
static int full_uri_allowed(const char *url)
{
	char host[512];
	char *colon = NULL;

	if (pgiam_http_url_host(host, sizeof(host), url) < 0)
		return 0;
	if (pgiam_ascii_ncasecmp(url, "https://", 8) == 0 || pgiam_http_url_is_loopback(url))
		return 1;
	if (host[0] == '[') {
		if ((colon = strstr(host, "]:")))
			colon[1] = '\0';
	} else if ((colon = strchr(host, ':')))
		*colon = '\0';
	return strcmp(host, "169.254.170.2") == 0 || strcmp(host, "169.254.170.23") == 0 ||
		pgiam_ascii_casecmp(host, "[fd00:ec2::23]") == 0;
}

/* Reads the authorization token: the file wins over the variable (botocore). */
static int container_auth_token(char **out)
{
	const char *file = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *var = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	pgiam_buf b = PGIAM_BUF_INIT;
	int read_errno = 0;
	int error = 0;

	*out = NULL;
	if (file && *file) {
		FILE *fp = fopen(file, "r");
		char chunk[1024];
		size_t n = 0;
		if (!fp)
			return pgiam_error_set(PGIAM_EIO,
				"cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s: %s", file, strerror(errno));
		/* unbuffered: stdio's buffer would be one more copy of the token, freed unwiped */
		setvbuf(fp, NULL, _IONBF, 0);
		while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0 && !error)
			error = pgiam_buf_put(&b, chunk, n);
		read_errno = ferror(fp) ? errno : 0;
		pgiam_wipe(chunk, sizeof(chunk));
		/* fopen() opens a directory; reading it fails (EISDIR): an error, not "no token" */
		if (!error && read_errno)
			error = pgiam_error_set(PGIAM_EIO,
				"cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s: %s", file,
				strerror(read_errno));
		fclose(fp);
		/* a token file written by `echo` ends with a newline: not part of the token */
		while (!error && b.len && (b.ptr[b.len - 1] == '\n' || b.ptr[b.len - 1] == '\r'))
			b.ptr[--b.len] = '\0';
	} else if (var && *var)
		error = pgiam_buf_puts(&b, var);
	else
		return 0;
	if (!error && (strchr(pgiam_buf_cstr(&b), '\r') || strchr(pgiam_buf_cstr(&b), '\n')))
		error = pgiam_error_set(PGIAM_EINVAL,
			"the container authorization token contains a line break (CR or LF): refused");
	if (!error && !(*out = pgiam_buf_detach(&b)))
		error = PGIAM_ENOMEM;
	pgiam_buf_dispose(&b);
	return error;
}

int pgiam_chain_from_container(pgiam_creds *out, const pgiam_cancel *cancel)
{
	const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	char *url = NULL, *token = NULL;
	pgiam_http_request req = PGIAM_HTTP_REQUEST_INIT;
	pgiam_http_response resp = PGIAM_HTTP_RESPONSE_INIT;
	pgiam_http_header hdr = { "Authorization", NULL };
	int error = 0;

	if (rel && *rel) {
		if (!(url = malloc(strlen(CONTAINER_HOST) + strlen(rel) + 2))) {
			error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");
			goto cleanup;
		}
		sprintf(url, "%s%s%s", CONTAINER_HOST, rel[0] == '/' ? "" : "/", rel);
	} else if (full && *full) {
		if (!full_uri_allowed(full)) {
			error = pgiam_error_set(PGIAM_EINVAL,
				"AWS_CONTAINER_CREDENTIALS_FULL_URI %s must be https, a loopback address or the "
				"ECS/EKS agent address", full);
			goto cleanup;
		}
		if (!(url = pgiam_strdup(full))) {
			error = PGIAM_ENOMEM;
			goto cleanup;
		}
	} else
		return PGIAM_ENOTFOUND;

	if ((error = container_auth_token(&token)) < 0)
		goto cleanup;
	req.method = "GET";
	req.url = url;
	if (token) {
		hdr.value = token;
		req.headers = &hdr;
		req.header_count = 1;
	}
	req.connect_timeout_ms = CONTAINER_TIMEOUT_MS;
	req.timeout_ms = CONTAINER_TIMEOUT_MS;
	req.no_proxy = 1;
	req.cancel = cancel;
	if ((error = pgiam_http_perform(&resp, &req)) < 0) {
		error = pgiam_http_error_prefix(error, "container credentials");
		goto cleanup;
	}
	if (resp.status != 200) {
		error = pgiam_error_set(resp.status == 401 || resp.status == 403 ? PGIAM_EAUTH : PGIAM_ESERVER,
			"container credentials endpoint %s answered HTTP %ld%s", url, resp.status,
			resp.status == 401 || resp.status == 403 ?
			": check AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)" : "");
		goto cleanup;
	}
	error = pgiam_chain_parse_json(out, resp.body.ptr, resp.body.len, 1, "container credentials");

cleanup:
	pgiam_http_response_dispose(&resp);
	pgiam_free_secret(token);
	free(url);
	return error;
}

static int imds_get(pgiam_http_response *resp, const char *base, const char *path,
	const char *method, const pgiam_http_header *hdr, const pgiam_cancel *cancel)
{
	char url[1024];
	pgiam_http_request req = PGIAM_HTTP_REQUEST_INIT;

	snprintf(url, sizeof(url), "%s%s", base, path);
	req.method = method;
	req.url = url;
	req.headers = hdr;
	req.header_count = 1;
	req.connect_timeout_ms = METADATA_TIMEOUT_MS;
	req.timeout_ms = METADATA_TIMEOUT_MS;
	req.no_proxy = 1;
	req.cancel = cancel;
	pgiam_http_response_dispose(resp);
	return pgiam_http_perform(resp, &req);
}

/* An IAM role name ([\w+=,.@-], 1-64): it goes into the next URL, the source's
 * description and error messages, so nothing else (no '/', no control characters). */
static int role_name_ok(const char *role)
{
	size_t n = strlen(role);

	if (!n || n > 64)
		return 0;
	for (const char *p = role; *p; p++)
		if (!pgiam_ascii_isalnum((unsigned char)*p) && !strchr("+=,.@_-", *p))
			return 0;
	return 1;
}

/* An IMDSv2 session token: printable ASCII only (IMDS sends base64-like text). */
static int token_ok(const char *token)
{
	for (const unsigned char *p = (const unsigned char *)token; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return 0;
	return 1;
}

int pgiam_chain_from_imds(pgiam_creds *out, const pgiam_cancel *cancel)
{
	const char *ep = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	char base[512];
	char role[256] = "";
	char path[512];
	char *token = NULL;
	size_t token_len = 0;
	char what[300];
	pgiam_http_header hdr = { "x-aws-ec2-metadata-token-ttl-seconds", "21600" };
	pgiam_http_response resp = PGIAM_HTTP_RESPONSE_INIT;
	int error = 0;

	if (env_true("AWS_EC2_METADATA_DISABLED"))
		return PGIAM_ENOTFOUND;
	snprintf(base, sizeof(base), "%s", ep && *ep ? ep : IMDS_DEFAULT);
	while (strlen(base) > 0 && base[strlen(base) - 1] == '/')
		base[strlen(base) - 1] = '\0';

	/* No answer from the token endpoint means: not on EC2 (not an error, as botocore). */
	if ((error = imds_get(&resp, base, "/latest/api/token", "PUT", &hdr, cancel)) < 0) {
		if (error != PGIAM_ECANCELLED) {
			pgiam_error_clear();
			error = PGIAM_ENOTFOUND;
		}
		goto cleanup;
	}
	if (resp.status != 200 || !resp.body.len) {
		error = pgiam_error_set(PGIAM_ESERVER,
			"instance metadata at %s refused the IMDSv2 token request (HTTP %ld)", base, resp.status);
		goto cleanup;
	}
	token_len = resp.body.len;
	if (!(token = pgiam_buf_detach(&resp.body))) {
		error = PGIAM_ENOMEM;
		goto cleanup;
	}
	if (strlen(token) != token_len || !token_ok(token)) {
		/* it is sent back as a header: a CR/LF in it would add headers of the server's choosing */
		error = pgiam_error_set(PGIAM_ESERVER,
			"instance metadata at %s gave an IMDSv2 session token with a control or non-ASCII "
			"character: refused", base);
		goto cleanup;
	}
	hdr.name = "x-aws-ec2-metadata-token";
	hdr.value = token;
	if ((error = imds_get(&resp, base, "/latest/meta-data/iam/security-credentials/", "GET",
		&hdr, cancel)) < 0) {
		error = pgiam_http_error_prefix(error, "instance metadata");
		goto cleanup;
	}
	if (resp.status == 404) {
		error = pgiam_error_set(PGIAM_ENOTFOUND,
			"instance metadata at %s: this instance has no IAM role (instance profile)", base);
		goto cleanup;
	}
	if (resp.status != 200) {
		error = pgiam_error_set(PGIAM_ESERVER,
			"instance metadata at %s answered HTTP %ld for the role name", base, resp.status);
		goto cleanup;
	}
	snprintf(role, sizeof(role), "%.*s", (int)strcspn(pgiam_buf_cstr(&resp.body), "\r\n"),
		pgiam_buf_cstr(&resp.body));
	if (!role_name_ok(role)) {
		error = pgiam_error_set(PGIAM_ESERVER, "instance metadata at %s gave no usable role name", base);
		goto cleanup;
	}
	snprintf(path, sizeof(path), "/latest/meta-data/iam/security-credentials/%s", role);
	if ((error = imds_get(&resp, base, path, "GET", &hdr, cancel)) < 0) {
		error = pgiam_http_error_prefix(error, "instance metadata");
		goto cleanup;
	}
	if (resp.status != 200) {
		error = pgiam_error_set(PGIAM_ESERVER,
			"instance metadata at %s answered HTTP %ld for the credentials of role %s",
			base, resp.status, role);
		goto cleanup;
	}
	snprintf(what, sizeof(what), "instance role %s", role);
	error = pgiam_chain_parse_json(out, resp.body.ptr, resp.body.len, 1, what);

cleanup:
	pgiam_http_response_dispose(&resp);
	pgiam_free_secret(token);
	return error;
}
