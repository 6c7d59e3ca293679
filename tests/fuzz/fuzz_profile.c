/* fuzz_profile.c - libFuzzer target for profile files: whatever bytes a NAME.ini
 * holds, loading, validating, every accessor and check_field must neither crash nor
 * leak, and a profile that validates must save and load back with identical values.
 * iniparser reads files only, so each input goes through a file in a private
 * temporary directory. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profile.h"

static char dir[64];

/* The inputs' file is unlinked after each run; the directory goes at exit, so that
 * every corpus replay in the test suite does not leave one behind in /tmp. */
static void remove_dir(void)
{
	if (*dir)
		rmdir(dir);
}

static void touch_accessors(const pgiam_profile *p)
{
	volatile size_t sink = 0;
	const char *k = NULL, *v = NULL;
	const char *(*str[])(const pgiam_profile *) = { pgiam_profile_host,
		pgiam_profile_region, pgiam_profile_database, pgiam_profile_db_user,
		pgiam_profile_role_arn, pgiam_profile_external_id, pgiam_profile_session_name,
		pgiam_profile_source_profile, pgiam_profile_sts_endpoint, pgiam_profile_ca_bundle,
		pgiam_profile_sslmode, pgiam_profile_connect_host, pgiam_profile_account_id,
		pgiam_profile_dbi_resource_id };

	for (size_t i = 0; i < sizeof(str) / sizeof(*str); i++) {
		const char *s = str[i](p);
		sink += s ? strlen(s) : 0;
	}
	sink += (size_t)pgiam_profile_port(p) + (size_t)pgiam_profile_connect_port(p) +
		(size_t)pgiam_profile_duration(p) + (size_t)pgiam_profile_read_only(p) +
		(size_t)pgiam_profile_tls_verified(p);
	for (size_t i = 0; pgiam_profile_entry(&k, &v, p, i) == 0; i++) {
		char msg[256];
		sink += strlen(k) + strlen(v);
		pgiam_profile_check_field(p, k, v, msg, sizeof(msg));
	}
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[128];
	pgiam_profile *p = NULL, *q = NULL;
	pgiam_profile_problem problems[16];
	size_t n = 0;
	FILE *f = NULL;

	if (!*dir) {
		snprintf(dir, sizeof(dir), "/tmp/pgiam-fuzz-profile-XXXXXX");
		if (!mkdtemp(dir))
			abort();
		atexit(remove_dir);
	}
	snprintf(path, sizeof(path), "%s/f.ini", dir);
	if (!(f = fopen(path, "wb")))
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	if (pgiam_profile_load(&p, path) == 0) {
		touch_accessors(p);
		if (pgiam_profile_validate(p, problems, 16, &n) == 0) {
			if (pgiam_profile_save(p, dir) != 0)
				abort(); /* a valid profile must always be savable */
			if (pgiam_profile_load(&q, path) != 0)
				abort();
			if (pgiam_profile_entry_count(p) != pgiam_profile_entry_count(q))
				abort();
			for (size_t i = 0; i < pgiam_profile_entry_count(p); i++) {
				const char *k1, *v1, *k2, *v2;
				pgiam_profile_entry(&k1, &v1, p, i);
				pgiam_profile_entry(&k2, &v2, q, i);
				if (strcmp(k1, k2) || strcmp(v1, v2))
					abort(); /* saving changed a value */
			}
			pgiam_profile_free(q);
		}
		pgiam_profile_free(p);
	}
	unlink(path);
	return 0;
}
