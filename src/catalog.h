/* catalog.h - what the server says about the logged-in user: identity, role
 * memberships (is rds_iam among them) and a privilege summary for the tables of the
 * session's database. Blocking calls on a READY session, for `pgiam check` (which the
 * TUI runs in a thread); every query is parameterised. Browsing comes later. */
#ifndef PGIAM_CATALOG_H
#define PGIAM_CATALOG_H

#include "session.h"

#include <stddef.h>

typedef struct pgiam_catalog_identity {
	char current_user[128];
	char session_user[128];
	char server_version[64];
	int server_version_num;
	char memberships[1024];   /* "readonly_role, rds_iam" (direct and indirect) */
	int has_rds_iam;
} pgiam_catalog_identity;

int pgiam_catalog_identity_get(pgiam_catalog_identity *out, pgiam_session *s);

#define PGIAM_PRIV_SELECT     0x01u
#define PGIAM_PRIV_INSERT     0x02u
#define PGIAM_PRIV_UPDATE     0x04u
#define PGIAM_PRIV_DELETE     0x08u
#define PGIAM_PRIV_TRUNCATE   0x10u
#define PGIAM_PRIV_REFERENCES 0x20u
#define PGIAM_PRIV_TRIGGER    0x40u

typedef struct pgiam_catalog_table_priv {
	char name[256];           /* schema.table, quoted where needed */
	char kind[24];            /* "table", "view", … */
	unsigned privs;           /* PGIAM_PRIV_* held by current_user */
} pgiam_catalog_table_priv;

typedef struct pgiam_catalog_privileges {
	size_t tables;            /* tables, views … outside the system schemas */
	size_t can_select, can_insert, can_update, can_delete;
	pgiam_catalog_table_priv *list;   /* first PGIAM_CATALOG_LIST_MAX, sorted */
	size_t list_count;
} pgiam_catalog_privileges;

#define PGIAM_CATALOG_LIST_MAX 200

int pgiam_catalog_privileges_get(pgiam_catalog_privileges *out, pgiam_session *s);
void pgiam_catalog_privileges_dispose(pgiam_catalog_privileges *p);

/* "SELECT, INSERT" for a privilege mask ("" for none) into out. */
void pgiam_catalog_privs_str(char *out, size_t outlen, unsigned privs);

#endif
