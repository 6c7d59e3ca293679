/* cli_auth.h - what the profile-based commands (token --profile, whoami, policy,
 * logout) share: loading and validating the named profile. */
#ifndef PGIAM_CLI_AUTH_H
#define PGIAM_CLI_AUTH_H

#include "profile.h"

/* Loads profile `name` from the profile directory (dir_override: --profiles DIR) and
 * validates it. On failure prints one line per error prefixed with cmd to stderr and
 * returns the process exit status to use (PGIAM_EXIT_CONFIG); 0 on success. */
int pgiam_cli_load_profile(pgiam_profile **out, const char *cmd, const char *dir_override,
	const char *name);

#endif
