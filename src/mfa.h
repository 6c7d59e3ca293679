/* mfa.h - where an MFA code comes from: a code given beforehand (--mfa-code, the TUI's
 * dialog), PGIAM_MFA_CODE or a prompt on the terminal (both CLI only).
 *
 * Glue: the AWS layer asks through a pgiam_mfa_code_fn (creds.h) and knows nothing of
 * terminals. A code is used once (TOTP codes are), then wiped. */
#ifndef PGIAM_MFA_H
#define PGIAM_MFA_H

#include <stddef.h>

/* The pgiam_mfa_code_fn the profile glue gives pgiam_auth. */
int pgiam_mfa_code(char *out, size_t len, const char *serial, void *ctx);

/* A code for the next AssumeRole that needs one (copied; NULL clears it). */
int pgiam_mfa_set_code(const char *code);

/* 1: with no code given, take PGIAM_MFA_CODE or ask on /dev/tty (the CLI); 0 (the
 * default, and the TUI, which owns the terminal and asks in its own dialog): fail with
 * a one-line error instead. PGIAM_MFA_CODE is for scripts: a TOTP code is stale 30 s
 * later, so a long-running TUI never takes it. */
void pgiam_mfa_allow_prompt(int allow);

/* What the error says to do when a code is wanted, none was given and none may be
 * asked for (the TUI: the key that opens its dialog). Copied; NULL: "enter it when
 * asked". */
void pgiam_mfa_set_hint(const char *hint);

/* How many times a code was wanted and none was there (no code given, no prompt): the
 * TUI compares it around a failed reconnect to know the role needs a new code. */
unsigned pgiam_mfa_missing_count(void);

/* 1 when s is an MFA code as STS takes it (six digits). */
int pgiam_mfa_code_valid(const char *s);

#endif
