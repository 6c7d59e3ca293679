/* grants_render.c - a pgiam_grants as issue 11's JSON document and as readable text
 * (psql's \dp letters, with "via": the roles each privilege is held through). The CLI
 * prints these and the Grants screen draws the text lines: neither computes anything.
 *
 * Text order: the IAM side, then what bypasses grants (loud, first of the SQL side),
 * the role and its memberships as a tree, database and schema privileges, then per
 * schema its tables and views, sequences and functions. */
#include "grants.h"
#include "grants_int.h"

#include "buf.h"
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pgiam_grants_json(pgiam_buf *out, const pgiam_grants *g, int pretty)
{
	json_object *doc = json_object_new_object(), *sql = json_object_new_object();
	json_object *attrs = json_object_new_object();
	int error;

	if (!doc || !sql || !attrs) {
		json_object_put(doc);
		json_object_put(sql);
		json_object_put(attrs);
		return pgiam_error_set(PGIAM_ENOMEM, "grants: out of memory");
	}
	json_object_object_add(doc, "iam", g->iam ? json_object_get(g->iam) : NULL);
	json_object_object_foreach(g->role, key, val) {
		if (!strcmp(key, "superuser") || !strcmp(key, "bypassrls") ||
		    !strcmp(key, "createrole") || !strcmp(key, "createdb") ||
		    !strcmp(key, "inherit") || !strcmp(key, "login"))
			json_object_object_add(attrs, key, json_object_get(val));
		else
			json_object_object_add(sql, key, json_object_get(val));
	}
	json_object_object_add(attrs, "rds_superuser", json_object_new_boolean(g->rds_superuser));
	json_object_object_add(attrs, "pg_read_all_data", json_object_new_boolean(g->read_all_data));
	json_object_object_add(attrs, "pg_write_all_data", json_object_new_boolean(g->write_all_data));
	json_object_object_add(sql, "attributes", attrs);
	json_object_object_add(sql, "bypasses_grants", json_object_new_boolean(g->superuser ||
		pgiam__grants_bool(g->role, "bypassrls") || pgiam__grants_bool(g->role, "createrole") ||
		g->rds_superuser || g->read_all_data || g->write_all_data));
	json_object_object_add(sql, "rds_iam", json_object_new_boolean(g->rds_iam));
	/* pg_authid is superuser-only: a password cannot be seen from a normal role */
	json_object_object_add(sql, "password", NULL);
	json_object_object_add(sql, "schemas", json_object_get(g->schemas));
	json_object_object_add(sql, "tables", json_object_get(g->tables));
	json_object_object_add(sql, "sequences", json_object_get(g->sequences));
	json_object_object_add(sql, "functions", json_object_get(g->functions));
	json_object_object_add(doc, "sql", sql);
	error = pgiam_buf_puts(out, json_object_to_json_string_ext(doc, (pretty ?
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN) |
		JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	return error;
}

/* --- text ------------------------------------------------------------------------- */

typedef struct out {
	pgiam_grants_line_fn fn;
	void *ctx;
	pgiam_buf tmp;
	int error;
} out;

static void say(out *o, pgiam_grants_style style, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(out *o, pgiam_grants_style style, const char *fmt, ...)
{
	va_list ap;
	char *text = NULL;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0) {
		text = NULL;
		o->error = pgiam_error_set(PGIAM_ENOMEM, "grants: out of memory");
	}
	va_end(ap);
	if (text)
		o->fn(o->ctx, style, text);
	free(text);
}

/* The letters psql's \dp uses for a privilege; '?' for none. */
static char letter(const char *priv, int sequence)
{
	static const struct { const char *name; char c; } map[] = {
		{ "SELECT", 'r' }, { "INSERT", 'a' }, { "UPDATE", 'w' }, { "DELETE", 'd' },
		{ "TRUNCATE", 'D' }, { "REFERENCES", 'x' }, { "TRIGGER", 't' },
		{ "EXECUTE", 'X' }, { "USAGE", 'U' }, { "CREATE", 'C' }, { "CONNECT", 'c' },
		{ "TEMPORARY", 'T' } };

	(void)sequence;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(priv, map[i].name))
			return map[i].c;
	return '?';
}

/* "readonly_role, PUBLIC" (appended to b). */
static void via_text(pgiam_buf *b, json_object *p)
{
	json_object *via = pgiam__grants_get(p, "via");
	size_t n = via ? json_object_array_length(via) : 0;

	for (size_t i = 0; i < n; i++)
		pgiam_buf_printf(b, "%s%s", i ? ", " : "",
			json_object_get_string(json_object_array_get_idx(via, i)));
	if (pgiam__grants_bool(p, "unexplained"))
		pgiam_buf_puts(b, n ? " (and more the catalog does not show)" :
			"the server says held; no ACL entry explains it");
}

/* "r-----t" into letters; into through the held privileges grouped by the roles they
 * are held through: "SELECT, INSERT via iam_rw_user; TRIGGER via owner". */
static void privs_text(char *letters, size_t max, pgiam_buf *through, json_object *privs)
{
	pgiam_buf via[8] = { PGIAM_BUF_INIT, PGIAM_BUF_INIT, PGIAM_BUF_INIT, PGIAM_BUF_INIT,
		PGIAM_BUF_INIT, PGIAM_BUF_INIT, PGIAM_BUF_INIT, PGIAM_BUF_INIT };
	pgiam_buf names[8] = { PGIAM_BUF_INIT, PGIAM_BUF_INIT, PGIAM_BUF_INIT, PGIAM_BUF_INIT,
		PGIAM_BUF_INIT, PGIAM_BUF_INIT, PGIAM_BUF_INIT, PGIAM_BUF_INIT };
	size_t n = 0, groups = 0, k;

	pgiam_buf_clear(through);
	if (privs) {
		json_object_object_foreach(privs, key, val) {
			pgiam_buf v = PGIAM_BUF_INIT;
			int held = pgiam__grants_bool(val, "held");

			if (n + 1 < max)
				letters[n++] = held ? letter(key, 0) : '-';
			if (!held)
				continue;
			via_text(&v, val);
			if (pgiam__grants_bool(val, "grantable"))
				pgiam_buf_puts(&v, " (grantable)");
			for (k = 0; k < groups && strcmp(pgiam_buf_cstr(&via[k]), pgiam_buf_cstr(&v)); k++)
				;
			if (k == groups && groups < 8)
				pgiam_buf_puts(&via[groups++], pgiam_buf_cstr(&v));
			if (k < groups)
				pgiam_buf_printf(&names[k], "%s%s", pgiam_buf_cstr(&names[k])[0] ? ", " : "", key);
			pgiam_buf_dispose(&v);
		}
	}
	letters[n] = '\0';
	for (k = 0; k < groups; k++)
		pgiam_buf_printf(through, "%s%s%s%s", k ? "; " : "", pgiam_buf_cstr(&names[k]),
			pgiam_buf_cstr(&via[k])[0] ? " via " : "", pgiam_buf_cstr(&via[k]));
	for (k = 0; k < 8; k++) {
		pgiam_buf_dispose(&via[k]);
		pgiam_buf_dispose(&names[k]);
	}
	if (!pgiam_buf_cstr(through)[0])
		pgiam_buf_puts(through, "none");
}

static void render_iam(out *o, const pgiam_grants *g)
{
	json_object *i = g->iam;
	const char *v;

	say(o, PGIAM_GRANTS_HEADING, "IAM");
	if (!i) {
		say(o, PGIAM_GRANTS_MUTED, "  (not known: the session was not made from a profile)");
		return;
	}
#define IAM_LINE(label, key, none) \
	say(o, PGIAM_GRANTS_PLAIN, "  %-20s %s", label, (v = pgiam__grants_str(i, key)) ? v : none)
	IAM_LINE("source credentials", "source", "(not resolved)");
	IAM_LINE("caller", "caller_arn", "(not asked: GetCallerIdentity was not called)");
	IAM_LINE("role", "role_arn", "(none: the source credentials are used directly)");
	if (pgiam__grants_str(i, "role_arn")) {
		IAM_LINE("assumed role", "assumed_arn", "(not assumed yet)");
		IAM_LINE("role session name", "session_name", "");
	}
	IAM_LINE("session expires", "session_expires", "(not known)");
	IAM_LINE("external ID", "external_id", "(none)");
	IAM_LINE("db user", "db_user", "(not known)");
	say(o, PGIAM_GRANTS_KEY, "  %-20s %s", "rds-db:connect", pgiam__grants_str(i,
		"connect_resource") ? pgiam__grants_str(i, "connect_resource") : "");
	say(o, PGIAM_GRANTS_MUTED, "  %-20s the role's policy must allow rds-db:connect on it; %s",
		"", pgiam__grants_str(i, "resource_note") ? pgiam__grants_str(i, "resource_note") : "");
	IAM_LINE("RDS Proxy form", "proxy_resource", "");
	IAM_LINE("Aurora cluster form", "cluster_resource", "");
	if ((v = pgiam__grants_str(i, "endpoint_kind")) && strcmp(v, "instance"))
		say(o, PGIAM_GRANTS_WARN, "  %-20s the endpoint is an %s endpoint: the policy needs the %s form",
			"", !strcmp(v, "proxy") ? "RDS Proxy" : "Aurora cluster",
			!strcmp(v, "proxy") ? "prx-" : "cluster-");
#undef IAM_LINE
}

static void render_bypass(out *o, const pgiam_grants *g)
{
	json_object *r = g->role;
	int any = 0;

	say(o, PGIAM_GRANTS_HEADING, "What bypasses grants");
	if (g->superuser && ++any)
		say(o, PGIAM_GRANTS_LOUD, "  !! SUPERUSER: every privilege check is skipped; the grants below do not limit this role");
	if (pgiam__grants_bool(r, "bypassrls") && ++any)
		say(o, PGIAM_GRANTS_LOUD, "  !! BYPASSRLS: row-level security policies do not apply to this role");
	if (pgiam__grants_bool(r, "createrole") && ++any)
		say(o, PGIAM_GRANTS_LOUD, "  !! CREATEROLE: this role can create roles and grant itself their membership");
	if (g->rds_superuser && ++any)
		say(o, PGIAM_GRANTS_LOUD, "  !! member of rds_superuser: RDS's administrator role");
	if (g->read_all_data && ++any)
		say(o, PGIAM_GRANTS_LOUD, "  !! member of pg_read_all_data: SELECT on every table and USAGE on every schema, whatever their grants");
	if (g->write_all_data && ++any)
		say(o, PGIAM_GRANTS_LOUD, "  !! member of pg_write_all_data: INSERT, UPDATE, DELETE on every table, whatever their grants");
	if (!any)
		say(o, PGIAM_GRANTS_PLAIN, "  nothing: not a superuser, no BYPASSRLS, no CREATEROLE, not a member of rds_superuser, pg_read_all_data or pg_write_all_data");
}

static void render_role(out *o, const pgiam_grants *g)
{
	json_object *r = g->role, *m = pgiam__grants_get(r, "memberships");
	const char *me = pgiam__grants_str(r, "current_user");
	size_t n = m ? json_object_array_length(m) : 0;

	say(o, PGIAM_GRANTS_HEADING, "Role");
	say(o, PGIAM_GRANTS_PLAIN, "  current_user %s   session_user %s   database %s", me ? me : "?",
		pgiam__grants_str(r, "session_user") ? pgiam__grants_str(r, "session_user") : "?",
		pgiam__grants_str(r, "database") ? pgiam__grants_str(r, "database") : "?");
	say(o, PGIAM_GRANTS_PLAIN, "  %s (%s, %s)%s", me ? me : "?",
		pgiam__grants_bool(r, "login") ? "LOGIN" : "NOLOGIN",
		pgiam__grants_bool(r, "inherit") ? "INHERIT" : "NOINHERIT",
		n ? "" : ": a member of no role");
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(m, i);
		const char *role = pgiam__grants_str(e, "role");
		json_object *d = pgiam__grants_get(e, "depth");
		int depth = d ? json_object_get_int(d) : 1, iam = role && !strcmp(role, "rds_iam");

		say(o, iam ? PGIAM_GRANTS_KEY : PGIAM_GRANTS_PLAIN, "  %*s+- %s  %s%s%s%s",
			2 * (depth - 1), "", role ? role : "?",
			pgiam__grants_bool(e, "inherit") ? "INHERIT" : "NOINHERIT",
			pgiam__grants_bool(e, "admin") ? ", WITH ADMIN OPTION" : "",
			pgiam__grants_bool(e, "effective") ? "" :
				"  (not inherited: its privileges need SET ROLE)",
			iam ? "  <- IAM login: members log in with IAM tokens only" : "");
	}
	if (!g->rds_iam)
		say(o, PGIAM_GRANTS_WARN, "  not a member of rds_iam: on RDS this user logs in with a password, not an IAM token");
	else
		say(o, PGIAM_GRANTS_MUTED, "  password: not visible to a non-superuser (pg_authid); with rds_iam RDS accepts only IAM tokens");
}

