/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Importer of google-authenticator's ~/.google_authenticator: keeps the
 * user's phone working (same secret, type, period, window, counter) and
 * turns the scratch codes into hashed backup codes.
 */
#include <string.h>

#include "twofa/base32.h"
#include "twofa/err.h"
#include "twofa/import.h"
#include "twofa/mem.h"
#include "twofa/otp.h"
#include "twofa/parse.h"

#define GA_WINDOW_DEFAULT 3
#define GA_WINDOW_MAX	  100
#define GA_STEP_MAX	  60
/* RATE_LIMIT and DISALLOW_REUSE list timestamps (up to the window). */
#define GA_MAX_WORDS 128
/*
 * TIME_SKEW is carried over by widening the window; more steps than this
 * would make the window too wide: fix the phone's clock instead.
 */
#define GA_SKEW_MAX 4

#define OPT_TOTP   1u
#define OPT_HOTP   2u
#define OPT_WINDOW 4u
#define OPT_STEP   8u
#define OPT_REUSE  16u
#define OPT_RATE   32u
#define OPT_SKEW   64u

static int fail(struct twofa_parse_error *why, unsigned line, const char *what)
{
	if (why != NULL) {
		why->line = line;
		why->what = what;
	}
	return TWOFA_ERR_MALFORMED;
}

static int word_is(const char *w, size_t n, const char *kw)
{
	return strlen(kw) == n && memcmp(w, kw, n) == 0;
}

static int num(const char *w, size_t n, uint64_t max, uint64_t *v)
{
	return twofa_parse_u64(w, n, max, v);
}

struct ga_opts {
	unsigned seen;
	uint64_t counter, window, step, last_step, skew;
	int have_last;
};

/* Is word n LASTd (d a digit)? google-authenticator's grace-period lines. */
static int is_last_n(const char *w, size_t n)
{
	return n == 5 && memcmp(w, "LAST", 4) == 0 && w[4] >= '0' &&
	       w[4] <= '9';
}

static int parse_option(const char *s, size_t n, unsigned line,
			struct ga_opts *o, struct twofa_ga_file *out,
			struct twofa_parse_error *why)
{
	const char *w[GA_MAX_WORDS];
	size_t wl[GA_MAX_WORDS], count, i;
	uint64_t v;
	unsigned bit;

	/* `" KEYWORD args`: the quote is a comment mark in the file. */
	count = twofa_split_words(s + 1, n - 1, " ", w, wl, GA_MAX_WORDS);
	if (count == 0)
		return fail(why, line, "empty option line");
	if (count > GA_MAX_WORDS)
		return fail(why, line, "option line too long");
	if (word_is(w[0], wl[0], "TOTP_AUTH") && count == 1) {
		bit = OPT_TOTP;
	} else if (word_is(w[0], wl[0], "HOTP_COUNTER") && count == 2) {
		bit = OPT_HOTP;
		if (num(w[1], wl[1], UINT64_MAX - 1, &o->counter) != 0)
			return fail(why, line, "bad HOTP_COUNTER");
	} else if (word_is(w[0], wl[0], "WINDOW_SIZE") && count == 2) {
		bit = OPT_WINDOW;
		if (num(w[1], wl[1], GA_WINDOW_MAX, &o->window) != 0 ||
		    o->window < 1)
			return fail(why, line, "bad WINDOW_SIZE (1..100)");
	} else if (word_is(w[0], wl[0], "STEP_SIZE") && count == 2) {
		bit = OPT_STEP;
		if (num(w[1], wl[1], GA_STEP_MAX, &o->step) != 0 || o->step < 1)
			return fail(why, line, "bad STEP_SIZE (1..60)");
	} else if (word_is(w[0], wl[0], "DISALLOW_REUSE")) {
		bit = OPT_REUSE;
		/* The time steps of codes already used. */
		for (i = 1; i < count; i++) {
			if (num(w[i], wl[i], UINT64_MAX - 1, &v) != 0)
				return fail(why, line,
					    "bad DISALLOW_REUSE time step");
			if (!o->have_last || v > o->last_step)
				o->last_step = v;
			o->have_last = 1;
		}
		out->disallow_reuse = true;
	} else if (word_is(w[0], wl[0], "RATE_LIMIT") && count >= 3) {
		bit = OPT_RATE;
		if (num(w[1], wl[1], 100, &v) != 0 || v < 1)
			return fail(why, line, "bad RATE_LIMIT count");
		out->rate_limit_count = (unsigned)v;
		if (num(w[2], wl[2], 3600, &v) != 0 || v < 15)
			return fail(why, line, "bad RATE_LIMIT interval");
		out->rate_limit_secs = (unsigned)v;
		for (i = 3; i < count; i++) {
			if (num(w[i], wl[i], UINT64_MAX, &v) != 0)
				return fail(why, line,
					    "bad RATE_LIMIT timestamp");
		}
		out->rate_limit = true;
	} else if (word_is(w[0], wl[0], "TIME_SKEW") && count == 2) {
		/* Learnt clock skew of the phone, in steps, maybe negative. */
		size_t neg = w[1][0] == '-';

		bit = OPT_SKEW;
		if (num(w[1] + neg, wl[1] - neg, GA_SKEW_MAX, &o->skew) != 0)
			return fail(why, line,
				    "TIME_SKEW over 4 steps (fix the phone's "
				    "clock, then remove the line)");
		out->time_skew = neg ? -(int)o->skew : (int)o->skew;
	} else if (word_is(w[0], wl[0], "RESETTING_TIME_SKEW") ||
		   is_last_n(w[0], wl[0])) {
		/* Skew being learnt, grace-period hosts: not carried over. */
		return TWOFA_OK;
	} else {
		return fail(why, line, "unknown or malformed option");
	}
	if (o->seen & bit)
		return fail(why, line, "option given twice");
	o->seen |= bit;
	return TWOFA_OK;
}

