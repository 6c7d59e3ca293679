/* cmd_profiles.c - `pgiam profiles`: lists the profiles of the profile directory with
 * their endpoint, region, database user, role and read-only flag, and every
 * validation problem on its own indented line. Invalid profiles are listed, not
 * fatal (exit 0); only an unreadable directory fails (exit 3, PGIAM_EXIT_CONFIG). */
#include "cli.h"
#include "usage.h"

#include "buf.h"
#include "error.h"
#include "profile.h"
#include "sanitize.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PROBLEMS 32

typedef struct {
	char *name;
	pgiam_profile *p;    /* NULL when the file could not be loaded */
	char *load_error;
} row;

static const pgiam_cli_opt profiles_options[] = {
	{ "profiles", 0, "DIR", 1, "the profile directory" },
	{ NULL, 0, NULL, 0, NULL },
};

static int on_option(const char *cmd, void *ctx, int id, const char *v)
{
	(void)cmd;
	(void)id;
	*(const char **)ctx = v;
	return PGIAM_CLI_GO_ON;
}

static int parse_options(const char **dir, int argc, char **argv)
{
	const pgiam_cli_group groups[] = {
		{ "options", profiles_options, on_option, (void *)dir, NULL },
		{ NULL, NULL, NULL, NULL, NULL },
	};
	const pgiam_cli_spec spec = { "profiles", "pgiam profiles [--profiles DIR]",
		"Lists the connection profiles (DIR/NAME.ini) with their endpoint, region,\n"
		"database user, role and read-only flag, and each validation problem on its\n"
		"own line. The directory is --profiles DIR, else $PGIAM_PROFILES, else\n"
		"$XDG_CONFIG_HOME/pgiam/profiles, else ~/.config/pgiam/profiles.",
		NULL, "  (invalid profiles are listed with their problems: 0; a directory that\n"
		"  cannot be read: 3)", 0, groups };

	return pgiam_cli_parse(NULL, &spec, argc, argv);
}

static const char *or_dash(const char *s)
{
	return (s && *s) ? s : "-";
}

/* The role's name: the part after "role/" (with any path), or "-" without a role. */
static const char *role_short(const pgiam_profile *p)
{
	const char *arn = pgiam_profile_get(p, "role_arn");
	const char *r = arn ? strstr(arn, ":role/") : NULL;

	if (!arn || !*arn)
		return "-";
	return r ? r + 6 : arn;
}

/* The width of s as put_text shows it (in characters). */
static int width(int current, const char *s)
{
	pgiam_buf safe = PGIAM_BUF_INIT;
	int n = 0;

	if (pgiam_text_sanitize(&safe, s, strlen(s), 0) == 0)
		for (const char *c = pgiam_buf_cstr(&safe); *c; c++)
			n += ((unsigned char)*c & 0xC0) != 0x80;
	pgiam_buf_dispose(&safe);
	return n > current ? n : current;
}

/* Prints s in its safe form (values and iniparser's messages quote the file, which
 * may hold terminal escapes; src/sanitize.h), padded to width characters when
 * width > 0. */
static void put_text(const char *s, int width)
{
	pgiam_buf safe = PGIAM_BUF_INIT;
	int n = 0;

	if (pgiam_text_sanitize(&safe, s, strlen(s), 0) == 0)
		fputs(pgiam_buf_cstr(&safe), stdout);
	for (const char *c = pgiam_buf_cstr(&safe); *c; c++)
		n += ((unsigned char)*c & 0xC0) != 0x80;  /* characters, not bytes */
	for (; n < width; n++)
		putchar(' ');
	pgiam_buf_dispose(&safe);
}

static void put_row(const int *widths, const char *const *cells, size_t ncells)
{
	for (size_t i = 0; i < ncells; i++) {
		put_text(cells[i], i + 1 < ncells ? widths[i] : 0);
		fputs(i + 1 < ncells ? "  " : "\n", stdout);
	}
}

int pgiam_cmd_profiles(int argc, char **argv)
{
	const char *override = NULL;
	char *dir = NULL;
	char **names = NULL;
	size_t count = 0;
	row *rows = NULL;
	pgiam_profile_problem problems[MAX_PROBLEMS];
	int wn = 4, we = 8, wr = 6, wu = 7, wl = 4;
	int widths[5];
	int status = 0;

	if ((status = parse_options(&override, argc, argv)) != PGIAM_CLI_GO_ON)
		return status;
	status = PGIAM_EXIT_OK;
	if (pgiam_profile_dir(&dir, override) < 0 ||
			pgiam_profile_list(&names, &count, dir) < 0) {
		pgiam_cli_error("profiles", NULL);
		status = PGIAM_EXIT_CONFIG;
		goto cleanup;
	}
	if (count == 0) {
		pgiam_cli_printf(stdout, "no profiles in %s (a profile is a NAME.ini file there; see "
			"docs/profiles.md)\n", dir);
		goto cleanup;
	}
	if (!(rows = calloc(count, sizeof(*rows)))) {
		pgiam_cli_error("profiles", "out of memory");
		status = PGIAM_EXIT_FAILURE;
		goto cleanup;
	}
	for (size_t i = 0; i < count; i++) {
		rows[i].name = names[i];
		if (pgiam_profile_load_named(&rows[i].p, dir, names[i]) < 0) {
			rows[i].load_error = strdup(pgiam_error_last());
			continue;
		}
		wn = width(wn, names[i]);
		we = width(we, or_dash(pgiam_profile_get(rows[i].p, "endpoint")));
		wr = width(wr, or_dash(pgiam_profile_region(rows[i].p)));
		wu = width(wu, or_dash(pgiam_profile_get(rows[i].p, "db_user")));
		wl = width(wl, role_short(rows[i].p));
	}
	for (size_t i = 0; i < count; i++)
		wn = width(wn, names[i]);

	widths[0] = wn, widths[1] = we, widths[2] = wr, widths[3] = wu, widths[4] = wl;
	fputs("profiles in ", stdout);
	put_text(dir, 0);
	putchar('\n');
	{
		const char *const head[] = { "NAME", "ENDPOINT", "REGION", "DB_USER", "ROLE", "READ-ONLY" };
		put_row(widths, head, 6);
	}
	for (size_t i = 0; i < count; i++) {
		const pgiam_profile *p = rows[i].p;
		size_t n = 0;
		if (!p) {
			const char *const cells[] = { rows[i].name, "-", "-", "-", "-", "-" };
			put_row(widths, cells, 6);
			fputs("    error: ", stdout);
			put_text(rows[i].load_error ? rows[i].load_error : "cannot load the profile", 0);
			putchar('\n');
			continue;
		}
		{
			const char *const cells[] = { rows[i].name,
				or_dash(pgiam_profile_get(p, "endpoint")), or_dash(pgiam_profile_region(p)),
				or_dash(pgiam_profile_get(p, "db_user")), role_short(p),
				pgiam_profile_read_only(p) ? "yes" : "no" };
			put_row(widths, cells, 6);
		}
		pgiam_profile_validate(p, problems, MAX_PROBLEMS, &n);
		for (size_t k = 0; k < n; k++) {
			pgiam_cli_printf(stdout, "    %s: ", problems[k].severity == PGIAM_PROBLEM_ERROR ? "error" : "warning");
			put_text(problems[k].message, 0);
			putchar('\n');
		}
	}

cleanup:
	for (size_t i = 0; rows && i < count; i++) {
		pgiam_profile_free(rows[i].p);
		free(rows[i].load_error);
	}
	free(rows);
	pgiam_profile_names_free(names, count);
	free(dir);
	return status;
}
