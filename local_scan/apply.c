/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * apply.c: a decision made visible. Every message gets one
 * Authentication-Results header at the top (Exim's ARC signing reads the
 * first one) and one X-AuthGate header; copies of either that claim to be
 * ours are removed first. "tag" prefixes the Subject once. The text of
 * each header is policy/verdict.c's; this file adds it through Exim.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "local_scan/ls.h"
#include "mail/arparse.h"
#include "mail/subject.h"
#include "policy/verdict.h"
#include "util/eximid.h"
#include "util/sbuf.h"

#define LOCAL_SCAN
#include <exim4/local_scan.h>

/* Returns the header's value: what follows the colon (RFC 5322 allows
 * blanks between name and colon, and so does Exim). */
static const char *
value_of(const header_line *h)
{
	const char *colon = memchr(h->text, ':', (size_t)h->slen);

	return colon != NULL ? colon + 1 : (const char *)h->text + h->slen;
}

/* Tells whether an Authentication-Results value names our authserv-id,
 * written plainly or as a quoted string, after any comments. */
static bool
ar_is_ours(const char *v, const char *authserv_id)
{
	char id[AR_MAX_ID];

	return ar_authserv_id(v, strlen(v), id, sizeof(id)) > 0
	    && strcasecmp(id, authserv_id) == 0;
}

static void
remove_forgeries(const char *authserv_id)
{
	header_line *h;

	for (h = header_list; h != NULL; h = h->next) {
		if (h->type == '*')
			continue;
		if (header_testname(h, US "Authentication-Results", 22, TRUE)
		    && ar_is_ours(value_of(h), authserv_id))
			h->type = '*';
		else if (header_testname(h, US "X-AuthGate", 10, TRUE))
			h->type = '*';
	}
}

/* Prefixes one Subject (h) with the tag unless a reader already sees
 * it first (mail/subject.c); the new field takes the old one's place.
 * A Subject too long to add again (LS_HEADER_ADD_MAX) is left as it is:
 * Exim's header_add() would end the process; X-Spam-Flag still marks
 * the message. */
static void
tag_one(header_line *h, const char *tag)
{
	struct sbuf sb;

	sbuf_init(&sb, LS_HEADER_ADD_MAX);
	switch (subject_tag(&sb, value_of(h), tag, LS_HEADER_ADD_MAX)) {
	case SUBJECT_ALREADY_TAGGED:
		break;
	case SUBJECT_TOO_LONG:
		log_write(0, LOG_MAIN,
		    "authgate: message %s: Subject too long to tag (over %d "
		    "bytes); X-Spam-Flag added only",
		    message_id, LS_HEADER_ADD_MAX);
		break;
	case SUBJECT_TAGGED:
		if (sbuf_failed(&sb)) {
			log_write(0, LOG_MAIN | LOG_PANIC,
			    "authgate: message %s: out of memory tagging the "
			    "Subject; X-Spam-Flag added only",
			    message_id);
			break;
		}
		/* Exim inserts before the first Subject not marked deleted:
		 * h is that one while the caller hides those above it. */
		header_add_at_position(FALSE, US "Subject", FALSE, ' ', "%s",
		    sbuf_cstr(&sb));
		h->type = '*';
		break;
	}
	sbuf_free(&sb);
}

/* Tags every Subject field (up to LS_MAX_SUBJECTS), so that a message
 * with two cannot show its reader the untagged one; adds one when there
 * is none. Each is tagged in place, from the last to the first. */
static void
tag_subject(const char *tag)
{
	header_line *subj[LS_MAX_SUBJECTS], *h;
	int saved[LS_MAX_SUBJECTS];
	size_t n = 0, i, j;

	for (h = header_list; h != NULL && n < LS_MAX_SUBJECTS; h = h->next)
		if (h->type != '*' && header_testname(h, US "Subject", 7, TRUE))
			subj[n++] = h;
	if (n == 0) {
		header_add(' ', "Subject: %s\n", tag);
		return;
	}
	for (i = n; i-- > 0;) {
		for (j = 0; j < i; j++) {
			saved[j] = subj[j]->type;
			subj[j]->type = '*';
		}
		tag_one(subj[i], tag);
		for (j = 0; j < i; j++)
			subj[j]->type = saved[j];
	}
}

