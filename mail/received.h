/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * received.h: the client, envelope sender, protocol and id a Received
 * header field names (RFC 5321 4.4), as Exim, Postfix and sendmail
 * write them. Pure.
 */
#ifndef AG_RECEIVED_H
#define AG_RECEIVED_H

#include <arpa/inet.h>
#include <stdbool.h>

/* The client as the top Received field names it. */
struct received {
	char ip[INET6_ADDRSTRLEN + 8]; /* "" when it names none */
	char helo[256];		       /* "" when none */
	bool has_mail_from;	       /* (envelope-from <...>) */
	char mail_from[512];
	char by[256];  /* the host that wrote it */
	char with[32]; /* the protocol, lower case */
	char id[64];   /* the message id it gave */
	bool local;    /* a local submission: no client */
	bool auth;     /* SMTP AUTH (RFC 3848: esmtpa, esmtpsa, ...) */
};

/*
 * Reads the client from a Received value (unfolded, NUL-terminated,
 * modified): the clauses "from", "by", "with" and the comments, as Exim
 * writes them ("from NAME ([IP] helo=HELO)", "from [IP] (helo=HELO)",
 * "(envelope-from <ADDR>)", "with esmtpsa") and as Postfix and sendmail
 * do ("from HELO (RDNS [IP])"). A line naming no client address, of a
 * local protocol or without a from clause, is a local submission.
 */
void received_parse(char *v, struct received *r);

#endif
