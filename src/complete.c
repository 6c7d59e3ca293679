/* complete.c - Tab completion's candidates (see complete.h): the catalog's rows read
 * with json-c, the context from the core's lexer, names quoted by quote.c. */
#include "complete.h"

#include "error.h"
#include "quote.h"
#include "secure.h"
#include "sqlsplit.h"

#include <json-c/json.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char CATALOG_SQL[] =
	"SELECT n.nspname::text AS " PGIAM_COMPLETE_CATALOG_COLUMN ","
	" array_position(current_schemas(true), n.nspname)::text,"
	" coalesce((SELECT json_agg(json_build_array(c.relname::text, c.relkind::text,"
	"   (SELECT coalesce(json_agg(a.attname::text ORDER BY a.attnum), '[]'::json)"
	"    FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0"
	"      AND NOT a.attisdropped)) ORDER BY c.relname)"
	"  FROM pg_class c WHERE c.relnamespace = n.oid"
	"    AND c.relkind IN ('r', 'p', 'v', 'm', 'f')), '[]'::json)::text"
	" FROM pg_namespace n WHERE n.nspname !~ '^pg_(toast|temp_)' ORDER BY 1";

typedef struct rel {
	char *name;
	char **cols;
	size_t ncols;
} rel;

typedef struct schema {
	char *name;
	int path_pos;              /* 0: not in the search path */
	rel *rels;
	size_t nrels;
} schema;

struct pgiam_complete_catalog {
	schema *schemas;
	size_t n, cap;
	size_t nrels;
};

const char *pgiam_complete_catalog_sql(void)
{
	return CATALOG_SQL;
}

int pgiam_complete_catalog_new(pgiam_complete_catalog **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : pgiam_error_set(PGIAM_ENOMEM, "out of memory for completion");
}

static void schema_dispose(schema *s)
{
	for (size_t i = 0; i < s->nrels; i++) {
		for (size_t k = 0; k < s->rels[i].ncols; k++)
			free(s->rels[i].cols[k]);
		free(s->rels[i].cols);
		free(s->rels[i].name);
	}
	free(s->rels);
	free(s->name);
}

void pgiam_complete_catalog_free(pgiam_complete_catalog *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		schema_dispose(&c->schemas[i]);
	free(c->schemas);
	free(c);
}

size_t pgiam_complete_catalog_schemas(const pgiam_complete_catalog *c)
{
	return c ? c->n : 0;
}

size_t pgiam_complete_catalog_relations(const pgiam_complete_catalog *c)
{
	return c ? c->nrels : 0;
}

/* One [name, relkind, [columns]] into r; 0, PGIAM_EINVAL or PGIAM_ENOMEM. */
static int rel_from_json(rel *r, json_object *a)
{
	json_object *name, *cols;
	size_t n;

	if (!json_object_is_type(a, json_type_array) || json_object_array_length(a) != 3)
		return PGIAM_EINVAL;
	name = json_object_array_get_idx(a, 0);
	cols = json_object_array_get_idx(a, 2);
	if (!json_object_is_type(name, json_type_string) ||
	    !json_object_is_type(cols, json_type_array))
		return PGIAM_EINVAL;
	n = json_object_array_length(cols);
	if (!(r->name = pgiam_strdup(json_object_get_string(name))) ||
	    (n && !(r->cols = calloc(n, sizeof(*r->cols)))))
		return PGIAM_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		json_object *col = json_object_array_get_idx(cols, i);

		if (!json_object_is_type(col, json_type_string))
			return PGIAM_EINVAL;
		if (!(r->cols[r->ncols] = pgiam_strdup(json_object_get_string(col))))
			return PGIAM_ENOMEM;
		r->ncols++;
	}
	return 0;
}

