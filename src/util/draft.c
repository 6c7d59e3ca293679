/* draft.c - the SQL editor's draft file per profile (see draft.h). */
#include "draft.h"

#include "atomic_file.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pgiam_state_dir(char *out, size_t len)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	int n;

	/* the spec: a relative XDG_STATE_HOME is invalid and ignored */
	if (xdg && *xdg == '/')
		n = snprintf(out, len, "%s/pgiam", xdg);
	else if (home && *home)
		n = snprintf(out, len, "%s/.local/state/pgiam", home);
	else
		return pgiam_error_set(PGIAM_ENOTFOUND, "no state directory: neither "
			"XDG_STATE_HOME nor HOME is set");
	return n > 0 && (size_t)n < len ? 0 : pgiam_error_set(PGIAM_EINVAL, "the state "
		"directory's path is too long");
}

/* "draft-" and the profile's name, any byte outside [A-Za-z0-9_-] (a '/', a dot
 * that could make "..") as %XX: one file per profile, always inside the directory. */
static int draft_name(char *out, size_t len, const char *profile)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = (size_t)snprintf(out, len, "draft-");

	if (!profile || !*profile)
		return pgiam_error_set(PGIAM_EINVAL, "a draft needs a profile name");
	for (const unsigned char *p = (const unsigned char *)profile; *p; p++) {
		int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '_' || *p == '-';

		if (n + 4 >= len)
			return pgiam_error_set(PGIAM_EINVAL, "the profile name is too long for a "
				"draft file");
		if (plain) {
			out[n++] = (char)*p;
		} else {
			out[n++] = '%';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 15];
		}
	}
	out[n] = '\0';
	return 0;
}

int pgiam_draft_save(const char *profile, const char *text, size_t len)
{
	char dir[4096], name[256], path[4400];
	int error;

	if ((error = pgiam_state_dir(dir, sizeof(dir))) < 0 ||
	    (error = draft_name(name, sizeof(name), profile)) < 0)
		return error;
	if (!len) {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (unlink(path) < 0 && errno != ENOENT)
			return pgiam_error_set(PGIAM_EIO, "cannot remove the draft %s: %s", path,
				strerror(errno));
		return 0;
	}
	if ((error = pgiam_file_mkdir_p(dir, "the state directory")) < 0)
		return error;
	return pgiam_file_write_atomic(dir, name, text, len, 0600);
}

/* Reads the open file fd whole (at most PGIAM_DRAFT_MAX). */
static int read_all(char **out, size_t *len, int fd, const char *path)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return pgiam_error_set(PGIAM_EIO, "the draft %s is not a regular file", path);
	if (st.st_size > PGIAM_DRAFT_MAX)
		return pgiam_error_set(PGIAM_EINVAL, "the draft %s is over %d MiB: not read",
			path, PGIAM_DRAFT_MAX / (1024 * 1024));
	if (!(buf = malloc((size_t)st.st_size + 1)))
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory reading the draft");
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 1;
}

int pgiam_draft_load(char **out, size_t *len, const char *profile)
{
	char dir[4096], name[256], path[4400];
	int error, fd;

	*out = NULL;
	*len = 0;
	if ((error = pgiam_state_dir(dir, sizeof(dir))) < 0 ||
	    (error = draft_name(name, sizeof(name), profile)) < 0)
		return error;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		if (errno == ENOENT)
			return 0;
		return pgiam_error_set(PGIAM_EIO, "cannot read the draft %s: %s", path,
			strerror(errno));
	}
	error = read_all(out, len, fd, path);
	close(fd);
	return error;
}
