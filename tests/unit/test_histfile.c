/* test_histfile.c - the SQL history across runs (histfile.h): entries back after a
 * reopen, the file 0600 in a 0700 directory, an unanswered statement (unknown, no duration), password literals masked in the file's
 * bytes, a hostile file (garbage, wrong types, NUL escapes, stray bytes, a huge line, a
 * FIFO) costs only its bad lines, trimming keeps the newest, the search newest first. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "histfile.h"

static char root[256];
static char path[512];

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/pgiam-test-histfile-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/state/pgiam/history", root);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static char *slurp(const char *p)
{
	FILE *f = fopen(p, "rb");
	char *buf = calloc(1, 1 << 20);
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void write_file(const char *p, const char *data, size_t len)
{
	char dir[512];
	FILE *f;

	snprintf(dir, sizeof(dir), "mkdir -p '%s/state/pgiam'", root);
	assert_int_equal(system(dir), 0);
	f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void add(pgiam_histfile *h, const char *sql, const char *profile, time_t at)
{
	pgiam_hist_entry e = { sql, profile, at, 12, PGIAM_HIST_OK, "" };

	assert_int_equal(pgiam_histfile_add(h, &e), 0);
}

static void test_default_path(void **state)
{
	char out[512];

	(void)state;
	setenv("XDG_STATE_HOME", "/x/state", 1);
	assert_int_equal(pgiam_histfile_default_path(out, sizeof(out)), 0);
	assert_string_equal(out, "/x/state/pgiam/history");
	/* a relative XDG_STATE_HOME is ignored, as the spec says */
	setenv("XDG_STATE_HOME", "rel", 1);
	setenv("HOME", "/home/u", 1);
	assert_int_equal(pgiam_histfile_default_path(out, sizeof(out)), 0);
	assert_string_equal(out, "/home/u/.local/state/pgiam/history");
	unsetenv("XDG_STATE_HOME");
}

static void test_round_trip_and_modes(void **state)
{
	pgiam_histfile *h = NULL;
	pgiam_hist_entry e = { "select 1/0", "prod", 1700000000, 7, PGIAM_HIST_ERROR, "22012" };
	const pgiam_hist_entry *got;
	struct stat st;
	char dir[512];

	(void)state;
	assert_int_equal(pgiam_histfile_open(&h, path, 0), 0);
	assert_int_equal(pgiam_histfile_count(h), 0);
	assert_int_equal(pgiam_histfile_add(h, &e), 0);
	add(h, "select 'line1\nline2\t\x1b[31m'", "dev", 1700000001);
	pgiam_histfile_free(h);

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(dir, sizeof(dir), "%s/state/pgiam", root);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	{
		/* one line each, no raw control byte reaches the file */
		char *bytes = slurp(path);
		size_t lines = 0;

		for (char *p = bytes; *p; p++) {
			lines += *p == '\n';
			assert_true((unsigned char)*p >= 0x20 || *p == '\n');
		}
		assert_int_equal(lines, 2);
		free(bytes);
	}

	assert_int_equal(pgiam_histfile_open(&h, path, 0), 0);
	assert_string_equal(pgiam_histfile_warning(h), "");
	assert_int_equal(pgiam_histfile_count(h), 2);
	got = pgiam_histfile_at(h, 0);
	assert_string_equal(got->sql, "select 1/0");
	assert_string_equal(got->profile, "prod");
	assert_int_equal(got->at, 1700000000);
	assert_int_equal(got->ms, 7);
	assert_int_equal(got->outcome, PGIAM_HIST_ERROR);
	assert_string_equal(got->sqlstate, "22012");
	assert_string_equal(pgiam_histfile_at(h, 1)->sql, "select 'line1\nline2\t\x1b[31m'");
	pgiam_histfile_free(h);
}

/* A statement still running when pgiam went away: outcome unknown and no duration in
 * the file (not a made-up 0 or -1), read back as such; a line with neither "ms" nor
 * "outcome" is unknown too. */
