/* error.h - pgiam's error model.
 *
 * Every core function returns an int: 0 on success, a negative pgiam_error_code on
 * failure. The function where the failure happens sets a one-line message with
 * pgiam_error_set(); callers higher up do not overwrite it, they only read it with
 * pgiam_error_last(). The message is thread-local (`pgiam check --all` runs
 * profiles in parallel threads). Messages never contain secrets.
 */
#ifndef PGIAM_ERROR_H
#define PGIAM_ERROR_H

/* name, value, description: one table, so names and texts cannot drift apart. */
#define PGIAM_ERROR_CODES(_) \
	_(OK,         0,   "ok") \
	_(ERROR,     -1,   "error") \
	_(EINVAL,    -2,   "invalid input") \
	_(ENOMEM,    -3,   "out of memory") \
	_(ENOTFOUND, -4,   "not found") \
	_(EIO,       -5,   "input/output error") \
	_(ENET,      -6,   "network error") \
	_(EAUTH,     -7,   "authentication refused") \
	_(EEXPIRED,  -8,   "expired") \
	_(ESERVER,   -9,   "server error") \
	_(ECANCELLED, -10, "cancelled") \
	_(EAGAIN,    -11,  "in progress") \
	_(EDENIED,   -12,  "permission denied") \
	_(ETIMEOUT,  -13,  "timed out")

typedef enum {
#define PGIAM_ERROR_ENUM_(name, value, text) PGIAM_##name = value,
	PGIAM_ERROR_CODES(PGIAM_ERROR_ENUM_)
#undef PGIAM_ERROR_ENUM_
} pgiam_error_code;

/* What part of the chain failed, beside the code (which says how): callers branch on
 * the class, never on the message's words. NONE: not classified (yet). */
#define PGIAM_ERROR_CLASSES(_) \
	_(NONE,        "unclassified") \
	_(INTERNAL,    "internal") \
	_(CONFIG,      "configuration") \
	_(CREDENTIALS, "source credentials") \
	_(STS,         "STS") \
	_(NETWORK,     "network") \
	_(TLS,         "TLS") \
	_(AUTH,        "database authentication") \
	_(PRIVILEGE,   "privilege") \
	_(QUERY,       "query") \
	_(CANCELLED,   "cancelled")

typedef enum {
#define PGIAM_ERROR_CLASS_ENUM_(name, text) PGIAM_ECLASS_##name,
	PGIAM_ERROR_CLASSES(PGIAM_ERROR_CLASS_ENUM_)
#undef PGIAM_ERROR_CLASS_ENUM_
} pgiam_error_class;

/* Sets the thread's last error and returns code, so callers can write
 * `return pgiam_error_set(PGIAM_EINVAL, "port %d is outside 1..65535", port);`.
 * The class follows from the code where the code alone says it (ECANCELLED,
 * ENOMEM, ENET); otherwise it is NONE until pgiam_error_classify() names it. */
int pgiam_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The same with the class given where the failure happens. */
int pgiam_error_set_class(pgiam_error_class klass, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* At a module's boundary: gives the last error this class unless the place where it
 * happened already gave it one (that one knows better). Returns code, so a caller
 * can write `return pgiam_error_classify(PGIAM_ECLASS_CONFIG, error);`. */
int pgiam_error_classify(pgiam_error_class klass, int code);

/* The class of the last error of this thread; NONE when none or unclassified. */
pgiam_error_class pgiam_error_last_class(void);

/* The class's name in words ("source credentials"); never NULL. */
const char *pgiam_error_class_name(pgiam_error_class klass);

/* The last error message of this thread; "" when none. Lent, valid until the next
 * pgiam_error_set/clear on this thread. */
const char *pgiam_error_last(void);

/* The code of the last error of this thread; 0 when none. */
int pgiam_error_last_code(void);

void pgiam_error_clear(void);

/* The symbolic name ("EINVAL") and description of a code; never NULL. */
const char *pgiam_error_name(int code);
const char *pgiam_error_text(int code);

#endif
