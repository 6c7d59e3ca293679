/* chain_process.c - credential_process: splitting the command like a shell (without
 * one), running it, and reading its JSON; also the JSON of the container and instance
 * metadata endpoints.
 *
 * The splitter is our own because the C library's wordexp() also expands $VARIABLES,
 * ~ and globs, which botocore's shlex.split() does not: a command must mean the same
 * thing to pgiam and to the AWS CLI.
 */
#include "chain.h"

#include "buf.h"
#include "error.h"
#include "http.h"
#include "secure.h"
#include "sts.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define PROCESS_MAX_OUTPUT (64 * 1024)

void pgiam_chain_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

static int argv_push(char ***argv, size_t *n, pgiam_buf *word)
{
	char **grown = realloc(*argv, (*n + 2) * sizeof(char *));
	char *w = NULL;

	if (!grown)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	*argv = grown;
	if (!(w = pgiam_buf_detach(word)))
		return PGIAM_ENOMEM;
	grown[(*n)++] = w;
	grown[*n] = NULL;
	return 0;
}

int pgiam_chain_split_command(char ***out_argv, const char *command)
{
	char **argv = NULL;
	size_t n = 0;
	pgiam_buf word = PGIAM_BUF_INIT;
	int in_word = 0;
	int error = 0;
	const char *p = command;

	*out_argv = NULL;
	if (!command)
		return pgiam_error_set(PGIAM_EINVAL, "no command given");
	while (!error) {
		char c = *p;
		if (c == '\0' || c == ' ' || c == '\t' || c == '\n') {
			if (in_word && (error = argv_push(&argv, &n, &word)) < 0)
				break;
			in_word = 0;
			if (c == '\0')
				break;
			p++;
		} else if (c == '\\') {
			in_word = 1;
			if (p[1] == '\0')
				error = pgiam_buf_putc(&word, '\\'), p++;
			else if (p[1] == '\n')
				p += 2;  /* line continuation */
			else
				error = pgiam_buf_putc(&word, p[1]), p += 2;
		} else if (c == '\'') {
			const char *end = strchr(p + 1, '\'');
			if (!end) {
				error = pgiam_error_set(PGIAM_EINVAL,
					"unbalanced single quote in the command '%.80s'", command);
				break;
			}
			in_word = 1;
			error = pgiam_buf_put(&word, p + 1, (size_t)(end - p - 1));
			p = end + 1;
		} else if (c == '"') {
			in_word = 1;
			p++;
			while (*p && *p != '"' && !error) {
				/* inside double quotes a backslash escapes only \ " $ ` and newline */
				if (*p == '\\' && p[1] && strchr("\\\"$`\n", p[1])) {
					if (p[1] != '\n')
						error = pgiam_buf_putc(&word, p[1]);
					p += 2;
				} else
					error = pgiam_buf_putc(&word, *p++);
			}
			if (!error && *p != '"') {
				error = pgiam_error_set(PGIAM_EINVAL,
					"unbalanced double quote in the command '%.80s'", command);
				break;
			}
			p++;
		} else {
			in_word = 1;
			error = pgiam_buf_putc(&word, c);
			p++;
		}
	}
	if (!error && n == 0)
		error = pgiam_error_set(PGIAM_EINVAL, "the command is empty");
	if (error < 0) {
		pgiam_chain_argv_free(argv);
		argv = NULL;
	}
	pgiam_buf_dispose(&word);
	*out_argv = argv;
	return error;
}