static void render_privs_table(out *o, const char *title, json_object *privs)
{
	say(o, PGIAM_GRANTS_HEADING, "%s", title);
	if (!privs)
		return;
	json_object_object_foreach(privs, key, val) {
		pgiam_buf_clear(&o->tmp);
		via_text(&o->tmp, val);
		say(o, PGIAM_GRANTS_PLAIN, "  %-10s %s%s%s%s", key,
			pgiam__grants_bool(val, "held") ? "yes" : "no",
			pgiam_buf_cstr(&o->tmp)[0] ? " via " : "", pgiam_buf_cstr(&o->tmp),
			pgiam__grants_bool(val, "grantable") ? " (grantable)" : "");
	}
}

static void render_schemas(out *o, const pgiam_grants *g)
{
	size_t n = json_object_array_length(g->schemas);

	say(o, PGIAM_GRANTS_HEADING, "Schemas");
	if (!n)
		say(o, PGIAM_GRANTS_MUTED, "  (none)");
	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(g->schemas, i);
		json_object *privs = pgiam__grants_get(s, "privileges");
		json_object *create = pgiam__grants_get(privs, "CREATE");
		json_object *usage = pgiam__grants_get(privs, "USAGE");
		const char *name = pgiam__grants_str(s, "name");

		if (!pgiam__grants_bool(s, "usage")) {
			say(o, PGIAM_GRANTS_WARN, "  %-20s no USAGE: nothing in it can be reached, whatever its grants%s",
				name, pgiam__grants_bool(create, "held") ? " (CREATE held)" : "");
			continue;
		}
		pgiam_buf_clear(&o->tmp);
		via_text(&o->tmp, usage);
		pgiam_buf_puts(&o->tmp, ")   CREATE ");
		if (pgiam__grants_bool(create, "held")) {
			pgiam_buf_puts(&o->tmp, "yes (");
			via_text(&o->tmp, create);
			pgiam_buf_puts(&o->tmp, ")");
		} else
			pgiam_buf_puts(&o->tmp, "no");
		say(o, PGIAM_GRANTS_PLAIN, "  %-20s USAGE yes (%s", name, pgiam_buf_cstr(&o->tmp));
	}
}

