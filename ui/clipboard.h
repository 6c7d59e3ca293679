/* clipboard.h - copying text to the terminal's clipboard with OSC 52 (ESC ] 52 ; c ;
 * base64 BEL), which xterm, kitty, iTerm2, WezTerm, foot and tmux (set-clipboard on)
 * take. A terminal cannot say whether it did, so the message says what was sent and
 * where it may be refused: without the terminfo Ms capability outside tmux, or
 * beyond what terminals take in one sequence. */
#ifndef PGIAM_UI_CLIPBOARD_H
#define PGIAM_UI_CLIPBOARD_H

#include <stddef.h>

/* The most copied at once (terminals cut or refuse longer sequences). */
#define PGIAM_CLIPBOARD_MAX (74 * 1024)

/* Sends text; 0 with what happened in msg, or -1 with why not (too long). */
int pgiam_clipboard_copy(const char *text, size_t len, char *msg, size_t msglen);

#endif
