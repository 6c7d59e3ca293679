/* tls_probe.h - why a database server's certificate was refused. libpq 15 says only
 * "certificate verify failed" (and names one of the certificate's names on a name
 * mismatch), which does not tell an expired certificate from a CA bundle without its
 * CA. The probe makes a second, separate connection to the same address: PostgreSQL's
 * SSLRequest, a TLS handshake that accepts any certificate, then a verification of the
 * chain it got against the same CA bundle with OpenSSL, collecting every problem
 * instead of stopping at the first. It sends nothing else: no startup packet, no user,
 * no token, no client certificate.
 */
#ifndef PGIAM_TLS_PROBE_H
#define PGIAM_TLS_PROBE_H

#include "cancel.h"

typedef enum pgiam_tls_problem {
	PGIAM_TLS_EXPIRED = 1,      /* notAfter passed */
	PGIAM_TLS_NOT_YET_VALID,    /* notBefore still to come */
	PGIAM_TLS_UNKNOWN_CA,       /* the chain does not end at a CA of the bundle */
	PGIAM_TLS_NAME_MISMATCH,    /* (verify-full) the endpoint is none of its names */
	PGIAM_TLS_OTHER             /* anything else OpenSSL refuses; text says what */
} pgiam_tls_problem;

#define PGIAM_TLS_FINDINGS_MAX 4

typedef struct pgiam_tls_finding {
	pgiam_tls_problem problem;
	int depth;                  /* 0 the server's certificate, 1.. the CAs above it */
	char text[384];             /* e.g. "the server's certificate expired on ..." */
} pgiam_tls_finding;

typedef struct pgiam_tls_findings {
	int count;                  /* 0: the chain verifies (the failure has passed) */
	pgiam_tls_finding item[PGIAM_TLS_FINDINGS_MAX];
} pgiam_tls_findings;

typedef struct pgiam_tls_probe_params {
	const char *hostaddr;       /* numeric address TCP goes to (a tunnel's, if any) */
	int port;
	const char *host;           /* the endpoint name: sent as SNI, and checked */
	const char *ca_bundle;      /* NULL: libpq's default (PGSSLROOTCERT, ~/.postgresql/root.crt) */
	int check_name;             /* 1 for sslmode verify-full */
	int timeout_ms;             /* for the whole probe */
	const pgiam_cancel *cancel; /* NULL, or stops the probe when set */
} pgiam_tls_probe_params;

#define PGIAM_TLS_PROBE_PARAMS_INIT { NULL, 0, NULL, NULL, 1, 5000, NULL }

/* Connects, handshakes and verifies as above; fills *out with what is wrong (count 0:
 * nothing now). Returns 0, or a negative code with the error set when the probe itself
 * could not finish (PGIAM_ENET: unreachable, timed out, the server refused TLS;
 * PGIAM_EIO: the CA bundle cannot be read; PGIAM_ECANCELLED). */
int pgiam_tls_probe(pgiam_tls_findings *out, const pgiam_tls_probe_params *p);

#endif
