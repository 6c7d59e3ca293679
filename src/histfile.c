/* histfile.c - the SQL history kept across runs (see histfile.h): JSON lines through
 * json-c, appended under an flock, trimmed by an atomic rewrite. */
#include "histfile.h"

#include "atomic_file.h"
#include "buf.h"
#include "draft.h"
#include "error.h"
#include "sanitize.h"
#include "secure.h"
#include "sqlmask.h"

#include <json-c/json.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct item {
	pgiam_hist_entry e;
	char *sql, *profile;
} item;

struct pgiam_histfile {
	char *path, *dir, *name;
	size_t max;
	item *items;
	size_t count, cap;
	size_t file_lines;         /* lines in the file as we know it (trim when past) */
	size_t skipped;
	int writable;              /* 0: the file is not ours to write (not a regular file) */
	char warning[600];
};

static const char *const outcome_names[] = { "ok", "error", "cancelled", "unknown" };

const char *pgiam_hist_outcome_name(pgiam_hist_outcome o)
{
	return (unsigned)o < sizeof(outcome_names) / sizeof(outcome_names[0])
		? outcome_names[o] : "unknown";
}

int pgiam_histfile_default_path(char *out, size_t len)
{
	char dir[4096];
	int error = pgiam_state_dir(dir, sizeof(dir));
	int n;

	if (error < 0)
		return error;
	n = snprintf(out, len, "%s/history", dir);
	return n > 0 && (size_t)n < len ? 0 : pgiam_error_set(PGIAM_EINVAL, "the history "
		"file's path is too long");
}

static int utf8_valid(const char *s, size_t n)
{
	uint32_t cp;

	for (size_t i = 0, k; i < n; i += k)
		if (!(k = pgiam_utf8_decode(&cp, s + i, n - i)))
			return 0;
	return 1;
}

static void item_dispose(item *it)
{
	free(it->sql);
	free(it->profile);
	memset(it, 0, sizeof(*it));
}

/* Keeps e (copied) as the newest; the oldest past max go. */
static int keep(pgiam_histfile *h, const pgiam_hist_entry *e)
{
	item it = { 0 };

	if (!(it.sql = pgiam_strdup(e->sql)) || !(it.profile = pgiam_strdup(e->profile))) {
		item_dispose(&it);
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory keeping the history");
	}
	it.e = *e;
	it.e.sql = it.sql;
	it.e.profile = it.profile;
	if (h->count == h->max) {
		item_dispose(&h->items[0]);
		memmove(h->items, h->items + 1, (h->count - 1) * sizeof(*h->items));
		h->count--;
		for (size_t i = 0; i < h->count; i++) {   /* the moved items' own pointers */
			h->items[i].e.sql = h->items[i].sql;
			h->items[i].e.profile = h->items[i].profile;
		}
	}
	if (h->count == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		item *items = realloc(h->items, cap * sizeof(*items));

		if (!items) {
			item_dispose(&it);
			return pgiam_error_set(PGIAM_ENOMEM, "out of memory keeping the history");
		}
		h->items = items;
		h->cap = cap;
		for (size_t i = 0; i < h->count; i++) {
			h->items[i].e.sql = h->items[i].sql;
			h->items[i].e.profile = h->items[i].profile;
		}
	}
	h->items[h->count++] = it;
	return 0;
}

static const char *str_field(json_object *o, const char *key, size_t *len)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	*len = (size_t)json_object_get_string_len(v);
	return json_object_get_string(v);
}

/* One line of the file into *out (its strings lent by obj); 0 when it is not an entry
 * as pgiam writes them. */
static int parse_line(pgiam_hist_entry *out, json_object **obj, const char *line, size_t len)
{
	json_tokener *tok = json_tokener_new();
	json_object *o = NULL, *v = NULL;
	const char *s;
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	*obj = NULL;
	if (!tok)
		return 0;
	o = json_tokener_parse_ex(tok, line, (int)len);
	/* the whole line, one object, nothing after it */
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len || !json_object_is_type(o, json_type_object))
		goto bad;
	if (!(s = str_field(o, "sql", &n)) || !n || n > PGIAM_HISTFILE_ENTRY_MAX ||
	    strlen(s) != n || !utf8_valid(s, n))
		goto bad;
	out->sql = s;
	if (!(s = str_field(o, "profile", &n)) || strlen(s) != n || n > 127 || !pgiam_text_is_clean(s))
		goto bad;
	out->profile = s;
	if (!json_object_object_get_ex(o, "t", &v) || !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0)
		goto bad;
	out->at = (time_t)json_object_get_int64(v);
	out->ms = -1;
	if (json_object_object_get_ex(o, "ms", &v)) {
		if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
			goto bad;
		out->ms = (long)json_object_get_int64(v);
	}
	out->outcome = PGIAM_HIST_UNKNOWN;
	if ((s = str_field(o, "outcome", &n))) {
		size_t i = 0;

		while (i < 4 && strcmp(s, outcome_names[i]))
			i++;
		if (i == 4)
			goto bad;
		out->outcome = (pgiam_hist_outcome)i;
	}
	if ((s = str_field(o, "sqlstate", &n))) {
		if (n != 5)
			goto bad;
		for (size_t i = 0; i < 5; i++)
			if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')))
				goto bad;
		memcpy(out->sqlstate, s, 6);
	}
	json_tokener_free(tok);
	*obj = o;
	return 1;
