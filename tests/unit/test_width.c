/* test_width.c - the display-width function every layout uses: ASCII, CJK double
 * width, emoji, combining marks, invalid UTF-8 and control bytes, cutting with an
 * ellipsis and padding by display width. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "width.h"

static int setup_locale(void **state)
{
	(void)state;
	/* Debian always has C.UTF-8; widths are only meaningful in a UTF-8 locale. */
	if (!setlocale(LC_ALL, "C.UTF-8"))
		return -1;
	return 0;
}

typedef struct width_case {
	const char *text;
	size_t width;
} width_case;

static void test_width_of(void **state)
{
	static const width_case cases[] = {
		{ "", 0 },
		{ "abc", 3 },
		{ "\xE4\xBD\x9C\xE8\x80\x85", 4 },                   /* 作者 */
		{ "\xE5\xB1\xB1\xE7\x94\xB0\xE5\xA4\xAA\xE9\x83\x8E", 8 }, /* 山田太郎 */
		{ "a\xE4\xBD\x9C" "b", 4 },                          /* a作b */
		{ "\xF0\x9F\x98\x80", 2 },                           /* 😀 */
		{ "e\xCC\x81", 1 },                                  /* e + combining acute */
		{ "\xCC\x81", 1 },                                   /* lone combining mark: U+FFFD */
		{ "\xFF", 1 },                                       /* invalid byte: U+FFFD */
		{ "\xE4\xBD", 1 },                                   /* truncated sequence */
		{ "a\x1b[31mb", 8 },                                 /* ESC shown as ^[ */
		{ "\t", 1 },
		{ "\x7f", 2 },                                       /* ^? */
		{ "\xC2\x9B", 1 },                                   /* C1 CSI: U+FFFD */
		{ "\xE2\x80\xAE", 1 },                               /* RIGHT-TO-LEFT OVERRIDE */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t w = pgiam_width_of(cases[i].text);

		if (w != cases[i].width)
			fail_msg("case %zu: width %zu, expected %zu", i, w, cases[i].width);
	}
	assert_int_equal(pgiam_width_of(NULL), 0);
}

typedef struct fit_case {
	const char *text;
	int cols;
	unsigned flags;
	const char *expect;
	int used;
} fit_case;

