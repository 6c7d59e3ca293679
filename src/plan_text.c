/* plan_text.c - a parsed plan (plan.h) as the CLI prints it and the TUI's details
 * show it: the whole tree as text, one node's figures, the tree as JSON (json-c). Only
 * the public accessors of plan.c are used, so the TUI and the CLI see the same thing.
 */
#include "plan.h"

#include "error.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

typedef int (*part_fn)(pgiam_buf *out, const pgiam_plan_node *n);

/* "  " + part(n) when part says something. */
static int put_part(pgiam_buf *out, part_fn part, const pgiam_plan_node *n, const char *lead)
{
	size_t before = out->len;
	int error = pgiam_buf_puts(out, lead);

	if (!error && (error = part(out, n)) == 0 && out->len == before + strlen(lead)) {
		out->len = before;   /* nothing said: the lead goes too */
		out->ptr[before] = '\0';
	}
	return error;
}

static int put_cost(pgiam_buf *out, const pgiam_plan_node *n)
{
	return pgiam_buf_printf(out, "cost %.2f..%.2f", n->startup_cost, n->total_cost);
}

/* The tree's lines beside the notes under node i: its ancestors' bars and its own
 * (when it has children below the notes). */
static int cont_prefix(pgiam_buf *out, const pgiam_plan *p, size_t i)
{
	const pgiam_plan_node *n = pgiam_plan_node_at(p, i);
	size_t chain[PGIAM_PLAN_DEPTH_MAX + 2];
	int depth = 0, error = 0;

	for (size_t a = i; a != PGIAM_PLAN_NONE && pgiam_plan_node_at(p, a)->parent !=
	     PGIAM_PLAN_NONE && depth < PGIAM_PLAN_DEPTH_MAX; a = pgiam_plan_node_at(p, a)->parent)
		chain[depth++] = a;
	while (depth-- > 0 && !error)
		error = pgiam_buf_puts(out, pgiam_plan_node_at(p, chain[depth])->last ? "   " :
			"\xE2\x94\x82  ");
	if (!error)
		error = pgiam_buf_puts(out, n->nchildren ? "\xE2\x94\x82    " : "     ");
	return error;
}

/* The lines under a node: its condition and filter, under its label. */
static int render_notes(pgiam_buf *out, const pgiam_plan *p, size_t i)
{
	const pgiam_plan_node *n = pgiam_plan_node_at(p, i);
	int error = 0;

	if (n->cond[0] && (error = cont_prefix(out, p, i)) == 0)
		error = pgiam_buf_printf(out, "%s: %s\n", n->cond_label, n->cond);
	if (!error && n->filter[0] && (error = cont_prefix(out, p, i)) == 0) {
		error = pgiam_buf_printf(out, "%s: %s", n->filter_label, n->filter);
		if (!error && n->removed >= 0)
			error = pgiam_buf_printf(out, " (removed %.0f)", n->removed);
		if (!error)
			error = pgiam_buf_putc(out, '\n');
	}
	return error;
}

int pgiam_plan_render(pgiam_buf *out, const pgiam_plan *p)
{
	int error = 0;

	for (size_t i = 0; i < pgiam_plan_count(p) && !error; i++) {
		const pgiam_plan_node *n = pgiam_plan_node_at(p, i);

		if ((error = pgiam_plan_tree_prefix(out, p, i)) < 0 ||
		    (error = pgiam_plan_node_label(out, n)) < 0 ||
		    (error = put_part(out, put_cost, n, "  ")) < 0 ||
		    (error = put_part(out, pgiam_plan_node_rows, n, "  ")) < 0 ||
		    (error = put_part(out, pgiam_plan_node_time, n, "  time ")) < 0 ||
		    (error = put_part(out, pgiam_plan_node_buffers, n, "  buffers ")) < 0 ||
		    (error = put_part(out, pgiam_plan_node_marks, n, "  ")) < 0 ||
		    (error = pgiam_buf_putc(out, '\n')) < 0)
			break;
		error = render_notes(out, p, i);
	}
	if (!error && pgiam_plan_planning_ms(p) >= 0)
		error = pgiam_buf_printf(out, "Planning time: %.3f ms\n", pgiam_plan_planning_ms(p));
	if (!error && pgiam_plan_execution_ms(p) >= 0)
		error = pgiam_buf_printf(out, "Execution time: %.3f ms\n", pgiam_plan_execution_ms(p));
	if (!error && pgiam_plan_analyzed(p))
		error = pgiam_buf_printf(out, "%zu misestimate%s (rows off by %.0fx or more)\n",
			pgiam_plan_misestimates(p), pgiam_plan_misestimates(p) == 1 ? "" : "s",
			PGIAM_PLAN_MISESTIMATE);
	return error;
}

