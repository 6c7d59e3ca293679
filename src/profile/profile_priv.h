/* profile_priv.h - the profile struct and helpers shared by profile.c (model, files)
 * and profile_check.c (validation). Not part of the public API. */
#ifndef PGIAM_PROFILE_PRIV_H
#define PGIAM_PROFILE_PRIV_H

#include "profile.h"

#include <stddef.h>

/* iniparser 4.1 reads a line with fgets() into a 1024-byte buffer and refuses longer
 * lines ("input line too long"), so a written line (key, " = ", quotes, value) must
 * stay within this many characters, not counting the newline. */
#define PGIAM_PROFILE_LINE_MAX 1022

typedef struct pgiam_profile_entry_ {
	char *section; /* "profile" for the profile's own keys; others are kept verbatim */
	char *key;     /* lowercase, as iniparser gives it */
	char *value;
} pgiam_profile_entry_;

struct pgiam_profile {
	char *name;
	char *path;          /* file it was loaded from, or NULL */
	char *dir;           /* directory for relative ca_bundle paths, or NULL */
	int has_section;     /* a [profile] section was present (always 1 for new ones) */
	pgiam_profile_entry_ *entries;
	size_t count, cap;

	/* derived from the raw values by pgiam_profile__refresh() */
	char *host, *connect_host, *region, *ca_bundle, *session_default;
	int port, connect_port;
};

/* Recomputes the derived fields after a change; PGIAM_ENOMEM on failure. */
int pgiam_profile__refresh(pgiam_profile *p);

/* Splits "host:port" / "[v6]:port". 0 and *host (free()) / *port on success; on
 * failure a negative code and msg says what is wrong and what is expected. */
int pgiam_profile__hostport(char **host, int *port, const char *value, char *msg,
	size_t msglen);

/* The region in an RDS endpoint name (….REGION.rds.amazonaws.com[.cn]) into buf;
 * 0 when found, -1 when the host is not an RDS name. */
int pgiam_profile__rds_region(char *buf, size_t buflen, const char *host);

/* dir + "/" + name + suffix (one slash), or NULL with the last error set. */
char *pgiam_profile__join(const char *dir, const char *name, const char *suffix);

/* The quote character a value is written in so that iniparser reads it back
 * unchanged, or 0 when it cannot be represented. */
char pgiam_profile__quote(const char *value);

/* The same without setting the last error: -1 and msg says why. */
int pgiam_profile__value_problem(const char *key, const char *value, char *msg,
	size_t msglen);

/* 0 when key = value can be written and read back identically, else PGIAM_EINVAL with
 * the last error saying why. */
int pgiam_profile__value_check(const char *key, const char *value);

/* Parses a boolean value: 1/0, or -1 when malformed. */
int pgiam_profile__bool(const char *value);

#endif
