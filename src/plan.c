/* plan.c - EXPLAIN (FORMAT JSON)'s output parsed with json-c into the flat tree of
 * plan.h, the exclusive times, misestimates and the slowest node computed once, and
 * the tree as text and JSON. The statement side (classify, wrap, run) is plan_run.c.
 */
#include "plan.h"

#include "error.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* json-c's nesting limit: a plan level is two (its object and its "Plans" array) */
#define PLAN_JSON_DEPTH (2 * PGIAM_PLAN_DEPTH_MAX + 8)

struct pgiam_plan {
	pgiam_plan_node *nodes;
	size_t n, cap;
	int analyzed;
	double planning_ms, execution_ms;
	size_t slowest;
	size_t misestimates;
};

typedef struct parse_ctx {
	pgiam_plan *p;
	char error[300];
} parse_ctx;

static int fail(parse_ctx *c, const char *fmt, const char *what)
{
	if (!c->error[0])
		snprintf(c->error, sizeof(c->error), fmt, what);
	return -1;
}

/* A number member: 1 found, 0 absent, -1 present but not a finite number ≥ 0. */
static int get_number(double *out, json_object *o, const char *key)
{
	json_object *v = NULL;
	enum json_type t;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return 0;
	t = json_object_get_type(v);
	if (t != json_type_double && t != json_type_int)
		return -1;
	*out = json_object_get_double(v);
	return isfinite(*out) && *out >= 0 ? 1 : -1;
}

/* A string member into out (cut to fit): 1 found, 0 absent, -1 not a string. */
static int get_string(char *out, size_t outlen, json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return -1;
	snprintf(out, outlen, "%s", json_object_get_string(v));
	return 1;
}

static int node_strings(parse_ctx *c, pgiam_plan_node *n, json_object *o)
{
	static const char *const conds[] = { "Index Cond", "Hash Cond", "Merge Cond",
		"Recheck Cond", "TID Cond", NULL };
	static const char *const filters[] = { "Filter", "Join Filter", NULL };
	int rc = get_string(n->type, sizeof(n->type), o, "Node Type");

	if (rc <= 0)
		return fail(c, "a plan node has no \"%s\" string", "Node Type");
	if (get_string(n->operation, sizeof(n->operation), o, "Operation") < 0 ||
	    get_string(n->strategy, sizeof(n->strategy), o, "Strategy") < 0 ||
	    get_string(n->relation, sizeof(n->relation), o, "Relation Name") < 0 ||
	    get_string(n->alias, sizeof(n->alias), o, "Alias") < 0 ||
	    get_string(n->index, sizeof(n->index), o, "Index Name") < 0 ||
	    get_string(n->join_type, sizeof(n->join_type), o, "Join Type") < 0 ||
	    get_string(n->relationship, sizeof(n->relationship), o, "Parent Relationship") < 0 ||
	    get_string(n->subplan, sizeof(n->subplan), o, "Subplan Name") < 0)
		return fail(c, "a field of node \"%s\" is not a string", n->type);
	for (size_t i = 0; conds[i] && !n->cond[0]; i++) {
		if ((rc = get_string(n->cond, sizeof(n->cond), o, conds[i])) < 0)
			return fail(c, "\"%s\" is not a string", conds[i]);
		if (rc)
			snprintf(n->cond_label, sizeof(n->cond_label), "%s", conds[i]);
	}
	for (size_t i = 0; filters[i] && !n->filter[0]; i++) {
		if ((rc = get_string(n->filter, sizeof(n->filter), o, filters[i])) < 0)
			return fail(c, "\"%s\" is not a string", filters[i]);
		if (rc)
			snprintf(n->filter_label, sizeof(n->filter_label), "%s", filters[i]);
	}
	return 0;
}

