/* fuzz_sigv4_request.c - libFuzzer target for SigV4 canonicalisation: the input is
 * split on newlines into method, host, path, a header and a query parameter, then
 * signed both ways. Path normalisation and encoding get arbitrary bytes. */
#include "error.h"
#include "secure.h"
#include "sigv4.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *fields[7] = { "GET", "h", "/", "x-h", "v", "q", "v" }, *p;
	pgiam_creds creds = { (char *)"AKID", (char *)"SECRET", (char *)"TOKEN", 0, NULL };
	pgiam_sigv4_options opts = PGIAM_SIGV4_OPTIONS_INIT;
	pgiam_sigv4_signed sig = PGIAM_SIGV4_SIGNED_INIT;
	pgiam_sigv4_param header, query;
	pgiam_sigv4_request req;
	char *presigned = NULL;
	int n = 0, rc;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (p = s; n < 7; n++) {
		char *nl = strchr(p, '\n');

		fields[n] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	header.name = fields[3];
	header.value = fields[4];
	query.name = fields[5];
	query.value = fields[6];
	memset(&req, 0, sizeof(req));
	req.method = fields[0];
	req.host = fields[1];
	req.path = fields[2];
	req.headers = &header;
	req.header_count = 1;
	req.query = &query;
	req.query_count = 1;
	req.payload = data;
	req.payload_len = size;
	opts.region = "us-east-1";
	opts.service = "service";
	opts.time = 1440938160;
	opts.expires = 3600;
	opts.normalize_path = size & 1;
	opts.omit_session_token = (size >> 1) & 1;

	rc = pgiam_sigv4_sign_headers(&sig, &req, &creds, &opts);
	if (rc == 0 && (strlen(sig.signature) != 64 || !sig.authorization))
		abort();
	if (rc != 0 && rc != PGIAM_EINVAL && rc != PGIAM_ENOMEM)
		abort();
	pgiam_sigv4_signed_dispose(&sig);
	rc = pgiam_sigv4_presign(&presigned, &req, &creds, &opts);
	if (rc == 0 && !strstr(presigned, "&X-Amz-Signature="))
		abort();
	pgiam_free_secret(presigned);
	free(s);
	return 0;
}
