/* profile_auth.h - the AWS side of a profile: pgiam_auth options from its keys.
 *
 * Glue: the AWS layer (aws/auth.h) takes plain options and the profile layer knows no
 * AWS code; this is the one place that maps one onto the other. */
#ifndef PGIAM_PROFILE_AUTH_H
#define PGIAM_PROFILE_AUTH_H

#include "auth.h"
#include "profile.h"

/* Fills *out from the profile (strings lent by the profile). */
void pgiam_profile_auth_options(pgiam_auth_options *out, const pgiam_profile *profile);

/* A pgiam_auth for the profile's role, external ID, region, source and STS endpoint. */
int pgiam_profile_auth_new(pgiam_auth **out, const pgiam_profile *profile);

/* 1 when connecting with the profile will need an MFA code: it has mfa_serial and no
 * cached session lasting past the refresh margin (a front end asks first). */
int pgiam_profile_mfa_needed(const pgiam_profile *profile);

/* Deletes cached assumed-role sessions: the profile's role (and session name), or every
 * one when profile is NULL. *removed says how many. */
int pgiam_profile_logout(int *removed, const pgiam_profile *profile);

#endif