/*
 * The text of a 550 or 451 reply: "CODE TEXT (id=ID)", ID the queue id
 * the log line has, so a sender whose mail bounced can quote it. Exim
 * answers "550 " and this text; a newline in it would start another
 * reply line and a CR end one early, so the text is printable ASCII
 * only (verdict_reply makes it so; any other byte becomes '?' here as
 * well), and it is cut, not the id, when the reply would be too long.
 */
static void
reply_text(char *reply, size_t size, const char *code, const char *text)
{
	char tail[48];
	size_t o, room;
	int n;

	tail[0] = '\0';
	if (message_id != NULL && exim_valid_id((const char *)message_id))
		snprintf(tail, sizeof(tail), " (id=%s)", message_id);
	n = snprintf(reply, size, "%s ", code);
	if (n < 0 || (size_t)n + strlen(tail) >= size)
		return;
	o = (size_t)n;
	room = size - o - strlen(tail) - 1;
	for (; *text != '\0' && room > 0; text++, room--)
		reply[o++] = *text >= 0x20 && *text < 0x7f ? *text : '?';
	memcpy(reply + o, tail, strlen(tail) + 1);
}

int
ls_apply(const struct policy *policy, const struct facts *f,
    const struct decision *d, const char *authserv_id, char *reply,
    size_t replysz)
{
	char text[LS_REPLY_MAX];
	struct sbuf sb;

	sbuf_init(&sb, LS_HEADER_ADD_MAX);
	remove_forgeries(authserv_id);
	verdict_authres(&sb, f, d, authserv_id);
	if (!sbuf_failed(&sb))
		header_add_at_position(FALSE, NULL, FALSE, ' ', "%s",
		    sbuf_cstr(&sb));
	sbuf_reset(&sb);
	verdict_xauthgate(&sb, d);
	if (!sbuf_failed(&sb))
		header_add(' ', "%s", sbuf_cstr(&sb));
	sbuf_free(&sb);
	reply[0] = '\0';
	switch (d->action) {
	case AG_ACCEPT:
		return LOCAL_SCAN_ACCEPT;
	case AG_TAG:
		tag_subject(policy->subject_tag);
		header_add(' ', "X-Spam-Flag: YES\n");
		return LOCAL_SCAN_ACCEPT;
	case AG_QUARANTINE:
		snprintf(reply, replysz, "authgate: quarantined: %s",
		    d->reason);
		return LOCAL_SCAN_ACCEPT_FREEZE;
	case AG_TEMPFAIL:
		verdict_reply(policy, d, text, sizeof(text));
		reply_text(reply, replysz, "4.7.0", text);
		return LOCAL_SCAN_TEMPREJECT;
	case AG_REJECT:
		verdict_reply(policy, d, text, sizeof(text));
		reply_text(reply, replysz, "5.7.1", text);
		return LOCAL_SCAN_REJECT;
	}
	return LOCAL_SCAN_TEMPREJECT;
}

int
ls_apply_error(enum ag_action on_error, const char *rule,
    const char *authserv_id, char *reply, size_t replysz)
{
	if (on_error == AG_ACCEPT) {
		/* Unchecked, but never with forged results of ours. */
		if (authserv_id != NULL && authserv_id[0] != '\0')
			remove_forgeries(authserv_id);
		header_add(' ', VERDICT_XAUTHGATE_UNCHECKED, rule);
		reply[0] = '\0';
		return LOCAL_SCAN_ACCEPT;
	}
	reply_text(reply, replysz, "4.3.0",
	    "authgate: message could not be checked; please try again later");
	return LOCAL_SCAN_TEMPREJECT;
}
