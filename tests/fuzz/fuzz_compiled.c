/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_compiled.c: the compiled policy's reader (policy/compiled.h). The
 * first byte chooses: even, the rest is a compiled image, which must be
 * refused cleanly or, once its header passes, read without any access
 * outside it (lookups of names from the input included), and whose
 * lookups, once the whole payload passes, find only what they were asked
 * for; odd, the rest is a policy.ini, which when valid must compile into
 * an image that passes every check and answers every lookup as the
 * parsed policy does (the round trip), and stay safe with one byte of
 * its payload changed.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/compiled.h"
#include "policy/config.h"
#include "util/domain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const probes[] = {
	"bank.example",
	"a.bank.example",
	"partner.example",
	"mail.example.org",
	"sealer.example",
	"example",
	"",
};

/* A few names taken from the input, as a lookup would see them. */
static size_t
input_names(const uint8_t *data, size_t size, char names[4][64])
{
	size_t n = 0, i, len;

	for (i = 0; i + 1 < size && n < 4; i += 1 + data[i] % 16) {
		len = data[i] % 24;
		if (len > size - i - 1)
			len = size - i - 1;
		memcpy(names[n], data + i + 1, len);
		names[n][len] = '\0';
		if (strlen(names[n]) == len)
			n++;
	}
	return n;
}

/* Looks every probe up; with checked, each answer covers its name. */
static void
lookups(const struct policy *p, const char *name, bool checked)
{
	const struct policy_domain *d = policy_domain_for(p, name);
	const struct policy_entry *e;

	if (checked && d != NULL)
		assert(domain_within(name, d->name));
	if ((e = policy_trusted_domain(p, name)) != NULL && checked)
		assert(domain_within(name, e->name));
	if ((e = policy_trusted_sealer(p, name)) != NULL && checked)
		assert(domain_within(name, e->name));
	policy_trusted_relay(p, "192.0.2.1");
	policy_skip_host(p, "2001:db8::1");
}

static void
read_image(const unsigned char *img, size_t len, const uint8_t *data,
    size_t size)
{
	char err[256], names[4][64];
	struct policy *p;
	bool checked;
	size_t i, n;

	if (agc_check_header(img, len, err, sizeof(err)) != 0)
		return;
	checked = agc_check_payload(img, len, err, sizeof(err)) == 0;
	p = agc_policy(img, len, "fuzz.ini", err, sizeof(err));
	if (p == NULL)
		return;
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		lookups(p, probes[i], checked);
	n = input_names(data, size, names);
	for (i = 0; i < n; i++)
		lookups(p, names[i], checked);
	policy_free(p);
}

static void
same_answer(const struct policy *a, const struct policy *b, const char *name)
{
	const struct policy_domain *da = policy_domain_for(a, name),
				   *db = policy_domain_for(b, name);
	const struct policy_entry *ea, *eb;

	assert((da == NULL) == (db == NULL));
	if (da != NULL) {
		assert(strcmp(da->name, db->name) == 0);
		assert(memcmp(da->set, db->set, sizeof(da->set)) == 0);
		assert(memcmp(da->actions, db->actions, sizeof(da->actions))
		    == 0);
		assert(da->ignore == db->ignore && da->mode == db->mode
		    && da->mode_set == db->mode_set);
	}
	ea = policy_trusted_domain(a, name);
	eb = policy_trusted_domain(b, name);
	assert((ea == NULL) == (eb == NULL));
	assert(ea == NULL || strcmp(ea->name, eb->name) == 0);
	ea = policy_trusted_sealer(a, name);
	eb = policy_trusted_sealer(b, name);
	assert((ea == NULL) == (eb == NULL));
	assert(ea == NULL || strcmp(ea->name, eb->name) == 0);
}

static void
round_trip(const uint8_t *data, size_t size)
{
	struct agc_stamp stamp = { 1, 2, 3, 4, 5, 6, 7 };
	char err[256], names[4][64];
	struct policy *s, *c;
	unsigned char *img;
	size_t len, i, n;

	s = policy_load_buffer("fuzz.ini", (const char *)data, size, NULL);
	if (s == NULL)
		return;
	if (agc_build(s, &stamp, &img, &len, err, sizeof(err)) != 0) {
		policy_free(s);
		return;
	}
	assert(agc_check_header(img, len, err, sizeof(err)) == 0);
	assert(agc_check_payload(img, len, err, sizeof(err)) == 0);
	c = agc_policy(img, len, "fuzz.ini", err, sizeof(err));
	assert(c != NULL);
	assert(memcmp(c->actions, s->actions, sizeof(s->actions)) == 0);
	assert(c->mode == s->mode && c->on_error == s->on_error);
	assert(strcmp(c->subject_tag, s->subject_tag) == 0);
	assert(c->n_relays == s->n_relays && c->n_domains == s->n_domains);
	for (i = 0; i < s->n_domains; i++)
		same_answer(c, s, s->domain_list[i].name);
	for (i = 0; i < s->n_trusted; i++)
		same_answer(c, s, s->trusted_list[i].name);
	for (i = 0; i < s->n_sealers; i++)
		same_answer(c, s, s->sealer_list[i].name);
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		same_answer(c, s, probes[i]);
	n = input_names(data, size, names);
	for (i = 0; i < n; i++)
		same_answer(c, s, names[i]);
	policy_free(c);
	/* one byte of the payload changed: read safely, whatever it says */
	if (len > 0 && size > 0) {
		i = (data[0] * 7919u + size) % len;
		img[i] ^= (unsigned char)(data[size - 1] | 1);
		read_image(img, len, data, size);
	}
	free(img);
	policy_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *img;

	if (size == 0)
		return 0;
	if (data[0] & 1) {
		round_trip(data + 1, size - 1);
		return 0;
	}
	/* an aligned copy, as a map is */
	if ((img = malloc(size - 1 + 1)) == NULL)
		return 0;
	memcpy(img, data + 1, size - 1);
	read_image(img, size - 1, data + 1, size - 1);
	free(img);
	return 0;
}
