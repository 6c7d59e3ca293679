/* grants_sql.c - the one statement behind `pgiam grants` and the Grants screen: role
 * memberships walked recursively, then per schema its relations and functions with,
 * for every privilege, has_*_privilege (held) and the ACL entries (aclexplode) that
 * grant it to the role, a role it inherits, or PUBLIC (via). The documents are built
 * by the server (json_build_object), one row for the role and one per schema, so a
 * schema of 5,000 tables is one row and the TUI's row cap never cuts it.
 *
 * PostgreSQL 16 keeps INHERIT per grant (pg_auth_members.inherit_option); before, the
 * member's rolinherit decides. to_jsonb(m) ->> 'inherit_option' reads the column where
 * it exists, so one text serves both. */
#include "grants.h"

#include "catalog.h"
#include "quote.h"
#include "error.h"

/* Up to the schema filter of the nsp CTE. */
static const char SQL_HEAD[] =
	"WITH RECURSIVE me AS (\n"
	"  SELECT r.oid, r.rolname::text AS name, r.rolsuper, r.rolbypassrls, r.rolcreaterole,\n"
	"    r.rolcreatedb, r.rolinherit, r.rolcanlogin, r.rolvaliduntil\n"
	"  FROM pg_roles r WHERE r.rolname = current_user),\n"
	"tree AS (\n"
	"  SELECT m.roleid AS oid, m.member AS parent, 1 AS depth,\n"
	"    coalesce((to_jsonb(m) ->> 'inherit_option')::bool, mr.rolinherit) AS inherit,\n"
	"    m.admin_option AS admin,\n"
	"    coalesce((to_jsonb(m) ->> 'inherit_option')::bool, mr.rolinherit) AS effective,\n"
	"    ARRAY[m.member, m.roleid] AS path, ARRAY[pg_get_userbyid(m.roleid)::text] AS sortkey\n"
	"  FROM pg_auth_members m JOIN pg_roles mr ON mr.oid = m.member, me\n"
	"  WHERE m.member = me.oid\n"
	"  UNION ALL\n"
	"  SELECT m.roleid, m.member, t.depth + 1,\n"
	"    coalesce((to_jsonb(m) ->> 'inherit_option')::bool, mr.rolinherit), m.admin_option,\n"
	"    t.effective AND coalesce((to_jsonb(m) ->> 'inherit_option')::bool, mr.rolinherit),\n"
	"    t.path || m.roleid, t.sortkey || pg_get_userbyid(m.roleid)::text\n"
	"  FROM tree t JOIN pg_auth_members m ON m.member = t.oid JOIN pg_roles mr ON mr.oid = m.member\n"
	"  WHERE m.roleid <> ALL (t.path)),\n"
	"ctx AS (\n"
	"  SELECT me.oid AS me, array_append(coalesce((SELECT array_agg(DISTINCT t.oid) FROM tree t\n"
	"      WHERE t.effective), '{}'::oid[]), me.oid) AS eff\n"
	"  FROM me),\n"
	"nsp AS (\n"
	"  SELECT n.oid, n.nspname::text AS name, n.nspowner,\n"
	"    coalesce(n.nspacl, acldefault('n', n.nspowner)) AS acl\n"
	"  FROM pg_namespace n\n"
	"  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')\n"
	"    AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'\n";

/* Up to the object filter of the rel CTE. */
static const char SQL_REL[] =
	"rel AS (\n"
	"  SELECT c.oid, c.relnamespace, c.relname::text AS name, c.relkind, c.relowner,\n"
	"    coalesce(c.relacl, acldefault((CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END)::\"char\",\n"
	"      c.relowner)) AS acl, c.relrowsecurity, c.relforcerowsecurity\n"
	"  FROM pg_class c JOIN nsp ON nsp.oid = c.relnamespace\n"
	"  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')\n";

/* Up to the object filter of the fn CTE. */
static const char SQL_FN[] =
	"fn AS (\n"
	"  SELECT p.oid, p.pronamespace, p.proname::text AS name, p.prokind, p.proowner,\n"
	"    coalesce(p.proacl, acldefault('f', p.proowner)) AS acl\n"
	"  FROM pg_proc p JOIN nsp ON nsp.oid = p.pronamespace\n"
	"  WHERE p.prokind IN ('f', 'p', 'w')\n";

