/* atomic_file.c - whole-or-nothing file writes (atomic_file.h). */
#include "atomic_file.h"

#include "buf.h"
#include "error.h"
#include "secure.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pgiam_file_mkdir_p(const char *dir, const char *what)
{
	char *copy = pgiam_strdup(dir);
	int error = 0;

	if (!copy)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	for (char *c = copy + 1; ; c++) {
		if (*c == '/' || *c == '\0') {
			char saved = *c;

			*c = '\0';
			if (mkdir(copy, 0700) < 0 && errno != EEXIST) {
				error = pgiam_error_set(PGIAM_EIO, "cannot create %s %s: %s", what,
					copy, strerror(errno));
				goto cleanup;
			}
			*c = saved;
			if (!saved)
				break;
		}
	}
cleanup:
	free(copy);
	return error;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Writes and closes fd; on failure the message names tmp. */
static int fill(int fd, const char *tmp, const void *data, size_t len, mode_t mode)
{
	if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		int e = errno;

		close(fd);
		return pgiam_error_set(PGIAM_EIO, "cannot write %s: %s", tmp, strerror(e));
	}
	if (close(fd) < 0)
		return pgiam_error_set(PGIAM_EIO, "cannot write %s: %s", tmp, strerror(errno));
	return 0;
}

int pgiam_file_write_atomic(const char *dir, const char *name, const void *data,
	size_t len, mode_t mode)
{
	pgiam_buf t = PGIAM_BUF_INIT, p = PGIAM_BUF_INIT;
	char *tmp = NULL;
	int fd = -1, dfd = -1;
	int error = PGIAM_ENOMEM;

	if (pgiam_buf_printf(&t, "%s/.%s.XXXXXX", dir, name) < 0 ||
	    pgiam_buf_printf(&p, "%s/%s", dir, name) < 0 || !(tmp = pgiam_buf_detach(&t))) {
		error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");
		goto cleanup;
	}
	if ((fd = mkstemp(tmp)) < 0) {
		error = pgiam_error_set(PGIAM_EIO, "cannot create a temporary file in %s: %s", dir,
			strerror(errno));
		free(tmp);
		tmp = NULL;
		goto cleanup;
	}
	if ((error = fill(fd, tmp, data, len, mode)) < 0)
		goto cleanup;
	if (rename(tmp, pgiam_buf_cstr(&p)) < 0) {
		error = pgiam_error_set(PGIAM_EIO, "cannot rename %s to %s: %s", tmp,
			pgiam_buf_cstr(&p), strerror(errno));
		goto cleanup;
	}
	free(tmp);
	tmp = NULL;
	/* the rename is durable only once the directory itself is synced */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	error = 0;
cleanup:
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	pgiam_buf_dispose(&t);
	pgiam_buf_dispose(&p);
	return error;
}
