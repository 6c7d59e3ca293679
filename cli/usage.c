/* usage.c - the CLI's front door: getopt_long driven by a command's option tables,
 * --help printed from the same tables, and the one-line usage errors. Every command
 * parses its arguments here, so they all accept --name VALUE and --name=VALUE, stop at
 * "--", and name a bad option the same way with the same exit status. */
#include "usage.h"

#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define HELP_ID 256          /* getopt's value for --help; options are HELP_ID + 1 + i */
#define HELP_COLUMN_MAX 26   /* a longer option puts its help two spaces after it */

/* One option of the spec and the group that handles it. */
typedef struct flat_opt {
	const pgiam_cli_opt *opt;
	const pgiam_cli_group *group;
} flat_opt;

typedef struct parser {
	const pgiam_cli_spec *spec;
	flat_opt *flat;
	size_t n;
	struct option *longopts;
	char shortopts[128];
} parser;

static const pgiam_cli_opt help_opt = { "help", 'h', NULL, 0, "this text" };

int pgiam_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pgiam_cli_line(stderr, "pgiam: %s: %s (see pgiam %s --help)", cmd, msg, cmd);
	return PGIAM_EXIT_USAGE;
}

int pgiam_cli_int(long *out, const char *s, long min, long max)
{
	char *end = NULL;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Whether row o of a group's table is the group's: every row unless the group names
 * its rows (ids: a shared table such as the connection options, cli_session.h). */
static int in_group(const pgiam_cli_group *g, const pgiam_cli_opt *o)
{
	if (!g->ids)
		return 1;
	for (const int *id = g->ids; *id; id++)
		if (*id == o->id)
			return 1;
	return 0;
}

/* The group's first row at or after o; NULL at the end of its table. */
static const pgiam_cli_opt *group_opt(const pgiam_cli_group *g, const pgiam_cli_opt *o)
{
	for (; o->name; o++)
		if (in_group(g, o))
			return o;
	return NULL;
}

#define FOR_GROUP_OPTS(o, g) \
	for (const pgiam_cli_opt *o = group_opt((g), (g)->opts); o; o = group_opt((g), o + 1))

/* The flat list of the spec's options, getopt_long's table and its short options. */
static int parser_init(parser *p, const pgiam_cli_spec *spec)
{
	size_t n = 0, k = 0, s = 0;

	memset(p, 0, sizeof(*p));
	p->spec = spec;
	for (const pgiam_cli_group *g = spec->groups; g && g->opts; g++)
		FOR_GROUP_OPTS(o, g)
			n++;
	p->flat = calloc(n + 1, sizeof(*p->flat));
	p->longopts = calloc(n + 2, sizeof(*p->longopts));
	if (!p->flat || !p->longopts)
		return -1;
	/* "+": stop at the first operand (psql's arguments follow "--"); ":": report a
	 * missing value as ':' */
	p->shortopts[s++] = '+';
	p->shortopts[s++] = ':';
	p->shortopts[s++] = 'h';
	for (const pgiam_cli_group *g = spec->groups; g && g->opts; g++)
		FOR_GROUP_OPTS(o, g) {
			p->flat[k].opt = o;
			p->flat[k].group = g;
			p->longopts[k].name = o->name;
			p->longopts[k].has_arg = o->arg ? required_argument : no_argument;
			p->longopts[k].val = HELP_ID + 1 + (int)k;
			if (o->short_name && s + 3 < sizeof(p->shortopts)) {
				p->shortopts[s++] = o->short_name;
				if (o->arg)
					p->shortopts[s++] = ':';
			}
			k++;
		}
	p->longopts[k].name = "help";
	p->longopts[k].val = HELP_ID;
	p->n = n;
	return 0;
}

static void parser_dispose(parser *p)
{
	free(p->flat);
	free(p->longopts);
}

/* The option getopt returned (a long option's value, or a short option's letter). */
static const flat_opt *find(const parser *p, int c)
{
	if (c > HELP_ID && (size_t)(c - HELP_ID - 1) < p->n)
		return &p->flat[c - HELP_ID - 1];
	for (size_t i = 0; c > 0 && c < HELP_ID && i < p->n; i++)
		if (p->flat[i].opt->short_name == c)
			return &p->flat[i];
	return NULL;
}

/* Whether name (up to a '=') abbreviates more than one option, as getopt_long allows. */
static int ambiguous(const parser *p, const char *name)
{
	size_t len = strcspn(name, "="), n = 0;

	for (size_t i = 0; len && i < p->n; i++)
		n += !strncmp(p->flat[i].opt->name, name, len);
	return n > 1;
}

/* The one-line error for getopt's ':' (missing value) and '?' (anything else). */
static int getopt_error(const parser *p, int c, char **argv)
{
	const char *cmd = p->spec->name;
	const flat_opt *f = find(p, optopt);
	const char *arg = argv[optind - 1];
	int len;

	if (c == ':') {
		if (f && optopt > HELP_ID)
			return pgiam_cli_usage_error(cmd, "--%s needs a value", f->opt->name);
		return pgiam_cli_usage_error(cmd, "-%c needs a value", optopt);
	}
	if (f && optopt > HELP_ID)   /* --flag=VALUE */
		return pgiam_cli_usage_error(cmd, "--%s takes no value", f->opt->name);
	if (optopt == HELP_ID)
		return pgiam_cli_usage_error(cmd, "--help takes no value");
	if (optopt > 0 && optopt < HELP_ID)
		return pgiam_cli_usage_error(cmd, "unknown option '-%c'", optopt);
	/* the name only: a value after '=' may be a secret given to a mistyped option */
	len = (int)strcspn(arg, "=");
	if (len > 40)
		len = 40;
	if (!strncmp(arg, "--", 2) && ambiguous(p, arg + 2))
		return pgiam_cli_usage_error(cmd, "ambiguous option '%.*s': give more of its name",
			len, arg);
	return pgiam_cli_usage_error(cmd, "unknown option '%.*s'", len, arg);
}

/* A PGIAM_CLI_FIELD option: its value, or 1 for a flag, into the group's struct. */
static void store(const flat_opt *f, const char *value)
{
	char *field = (char *)f->group->ctx + (-1 - f->opt->id);
	int one = 1;

	if (f->opt->arg)
		memcpy(field, &value, sizeof(value));
	else
		memcpy(field, &one, sizeof(one));
}

int pgiam_cli_parse(int *rest, const pgiam_cli_spec *spec, int argc, char **argv)
{
	parser p;
	int c, status = PGIAM_CLI_GO_ON, last = 1;

	if (rest)
		*rest = argc;
	if (parser_init(&p, spec) < 0) {
		parser_dispose(&p);
		pgiam_cli_line(stderr, "pgiam: %s: out of memory", spec->name);
		return PGIAM_EXIT_FAILURE;
	}
	optind = 0;    /* glibc: start afresh */
	opterr = 0;    /* our own one-line messages, named after the command */
	while (status == PGIAM_CLI_GO_ON &&
	       (c = getopt_long(argc, argv, p.shortopts, p.longopts, NULL)) != -1) {
		const flat_opt *f = find(&p, c);

		if (c == 'h' || c == HELP_ID) {
			pgiam_cli_help(stdout, spec);
			status = PGIAM_EXIT_OK;
		} else if (c == ':' || c == '?' || !f) {
			status = getopt_error(&p, c, argv);
		} else if (f->opt->id < 0) {
			store(f, optarg);
		} else {
			status = f->group->handle(spec->name, f->group->ctx, f->opt->id,
				f->opt->arg ? optarg : NULL);
		}
		last = optind;
	}
	if (status == PGIAM_CLI_GO_ON && optind < argc) {
		/* getopt steps over "--" and stops there; on an operand it stops without moving */
		int dashes = optind == last + 1 && !strcmp(argv[last], "--");

		if (dashes && spec->rest_after_dashes) {
			if (rest)
				*rest = optind;
		} else {
			status = pgiam_cli_usage_error(spec->name, "unexpected argument '%.40s'",
				argv[optind]);
		}
	}
	parser_dispose(&p);
	return status;
}

/* "  -c, --command SQL": the option as --help shows it, in buf. */
static size_t left_part(char *buf, size_t len, const pgiam_cli_opt *o)
{
	char shortname[8] = "";
	int n;

	if (o->short_name)
		snprintf(shortname, sizeof(shortname), "-%c, ", o->short_name);
	n = snprintf(buf, len, "  %s--%s%s%s", shortname, o->name, o->arg ? " " : "",
		o->arg ? o->arg : "");
	return n < 0 ? 0 : (size_t)n >= len ? len - 1 : (size_t)n;
}

static void print_opt(FILE *out, const pgiam_cli_opt *o, int column)
{
	char left[128];
	int n = (int)left_part(left, sizeof(left), o);
	const char *h = o->help;

	pgiam_cli_printf(out, "%s%*s", left, n < column ? column - n : 2, "");
	while (h) {
		const char *nl = strchr(h, '\n');

		pgiam_cli_printf(out, "%.*s\n", nl ? (int)(nl - h) : (int)strlen(h), h);
		if ((h = nl ? nl + 1 : NULL))
			pgiam_cli_printf(out, "%*s", column, "");
	}
}

/* Prints "usage: LINE" and "       LINE" for the next lines of text. */
static void print_synopsis(FILE *out, const char *text)
{
	const char *lead = "usage: ";

	while (text && *text) {
		size_t n = strcspn(text, "\n");

		pgiam_cli_printf(out, "%s%.*s\n", lead, (int)n, text);
		lead = "       ";
		text += n;
		text += *text == '\n';
	}
}

void pgiam_cli_exit_help(FILE *out)
{
	pgiam_cli_printf(out,
		"  %-5d success\n"
		"  %-5d failure (credentials, STS, network, the database, a query)\n"
		"  %-5d usage error (unknown command or option, a bad or missing value)\n"
		"  %-5d configuration: the profile or the profile directory is missing or invalid\n",
		PGIAM_EXIT_OK, PGIAM_EXIT_FAILURE, PGIAM_EXIT_USAGE, PGIAM_EXIT_CONFIG);
}

void pgiam_cli_help(FILE *out, const pgiam_cli_spec *spec)
{
	int column = 0;
	char left[128];

	for (const pgiam_cli_group *g = spec->groups; g && g->opts; g++)
		FOR_GROUP_OPTS(o, g) {
			int n = (int)left_part(left, sizeof(left), o);

			if (o->help && n + 2 > column && n + 2 <= HELP_COLUMN_MAX)
				column = n + 2;
		}
	if (column < 12)
		column = 12;
	print_synopsis(out, spec->synopsis);
	if (spec->about)
		pgiam_cli_printf(out, "\n%s\n", spec->about);
	for (const pgiam_cli_group *g = spec->groups; g && g->opts; g++) {
		pgiam_cli_printf(out, "\n%s:\n", g->title);
		FOR_GROUP_OPTS(o, g)
			if (o->help)
				print_opt(out, o, column);
		if (g == spec->groups)
			print_opt(out, &help_opt, column);
	}
	if (!spec->groups || !spec->groups->opts) {
		pgiam_cli_printf(out, "\noptions:\n");
		print_opt(out, &help_opt, column);
	}
	if (spec->notes)
		pgiam_cli_printf(out, "\n%s\n", spec->notes);
	pgiam_cli_printf(out, "\nexit status:\n");
	pgiam_cli_exit_help(out);
	if (spec->exit_notes)
		pgiam_cli_printf(out, "%s\n", spec->exit_notes);
}
