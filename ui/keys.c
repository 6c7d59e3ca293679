/* keys.c - extra key sequences and the swallowing of unknown ones (see keys.h). */
#include "keys.h"

#include "actions.h"

#include <stdio.h>
#include <string.h>

/* CSI sequences ending in a letter (ESC [ X, and ESC [ 1 ; m X with a modifier) and
 * in '~' (ESC [ n ~, ESC [ n ; m ~). Both the xterm and the rxvt/tmux forms of Home
 * and End are here: 1~ and 7~ are Home, 4~ and 8~ End. */
static const struct { char final; int key; } csi_letters[] = {
	{ 'A', KEY_UP }, { 'B', KEY_DOWN }, { 'C', KEY_RIGHT }, { 'D', KEY_LEFT },
	{ 'H', KEY_HOME }, { 'F', KEY_END },
};
static const struct { int n; int key; } csi_tildes[] = {
	{ 1, KEY_HOME }, { 2, KEY_IC }, { 3, KEY_DC }, { 4, KEY_END }, { 5, KEY_PPAGE },
	{ 6, KEY_NPAGE }, { 7, KEY_HOME }, { 8, KEY_END },
};

/* define_key replaces any binding the terminfo entry gave the same string, so a
 * modified key decodes to the plain key everywhere (Ctrl-Right moves right, as it
 * would without modifyOtherKeys) instead of an extended code no action knows. */
void pgiam_keys_define(void)
{
	char seq[16];

	for (size_t i = 0; i < sizeof(csi_letters) / sizeof(csi_letters[0]); i++) {
		snprintf(seq, sizeof(seq), "\033[%c", csi_letters[i].final);
		define_key(seq, csi_letters[i].key);
		snprintf(seq, sizeof(seq), "\033O%c", csi_letters[i].final);
		define_key(seq, csi_letters[i].key);
		for (int m = 2; m <= 8; m++) {
			snprintf(seq, sizeof(seq), "\033[1;%d%c", m, csi_letters[i].final);
			define_key(seq, csi_letters[i].key);
		}
	}
	for (size_t i = 0; i < sizeof(csi_tildes) / sizeof(csi_tildes[0]); i++) {
		snprintf(seq, sizeof(seq), "\033[%d~", csi_tildes[i].n);
		define_key(seq, csi_tildes[i].key);
		for (int m = 2; m <= 8; m++) {
			snprintf(seq, sizeof(seq), "\033[%d;%d~", csi_tildes[i].n, m);
			define_key(seq, csi_tildes[i].key);
		}
	}
	define_key("\033[Z", KEY_BTAB);
	define_key("\033[200~", PGIAM_KEY_PASTE_START);
	define_key("\033[201~", PGIAM_KEY_PASTE_END);
	/* Ctrl-Enter, where the terminal tells it from Enter: the "CSI u" form (kitty,
	 * foot, xterm's formatOtherKeys=1) and xterm's modifyOtherKeys form */
	define_key("\033[13;5u", PGIAM_KEY_CTRL_ENTER);
	define_key("\033[27;5;13~", PGIAM_KEY_CTRL_ENTER);
}

/* Puts a read key back for the next get_wch. */
static void put_back(int status, wint_t ch)
{
	if (status == KEY_CODE_YES)
		ungetch((int)ch);
	else if (status == OK)
		unget_wch((wchar_t)ch);
}

/* ECMA-48: after the introducer come parameter bytes (0x30-0x3F), intermediate
 * bytes (0x20-0x2F), then one final byte (0x40-0x7E). SS3 is read the same way, as
 * some terminals put a modifier before its final (ESC O 5 C). */
int pgiam_keys_swallow_sequence(void)
{
	wint_t ch = 0;
	int status = 0;
	char seq[16];
	size_t len = 0;

	wtimeout(stdscr, get_escdelay());
	status = get_wch(&ch);
	if (status == OK && (ch == '\r' || ch == '\n')) {
		/* Alt-Enter: the terminal sends ESC CR, one key (never Esc, then Enter) */
		nodelay(stdscr, TRUE);
		return PGIAM_KEY_ALT_ENTER;
	}
	if (status == OK && ch != '[' && ch != 'O' && ch != 0x1b && ch >= 0x20) {
		/* Alt-letter (ESC b, readline's word back): a key of its own, never Esc */
		nodelay(stdscr, TRUE);
		/* the case is kept: Alt-Shift-E is a key of its own (the action table falls
		 * back to the lower case for keys bound only there, pgiam_action_lookup) */
		return ch < 0x7f ? PGIAM_KEY_ALT((int)ch) : 1;
	}
	if (status != OK || (ch != '[' && ch != 'O')) {
		put_back(status, ch);
		nodelay(stdscr, TRUE);
		return 0;
	}
	seq[len++] = (char)ch;
	for (int n = 0; n < 64; n++) {
		status = get_wch(&ch);
		if (status != OK) {
			/* cut short (nothing more came) or a decoded key: that ends it */
			put_back(status, ch);
			break;
		}
		if (ch < 0x20 || ch > 0x7e) {
			put_back(status, ch);
			break;
		}
		if (len + 1 < sizeof(seq))
			seq[len++] = (char)ch;
		if (ch >= 0x40)
			break;  /* the final byte */
	}
	nodelay(stdscr, TRUE);
	seq[len] = '\0';
	if (!strcmp(seq, "[200~"))
		return PGIAM_KEY_PASTE_START;
	if (!strcmp(seq, "[201~"))
		return PGIAM_KEY_PASTE_END;
	if (!strcmp(seq, "[13;5u") || !strcmp(seq, "[27;5;13~"))
		return PGIAM_KEY_CTRL_ENTER;
	return 1;
}
