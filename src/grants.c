/* grants.c - the answer to "what may this IAM database user do, and through which
 * role": the server's documents (grants_sql.c) reshaped into issue 11's JSON, the IAM
 * side from the session's pgiam_auth and the profile, one object's holds for
 * explanations and the probe. Rendering is in grants_render.c.
 *
 * The model is the JSON tree itself (json-c): the server builds it, this file only
 * reshapes it ({"p": "SELECT", ...} lists become {"SELECT": {...}} objects) and fills
 * "via" where the server says a privilege is held that no ACL entry explains. */
#include "grants.h"
#include "grants_int.h"

#include "arn.h"
#include "error.h"
#include "session_profile.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int pgiam_grants_new(pgiam_grants **out)
{
	pgiam_grants *g = calloc(1, sizeof(*g));

	*out = NULL;
	if (!g)
		return pgiam_error_set(PGIAM_ENOMEM, "grants: out of memory");
	g->schemas = json_object_new_array();
	g->tables = json_object_new_array();
	g->sequences = json_object_new_array();
	g->functions = json_object_new_array();
	if (!g->schemas || !g->tables || !g->sequences || !g->functions) {
		pgiam_grants_free(g);
		return pgiam_error_set(PGIAM_ENOMEM, "grants: out of memory");
	}
	*out = g;
	return 0;
}

void pgiam_grants_free(pgiam_grants *g)
{
	if (!g)
		return;
	json_object_put(g->role);
	json_object_put(g->schemas);
	json_object_put(g->tables);
	json_object_put(g->sequences);
	json_object_put(g->functions);
	json_object_put(g->iam);
	free(g);
}

const char *pgiam__grants_str(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!o || !json_object_object_get_ex(o, key, &v) || !v ||
	    json_object_get_type(v) == json_type_null)
		return NULL;
	return json_object_get_string(v);
}

int pgiam__grants_bool(json_object *o, const char *key)
{
	json_object *v = NULL;

	return o && json_object_object_get_ex(o, key, &v) && v && json_object_get_boolean(v);
}

