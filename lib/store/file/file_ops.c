/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The file store behind the store interface (twofa/store.h). A loaded
 * record keeps its file locked until release, so no other login can move
 * the state in between: cas_state() never conflicts here, but it checks
 * the version like every backend, so the loop above needs no exception.
 * The version is the state's sequence number (twofa(5) "seq").
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/safedir.h"
#include "twofa/store.h"
#include "store/file/decoy.h"
#include "store/file/fstore.h"

struct file_backend {
	struct twofa_fstore *fs;
	unsigned timeout_ms;
};

static int file_open(const struct twofa_conf *conf, unsigned flags,
		     void **priv, struct twofa_error *why)
{
	struct file_backend *b;
	int ret;

	*priv = NULL;
	if ((flags & TWOFA_STORE_CREATE) && conf->store_dir[0] == '/') {
		/*
		 * Only the last component, reached the safe way; the parents
		 * must exist. Any problem is reported by the open below.
		 */
		int fd = -1;

		if (twofa_dir_open(conf->store_dir, conf->owner, 0700, &fd,
				   NULL) == TWOFA_OK)
			close(fd);
	}
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return TWOFA_ERR_NOMEM;
	b->timeout_ms = conf->lock_timeout_ms;
	ret = twofa_fstore_open(conf->store_dir, conf->owner, &b->fs, why);
	if (ret != TWOFA_OK) {
		free(b);
		return ret;
	}
	*priv = b;
	return TWOFA_OK;
}

static void file_close(void *priv)
{
	struct file_backend *b = priv;

	if (b == NULL)
		return;
	twofa_fstore_close(b->fs);
	free(b);
}

static const char *file_where(const void *priv)
{
	const struct file_backend *b = priv;

	return twofa_fstore_path(b->fs);
}

/*
 * The handle keeps only the state, the lock and the sealed form (whose tag
 * the state slots are bound to; twofa(5)): the record itself lives in
 * l->rec, so the secret is not held twice.
 */
static void keep_state_only(struct twofa_handle *h)
{
	struct twofa_state s = h->rec.state;
	struct twofa_sealed sealed = h->rec.sealed;

	twofa_record_wipe(&h->rec);
	h->rec.state = s;
	h->rec.sealed = sealed;
	twofa_wipe(&s, sizeof(s));
	twofa_wipe(&sealed, sizeof(sealed));
}

static int file_load(void *priv, struct twofa_loaded *l,
		     struct twofa_error *why)
{
	struct file_backend *b = priv;
	struct twofa_handle *h = NULL;
	int ret;

	ret = twofa_handle_open(b->fs, l->user, b->timeout_ms, &h, why);
	if (ret != TWOFA_OK)
		return ret;
	l->rec = h->rec;
	l->version = h->rec.state.seq;
	keep_state_only(h);
	l->priv = h;
	return TWOFA_OK;
}

/*
 * l's locked handle if the stored version is still l's (the lock makes
 * anything else impossible; checked so the contract holds), else NULL
 * and *ret TWOFA_ERR_CONFLICT.
 */
static struct twofa_handle *unchanged(struct twofa_loaded *l, int *ret,
				      struct twofa_error *why)
{
	struct twofa_handle *h = l->priv;

	*ret = TWOFA_OK;
	if (l->version == h->rec.state.seq)
		return h;
	*ret = twofa_fail(why, TWOFA_ERR_CONFLICT, 0,
			  "record changed since it was loaded",
			  twofa_fstore_path(h->store), h->user);
	return NULL;
}

static int file_cas_state(void *priv, struct twofa_loaded *l,
			  const struct twofa_state *next,
			  struct twofa_error *why)
{
	struct twofa_handle *h;
	uint64_t seq;
	int ret;

	(void)priv;
	if ((h = unchanged(l, &ret, why)) == NULL)
		return ret;
	seq = h->rec.state.seq;
	h->rec.state = *next;
	h->rec.state.seq = seq; /* the commit numbers the new slot */
	ret = twofa_handle_commit_state(h, why);
	if (ret != TWOFA_OK) {
		/* The file still holds the old state: so do we. */
		h->rec.state = l->rec.state;
		h->rec.state.seq = seq;
		return ret;
	}
	l->rec.state = h->rec.state;
	l->version = h->rec.state.seq;
	return TWOFA_OK;
}

static int file_replace(void *priv, struct twofa_loaded *l,
			const struct twofa_record *rec, struct twofa_error *why)
{
	struct twofa_handle *h;
	int ret;

	(void)priv;
	if ((h = unchanged(l, &ret, why)) == NULL)
		return ret;
	h->rec = *rec;
	h->rec.state.seq = l->version;
	ret = twofa_handle_rewrite(h, why);
	if (ret == TWOFA_OK) {
		l->rec = h->rec;
		l->version = h->rec.state.seq;
	} else {
		h->rec.state = l->rec.state;
	}
	keep_state_only(h);
	return ret;
}

static int file_remove(void *priv, struct twofa_loaded *l,
		       struct twofa_error *why)
{
	struct twofa_handle *h;
	int ret;

	(void)priv;
	if ((h = unchanged(l, &ret, why)) == NULL)
		return ret;
	return twofa_handle_remove(h, why);
}

static void file_release(void *priv, struct twofa_loaded *l)
{
	(void)priv;
	twofa_handle_close(l->priv);
	l->priv = NULL;
}

static int file_create(void *priv, const char *user,
		       const struct twofa_record *rec, bool force,
		       struct twofa_error *why)
{
	struct file_backend *b = priv;

	return twofa_fstore_create(b->fs, user, rec, force, b->timeout_ms,
				   why);
}

static int file_exists(void *priv, const char *user, struct twofa_error *why)
{
	struct file_backend *b = priv;

	return twofa_fstore_exists(b->fs, user, why);
}

static int file_list(void *priv, int (*fn)(const char *user, void *arg),
		     void *arg, struct twofa_error *why)
{
	struct file_backend *b = priv;

	return twofa_fstore_list(b->fs, fn, arg, why);
}

static void file_decoy(void *priv, const char *code, int window)
{
	struct file_backend *b = priv;

	(void)code; /* the OTP check is twofa_decoy_login's */
	(void)window;
	twofa_fstore_decoy(b->fs);
}

const struct twofa_store_ops twofa_store_file_ops = {
    .name = "file",
    .kind = TWOFA_STORE_FILE,
    .open = file_open,
    .close = file_close,
    .where = file_where,
    .load = file_load,
    .cas_state = file_cas_state,
    .replace = file_replace,
    .remove = file_remove,
    .release = file_release,
    .create = file_create,
    .exists = file_exists,
    .list = file_list,
    .decoy = file_decoy,
};