int pgiam_complete_catalog_add_row(pgiam_complete_catalog *c, const char *name,
	const char *path_pos, const char *relations_json)
{
	json_object *arr = relations_json ? json_tokener_parse(relations_json) : NULL;
	schema s = { 0 };
	size_t n = 0;
	int error = 0;

	if (!name || !*name || !arr || !json_object_is_type(arr, json_type_array)) {
		error = pgiam_error_set(PGIAM_EINVAL, "completion: the catalog's row for %s is "
			"not one", name ? name : "a schema");
		goto cleanup;
	}
	n = json_object_array_length(arr);
	s.path_pos = path_pos && *path_pos ? atoi(path_pos) : 0;
	if (!(s.name = pgiam_strdup(name)) || (n && !(s.rels = calloc(n, sizeof(*s.rels))))) {
		error = pgiam_error_set(PGIAM_ENOMEM, "out of memory for completion");
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		if ((error = rel_from_json(&s.rels[s.nrels++], json_object_array_get_idx(arr, i))) < 0) {
			error = error == PGIAM_ENOMEM ? pgiam_error_set(error, "out of memory for "
				"completion") : pgiam_error_set(error, "completion: the catalog's row for "
				"%s is not one", name);
			goto cleanup;
		}
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		schema *v = realloc(c->schemas, cap * sizeof(*v));

		if (!v) {
			error = pgiam_error_set(PGIAM_ENOMEM, "out of memory for completion");
			goto cleanup;
		}
		c->schemas = v;
		c->cap = cap;
	}
	c->schemas[c->n++] = s;
	c->nrels += s.nrels;
	memset(&s, 0, sizeof(s));
cleanup:
	schema_dispose(&s);
	json_object_put(arr);
	return error;
}

/* --- the statement around the cursor */

typedef struct tok {
	pgiam_sql_tok kind;
	size_t start, end;
	int depth;                 /* parentheses open before it */
} tok;

typedef struct toks {
	tok *v;
	size_t n, cap;
} toks;

/* The significant tokens (no space, no comments) of sql[from, to). */
static int tokenize(toks *out, const char *sql, size_t from, size_t to)
{
	pgiam_sql_token t;
	int depth = 0;

	for (size_t pos = from; pos < to; ) {
		size_t next = pgiam_sql_token_at(&t, sql, to, pos);

		if (t.kind != PGIAM_SQL_TOK_SPACE && t.kind != PGIAM_SQL_TOK_COMMENT) {
			if (out->n == out->cap) {
				size_t cap = out->cap ? out->cap * 2 : 64;
				tok *v = realloc(out->v, cap * sizeof(*v));

				if (!v)
					return pgiam_error_set(PGIAM_ENOMEM, "out of memory for completion");
				out->v = v;
				out->cap = cap;
			}
			if (t.kind == PGIAM_SQL_TOK_CLOSE && depth > 0)
				depth--;
			out->v[out->n++] = (tok){ t.kind, t.start, t.end, depth };
			if (t.kind == PGIAM_SQL_TOK_OPEN)
				depth++;
		}
		pos = next;
	}
	return 0;
}

static int is_kw(const tok *t, const char *sql, const char *kw)
{
	size_t n = strlen(kw);

	return t->kind == PGIAM_SQL_TOK_WORD && t->end - t->start == n &&
		!strncasecmp(sql + t->start, kw, n);
}

static int is_kw_any(const tok *t, const char *sql, const char *const *kws)
{
	for (; *kws; kws++)
		if (is_kw(t, sql, *kws))
			return 1;
	return 0;
}

static int is_other(const tok *t, const char *sql, char c)
{
	return t->kind == PGIAM_SQL_TOK_OTHER && sql[t->start] == c;
}

static int is_name(const tok *t)
{
	return t->kind == PGIAM_SQL_TOK_WORD || t->kind == PGIAM_SQL_TOK_IDENT;
}

/* A name token as the server reads it: a word folded to lower case (ASCII, as for a
 * UTF8 database), a quoted identifier without its quotes ("" is one "). */