json_object *pgiam__grants_get(json_object *o, const char *key)
{
	json_object *v = NULL;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static const char *relkind_name(const char *k)
{
	switch (k && *k ? *k : '?') {
	case 'r': return "table";
	case 'p': return "partitioned table";
	case 'v': return "view";
	case 'm': return "materialized view";
	case 'f': return "foreign table";
	case 'S': return "sequence";
	default: return "relation";
	}
}

static const char *prokind_name(const char *k)
{
	switch (k && *k ? *k : '?') {
	case 'p': return "procedure";
	case 'w': return "window function";
	default: return "function";
	}
}

/* [{"p": "SELECT", "held": …, "via": […], "grantable": …}, …] as
 * {"SELECT": {"held": …, "via": […], "grantable": …}, …}, in the same order. */
static json_object *privileges_object(json_object *list)
{
	json_object *out = json_object_new_object();
	size_t n = list && json_object_is_type(list, json_type_array) ?
		json_object_array_length(list) : 0;

	for (size_t i = 0; out && i < n; i++) {
		json_object *e = json_object_array_get_idx(list, i), *p = json_object_new_object();
		json_object *via = pgiam__grants_get(e, "via");
		const char *name = pgiam__grants_str(e, "p");

		if (!p || !name) {
			json_object_put(p);
			continue;
		}
		json_object_object_add(p, "held", json_object_new_boolean(pgiam__grants_bool(e, "held")));
		json_object_object_add(p, "via", via && json_object_is_type(via, json_type_array) ?
			json_object_get(via) : json_object_new_array());
		json_object_object_add(p, "grantable",
			json_object_new_boolean(pgiam__grants_bool(e, "grantable")));
		json_object_object_add(out, name, p);
	}
	return out;
}

/* One relation of a schema document, reshaped, into tables or sequences. */
static int add_relation(pgiam_grants *g, const char *schema, int usage, json_object *r)
{
	const char *kind = pgiam__grants_str(r, "kind");
	json_object *o = json_object_new_object(), *cols, *colobj, *rls;
	int seq = kind && !strcmp(kind, "S");

	if (!o)
		return pgiam_error_set(PGIAM_ENOMEM, "grants: out of memory");
	json_object_object_add(o, "schema", json_object_new_string(schema));
	json_object_object_add(o, "name", json_object_new_string(pgiam__grants_str(r, "name") ?
		pgiam__grants_str(r, "name") : ""));
	json_object_object_add(o, "kind", json_object_new_string(relkind_name(kind)));
	json_object_object_add(o, "owner", json_object_get(pgiam__grants_get(r, "owner")));
	json_object_object_add(o, "schema_usage", json_object_new_boolean(usage));
	json_object_object_add(o, "privileges", privileges_object(pgiam__grants_get(r, "privileges")));
	if (!seq) {
		colobj = json_object_new_object();
		cols = pgiam__grants_get(r, "columns");
		for (size_t i = 0; cols && json_object_is_type(cols, json_type_array) &&
		     i < json_object_array_length(cols); i++) {
			json_object *c = json_object_array_get_idx(cols, i);
			const char *cname = pgiam__grants_str(c, "name");

			if (cname)
				json_object_object_add(colobj, cname,
					privileges_object(pgiam__grants_get(c, "privileges")));
		}
		json_object_object_add(o, "columns", colobj);
		rls = pgiam__grants_get(r, "rls");
		json_object_object_add(o, "rls", rls ? json_object_get(rls) : NULL);
	}
	json_object_array_add(seq ? g->sequences : g->tables, o);
	return 0;
}

static int add_function(pgiam_grants *g, const char *schema, int usage, json_object *f)
{
	json_object *o = json_object_new_object();

	if (!o)
		return pgiam_error_set(PGIAM_ENOMEM, "grants: out of memory");
	json_object_object_add(o, "schema", json_object_new_string(schema));
	json_object_object_add(o, "name", json_object_get(pgiam__grants_get(f, "name")));
	json_object_object_add(o, "arguments", json_object_get(pgiam__grants_get(f, "arguments")));
	json_object_object_add(o, "kind", json_object_new_string(
		prokind_name(pgiam__grants_str(f, "kind"))));
	json_object_object_add(o, "owner", json_object_get(pgiam__grants_get(f, "owner")));
	json_object_object_add(o, "schema_usage", json_object_new_boolean(usage));
	json_object_object_add(o, "privileges", privileges_object(pgiam__grants_get(f, "privileges")));
	json_object_array_add(g->functions, o);
	return 0;
}

static int add_schema(pgiam_grants *g, json_object *doc)
{
	const char *name = pgiam__grants_str(doc, "name");
	json_object *s, *privs, *usage, *rels, *fns;
	int has_usage, error = 0;

	if (!name)
		return pgiam_error_set(PGIAM_ESERVER, "grants: a schema row without a name");
	privs = privileges_object(pgiam__grants_get(doc, "privileges"));
	usage = pgiam__grants_get(privs, "USAGE");
	has_usage = pgiam__grants_bool(usage, "held");
	if (!(s = json_object_new_object())) {
		json_object_put(privs);
		return pgiam_error_set(PGIAM_ENOMEM, "grants: out of memory");
	}
	json_object_object_add(s, "name", json_object_new_string(name));
	json_object_object_add(s, "owner", json_object_get(pgiam__grants_get(doc, "owner")));
	json_object_object_add(s, "usage", json_object_new_boolean(has_usage));
	json_object_object_add(s, "privileges", privs);
	json_object_array_add(g->schemas, s);
	rels = pgiam__grants_get(doc, "relations");
	fns = pgiam__grants_get(doc, "functions");
	for (size_t i = 0; !error && rels && json_object_is_type(rels, json_type_array) &&
	     i < json_object_array_length(rels); i++)
		error = add_relation(g, name, has_usage, json_object_array_get_idx(rels, i));
	for (size_t i = 0; !error && fns && json_object_is_type(fns, json_type_array) &&
	     i < json_object_array_length(fns); i++)
		error = add_function(g, name, has_usage, json_object_array_get_idx(fns, i));
	return error;
}

int pgiam_grants_add_row(pgiam_grants *g, const char *kind, const char *doc)
{
	json_object *o = doc ? json_tokener_parse(doc) : NULL;
	int error = 0;

	if (!kind || !o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return pgiam_error_set(PGIAM_ESERVER, "grants: a row of an unexpected shape");
	}
	if (!strcmp(kind, "role")) {
		json_object_put(g->role);
		g->role = o;
		return 0;
	}
	if (!strcmp(kind, "schema"))
		error = add_schema(g, o);
	else
		error = pgiam_error_set(PGIAM_ESERVER, "grants: a row of kind '%.40s'", kind);
	json_object_put(o);
	return error;
}

/* Whether role (by name) is among the roles whose privileges current_user uses. */
static int inherits(const pgiam_grants *g, const char *role)
{
	json_object *m = pgiam__grants_get(g->role, "memberships");

	for (size_t i = 0; m && i < json_object_array_length(m); i++) {
		json_object *e = json_object_array_get_idx(m, i);
		const char *r = pgiam__grants_str(e, "role");

		if (r && !strcmp(r, role) && pgiam__grants_bool(e, "effective"))
			return 1;
	}
	return 0;
}

static int is_member(const pgiam_grants *g, const char *role)
{
	json_object *m = pgiam__grants_get(g->role, "memberships");

	for (size_t i = 0; m && i < json_object_array_length(m); i++)
		if (!strcmp(pgiam__grants_str(json_object_array_get_idx(m, i), "role") ?
		    pgiam__grants_str(json_object_array_get_idx(m, i), "role") : "", role))
			return 1;
	return 0;
}

/* A privilege the server says is held though no ACL entry gives it: name what does. */
static void explain_unlisted(const pgiam_grants *g, const char *priv, json_object *p,
	int schema_level)
{
	json_object *via = pgiam__grants_get(p, "via");
	const char *by = NULL;

	if (!pgiam__grants_bool(p, "held") || !via || json_object_array_length(via))
		return;
	if (g->superuser)
		by = "superuser";
	else if (g->read_all_data && (!strcmp(priv, "SELECT") || (schema_level &&
	    !strcmp(priv, "USAGE"))))
		by = "pg_read_all_data";
	else if (g->write_all_data && (!strcmp(priv, "INSERT") || !strcmp(priv, "UPDATE") ||
	    !strcmp(priv, "DELETE") || (schema_level && !strcmp(priv, "USAGE"))))
		by = "pg_write_all_data";
	if (by)
		json_object_array_add(via, json_object_new_string(by));
	else   /* the server's word stands; say that the catalog did not explain it */
		json_object_object_add(p, "unexplained", json_object_new_boolean(1));
}

static void explain_all(const pgiam_grants *g, json_object *privs, int schema_level)
{
	json_object_object_foreach(privs, key, val)
		explain_unlisted(g, key, val, schema_level);
}

static void explain_list(const pgiam_grants *g, json_object *list)
{
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *o = json_object_array_get_idx(list, i);
		json_object *cols = pgiam__grants_get(o, "columns");

		explain_all(g, pgiam__grants_get(o, "privileges"), 0);
		if (cols) {
			json_object_object_foreach(cols, cname, cprivs) {
				(void)cname;
				explain_all(g, cprivs, 0);
			}
		}
	}
}

