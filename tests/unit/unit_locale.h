/* unit_locale.h - switches LC_CTYPE to a single-byte Turkish locale (ISO-8859-9) for
 * tests that protocol text is handled the same under any locale.
 *
 * There, unlike in C or UTF-8 locales, isalnum(0xE7 'ç') and islower() are true for
 * bytes >= 0x80, tolower('I') is 0xFD (dotless ı) and toupper('i') is 0xDD (İ): every
 * locale-dependent ctype or strcasecmp call shows. The locale is generated with
 * localedef into a temporary directory when the system lacks it.
 */
#ifndef PGIAM_UNIT_LOCALE_H
#define PGIAM_UNIT_LOCALE_H

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

/* 1 when LC_CTYPE is now tr_TR.ISO-8859-9, 0 when that is not possible (skip). */
static inline int pgiam_test_turkish_latin5(void)
{
	char dir[] = "/tmp/pgiam-unit-locale-XXXXXX";
	char cmd[256];
	int ok = 0;

	if (setlocale(LC_CTYPE, "tr_TR.ISO-8859-9"))
		return 1;
	if (!mkdtemp(dir))
		return 0;
	snprintf(cmd, sizeof(cmd), "localedef -i tr_TR -f ISO-8859-9 '%s/tr_TR.ISO-8859-9' "
		">/dev/null 2>&1", dir);
	if (system(cmd) == 0) {
		setenv("LOCPATH", dir, 1);
		ok = setlocale(LC_CTYPE, "tr_TR.ISO-8859-9") != NULL;
		unsetenv("LOCPATH");
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return ok;
}

#endif
