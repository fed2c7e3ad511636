/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * canon.c: canonicalization. The body is streamed line by line: runs of
 * empty lines are held back and only written once a non-empty line
 * follows, which drops the trailing ones without buffering the body.
 * Every line end is read here, in canon_crlf and canon_next_line, so
 * that header and body, LF and CRLF and a CR alone, are read alike by
 * the DKIM and ARC verifier (verify/sigverify.c).
 */
#include <string.h>
#include <strings.h>

#include "mail/canon.h"

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

void
canon_crlf(const char *field, size_t len, struct sbuf *out)
{
	const char *p = field, *end = field + len, *q;

	while (p < end) {
		for (q = p; q < end && *q != '\r' && *q != '\n'; q++)
			;
		sbuf_putn(out, p, (size_t)(q - p));
		if (q == end)
			break;
		sbuf_putn(out, "\r\n", 2);
		if (*q == '\r' && q + 1 < end && q[1] == '\n')
			q++;
		else if (*q == '\r')
			sbuf_putc(out, ' '); /* Exim: a CR alone is LF SP */
		p = q + 1;
	}
}

void
canon_header(bool relaxed, const char *field, size_t len, struct sbuf *out)
{
	const char *end = field + len, *colon, *p, *name_end;
	bool space = false, any = false;

	if (!relaxed) {
		/* Bytes as they are, each line end a CRLF as on the wire. */
		canon_crlf(field, len, out);
		return;
	}
	colon = memchr(field, ':', len);
	if (colon == NULL)
		colon = end;
	/* Folding can put line ends (and blanks) between the name and its
	 * colon; unfolding removes them too. */
	for (name_end = colon; name_end > field
	     && (is_wsp(name_end[-1]) || name_end[-1] == '\r'
		 || name_end[-1] == '\n');
	     name_end--)
		;
	for (p = field; p < name_end; p++)
		if (*p != '\r' && *p != '\n')
			sbuf_putc(out,
			    (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p));
	sbuf_putc(out, ':');
	for (p = colon < end ? colon + 1 : end; p < end; p++) {
		/* Unfold: a line end goes; a CR alone is a fold (LF and a
		 * space, canon_crlf), so it counts as a blank. */
		if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n'))
			continue;
		if (is_wsp(*p) || *p == '\r') {
			space = any; /* leading blanks of the value vanish */
			continue;
		}
		if (space)
			sbuf_putc(out, ' ');
		space = false;
		any = true;
		sbuf_putc(out, *p);
	}
}

size_t
canon_next_line(const char *p, size_t len, size_t *n)
{
	const char *end = p + len, *q, *lf;

	/* memchr, not a byte loop: bodies are read here line by line. */
	lf = memchr(p, '\n', len);
	q = memchr(p, '\r', lf != NULL ? (size_t)(lf - p) : len);
	if (q == NULL)
		q = lf != NULL ? lf : end;
	*n = (size_t)(q - p);
	if (q == end)
		return len;
	if (*q == '\r' && q + 1 < end && q[1] == '\n')
		q++;
	return (size_t)(q + 1 - p);
}

/* The canonical body goes to the sink in chunks of up to sizeof(buf)
 * bytes, not line by line: a hash costs less per call that way. */
struct body_out {
	canon_sink sink;
	void *ctx;
	long long limit;
	size_t fed;
	size_t held;
	char buf[8192];
};

static void
flush(struct body_out *o)
{
	if (o->held > 0)
		o->sink(o->ctx, o->buf, o->held);
	o->held = 0;
}

static void
emit(struct body_out *o, const char *data, size_t len)
{
	if (o->limit >= 0 && (long long)o->fed + (long long)len > o->limit)
		len = (size_t)(o->limit - (long long)o->fed);
	if (len == 0)
		return;
	o->fed += len;
	if (o->held + len > sizeof(o->buf))
		flush(o);
	if (len >= sizeof(o->buf)) {
		o->sink(o->ctx, data, len);
		return;
	}
	memcpy(o->buf + o->held, data, len);
	o->held += len;
}

/* Writes one relaxed line: blank runs become one space, trailing blanks
 * go. Returns whether anything was left. */
static bool
relaxed_line(struct body_out *o, const char *p, size_t n, size_t *pending)
{
	size_t i, start;

	while (n > 0 && is_wsp(p[n - 1]))
		n--;
	if (n == 0)
		return false;
	while (*pending > 0) {
		emit(o, "\r\n", 2);
		(*pending)--;
	}
	for (i = 0; i < n;) {
		if (is_wsp(p[i])) {
			emit(o, " ", 1);
			while (i < n && is_wsp(p[i]))
				i++;
			continue;
		}
		start = i;
		while (i < n && !is_wsp(p[i]))
			i++;
		emit(o, p + start, i - start);
	}
	return true;
}

size_t
canon_body(bool relaxed, const char *body, size_t len, long long limit,
    canon_sink sink, void *ctx)
{
	struct body_out o;
	const char *p = body, *end = body + len;
	size_t n, pending = 0;
	bool any = false;

	o.sink = sink;
	o.ctx = ctx;
	o.limit = limit;
	o.fed = 0;
	o.held = 0;
	while (p < end) {
		size_t used = canon_next_line(p, (size_t)(end - p), &n);

		if (relaxed) {
			if (relaxed_line(&o, p, n, &pending)) {
				emit(&o, "\r\n", 2);
				any = true;
			} else {
				pending++;
			}
		} else if (n == 0) {
			pending++;
		} else {
			while (pending > 0) {
				emit(&o, "\r\n", 2);
				pending--;
			}
			emit(&o, p, n);
			emit(&o, "\r\n", 2);
			any = true;
		}
		p += used;
	}
	/* RFC 6376 3.4.3: an empty body is one CRLF under simple; 3.4.4
	 * (with erratum 3192): nothing under relaxed. */
	if (!any && !relaxed)
		emit(&o, "\r\n", 2);
	flush(&o);
	return o.fed;
}

int
canon_parse(const char *value, size_t len, bool *header_relaxed,
    bool *body_relaxed)
{
	const char *slash = memchr(value, '/', len);
	size_t hlen = slash != NULL ? (size_t)(slash - value) : len;

	*header_relaxed = *body_relaxed = false;
	if (hlen == 7 && strncasecmp(value, "relaxed", 7) == 0)
		*header_relaxed = true;
	else if (!(hlen == 6 && strncasecmp(value, "simple", 6) == 0))
		return -1;
	if (slash == NULL)
		return 0;
	value = slash + 1;
	len -= hlen + 1;
	if (len == 7 && strncasecmp(value, "relaxed", 7) == 0)
		*body_relaxed = true;
	else if (!(len == 6 && strncasecmp(value, "simple", 6) == 0))
		return -1;
	return 0;
}
