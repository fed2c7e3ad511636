/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fromtext.c: From header text as a reader shows it (fromtext.h). The
 * shown text is streamed, so nothing is copied whole; a look-alike '@'
 * split between two encoded words is found as readers join it.
 */
#include <string.h>

#include "mail/charset.h"
#include "mail/encword.h"
#include "mail/fromtext.h"
#include "util/domain.h"

static bool
is_atext(unsigned char c)
{
	if (c >= 0x80)
		return true; /* RFC 6532 UTF-8 */
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
	    || (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL;
}

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
word_at(const char *s, size_t n, struct encword *w)
{
	return n > 1 && s[0] == '=' && s[1] == '?' && encword_at(s, n, w);
}

void
fromtext_atom(const char *s, size_t n, struct fromtext_atom *a)
{
	struct encword w;
	size_t i = 0, j;

	memset(a, 0, sizeof(*a));
	while (i < n) {
		if (word_at(s + i, n - i, &w)) {
			for (j = i; j < i + w.len; j++) {
				if (is_atext((unsigned char)s[j]))
					continue;
				a->odd = true;
				if (s[j] == '"' || s[j] == '(' || s[j] == ')'
				    || s[j] == '\\')
					a->quoting = true;
			}
			a->enc_first |= i == 0;
			a->enc = true;
			i += w.len;
			a->enc_last = true;
			continue;
		}
		if (!is_atext((unsigned char)s[i]))
			break;
		a->enc_last = false;
		i++;
	}
	a->len = i;
}

/* The bytes of one encoded word as shown, through the run's decoder. */
static void
show_word(const char *s, const struct encword *w, struct charset_dec *d,
    bool *open, fromtext_sink sink, void *ctx)
{
	char raw[ENCWORD_MAX_TEXT], conv[CHARSET_OUT_MAX(ENCWORD_MAX_TEXT)];
	const char *cs = s + 2;
	enum charset_kind kind = charset_find(cs, (size_t)(w->text - 3 - cs));
	size_t m;

	if (*open && d->kind != kind) {
		m = charset_end(d, conv);
		sink(ctx, conv, m);
		*open = false;
	}
	if (!*open)
		charset_start(d, kind);
	*open = true;
	m = encword_decode(w, raw, sizeof(raw));
	m = charset_decode(d, raw, m, conv);
	sink(ctx, conv, m);
}

bool
fromtext_show(const char *s, size_t n, int flags, fromtext_sink sink, void *ctx)
{
	char conv[CHARSET_OUT_MAX(0)];
	struct charset_dec d;
	struct encword w;
	size_t i = 0, start = 0, k, m;
	bool open = false, any = false;

	while (i < n) {
		if (!(flags & FROMTEXT_RAW) && word_at(s + i, n - i, &w)) {
			sink(ctx, s + start, i - start);
			show_word(s + i, &w, &d, &open, sink, ctx);
			any = true;
			i += w.len;
			for (k = i; k < n && is_wsp(s[k]); k++)
				;
			if (k < n && word_at(s + k, n - k, &w)) {
				i = k; /* the space between them is not shown */
			} else {
				m = charset_end(&d, conv);
				sink(ctx, conv, m);
				open = false;
			}
			start = i;
			continue;
		}
		if ((flags & FROMTEXT_QUOTED) && s[i] == '\\' && i + 1 < n) {
			sink(ctx, s + start, i - start);
			start = i + 1;
			i += 2;
			continue;
		}
		i++;
	}
	sink(ctx, s + start, n - start);
	return any;
}

size_t
fromtext_at(const char *s, size_t n)
{
	if (n > 0 && s[0] == '@')
		return 1;
	if (n < 3 || (unsigned char)s[0] != 0xef)
		return 0;
	if (((unsigned char)s[1] == 0xbc && (unsigned char)s[2] == 0xa0)
	    || ((unsigned char)s[1] == 0xb9 && (unsigned char)s[2] == 0xab))
		return 3;
	return 0;
}

/* ---- the addresses in shown text ---- */

struct finder {
	fromtext_found found;
	void *ctx;
	bool at;
	bool overflow;
	size_t len;
	char run[DOMAIN_MAX_LEN + 2];
	unsigned char held[2]; /* the start of what may be a look-alike */
	size_t nheld;
};

static bool
is_domain_byte(unsigned char c)
{
	return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
	    || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

static void
find_flush(struct finder *f)
{
	if (f->at)
		f->found(f->ctx, f->run, f->len, f->overflow);
	f->at = false;
	f->overflow = false;
	f->len = 0;
}

static void
find_plain(struct finder *f, unsigned char c)
{
	if (f->at && is_domain_byte(c)) {
		if (f->len < sizeof(f->run))
			f->run[f->len++] = (char)c;
		else
			f->overflow = true;
		return;
	}
	find_flush(f);
	f->at = c == '@';
}

/* One byte: the three of a look-alike '@' are held until they are
 * known to be one, and then read as '@'. */
static void
find_byte(struct finder *f, unsigned char c)
{
	size_t i;
	unsigned char h[2];

	if ((f->nheld == 0 && c == 0xef)
	    || (f->nheld == 1 && (c == 0xbc || c == 0xb9))) {
		f->held[f->nheld++] = c;
		return;
	}
	if (f->nheld == 2
	    && ((f->held[1] == 0xbc && c == 0xa0)
		|| (f->held[1] == 0xb9 && c == 0xab))) {
		f->nheld = 0;
		find_plain(f, '@');
		return;
	}
	if (f->nheld > 0) {
		memcpy(h, f->held, f->nheld);
		i = f->nheld;
		f->nheld = 0;
		find_plain(f, h[0]);
		if (i > 1)
			find_plain(f, h[1]);
		find_byte(f, c);
		return;
	}
	find_plain(f, c);
}

static void
find_sink(void *ctx, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		find_byte(ctx, (unsigned char)s[i]);
}

static void
find_end(struct finder *f)
{
	unsigned char h[2];
	size_t n = f->nheld;

	memcpy(h, f->held, n);
	f->nheld = 0;
	if (n > 0)
		find_plain(f, h[0]);
	if (n > 1)
		find_plain(f, h[1]);
	find_flush(f);
}

void
fromtext_addresses(const char *s, size_t n, int flags, fromtext_found found,
    void *ctx)
{
	struct finder f;

	memset(&f, 0, sizeof(f));
	f.found = found;
	f.ctx = ctx;
	if (!fromtext_show(s, n, flags, find_sink, &f)) {
		find_end(&f);
		return;
	}
	find_end(&f);
	fromtext_show(s, n, flags | FROMTEXT_RAW, find_sink, &f);
	find_end(&f);
}
