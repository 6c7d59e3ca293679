/* cmd_whoami.c - `pgiam whoami`. Placeholder until its issue lands. */
#include "cli.h"

int pgiam_cmd_whoami(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	pgiam_cli_error("whoami", "not implemented yet");
	return 2;
}
