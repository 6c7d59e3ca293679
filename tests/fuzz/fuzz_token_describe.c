/* fuzz_token_describe.c - libFuzzer target for the token parser behind
 * `pgiam token --describe` (pgiam_token_describe). Also linked with standalone.c
 * into a corpus replayer that runs in the normal test suite. */
#include "error.h"
#include "token.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pgiam_token_info info;
	char *s = malloc(size + 1);
	int rc;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	rc = pgiam_token_describe(&info, s, 1700000000);
	if (rc == 0) {
		/* what describe promises about a token it accepts */
		if (!info.host[0] || info.port < 1 || info.port > 65535 || !info.db_user[0] ||
		    !info.region[0] || info.expires_at <= info.signed_at ||
		    info.seconds_left != (long)(info.expires_at - 1700000000))
			abort();
	} else if (rc != PGIAM_EINVAL && rc != PGIAM_ENOMEM) {
		abort();
	} else if (strchr(pgiam_error_last(), '\n')) {
		abort();
	}
	free(s);
	return 0;
}
