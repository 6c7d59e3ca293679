/* test_complete.c - Tab completion's candidates (complete.h) over a catalog given as
 * the catalog query's rows: relations after FROM/JOIN/INTO/UPDATE/TABLE and a comma of
 * a FROM list, columns after alias. and table., a schema's relations after schema.,
 * INSERT INTO t ( columns, keywords in the typed case, names quoted when needed,
 * nothing inside strings or comments, the common prefix and a lone candidate's space,
 * DDL noticed, a malformed catalog row refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "complete.h"

static pgiam_complete_catalog *cat;

static int setup(void **state)
{
	(void)state;
	assert_int_equal(pgiam_complete_catalog_new(&cat), 0);
	assert_int_equal(pgiam_complete_catalog_add_row(cat, "pg_catalog", "1",
		"[[\"pg_class\",\"r\",[\"oid\",\"relname\"]]]"), 0);
	assert_int_equal(pgiam_complete_catalog_add_row(cat, "public", "2",
		"[[\"customers\",\"r\",[\"id\",\"name\",\"email\"]],"
		"[\"customer_notes\",\"r\",[\"customer_id\",\"note\"]],"
		"[\"orders\",\"r\",[\"id\",\"customer_id\",\"total\"]],"
		"[\"Mixed Case\",\"v\",[\"Weird Col\",\"select\"]]]"), 0);
	assert_int_equal(pgiam_complete_catalog_add_row(cat, "sales", NULL,
		"[[\"invoices\",\"r\",[\"invoice_no\",\"amount\"]]]"), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pgiam_complete_catalog_free(cat);
	return 0;
}

/* The candidates for text with the cursor at '|', joined by ' '. */
static const char *cands(const char *with_bar)
{
	static char out[8192];
	char text[1024];
	const char *bar = strchr(with_bar, '|');
	size_t cursor = bar ? (size_t)(bar - with_bar) : strlen(with_bar);
	pgiam_complete_result r;
	size_t n = 0;

	snprintf(text, sizeof(text), "%.*s%s", (int)cursor, with_bar, bar ? bar + 1 : "");
	assert_int_equal(pgiam_complete(&r, cat, text, strlen(text), cursor), 0);
	out[0] = '\0';
	for (size_t i = 0; i < r.count && n < sizeof(out); i++)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", i ? " " : "", r.items[i]);
	pgiam_complete_result_dispose(&r);
	return out;
}

/* The text after a Tab (choice -1: the common prefix, or the lone candidate). */
static const char *after_tab(const char *with_bar)
{
	static char out[1024];
	char text[1024];
	const char *bar = strchr(with_bar, '|');
	size_t cursor = (size_t)(bar - with_bar), cur2 = 0;
	pgiam_complete_result r;
	pgiam_buf b = PGIAM_BUF_INIT;
	int changed;

	snprintf(text, sizeof(text), "%.*s%s", (int)cursor, with_bar, bar + 1);
	assert_int_equal(pgiam_complete(&r, cat, text, strlen(text), cursor), 0);
	changed = pgiam_complete_apply(&b, &cur2, text, strlen(text), cursor, &r,
		r.count == 1 ? 0 : -1);
	assert_true(changed >= 0);
	if (changed)
		snprintf(out, sizeof(out), "%.*s|%s", (int)cur2, b.ptr, b.ptr + cur2);
	else
		snprintf(out, sizeof(out), "%s", with_bar);
	pgiam_buf_dispose(&b);
	pgiam_complete_result_dispose(&r);
	return out;
}

static void test_relations(void **state)
{
	(void)state;
	assert_string_equal(cands("select * from cu|"), "customer_notes customers");
	assert_string_equal(cands("SELECT * FROM |"), "\"Mixed Case\" customer_notes customers "
		"orders public. sales.");
	assert_string_equal(cands("select * from orders o join cust|"), "customer_notes customers");
	assert_string_equal(cands("select * from orders, cust|"), "customer_notes customers");
	assert_string_equal(cands("insert into ord|"), "orders");
	assert_string_equal(cands("update cus|"), "customer_notes customers");
	assert_string_equal(cands("truncate table ord|"), "orders");
	/* pg_catalog's only when asked for, and a quoted prefix is matched exactly */
	assert_string_equal(cands("select * from pg_c|"), "pg_class pg_catalog.");
	assert_string_equal(cands("select * from \"Mi|"), "\"Mixed Case\"");
	assert_string_equal(cands("select * from \"mi|"), "");
	assert_string_equal(cands("select * from mi|"), "\"Mixed Case\"");
	/* a schema's relations */
	assert_string_equal(cands("select * from sales.|"), "invoices");
	assert_string_equal(cands("select * from sa|"), "sales.");
}