static void test_unanswered(void **state)
{
	pgiam_histfile *h = NULL;
	pgiam_hist_entry e = { "select pg_sleep(60)", "prod", 1700000100, -1, PGIAM_HIST_UNKNOWN,
		"" };
	const pgiam_hist_entry *got;
	const char *other = "{\"t\":1700000200,\"profile\":\"dev\",\"sql\":\"select 2\"}\n";
	char *bytes;
	int fd;

	(void)state;
	assert_int_equal(pgiam_histfile_open(&h, path, 0), 0);
	assert_int_equal(pgiam_histfile_add(h, &e), 0);
	pgiam_histfile_free(h);
	bytes = slurp(path);
	assert_non_null(strstr(bytes, "\"outcome\":\"unknown\""));
	assert_null(strstr(bytes, "\"ms\""));
	free(bytes);
	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, other, strlen(other)), (ssize_t)strlen(other));
	close(fd);

	assert_int_equal(pgiam_histfile_open(&h, path, 0), 0);
	assert_int_equal(pgiam_histfile_count(h), 2);
	got = pgiam_histfile_at(h, 0);
	assert_string_equal(got->sql, "select pg_sleep(60)");
	assert_int_equal(got->at, 1700000100);
	assert_int_equal(got->ms, -1);
	assert_int_equal(got->outcome, PGIAM_HIST_UNKNOWN);
	assert_string_equal(pgiam_hist_outcome_name(got->outcome), "unknown");
	got = pgiam_histfile_at(h, 1);
	assert_int_equal(got->ms, -1);
	assert_int_equal(got->outcome, PGIAM_HIST_UNKNOWN);
	pgiam_histfile_free(h);
}

static void test_masked_in_file(void **state)
{
	pgiam_histfile *h = NULL;
	char *bytes;

	(void)state;
	assert_int_equal(pgiam_histfile_open(&h, path, 0), 0);
	add(h, "ALTER ROLE bob PASSWORD E'hunter\\'2'", "p", 1);
	add(h, "create role r encrypted password $$tiger$$", "p", 2);
	assert_string_equal(pgiam_histfile_at(h, 0)->sql, "ALTER ROLE bob PASSWORD ***");
	pgiam_histfile_free(h);
	bytes = slurp(path);
	assert_null(strstr(bytes, "hunter"));
	assert_null(strstr(bytes, "tiger"));
	assert_non_null(strstr(bytes, "PASSWORD ***"));
	free(bytes);
}

static void test_hostile_file(void **state)
{
	pgiam_histfile *h = NULL;
	char *big = malloc(300000);
	char *data = malloc(400000);
	size_t n = 0;

	(void)state;
	memset(big, 'a', 299999);
	big[299999] = '\0';
#define LINE(s) do { size_t l = strlen(s); memcpy(data + n, s, l); n += l; } while (0)
	LINE("{\"t\":1,\"profile\":\"a\",\"outcome\":\"ok\",\"sql\":\"good one\"}\n");
	LINE("not json at all\n");
	LINE("[1,2,3]\n");
	LINE("{\"t\":\"yesterday\",\"profile\":\"a\",\"sql\":\"x\"}\n");
	LINE("{\"t\":2,\"profile\":\"a\",\"sql\":\"nul\\u0000inside\"}\n");
	LINE("{\"t\":2,\"profile\":\"a\",\"sql\":\"stray \xff byte\"}\n");
	LINE("{\"t\":2,\"profile\":\"a\",\"outcome\":\"exploded\",\"sql\":\"x\"}\n");
	LINE("{\"t\":2,\"profile\":\"a\",\"sqlstate\":\"'; --\",\"sql\":\"x\"}\n");
	LINE("{\"t\":2,\"profile\":\"\\u001b[2J\",\"sql\":\"x\"}\n");
	LINE("{\"t\":2,\"profile\":\"a\",\"sql\":\"x\"} trailing\n");
	LINE("{\"t\":-5,\"profile\":\"a\",\"sql\":\"x\"}\n");
	LINE("{\"t\":3,\"profile\":\"a\",\"sql\":\"");
	LINE(big);
	LINE("\"}\n");
	LINE("\n\n");
	LINE("{\"t\":4,\"profile\":\"b\",\"sql\":\"good two\"}\n");
	LINE("{\"t\":5,\"profile\":\"b\",\"sql\":\"half a line");
#undef LINE
	write_file(path, data, n);
	chmod(path, 0644);
	assert_int_equal(pgiam_histfile_open(&h, path, 0), 0);
	assert_int_equal(pgiam_histfile_count(h), 2);
	assert_string_equal(pgiam_histfile_at(h, 0)->sql, "good one");
	assert_string_equal(pgiam_histfile_at(h, 1)->sql, "good two");
	assert_int_equal(pgiam_histfile_skipped(h), 12);
	assert_non_null(strstr(pgiam_histfile_warning(h), "12 malformed lines skipped"));
	assert_null(strchr(pgiam_histfile_warning(h), '\n'));
	/* it keeps working: a new entry is kept and written */
	add(h, "good three", "b", 6);
	assert_int_equal(pgiam_histfile_count(h), 3);
	pgiam_histfile_free(h);
	{
		struct stat st;

		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);   /* tightened */
	}
	assert_int_equal(pgiam_histfile_open(&h, path, 0), 0);
	/* the cut line before the append stays a bad line of its own */
	assert_int_equal(pgiam_histfile_count(h), 3);
	assert_string_equal(pgiam_histfile_at(h, 2)->sql, "good three");
	assert_int_equal(pgiam_histfile_skipped(h), 12);
	pgiam_histfile_free(h);
	free(big);
	free(data);
}

