/* editor_draw.h - drawing a pgiam_editor (editor.h) into a rectangle. */
#ifndef PGIAM_UI_EDITOR_DRAW_H
#define PGIAM_UI_EDITOR_DRAW_H

#include "app.h"
#include "editor.h"

/* Draws the editor's text in r (scrolling it to keep the cursor in view) and puts
 * the screen position of the cursor in *cy, *cx. */
void pgiam_editor_draw(pgiam_editor *e, pgiam_rect r, int *cy, int *cx);

#endif