static int parse_scratch(const char *s, size_t n, unsigned line,
			 struct twofa_ga_file *out,
			 struct twofa_parse_error *why)
{
	size_t i;

	if (n != TWOFA_BACKUP_DIGITS)
		return fail(why, line, "scratch code is not 8 digits");
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return fail(why, line, "scratch code is not 8 digits");
	}
	/*
	 * A code listed twice is one backup code: it works once, and "N
	 * left" counts what the user really holds (google-authenticator
	 * would accept it twice).
	 */
	for (i = 0; i < out->scratch_count; i++) {
		if (memcmp(out->scratch[i], s, n) == 0)
			return TWOFA_OK;
	}
	if (out->scratch_count == TWOFA_GA_SCRATCH_MAX)
		return fail(why, line, "more than 10 scratch codes");
	memcpy(out->scratch[out->scratch_count], s, n);
	out->scratch[out->scratch_count][n] = '\0';
	out->scratch_count++;
	return TWOFA_OK;
}

static int parse_secret(const char *s, size_t n, struct twofa_record *rec,
			struct twofa_parse_error *why)
{
	char b32[TWOFA_BASE32_MAX_INPUT + 1];
	size_t got = 0;
	int ret;

	if (n == 0 || n > TWOFA_BASE32_MAX_INPUT)
		return fail(why, 1, "bad secret line");
	memcpy(b32, s, n);
	b32[n] = '\0';
	ret = twofa_base32_decode(b32, rec->secret, sizeof(rec->secret), &got);
	twofa_wipe(b32, sizeof(b32));
	if (ret != TWOFA_OK)
		return fail(why, 1, "secret is not valid base32");
	rec->secret_len = got;
	if (got < TWOFA_SECRET_MIN)
		return fail(why, 1, "secret shorter than 128 bits");
	return TWOFA_OK;
}

/* Turn the options into record fields. */
static int apply(const struct ga_opts *o, struct twofa_ga_file *out,
		 struct twofa_parse_error *why)
{
	struct twofa_record *rec = &out->rec;
	uint64_t window =
	    (o->seen & OPT_WINDOW) ? o->window : GA_WINDOW_DEFAULT;