int pgiam_grants_finish(pgiam_grants *g)
{
	json_object *dbp;

	if (!g->role)
		return pgiam_error_set(PGIAM_ESERVER, "grants: the server sent no role row");
	g->superuser = pgiam__grants_bool(g->role, "superuser");
	g->read_all_data = inherits(g, "pg_read_all_data");
	g->write_all_data = inherits(g, "pg_write_all_data");
	g->rds_superuser = inherits(g, "rds_superuser");
	g->rds_iam = is_member(g, "rds_iam");
	dbp = privileges_object(pgiam__grants_get(g->role, "privileges"));
	json_object_object_add(g->role, "database_privileges", dbp);
	json_object_object_del(g->role, "privileges");
	explain_all(g, dbp, 0);
	for (size_t i = 0; i < json_object_array_length(g->schemas); i++)
		explain_all(g, pgiam__grants_get(json_object_array_get_idx(g->schemas, i),
			"privileges"), 1);
	explain_list(g, g->tables);
	explain_list(g, g->sequences);
	explain_list(g, g->functions);
	g->finished = 1;
	return 0;
}

size_t pgiam_grants_object_count(const pgiam_grants *g)
{
	return json_object_array_length(g->tables) + json_object_array_length(g->sequences) +
		json_object_array_length(g->functions);
}