static const char *json_str(json_object *obj, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int pgiam_chain_parse_json(pgiam_creds *out, const char *json, size_t len, int format,
	const char *what)
{
	json_tokener *tok = NULL;
	json_object *obj = NULL, *version = NULL, *expv = NULL;
	const char *akid = NULL, *secret = NULL, *token = NULL, *exp = NULL, *code = NULL;
	time_t expiration = 0;
	int error = 0;

	if (!(tok = json_tokener_new())) {
		error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");
		goto cleanup;
	}
	obj = json_tokener_parse_ex(tok, json ? json : "", (int)len);
	if (!obj || json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(obj, json_type_object)) {
		error = pgiam_error_set(PGIAM_EINVAL, "%s did not print a JSON object with credentials", what);
		goto cleanup;
	}
	/* one JSON document and nothing after it but white space (Python's json.loads,
	 * which botocore uses, says "Extra data") */
	for (size_t i = json_tokener_get_parse_end(tok); i < len; i++)
		if (json[i] == '\0' || !strchr(" \t\r\n", json[i])) {
			error = pgiam_error_set(PGIAM_EINVAL,
				"%s printed something after its JSON object: refused", what);
			goto cleanup;
		}
	if (json_object_object_get_ex(obj, "Expiration", &expv) && expv &&
	    !json_object_is_type(expv, json_type_string)) {
		/* a number would otherwise be ignored, and the credentials never expire */
		error = pgiam_error_set(PGIAM_EINVAL,
			"%s gave an Expiration that is not a string (expected an ISO 8601 time such as "
			"2026-01-01T00:00:00Z)", what);
		goto cleanup;
	}
	if (format == 0) {
		if (!json_object_object_get_ex(obj, "Version", &version) ||
		    !json_object_is_type(version, json_type_int) || json_object_get_int(version) != 1) {
			error = pgiam_error_set(PGIAM_EINVAL,
				"%s printed JSON without \"Version\": 1 (the only version the AWS tools know)", what);
			goto cleanup;
		}
		token = json_str(obj, "SessionToken");
	} else {
		token = json_str(obj, "Token");
		code = json_str(obj, "Code");
		if (code && strcmp(code, "Success") != 0) {
			error = pgiam_error_set(PGIAM_EAUTH, "%s answered with Code %.60s instead of Success",
				what, code);
			goto cleanup;
		}
	}
	akid = json_str(obj, "AccessKeyId");
	secret = json_str(obj, "SecretAccessKey");
	exp = json_str(obj, "Expiration");
	if (!akid || !*akid || !secret || !*secret) {
		error = pgiam_error_set(PGIAM_EINVAL, "%s gave no AccessKeyId and SecretAccessKey", what);
		goto cleanup;
	}
	if (exp && *exp && pgiam_sts_parse_time(&expiration, exp) < 0) {
		error = pgiam_error_set(PGIAM_EINVAL, "%s gave an unreadable Expiration '%.40s'", what, exp);
		goto cleanup;
	}
	if (expiration && expiration <= time(NULL)) {
		error = pgiam_error_set(PGIAM_EEXPIRED, "%s gave credentials that have already expired (%s)",
			what, exp);
		goto cleanup;
	}
	error = pgiam_creds_set(out, akid, secret, token, expiration, what);

cleanup:
	/* json-c keeps copies of the secret strings: they go with the object */
	if (obj) {
		json_object *s = NULL;
		const char *keys[] = { "SecretAccessKey", "SessionToken", "Token" };
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (json_object_object_get_ex(obj, keys[i], &s) && json_object_is_type(s, json_type_string))
				pgiam_wipe((void *)json_object_get_string(s), (size_t)json_object_get_string_len(s));
		json_object_put(obj);
	}
	if (tok) {
#if JSON_C_MAJOR_VERSION == 0 && JSON_C_MINOR_VERSION <= 17
		/* The tokener collects each string in one buffer it reuses from the start:
		 * the tail of the session token outlives the shorter strings parsed after
		 * it, and json_tokener_free frees it unwiped. (The struct is public up to
		 * json-c 0.17; a later json-c that hides it needs another way.) */
		if (tok->pb && tok->pb->buf)
			pgiam_wipe(tok->pb->buf, (size_t)tok->pb->size);
#endif
		json_tokener_free(tok);
	}
	return error;
}

/* The first line of a helper's stderr, made fit for a one-line error that the CLI
 * prints and the TUI draws: at most outlen - 1 bytes without cutting a UTF-8
 * sequence, and control characters (C0, DEL and UTF-8-encoded C1, so terminal escape
 * sequences among them) turned into spaces. */
static void first_line(char *out, size_t outlen, const char *s)
{
	size_t n = 0;

	while (*s == '\n' || *s == '\r' || *s == ' ')
		s++;
	n = strcspn(s, "\r\n");
	if (n >= outlen) {
		n = outlen - 1;
		while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9F) {
			out[i] = out[i + 1] = ' ';
			i++;
			continue;
		}
		out[i] = c < 0x20 || c == 0x7F ? ' ' : (char)c;
	}
	out[n] = '\0';
}

/* Starts argv with stdin from /dev/null and stdout/stderr into the pipes, in a process
 * group of its own: at a deadline or a cancel the whole group is killed, so a helper's
 * own children (a shell pipeline, a browser-login agent stuck waiting) go with it. */
static int spawn_helper(pid_t *out_pid, char **argv, int outfd, int errfd, const char *what)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int rc = 0;

	*out_pid = -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, outfd, 1);
	posix_spawn_file_actions_adddup2(&fa, errfd, 2);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	rc = posix_spawnp(out_pid, argv[0], &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		*out_pid = -1;
		return pgiam_error_set(PGIAM_ENOTFOUND, "%s: cannot run '%s': %s", what, argv[0],
			strerror(rc));
	}
	return 0;
}

/* Reads what is ready on the open pipes (fds[i] < 0 once closed), waiting up to 50 ms. */
static int read_pipes(int fds[2], pgiam_buf *bufs[2], const char *what)
{
	struct pollfd p[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLIN, 0 } };
	char chunk[4096];

	if (poll(p, 2, 50) < 0 && errno != EINTR)
		return pgiam_error_set(PGIAM_EIO, "%s: poll failed: %s", what, strerror(errno));
	for (int i = 0; i < 2; i++) {
		ssize_t n = 0;
		if (fds[i] < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(fds[i], chunk, sizeof(chunk));
		if (n > 0 && bufs[i]->len + (size_t)n <= PROCESS_MAX_OUTPUT)
			pgiam_buf_put(bufs[i], chunk, (size_t)n);
		else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
			close(fds[i]);
			fds[i] = -1;
		}
		pgiam_wipe(chunk, sizeof(chunk));
	}
	return 0;
}

