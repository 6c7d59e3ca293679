/* cmd_psql.c - `pgiam psql`. Placeholder until its issue lands. */
#include "cli.h"

int pgiam_cmd_psql(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	pgiam_cli_error("psql", "not implemented yet");
	return 2;
}