/* The width of the name column for one schema's objects (bytes, at most 40). */
static int name_width(json_object *list, const char *schema, int functions)
{
	int w = 4;

	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *x = json_object_array_get_idx(list, i);
		const char *s = pgiam__grants_str(x, "schema"), *n = pgiam__grants_str(x, "name");
		int len = n ? (int)strlen(n) : 0;

		if (!s || strcmp(s, schema))
			continue;
		if (functions && pgiam__grants_str(x, "arguments"))
			len += 2 + (int)strlen(pgiam__grants_str(x, "arguments"));
		if (len > w)
			w = len;
	}
	return w > 40 ? 40 : w;
}

static void render_rls(out *o, json_object *rls)
{
	json_object *pols = pgiam__grants_get(rls, "policies");
	size_t n = pols ? json_object_array_length(pols) : 0, applying = 0;

	if (!rls || !pgiam__grants_bool(rls, "enabled"))
		return;
	for (size_t i = 0; i < n; i++)
		applying += pgiam__grants_bool(json_object_array_get_idx(pols, i), "applies");
	say(o, PGIAM_GRANTS_WARN, "      row security: enabled%s, %s for this role; %zu of %zu %s apply%s",
		pgiam__grants_bool(rls, "forced") ? " and forced" : "",
		pgiam__grants_bool(rls, "active") ? "active" : "not active (owner or BYPASSRLS)",
		applying, n, n == 1 ? "policy" : "policies",
		pgiam__grants_bool(rls, "active") && !applying ? ": no row is visible or writable" : "");
	for (size_t i = 0; i < n; i++) {
		json_object *p = json_object_array_get_idx(pols, i), *roles = pgiam__grants_get(p, "roles");
		const char *u = pgiam__grants_str(p, "using"), *c = pgiam__grants_str(p, "with_check");

		pgiam_buf_clear(&o->tmp);
		for (size_t k = 0; roles && k < json_object_array_length(roles); k++)
			pgiam_buf_printf(&o->tmp, "%s%s", k ? ", " : "",
				json_object_get_string(json_object_array_get_idx(roles, k)));
		say(o, PGIAM_GRANTS_PLAIN, "        policy %s  %s %s  to %s  %s%s%s%s%s%s%s",
			pgiam__grants_str(p, "name"), pgiam__grants_str(p, "command"),
			pgiam__grants_bool(p, "permissive") ? "permissive" : "restrictive",
			pgiam_buf_cstr(&o->tmp),
			pgiam__grants_bool(p, "applies") ? "applies" : "does not apply",
			u ? "  USING (" : "", u ? u : "", u ? ")" : "",
			c ? "  WITH CHECK (" : "", c ? c : "", c ? ")" : "");
	}
}