static int node_numbers(parse_ctx *c, pgiam_plan_node *n, json_object *o)
{
	double width = 0, removed = 0, removed_join = 0, total = 0;
	int has_total, rc, rj;

	if (get_number(&n->startup_cost, o, "Startup Cost") < 0 ||
	    get_number(&n->total_cost, o, "Total Cost") < 0 ||
	    get_number(&n->plan_rows, o, "Plan Rows") < 0 ||
	    get_number(&width, o, "Plan Width") < 0 ||
	    get_number(&n->actual_startup_ms, o, "Actual Startup Time") < 0 ||
	    (has_total = get_number(&total, o, "Actual Total Time")) < 0 ||
	    get_number(&n->actual_rows, o, "Actual Rows") < 0 ||
	    get_number(&n->loops, o, "Actual Loops") < 0 ||
	    (n->buffers = get_number(&n->shared_hit, o, "Shared Hit Blocks")) < 0 ||
	    get_number(&n->shared_read, o, "Shared Read Blocks") < 0 ||
	    (rc = get_number(&removed, o, "Rows Removed by Filter")) < 0 ||
	    (rj = get_number(&removed_join, o, "Rows Removed by Join Filter")) < 0)
		return fail(c, "a figure of node \"%s\" is not a number", n->type);
	n->plan_width = width < 1e9 ? (long)width : 0;
	n->removed = rc || rj ? removed + removed_join : -1;
	n->actual_total_ms = total;
	/* "never executed": the actual keys are there with loops 0 (or, in the text
	 * format's spirit, absent in a node of an analyzed plan: handled by the caller) */
	n->analyzed = has_total > 0;
	n->never_executed = n->analyzed && n->loops == 0;
	n->time_ms = n->analyzed ? total * n->loops : 0;
	return 0;
}

static pgiam_plan_node *new_node(parse_ctx *c)
{
	pgiam_plan *p = c->p;

	if (p->n == PGIAM_PLAN_NODES_MAX) {
		fail(c, "the plan has more than %s nodes", "20000");
		return NULL;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		pgiam_plan_node *grown = realloc(p->nodes, cap * sizeof(*grown));

		if (!grown) {
			fail(c, "%s", "out of memory");
			return NULL;
		}
		p->nodes = grown;
		p->cap = cap;
	}
	memset(&p->nodes[p->n], 0, sizeof(p->nodes[0]));
	return &p->nodes[p->n++];
}

static int parse_node(parse_ctx *c, json_object *o, int depth, size_t parent)
{
	json_object *plans = NULL;
	pgiam_plan_node *n;
	size_t self, count = 0;

	if (depth > PGIAM_PLAN_DEPTH_MAX)
		return fail(c, "the plan is nested deeper than %s levels", "200");
	if (!json_object_is_type(o, json_type_object))
		return fail(c, "a plan node is not an %s", "object");
	if (!(n = new_node(c)))
		return -1;
	self = c->p->n - 1;
	n->depth = depth;
	n->parent = parent;
	n->last = 1;
	if (node_strings(c, n, o) < 0 || node_numbers(c, n, o) < 0)
		return -1;
	if (json_object_object_get_ex(o, "Plans", &plans) && plans) {
		if (!json_object_is_type(plans, json_type_array))
			return fail(c, "\"Plans\" of node \"%s\" is not an array", n->type);
		count = json_object_array_length(plans);
	}
	for (size_t i = 0; i < count; i++) {
		size_t child = c->p->n;

		if (parse_node(c, json_object_array_get_idx(plans, i), depth + 1, self) < 0)
			return -1;
		c->p->nodes[child].last = i + 1 == count;
	}
	c->p->nodes[self].nchildren = count;
	return 0;
}

/* Exclusive times, misestimates and the slowest node, once the tree is read. */
static void compute(pgiam_plan *p)
{
	double slowest = 0;

	for (size_t i = 0; i < p->n; i++)
		p->nodes[i].self_ms = p->nodes[i].time_ms;
	for (size_t i = 0; i < p->n; i++) {
		pgiam_plan_node *n = &p->nodes[i];

		if (n->parent != PGIAM_PLAN_NONE)
			p->nodes[n->parent].self_ms -= n->time_ms;
		p->analyzed |= n->analyzed;
	}
	p->slowest = PGIAM_PLAN_NONE;
	for (size_t i = 0; i < p->n; i++) {
		pgiam_plan_node *n = &p->nodes[i];
		double est = n->plan_rows > 1 ? n->plan_rows : 1;
		double act = n->actual_rows > 1 ? n->actual_rows : 1;

		/* parallel workers' loops or a shared subplan can make it negative */
		if (n->self_ms < 0)
			n->self_ms = 0;
		if (n->analyzed && n->self_ms > slowest) {
			slowest = n->self_ms;
			p->slowest = i;
		}
		if (!n->analyzed || n->never_executed)
			continue;
		n->factor = act >= est ? act / est : est / act;
		if (n->factor >= PGIAM_PLAN_MISESTIMATE) {
			n->misestimate = act >= est ? 1 : -1;
			p->misestimates++;
		}
	}
	if (p->slowest != PGIAM_PLAN_NONE)
		p->nodes[p->slowest].slowest = 1;
}