	if ((o->seen & OPT_SKEW) && (o->seen & OPT_HOTP))
		return fail(why, 0, "TIME_SKEW given for HOTP");
	if ((o->seen & OPT_TOTP) && (o->seen & OPT_HOTP))
		return fail(why, 0, "both TOTP_AUTH and HOTP_COUNTER");
	if (o->seen & OPT_HOTP) {
		if (o->seen & OPT_STEP)
			return fail(why, 0, "STEP_SIZE given for HOTP");
		rec->type = TWOFA_HOTP;
		rec->period = 0;
		rec->state.next = o->counter;
		/* GA accepts counters n .. n+w-1. */
		rec->window = (unsigned)(window - 1);
		/* A token that far on is corruption or an attack on the guard. */
		if (o->counter > TWOFA_COUNTER_LAST - rec->window)
			return fail(why, 0,
				    "HOTP_COUNTER too large (the replay guard "
				    "would reach 2^64)");
	} else {
		rec->type = TWOFA_TOTP;
		rec->period = (o->seen & OPT_STEP) ? (unsigned)o->step : 30;
		/*
		 * GA accepts (w-1)/2 steps back; we take as many each way,
		 * and as many more as the phone's learnt skew.
		 */
		rec->window = (unsigned)((window - 1) / 2 + o->skew);
		if (o->have_last)
			rec->state.next = o->last_step + 1;
	}
	return TWOFA_OK;
}

int twofa_import_ga_parse(const char *text, size_t len, uint64_t now,
			  struct twofa_ga_file *out,
			  struct twofa_parse_error *why)
{
	struct ga_opts o;
	size_t pos = 0;
	unsigned line = 0;
	int ret = TWOFA_ERR_MALFORMED;

	memset(out, 0, sizeof(*out));
	memset(&o, 0, sizeof(o));
	if (why != NULL) {
		why->line = 0;
		why->what = NULL;
	}
	twofa_record_init(&out->rec, TWOFA_TOTP, now);
	if (len > TWOFA_IMPORT_MAX) {
		ret = fail(why, 0, "file larger than 64 KiB");
		goto out;
	}
	if (memchr(text, '\0', len) != NULL) {
		ret = fail(why, 0, "file contains a NUL byte");
		goto out;
	}
	while (pos < len) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		pos += n + (nl ? 1 : 0);
		line++;
		if (line == 1)
			ret = parse_secret(s, n, &out->rec, why);
		else if (n > 0 && s[0] == '"')
			ret = parse_option(s, n, line, &o, out, why);
		else if (n == 0)
			ret = fail(why, line, "blank line");
		else
			ret = parse_scratch(s, n, line, out, why);
		if (ret != TWOFA_OK)
			goto out;
	}
	if (line == 0) {
		ret = fail(why, 0, "file is empty");
		goto out;
	}
	ret = apply(&o, out, why);
	if (ret != TWOFA_OK)
		goto out;
	if (twofa_record_check(&out->rec, why) != TWOFA_OK) {
		ret = TWOFA_ERR_MALFORMED;
		goto out;
	}
	ret = TWOFA_OK;
out:
	if (ret != TWOFA_OK)
		twofa_ga_wipe(out);
	return ret;
}

int twofa_import_ga_file(const char *text, size_t len, uint64_t now,
			 struct twofa_ga_file *f, struct twofa_parse_error *why)
{
	const char *codes[TWOFA_GA_SCRATCH_MAX];
	unsigned i;
	int ret;

	ret = twofa_import_ga_parse(text, len, now, f, why);
	if (ret != TWOFA_OK)
		return ret;
	for (i = 0; i < f->scratch_count; i++)
		codes[i] = f->scratch[i];
	ret = twofa_backup_set(&f->rec, codes, f->scratch_count);
	if (ret != TWOFA_OK)
		twofa_ga_wipe(f);
	return ret;
}

int twofa_import_ga(const char *text, size_t len, uint64_t now,
		    struct twofa_record *rec, struct twofa_parse_error *why)
{
	struct twofa_ga_file f;
	int ret;

	twofa_record_init(rec, TWOFA_TOTP, now);
	ret = twofa_import_ga_file(text, len, now, &f, why);
	if (ret == TWOFA_OK)
		memcpy(rec, &f.rec, sizeof(*rec));
	twofa_ga_wipe(&f);
	return ret;
}

void twofa_ga_wipe(struct twofa_ga_file *f)
{
	twofa_wipe(f, sizeof(*f));
}
