/* actions.c - key lookup, key names and the generated key reference (see actions.h). */
#include "actions.h"

#include <string.h>

static const pgiam_action_info action_table[] = {
	{ "none", PGIAM_SCOPE_GLOBAL, "", { 0, 0, 0, 0 } },
#define PGIAM_ACTION_INFO_(id, scope, help, k1, k2, k3, k4) \
	{ #id, PGIAM_SCOPE_##scope, help, { k1, k2, k3, k4 } },
	PGIAM_ACTIONS(PGIAM_ACTION_INFO_)
#undef PGIAM_ACTION_INFO_
};

static const char *scope_titles[] = {
#define PGIAM_SCOPE_TITLE_(id, title) title,
	PGIAM_SCOPES(PGIAM_SCOPE_TITLE_)
#undef PGIAM_SCOPE_TITLE_
};

const pgiam_action_info *pgiam_action_get(pgiam_action a)
{
	if (a <= PGIAM_ACTION_NONE || a >= PGIAM_ACTION__COUNT)
		return NULL;
	return &action_table[a];
}

const char *pgiam_scope_title(pgiam_scope s)
{
	if ((int)s < 0 || s >= PGIAM_SCOPE__COUNT)
		return "";
	return scope_titles[s];
}

static pgiam_action lookup_in(int key, pgiam_scope scope)
{
	for (int a = PGIAM_ACTION_NONE + 1; a < PGIAM_ACTION__COUNT; a++) {
		if (action_table[a].scope != scope)
			continue;
		for (size_t k = 0; k < 4; k++)
			if (action_table[a].keys[k] && action_table[a].keys[k] == key)
				return (pgiam_action)a;
	}
	return PGIAM_ACTION_NONE;
}

pgiam_action pgiam_action_lookup(int key, const pgiam_scope *scopes, size_t nscopes)
{
	pgiam_action a = PGIAM_ACTION_NONE;

	for (size_t i = 0; i < nscopes; i++)
		if ((a = lookup_in(key, scopes[i])) != PGIAM_ACTION_NONE)
			return a;
	if ((a = lookup_in(key, PGIAM_SCOPE_GLOBAL)) != PGIAM_ACTION_NONE)
		return a;
	/* Alt with Shift (or caps lock) on a key bound only without it: the same key */
	if (key >= PGIAM_KEY_ALT('A') && key <= PGIAM_KEY_ALT('Z'))
		return pgiam_action_lookup(key + ('a' - 'A'), scopes, nscopes);
	return PGIAM_ACTION_NONE;
}

void pgiam_key_label(char *out, size_t outlen, int key)
{
	static const struct { int key; const char *label; } names[] = {
		{ '\n', "Enter" }, { '\r', "Enter" }, { KEY_ENTER, "Enter" },
		{ '\t', "Tab" }, { KEY_BTAB, "Shift-Tab" }, { PGIAM_KEY_ESC, "Esc" },
		{ ' ', "Space" }, { 127, "Backspace" }, { KEY_BACKSPACE, "Backspace" },
		{ KEY_UP, "Up" }, { KEY_DOWN, "Down" }, { KEY_LEFT, "Left" },
		{ KEY_RIGHT, "Right" }, { KEY_PPAGE, "PgUp" }, { KEY_NPAGE, "PgDn" },
		{ KEY_HOME, "Home" }, { KEY_END, "End" }, { KEY_DC, "Delete" },
		{ PGIAM_KEY_ALT_ENTER, "Alt-Enter" }, { PGIAM_KEY_CTRL_ENTER, "Ctrl-Enter" },
	};

	if (!out || outlen == 0)
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].key == key) {
			snprintf(out, outlen, "%s", names[i].label);
			return;
		}
	}
	if (key > PGIAM_KEY_ALT(0x20) && key < PGIAM_KEY_ALT(0x7f)) {
		int c = key - PGIAM_KEY_ALT(0);
		/* ESC e and ESC E are two keys: Alt-E and Alt-Shift-E */
		snprintf(out, outlen, "Alt-%s%c", c >= 'A' && c <= 'Z' ? "Shift-" : "",
			c >= 'a' && c <= 'z' ? c - 32 : c);
	}
	else if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(out, outlen, "F%d", key - KEY_F(0));
	else if (key > 0 && key < 0x20)
		snprintf(out, outlen, "Ctrl-%c", key + 0x40);
	else if (key > 0x20 && key < 0x7f)
		snprintf(out, outlen, "%c", key);
	else
		snprintf(out, outlen, "key %d", key);
}

void pgiam_action_keys_label(char *out, size_t outlen, pgiam_action a)
{
	const pgiam_action_info *info = pgiam_action_get(a);
	size_t used = 0;
	char label[32];

	if (!out || outlen == 0)
		return;
	out[0] = '\0';
	if (!info)
		return;
	for (size_t k = 0; k < 4; k++) {
		int key = info->keys[k];
		int dup = 0;

		if (!key)
			continue;
		pgiam_key_label(label, sizeof(label), key);
		/* Two codes can share a name (127 and KEY_BACKSPACE); show it once. */
		for (size_t j = 0; j < k; j++) {
			char other[32];

			pgiam_key_label(other, sizeof(other), info->keys[j]);
			if (info->keys[j] && !strcmp(other, label))
				dup = 1;
		}
		if (dup)
			continue;
		used += (size_t)snprintf(out + used, used < outlen ? outlen - used : 0, "%s%s",
			used ? ", " : "", label);
		if (used >= outlen)
			break;
	}
}

void pgiam_actions_print_markdown(FILE *out)
{
	char keys[96];

	for (int s = 0; s < PGIAM_SCOPE__COUNT; s++) {
		fprintf(out, "### %s\n\n| Keys | Action | What it does |\n|---|---|---|\n",
			scope_titles[s]);
		for (int a = PGIAM_ACTION_NONE + 1; a < PGIAM_ACTION__COUNT; a++) {
			if ((int)action_table[a].scope != s)
				continue;
			char name[32];
			size_t k = 0;

			for (k = 0; action_table[a].name[k] && k + 1 < sizeof(name); k++)
				name[k] = (char)(action_table[a].name[k] == '_' ? '-'
					: action_table[a].name[k] | 0x20);
			name[k] = '\0';
			pgiam_action_keys_label(keys, sizeof(keys), (pgiam_action)a);
			fprintf(out, "| %s | %s | %s |\n", keys, name, action_table[a].help);
		}
		fprintf(out, "\n");
	}
}