static int parse_top(parse_ctx *c, json_object *root)
{
	json_object *first, *plan = NULL;
	double t = 0;
	int rc;

	if (!json_object_is_type(root, json_type_array) || !json_object_array_length(root))
		return fail(c, "the plan is not EXPLAIN's JSON: %s", "not an array of plans");
	first = json_object_array_get_idx(root, 0);
	if (!json_object_is_type(first, json_type_object) ||
	    !json_object_object_get_ex(first, "Plan", &plan) || !plan)
		return fail(c, "the plan is not EXPLAIN's JSON: %s", "no \"Plan\" object");
	c->p->planning_ms = c->p->execution_ms = -1;
	if ((rc = get_number(&t, first, "Planning Time")) < 0)
		return fail(c, "\"%s\" is not a number", "Planning Time");
	if (rc)
		c->p->planning_ms = t;
	if ((rc = get_number(&t, first, "Execution Time")) < 0)
		return fail(c, "\"%s\" is not a number", "Execution Time");
	if (rc)
		c->p->execution_ms = t;
	if (parse_node(c, plan, 0, PGIAM_PLAN_NONE) < 0)
		return -1;
	compute(c->p);
	return 0;
}

int pgiam_plan_parse(pgiam_plan **out, const char *json, size_t len)
{
	parse_ctx c = { NULL, "" };
	struct json_tokener *tok = NULL;
	json_object *root = NULL;
	int error = 0;

	*out = NULL;
	if (!json || len > (size_t)0x7fffffff)
		return pgiam_error_set(PGIAM_EINVAL, "the plan is not EXPLAIN's JSON: too long");
	if (!(c.p = calloc(1, sizeof(*c.p))) || !(tok = json_tokener_new_ex(PLAN_JSON_DEPTH))) {
		error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");
		goto cleanup;
	}
	root = json_tokener_parse_ex(tok, json, (int)len);
	if (!root || json_tokener_get_error(tok) != json_tokener_success) {
		error = pgiam_error_set(PGIAM_EINVAL, "the plan is not EXPLAIN's JSON: %s",
			root ? "trailing data" : json_tokener_error_desc(json_tokener_get_error(tok)));
		goto cleanup;
	}
	for (size_t end = json_tokener_get_parse_end(tok); end < len; end++)
		if (!strchr(" \t\r\n", json[end])) {
			error = pgiam_error_set(PGIAM_EINVAL, "the plan is not EXPLAIN's JSON: "
				"trailing data");
			goto cleanup;
		}
	if (parse_top(&c, root) < 0) {
		error = pgiam_error_set(PGIAM_EINVAL, "%s", c.error);
		goto cleanup;
	}
	*out = c.p;
	c.p = NULL;
cleanup:
	json_object_put(root);
	if (tok)
		json_tokener_free(tok);
	pgiam_plan_free(c.p);
	return error;
}

void pgiam_plan_free(pgiam_plan *p)
{
	if (!p)
		return;
	free(p->nodes);
	free(p);
}

size_t pgiam_plan_count(const pgiam_plan *p)
{
	return p ? p->n : 0;
}

const pgiam_plan_node *pgiam_plan_node_at(const pgiam_plan *p, size_t i)
{
	return p && i < p->n ? &p->nodes[i] : NULL;
}

int pgiam_plan_analyzed(const pgiam_plan *p)
{
	return p->analyzed;
}

double pgiam_plan_planning_ms(const pgiam_plan *p)
{
	return p->planning_ms;
}

double pgiam_plan_execution_ms(const pgiam_plan *p)
{
	return p->execution_ms;
}

size_t pgiam_plan_slowest(const pgiam_plan *p)
{
	return p->slowest;
}

size_t pgiam_plan_misestimates(const pgiam_plan *p)
{
	return p->misestimates;
}

/* --- text */

int pgiam_plan_tree_prefix(pgiam_buf *out, const pgiam_plan *p, size_t i)
{
	const pgiam_plan_node *n = &p->nodes[i];
	size_t chain[PGIAM_PLAN_DEPTH_MAX + 2];
	int depth = 0, error = 0;

	if (n->parent == PGIAM_PLAN_NONE)
		return 0;
	/* the ancestors below the root, nearest last: a vertical bar where one of them
	 * has siblings still to come */
	for (size_t a = n->parent; a != PGIAM_PLAN_NONE && p->nodes[a].parent != PGIAM_PLAN_NONE &&
	     depth < PGIAM_PLAN_DEPTH_MAX; a = p->nodes[a].parent)
		chain[depth++] = a;
	while (depth-- > 0 && !error)
		error = pgiam_buf_puts(out, p->nodes[chain[depth]].last ? "   " : "\xE2\x94\x82  ");
	if (!error)
		error = pgiam_buf_puts(out, n->last ? "\xE2\x94\x94\xE2\x94\x80 " :
			"\xE2\x94\x9C\xE2\x94\x80 ");
	return error;
}

