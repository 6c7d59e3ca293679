/* cli_probe.h - the probe's command-line branch (`pgiam grants --probe`). */
#ifndef PGIAM_CLI_PROBE_H
#define PGIAM_CLI_PROBE_H

#include "cli_session.h"

/* Connects with opts, probes table, prints lines (or JSON). Returns the exit status:
 * 0 once the probe ran (refusals are its findings), 1 when the table is not found, 2
 * for a bad name, the failing step's number when the connection fails. */
int pgiam_cli_probe(pgiam_cli_session_opts *opts, const char *table, int json);

#endif
