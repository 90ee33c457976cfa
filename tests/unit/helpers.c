/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared fixtures for the core unit tests. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/hmac.h>

#include "helpers.h"
#include "twofa/conf.h"
#include "twofa/store.h"

void helper_make_store(char path[4096])
{
	char cwd[2048];

	snprintf(path, 4096, "/run/twofa-unit.XXXXXX");
	if (access("/run", W_OK) != 0 || mkdtemp(path) == NULL) {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			abort();
		snprintf(path, 4096, "%s/build/unit-store.XXXXXX", cwd);
		if (mkdtemp(path) == NULL)
			abort();
	}
	if (chmod(path, 0700) != 0)
		abort();
}

void helper_rm_store(const char *path)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", path);
}

void helper_record(struct twofa_record *rec, enum twofa_otp_type type)
{
	twofa_record_init(rec, type, 1700000000);
	memcpy(rec->secret, "12345678901234567890", 20);
	rec->secret_len = 20;
}

char *helper_read_file(const char *dir, const char *name, size_t *len)
{
	char p[4400];
	FILE *f;
	char *buf;
	long n;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "rb");
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

int helper_write_file(const char *dir, const char *name, const char *data,
		      size_t len, unsigned mode)
{
	char p[4400];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	unlink(p);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL, mode);
	if (fd < 0)
		return -1;
	if (write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	fchmod(fd, mode);
	return close(fd);
}

void helper_hotp_sha1(const char *key, uint64_t counter, unsigned digits,
		      char out[9])
{
	unsigned char msg[8], mac[20];
	unsigned int len = 0;
	uint32_t v, mod = 1;
	int i;

	for (i = 7; i >= 0; i--, counter >>= 8)
		msg[i] = (unsigned char)counter;
	HMAC(EVP_sha1(), key, (int)strlen(key), msg, 8, mac, &len);
	i = mac[19] & 15;
	v = ((uint32_t)(mac[i] & 0x7f) << 24) | ((uint32_t)mac[i + 1] << 16) |
	    ((uint32_t)mac[i + 2] << 8) | mac[i + 3];
	for (unsigned d = 0; d < digits; d++)
		mod *= 10;
	snprintf(out, 9, "%0*u", (int)digits, v % mod);
}

int helper_open_store(const char *dir, struct twofa_store **st)
{
	struct twofa_conf conf;

	twofa_conf_init(&conf);
	if (twofa_conf_set_store(&conf, dir) != 0)
		return -1;
	conf.owner = geteuid();
	return twofa_store_open(&conf, 0, st, NULL);
}
