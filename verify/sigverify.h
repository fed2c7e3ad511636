/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sigverify.h: the one check of a signature of the DKIM family (a
 * DKIM-Signature, an ARC-Message-Signature, an ARC-Seal's hash input):
 * body hash, the signed header fields in canonical form, the signature's
 * own field with b= emptied, and the signature under a key
 * (verify/dkimkey.h), hashed with nettle's SHA-256. verify/dkim.c and
 * verify/arc.c both call it; canonicalization is mail/canon.c.
 */
#ifndef AG_SIGVERIFY_H
#define AG_SIGVERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "mail/msg.h"
#include "mail/taglist.h"
#include "util/sbuf.h"
#include "verify/dkimkey.h"

#define SIGV_MAX_SIGNED (1024 * 1024) /* bytes of canonical header data */

enum sigv_result {
	SIGV_PASS,
	SIGV_BODY_MODIFIED, /* the body hash differs */
	SIGV_BAD_SIGNATURE, /* the signature does not verify over the fields */
	SIGV_L_TOO_LARGE,   /* l= counts more bytes than the body has */
	SIGV_MALFORMED,	    /* b= or bh= is not base64 of a usable size */
	SIGV_TOO_BIG,	    /* the signed fields pass SIGV_MAX_SIGNED */
};

/* A parsed signature over a message. */
struct sigv_sig {
	const struct msg *m;
	const struct msg_field *field; /* the signature's own header field */
	const struct taglist *tags;    /* its tags (b=, bh=, h= are read) */
	bool header_relaxed, body_relaxed;
	long long limit; /* l=, or -1 */
	enum dkimkey_alg alg;
};

/* Tells whether the colon-separated header list h names name (case
 * aside, folding white space around each name ignored). */
bool sigv_h_has(const struct tag *h, const char *name);
/* Appends fld canonicalized, its b= value removed (RFC 6376 3.7:
 * everything after "b=" up to the next ';'), with no line end after. */
void sigv_canon_unsigned(bool relaxed, const struct msg_field *fld,
    const struct taglist *tl, struct sbuf *out);
/* Appends, for each name of h in order, the last not yet used field of
 * that name in m, canonicalized, with a CRLF (RFC 6376 5.4.2: a name
 * with no field left adds nothing). */
void sigv_signed_fields(const struct msg *m, bool relaxed, const struct tag *h,
    struct sbuf *out);
/* Checks the body hash of sig: SIGV_PASS when it matches. */
enum sigv_result sigv_body(const struct sigv_sig *sig);
/* Checks the signature of sig under key over its h= fields and its own
 * field (the body hash is sigv_body's): SIGV_PASS only when it
 * verifies. */
enum sigv_result sigv_signature(const struct sigv_sig *sig,
    const struct dkimkey *key);

#endif
