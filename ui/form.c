/* form.c - the profile form's model (see form.h). No curses here. */
#include "form.h"

#include "error.h"
#include "secure.h"
#include "width.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int field_reserve(pgiam_form_field *fl, size_t extra)
{
	size_t need = fl->len + extra + 1;
	char *p = NULL;
	size_t cap = fl->cap ? fl->cap : 32;

	if (need <= fl->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	p = realloc(fl->value, cap);
	if (!p)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory while editing the form");
	fl->value = p;
	fl->cap = cap;
	return 0;
}

static int field_assign(pgiam_form_field *fl, const char *value)
{
	size_t n = value ? strlen(value) : 0;
	int error = 0;

	fl->len = 0;
	if ((error = field_reserve(fl, n)) < 0)
		return error;
	if (n)
		memcpy(fl->value, value, n);
	fl->len = n;
	fl->value[n] = '\0';
	fl->cursor = n;
	return 0;
}

/* Lays out the fields: the name first, then every known key in the core's order. */
static int form_setup(pgiam_form *f, const pgiam_profile *p)
{
	size_t nkeys = 0;
	const pgiam_profile_key *keys = pgiam_profile_keys(&nkeys);
	int error = 0;

	f->fields = calloc(nkeys + 1, sizeof(*f->fields));
	if (!f->fields)
		return pgiam_error_set(PGIAM_ENOMEM, "out of memory while opening the form");
	f->count = nkeys + 1;
	snprintf(f->fields[0].key, sizeof(f->fields[0].key), "name");
	f->fields[0].description = "Profile name: letters, digits, '.', '_' and '-'";
	f->fields[0].required = 1;
	if ((error = field_assign(&f->fields[0], p ? pgiam_profile_name(p) : "")) < 0)
		return error;
	for (size_t i = 0; i < nkeys; i++) {
		pgiam_form_field *fl = &f->fields[i + 1];

		snprintf(fl->key, sizeof(fl->key), "%s", keys[i].key);
		fl->description = keys[i].description;
		fl->required = keys[i].required;
		fl->secret = !strcmp(keys[i].key, "external_id");
		if ((error = field_assign(fl, p ? pgiam_profile_get(p, keys[i].key) : NULL)) < 0)
			return error;
	}
	return 0;
}

int pgiam_form_init_add(pgiam_form *f)
{
	int error = 0;

	memset(f, 0, sizeof(*f));
	if ((error = pgiam_profile_new(&f->base, "")) < 0)
		goto cleanup;
	if ((error = form_setup(f, NULL)) < 0)
		goto cleanup;
	pgiam_form_validate(f);
cleanup:
	if (error < 0)
		pgiam_form_dispose(f);
	return error;
}

int pgiam_form_init_edit(pgiam_form *f, const pgiam_profile *p, int duplicate)
{
	char name[PGIAM_PROFILE_NAME_MAX + 8];
	int error = 0;

	memset(f, 0, sizeof(*f));
	if (duplicate) {
		snprintf(name, sizeof(name), "%.*s-copy", PGIAM_PROFILE_NAME_MAX - 5,
			pgiam_profile_name(p));
		error = pgiam_profile_dup(&f->base, p, name);
	} else {
		error = pgiam_profile_dup(&f->base, p, NULL);
		if (!error && !(f->orig_name = strdup(pgiam_profile_name(p))))
			error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");
	}
	if (error < 0)
		goto cleanup;
	if ((error = form_setup(f, f->base)) < 0)
		goto cleanup;
	f->dirty = duplicate;
	pgiam_form_validate(f);
cleanup:
	if (error < 0)
		pgiam_form_dispose(f);
	return error;
}

void pgiam_form_dispose(pgiam_form *f)
{
	for (size_t i = 0; i < f->count; i++) {
		if (f->fields[i].value) {
			pgiam_wipe(f->fields[i].value, f->fields[i].cap);
			free(f->fields[i].value);
		}
	}
	free(f->fields);
	free(f->orig_name);
	pgiam_profile_free(f->base);
	memset(f, 0, sizeof(*f));
}

pgiam_form_field *pgiam_form_field_of(pgiam_form *f, const char *key)
{
	for (size_t i = 0; i < f->count; i++)
		if (!strcmp(f->fields[i].key, key))
			return &f->fields[i];
	return NULL;
}

/* The profile the form describes now; set errors go to the fields concerned. */
static int build_profile(pgiam_profile **out, pgiam_form *f, int record)
{
	pgiam_profile *p = NULL;
	int error = 0;

	if ((error = pgiam_profile_dup(&p, f->base, NULL)) < 0)
		return error;
	for (size_t i = 0; i < f->count; i++) {
		pgiam_form_field *fl = &f->fields[i];
		int rc = 0;

		if (!strcmp(fl->key, "name"))
			rc = pgiam_profile_set_name(p, fl->value);
		else
			rc = pgiam_profile_set(p, fl->key, fl->len ? fl->value : NULL);
		if (rc < 0 && record) {
			fl->status = rc;
			snprintf(fl->msg, sizeof(fl->msg), "%s", pgiam_error_last());
		}
	}
	*out = p;
	return 0;
}

void pgiam_form_validate(pgiam_form *f)
{
	pgiam_profile *ctx = NULL;

	for (size_t i = 0; i < f->count; i++) {
		f->fields[i].status = 0;
		f->fields[i].msg[0] = '\0';
	}
	if (build_profile(&ctx, f, 1) < 0)
		ctx = NULL;
	for (size_t i = 0; i < f->count; i++) {
		pgiam_form_field *fl = &f->fields[i];

		if (fl->status < 0)
			continue;  /* the value cannot even be stored; that message stays */
		fl->status = pgiam_profile_check_field(ctx, fl->key, fl->value, fl->msg,
			sizeof(fl->msg));
		if (fl->status < 0 && !fl->msg[0])
			snprintf(fl->msg, sizeof(fl->msg), "%s", pgiam_error_last());
	}
	pgiam_profile_free(ctx);
}

size_t pgiam_form_error_count(const pgiam_form *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->count; i++)
		if (f->fields[i].status < 0)
			n++;
	return n;
}

