/* fuzz_plan_json.c - libFuzzer target for plan.c's reader of EXPLAIN (FORMAT JSON)'s
 * output (a server's, or anything a hostile one sends): parsed, then drawn as text,
 * JSON and every node's details; the same bytes as a statement classified and wrapped.
 * Also linked with standalone.c into a corpus replayer run by the normal test suite. */
#include "plan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pgiam_plan *p = NULL;
	pgiam_buf b = PGIAM_BUF_INIT;
	pgiam_plan_kind k;

	if (pgiam_plan_parse(&p, (const char *)data, size) == 0) {
		if (!pgiam_plan_count(p))
			abort();
		pgiam_plan_render(&b, p);
		pgiam_plan_json(&b, p);
		for (size_t i = 0; i < pgiam_plan_count(p); i++) {
			const pgiam_plan_node *n = pgiam_plan_node_at(p, i);

			if (i && (n->parent >= i || n->depth != pgiam_plan_node_at(p, n->parent)->depth + 1))
				abort();
			pgiam_plan_tree_prefix(&b, p, i);
			pgiam_plan_node_details(&b, p, i);
		}
		pgiam_plan_free(p);
	}
	pgiam_plan_classify(&k, (const char *)data, size);
	if (strlen(k.why) >= sizeof(k.why) || strlen(k.calls) >= sizeof(k.calls))
		abort();
	pgiam_buf_clear(&b);
	if (pgiam_plan_sql(&b, (const char *)data, size, 1) == 0 && strncmp(b.ptr, "EXPLAIN (", 9))
		abort();
	pgiam_buf_dispose(&b);
	return 0;
}
