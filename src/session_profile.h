/* session_profile.h - a session for a profile: connection settings from the profile,
 * credentials from a pgiam_auth (source chain + AssumeRole with the external ID) that
 * the session owns and uses from its worker thread. What the TUI and the commands
 * use; session.h's lower-level params remain for tests and non-profile callers. */
#ifndef PGIAM_SESSION_PROFILE_H
#define PGIAM_SESSION_PROFILE_H

#include "profile_auth.h"
#include "profile.h"
#include "session.h"

/* Fills *out from the profile (strings lent by the profile, which must outlive the
 * params): endpoint host/port (the token's), connect_host/port (where TCP goes),
 * region, database, db_user, sslmode, ca_bundle, read_only. The profile must have
 * passed pgiam_profile_validate(); PGIAM_EINVAL otherwise, naming the first error. */
int pgiam_session_params_from_profile(pgiam_session_params *out, const pgiam_profile *profile);

/* A session for the profile. params: NULL, or params from the function above that the
 * caller adjusted (read_only, deliberately wrong signing for tests); the credentials
 * fields are replaced by the profile's pgiam_auth. The profile must outlive the
 * session. */
int pgiam_session_new_profile(pgiam_session **out, const pgiam_profile *profile,
	const pgiam_session_params *params);

/* The session's pgiam_auth (assumed ARN, session expiry, event callback for the
 * TUI's log); NULL for a session not made from a profile. Lent. The auth is used
 * from the session's worker thread; its getters are safe while no connect runs. */
pgiam_auth *pgiam_session_auth(const pgiam_session *s);

#endif