size_t pgiam_grants_schema_count(const pgiam_grants *g)
{
	return json_object_array_length(g->schemas);
}

/* --- one statement through the session ----------------------------------------- */

typedef struct fetch_ctx {
	pgiam_grants *g;
	int error;
	int failed;
} fetch_ctx;

static void on_event(const pgiam_session_event *ev, pgiam_session *s, void *ctx)
{
	fetch_ctx *f = ctx;

	(void)s;
	if (ev->kind == PGIAM_SEV_ROW && !f->error) {
		if (ev->nfields != 2)
			f->error = pgiam_error_set(PGIAM_ESERVER, "grants: a row of %d columns",
				ev->nfields);
		else
			f->error = pgiam_grants_add_row(f->g, ev->values[0], ev->values[1]);
	} else if (ev->kind == PGIAM_SEV_ERROR || ev->kind == PGIAM_SEV_CANCELLED)
		f->failed = 1;
}

static int fetch_sql(pgiam_grants **out, pgiam_session *s, const pgiam_grants_options *opts)
{
	pgiam_buf sql = PGIAM_BUF_INIT;
	fetch_ctx f = { NULL, 0, 0 };
	int error;

	*out = NULL;
	if ((error = pgiam_grants_sql(&sql, opts)) < 0 || (error = pgiam_grants_new(&f.g)) < 0)
		goto cleanup;
	if ((error = pgiam_session_query(s, pgiam_buf_cstr(&sql))) < 0)
		goto cleanup;
	error = pgiam_session_run(s, on_event, &f);
	if (!error && f.failed)
		error = pgiam_error_set(pgiam_session_last_error(s)->code ?
			pgiam_session_last_error(s)->code : PGIAM_ESERVER, "%s",
			pgiam_session_last_error(s)->message);
	if (!error && f.error)
		error = f.error;
	if (!error)
		error = pgiam_grants_finish(f.g);
	if (!error) {
		*out = f.g;
		f.g = NULL;
	}

cleanup:
	pgiam_grants_free(f.g);
	pgiam_buf_dispose(&sql);
	return error;
}

int pgiam_grants_fetch(pgiam_grants **out, pgiam_session *s, const pgiam_profile *profile,
	const pgiam_grants_options *opts)
{
	int error;

	if ((error = fetch_sql(out, s, opts)) < 0)
		return error;
	if ((error = pgiam_grants_set_iam(*out, s, profile)) < 0) {
		pgiam_grants_free(*out);
		*out = NULL;
	}
	return error;
}

/* --- one object's holds ----------------------------------------------------------- */

static void copy_priv(pgiam_grants_priv *out, const char *name, json_object *p)
{
	json_object *via = pgiam__grants_get(p, "via");

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", name);
	out->held = pgiam__grants_bool(p, "held");
	out->grantable = pgiam__grants_bool(p, "grantable");
	for (size_t i = 0; via && i < json_object_array_length(via) &&
	     out->nvia < PGIAM_GRANTS_VIA_MAX; i++)
		snprintf(out->via[out->nvia++], sizeof(out->via[0]), "%s",
			json_object_get_string(json_object_array_get_idx(via, i)));
}

static size_t copy_privs(pgiam_grants_priv *out, size_t max, json_object *privs)
{
	size_t n = 0;

	if (!privs)
		return 0;
	json_object_object_foreach(privs, key, val) {
		if (n < max)
			copy_priv(&out[n++], key, val);
	}
	return n;
}

/* The object named in list (schema NULL: public first, then the first by schema). */
static json_object *find_object(json_object *list, const char *schema, const char *name)
{
	json_object *hit = NULL;

	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *o = json_object_array_get_idx(list, i);
		const char *s = pgiam__grants_str(o, "schema"), *n = pgiam__grants_str(o, "name");

		if (!s || !n || strcmp(n, name) || (schema && strcmp(s, schema)))
			continue;
		if (schema || !strcmp(s, "public"))
			return o;
		if (!hit)
			hit = o;
	}
	return hit;
}