static const char *aggregate_name(const char *strategy)
{
	if (!strcmp(strategy, "Hashed"))
		return "HashAggregate";
	if (!strcmp(strategy, "Sorted"))
		return "GroupAggregate";
	if (!strcmp(strategy, "Mixed"))
		return "MixedAggregate";
	return "Aggregate";
}

int pgiam_plan_node_label(pgiam_buf *out, const pgiam_plan_node *n)
{
	int error = 0;
	int join = !strcmp(n->type, "Nested Loop") || !strcmp(n->type, "Hash Join") ||
		!strcmp(n->type, "Merge Join");

	if (n->subplan[0])
		error = pgiam_buf_printf(out, "%s: ", n->subplan);
	if (!error && !strcmp(n->type, "ModifyTable") && n->operation[0])
		error = pgiam_buf_puts(out, n->operation);
	else if (!error && !strcmp(n->type, "Aggregate"))
		error = pgiam_buf_puts(out, aggregate_name(n->strategy));
	else if (!error && join && n->join_type[0] && strcmp(n->join_type, "Inner"))
		/* as the text format names them: "Hash Left Join", "Nested Loop Anti Join" */
		error = pgiam_buf_printf(out, "%.*s %s Join", !strcmp(n->type, "Nested Loop") ? 11 :
			(int)strcspn(n->type, " "), n->type, n->join_type);
	else if (!error)
		error = pgiam_buf_puts(out, n->type);
	if (!error && n->index[0])
		error = pgiam_buf_printf(out, " using %s", n->index);
	if (!error && n->relation[0])
		error = pgiam_buf_printf(out, " on %s", n->relation);
	if (!error && n->alias[0] && strcmp(n->alias, n->relation))
		error = pgiam_buf_printf(out, " %s", n->alias);
	return error;
}

/* Rows as the server counts them: whole numbers without decimals. */
static int put_count(pgiam_buf *out, double v)
{
	if (v < 1e15 && v == (double)(long long)v)
		return pgiam_buf_printf(out, "%.0f", v);
	return pgiam_buf_printf(out, "%.4g", v);
}

int pgiam_plan_node_rows(pgiam_buf *out, const pgiam_plan_node *n)
{
	int error = pgiam_buf_puts(out, "rows ");

	if (!error)
		error = put_count(out, n->plan_rows);
	if (error || !n->analyzed)
		return error ? error : pgiam_buf_puts(out, " (est)");
	if (n->never_executed)
		return pgiam_buf_puts(out, " \xE2\x86\x92 never executed");
	if (!(error = pgiam_buf_puts(out, " \xE2\x86\x92 ")))
		error = put_count(out, n->actual_rows);
	if (!error && n->loops != 1) {
		if (!(error = pgiam_buf_puts(out, " \xC3\x97")))
			error = put_count(out, n->loops);
		if (!error)
			error = pgiam_buf_puts(out, " loops");
	}
	return error;
}

int pgiam_plan_node_time(pgiam_buf *out, const pgiam_plan_node *n)
{
	if (!n->analyzed || n->never_executed)
		return 0;
	return pgiam_buf_printf(out, "%.3f ms (self %.3f)", n->time_ms, n->self_ms);
}

int pgiam_plan_node_buffers(pgiam_buf *out, const pgiam_plan_node *n)
{
	int error;

	if (!n->buffers)
		return 0;
	if ((error = pgiam_buf_puts(out, "hit ")) < 0 || (error = put_count(out, n->shared_hit)) < 0 ||
	    (error = pgiam_buf_puts(out, " read ")) < 0)
		return error;
	return put_count(out, n->shared_read);
}

int pgiam_plan_node_marks(pgiam_buf *out, const pgiam_plan_node *n)
{
	int error = 0;

	if (n->misestimate)
		error = pgiam_buf_printf(out, "[rows %.0fx %s]", n->factor >= 1e15 ? 1e15 : n->factor,
			n->misestimate > 0 ? "underestimated" : "overestimated");
	if (!error && n->slowest)
		error = pgiam_buf_printf(out, "%s[slowest]", n->misestimate ? " " : "");
	return error;
}
