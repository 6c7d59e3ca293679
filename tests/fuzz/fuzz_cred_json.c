/* fuzz_cred_json.c - libFuzzer target for what credential providers print or serve:
 * credential_process / container / IMDS JSON, and the shell-like splitting of a
 * credential_process command line. Also linked with standalone.c into a corpus
 * replayer run by the normal test suite. */
#include "chain.h"
#include "creds.h"
#include "error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pgiam_creds c = PGIAM_CREDS_INIT;
	char **argv = NULL;
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (int format = 0; format < 2; format++) {
		if (pgiam_chain_parse_json(&c, s, size, format, "fuzz") == 0) {
			if (!c.access_key_id || !*c.access_key_id || !c.secret_access_key)
				abort();
		} else if (c.access_key_id || strchr(pgiam_error_last(), '\n')) {
			abort();
		}
		pgiam_creds_dispose(&c);
	}
	if (pgiam_chain_split_command(&argv, s) == 0) {
		if (!argv || !argv[0])
			abort();
		pgiam_chain_argv_free(argv);
	} else if (argv) {
		abort();
	}
	free(s);
	return 0;
}