bad:
	json_object_put(o);
	json_tokener_free(tok);
	return 0;
}

typedef int (*line_fn)(void *ctx, const pgiam_hist_entry *e, const char *line, size_t len);

/* Every line of data: entries to fn, the rest counted in *skipped. from_middle: data
 * starts inside the file, so its first (partial) line is dropped unseen. */
static int each_line(const char *data, size_t len, int from_middle, size_t *skipped,
	line_fn fn, void *ctx)
{
	size_t pos = 0;
	int error = 0;

	if (from_middle) {
		const char *nl = memchr(data, '\n', len);
		pos = nl ? (size_t)(nl - data) + 1 : len;
	}
	while (pos < len && error == 0) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - data) : len;
		pgiam_hist_entry e;
		json_object *o = NULL;

		if (end == pos) {
			pos = end + 1;
			continue;
		}
		if (end - pos > 2 * PGIAM_HISTFILE_ENTRY_MAX + 1024 ||
		    !parse_line(&e, &o, data + pos, end - pos))
			(*skipped)++;
		else
			error = fn(ctx, &e, data + pos, end - pos);
		json_object_put(o);
		pos = end + 1;
	}
	return error;
}

/* The file's last PGIAM_HISTFILE_READ_MAX bytes from fd into out; *from_middle when
 * the file is longer. */
static int read_tail(pgiam_buf *out, int *from_middle, int fd, const char *path)
{
	struct stat st;
	char chunk[65536];
	off_t start = 0;
	ssize_t n;

	*from_middle = 0;
	if (fstat(fd, &st) < 0)
		return pgiam_error_set(PGIAM_EIO, "cannot read %s: %s", path, strerror(errno));
	if (st.st_size > PGIAM_HISTFILE_READ_MAX) {
		start = st.st_size - PGIAM_HISTFILE_READ_MAX;
		*from_middle = 1;
	}
	if (lseek(fd, start, SEEK_SET) < 0)
		return pgiam_error_set(PGIAM_EIO, "cannot read %s: %s", path, strerror(errno));
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pgiam_error_set(PGIAM_EIO, "cannot read %s: %s", path, strerror(errno));
		if (out->len + (size_t)n > PGIAM_HISTFILE_READ_MAX + sizeof(chunk))
			break;   /* it grew while being read: what was there is enough */
		if (pgiam_buf_put(out, chunk, (size_t)n) < 0)
			return PGIAM_ENOMEM;
	}
	return 0;
}

static int load_one(void *ctx, const pgiam_hist_entry *e, const char *line, size_t len)
{
	pgiam_histfile *h = ctx;

	(void)line;
	(void)len;
	h->file_lines++;
	return keep(h, e);
}

/* Opens the file for reading or appending: a regular file (a FIFO or a device there
 * would block or never end), 0600 (tightened when it was looser). -1 and errno. */
static int open_file(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0600);
	struct stat st;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	if ((st.st_mode & 077) && st.st_uid == geteuid())
		(void)fchmod(fd, 0600);
	return fd;
}

static int load(pgiam_histfile *h)
{
	pgiam_buf data = PGIAM_BUF_INIT;
	int fd = open_file(h->path, O_RDONLY);
	int from_middle = 0, error = 0;

	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0) {
		h->writable = 0;
		snprintf(h->warning, sizeof(h->warning), "history %s not read (%s): this run's "
			"statements are kept in memory only", h->path,
			errno == EINVAL ? "not a regular file" : strerror(errno));
		return 0;
	}
	if ((error = read_tail(&data, &from_middle, fd, h->path)) == 0)
		error = each_line(data.ptr ? data.ptr : "", data.len, from_middle, &h->skipped,
			load_one, h);
	close(fd);
	pgiam_buf_dispose(&data);
	if (error == PGIAM_EIO) {
		h->writable = 0;
		snprintf(h->warning, sizeof(h->warning), "%s", pgiam_error_last());
		return 0;
	}
	if (error == 0 && h->skipped)
		snprintf(h->warning, sizeof(h->warning), "history %s: %zu malformed line%s "
			"skipped", h->path, h->skipped, h->skipped == 1 ? "" : "s");
	return error;
}