static const char SQL_TAIL[] =
	"SELECT 'role', json_build_object('current_user', me.name, 'session_user', session_user,\n"
	"  'database', current_database(), 'superuser', me.rolsuper, 'bypassrls', me.rolbypassrls,\n"
	"  'createrole', me.rolcreaterole, 'createdb', me.rolcreatedb, 'inherit', me.rolinherit,\n"
	"  'login', me.rolcanlogin, 'valid_until', me.rolvaliduntil,\n"
	"  'memberships', coalesce((SELECT json_agg(json_build_object('role', pg_get_userbyid(t.oid),\n"
	"      'member', pg_get_userbyid(t.parent), 'depth', t.depth, 'inherit', t.inherit,\n"
	"      'admin', t.admin, 'effective', t.effective) ORDER BY t.sortkey) FROM tree t), '[]'),\n"
	"  'privileges', (SELECT json_agg(json_build_object('p', pr.p,\n"
	"      'held', has_database_privilege(d.oid, pr.p),\n"
	"      'via', coalesce(to_json(x.via), '[]'), 'grantable', coalesce(x.g, false)) ORDER BY pr.i)\n"
	"    FROM pg_database d\n"
	"    CROSS JOIN unnest(ARRAY['CONNECT', 'CREATE', 'TEMPORARY']) WITH ORDINALITY AS pr(p, i)\n"
	"    LEFT JOIN (SELECT a.privilege_type AS p, bool_or(a.is_grantable) AS g,\n"
	"        array_agg(DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC'\n"
	"          WHEN a.grantee = ctx.me AND a.grantee = d2.datdba THEN 'owner'\n"
	"          ELSE pg_get_userbyid(a.grantee)::text END) AS via\n"
	"      FROM pg_database d2, aclexplode(coalesce(d2.datacl, acldefault('d', d2.datdba))) a\n"
	"      WHERE d2.datname = current_database() AND (a.grantee = 0 OR a.grantee = ANY (ctx.eff))\n"
	"      GROUP BY 1) x ON x.p = pr.p\n"
	"    WHERE d.datname = current_database()))\n"
	"FROM me, ctx\n"
	"UNION ALL\n"
	"SELECT 'schema', json_build_object('name', nsp.name, 'owner', pg_get_userbyid(nsp.nspowner),\n"
	"  'privileges', (SELECT json_agg(json_build_object('p', pr.p,\n"
	"      'held', has_schema_privilege(nsp.oid, pr.p),\n"
	"      'via', coalesce(to_json(x.via), '[]'), 'grantable', coalesce(x.g, false)) ORDER BY pr.i)\n"
	"    FROM unnest(ARRAY['USAGE', 'CREATE']) WITH ORDINALITY AS pr(p, i)\n"
	"    LEFT JOIN (SELECT a.privilege_type AS p, bool_or(a.is_grantable) AS g,\n"
	"        array_agg(DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC'\n"
	"          WHEN a.grantee = ctx.me AND a.grantee = nsp.nspowner THEN 'owner'\n"
	"          ELSE pg_get_userbyid(a.grantee)::text END) AS via\n"
	"      FROM aclexplode(nsp.acl) a WHERE a.grantee = 0 OR a.grantee = ANY (ctx.eff)\n"
	"      GROUP BY 1) x ON x.p = pr.p),\n"
	"  'relations', coalesce((SELECT json_agg(json_build_object('name', rel.name,\n"
	"      'kind', rel.relkind, 'owner', pg_get_userbyid(rel.relowner),\n"
	"      'privileges', (SELECT json_agg(json_build_object('p', pr.p,\n"
	"          'held', CASE WHEN rel.relkind = 'S' THEN has_sequence_privilege(rel.oid, pr.p)\n"
	"            ELSE has_table_privilege(rel.oid, pr.p) END,\n"
	"          'via', coalesce(to_json(x.via), '[]'), 'grantable', coalesce(x.g, false)) ORDER BY pr.i)\n"
	"        FROM unnest(CASE WHEN rel.relkind = 'S' THEN ARRAY['USAGE', 'SELECT', 'UPDATE']\n"
	"          ELSE ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES',\n"
	"            'TRIGGER'] END) WITH ORDINALITY AS pr(p, i)\n"
	"        LEFT JOIN (SELECT a.privilege_type AS p, bool_or(a.is_grantable) AS g,\n"
	"            array_agg(DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC'\n"
	"              WHEN a.grantee = ctx.me AND a.grantee = rel.relowner THEN 'owner'\n"
	"              ELSE pg_get_userbyid(a.grantee)::text END) AS via\n"
	"          FROM aclexplode(rel.acl) a WHERE a.grantee = 0 OR a.grantee = ANY (ctx.eff)\n"
	"          GROUP BY 1) x ON x.p = pr.p),\n"
	"      'columns', (SELECT json_agg(json_build_object('name', at.attname,\n"
	"          'privileges', (SELECT json_agg(json_build_object('p', pr.p,\n"
	"              'held', has_column_privilege(rel.oid, at.attnum, pr.p),\n"
	"              'via', coalesce(to_json(x.via), '[]'), 'grantable', coalesce(x.g, false))\n"
	"              ORDER BY pr.i)\n"
	"            FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'REFERENCES'])\n"
	"              WITH ORDINALITY AS pr(p, i)\n"
	"            LEFT JOIN (SELECT a.privilege_type AS p, bool_or(a.is_grantable) AS g,\n"
	"                array_agg(DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC'\n"
	"                  ELSE pg_get_userbyid(a.grantee)::text END) AS via\n"
	"              FROM aclexplode(at.attacl) a WHERE a.grantee = 0 OR a.grantee = ANY (ctx.eff)\n"
	"              GROUP BY 1) x ON x.p = pr.p)) ORDER BY at.attnum)\n"
	"        FROM pg_attribute at WHERE at.attrelid = rel.oid AND at.attnum > 0\n"
	"          AND NOT at.attisdropped AND at.attacl IS NOT NULL),\n"
	"      'rls', CASE WHEN rel.relkind IN ('r', 'p') THEN json_build_object(\n"
	"        'enabled', rel.relrowsecurity, 'forced', rel.relforcerowsecurity,\n"
	"        'active', rel.relrowsecurity AND row_security_active(rel.oid),\n"
	"        'policies', coalesce((SELECT json_agg(json_build_object('name', po.polname,\n"
	"            'command', CASE po.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT'\n"
	"              WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,\n"
	"            'permissive', po.polpermissive,\n"
	"            'roles', (SELECT json_agg(CASE WHEN x = 0 THEN 'PUBLIC'\n"
	"              ELSE pg_get_userbyid(x)::text END) FROM unnest(po.polroles) AS x),\n"
	"            'applies', 0 = ANY (po.polroles) OR po.polroles && ctx.eff,\n"
	"            'using', pg_get_expr(po.polqual, po.polrelid),\n"
	"            'with_check', pg_get_expr(po.polwithcheck, po.polrelid)) ORDER BY po.polname)\n"
	"          FROM pg_policy po WHERE po.polrelid = rel.oid), '[]')) END)\n"
	"      ORDER BY rel.name)\n"
	"    FROM rel WHERE rel.relnamespace = nsp.oid), '[]'),\n"
	"  'functions', coalesce((SELECT json_agg(json_build_object('name', fn.name,\n"
	"      'arguments', pg_get_function_identity_arguments(fn.oid),\n"
	"      'kind', fn.prokind, 'owner', pg_get_userbyid(fn.proowner),\n"
	"      'privileges', json_build_array(json_build_object('p', 'EXECUTE',\n"
	"        'held', has_function_privilege(fn.oid, 'EXECUTE'),\n"
	"        'via', coalesce((SELECT to_json(array_agg(DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC'\n"
	"              WHEN a.grantee = ctx.me AND a.grantee = fn.proowner THEN 'owner'\n"
	"              ELSE pg_get_userbyid(a.grantee)::text END))\n"
	"          FROM aclexplode(fn.acl) a WHERE a.privilege_type = 'EXECUTE'\n"
	"            AND (a.grantee = 0 OR a.grantee = ANY (ctx.eff))), '[]'),\n"
	"        'grantable', false)))\n"
	"      ORDER BY fn.name, pg_get_function_identity_arguments(fn.oid))\n"
	"    FROM fn WHERE fn.pronamespace = nsp.oid), '[]'))\n"
	"FROM nsp, ctx\n";

