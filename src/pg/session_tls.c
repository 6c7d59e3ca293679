/* session_tls.c - a refused server certificate, explained with its real reason and the
 * fix for that reason. libpq 15 says "certificate verify failed" for an expired
 * certificate, one not valid yet and one from an unknown CA alike, so after such a
 * failure the TLS probe (tls_probe.h) runs in the session's job thread: the connect
 * screen keeps drawing, a cancel stops it (the probe waits in 50 ms slices), and the
 * failure is reported when it ends. The probe goes to the address libpq went to (the
 * tunnel's, with connect_host) and sends no credentials.
 */
#include "session_int.h"

#include "buf.h"
#include "error.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* at most this long after libpq's failure (or the connect timeout when shorter) */
#define PROBE_SECONDS 5

static void probe_main(pgiam_job *self, void *arg)
{
	pgiam_session_progress *job = arg;
	pgiam_session *s = job->s;
	pgiam_tls_probe_params p = PGIAM_TLS_PROBE_PARAMS_INIT;

	job->self = self;
	job->cancel = pgiam_job_cancel_flag(self);
	pgiam_error_clear();
	p.hostaddr = s->info.hostaddr;
	p.port = s->info.tcp_port;
	p.host = s->host;
	p.ca_bundle = s->sslrootcert;
	p.check_name = !strcmp(s->sslmode, "verify-full");
	p.timeout_ms = (s->connect_timeout < PROBE_SECONDS ? s->connect_timeout : PROBE_SECONDS)
		* 1000;
	p.cancel = job->cancel;
	job->result = pgiam_tls_probe(&job->tls, &p);
	if (job->result < 0)
		snprintf(job->message, sizeof(job->message), "%s", pgiam_error_last());
}

int pgiam__session_tls_probe_start(pgiam_session *s, const char *line)
{
	pgiam_session_progress *job = &s->job;

	if (!strstr(line, "certificate verify failed") && !strstr(line, "does not match host name"))
		return PGIAM_ENOTFOUND;
	if (s->worker || !s->info.hostaddr[0])
		return PGIAM_ERROR;
	pgiam__session_close_conn(s);
	snprintf(job->tls_line, sizeof(job->tls_line), "%s", line);
	job->tls_probe = 1;
	job->result = 0;
	job->message[0] = '\0';
	if (pgiam__session_start_worker(s, probe_main) < 0) {
		job->tls_probe = 0;
		return PGIAM_ERROR;
	}
	s->state = ST_WORKER;
	return 0;
}

static const char *region_of(const pgiam_session *s)
{
	return s->region && *s->region ? s->region : "REGION";
}

static void fmt_now(char *out, size_t outlen)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, outlen, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

/* What to change for the usual TLS failures (libpq's wording), so the failure screen
 * says the fix and not only the symptom; "" when the cause is not one of them. Used
 * when the probe found nothing to go on. */
static void line_fix(char *out, size_t outlen, const pgiam_session *s, const char *line)
{
	const char *region = region_of(s);

	out[0] = '\0';
	if (strstr(line, "root certificate file") || strstr(line, "could not read root certificate"))
		snprintf(out, outlen, "; fix: set ca_bundle in the profile to a readable copy of "
			"the RDS CA bundle of the region (https://truststore.pki.rds.amazonaws.com/%s/"
			"%s-bundle.pem)", region, region);
	else if (strstr(line, "certificate verify failed"))
		snprintf(out, outlen, "; fix: the CA bundle does not hold the CA that signed the "
			"server's certificate: set ca_bundle to the RDS CA bundle of the region "
			"(https://truststore.pki.rds.amazonaws.com/%s/%s-bundle.pem)", region, region);
	else if (strstr(line, "does not match host name"))
		snprintf(out, outlen, "; fix: endpoint must be the instance's DNS name, the one "
			"in its certificate; to go through a tunnel or an address, keep endpoint and "
			"set connect_host = HOST:PORT");
}

