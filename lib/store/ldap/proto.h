/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The messages between a process using the directory store (pam_twofa.so,
 * twofa-admin) and the helper that runs libldap for it (twofa-ldap, see
 * ldap_helper/). A message is a 4-byte big-endian length and that many
 * bytes of fields; a field is a 1-byte name length, the name, a 4-byte
 * big-endian value length and the value. Requests start with field "op",
 * replies with "rc" (a TWOFA_ERR_* in decimal). Records travel in their
 * twofa(5) text form, so both sides parse them with the one strict parser.
 *
 * Messages may hold secrets (the record text): buffers are wiped when
 * freed.
 */
#ifndef TWOFA_STORE_LDAP_PROTO_H
#define TWOFA_STORE_LDAP_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define TWOFA_PROTO_MAX	   (1024 * 1024) /* bytes in one message */

/*
 * Where twofa-ldap --daemon listens (ldap_helper/helper_daemon.c): a
 * root-only socket in a root-owned directory.
 */
#ifndef TWOFA_LDAP_RUNDIR
#define TWOFA_LDAP_RUNDIR "/run/pam_twofa"
#endif
#define TWOFA_LDAP_SOCKET TWOFA_LDAP_RUNDIR "/ldap.sock"
#define TWOFA_PROTO_FIELDS 32

struct twofa_msg {
	unsigned char *buf; /* the payload (after the length) */
	size_t len, cap;
	/* After twofa_msg_decode(): fields pointing into buf. */
	unsigned nf;
	struct {
		const char *name;
		size_t namelen;
		const unsigned char *val;
		size_t len;
	} f[TWOFA_PROTO_FIELDS];
};

void twofa_msg_init(struct twofa_msg *m);
void twofa_msg_free(struct twofa_msg *m); /* wipes */

int twofa_msg_put(struct twofa_msg *m, const char *name, const void *val,
		  size_t len);
int twofa_msg_put_str(struct twofa_msg *m, const char *name, const char *s);
int twofa_msg_put_u64(struct twofa_msg *m, const char *name, uint64_t v);
int twofa_msg_put_int(struct twofa_msg *m, const char *name, int v);

/* Split m->buf into fields; TWOFA_ERR_MALFORMED if it does not add up. */
int twofa_msg_decode(struct twofa_msg *m);

/* The value of field name: 0 and val, len; or TWOFA_ERR_NO_RECORD. */
int twofa_msg_get(const struct twofa_msg *m, const char *name,
		  const unsigned char **val, size_t *len);
/* A NUL-free text field copied into out (NUL-terminated). */
int twofa_msg_get_str(const struct twofa_msg *m, const char *name, char *out,
		      size_t outsize);
int twofa_msg_get_u64(const struct twofa_msg *m, const char *name,
		      uint64_t *v);
int twofa_msg_get_int(const struct twofa_msg *m, const char *name, int *v);

/*
 * Send / receive one message on fd, giving up at deadline_ms on
 * CLOCK_MONOTONIC (0: wait forever). TWOFA_ERR_UNAVAILABLE on timeout, EOF
 * or a broken connection.
 */
int twofa_msg_send(int fd, const struct twofa_msg *m, uint64_t deadline_ms);
int twofa_msg_recv(int fd, struct twofa_msg *m, uint64_t deadline_ms);

/* Milliseconds on CLOCK_MONOTONIC. */
uint64_t twofa_msg_now_ms(void);

/*
 * The static texts a helper may name in a reply ("what" field, an index
 * into this table), so the caller's error detail stays static text.
 */
const char *twofa_proto_what(unsigned idx);
unsigned twofa_proto_what_idx(const char *what);

#endif
