/* test_export.c - issue 12: export formats (export.c): CSV byte for byte as COPY …
 * CSV HEADER writes it (quoting of the delimiter, quotes, line ends, the empty string
 * apart from NULL, "\." alone), COPY's text format as TSV, JSON and JSON lines with
 * typed values; the writer creates its file 0600; the cell view's formats (cellfmt.c)
 * and base64 for OSC 52. tests/tui/test_results.py compares a whole export with
 * psql's \copy output. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base64.h"
#include "buf.h"
#include "cellfmt.h"
#include "error.h"
#include "export.h"

static const char *const NAMES[] = { "id", "name", "doc", "ok" };
static const unsigned TYPES[] = { 23, 25, 3802, 16 };

static void expect_row(pgiam_export_format f, const char *const *values, const char *want)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	assert_int_equal(pgiam_export_format_row(&b, f, 4, NAMES, TYPES, values, 1), 0);
	assert_string_equal(pgiam_buf_cstr(&b), want);
	pgiam_buf_dispose(&b);
}

static void test_csv(void **state)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	const char *const plain[] = { "1", "alice", "{\"a\": 1}", "t" };
	const char *const hostile[] = { "2", "a,b \"q\"\r\nline", "", NULL };
	const char *const one[] = { "\\.", "\\." };
	const char *const odd_names[] = { "a,b", "", "x\"y", "ok" };

	(void)state;
	expect_row(PGIAM_EXPORT_CSV, plain, "1,alice,\"{\"\"a\"\": 1}\",t\n");
	expect_row(PGIAM_EXPORT_CSV, hostile, "2,\"a,b \"\"q\"\"\r\nline\",\"\",\n");
	assert_int_equal(pgiam_export_format_row(&b, PGIAM_EXPORT_CSV, 1, NAMES, NULL, one, 1), 0);
	assert_string_equal(pgiam_buf_cstr(&b), "\"\\.\"\n");
	pgiam_buf_clear(&b);
	/* "\." is quoted only alone on its line, as COPY does */
	assert_int_equal(pgiam_export_format_row(&b, PGIAM_EXPORT_CSV, 2, NAMES, NULL, one, 1), 0);
	assert_string_equal(pgiam_buf_cstr(&b), "\\.,\\.\n");
	pgiam_buf_clear(&b);
	assert_int_equal(pgiam_export_format_header(&b, PGIAM_EXPORT_CSV, 4, odd_names), 0);
	assert_string_equal(pgiam_buf_cstr(&b), "\"a,b\",\"\",\"x\"\"y\",ok\n");
	pgiam_buf_dispose(&b);
}

static void test_tsv_json(void **state)
{
	const char *const hostile[] = { "2", "tab\there\\ and\nnl", "[1, 2]", NULL };
	const char *const weird[] = { "NaN", "ctl\x01 \xC3\xA9 \"q\"", "null", "f" };

	(void)state;
	expect_row(PGIAM_EXPORT_TSV, hostile, "2\ttab\\there\\\\ and\\nnl\t[1, 2]\t\\N\n");
	expect_row(PGIAM_EXPORT_JSONL, hostile, "{\"id\":2,\"name\":\"tab\\there\\\\ and\\nnl\","
		"\"doc\":[1, 2],\"ok\":null}\n");
	expect_row(PGIAM_EXPORT_JSONL, weird, "{\"id\":\"NaN\",\"name\":\"ctl\\u0001 \xC3\xA9 "
		"\\\"q\\\"\",\"doc\":null,\"ok\":false}\n");
	expect_row(PGIAM_EXPORT_JSON, weird, "\n{\"id\":\"NaN\",\"name\":\"ctl\\u0001 \xC3\xA9 "
		"\\\"q\\\"\",\"doc\":null,\"ok\":false}");
}

static void test_writer(void **state)
{
	char path[] = "/tmp/pgiam-test-export-XXXXXX";
	int fd = mkstemp(path);
	pgiam_export *e = NULL;
	const char *const r1[] = { "1", "a", NULL, "t" }, *const r2[] = { "2", "b", "{}", "f" };
	char got[256] = "";
	struct stat st;
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	assert_int_equal(pgiam_export_open(&e, path, PGIAM_EXPORT_JSON, 1), 0);
	assert_int_equal(pgiam_export_columns(e, 4, NAMES, TYPES), 0);
	assert_int_equal(pgiam_export_row(e, r1), 0);
	assert_int_equal(pgiam_export_row(e, r2), 0);
	assert_int_equal((int)pgiam_export_rows(e), 2);
	assert_int_equal(pgiam_export_finish(e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_non_null(f = fopen(path, "r"));
	got[fread(got, 1, sizeof(got) - 1, f)] = '\0';
	fclose(f);
	assert_string_equal(got, "[\n{\"id\":1,\"name\":\"a\",\"doc\":null,\"ok\":true},\n"
		"{\"id\":2,\"name\":\"b\",\"doc\":{},\"ok\":false}\n]\n");
	/* an existing file keeps its mode */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(pgiam_export_open(&e, path, PGIAM_EXPORT_CSV, 0), 0);
	assert_int_equal(pgiam_export_columns(e, 4, NAMES, TYPES), 0);
	assert_int_equal(pgiam_export_row(e, r1), 0);
	assert_int_equal(pgiam_export_finish(e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal((int)st.st_size, (int)strlen("1,a,,t\n"));
	unlink(path);
	assert_int_equal(pgiam_export_open(&e, "/nonexistent/dir/x.csv", PGIAM_EXPORT_CSV, 1),
		PGIAM_EIO);
	assert_int_equal(pgiam_export_format_for_path("a/b.jsonl"), PGIAM_EXPORT_JSONL);
	assert_int_equal(pgiam_export_format_for_path("a.b/c"), PGIAM_EXPORT_CSV);
}

static void expect_cell(const char *v, pgiam_pgtype_kind k, const char *want)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	assert_int_equal(pgiam_cellfmt(&b, v, k), 0);
	assert_string_equal(pgiam_buf_cstr(&b), want);
	pgiam_buf_dispose(&b);
}

static void test_cellfmt(void **state)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	expect_cell("{\"a\": [1, 2], \"b\": {\"c\": null}}", PGIAM_PGTYPE_JSON,
		"{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {\n    \"c\": null\n  }\n}");
	expect_cell("{not json", PGIAM_PGTYPE_JSON, "{not json");
	expect_cell("{1,NULL,\"a,b\",\"q\\\"x\",{3,4}}", PGIAM_PGTYPE_ARRAY,
		"1\n\xE2\x88\x85 NULL\na,b\nq\"x\n{3,4}\n");
	expect_cell("[0:1]={7,8}", PGIAM_PGTYPE_ARRAY, "7\n8\n");
	expect_cell("{}", PGIAM_PGTYPE_ARRAY, "(empty array)");
	expect_cell("\\x00414243ff", PGIAM_PGTYPE_BYTEA, "00000000  00 41 42 43 ff"
		"                                   |.ABC.|\n(5 bytes)");
	expect_cell(NULL, PGIAM_PGTYPE_OTHER, "\xE2\x88\x85 NULL");
	expect_cell("plain", PGIAM_PGTYPE_OTHER, "plain");
	assert_int_equal(pgiam_base64_encode(&b, "hello", 5), 0);
	assert_string_equal(pgiam_buf_cstr(&b), "aGVsbG8=");
	pgiam_buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_tsv_json),
		cmocka_unit_test(test_writer),
		cmocka_unit_test(test_cellfmt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