static void test_fit(void **state)
{
	static const fit_case cases[] = {
		{ "hello", 10, 0, "hello", 5 },
		{ "hello", 10, PGIAM_FIT_PAD, "hello     ", 10 },
		{ "hello world", 8, PGIAM_FIT_ELLIPSIS, "hello w\xE2\x80\xA6", 8 },
		{ "hello world", 8, 0, "hello wo", 8 },
		/* 作者: 4 columns in 3 with an ellipsis: the second CJK character would
		 * straddle the limit, so it is left out, and padding fills the gap. */
		{ "\xE4\xBD\x9C\xE8\x80\x85", 3, PGIAM_FIT_ELLIPSIS | PGIAM_FIT_PAD,
		  "\xE4\xBD\x9C\xE2\x80\xA6", 3 },
		{ "\xE4\xBD\x9C\xE8\x80\x85", 3, PGIAM_FIT_PAD, "\xE4\xBD\x9C ", 3 },
		{ "\xE5\xB1\xB1\xE7\x94\xB0\xE5\xA4\xAA\xE9\x83\x8E", 8, PGIAM_FIT_ELLIPSIS,
		  "\xE5\xB1\xB1\xE7\x94\xB0\xE5\xA4\xAA\xE9\x83\x8E", 8 },
		{ "\xE5\xB1\xB1\xE7\x94\xB0\xE5\xA4\xAA\xE9\x83\x8E", 6, PGIAM_FIT_ELLIPSIS,
		  "\xE5\xB1\xB1\xE7\x94\xB0\xE2\x80\xA6", 5 },
		{ "\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 3, PGIAM_FIT_ELLIPSIS, "\xF0\x9F\x98\x80\xE2\x80\xA6", 3 },
		/* combining marks stay with their base */
		{ "e\xCC\x81" "e\xCC\x81", 1, 0, "e\xCC\x81", 1 },
		/* hostile bytes never pass through */
		{ "\x1b]0;pwned\x07", 20, 0, "^[]0;pwned^G", 12 },
		{ "a\xFF" "b", 5, 0, "a\xEF\xBF\xBD" "b", 3 },
		{ "x\xE2\x80\xAEy", 5, 0, "x\xEF\xBF\xBDy", 3 },
		{ "abc", 0, PGIAM_FIT_PAD, "", 0 },
		{ NULL, 3, PGIAM_FIT_PAD, "   ", 3 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pgiam_buf b = PGIAM_BUF_INIT;
		int used = pgiam_width_fit(&b, cases[i].text, cases[i].cols, cases[i].flags);

		if (used != cases[i].used || strcmp(pgiam_buf_cstr(&b), cases[i].expect))
			fail_msg("case %zu: got \"%s\" (%d columns), expected \"%s\" (%d)", i,
				pgiam_buf_cstr(&b), used, cases[i].expect, cases[i].used);
		/* what comes out is exactly as wide as it says */
		assert_int_equal(pgiam_width_of(pgiam_buf_cstr(&b)), (size_t)used);
		pgiam_buf_dispose(&b);
	}
}

static void test_no_raw_control_bytes(void **state)
{
	char all[256];
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	for (int i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	assert_true(pgiam_width_fit(&b, all, 2000, 0) > 0);
	for (const unsigned char *p = (const unsigned char *)pgiam_buf_cstr(&b); *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			fail_msg("control byte 0x%02x reached the output", *p);
	pgiam_buf_dispose(&b);
}

/* issue 10: the TUI draws control characters as the CLI prints them (one rule, in
 * src/util/sanitize.c): the same caret or U+FFFD for each. */
static void test_same_rule_as_cli(void **state)
{
	static const char *const cases[] = { "a\x1b[31mb", "bel\x07", "del\x7f", "cr\r",
		"csi\xc2\x9b" "2J", "nel\xc2\x85", "rlo\xe2\x80\xae" "x", "lri\xe2\x81\xa6" "x",
		"stray\xff", "\xc2\xa0nbsp", "ユーザー" };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pgiam_buf tui = PGIAM_BUF_INIT, cli = PGIAM_BUF_INIT;

		assert_true(pgiam_width_fit(&tui, cases[i], 100, 0) > 0);
		assert_int_equal(pgiam_text_sanitize(&cli, cases[i], strlen(cases[i]), 0), 0);
		if (strcmp(pgiam_buf_cstr(&tui), pgiam_buf_cstr(&cli)))
			fail_msg("case %zu: the TUI shows \"%s\", the CLI \"%s\"", i,
				pgiam_buf_cstr(&tui), pgiam_buf_cstr(&cli));
		pgiam_buf_dispose(&tui);
		pgiam_buf_dispose(&cli);
	}
}

static void test_utf8_steps(void **state)
{
	const char *s = "a\xE4\xBD\x9C" "b"; /* a作b */

	(void)state;
	assert_int_equal(pgiam_utf8_next(s, 5, 0), 1);
	assert_int_equal(pgiam_utf8_next(s, 5, 1), 4);
	assert_int_equal(pgiam_utf8_next(s, 5, 4), 5);
	assert_int_equal(pgiam_utf8_next(s, 5, 5), 5);
	assert_int_equal(pgiam_utf8_prev(s, 5), 4);
	assert_int_equal(pgiam_utf8_prev(s, 4), 1);
	assert_int_equal(pgiam_utf8_prev(s, 1), 0);
	assert_int_equal(pgiam_utf8_prev(s, 0), 0);
}

static void test_prefix_and_wrap(void **state)
{
	pgiam_buf b = PGIAM_BUF_INIT;

	(void)state;
	assert_int_equal(pgiam_width_prefix("hello", 3), 3);
	/* 作者 is 4 columns: 3 columns hold only the first character (3 bytes) */
	assert_int_equal(pgiam_width_prefix("\xE4\xBD\x9C\xE8\x80\x85", 3), 3);
	assert_int_equal(pgiam_width_prefix("\xE4\xBD\x9C\xE8\x80\x85", 4), 6);
	assert_int_equal(pgiam_width_prefix("e\xCC\x81x", 1), 3);

	assert_int_equal(pgiam_width_wrap(&b, "one two three four\nshort\n\nend", 10, 2), 0);
	assert_string_equal(pgiam_buf_cstr(&b), "one two\n  three\n  four\nshort\n\nend\n");
	pgiam_buf_clear(&b);
	/* CJK wraps by width: 山田太郎 (8 columns) in 5 columns */
	assert_int_equal(pgiam_width_wrap(&b, "\xE5\xB1\xB1\xE7\x94\xB0\xE5\xA4\xAA\xE9\x83\x8E", 5, 0), 0);
	assert_string_equal(pgiam_buf_cstr(&b), "\xE5\xB1\xB1\xE7\x94\xB0\n\xE5\xA4\xAA\xE9\x83\x8E\n");
	pgiam_buf_clear(&b);
	/* no space in reach: an ARN breaks after a '/', not inside a name */
	assert_int_equal(pgiam_width_wrap(&b, "ok arn:aws:sts::1:assumed-role/sf-role/pgiam-root", 40, 0), 0);
	assert_string_equal(pgiam_buf_cstr(&b), "ok arn:aws:sts::1:assumed-role/sf-role/\npgiam-root\n");
	pgiam_buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width_of),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_no_raw_control_bytes),
		cmocka_unit_test(test_same_rule_as_cli),
		cmocka_unit_test(test_utf8_steps),
		cmocka_unit_test(test_prefix_and_wrap),
	};

	return cmocka_run_group_tests(tests, setup_locale, NULL);
}
