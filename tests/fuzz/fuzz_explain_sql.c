/* fuzz_explain_sql.c - libFuzzer target for explain.c's readers of the user's SQL:
 * the statement kind, the table a write names and the splitting of a query string
 * into statements (the session runs them on whatever the user typed). Also linked
 * with standalone.c into a corpus replayer run by the normal test suite. */
#include "explain.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *sql = malloc(size + 1);
	char kind[32], schema[64], table[64];
	const char *stmt = NULL, *prev = NULL;

	if (!sql)
		return 0;
	memcpy(sql, data, size);
	sql[size] = '\0';
	for (int n = 0; n < 64; n++) {
		stmt = pgiam_explain_nth_statement(sql, n);
		if (!stmt)
			break;
		/* within the string, after the previous statement, never at its end */
		if (stmt < sql || stmt >= sql + strlen(sql) || (prev && stmt <= prev))
			abort();
		pgiam_explain_statement_kind(kind, sizeof(kind), stmt);
		if (strlen(kind) >= sizeof(kind))
			abort();
		if (pgiam_explain_write_target(schema, sizeof(schema), table, sizeof(table), stmt) == 0 &&
		    (!table[0] || strlen(table) >= sizeof(table) || strlen(schema) >= sizeof(schema)))
			abort();
		prev = stmt;
	}
	free(sql);
	return 0;
}
