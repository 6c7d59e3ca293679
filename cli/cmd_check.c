/* cmd_check.c - `pgiam check`. Placeholder until its issue lands. */
#include "cli.h"

int pgiam_cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	pgiam_cli_error("check", "not implemented yet");
	return 2;
}
