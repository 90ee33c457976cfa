/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The text of the enrollment prompt (SPEC 9): everything the user needs
 * to set up the app, in one string, because a prompt is the one message
 * that reaches the user under sshd's keyboard-interactive, under sudo
 * (which calls PAM with PAM_SILENT, dropping info messages) and under su
 * alike. No colour escapes: ssh clients show them as octal.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twofa/backup.h"
#include "twofa/base32.h"
#include "twofa/err.h"
#include "twofa/invite.h"
#include "twofa/mem.h"
#include "twofa/uri.h"

struct text {
	char *buf;
	size_t len, cap;
	int err;
};

static void add(struct text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Append; the old buffer is wiped when it grows (it holds the secret). */
static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->err != TWOFA_OK)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->err = TWOFA_ERR_INVALID;
		return;
	}
	if ((size_t)n >= t->cap - t->len) {
		size_t cap = t->cap * 2 + (size_t)n;
		char *grown = malloc(cap);

		if (grown == NULL) {
			t->err = TWOFA_ERR_NOMEM;
			return;
		}
		memcpy(grown, t->buf, t->len);
		twofa_freezero(t->buf, t->cap);
		t->buf = grown;
		t->cap = cap;
		va_start(ap, fmt);
		vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
	}
	t->len += (size_t)n;
}

int twofa_enroll_text(const struct twofa_record *rec, const char *issuer,
		      const char *user, const char *codes, unsigned count,
		      const enum twofa_qr_style *style, const char *ending,
		      char **out)
{
	struct text t = {NULL, 0, 4096, TWOFA_OK};
	struct twofa_qr qr = {0, NULL};
	char secret[TWOFA_BASE32_MAX_INPUT + 1];
	char *uri = NULL, *drawn = NULL;
	size_t i, n;
	int ret;

	*out = NULL;
	memset(secret, 0, sizeof(secret));
	ret = twofa_uri_build(rec, issuer, user, &uri);
	if (ret != TWOFA_OK)
		goto out;
	ret = twofa_base32_encode(rec->secret, rec->secret_len, secret,
				  sizeof(secret));
	if (ret != TWOFA_OK)
		goto out;
	if (style != NULL) {
		ret = twofa_qr_encode(uri, &qr);
		if (ret == TWOFA_OK)
			ret = twofa_qr_render(qr.modules, qr.width, *style,
					      &drawn);
		if (ret != TWOFA_OK)
			goto out;
	}
	t.buf = malloc(t.cap);
	if (t.buf == NULL) {
		ret = TWOFA_ERR_NOMEM;
		goto out;
	}
	t.buf[0] = '\0';
	add(&t, "Two-factor enrollment for %s.\n", user);
	if (drawn != NULL)
		add(&t, "Scan this QR code with your authenticator app:\n\n%s\n",
		    drawn);
	add(&t, "Or add this key to the app: %s\n", uri);
	add(&t, "Secret, typed by hand:");
	n = strlen(secret);
	for (i = 0; i < n; i += 4)
		add(&t, " %.4s", secret + i);
	add(&t, "\n(time-based, %s, %u digits, every %u seconds)\n\n",
	    twofa_alg_name(rec->alg), rec->digits, rec->period);
	if (count > 0) {
		add(&t, "Backup codes, each works once; keep them somewhere "
			"safe:\n");
		for (i = 0; i < count; i++) {
			const char *c = codes + i * (TWOFA_BACKUP_DIGITS + 1);

			add(&t, "  %.4s %.4s%s", c, c + 4,
			    i % 5 == 4 || i + 1 == count ? "\n" : "");
		}
		add(&t, "\n");
	}
	add(&t, "%s", ending);
	ret = t.err;
	if (ret != TWOFA_OK)
		goto out;
	*out = t.buf;
	t.buf = NULL;
out:
	if (t.buf != NULL)
		twofa_freezero(t.buf, t.cap);
	twofa_wipe(secret, sizeof(secret));
	twofa_free_string(uri);
	twofa_free_string(drawn);
	twofa_qr_free(&qr);
	return ret;
}
