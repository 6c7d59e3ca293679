/* grants_harness.c - pgiam_grants_object_holds() (src/grants.h) on a real session, for
 * grants_sandbox.py: what the role holds on one object and through which role, as the
 * probe and the refusal explanations ask it.
 * usage: grants_harness PROFILES-DIR PROFILE OBJECT [SCHEMA]
 * prints "found 0|1 SCHEMA.NAME KIND usage 0|1 user USER" then one line per privilege:
 * "PRIV held 0|1 via ROLE...", then one per column grant "column NAME PRIV held 0|1". */
#include "error.h"
#include "grants.h"
#include "profile.h"
#include "session_profile.h"

#include <stdio.h>

int main(int argc, char **argv)
{
	pgiam_profile *p = NULL;
	pgiam_session *s = NULL;
	pgiam_grants_holds h;
	int rc = 1;

	if (argc < 4) {
		fprintf(stderr, "usage: grants_harness DIR PROFILE OBJECT [SCHEMA]\n");
		return 2;
	}
	if (pgiam_profile_load_named(&p, argv[1], argv[2]) < 0 ||
	    pgiam_session_new_profile(&s, p, NULL) < 0 || pgiam_session_connect(s) < 0 ||
	    pgiam_session_run(s, NULL, NULL) < 0 ||
	    pgiam_grants_object_holds(&h, s, argc > 4 ? argv[4] : NULL, argv[3]) < 0) {
		fprintf(stderr, "grants_harness: %s\n", pgiam_error_last());
		goto cleanup;
	}
	printf("found %d %s.%s %s usage %d user %s\n", h.found, h.schema, h.name, h.kind,
		h.schema_usage, h.current_user);
	for (size_t i = 0; i < h.nprivs; i++) {
		printf("%s held %d via", h.privs[i].name, h.privs[i].held);
		for (size_t k = 0; k < h.privs[i].nvia; k++)
			printf(" %s", h.privs[i].via[k]);
		printf("\n");
	}
	for (size_t c = 0; c < h.ncolumns; c++)
		for (size_t i = 0; i < h.columns[c].nprivs; i++)
			printf("column %s %s held %d\n", h.columns[c].name, h.columns[c].privs[i].name,
				h.columns[c].privs[i].held);
	printf("rls %d active %d applying %zu\n", h.rls_enabled, h.rls_active,
		h.rls_policies_applying);
	pgiam_grants_holds_dispose(&h);
	rc = 0;

cleanup:
	pgiam_session_free(s);
	pgiam_profile_free(p);
	return rc;
}
