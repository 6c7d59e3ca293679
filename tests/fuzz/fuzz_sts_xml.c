/* fuzz_sts_xml.c - libFuzzer target for the STS answer parsers (AssumeRole,
 * AssumeRoleWithWebIdentity, GetCallerIdentity, ErrorResponse), which read whatever an endpoint sends. Also
 * linked with standalone.c into a corpus replayer run by the normal test suite. */
#include "error.h"
#include "sts.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pgiam_sts_assumed a = PGIAM_STS_ASSUMED_INIT;
	pgiam_sts_identity id = PGIAM_STS_IDENTITY_INIT;
	pgiam_sts_error err;
	const char *xml = (const char *)data;
	int rc;

	rc = pgiam_sts_parse_assume_role(&a, xml, size);
	if (rc == 0 && (!a.creds.access_key_id || !a.creds.secret_access_key || !a.assumed_arn ||
	    !a.creds.expiration))
		abort();
	if (rc < 0 && (a.creds.access_key_id || strchr(pgiam_error_last(), '\n')))
		abort();
	pgiam_sts_assumed_dispose(&a);

	rc = pgiam_sts_parse_web_identity(&a, xml, size);
	if (rc == 0 && (!a.creds.access_key_id || !a.assumed_arn || !a.creds.expiration))
		abort();
	pgiam_sts_assumed_dispose(&a);

	rc = pgiam_sts_parse_caller_identity(&id, xml, size);
	if (rc == 0 && !id.arn)
		abort();
	pgiam_sts_identity_dispose(&id);

	if (pgiam_sts_parse_error(&err, xml, size) == 0) {
		if (!err.code[0] || strchr(err.message, '\n') || strchr(err.code, '\n'))
			abort();
		pgiam_sts_report_error(&err, "AssumeRole of x", 400, 1700000000, 1700000100, "environment", 1);
		if (strchr(pgiam_error_last(), '\n'))
			abort();
	}
	return 0;
}
