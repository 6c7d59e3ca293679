/* test_sanitize.c - the core's one rule for text that reaches a terminal (issue 10):
 * UTF-8 decoding, the safe form of text (C0/DEL carets, C1/bidi/stray bytes U+FFFD),
 * the JSON form (\u00XX escapes that decode to the same strings), the clean-name test. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "sanitize.h"

static void test_decode(void **state)
{
	static const struct { const char *in; size_t len; uint32_t cp; } cases[] = {
		{ "A", 1, 'A' },
		{ "\xc2\x9b", 2, 0x9B },
		{ "\xc3\xa9", 2, 0xE9 },
		{ "\xe3\x83\xa6", 3, 0x30E6 },
		{ "\xf0\x9f\x98\x80", 4, 0x1F600 },
		{ "\xf4\x8f\xbf\xbf", 4, 0x10FFFF },
		/* not UTF-8: 0 */
		{ "\x9b", 0, 0 },              /* a lone 8-bit CSI */
		{ "\xc0\xaf", 0, 0 },          /* overlong '/' */
		{ "\xe0\x80\xaf", 0, 0 },      /* overlong, three bytes */
		{ "\xed\xa0\x80", 0, 0 },      /* a UTF-16 surrogate */
		{ "\xf4\x90\x80\x80", 0, 0 },  /* beyond U+10FFFF */
		{ "\xc3", 0, 0 },              /* cut short */
		{ "\xe3\x83", 0, 0 },
		{ "\xff", 0, 0 },
	};
	uint32_t cp = 1;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = strlen(cases[i].in);
		print_message("case %zu\n", i);
		assert_int_equal(pgiam_utf8_decode(&cp, cases[i].in, n), cases[i].len);
		assert_int_equal(cp, cases[i].cp);
	}
}

static void test_classify(void **state)
{
	(void)state;
	for (uint32_t c = 0; c < 0x20; c++)
		assert_int_equal(pgiam_text_classify(c), PGIAM_TEXT_CARET);
	assert_int_equal(pgiam_text_classify(0x7F), PGIAM_TEXT_CARET);
	for (uint32_t c = 0x80; c <= 0x9F; c++)
		assert_int_equal(pgiam_text_classify(c), PGIAM_TEXT_REPLACE);
	assert_int_equal(pgiam_text_classify(0x202E), PGIAM_TEXT_REPLACE);
	assert_int_equal(pgiam_text_classify(0x2066), PGIAM_TEXT_REPLACE);
	assert_int_equal(pgiam_text_classify(' '), PGIAM_TEXT_PLAIN);
	assert_int_equal(pgiam_text_classify(0xA0), PGIAM_TEXT_PLAIN);
	assert_int_equal(pgiam_text_classify(0x30E6), PGIAM_TEXT_PLAIN);
}

/* 1 when s is UTF-8 with nothing but plain characters (and newlines when allowed). */
static int only_plain(const char *s, int newlines)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n;) {
		uint32_t cp = 0;
		size_t len = pgiam_utf8_decode(&cp, s + i, n - i);

		if (!len || (pgiam_text_classify(cp) != PGIAM_TEXT_PLAIN && !(newlines && cp == '\n')))
			return 0;
		i += len;
	}
	return 1;
}

static void expect_safe(const char *in, unsigned flags, const char *want)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	assert_int_equal(pgiam_text_sanitize(&b, in, strlen(in), flags), 0);
	assert_string_equal(pgiam_buf_cstr(&b), want);
	pgiam_buf_dispose(&b);
}

static void test_sanitize(void **state)
{
	(void)state;
	expect_safe("plain text, é ユーザー 😀", 0, "plain text, é ユーザー 😀");
	expect_safe("\x1b]0;title\x07\x1b[31mred", 0, "^[]0;title^G^[[31mred");
	expect_safe("del\x7f tab\tcr\r", 0, "del^? tab cr^M");
	expect_safe("line1\nline2\n", 0, "line1^Jline2^J");
	expect_safe("line1\nline2\n", PGIAM_TEXT_KEEP_NEWLINES, "line1\nline2\n");
	expect_safe("csi\xc2\x9b" "2J nel\xc2\x85", 0, "csi\xef\xbf\xbd" "2J nel\xef\xbf\xbd");
	expect_safe("stray\x9b" "2J \xff\xc3", 0, "stray\xef\xbf\xbd" "2J \xef\xbf\xbd\xef\xbf\xbd");
	expect_safe("rlo\xe2\x80\xae" "txt.exe", 0, "rlo\xef\xbf\xbd" "txt.exe");
	expect_safe("", 0, "");
	/* nothing a terminal acts on is left, whatever the bytes */
	{
		char all[256];
		pgiam_buf b = PGIAM_BUF_INIT;

		for (int i = 0; i < 255; i++)
			all[i] = (char)(i + 1);
		all[255] = '\0';
		assert_int_equal(pgiam_text_sanitize(&b, all, 255, 0), 0);
		assert_true(only_plain(pgiam_buf_cstr(&b), 0));
		pgiam_buf_dispose(&b);
	}
}

static void expect_json(const char *value)
{
	json_object *o = json_object_new_object();
	json_object *back = NULL, *v = NULL;
	pgiam_buf b = PGIAM_BUF_INIT;
	const char *ser = NULL;

	json_object_object_add(o, "k", json_object_new_string(value));
	ser = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	assert_int_equal(pgiam_text_json_escape(&b, ser), 0);
	assert_true(only_plain(pgiam_buf_cstr(&b), 1));
	/* still JSON, and the same string for a reader */
	back = json_tokener_parse(pgiam_buf_cstr(&b));
	assert_non_null(back);
	assert_true(json_object_object_get_ex(back, "k", &v));
	assert_string_equal(json_object_get_string(v), value);
	json_object_put(back);
	json_object_put(o);
	pgiam_buf_dispose(&b);
}

static void test_json_escape(void **state)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	expect_json("arn:aws:iam::123456789012:user/a\xc2\x9b" "31mb");
	expect_json("esc\x1b[31m bel\x07 del\x7f nel\xc2\x85 rlo\xe2\x80\xae é ユ");
	assert_int_equal(pgiam_text_json_escape(&b, "{\"a\": \"x\xc2\x9b\x7fy\xff\"}\n"), 0);
	assert_string_equal(pgiam_buf_cstr(&b), "{\"a\": \"x\\u009b\\u007fy\\ufffd\"}\n");
	pgiam_buf_dispose(&b);
}

static void test_is_clean(void **state)
{
	(void)state;
	assert_true(pgiam_text_is_clean("iam_ro_user"));
	assert_true(pgiam_text_is_clean("ユーザー é"));
	assert_true(pgiam_text_is_clean(""));
	assert_false(pgiam_text_is_clean("a\xc2\x9b"));
	assert_false(pgiam_text_is_clean("a\xff"));
	assert_false(pgiam_text_is_clean("a\x1b"));
	assert_false(pgiam_text_is_clean("a\tb"));
	assert_false(pgiam_text_is_clean("a\x7f"));
	assert_false(pgiam_text_is_clean("a\xe2\x80\xae"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_is_clean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