static pgiam_form_field *active(pgiam_form *f)
{
	return f->count ? &f->fields[f->active] : NULL;
}

static void changed(pgiam_form *f)
{
	f->dirty = 1;
	pgiam_form_validate(f);
}

int pgiam_form_insert(pgiam_form *f, const char *text, size_t n)
{
	pgiam_form_field *fl = active(f);
	int error = 0;

	if (!fl || !n)
		return 0;
	if ((error = field_reserve(fl, n)) < 0)
		return error;
	memmove(fl->value + fl->cursor + n, fl->value + fl->cursor, fl->len - fl->cursor + 1);
	memcpy(fl->value + fl->cursor, text, n);
	fl->len += n;
	fl->cursor += n;
	changed(f);
	return 0;
}

static void delete_range(pgiam_form *f, pgiam_form_field *fl, size_t from, size_t to)
{
	if (to <= from)
		return;
	memmove(fl->value + from, fl->value + to, fl->len - to + 1);
	fl->len -= to - from;
	fl->cursor = from;
	changed(f);
}

void pgiam_form_backspace(pgiam_form *f)
{
	pgiam_form_field *fl = active(f);

	if (fl && fl->cursor)
		delete_range(f, fl, pgiam_utf8_prev(fl->value, fl->cursor), fl->cursor);
}

void pgiam_form_delete(pgiam_form *f)
{
	pgiam_form_field *fl = active(f);

	if (fl && fl->cursor < fl->len)
		delete_range(f, fl, fl->cursor, pgiam_utf8_next(fl->value, fl->len, fl->cursor));
}

void pgiam_form_clear_field(pgiam_form *f)
{
	pgiam_form_field *fl = active(f);

	if (fl && fl->len)
		delete_range(f, fl, 0, fl->len);
}

void pgiam_form_left(pgiam_form *f)
{
	pgiam_form_field *fl = active(f);

	if (fl)
		fl->cursor = pgiam_utf8_prev(fl->value, fl->cursor);
}

void pgiam_form_right(pgiam_form *f)
{
	pgiam_form_field *fl = active(f);

	if (fl)
		fl->cursor = pgiam_utf8_next(fl->value, fl->len, fl->cursor);
}

void pgiam_form_home(pgiam_form *f)
{
	if (active(f))
		active(f)->cursor = 0;
}

void pgiam_form_end(pgiam_form *f)
{
	if (active(f))
		active(f)->cursor = active(f)->len;
}

void pgiam_form_next(pgiam_form *f)
{
	if (f->count)
		f->active = (f->active + 1) % f->count;
}

void pgiam_form_prev(pgiam_form *f)
{
	if (f->count)
		f->active = (f->active + f->count - 1) % f->count;
}

void pgiam_form_display(const pgiam_form *f, size_t i, char *out, size_t outlen)
{
	const pgiam_form_field *fl = &f->fields[i];

	if (!outlen)
		return;
	if (fl->secret && !f->reveal) {
		/* One bullet per character, so the length stays visible. */
		size_t n = 0, o = 0;

		while (n < fl->len && o + 4 < outlen) {
			memcpy(out + o, "\xE2\x80\xA2", 3);
			o += 3;
			n = pgiam_utf8_next(fl->value, fl->len, n);
		}
		out[o] = '\0';
		return;
	}
	snprintf(out, outlen, "%s", fl->value ? fl->value : "");
}

int pgiam_form_save(pgiam_form *f, const char *dir)
{
	pgiam_profile *p = NULL;
	const char *name = NULL;
	size_t errors = 0;
	int renamed = 0;
	int error = 0;

	pgiam_form_validate(f);
	if ((errors = pgiam_form_error_count(f)) > 0) {
		error = pgiam_error_set(PGIAM_EINVAL, "not saved: %zu field%s ha%s an error; fix %s first",
			errors, errors == 1 ? "" : "s", errors == 1 ? "s" : "ve",
			errors == 1 ? "it" : "them");
		goto cleanup;
	}
	if ((error = build_profile(&p, f, 0)) < 0)
		goto cleanup;
	name = pgiam_profile_name(p);
	renamed = f->orig_name && strcmp(f->orig_name, name) != 0;
	if ((!f->orig_name || renamed) && pgiam_profile_exists(dir, name)) {
		pgiam_form_field *fl = pgiam_form_field_of(f, "name");

		error = pgiam_error_set(PGIAM_EINVAL, "not saved: a profile named %s already exists; "
			"choose another name", name);
		if (fl) {
			fl->status = PGIAM_EINVAL;
			snprintf(fl->msg, sizeof(fl->msg), "a profile named %s already exists", name);
		}
		goto cleanup;
	}
	if ((error = pgiam_profile_save(p, dir)) < 0)
		goto cleanup;
	if (renamed && (error = pgiam_profile_delete(dir, f->orig_name)) < 0 &&
	    error != PGIAM_ENOTFOUND)
		goto cleanup;
	error = 0;
	free(f->orig_name);
	if (!(f->orig_name = strdup(name))) {
		error = pgiam_error_set(PGIAM_ENOMEM, "out of memory");
		goto cleanup;
	}
	pgiam_profile_free(f->base);
	f->base = p;
	p = NULL;
	f->dirty = 0;
cleanup:
	pgiam_profile_free(p);
	return error;
}
