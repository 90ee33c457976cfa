/* SPDX-License-Identifier: BSD-2-Clause */
/* Framing and fields of the helper's messages (proto.h). */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/parse.h"
#include "store/ldap/proto.h"

void twofa_msg_init(struct twofa_msg *m)
{
	memset(m, 0, sizeof(*m));
}

void twofa_msg_free(struct twofa_msg *m)
{
	twofa_freezero(m->buf, m->cap);
	memset(m, 0, sizeof(*m));
}

/* Grow without realloc, so no copy of a secret is left behind unwiped. */
static int reserve(struct twofa_msg *m, size_t more)
{
	unsigned char *nb;
	size_t cap;

	if (more > TWOFA_PROTO_MAX || m->len + more > TWOFA_PROTO_MAX)
		return TWOFA_ERR_TOO_BIG;
	if (m->len + more <= m->cap)
		return TWOFA_OK;
	cap = m->cap ? m->cap : 1024;
	while (cap < m->len + more)
		cap *= 2;
	nb = malloc(cap);
	if (nb == NULL)
		return TWOFA_ERR_NOMEM;
	if (m->len)
		memcpy(nb, m->buf, m->len);
	twofa_freezero(m->buf, m->cap);
	m->buf = nb;
	m->cap = cap;
	return TWOFA_OK;
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

int twofa_msg_put(struct twofa_msg *m, const char *name, const void *val,
		  size_t len)
{
	size_t nl = strlen(name);
	int ret;

	if (nl == 0 || nl > 255)
		return TWOFA_ERR_INVALID;
	if ((ret = reserve(m, 1 + nl + 4 + len)) < 0)
		return ret;
	m->buf[m->len++] = (unsigned char)nl;
	memcpy(m->buf + m->len, name, nl);
	m->len += nl;
	put_be32(m->buf + m->len, (uint32_t)len);
	m->len += 4;
	if (len)
		memcpy(m->buf + m->len, val, len);
	m->len += len;
	return TWOFA_OK;
}

int twofa_msg_put_str(struct twofa_msg *m, const char *name, const char *s)
{
	return twofa_msg_put(m, name, s, strlen(s));
}

int twofa_msg_put_u64(struct twofa_msg *m, const char *name, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return twofa_msg_put_str(m, name, buf);
}

int twofa_msg_put_int(struct twofa_msg *m, const char *name, int v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%d", v);
	return twofa_msg_put_str(m, name, buf);
}

int twofa_msg_decode(struct twofa_msg *m)
{
	size_t o = 0;

	m->nf = 0;
	while (o < m->len) {
		size_t nl = m->buf[o], vl;

		if (m->nf >= TWOFA_PROTO_FIELDS || nl == 0 ||
		    m->len - o < 1 + nl + 4)
			return TWOFA_ERR_MALFORMED;
		m->f[m->nf].name = (const char *)m->buf + o + 1;
		m->f[m->nf].namelen = nl;
		vl = get_be32(m->buf + o + 1 + nl);
		o += 1 + nl + 4;
		if (vl > m->len - o)
			return TWOFA_ERR_MALFORMED;
		m->f[m->nf].val = m->buf + o;
		m->f[m->nf].len = vl;
		o += vl;
		m->nf++;
	}
	return TWOFA_OK;
}

int twofa_msg_get(const struct twofa_msg *m, const char *name,
		  const unsigned char **val, size_t *len)
{
	size_t nl = strlen(name);
	unsigned i;

	for (i = 0; i < m->nf; i++) {
		if (m->f[i].namelen == nl &&
		    memcmp(m->f[i].name, name, nl) == 0) {
			*val = m->f[i].val;
			*len = m->f[i].len;
			return TWOFA_OK;
		}
	}
	return TWOFA_ERR_NO_RECORD;
}

int twofa_msg_get_str(const struct twofa_msg *m, const char *name, char *out,
		      size_t outsize)
{
	const unsigned char *v;
	size_t len;
	int ret;

	out[0] = '\0';
	if ((ret = twofa_msg_get(m, name, &v, &len)) < 0)
		return ret;
	if (len >= outsize || memchr(v, '\0', len) != NULL)
		return TWOFA_ERR_MALFORMED;
	memcpy(out, v, len);
	out[len] = '\0';
	return TWOFA_OK;
}

int twofa_msg_get_u64(const struct twofa_msg *m, const char *name,
		      uint64_t *v)
{
	const unsigned char *s;
	size_t len;
	int ret;

	if ((ret = twofa_msg_get(m, name, &s, &len)) < 0)
		return ret;
	return twofa_parse_u64((const char *)s, len, UINT64_MAX, v) < 0
		   ? TWOFA_ERR_MALFORMED
		   : TWOFA_OK;
}

int twofa_msg_get_int(const struct twofa_msg *m, const char *name, int *v)
{
	const unsigned char *s;
	uint64_t u;
	size_t len;
	int ret, neg;

	if ((ret = twofa_msg_get(m, name, &s, &len)) < 0)
		return ret;
	neg = len > 0 && s[0] == '-';
	if (twofa_parse_u64((const char *)s + neg, len - (size_t)neg, 1000,
			    &u) < 0)
		return TWOFA_ERR_MALFORMED;
	*v = neg ? -(int)u : (int)u;
	return TWOFA_OK;
}

uint64_t twofa_msg_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Wait until fd is ready for events or the deadline passes. */
static int wait_fd(int fd, short events, uint64_t deadline_ms)
{
	struct pollfd p = {.fd = fd, .events = events};
	int ms = -1, r;

	for (;;) {
		if (deadline_ms) {
			uint64_t now = twofa_msg_now_ms();

			if (now >= deadline_ms)
				return TWOFA_ERR_UNAVAILABLE;
			ms = (int)(deadline_ms - now);
		}
		r = poll(&p, 1, ms);
		if (r > 0)
			return TWOFA_OK;
		if (r == 0)
			return TWOFA_ERR_UNAVAILABLE;
		if (errno != EINTR)
			return TWOFA_ERR_UNAVAILABLE;
	}
}

static int io_all(int fd, unsigned char *p, size_t n, int writing,
		  uint64_t deadline_ms)
{
	while (n > 0) {
		ssize_t r;
		int ret;

		if ((ret = wait_fd(fd, writing ? POLLOUT : POLLIN,
				   deadline_ms)) < 0)
			return ret;
		r = writing ? send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT)
			    : recv(fd, p, n, MSG_DONTWAIT);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return TWOFA_ERR_UNAVAILABLE;
		p += r;
		n -= (size_t)r;
	}
	return TWOFA_OK;
}