static void name_of(char *out, size_t outlen, const char *sql, const tok *t)
{
	size_t o = 0, i = t->start, end = t->end;

	if (t->kind == PGIAM_SQL_TOK_IDENT) {
		if (sql[i] == 'U' || sql[i] == 'u')
			i += 2;
		i++;
		if (end > i && sql[end - 1] == '"')
			end--;
	}
	for (; i < end && o + 1 < outlen; i++) {
		char c = sql[i];

		if (t->kind == PGIAM_SQL_TOK_IDENT && c == '"' && i + 1 < end && sql[i + 1] == '"')
			i++;
		else if (t->kind == PGIAM_SQL_TOK_WORD && c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		out[o++] = c;
	}
	out[o] = '\0';
}

static const char *const REL_AFTER[] = { "FROM", "JOIN", "INTO", "UPDATE", "TABLE",
	"TRUNCATE", "COPY", "ONLY", NULL };
/* Words after which a FROM list goes on (joins, aliases). */
static const char *const FROM_GOES_ON[] = { "AS", "JOIN", "LEFT", "RIGHT", "FULL", "INNER",
	"OUTER", "CROSS", "NATURAL", "LATERAL", "ONLY", NULL };

typedef struct ref {
	char schema[128], table[128], alias[128];
} ref;

typedef struct refs {
	ref v[32];
	size_t n;
} refs;

/* A relation reference at tokens i…: name ['.' name] [AS] [alias]. */
static size_t parse_ref(refs *out, const char *sql, const toks *t, size_t i)
{
	ref r = { "", "", "" };

	if (i >= t->n || !is_name(&t->v[i]) || (t->v[i].kind == PGIAM_SQL_TOK_WORD &&
	    pgiam_sql_is_keyword(sql + t->v[i].start, t->v[i].end - t->v[i].start) &&
	    !is_kw(&t->v[i], sql, "ONLY")))
		return i;
	if (is_kw(&t->v[i], sql, "ONLY"))
		i++;
	if (i >= t->n || !is_name(&t->v[i]))
		return i;
	name_of(r.table, sizeof(r.table), sql, &t->v[i++]);
	if (i + 1 < t->n && is_other(&t->v[i], sql, '.') && is_name(&t->v[i + 1])) {
		memcpy(r.schema, r.table, sizeof(r.schema));
		name_of(r.table, sizeof(r.table), sql, &t->v[i + 1]);
		i += 2;
	}
	if (i < t->n && is_kw(&t->v[i], sql, "AS"))
		i++;
	if (i < t->n && is_name(&t->v[i]) && !(t->v[i].kind == PGIAM_SQL_TOK_WORD &&
	    pgiam_sql_is_keyword(sql + t->v[i].start, t->v[i].end - t->v[i].start)))
		name_of(r.alias, sizeof(r.alias), sql, &t->v[i++]);
	if (out->n < sizeof(out->v) / sizeof(out->v[0]))
		out->v[out->n++] = r;
	return i;
}

/* Every relation the statement names after FROM, JOIN, UPDATE, INTO, TABLE. */
static void find_refs(refs *out, const char *sql, const toks *t)
{
	int from_depth = -1;

	out->n = 0;
	for (size_t i = 0; i < t->n; ) {
		const tok *k = &t->v[i];

		if (is_kw(k, sql, "FROM") || is_kw(k, sql, "JOIN") || is_kw(k, sql, "UPDATE") ||
		    is_kw(k, sql, "INTO") || is_kw(k, sql, "TABLE")) {
			from_depth = is_kw(k, sql, "FROM") || is_kw(k, sql, "JOIN") ? k->depth : -1;
			i = parse_ref(out, sql, t, i + 1);
			continue;
		}
		if (from_depth >= 0 && k->depth == from_depth && is_other(k, sql, ',')) {
			i = parse_ref(out, sql, t, i + 1);
			continue;
		}
		if (from_depth >= 0 && k->depth == from_depth && k->kind == PGIAM_SQL_TOK_WORD &&
		    !is_kw_any(k, sql, FROM_GOES_ON))
			from_depth = -1;
		i++;
	}
}

static const schema *find_schema(const pgiam_complete_catalog *c, const char *name)
{
	for (size_t i = 0; c && i < c->n; i++)
		if (!strcmp(c->schemas[i].name, name))
			return &c->schemas[i];
	return NULL;
}

/* A relation as the server finds it: in its schema, else the first schema of the
 * search path that has it. *in gets its schema. */
static const rel *find_rel(const pgiam_complete_catalog *c, const char *sch, const char *name,
	const schema **in)
{
	const rel *best = NULL;
	int best_pos = 0;

	for (size_t i = 0; c && i < c->n; i++) {
		const schema *s = &c->schemas[i];

		if (sch[0] ? strcmp(s->name, sch) != 0 : s->path_pos <= 0 ||
		    (best && s->path_pos >= best_pos))
			continue;
		for (size_t k = 0; k < s->nrels; k++) {
			if (!strcmp(s->rels[k].name, name)) {
				best = &s->rels[k];
				best_pos = s->path_pos;
				*in = s;
				break;
			}
		}
	}
	return best;
}

/* --- candidates */

typedef struct prefix {
	char text[256];            /* what was typed of the name, unquoted */
	size_t len;
	int quoted;                /* typed as "…: matched exactly */
	int lower;                 /* typed in lower case: keywords follow */
} prefix;

static int matches(const prefix *p, const char *name)
{
	return p->quoted ? !strncmp(name, p->text, p->len) : !strncasecmp(name, p->text, p->len);
}

static int add(pgiam_complete_result *r, size_t *cap, const char *text, size_t len,
	pgiam_complete_kind kind)
{
	char *copy;

	for (size_t i = 0; i < r->count; i++)
		if (strlen(r->items[i]) == len && !memcmp(r->items[i], text, len))
			return 0;
	if (r->count == PGIAM_COMPLETE_MAX) {
		r->more = 1;
		return 0;
	}
	if (r->count == *cap) {
		size_t n = *cap ? *cap * 2 : 32;
		char **items = realloc(r->items, n * sizeof(*items));
		pgiam_complete_kind *kinds;

		if (!items)
			return pgiam_error_set(PGIAM_ENOMEM, "out of memory for completion");
		r->items = items;
		if (!(kinds = realloc(r->kinds, n * sizeof(*kinds))))
			return pgiam_error_set(PGIAM_ENOMEM, "out of memory for completion");
		r->kinds = kinds;
		*cap = n;
	}
	if (!(copy = strndup(text, len)))
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory for completion");
	r->items[r->count] = copy;
	r->kinds[r->count++] = kind;
	return 0;
}

/* A name, quoted through quote.h (a name it refuses, not UTF-8, is not offered). */
static int add_name(pgiam_complete_result *r, size_t *cap, const prefix *p, const char *name,
	pgiam_complete_kind kind)
{
	pgiam_buf b = PGIAM_BUF_INIT;
	int error = 0;

	if (!matches(p, name))
		return 0;
	/* a quoted prefix stays quoted, whatever the name */
	if ((p->quoted ? pgiam_sql_quote_ident(&b, name)
	    : pgiam_sql_quote_ident_if_needed(&b, name)) < 0) {
		pgiam_buf_dispose(&b);
		return 0;
	}
	if (kind == PGIAM_COMPLETE_SCHEMA)
		error = pgiam_buf_putc(&b, '.');
	if (error == 0)
		error = add(r, cap, b.ptr, b.len, kind);
	pgiam_buf_dispose(&b);
	return error;
}

static int add_columns(pgiam_complete_result *r, size_t *cap, const prefix *p, const rel *t)
{
	int error = 0;

	for (size_t i = 0; t && i < t->ncols && error == 0; i++)
		error = add_name(r, cap, p, t->cols[i], PGIAM_COMPLETE_COLUMN);
	return error;
}

/* pg_catalog's relations only when the prefix asks for them (pg_…), as psql. */
static int hidden(const schema *s, const prefix *p)
{
	return !strcmp(s->name, "pg_catalog") && !(p->len >= 3 && !strncasecmp(p->text, "pg_", 3));
}

static int add_relations(pgiam_complete_result *r, size_t *cap, const prefix *p,
	const pgiam_complete_catalog *c, const schema *only, int schemas_too)
{
	int error = 0;

	for (size_t i = 0; c && i < c->n && error == 0; i++) {
		const schema *s = &c->schemas[i];

		if (only ? s != only : s->path_pos <= 0 || hidden(s, p))
			continue;
		for (size_t k = 0; k < s->nrels && error == 0; k++)
			error = add_name(r, cap, p, s->rels[k].name, PGIAM_COMPLETE_RELATION);
	}
	for (size_t i = 0; schemas_too && c && i < c->n && error == 0; i++)
		if (strncmp(c->schemas[i].name, "pg_", 3) || !strncasecmp(p->text, "pg_", 3))
			error = add_name(r, cap, p, c->schemas[i].name, PGIAM_COMPLETE_SCHEMA);
	return error;
}

static int add_keywords(pgiam_complete_result *r, size_t *cap, const prefix *p)
{
	const char *kw;
	int error = 0;

	if (p->quoted)
		return 0;
	for (size_t i = 0; (kw = pgiam_sql_keyword(i)) && error == 0; i++) {
		char low[32];
		size_t n = strlen(kw);

		if (strncasecmp(kw, p->text, p->len) || n >= sizeof(low))
			continue;
		for (size_t k = 0; k <= n; k++)
			low[k] = (char)(p->lower && kw[k] >= 'A' && kw[k] <= 'Z' ? kw[k] + 32 : kw[k]);
		error = add(r, cap, low, n, PGIAM_COMPLETE_KEYWORD);
	}
	return error;
}

static int cmp_items(const pgiam_complete_result *r, size_t a, size_t b)
{
	if (r->kinds[a] != r->kinds[b])
		return r->kinds[a] < r->kinds[b] ? -1 : 1;
	return strcmp(r->items[a], r->items[b]);
}

/* Insertion sort: a few hundred candidates at most. */
static void sort(pgiam_complete_result *r)
{
	for (size_t i = 1; i < r->count; i++) {
		for (size_t k = i; k > 0 && cmp_items(r, k - 1, k) > 0; k--) {
			char *t = r->items[k];
			pgiam_complete_kind kk = r->kinds[k];

			r->items[k] = r->items[k - 1];
			r->kinds[k] = r->kinds[k - 1];
			r->items[k - 1] = t;
			r->kinds[k - 1] = kk;
		}
	}
}

/* The statement the cursor is in: [*from, *to) of text. */
static void statement_at(size_t *from, size_t *to, const char *text, size_t len, size_t cursor)
{
	pgiam_sql_stmt st;
	size_t pos = 0;

	*from = 0;
	*to = len;
	while (pgiam_sql_next(&st, text, len, pos)) {
		if (st.start > cursor) {
			*to = st.start;
			return;
		}
		if (st.terminated && st.end <= cursor) {
			*from = pos = st.end;
			continue;
		}
		*from = st.start;
		*to = st.end;
		return;
	}
}

/* 1 when the cursor is inside a string, a dollar quote or a comment. */
static int inside_literal(const char *text, size_t from, size_t cursor)
{
	pgiam_sql_token t = { 0 };

	for (size_t pos = from; pos < cursor; )
		pos = pgiam_sql_token_at(&t, text, cursor, pos);
	if (from >= cursor)
		return 0;
	if (t.kind == PGIAM_SQL_TOK_COMMENT)
		return t.unterminated || text[t.start] == '-';
	return (t.kind == PGIAM_SQL_TOK_STRING || t.kind == PGIAM_SQL_TOK_DOLLAR) && t.unterminated;
}

/* The governing keyword before token i at its depth: a comma in a FROM list. */
static const tok *clause_of(const char *sql, const toks *t, size_t i)
{
	int depth = i < t->n ? t->v[i].depth : 0;

	while (i-- > 0) {
		const tok *k = &t->v[i];

		if (k->depth < depth)
			return NULL;
		if (k->depth == depth && k->kind == PGIAM_SQL_TOK_WORD &&
		    pgiam_sql_is_keyword(sql + k->start, k->end - k->start) &&
		    !is_kw_any(k, sql, FROM_GOES_ON))
			return k;
	}
	return NULL;
}

/* INSERT INTO [schema.]table ( …cursor: that table, else NULL. */
static const rel *insert_columns(const pgiam_complete_catalog *c, const char *sql,
	const toks *t, size_t n)
{
	char sch[128] = "", name[128];
	const schema *in = NULL;
	int depth = n ? t->v[n - 1].depth + (t->v[n - 1].kind == PGIAM_SQL_TOK_OPEN) : 0;
	size_t i = n;

	if (depth != 1)
		return NULL;
	while (i-- > 0 && !(t->v[i].kind == PGIAM_SQL_TOK_OPEN && t->v[i].depth == 0))
		;
	if (i == (size_t)-1 || i < 2 || !is_name(&t->v[i - 1]))
		return NULL;
	name_of(name, sizeof(name), sql, &t->v[i - 1]);
	i--;
	if (i >= 3 && is_other(&t->v[i - 1], sql, '.') && is_name(&t->v[i - 2])) {
		name_of(sch, sizeof(sch), sql, &t->v[i - 2]);
		i -= 2;
	}
	if (i < 1 || !is_kw(&t->v[i - 1], sql, "INTO"))
		return NULL;
	return find_rel(c, sch, name, &in);
}

/* After "q." (and "s.q."): columns of an alias or table q of the statement, the
 * relations of schema q, or the columns of relation q. */
static int qualified(pgiam_complete_result *r, size_t *cap, const prefix *p,
	const pgiam_complete_catalog *c, const refs *rf, const char *sch, const char *q)
{
	const schema *in = NULL;
	const rel *t = NULL;

	for (size_t i = 0; !sch[0] && i < rf->n && !t; i++)
		if (!strcmp(rf->v[i].alias, q) || (!rf->v[i].alias[0] && !strcmp(rf->v[i].table, q)))
			t = find_rel(c, rf->v[i].schema, rf->v[i].table, &in);
	if (!t && !sch[0] && (in = find_schema(c, q))) {
		snprintf(r->context, sizeof(r->context), "relations of schema %s", q);
		return add_relations(r, cap, p, c, in, 0);
	}
	if (!t)
		t = find_rel(c, sch, q, &in);
	if (!t) {
		snprintf(r->context, sizeof(r->context), "nothing known as %s%s%s", sch,
			sch[0] ? "." : "", q);
		return 0;
	}
	snprintf(r->context, sizeof(r->context), "columns of %s.%s", in->name, t->name);
	return add_columns(r, cap, p, t);
}

/* The prefix being typed at the end of the tokens before the cursor (taken off
 * them), or an empty one. */
static void take_prefix(prefix *p, size_t *start, const char *text, toks *before, size_t cursor)
{
	const tok *w = before->n ? &before->v[before->n - 1] : NULL;
	char raw[256];

	memset(p, 0, sizeof(*p));
	*start = cursor;
	if (!w || w->end != cursor || !is_name(w))
		return;
	*start = w->start;
	p->quoted = w->kind == PGIAM_SQL_TOK_IDENT;
	if (p->quoted) {
		name_of(p->text, sizeof(p->text), text, w);
	} else {
		size_t n = w->end - w->start < sizeof(raw) - 1 ? w->end - w->start : sizeof(raw) - 1;

		memcpy(raw, text + w->start, n);
		raw[n] = '\0';
		memcpy(p->text, raw, n + 1);
		p->lower = raw[0] >= 'a' && raw[0] <= 'z';
	}
	p->len = strlen(p->text);
	before->n--;
}

static int candidates(pgiam_complete_result *r, size_t *cap, const prefix *p,
	const pgiam_complete_catalog *c, const char *text, const toks *b, const refs *rf)
{
	const tok *last = b->n ? &b->v[b->n - 1] : NULL;
	const tok *cl = NULL;
	const rel *ins = NULL;
	char q[128], sch[128] = "";
	int error = 0;

	if (last && b->n >= 2 && is_other(last, text, '.') && is_name(&b->v[b->n - 2])) {
		name_of(q, sizeof(q), text, &b->v[b->n - 2]);
		if (b->n >= 4 && is_other(&b->v[b->n - 3], text, '.') && is_name(&b->v[b->n - 4]))
			name_of(sch, sizeof(sch), text, &b->v[b->n - 4]);
		return qualified(r, cap, p, c, rf, sch, q);
	}
	if (last && (is_kw_any(last, text, REL_AFTER) || (is_other(last, text, ',') &&
	    (cl = clause_of(text, b, b->n - 1)) && is_kw(cl, text, "FROM")))) {
		snprintf(r->context, sizeof(r->context), c ? "relations and schemas"
			: "relations (the catalog is not read yet)");
		return add_relations(r, cap, p, c, NULL, 1);
	}
	if ((ins = insert_columns(c, text, b, b->n))) {
		snprintf(r->context, sizeof(r->context), "columns of %s", ins->name);
		return add_columns(r, cap, p, ins);
	}
	snprintf(r->context, sizeof(r->context), c ? "keywords and names" : "keywords");
	for (size_t i = 0; i < rf->n && error == 0; i++) {
		const schema *in = NULL;

		error = add_columns(r, cap, p, find_rel(c, rf->v[i].schema, rf->v[i].table, &in));
	}
	if (error == 0)
		error = add_relations(r, cap, p, c, NULL, 0);
	if (error == 0)
		error = add_keywords(r, cap, p);
	return error;
}

int pgiam_complete(pgiam_complete_result *out, const pgiam_complete_catalog *cat,
	const char *text, size_t len, size_t cursor)
{
	toks before = { 0 }, all = { 0 };
	refs *rf = calloc(1, sizeof(*rf));
	size_t from, to, cap = 0;
	prefix p;
	int error = 0;

	memset(out, 0, sizeof(*out));
	if (cursor > len)
		cursor = len;
	out->start = cursor;
	if (!rf)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory for completion");
	statement_at(&from, &to, text, len, cursor);
	if (from > cursor)
		from = cursor;
	if (inside_literal(text, from, cursor)) {
		snprintf(out->context, sizeof(out->context), "nothing inside a string or comment");
		goto cleanup;
	}
	if ((error = tokenize(&before, text, from, cursor)) < 0 ||
	    (error = tokenize(&all, text, from, to > cursor ? to : cursor)) < 0)
		goto cleanup;
	take_prefix(&p, &out->start, text, &before, cursor);
	find_refs(rf, text, &all);
	if ((error = candidates(out, &cap, &p, cat, text, &before, rf)) == 0)
		sort(out);
cleanup:
	free(before.v);
	free(all.v);
	free(rf);
	if (error < 0)
		pgiam_complete_result_dispose(out);
	return error;
}

void pgiam_complete_result_dispose(pgiam_complete_result *r)
{
	for (size_t i = 0; i < r->count; i++)
		free(r->items[i]);
	free(r->items);
	free(r->kinds);
	memset(r, 0, sizeof(*r));
}

int pgiam_complete_apply(pgiam_buf *out, size_t *cursor_out, const char *text, size_t len,
	size_t cursor, const pgiam_complete_result *r, long i)
{
	const char *ins = NULL;
	size_t n = 0;
	int space = 0;

	*cursor_out = cursor;
	if (!r->count || r->start > cursor || cursor > len || i >= (long)r->count)
		return 0;
	if (i >= 0) {
		ins = r->items[i];
		n = strlen(ins);
		space = r->count == 1 && r->kinds[i] != PGIAM_COMPLETE_SCHEMA &&
			(cursor >= len || (text[cursor] != ' ' && text[cursor] != '\n'));
	} else {
		ins = r->items[0];
		n = strlen(ins);
		for (size_t k = 1; k < r->count; k++) {
			size_t m = 0;

			while (m < n && r->items[k][m] == ins[m])
				m++;
			n = m;
		}
		if (n <= cursor - r->start)
			return 0;
	}
	if (pgiam_buf_put(out, text, r->start) < 0 || pgiam_buf_put(out, ins, n) < 0 ||
	    (space && pgiam_buf_putc(out, ' ') < 0) ||
	    pgiam_buf_put(out, text + cursor, len - cursor) < 0)
		return PGIAM_ENOMEM;
	*cursor_out = r->start + n + (size_t)space;
	return 1;
}

int pgiam_complete_is_ddl(const char *sql, size_t len)
{
	static const char *const DDL[] = { "CREATE", "ALTER", "DROP", "IMPORT", NULL };
	pgiam_sql_stmt st;
	size_t pos = 0;

	while (pgiam_sql_next(&st, sql, len, pos)) {
		toks t = { 0 };
		int ddl = 0;

		if (tokenize(&t, sql, st.start, st.end) == 0 && t.n)
			ddl = is_kw_any(&t.v[0], sql, DDL);
		free(t.v);
		if (ddl)
			return 1;
		if (st.end <= pos)
			break;
		pos = st.end;
	}
	return 0;
}