int pgiam_histfile_open(pgiam_histfile **out, const char *path, size_t max)
{
	pgiam_histfile *h = calloc(1, sizeof(*h));
	char def[4096];
	char *slash;
	int error = 0;

	*out = NULL;
	if (!h)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory reading the history");
	h->max = max ? max : PGIAM_HISTFILE_MAX;
	h->writable = 1;
	if (!path) {
		if ((error = pgiam_histfile_default_path(def, sizeof(def))) < 0)
			goto cleanup;
		path = def;
	}
	if (!(h->path = pgiam_strdup(path)) || !(h->dir = pgiam_strdup(path))) {
		error = pgiam_error_set(PGIAM_ENOMEM, "out of memory reading the history");
		goto cleanup;
	}
	slash = strrchr(h->dir, '/');
	if (!slash || !slash[1]) {
		error = pgiam_error_set(PGIAM_EINVAL, "history file %s: not a file path", path);
		goto cleanup;
	}
	*slash = '\0';
	h->name = slash + 1;
	if ((error = load(h)) < 0)
		goto cleanup;
	*out = h;
	h = NULL;
cleanup:
	pgiam_histfile_free(h);
	return error;
}

void pgiam_histfile_free(pgiam_histfile *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->count; i++)
		item_dispose(&h->items[i]);
	free(h->items);
	free(h->path);
	free(h->dir);
	free(h);
}

const char *pgiam_histfile_warning(const pgiam_histfile *h)
{
	return h->warning;
}

size_t pgiam_histfile_skipped(const pgiam_histfile *h)
{
	return h->skipped;
}

const char *pgiam_histfile_path(const pgiam_histfile *h)
{
	return h->path;
}

size_t pgiam_histfile_count(const pgiam_histfile *h)
{
	return h->count;
}

const pgiam_hist_entry *pgiam_histfile_at(const pgiam_histfile *h, size_t i)
{
	return i < h->count ? &h->items[i].e : NULL;
}

/* The entry as one line of JSON (json-c), terminal-safe, '\n' at its end. */
static int entry_line(pgiam_buf *out, const pgiam_hist_entry *e)
{
	json_object *o = json_object_new_object();
	int error = PGIAM_ENOMEM;

	if (!o)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory writing the history");
	if (json_object_object_add(o, "t", json_object_new_int64((int64_t)e->at)) ||
	    json_object_object_add(o, "profile", json_object_new_string(e->profile)) ||
	    (e->ms >= 0 && json_object_object_add(o, "ms", json_object_new_int64(e->ms))) ||
	    json_object_object_add(o, "outcome",
		json_object_new_string(pgiam_hist_outcome_name(e->outcome))) ||
	    (e->sqlstate[0] && json_object_object_add(o, "sqlstate",
		json_object_new_string(e->sqlstate))) ||
	    json_object_object_add(o, "sql", json_object_new_string(e->sql)))
		goto cleanup;
	if ((error = pgiam_text_json_escape(out, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE))) == 0)
		error = pgiam_buf_putc(out, '\n');
cleanup:
	json_object_put(o);
	return error < 0 ? pgiam_error_set(PGIAM_ENOMEM, "out of memory writing the history")
		: 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The file opened for appending and locked; the same file as at path (a rewrite by
 * another pgiam may have renamed a new one over it while we waited). -1 and errno. */
static int open_locked(const char *path, int flags)
{
	for (int tries = 0; tries < 10; tries++) {
		int fd = open_file(path, flags);
		struct stat a, b;

		if (fd < 0)
			return -1;
		if (flock(fd, LOCK_EX) == 0 && fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return fd;
		close(fd);
	}
	errno = EAGAIN;
	return -1;
}

typedef struct trim_ctx {
	pgiam_buf *lines;          /* every valid line, in order */
	size_t *ends;              /* the end of each in lines */
	size_t n, cap;
} trim_ctx;

static int trim_one(void *ctx, const pgiam_hist_entry *e, const char *line, size_t len)
{
	trim_ctx *t = ctx;

	(void)e;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		size_t *ends = realloc(t->ends, cap * sizeof(*ends));

		if (!ends)
			return pgiam_error_set(PGIAM_ENOMEM, "out of memory trimming the history");
		t->ends = ends;
		t->cap = cap;
	}
	if (pgiam_buf_put(t->lines, line, len) < 0 || pgiam_buf_putc(t->lines, '\n') < 0)
		return PGIAM_ENOMEM;
	t->ends[t->n++] = t->lines->len;
	return 0;
}

