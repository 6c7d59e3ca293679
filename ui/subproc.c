/* subproc.c - a pgiam command run from the TUI (see subproc.h). */
#include "subproc.h"

#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int pgiam_subproc_start(pgiam_subproc *p, char *const argv[])
{
	int fds[2] = { -1, -1 };
	int devnull = -1;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0)
		return pgiam_error_set(PGIAM_EIO, "cannot create a pipe: %s", strerror(errno));
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		if (devnull >= 0)
			close(devnull);
		return pgiam_error_set(PGIAM_EIO, "cannot start %s: %s", argv[0], strerror(errno));
	}
	if (pid == 0) {
		/* The child: only async-signal-safe calls until exec (the TUI has threads).
		 * Signals blocked and caught by the TUI go back to their defaults. */
		sigset_t none;
		static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGSEGV, SIGBUS,
			SIGFPE, SIGABRT };

		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			signal(sigs[i], SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (devnull >= 0)
			dup2(devnull, STDIN_FILENO);
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(fds[1]);
	if (devnull >= 0)
		close(devnull);
	fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	p->pid = pid;
	p->fd = fds[0];
	p->done = 0;
	p->status = 0;
	return 0;
}

int pgiam_subproc_read(pgiam_subproc *p)
{
	char buf[4096];
	int changed = 0;
	ssize_t n = 1;

	while (p->fd >= 0 && (n = read(p->fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			n = 0;  /* an error ends the output like EOF */
		}
		if (n == 0)
			break;
		if (pgiam_buf_put(&p->out, buf, (size_t)n) < 0)
			break;
		changed = 1;
	}
	if (p->fd >= 0 && n == 0) {
		close(p->fd);
		p->fd = -1;
		changed = 1;
	}
	if (p->fd < 0 && !p->done && p->pid > 0) {
		int st = 0;

		/* WNOHANG: the output ended, the exit follows; the next tick looks again. */
		if (waitpid(p->pid, &st, WNOHANG) == p->pid) {
			p->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
			p->done = 1;
			p->pid = -1;
			changed = 1;
		}
	}
	return changed;
}

void pgiam_subproc_dispose(pgiam_subproc *p)
{
	if (p->pid > 0) {
		kill(p->pid, SIGTERM);
		waitpid(p->pid, NULL, 0);
		p->pid = -1;
	}
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	pgiam_buf_dispose(&p->out);
}