int pgiam_plan_node_details(pgiam_buf *out, const pgiam_plan *p, size_t i)
{
	const pgiam_plan_node *n = pgiam_plan_node_at(p, i);
	int error;

	if (!n)
		return pgiam_error_set(PGIAM_EINVAL, "no such plan node");
	if ((error = pgiam_buf_puts(out, "Node: ")) < 0 || (error = pgiam_plan_node_label(out, n)) < 0)
		return error;
	error = pgiam_buf_printf(out, "\nNode type: %s\n", n->type);
	if (!error && n->relationship[0])
		error = pgiam_buf_printf(out, "Parent relationship: %s\n", n->relationship);
	if (!error && n->relation[0])
		error = pgiam_buf_printf(out, "Relation: %s%s%s\n", n->relation, n->alias[0] ?
			" alias " : "", n->alias);
	if (!error && n->index[0])
		error = pgiam_buf_printf(out, "Index: %s\n", n->index);
	if (!error && n->join_type[0])
		error = pgiam_buf_printf(out, "Join type: %s\n", n->join_type);
	if (!error)
		error = pgiam_buf_printf(out, "Cost: startup %.2f, total %.2f\nEstimated rows: %.0f "
			"(width %ld)\n", n->startup_cost, n->total_cost, n->plan_rows, n->plan_width);
	if (!error && n->analyzed && n->never_executed)
		error = pgiam_buf_puts(out, "Actual: never executed\n");
	else if (!error && n->analyzed)
		error = pgiam_buf_printf(out, "Actual rows: %.0f per loop, %.0f loops\nActual time: "
			"first row %.3f ms, all rows %.3f ms per loop\nTime inclusive: %.3f ms\nTime "
			"exclusive (self): %.3f ms\n", n->actual_rows, n->loops, n->actual_startup_ms,
			n->actual_total_ms, n->time_ms, n->self_ms);
	if (!error && n->misestimate)
		error = pgiam_buf_printf(out, "Misestimate: actual rows are %.0fx %s the estimate\n",
			n->factor, n->misestimate > 0 ? "more than" : "fewer than");
	if (!error && n->slowest)
		error = pgiam_buf_puts(out, "Slowest node: the largest exclusive time of the plan\n");
	if (!error && n->buffers)
		error = pgiam_buf_printf(out, "Shared buffers: hit %.0f, read %.0f\n", n->shared_hit,
			n->shared_read);
	if (!error && n->cond[0])
		error = pgiam_buf_printf(out, "%s: %s\n", n->cond_label, n->cond);
	if (!error && n->filter[0])
		error = pgiam_buf_printf(out, "%s: %s\n", n->filter_label, n->filter);
	if (!error && n->removed >= 0)
		error = pgiam_buf_printf(out, "Rows removed by filter: %.0f\n", n->removed);
	return error;
}

/* A figure as the server would write it, not with binary floating point's noise. */
static json_object *num(double d)
{
	char text[40];

	snprintf(text, sizeof(text), "%.10g", d);
	return json_object_new_double_s(d, text);
}

static void add_str(json_object *o, const char *key, const char *v)
{
	if (v[0])
		json_object_object_add(o, key, json_object_new_string(v));
}

static json_object *node_json(const pgiam_plan *p, size_t i)
{
	const pgiam_plan_node *n = pgiam_plan_node_at(p, i);
	json_object *o = json_object_new_object(), *kids = json_object_new_array();
	pgiam_buf label = PGIAM_BUF_INIT;

	if (pgiam_plan_node_label(&label, n) == 0)
		json_object_object_add(o, "label", json_object_new_string(pgiam_buf_cstr(&label)));
	pgiam_buf_dispose(&label);
	add_str(o, "node_type", n->type);
	add_str(o, "relation", n->relation);
	add_str(o, "alias", n->alias);
	add_str(o, "index", n->index);
	add_str(o, "join_type", n->join_type);
	add_str(o, "cond_label", n->cond_label);
	add_str(o, "cond", n->cond);
	add_str(o, "filter_label", n->filter_label);
	add_str(o, "filter", n->filter);
	json_object_object_add(o, "startup_cost", num(n->startup_cost));
	json_object_object_add(o, "total_cost", num(n->total_cost));
	json_object_object_add(o, "plan_rows", num(n->plan_rows));
	if (n->removed >= 0)
		json_object_object_add(o, "rows_removed_by_filter", num(n->removed));
	if (n->analyzed) {
		json_object_object_add(o, "actual_rows", num(n->actual_rows));
		json_object_object_add(o, "loops", num(n->loops));
		json_object_object_add(o, "time_ms", num(n->time_ms));
		json_object_object_add(o, "self_ms", num(n->self_ms));
		json_object_object_add(o, "never_executed", json_object_new_boolean(n->never_executed));
	}
	if (n->buffers) {
		json_object_object_add(o, "shared_hit", num(n->shared_hit));
		json_object_object_add(o, "shared_read", num(n->shared_read));
	}
	json_object_object_add(o, "misestimate", json_object_new_string(n->misestimate > 0 ?
		"underestimated" : n->misestimate < 0 ? "overestimated" : ""));
	if (n->misestimate)
		json_object_object_add(o, "misestimate_factor", num(n->factor));
	json_object_object_add(o, "slowest", json_object_new_boolean(n->slowest));
	/* the children follow their parent; depth bounds the recursion (plan.h) */
	for (size_t k = i + 1; k < pgiam_plan_count(p) && pgiam_plan_node_at(p, k)->depth > n->depth;
	     k++)
		if (pgiam_plan_node_at(p, k)->parent == i)
			json_object_array_add(kids, node_json(p, k));
	json_object_object_add(o, "children", kids);
	return o;
}

int pgiam_plan_json(pgiam_buf *out, const pgiam_plan *p)
{
	json_object *o = json_object_new_object();
	int error;

	if (!o)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	json_object_object_add(o, "analyzed", json_object_new_boolean(pgiam_plan_analyzed(p)));
	if (pgiam_plan_planning_ms(p) >= 0)
		json_object_object_add(o, "planning_ms", num(pgiam_plan_planning_ms(p)));
	if (pgiam_plan_execution_ms(p) >= 0)
		json_object_object_add(o, "execution_ms",
			num(pgiam_plan_execution_ms(p)));
	json_object_object_add(o, "misestimates",
		json_object_new_int64((int64_t)pgiam_plan_misestimates(p)));
	json_object_object_add(o, "plan", node_json(p, 0));
	error = pgiam_buf_puts(out, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
		JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return error;
}