/* Rewrites the file with its newest max valid lines (what other pgiam appended too),
 * atomically, under the lock. */
static int trim(pgiam_histfile *h)
{
	pgiam_buf data = PGIAM_BUF_INIT, lines = PGIAM_BUF_INIT;
	trim_ctx t = { &lines, NULL, 0, 0 };
	size_t skipped = 0, from = 0;
	int fd = open_locked(h->path, O_RDONLY);
	int from_middle = 0, error = 0;

	if (fd < 0)
		return pgiam_error_set(PGIAM_EIO, "cannot trim %s: %s", h->path, strerror(errno));
	if ((error = read_tail(&data, &from_middle, fd, h->path)) == 0)
		error = each_line(data.ptr ? data.ptr : "", data.len, from_middle, &skipped,
			trim_one, &t);
	if (error == 0 && t.n > h->max)
		from = t.ends[t.n - h->max - 1];
	if (error == 0)
		error = pgiam_file_write_atomic(h->dir, h->name, lines.ptr ? lines.ptr + from : "",
			lines.len - from, 0600);
	if (error == 0)
		h->file_lines = t.n > h->max ? h->max : t.n;
	close(fd);
	free(t.ends);
	pgiam_buf_dispose(&data);
	pgiam_buf_dispose(&lines);
	return error;
}

/* 1 when the file's last byte is not a line end (a line cut by a crash or a full
 * disk): the next line must not be glued to it. */
static int ends_open(int fd)
{
	struct stat st;
	char last = '\n';

	return fstat(fd, &st) == 0 && st.st_size > 0 &&
		pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n';
}

/* Appends line to the file (creating it and its directory), then trims it when it is
 * well past the bound. */
static int append(pgiam_histfile *h, const pgiam_buf *line)
{
	int fd = -1, error = 0;

	if ((error = pgiam_file_mkdir_p(h->dir, "the history directory")) < 0)
		return error;
	if ((fd = open_locked(h->path, O_RDWR | O_APPEND | O_CREAT)) < 0)
		return pgiam_error_set(PGIAM_EIO, "cannot write %s: %s", h->path,
			errno == EINVAL ? "not a regular file" : strerror(errno));
	if (ends_open(fd) && write_all(fd, "\n", 1) < 0)
		error = pgiam_error_set(PGIAM_EIO, "cannot write %s: %s", h->path, strerror(errno));
	else if (write_all(fd, line->ptr, line->len) < 0)
		error = pgiam_error_set(PGIAM_EIO, "cannot write %s: %s", h->path, strerror(errno));
	close(fd);
	if (error == 0 && ++h->file_lines > h->max + h->max / 4 + 1)
		error = trim(h);
	return error;
}

int pgiam_histfile_add(pgiam_histfile *h, const pgiam_hist_entry *e)
{
	pgiam_buf masked = PGIAM_BUF_INIT, line = PGIAM_BUF_INIT;
	pgiam_hist_entry kept = *e;
	size_t len = e->sql ? strlen(e->sql) : 0;
	int error = 0;

	if (!len || len > PGIAM_HISTFILE_ENTRY_MAX)
		return 0;
	if ((error = pgiam_sql_mask_passwords(&masked, e->sql, len, NULL)) < 0)
		goto cleanup;
	kept.sql = pgiam_buf_cstr(&masked);
	kept.profile = e->profile ? e->profile : "";
	if ((error = keep(h, &kept)) < 0 || (error = entry_line(&line, &kept)) < 0)
		goto cleanup;
	if (h->writable && (error = append(h, &line)) < 0) {
		snprintf(h->warning, sizeof(h->warning), "history not saved: %s",
			pgiam_error_last());
		h->writable = 0;   /* one failure said, not one a statement */
	}
cleanup:
	pgiam_buf_dispose(&masked);
	pgiam_buf_dispose(&line);
	return error;
}

static int contains(const char *hay, const char *needle, size_t nlen)
{
	if (!nlen)
		return 1;
	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, nlen))
			return 1;
	return 0;
}

long pgiam_histfile_search(const pgiam_histfile *h, const char *needle, const char *profile,
	size_t before, const char *skip_sql)
{
	size_t nlen = needle ? strlen(needle) : 0;

	if (before > h->count)
		before = h->count;
	while (before-- > 0) {
		const pgiam_hist_entry *e = &h->items[before].e;

		if (profile && strcmp(e->profile, profile))
			continue;
		if (skip_sql && !strcmp(e->sql, skip_sql))
			continue;
		if (contains(e->sql, needle ? needle : "", nlen))
			return (long)before;
	}
	return -1;
}
