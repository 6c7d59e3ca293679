/* sso.h - IAM Identity Center (SSO) as a source of credentials (see sso.c). */
#ifndef PGIAM_SSO_H
#define PGIAM_SSO_H

#include "awsfiles.h"
#include "cancel.h"
#include "creds.h"

/* 1 when the AWS profile uses IAM Identity Center (sso_session or sso_start_url). */
int pgiam_sso_configured(const pgiam_awsfiles *f, const char *profile);

/* The role credentials the profile's SSO login gives (sso_account_id, sso_role_name),
 * through the cached access token (refreshed when near its end). Each failure is one
 * line that says what to run (`aws sso login ...`). */
int pgiam_sso_credentials(pgiam_creds *out, const pgiam_awsfiles *f, const char *profile,
	const pgiam_cancel *cancel);

#endif