static void render_object(out *o, json_object *x, int width, int functions,
	pgiam_buf *through)
{
	json_object *cols = pgiam__grants_get(x, "columns");
	char letters[16], name[300];
	const char *args = pgiam__grants_str(x, "arguments");

	privs_text(letters, sizeof(letters), through, pgiam__grants_get(x, "privileges"));
	snprintf(name, sizeof(name), functions ? "%s(%s)" : "%s", pgiam__grants_str(x, "name"),
		args ? args : "");
	say(o, PGIAM_GRANTS_PLAIN, "  %-*s  %-17s %-7s  %s", width, name,
		pgiam__grants_str(x, "kind"), letters, pgiam_buf_cstr(through));
	if (cols && json_object_is_type(cols, json_type_object)) {
		json_object_object_foreach(cols, cname, cprivs) {
			privs_text(letters, sizeof(letters), through, cprivs);
			say(o, PGIAM_GRANTS_PLAIN, "      column %-*s %-7s  %s (column grant)", width - 6 > 8 ?
				width - 6 : 8, cname, letters, pgiam_buf_cstr(through));
		}
	}
	render_rls(o, pgiam__grants_get(x, "rls"));
}

static void render_section(out *o, json_object *list, const char *schema, int usage,
	const char *what, const char *legend, int functions)
{
	pgiam_buf through = PGIAM_BUF_INIT;
	int width = name_width(list, schema, functions), any = 0;

	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *x = json_object_array_get_idx(list, i);

		if (strcmp(pgiam__grants_str(x, "schema") ? pgiam__grants_str(x, "schema") : "", schema))
			continue;
		if (!any++) {
			say(o, PGIAM_GRANTS_HEADING, "Schema %s: %s   (%s)%s", schema, what, legend,
				usage ? "" : "   NO USAGE on the schema: none of these can be reached");
			say(o, PGIAM_GRANTS_MUTED, "  %-*s  %-17s %-7s  %s", width, "Name", "Kind",
				"Privs", "Held through");
		}
		render_object(o, x, width, functions, &through);
	}
	pgiam_buf_dispose(&through);
}