static void test_columns(void **state)
{
	(void)state;
	assert_string_equal(cands("select o.| from orders o"), "customer_id id total");
	assert_string_equal(cands("select o.t| from orders as o"), "total");
	assert_string_equal(cands("select customers.e| from customers"), "email");
	assert_string_equal(cands("select x.| from sales.invoices x"), "amount invoice_no");
	assert_string_equal(cands("select * from orders o join customers c on c.| = o.customer_id"),
		"email id name");
	/* a relation not in the statement, by its name */
	assert_string_equal(cands("select customer_notes.n|"), "note");
	assert_string_equal(cands("select public.orders.t|"), "total");
	/* reserved word and mixed case come back quoted */
	assert_string_equal(cands("select m.| from \"Mixed Case\" m"), "\"Weird Col\" \"select\"");
	assert_string_equal(cands("insert into orders (id, cu|"), "customer_id");
	/* otherwise: the statement's columns, relations and keywords */
	assert_string_equal(cands("select na| from customers"), "name natural");
	assert_string_equal(cands("select * from customers where em|"), "email");
	assert_string_equal(cands("sel|"), "select");
	assert_string_equal(cands("SEL|"), "SELECT");
	assert_string_equal(cands("select 1; upd|"), "update");
	assert_string_equal(cands("select * from nope n where n.|"), "");
}

static void test_not_inside(void **state)
{
	(void)state;
	assert_string_equal(cands("select 'from cu|"), "");
	assert_string_equal(cands("select $$ from cu|"), "");
	assert_string_equal(cands("select 1 -- from cu|"), "");
	assert_string_equal(cands("select /* from cu|"), "");
	assert_string_equal(cands("select 'x' from cu|"), "customer_notes customers");
}

static void test_apply(void **state)
{
	(void)state;
	assert_string_equal(after_tab("select * from cu|"), "select * from customer|");
	assert_string_equal(after_tab("select * from ord|"), "select * from orders |");
	assert_string_equal(after_tab("select * from ord| where"), "select * from orders| where");
	assert_string_equal(after_tab("select * from sa|"), "select * from sales.|");
	assert_string_equal(after_tab("select * from mi|"), "select * from \"Mixed Case\" |");
	assert_string_equal(after_tab("select o.tot| from orders o"), "select o.total| from orders o");
	assert_string_equal(after_tab("sel|"), "select |");
	assert_string_equal(after_tab("select zzz|"), "select zzz|");
}

static void test_keywords_only(void **state)
{
	pgiam_complete_result r;

	(void)state;
	assert_int_equal(pgiam_complete(&r, NULL, "select * from cu", 16, 16), 0);
	assert_int_equal(r.count, 0);
	assert_non_null(strstr(r.context, "not read yet"));
	pgiam_complete_result_dispose(&r);
	assert_int_equal(pgiam_complete(&r, NULL, "sel", 3, 3), 0);
	assert_int_equal(r.count, 1);
	pgiam_complete_result_dispose(&r);
}

static void test_ddl_and_rows(void **state)
{
	(void)state;
	assert_true(pgiam_complete_is_ddl("create table t (a int)", 22));
	assert_true(pgiam_complete_is_ddl("select 1; /* c */ DROP TABLE t;", 31));
	assert_true(pgiam_complete_is_ddl("alter table t add b int", 23));
	assert_false(pgiam_complete_is_ddl("select 'create table'", 21));
	assert_false(pgiam_complete_is_ddl("insert into t values (1)", 24));
	assert_false(pgiam_complete_is_ddl("", 0));
	assert_int_equal(pgiam_complete_catalog_add_row(cat, "bad", "1", "{\"not\":\"rows\"}"), -2);
	assert_int_equal(pgiam_complete_catalog_add_row(cat, "bad", "1", "[[1,2,3]]"), -2);
	assert_int_equal(pgiam_complete_catalog_add_row(cat, "bad", "1", "[[\"t\",\"r\",[1]]]"), -2);
	assert_int_equal(pgiam_complete_catalog_add_row(cat, "bad", "1", "not json"), -2);
	assert_int_equal(pgiam_complete_catalog_schemas(cat), 3);
	assert_int_equal(pgiam_complete_catalog_relations(cat), 6);
	assert_non_null(strstr(pgiam_complete_catalog_sql(), PGIAM_COMPLETE_CATALOG_COLUMN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_relations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_inside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply, setup, teardown),
		cmocka_unit_test(test_keywords_only),
		cmocka_unit_test_setup_teardown(test_ddl_and_rows, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