int twofa_msg_send(int fd, const struct twofa_msg *m, uint64_t deadline_ms)
{
	unsigned char hdr[4];
	int ret;

	put_be32(hdr, (uint32_t)m->len);
	if ((ret = io_all(fd, hdr, 4, 1, deadline_ms)) < 0)
		return ret;
	return io_all(fd, m->buf, m->len, 1, deadline_ms);
}

int twofa_msg_recv(int fd, struct twofa_msg *m, uint64_t deadline_ms)
{
	unsigned char hdr[4];
	uint32_t len;
	int ret;

	twofa_msg_free(m);
	if ((ret = io_all(fd, hdr, 4, 0, deadline_ms)) < 0)
		return ret;
	len = get_be32(hdr);
	if (len > TWOFA_PROTO_MAX)
		return TWOFA_ERR_MALFORMED;
	if ((ret = reserve(m, len ? len : 1)) < 0)
		return ret;
	if ((ret = io_all(fd, m->buf, len, 0, deadline_ms)) < 0)
		return ret;
	m->len = len;
	return twofa_msg_decode(m);
}

/* Index 0 is the fallback for anything not in the table. */
static const char *const whats[] = {
    "directory error",
    "directory unreachable",
    "directory did not answer in time",
    "directory refused the bind",
    "directory refused the operation",
    "TLS required for ldap:// (StartTLS failed)",
    "server certificate not verified",
    "bind password file unsafe or unreadable",
    "entry malformed",
    "referral not followed (send writes to the provider)",
    "LDAP helper failed",
    "ldap_uri or ldap_base not set",
    "ldap_uri not ldap://, ldaps:// or ldapi://",
    "entry changed meanwhile",
    "no such entry",
    "entry exists",
    "LDAP helper not run as root",
    "ldap_binddn not set (anonymous is refused)",
    "ldap_base not found or not readable",
    "cannot run the LDAP helper",
    "directory unreachable or TLS handshake failed",
};

const char *twofa_proto_what(unsigned idx)
{
	return idx < sizeof(whats) / sizeof(whats[0]) ? whats[idx] : whats[0];
}

unsigned twofa_proto_what_idx(const char *what)
{
	unsigned i;

	for (i = 0; what != NULL && i < sizeof(whats) / sizeof(whats[0]); i++)
		if (strcmp(whats[i], what) == 0)
			return i;
	return 0;
}
