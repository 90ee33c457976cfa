/* SPDX-License-Identifier: BSD-2-Clause */
/* The in-memory store of the unit tests: see mem_store.h. */
#include <string.h>

#include "mem_store.h"
#include "twofa/err.h"

/* Handed from mem_store_open to the backend's open. */
static struct mem_store *opening;

static int m_open(const struct twofa_conf *conf, unsigned flags, void **priv,
		  struct twofa_error *why)
{
	(void)conf;
	(void)flags;
	(void)why;
	*priv = opening;
	return TWOFA_OK;
}

static void m_close(void *priv)
{
	(void)priv;
}

static const char *m_where(const void *priv)
{
	(void)priv;
	return "memory";
}

static int find(struct mem_store *m, const char *user)
{
	for (int i = 0; i < MEM_USERS; i++) {
		if (m->e[i].present && strcmp(m->e[i].user, user) == 0)
			return i;
	}
	return -1;
}

static int m_load(void *priv, struct twofa_loaded *l, struct twofa_error *why)
{
	struct mem_store *m = priv;
	int i = find(m, l->user);

	(void)why;
	m->loads++;
	if (i < 0)
		return TWOFA_ERR_NO_RECORD;
	l->rec = m->e[i].rec;
	l->version = m->e[i].version;
	l->priv = &m->e[i];
	return TWOFA_OK;
}

/* The injected losses, then the real compare. */
static int compare(struct mem_store *m, struct twofa_loaded *l, int i)
{
	if (m->before_cas != NULL) {
		void (*hook)(struct mem_store *, void *) = m->before_cas;

		m->before_cas = NULL;
		hook(m, m->arg);
	}
	if (m->pending > 0) {
		m->pending--;
		m->e[i].version++;
		m->conflicts++;
		return TWOFA_ERR_CONFLICT;
	}
	if (!m->e[i].present || m->e[i].version != l->version) {
		m->conflicts++;
		return TWOFA_ERR_CONFLICT;
	}
	m->pending = m->conflict_each; /* armed again for the next change */
	return TWOFA_OK;
}

static int m_cas_state(void *priv, struct twofa_loaded *l,
		       const struct twofa_state *next, struct twofa_error *why)
{
	struct mem_store *m = priv;
	int i = find(m, l->user), ret;

	(void)why;
	m->cas_calls++;
	if (i < 0)
		return TWOFA_ERR_NO_RECORD;
	ret = compare(m, l, i);
	if (ret != TWOFA_OK)
		return ret;
	m->e[i].rec.state = *next;
	m->e[i].rec.state.seq++;
	m->e[i].version++;
	m->writes++;
	l->rec.state = m->e[i].rec.state;
	l->version = m->e[i].version;
	return TWOFA_OK;
}

static int m_replace(void *priv, struct twofa_loaded *l,
		     const struct twofa_record *rec, struct twofa_error *why)
{
	struct mem_store *m = priv;
	int i = find(m, l->user), ret;

	(void)why;
	if (i < 0)
		return TWOFA_ERR_NO_RECORD;
	ret = compare(m, l, i);
	if (ret != TWOFA_OK)
		return ret;
	m->e[i].rec = *rec;
	m->e[i].version++;
	m->writes++;
	l->rec = *rec;
	l->version = m->e[i].version;
	return TWOFA_OK;
}

static int m_remove(void *priv, struct twofa_loaded *l,
		    struct twofa_error *why)
{
	struct mem_store *m = priv;
	int i = find(m, l->user), ret;

	(void)why;
	if (i < 0)
		return TWOFA_ERR_NO_RECORD;
	ret = compare(m, l, i);
	if (ret != TWOFA_OK)
		return ret;
	m->e[i].present = 0;
	m->writes++;
	return TWOFA_OK;
}

static void m_release(void *priv, struct twofa_loaded *l)
{
	(void)priv;
	l->priv = NULL;
}

static int m_create(void *priv, const char *user,
		    const struct twofa_record *rec, bool force,
		    struct twofa_error *why)
{
	struct mem_store *m = priv;
	int i = find(m, user);

	(void)why;
	if (i >= 0 && !force)
		return TWOFA_ERR_EXISTS;
	for (int k = 0; i < 0 && k < MEM_USERS; k++) {
		if (!m->e[k].present)
			i = k;
	}
	if (i < 0)
		return TWOFA_ERR_IO;
	memset(&m->e[i], 0, sizeof(m->e[i]));
	strcpy(m->e[i].user, user);
	m->e[i].rec = *rec;
	m->e[i].version = 1;
	m->e[i].present = 1;
	return TWOFA_OK;
}

static int m_exists(void *priv, const char *user, struct twofa_error *why)
{
	(void)why;
	return find(priv, user) >= 0 ? TWOFA_OK : TWOFA_ERR_NO_RECORD;
}

static int m_list(void *priv, int (*fn)(const char *user, void *arg),
		  void *arg, struct twofa_error *why)
{
	struct mem_store *m = priv;
	int ret = TWOFA_OK;

	(void)why;
	for (int i = 0; i < MEM_USERS && ret == TWOFA_OK; i++) {
		if (m->e[i].present)
			ret = fn(m->e[i].user, arg);
	}
	return ret;
}

static void m_decoy(void *priv, const char *code, int window)
{
	(void)priv;
	(void)code;
	(void)window;
}

const struct twofa_store_ops mem_store_ops = {
    .name = "memory",
    .kind = TWOFA_STORE_FILE, /* never looked up by kind */
    .open = m_open,
    .close = m_close,
    .where = m_where,
    .load = m_load,
    .cas_state = m_cas_state,
    .replace = m_replace,
    .remove = m_remove,
    .release = m_release,
    .create = m_create,
    .exists = m_exists,
    .list = m_list,
    .decoy = m_decoy,
};

int mem_store_open(struct mem_store *m, struct twofa_store **st)
{
	struct twofa_conf conf;

	twofa_conf_init(&conf);
	m->pending = m->conflict_each;
	opening = m;
	return twofa_store_open_with(&mem_store_ops, &conf, 0, st, NULL);
}
