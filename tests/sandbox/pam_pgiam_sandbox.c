/*
 * pam_pgiam_sandbox.c - the sandbox's PAM module: hands the login password (an RDS
 * IAM auth token, about 1.3 KB) WHOLE to an external verifier.
 *
 * Why not pam_exec: it cuts the password at 511 bytes, so a token carrying a
 * real-sized session token never reaches the verifier intact. Why not pam_script:
 * installing libpam-script edits the system's common PAM stacks.
 *
 * Service file line:  auth required /path/pam_pgiam_sandbox.so PROGRAM [ARGS...]
 * The module runs PROGRAM ARGS... USER with the token on standard input and
 * succeeds only when the program exits 0. The child gets a minimal environment
 * (no LD_PRELOAD, so pam_wrapper does not follow it).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pipe2 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#define PAM_SM_AUTH
#define PAM_SM_ACCOUNT
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#define PGIAM_SANDBOX_MAX_ARGS 16

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static void run_child(int stdin_fd, int argc, const char **argv, const char *user)
{
	char *child_argv[PGIAM_SANDBOX_MAX_ARGS + 2] = { 0 };
	char *child_env[] = { "PATH=/usr/bin:/bin", "LANG=C.UTF-8", NULL };
	int i = 0;

	if (dup2(stdin_fd, STDIN_FILENO) < 0)
		_exit(127);
	/* Keep stdout/stderr (the server's log); close everything else, such as
	 * the client's socket. */
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	for (i = 0; i < argc && i < PGIAM_SANDBOX_MAX_ARGS; i++)
		child_argv[i] = (char *)argv[i];
	child_argv[i] = (char *)user;
	execve(child_argv[0], child_argv, child_env);
	_exit(127);
}

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
	const char **argv)
{
	const char *user = NULL;
	const char *token = NULL;
	int pipefd[2] = { -1, -1 };
	int status = 0;
	int result = PAM_AUTH_ERR;
	pid_t pid = -1;
	struct sigaction dfl = { 0 }, old = { 0 }, ign = { 0 }, oldpipe = { 0 };
	int restore = 0;

	(void)flags;
	if (argc < 1 || argc > PGIAM_SANDBOX_MAX_ARGS) {
		pam_syslog(pamh, LOG_ERR, "usage: pam_pgiam_sandbox.so PROGRAM [ARGS...]");
		return PAM_SERVICE_ERR;
	}
	if (pam_get_user(pamh, &user, NULL) != PAM_SUCCESS || user == NULL)
		return PAM_USER_UNKNOWN;
	if (pam_get_authtok(pamh, PAM_AUTHTOK, &token, NULL) != PAM_SUCCESS || token == NULL)
		return PAM_AUTH_ERR;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return PAM_SYSTEM_ERR;

	/* waitpid needs SIGCHLD not ignored. */
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	if (sigaction(SIGCHLD, &dfl, &old) == 0)
		restore = 1;

	pid = fork();
	if (pid < 0) {
		result = PAM_SYSTEM_ERR;
		goto cleanup;
	}
	if (pid == 0) {
		close(pipefd[1]);
		run_child(pipefd[0], argc, argv, user);
	}
	close(pipefd[0]);
	pipefd[0] = -1;
	/* A verifier that exits early must not kill the backend with SIGPIPE. */
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &oldpipe);
	(void)write_all(pipefd[1], token, strlen(token));
	sigaction(SIGPIPE, &oldpipe, NULL);
	close(pipefd[1]);
	pipefd[1] = -1;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			result = PAM_SYSTEM_ERR;
			goto cleanup;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		result = PAM_SUCCESS;

cleanup:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (restore)
		sigaction(SIGCHLD, &old, NULL);
	return result;
}

PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}
