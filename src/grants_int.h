/* grants_int.h - the inside of a pgiam_grants, shared by grants.c, grants_iam.c and
 * grants_render.c only. */
#ifndef PGIAM_GRANTS_INT_H
#define PGIAM_GRANTS_INT_H

#include "grants.h"

#include <json-c/json.h>

struct pgiam_grants {
	json_object *role;        /* current_user, attributes, memberships, database_privileges */
	json_object *schemas;     /* [{name, owner, usage, privileges}] */
	json_object *tables;      /* tables, views, materialized views, foreign tables */
	json_object *sequences;
	json_object *functions;
	json_object *iam;         /* NULL until pgiam_grants_set_iam */
	int superuser, read_all_data, write_all_data, rds_superuser, rds_iam;
	int finished;
};

/* A member's string (NULL when absent or null), boolean, object. Lent. */
const char *pgiam__grants_str(json_object *o, const char *key);
int pgiam__grants_bool(json_object *o, const char *key);
json_object *pgiam__grants_get(json_object *o, const char *key);

#endif
