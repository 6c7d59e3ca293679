/* cmd_profiles.c - `pgiam profiles`. Placeholder until its issue lands. */
#include "cli.h"

int pgiam_cmd_profiles(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	pgiam_cli_error("profiles", "not implemented yet");
	return 2;
}