/* " AND col = 'value'" when value is set. */
static int filter(pgiam_buf *out, const char *col, const char *value)
{
	int error;

	if (!value)
		return 0;
	if ((error = pgiam_buf_printf(out, " AND %s = ", col)) < 0 ||
	    (error = pgiam_sql_quote_literal(out, value)) < 0)
		return error;
	return 0;
}

int pgiam_grants_sql(pgiam_buf *out, const pgiam_grants_options *opts)
{
	const char *schema = opts ? opts->schema : NULL, *object = opts ? opts->object : NULL;
	int error;

	if ((schema && !*schema) || (object && !*object))
		return pgiam_error_set(PGIAM_EINVAL, "grants: an empty schema or object name");
	if ((error = pgiam_buf_puts(out, SQL_HEAD)) < 0 ||
	    (error = filter(out, "n.nspname::text", schema)) < 0 ||
	    (error = pgiam_buf_puts(out, "),\n")) < 0 ||
	    (error = pgiam_buf_puts(out, SQL_REL)) < 0 ||
	    (error = filter(out, "c.relname::text", object)) < 0 ||
	    (error = pgiam_buf_puts(out, "),\n")) < 0 ||
	    (error = pgiam_buf_puts(out, SQL_FN)) < 0 ||
	    (error = filter(out, "p.proname::text", object)) < 0 ||
	    (error = pgiam_buf_puts(out, ")\n")) < 0 ||
	    (error = pgiam_buf_puts(out, SQL_TAIL)) < 0)
		return error;
	return 0;
}
