/* cmd_token.c - `pgiam token`. Placeholder until its issue lands. */
#include "cli.h"

int pgiam_cmd_token(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	pgiam_cli_error("token", "not implemented yet");
	return 2;
}
