/* cmd_policy.c - `pgiam policy`. Placeholder until its issue lands. */
#include "cli.h"

int pgiam_cmd_policy(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	pgiam_cli_error("policy", "not implemented yet");
	return 2;
}