static long ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* Collects the helper's output until it has exited and closed both pipes, the deadline
 * passes or *cancel is set. *status is its wait status and *pid -1 once it is reaped;
 * on an error the caller kills what is left. A helper that closes its output and keeps
 * running is waited for only until the deadline (waitpid with WNOHANG, never blocking). */
static int collect(pid_t *pid, int *status, int fds[2], pgiam_buf *bufs[2], const char *what,
	const char *prog, int timeout_s, const pgiam_cancel *cancel)
{
	struct timespec start;
	int error = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (fds[0] >= 0 || fds[1] >= 0 || *pid > 0) {
		if (fds[0] >= 0 || fds[1] >= 0) {
			if ((error = read_pipes(fds, bufs, what)) < 0)
				return error;
		} else {
			pid_t rc = waitpid(*pid, status, WNOHANG);
			if (rc == *pid)
				*pid = -1;
			else if (rc < 0 && errno != EINTR)
				return pgiam_error_set(PGIAM_EIO, "%s: waitpid failed: %s", what, strerror(errno));
			else if (rc == 0)
				poll(NULL, 0, 50);
			if (*pid < 0)
				break;
		}
		if (pgiam_cancel_requested(cancel))
			return pgiam_error_set(PGIAM_ECANCELLED, "%s: cancelled; '%s' was stopped", what, prog);
		if (ms_since(&start) > (long)timeout_s * 1000)
			return pgiam_error_set(PGIAM_ENET,
				"%s: '%s' did not finish within %d s (credential_process_timeout): stopped it",
				what, prog, timeout_s);
	}
	return 0;
}

int pgiam_chain_run_process(pgiam_creds *out, const char *command, const char *what,
	int timeout_s, const pgiam_cancel *cancel)
{
	char **argv = NULL;
	int outpipe[2] = { -1, -1 }, errpipe[2] = { -1, -1 };
	int fds[2] = { -1, -1 };
	pid_t pid = -1;
	pgiam_buf sout = PGIAM_BUF_INIT, serr = PGIAM_BUF_INIT;
	pgiam_buf *bufs[2] = { &sout, &serr };
	int status = 0;
	int error = 0;

	if (timeout_s <= 0)
		timeout_s = PGIAM_CHAIN_PROCESS_TIMEOUT;
	if ((error = pgiam_chain_split_command(&argv, command)) < 0) {
		error = pgiam_http_error_prefix(PGIAM_EINVAL, what);
		goto cleanup;
	}
	if (pipe2(outpipe, O_CLOEXEC) < 0 || pipe2(errpipe, O_CLOEXEC) < 0) {
		error = pgiam_error_set(PGIAM_EIO, "%s: cannot create a pipe: %s", what, strerror(errno));
		goto cleanup;
	}
	if ((error = spawn_helper(&pid, argv, outpipe[1], errpipe[1], what)) < 0)
		goto cleanup;
	close(outpipe[1]);
	close(errpipe[1]);
	outpipe[1] = errpipe[1] = -1;
	fds[0] = outpipe[0], fds[1] = errpipe[0];
	outpipe[0] = errpipe[0] = -1;
	if ((error = collect(&pid, &status, fds, bufs, what, argv[0], timeout_s, cancel)) < 0)
		goto cleanup;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char line[200];
		first_line(line, sizeof(line), pgiam_buf_cstr(&serr));
		if (WIFEXITED(status))
			error = pgiam_error_set(PGIAM_EAUTH, "%s: '%s' failed with exit status %d%s%s",
				what, argv[0], WEXITSTATUS(status), line[0] ? ": " : "", line);
		else
			error = pgiam_error_set(PGIAM_EAUTH, "%s: '%s' was killed by signal %d",
				what, argv[0], WTERMSIG(status));
		goto cleanup;
	}
	error = pgiam_chain_parse_json(out, pgiam_buf_cstr(&sout), sout.len, 0, what);

cleanup:
	if (pid > 0) {
		/* the group first: the helper is not reaped yet, so its id is still the group's */
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	for (int i = 0; i < 2; i++) {
		if (outpipe[i] >= 0)
			close(outpipe[i]);
		if (errpipe[i] >= 0)
			close(errpipe[i]);
		if (fds[i] >= 0)
			close(fds[i]);
	}
	pgiam_buf_dispose(&sout);
	pgiam_buf_dispose(&serr);
	pgiam_chain_argv_free(argv);
	return error;
}