static void test_not_a_file(void **state)
{
	pgiam_histfile *h = NULL;
	char dir[512];

	(void)state;
	snprintf(dir, sizeof(dir), "mkdir -p '%s/state/pgiam'", root);
	assert_int_equal(system(dir), 0);
	assert_int_equal(mkfifo(path, 0600), 0);
	/* a FIFO would block a plain open: refused at once, the history in memory only */
	assert_int_equal(pgiam_histfile_open(&h, path, 0), 0);
	assert_non_null(strstr(pgiam_histfile_warning(h), "not a regular file"));
	add(h, "select 1", "p", 1);
	assert_int_equal(pgiam_histfile_count(h), 1);
	assert_int_equal(pgiam_histfile_search(h, "select", NULL, 1, NULL), 0);
	pgiam_histfile_free(h);
}

static void test_trim(void **state)
{
	pgiam_histfile *h = NULL, *other = NULL;
	char sql[32];
	char *bytes;
	size_t lines = 0;

	(void)state;
	assert_int_equal(pgiam_histfile_open(&h, path, 5), 0);
	assert_int_equal(pgiam_histfile_open(&other, path, 5), 0);
	for (int i = 0; i < 20; i++) {
		snprintf(sql, sizeof(sql), "select %d", i);
		add(i == 13 ? other : h, sql, "p", i);
	}
	assert_int_equal(pgiam_histfile_count(h), 5);
	assert_string_equal(pgiam_histfile_at(h, 0)->sql, "select 15");
	assert_string_equal(pgiam_histfile_at(h, 4)->sql, "select 19");
	bytes = slurp(path);
	for (char *p = bytes; *p; p++)
		lines += *p == '\n';
	assert_true(lines <= 5 + 5 / 4 + 1);
	assert_null(strstr(bytes, "select 0\""));
	free(bytes);
	pgiam_histfile_free(other);
	pgiam_histfile_free(h);
	assert_int_equal(pgiam_histfile_open(&h, path, 5), 0);
	assert_int_equal(pgiam_histfile_count(h), 5);
	assert_string_equal(pgiam_histfile_at(h, 4)->sql, "select 19");
	assert_int_equal(pgiam_histfile_skipped(h), 0);
	pgiam_histfile_free(h);
}

static void test_search(void **state)
{
	pgiam_histfile *h = NULL;

	(void)state;
	assert_int_equal(pgiam_histfile_open(&h, path, 0), 0);
	add(h, "select * from customers", "prod", 1);   /* 0 */
	add(h, "SELECT name FROM orders", "dev", 2);     /* 1 */
	add(h, "select * from customers", "dev", 3);    /* 2 */
	add(h, "update customers set x = 1", "prod", 4);/* 3 */
	assert_int_equal(pgiam_histfile_search(h, "custom", NULL, 4, NULL), 3);
	assert_int_equal(pgiam_histfile_search(h, "custom", NULL, 3, NULL), 2);
	assert_int_equal(pgiam_histfile_search(h, "custom", NULL, 2, NULL), 0);
	assert_int_equal(pgiam_histfile_search(h, "custom", NULL, 0, NULL), -1);
	/* ASCII case-insensitive */
	assert_int_equal(pgiam_histfile_search(h, "from ORDERS", NULL, 4, NULL), 1);
	/* by profile */
	assert_int_equal(pgiam_histfile_search(h, "select", "prod", 4, NULL), 0);
	assert_int_equal(pgiam_histfile_search(h, "", "dev", 4, NULL), 2);
	/* the same text again is passed over */
	assert_int_equal(pgiam_histfile_search(h, "from customers", NULL, 2,
		"select * from customers"), -1);
	assert_int_equal(pgiam_histfile_search(h, "nothing like it", NULL, 4, NULL), -1);
	assert_int_equal(pgiam_histfile_search(h, "custom", NULL, 99, NULL), 3);
	pgiam_histfile_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_path),
		cmocka_unit_test_setup_teardown(test_round_trip_and_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unanswered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_masked_in_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