/* The fix for one problem the probe found; "" when there is none to give. */
static void finding_fix(char *out, size_t outlen, const pgiam_session *s,
	const pgiam_tls_finding *f, int bundle_ok)
{
	const char *region = region_of(s);
	const char *rotate = "RDS: aws rds modify-db-instance --ca-certificate-identifier";
	char now[32];

	fmt_now(now, sizeof(now));
	out[0] = '\0';
	switch (f->problem) {
	case PGIAM_TLS_EXPIRED:
		if (f->depth == 0)
			snprintf(out, outlen, "the server's certificate must be renewed%s (%s); if that "
				"date is still to come, this machine's clock is wrong (it says %s)",
				bundle_ok ? ", the CA bundle is not the cause" : "", rotate, now);
		else
			snprintf(out, outlen, "set ca_bundle to the current RDS CA bundle of the region "
				"(https://truststore.pki.rds.amazonaws.com/%s/%s-bundle.pem); if the server "
				"sends the expired CA itself, %s", region, region, rotate);
		break;
	case PGIAM_TLS_NOT_YET_VALID:
		snprintf(out, outlen, "this machine's clock says %s: if that is behind, set it right "
			"(NTP)%s; otherwise the certificate is valid only from that date", now,
			bundle_ok ? ", the CA bundle is not the cause" : "");
		break;
	case PGIAM_TLS_UNKNOWN_CA:
		snprintf(out, outlen, "the CA bundle does not hold the CA that signed the server's "
			"certificate: set ca_bundle to the RDS CA bundle of the region "
			"(https://truststore.pki.rds.amazonaws.com/%s/%s-bundle.pem)", region, region);
		break;
	case PGIAM_TLS_NAME_MISMATCH:
		snprintf(out, outlen, "endpoint must be the instance's DNS name, the one in its "
			"certificate; to go through a tunnel or an address, keep endpoint and set "
			"connect_host = HOST:PORT");
		break;
	case PGIAM_TLS_OTHER:
		break;
	}
}

/* ": REASON; REASON" and "; fix: FIX; also FIX" for what the probe found. */
static void findings_text(pgiam_buf *why, pgiam_buf *fix, const pgiam_session *s,
	const pgiam_tls_findings *t)
{
	int bundle_ok = 1;
	char one[600];

	for (int i = 0; i < t->count; i++)
		if (t->item[i].problem == PGIAM_TLS_UNKNOWN_CA)
			bundle_ok = 0;
	/* the chain's problems first: they are what libpq refused; the name comes after */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < t->count; i++) {
			if ((t->item[i].problem == PGIAM_TLS_NAME_MISMATCH) != pass)
				continue;
			pgiam_buf_printf(why, "%s%s", why->len ? "; " : ": ", t->item[i].text);
			finding_fix(one, sizeof(one), s, &t->item[i], bundle_ok);
			if (one[0])
				pgiam_buf_printf(fix, "%s%s", fix->len ? "; also " : "; fix: ", one);
		}
}

void pgiam__session_tls_message(char *out, size_t outlen, const pgiam_session *s,
	const char *line)
{
	pgiam_buf why = PGIAM_BUF_INIT, fix = PGIAM_BUF_INIT;
	const pgiam_session_progress *job = &s->job;
	char generic[512];

	line_fix(generic, sizeof(generic), s, line);
	if (!job->tls_probe) {
		pgiam_buf_puts(&fix, generic);
	} else if (job->result < 0) {
		pgiam_buf_printf(&why, "; the reason could not be checked (a second TLS "
			"handshake: %s)", job->message);
		pgiam_buf_puts(&fix, generic);
	} else if (job->tls.count == 0) {
		pgiam_buf_puts(&why, "; a second TLS handshake just after found nothing wrong "
			"with the certificate (replaced meanwhile?): try again");
	} else {
		findings_text(&why, &fix, s, &job->tls);
	}
	snprintf(out, outlen, "TLS verification: %s%s (server name %s, CA bundle %s, sslmode "
		"%s)%s", line, pgiam_buf_cstr(&why), s->host,
		s->sslrootcert ? s->sslrootcert : "libpq's default ~/.postgresql/root.crt",
		s->sslmode, pgiam_buf_cstr(&fix));
	pgiam_buf_dispose(&why);
	pgiam_buf_dispose(&fix);
}
