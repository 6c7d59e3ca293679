/* base64.h - standard base64 (RFC 4648, with padding) through libcrypto's
 * EVP_EncodeBlock: for OSC 52 clipboard writes. */
#ifndef PGIAM_BASE64_H
#define PGIAM_BASE64_H

#include "buf.h"

#include <stddef.h>

int pgiam_base64_encode(pgiam_buf *out, const void *data, size_t len);

#endif
