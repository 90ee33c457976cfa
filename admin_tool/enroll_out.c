/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What twofa-admin enroll shows of a new enrollment, once: the secret in
 * groups of four, or (--json) everything as one object.
 */
#include <stdio.h>

#include "cli.h"
#include "enroll_out.h"
#include "show.h"
#include "twofa/base32.h"
#include "twofa/mem.h"

int enroll_print_secret(const struct twofa_record *rec)
{
	char b32[TWOFA_BASE32_MAX_INPUT + 1];
	size_t i;

	if (twofa_base32_encode(rec->secret, rec->secret_len, b32,
				sizeof(b32)) != TWOFA_OK) {
		cli_error("cannot encode the secret; nothing was written");
		return EXIT_SYSTEM; /* not shown: must not be enrolled */
	}
	fputs("Secret: ", stdout);
	for (i = 0; b32[i] != '\0'; i++) {
		if (i > 0 && i % 4 == 0)
			putchar(' ');
		putchar(b32[i]);
	}
	putchar('\n');
	twofa_wipe(b32, sizeof(b32));
	return 0;
}

int enroll_print_json(const char *user, const struct twofa_record *rec,
		      const char *uri, const char *codes, unsigned count,
		      const char *png)
{
	char b32[TWOFA_BASE32_MAX_INPUT + 1];

	if (twofa_base32_encode(rec->secret, rec->secret_len, b32,
				sizeof(b32)) != TWOFA_OK) {
		cli_error("cannot encode the secret");
		return EXIT_SYSTEM;
	}
	fputs("{\"user\":", stdout);
	show_json_string(user);
	printf(",\"type\":\"%s\",\"algorithm\":\"%s\",\"digits\":%u",
	       twofa_otp_type_name(rec->type), twofa_alg_name(rec->alg),
	       rec->digits);
	if (rec->type == TWOFA_TOTP)
		printf(",\"period\":%u", rec->period);
	else
		printf(",\"counter\":%llu", (unsigned long long)rec->state.next);
	printf(",\"window\":%u,\"uri\":", rec->window);
	show_json_string(uri);
	printf(",\"secret\":\"%s\",\"backup_codes\":", b32);
	show_backup_codes_json(codes, count);
	fputs(",\"png\":", stdout);
	if (png != NULL)
		show_json_string(png);
	else
		fputs("null", stdout);
	fputs("}\n", stdout);
	twofa_wipe(b32, sizeof(b32));
	return 0;
}