static int copy_holds(pgiam_grants_holds *out, const pgiam_grants *g, json_object *o)
{
	json_object *cols = pgiam__grants_get(o, "columns"), *rls = pgiam__grants_get(o, "rls");
	json_object *pols = pgiam__grants_get(rls, "policies");
	size_t ncols = cols && json_object_is_type(cols, json_type_object) ?
		(size_t)json_object_object_length(cols) : 0;
	const char *schema = pgiam__grants_str(o, "schema");

	out->found = 1;
	snprintf(out->schema, sizeof(out->schema), "%s", schema ? schema : "");
	snprintf(out->name, sizeof(out->name), "%s", pgiam__grants_str(o, "name") ?
		pgiam__grants_str(o, "name") : "");
	snprintf(out->kind, sizeof(out->kind), "%s", pgiam__grants_str(o, "kind") ?
		pgiam__grants_str(o, "kind") : "");
	snprintf(out->owner, sizeof(out->owner), "%s", pgiam__grants_str(o, "owner") ?
		pgiam__grants_str(o, "owner") : "");
	out->schema_usage = pgiam__grants_bool(o, "schema_usage");
	for (size_t i = 0; i < json_object_array_length(g->schemas); i++) {
		json_object *s = json_object_array_get_idx(g->schemas, i);

		if (schema && !strcmp(pgiam__grants_str(s, "name"), schema))
			copy_priv(&out->schema_usage_priv, "USAGE",
				pgiam__grants_get(pgiam__grants_get(s, "privileges"), "USAGE"));
	}
	out->nprivs = copy_privs(out->privs, 7, pgiam__grants_get(o, "privileges"));
	if (ncols && !(out->columns = calloc(ncols, sizeof(*out->columns))))
		return pgiam_error_set(PGIAM_ENOMEM, "grants: out of memory");
	if (ncols) {
		json_object_object_foreach(cols, cname, cprivs) {
			pgiam_grants_column *c = &out->columns[out->ncolumns++];

			snprintf(c->name, sizeof(c->name), "%s", cname);
			c->nprivs = copy_privs(c->privs, 4, cprivs);
		}
	}
	out->rls_enabled = pgiam__grants_bool(rls, "enabled");
	out->rls_forced = pgiam__grants_bool(rls, "forced");
	out->rls_active = pgiam__grants_bool(rls, "active");
	for (size_t i = 0; pols && i < json_object_array_length(pols); i++)
		out->rls_policies_applying += pgiam__grants_bool(
			json_object_array_get_idx(pols, i), "applies");
	return 0;
}

int pgiam_grants_holds_of(pgiam_grants_holds *out, const pgiam_grants *g,
	const char *schema, const char *name)
{
	json_object *o;
	int error;

	memset(out, 0, sizeof(*out));
	if (!name)
		return pgiam_error_set(PGIAM_EINVAL, "grants: no object name");
	snprintf(out->current_user, sizeof(out->current_user), "%s",
		pgiam__grants_str(g->role, "current_user") ?
		pgiam__grants_str(g->role, "current_user") : "");
	if (!(o = find_object(g->tables, schema, name)) &&
	    !(o = find_object(g->sequences, schema, name)) &&
	    !(o = find_object(g->functions, schema, name)))
		return 0;
	if ((error = copy_holds(out, g, o)) < 0)
		pgiam_grants_holds_dispose(out);
	return error;
}

int pgiam_grants_object_holds(pgiam_grants_holds *out, pgiam_session *s,
	const char *schema, const char *name)
{
	pgiam_grants_options opts = { schema, name };
	pgiam_grants *g = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = fetch_sql(&g, s, &opts)) < 0)
		return error;
	error = pgiam_grants_holds_of(out, g, schema, name);
	pgiam_grants_free(g);
	return error;
}

void pgiam_grants_holds_dispose(pgiam_grants_holds *h)
{
	free(h->columns);
	memset(h, 0, sizeof(*h));
}

const pgiam_grants_priv *pgiam_grants_holds_priv(const pgiam_grants_holds *h,
	const char *privilege)
{
	for (size_t i = 0; privilege && i < h->nprivs; i++)
		if (!strcasecmp(h->privs[i].name, privilege))
			return &h->privs[i];
	return NULL;
}
