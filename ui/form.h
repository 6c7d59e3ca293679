/* form.h - the model of the profile add/edit form, separate from its drawing
 * (screen_form.c) so it is unit-tested without a terminal.
 *
 * One text field per profile key (pgiam_profile_keys) plus the name. Every change
 * re-checks the fields with the core's pgiam_profile_check_field, in the context of
 * the whole form, so a problem shows beside its field as it is typed. Values are
 * never discarded: a field with an error keeps its text until the user fixes it, and
 * saving is refused while any error remains.
 */
#ifndef PGIAM_UI_FORM_H
#define PGIAM_UI_FORM_H

#include "profile.h"

#include <stddef.h>

typedef struct pgiam_form_field {
	char key[32];             /* profile key, or "name" */
	const char *description;  /* lent by the core's key table */
	int required;
	int secret;               /* masked unless revealed (external_id) */
	char *value;              /* UTF-8, NUL-terminated */
	size_t len, cap;
	size_t cursor;            /* byte offset, on a character boundary */
	int status;               /* 0 fine, 1 warning, negative error */
	char msg[512];            /* the problem, "" when fine */
} pgiam_form_field;

typedef struct pgiam_form {
	pgiam_form_field *fields;
	size_t count;
	size_t active;
	int reveal;               /* show secret fields in clear */
	char *orig_name;          /* the profile being edited; NULL when adding */
	pgiam_profile *base;      /* keeps the keys the form does not show */
	int dirty;                /* changed since opened or saved */
} pgiam_form;

#define PGIAM_FORM_INIT { NULL, 0, 0, 0, NULL, NULL, 0 }

/* A form for a new profile (empty fields), for editing p (orig_name set), or for a
 * copy of p (duplicate: name "<name>-copy", not tied to p's file). */
int pgiam_form_init_add(pgiam_form *f);
int pgiam_form_init_edit(pgiam_form *f, const pgiam_profile *p, int duplicate);
void pgiam_form_dispose(pgiam_form *f);

/* Editing the active field. Inserting takes UTF-8 text (a typed character). */
int pgiam_form_insert(pgiam_form *f, const char *text, size_t n);
void pgiam_form_backspace(pgiam_form *f);
void pgiam_form_delete(pgiam_form *f);
void pgiam_form_clear_field(pgiam_form *f);
void pgiam_form_left(pgiam_form *f);
void pgiam_form_right(pgiam_form *f);
void pgiam_form_home(pgiam_form *f);
void pgiam_form_end(pgiam_form *f);
void pgiam_form_next(pgiam_form *f);
void pgiam_form_prev(pgiam_form *f);

pgiam_form_field *pgiam_form_field_of(pgiam_form *f, const char *key);

/* Re-checks every field (done after each edit by the functions above). */
void pgiam_form_validate(pgiam_form *f);

/* Fields with an error now. */
size_t pgiam_form_error_count(const pgiam_form *f);

/* The text shown for field i into out: the value, or bullets for a masked secret. */
void pgiam_form_display(const pgiam_form *f, size_t i, char *out, size_t outlen);

/* Saves into dir with the core's atomic save. Refused (PGIAM_EINVAL, last error
 * set, nothing written) while a field has an error or when the name is taken by
 * another profile; a renamed profile's old file is removed after the new one is
 * written. On success the form becomes the edit form of the saved profile. */
int pgiam_form_save(pgiam_form *f, const char *dir);

#endif
