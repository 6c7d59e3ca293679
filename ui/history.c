/* history.c - the SQL prompt's statement history (see history.h). */
#include "history.h"

#include "error.h"

#include <stdlib.h>
#include <string.h>

static void clear_edits(pgiam_history *h)
{
	for (size_t i = 0; i < h->count; i++) {
		free(h->edits[i]);
		h->edits[i] = NULL;
	}
	free(h->draft);
	h->draft = NULL;
}

int pgiam_history_add(pgiam_history *h, const char *text)
{
	char *copy = NULL;

	clear_edits(h);
	h->pos = h->count;
	if (!text || !*text || (h->count && !strcmp(h->items[h->count - 1], text)))
		return 0;
	if (h->count == PGIAM_HISTORY_MAX) {
		free(h->items[0]);
		memmove(h->items, h->items + 1, (h->count - 1) * sizeof(*h->items));
		h->count--;
	}
	if (h->count == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 16;
		char **items = realloc(h->items, cap * sizeof(*items));

		if (!items)
			return pgiam_error_set(PGIAM_ENOMEM, "out of memory keeping the SQL history");
		h->items = items;
		items = realloc(h->edits, cap * sizeof(*items));
		if (!items)
			return pgiam_error_set(PGIAM_ENOMEM, "out of memory keeping the SQL history");
		h->edits = items;
		h->cap = cap;
	}
	if (!(copy = strdup(text)))
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory keeping the SQL history");
	h->items[h->count] = copy;
	h->edits[h->count] = NULL;
	h->count++;
	h->pos = h->count;
	return 0;
}

/* Keeps current as what the position being left holds (the draft, or an edit when it
 * differs from the statement). */
static void keep(pgiam_history *h, const char *current)
{
	char **slot = h->pos == h->count ? &h->draft : &h->edits[h->pos];
	char *copy = NULL;

	if (!current)
		current = "";
	if (h->pos < h->count && !strcmp(current, h->items[h->pos])) {
		free(*slot);
		*slot = NULL;
		return;
	}
	/* Out of memory only loses this edit; the walk still works. */
	copy = strdup(current);
	free(*slot);
	*slot = copy;
}

static const char *shown(const pgiam_history *h)
{
	if (h->pos == h->count)
		return h->draft ? h->draft : "";
	return h->edits[h->pos] ? h->edits[h->pos] : h->items[h->pos];
}

const char *pgiam_history_prev(pgiam_history *h, const char *current)
{
	if (h->pos == 0)
		return NULL;
	keep(h, current);
	h->pos--;
	return shown(h);
}

const char *pgiam_history_next(pgiam_history *h, const char *current)
{
	if (h->pos >= h->count)
		return NULL;
	keep(h, current);
	h->pos++;
	return shown(h);
}

void pgiam_history_dispose(pgiam_history *h)
{
	clear_edits(h);
	for (size_t i = 0; i < h->count; i++)
		free(h->items[i]);
	free(h->items);
	free(h->edits);
	memset(h, 0, sizeof(*h));
}
