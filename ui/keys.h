/* keys.h - what the terminal sends, turned into the keys of actions.h.
 *
 * ncurses decodes only the sequences the terminfo entry names, but terminals and
 * multiplexers send others for the same keys: tmux sends Home and End as ESC[1~ and
 * ESC[4~ whatever TERM says, xterm-256color's entry knows only ESC OH / ESC OF. Left
 * undecoded, ncurses returns such a sequence as a bare ESC (Back) followed by its
 * bytes as typed text. So the common sequences are taught to ncurses (define_key),
 * with their modifiers folded onto the plain key, the bracketed-paste markers get
 * codes of their own, and any other complete CSI or SS3 sequence after an ESC is
 * read and dropped instead of acting as Esc.
 */
#ifndef PGIAM_UI_KEYS_H
#define PGIAM_UI_KEYS_H

#include <curses.h>

/* Codes get_wch returns (KEY_CODE_YES) for ESC[200~ and ESC[201~; far above the
 * codes ncurses gives the terminfo entry's extended keys. */
#define PGIAM_KEY_PASTE_START (KEY_MAX + 1000)
#define PGIAM_KEY_PASTE_END (KEY_MAX + 1001)

/* Teaches ncurses the extra sequences (after initscr and keypad). */
void pgiam_keys_define(void);

/* Called after get_wch returned a bare ESC: when the bytes that follow at once are a
 * CSI (ESC [) or SS3 (ESC O) sequence, reads the whole sequence and returns 1 (it is
 * dropped), or PGIAM_KEY_PASTE_START/END when it was a paste marker ncurses missed
 * (its bytes came too far apart), PGIAM_KEY_CTRL_ENTER for that sequence, or
 * PGIAM_KEY_ALT_ENTER / PGIAM_KEY_ALT(c) when the ESC prefixed CR or LF / a printable
 * ASCII character (actions.h); otherwise puts back what it read and returns 0 (the
 * ESC is Esc). Waits at most ESCDELAY for each byte, as ncurses does inside a
 * sequence. */
int pgiam_keys_swallow_sequence(void);

#endif
