/* mfa.c - MFA codes for AssumeRole (see mfa.h). */
#include "mfa.h"

#include "error.h"
#include "secure.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char given[16];
static int prompt_allowed;
static char hint[160];
static unsigned missing;

int pgiam_mfa_code_valid(const char *s)
{
	if (!s || strlen(s) != 6)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

int pgiam_mfa_set_code(const char *code)
{
	if (code && !pgiam_mfa_code_valid(code))
		return pgiam_error_set(PGIAM_EINVAL, "an MFA code is six digits");
	pthread_mutex_lock(&lock);
	pgiam_wipe(given, sizeof(given));
	if (code)
		snprintf(given, sizeof(given), "%s", code);
	pthread_mutex_unlock(&lock);
	return 0;
}

void pgiam_mfa_allow_prompt(int allow)
{
	pthread_mutex_lock(&lock);
	prompt_allowed = allow;
	pthread_mutex_unlock(&lock);
}

void pgiam_mfa_set_hint(const char *text)
{
	pthread_mutex_lock(&lock);
	snprintf(hint, sizeof(hint), "%s", text ? text : "");
	pthread_mutex_unlock(&lock);
}

unsigned pgiam_mfa_missing_count(void)
{
	unsigned n;

	pthread_mutex_lock(&lock);
	n = missing;
	pthread_mutex_unlock(&lock);
	return n;
}

/* Asks on the controlling terminal with echo off (the code is a secret for 30 s). */
static int ask(char *out, size_t len, const char *serial)
{
	struct termios old, quiet;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	char line[64] = "";
	ssize_t n = 0;
	int echo_off = 0;

	if (fd < 0)
		return pgiam_error_set(PGIAM_EINVAL, "the role needs an MFA code for %s: set "
			"PGIAM_MFA_CODE (no terminal to ask on)", serial);
	if (tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		echo_off = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	dprintf(fd, "MFA code for %s: ", serial);
	n = read(fd, line, sizeof(line) - 1);
	if (echo_off)
		tcsetattr(fd, TCSAFLUSH, &old);
	dprintf(fd, "\n");
	close(fd);
	line[n > 0 ? n : 0] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if (!pgiam_mfa_code_valid(line)) {
		pgiam_wipe(line, sizeof(line));
		return pgiam_error_set(PGIAM_EINVAL, "an MFA code is six digits");
	}
	snprintf(out, len, "%s", line);
	pgiam_wipe(line, sizeof(line));
	return 0;
}

int pgiam_mfa_code(char *out, size_t len, const char *serial, void *ctx)
{
	const char *env = getenv("PGIAM_MFA_CODE");
	char said[sizeof(hint)];
	int allowed, error = 0;

	(void)ctx;
	pthread_mutex_lock(&lock);
	allowed = prompt_allowed;
	if (given[0]) {
		snprintf(out, len, "%s", given);
		pgiam_wipe(given, sizeof(given));  /* used once */
		pthread_mutex_unlock(&lock);
		return 0;
	}
	if (!allowed) {
		/* the TUI: no environment, no terminal; it asks in its dialog */
		missing++;
		snprintf(said, sizeof(said), "%s", hint[0] ? hint : "enter it when asked");
		pthread_mutex_unlock(&lock);
		error = pgiam_error_set(PGIAM_EINVAL, "the role needs an MFA code for %s: %s",
			serial, said);
		return pgiam_error_classify(PGIAM_ECLASS_CREDENTIALS, error);
	}
	pthread_mutex_unlock(&lock);
	if (env && *env) {
		if (!pgiam_mfa_code_valid(env))
			return pgiam_error_set(PGIAM_EINVAL, "PGIAM_MFA_CODE is not six digits");
		snprintf(out, len, "%s", env);
		return 0;
	}
	if (isatty(STDIN_FILENO))
		return ask(out, len, serial);
	error = pgiam_error_set(PGIAM_EINVAL, "the role needs an MFA code for %s: pass "
		"--mfa-code or set PGIAM_MFA_CODE (stdin is not a terminal)", serial);
	return pgiam_error_classify(PGIAM_ECLASS_CREDENTIALS, error);
}
