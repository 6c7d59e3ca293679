/* layout.c - sharing the terminal's width between columns (see layout.h). */
#include "layout.h"

static int min_of(int a, int b)
{
	return a < b ? a : b;
}

int pgiam_layout_share(int *width, const int *min, const int *want, size_t n, int room)
{
	int left = room;
	size_t short_of = 0;

	for (size_t i = 0; i < n; i++) {
		width[i] = min_of(min[i], want[i]);
		if (width[i] < 0)
			width[i] = 0;
		left -= width[i];
	}
	if (left < 0)
		return -1;
	/* Equal shares to the columns still short; one that needs less than a share
	 * gives back the difference, shared in the next round. */
	for (;;) {
		int share;

		short_of = 0;
		for (size_t i = 0; i < n; i++)
			short_of += width[i] < want[i];
		if (!short_of || !left)
			break;
		share = left / (int)short_of;
		for (size_t i = 0; i < n && left; i++) {
			int give;

			if (width[i] >= want[i])
				continue;
			/* what does not divide evenly goes one column each, left to right */
			give = min_of(share ? share : 1, want[i] - width[i]);
			width[i] += give;
			left -= give;
		}
	}
	return short_of ? 0 : 1;
}

/* Nothing left to drop and the minimums still too wide: the widest minimum gives a
 * column at a time (down to SQUEEZE_FLOOR), so every column keeps a little. */
#define SQUEEZE_FLOOR 4

static void squeeze(int *mins, const int *wants, size_t n, int room)
{
	for (;;) {
		int sum = 0;
		size_t widest = n;

		for (size_t i = 0; i < n; i++) {
			int m = min_of(mins[i], wants[i]);

			sum += m;
			if (m > SQUEEZE_FLOOR && (widest == n || m > min_of(mins[widest],
			    wants[widest])))
				widest = i;
		}
		if (sum <= room || widest == n)
			return;
		mins[widest] = min_of(mins[widest], wants[widest]) - 1;
	}
}

/* pgiam_layout_share, the fill columns served last: at their minimum until every
 * other column has its want, then with what is left. */
static int share_fill(int *got, const int *mins, const int *wants, const int *fills,
	size_t n, int room)
{
	int first[32], base[32];
	int rc;

	for (size_t i = 0; i < n; i++)
		first[i] = fills[i] ? min_of(mins[i], wants[i]) : wants[i];
	if ((rc = pgiam_layout_share(base, mins, first, n, room)) < 0) {
		for (size_t i = 0; i < n; i++)
			got[i] = base[i];
		return rc;
	}
	return pgiam_layout_share(got, base, wants, n, room);
}

int pgiam_layout_columns(int *width, const pgiam_layout_col *cols, size_t n, int total,
	int gap)
{
	int mins[32] = { 0 }, wants[32] = { 0 }, fills[32] = { 0 }, got[32] = { 0 };
	int dropped_rank = 0;

	if (n > 32)
		n = 32;
	for (;;) {
		size_t shown = 0, k = 0;
		int next_rank = 0, rc, room;

		for (size_t i = 0; i < n; i++) {
			if (cols[i].drop && cols[i].drop <= dropped_rank)
				continue;
			mins[shown] = cols[i].min;
			wants[shown] = cols[i].want;
			fills[shown] = cols[i].fill;
			shown++;
			if (cols[i].drop && (!next_rank || cols[i].drop < next_rank))
				next_rank = cols[i].drop;
		}
		room = total - gap * (shown ? (int)shown - 1 : 0);
		if (!next_rank)
			squeeze(mins, wants, shown, room);
		rc = share_fill(got, mins, wants, fills, shown, room);
		if (rc >= 0 || !next_rank) {
			for (size_t i = 0; i < n; i++)
				width[i] = cols[i].drop && cols[i].drop <= dropped_rank ? 0 : got[k++];
			return rc == 1;
		}
		dropped_rank = next_rank;
	}
}

void pgiam_layout_box(int *box, int *msg, int avail, int gap, int box_want, int box_min,
	int msg_min)
{
	int b = box_want > box_min ? box_want : box_min;

	if (b > avail - gap - msg_min)
		b = avail - gap - msg_min;
	if (b < min_of(box_min, avail)) {
		/* no room for both: the box takes it all */
		*box = avail > 0 ? avail : 0;
		*msg = 0;
		return;
	}
	*box = b;
	*msg = avail - gap - b;
}
