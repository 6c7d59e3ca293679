/* fuzz_sqlsplit.c - libFuzzer target for the statement splitter and lexer
 * (sqlsplit.h), which read whatever the user typed or piped into `pgiam sql`:
 * statements follow each other inside the text, tokens cover it without gaps, the
 * statement under any cursor is inside the text. Also linked with standalone.c into a
 * corpus replayer run by the normal test suite. */
#include "sqlsplit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* not NUL-terminated on purpose: the splitter reads (text, length) */
	char *sql = malloc(size ? size : 1);
	pgiam_sql_stmt st;
	pgiam_sql_token t;
	size_t pos = 0;

	if (!sql)
		return 0;
	memcpy(sql, data, size);
	while (pgiam_sql_next(&st, sql, size, pos)) {
		if (st.start < pos || st.end <= st.start || st.end > size)
			abort();
		if (st.terminated && sql[st.end - 1] != ';')
			abort();
		pos = st.end;
	}
	for (pos = 0; pos < size;) {
		size_t next = pgiam_sql_token_at(&t, sql, size, pos);
		if (next <= pos || next > size || t.start != pos || t.end != next)
			abort();
		if (t.kind == PGIAM_SQL_TOK_WORD)
			(void)pgiam_sql_is_keyword(sql + t.start, t.end - t.start);
		pos = next;
	}
	(void)pgiam_sql_complete(sql, size);
	for (size_t c = 0; c <= size; c += 1 + size / 16) {
		if (pgiam_sql_at_cursor(&st, sql, size, c) && (st.end > size || st.start >= st.end))
			abort();
	}
	free(sql);
	return 0;
}