int pgiam_grants_render(const pgiam_grants *g, pgiam_grants_line_fn fn, void *ctx)
{
	out o = { fn, ctx, PGIAM_BUF_INIT, 0 };
	char title[200];

	if (!g->finished)
		return pgiam_error_set(PGIAM_EINVAL, "grants: nothing read yet");
	render_iam(&o, g);
	render_bypass(&o, g);
	render_role(&o, g);
	snprintf(title, sizeof(title), "Database %s", pgiam__grants_str(g->role, "database") ?
		pgiam__grants_str(g->role, "database") : "");
	render_privs_table(&o, title, pgiam__grants_get(g->role, "database_privileges"));
	render_schemas(&o, g);
	for (size_t i = 0; i < json_object_array_length(g->schemas); i++) {
		json_object *s = json_object_array_get_idx(g->schemas, i);
		const char *name = pgiam__grants_str(s, "name");
		int usage = pgiam__grants_bool(s, "usage");

		render_section(&o, g->tables, name, usage, "tables and views",
			"r SELECT  a INSERT  w UPDATE  d DELETE  D TRUNCATE  x REFERENCES  t TRIGGER", 0);
		render_section(&o, g->sequences, name, usage, "sequences",
			"U USAGE  r SELECT  w UPDATE", 0);
		render_section(&o, g->functions, name, usage, "functions", "X EXECUTE", 1);
	}
	say(&o, PGIAM_GRANTS_MUTED, "%zu objects in %zu schemas; held is the server's "
		"has_*_privilege, via the ACL entries (aclexplode) that grant it",
		pgiam_grants_object_count(g), pgiam_grants_schema_count(g));
	pgiam_buf_dispose(&o.tmp);
	return o.error;
}
