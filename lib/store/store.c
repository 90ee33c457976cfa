/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The store interface: pick the backend the configuration names, then
 * hand every call to its ops table. Checks that hold for every backend
 * (a valid user name before anything is looked up, wiping the loaded
 * copy) are made here once.
 */
#include <stdlib.h>
#include <string.h>

#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/seal.h"
#include "twofa/store.h"
#include "twofa/user.h"

/*
 * Every backend of this build; a new one adds its ops here (the LDAP
 * store: lib/store/ldap/).
 */
static const struct twofa_store_ops *const backends[] = {
    &twofa_store_file_ops,
    &twofa_store_ldap_ops,
};

struct twofa_store {
	const struct twofa_store_ops *ops;
	void *priv;
	struct twofa_sealer sealer;
};

static const char *kind_name(enum twofa_store_kind kind)
{
	return kind == TWOFA_STORE_LDAP ? "ldap" : "file";
}

int twofa_store_open(const struct twofa_conf *conf, unsigned flags,
		     struct twofa_store **out, struct twofa_error *why)
{
	const struct twofa_store_ops *ops = NULL;
	size_t i;

	*out = NULL;
	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		if (backends[i]->kind == conf->store_kind)
			ops = backends[i];
	}
	if (ops == NULL)
		return twofa_fail(why, TWOFA_ERR_UNSUPPORTED, 0,
				  "this store is not supported yet",
				  kind_name(conf->store_kind), NULL);
	return twofa_store_open_with(ops, conf, flags, out, why);
}

int twofa_store_open_with(const struct twofa_store_ops *ops,
			  const struct twofa_conf *conf, unsigned flags,
			  struct twofa_store **out, struct twofa_error *why)
{
	struct twofa_store *st;
	int ret;

	*out = NULL;
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return TWOFA_ERR_NOMEM;
	st->ops = ops;
	ret = twofa_sealer_init(&st->sealer, conf->record_key, conf->owner);
	if (ret != TWOFA_OK) {
		free(st);
		return twofa_fail(why, TWOFA_ERR_CONFIG, 0,
				  "record_key must be an absolute path",
				  conf->record_key, NULL);
	}
	ret = ops->open(conf, flags, &st->priv, why);
	if (ret != TWOFA_OK) {
		free(st);
		return ret;
	}
	*out = st;
	return TWOFA_OK;
}

void twofa_store_close(struct twofa_store *st)
{
	if (st == NULL)
		return;
	st->ops->close(st->priv);
	twofa_sealer_clear(&st->sealer);
	free(st);
}

struct twofa_sealer *twofa_store_sealer(struct twofa_store *st)
{
	return &st->sealer;
}

/* A copy of rec sealed for user, for a backend to write; free with free_copy. */
static int sealed_copy(struct twofa_store *st, const char *user,
		       const struct twofa_record *rec,
		       struct twofa_record **out, struct twofa_error *why)
{
	struct twofa_record *copy;
	int ret;

	*out = NULL;
	copy = malloc(sizeof(*copy));
	if (copy == NULL)
		return TWOFA_ERR_NOMEM;
	*copy = *rec;
	ret = twofa_sealer_seal(&st->sealer, user, copy, why);
	if (ret != TWOFA_OK) {
		twofa_freezero(copy, sizeof(*copy));
		return ret;
	}
	*out = copy;
	return TWOFA_OK;
}

const char *twofa_store_where(const struct twofa_store *st)
{
	return st->ops->where(st->priv);
}

const char *twofa_store_backend(const struct twofa_store *st)
{
	return st->ops->name;
}

static int bad_user(struct twofa_store *st, struct twofa_error *why)
{
	return twofa_fail(why, TWOFA_ERR_BAD_USER, 0, "invalid user name",
			  twofa_store_where(st), NULL);
}

int twofa_store_load(struct twofa_store *st, const char *user,
		     struct twofa_loaded **out, struct twofa_error *why)
{
	struct twofa_loaded *l;
	int ret;

	*out = NULL;
	if (!twofa_user_valid(user))
		return bad_user(st, why);
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return TWOFA_ERR_NOMEM;
	l->store = st;
	memcpy(l->user, user, strlen(user) + 1);
	ret = st->ops->load(st->priv, l, why);
	if (ret != TWOFA_OK) {
		twofa_freezero(l, sizeof(*l));
		return ret;
	}
	/* Opened here, so no caller can use a sealed record unopened. */
	ret = twofa_sealer_open(&st->sealer, twofa_store_where(st), user,
				&l->rec, why);
	if (ret != TWOFA_OK) {
		twofa_store_release(l);
		return ret;
	}
	*out = l;
	return TWOFA_OK;
}

int twofa_store_cas_state(struct twofa_loaded *l,
			  const struct twofa_state *next,
			  struct twofa_error *why)
{
	return l->store->ops->cas_state(l->store->priv, l, next, why);
}

int twofa_store_replace(struct twofa_loaded *l, const struct twofa_record *rec,
			struct twofa_error *why)
{
	struct twofa_record *copy = NULL;
	int ret;

	/* The configuration may have changed: seal again, fresh nonce. */
	ret = sealed_copy(l->store, l->user, rec, &copy, why);
	if (ret != TWOFA_OK)
		return ret;
	ret = l->store->ops->replace(l->store->priv, l, copy, why);
	twofa_freezero(copy, sizeof(*copy));
	return ret;
}

int twofa_store_remove(struct twofa_loaded *l, struct twofa_error *why)
{
	return l->store->ops->remove(l->store->priv, l, why);
}

void twofa_store_release(struct twofa_loaded *l)
{
	if (l == NULL)
		return;
	l->store->ops->release(l->store->priv, l);
	twofa_record_wipe(&l->rec);
	twofa_freezero(l, sizeof(*l));
}

int twofa_store_create(struct twofa_store *st, const char *user,
		       const struct twofa_record *rec, bool force,
		       struct twofa_error *why)
{
	struct twofa_record *copy = NULL;
	int ret;

	if (!twofa_user_valid(user))
		return bad_user(st, why);
	ret = sealed_copy(st, user, rec, &copy, why);
	if (ret != TWOFA_OK)
		return ret;
	ret = st->ops->create(st->priv, user, copy, force, why);
	twofa_freezero(copy, sizeof(*copy));
	return ret;
}

int twofa_store_exists(struct twofa_store *st, const char *user,
		       struct twofa_error *why)
{
	if (!twofa_user_valid(user))
		return bad_user(st, why);
	return st->ops->exists(st->priv, user, why);
}

int twofa_store_list(struct twofa_store *st,
		     int (*fn)(const char *user, void *arg), void *arg,
		     struct twofa_error *why)
{
	return st->ops->list(st->priv, fn, arg, why);
}

void twofa_store_decoy(struct twofa_store *st, const char *code, int window)
{
	/* An enrolled user's load opens the seal when there is a key. */
	twofa_sealer_decoy(&st->sealer);
	st->ops->decoy(st->priv, code, window);
}
