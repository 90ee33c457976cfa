/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The LDAP store behind the store interface (twofa/store.h), as the module
 * and twofa-admin see it. libldap is not linked here: it reads LDAP*
 * environment variables and ldaprc files in the user's home and the
 * working directory whenever uid == euid (sshd, root-run login), which no
 * PAM host should let change how the directory is reached. So every
 * directory operation is a request to the helper twofa-ldap (ldap_helper/),
 * started from its installed path with an empty environment but
 * LDAPNOINIT=1, in "/", with default signal handling and no inherited
 * descriptor but its end of a socket pair.
 *
 * Every request must be answered within 2 x ldap_timeout (+1 s for the
 * helper's own start): the helper tries at most two connections of
 * ldap_timeout each and bounds each operation by ldap_timeout; if it does
 * not answer in time anyway, it is killed and the request fails with
 * TWOFA_ERR_UNAVAILABLE. So does anything unexpected from it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/store.h"
#include "store/ldap/proto.h"

#ifndef TWOFA_LDAP_HELPER
#define TWOFA_LDAP_HELPER "/usr/libexec/pam_twofa/twofa-ldap"
#endif

struct ldap_backend {
	pid_t pid;
	int fd;
	unsigned timeout_ms; /* per request: 2 x ldap_timeout + 1 s */
	char where[TWOFA_LDAP_URI_MAX + 1];
};

static void helper_stop(struct ldap_backend *b, int force)
{
	int status;

	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
	if (b->pid > 0) {
		/* On EOF the helper unbinds and exits at once. */
		if (force)
			kill(b->pid, SIGKILL);
		while (waitpid(b->pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	b->pid = -1;
}

/*
 * The daemon (twofa-ldap --daemon), if it runs: its socket is root's
 * alone (0600, in a root-owned directory not writable by others), and
 * the process answering must be root's too. Any doubt: not used, and
 * the helper is started instead.
 */
static int daemon_connect(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct stat sb;
	int fd;

	if (lstat(TWOFA_LDAP_RUNDIR, &sb) != 0 || !S_ISDIR(sb.st_mode) ||
	    sb.st_uid != 0 || (sb.st_mode & 022) ||
	    lstat(TWOFA_LDAP_SOCKET, &sb) != 0 || !S_ISSOCK(sb.st_mode) ||
	    sb.st_uid != 0 || (sb.st_mode & 077))
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", TWOFA_LDAP_SOCKET);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
	    cred.uid != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int helper_start(struct ldap_backend *b, struct twofa_error *why)
{
	static char env_noinit[] = "LDAPNOINIT=1", env_path[] = "PATH=/usr/bin:/bin",
		    arg0[] = "twofa-ldap";
	char *const envp[] = {env_noinit, env_path, NULL};
	char *const argv[] = {arg0, NULL};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int sv[2], ret = TWOFA_ERR_UNAVAILABLE, rc;

	b->pid = -1;
	if ((b->fd = daemon_connect()) >= 0)
		return TWOFA_OK;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return twofa_fail(why, TWOFA_ERR_IO, errno,
				  "cannot create a socket for the LDAP helper",
				  TWOFA_LDAP_HELPER, NULL);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigfillset(&all);
	/*
	 * fd 0 is the socket, 1 and 2 /dev/null: the helper never prints.
	 * The host's signal mask and ignored signals are not inherited.
	 */
	posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawn_file_actions_addchdir_np(&fa, "/");
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
					  POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(&b->pid, TWOFA_LDAP_HELPER, &fa, &at, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(sv[1]);
	if (rc != 0) {
		close(sv[0]);
		b->pid = -1;
		return twofa_fail(why, ret, rc, "cannot run the LDAP helper",
				  TWOFA_LDAP_HELPER, NULL);
	}
	b->fd = sv[0];
	return TWOFA_OK;
}

/*
 * Send req, read the reply into rep and return its rc. A reply that does
 * not come in time, or is not understood, ends the helper.
 */
static int call(struct ldap_backend *b, struct twofa_msg *req,
		struct twofa_msg *rep, struct twofa_error *why)
{
	uint64_t deadline = twofa_msg_now_ms() + b->timeout_ms, what = 0;
	int ret, rc;

	if (b->fd < 0)
		return twofa_fail(why, TWOFA_ERR_UNAVAILABLE, 0,
				  "LDAP helper failed", b->where, NULL);
	ret = twofa_msg_send(b->fd, req, deadline);
	if (ret == TWOFA_OK)
		ret = twofa_msg_recv(b->fd, rep, deadline);
	if (ret == TWOFA_OK)
		ret = twofa_msg_get_int(rep, "rc", &rc);
	if (ret != TWOFA_OK) {
		int timed_out = twofa_msg_now_ms() >= deadline;

		helper_stop(b, 1);
		return twofa_fail(why, TWOFA_ERR_UNAVAILABLE, 0,
				  timed_out ? "directory did not answer in time"
					    : "LDAP helper failed",
				  b->where, NULL);
	}
	if (rc != TWOFA_OK && why != NULL) {
		char path[sizeof(why->path)];

		twofa_msg_get_u64(rep, "what", &what);
		if (twofa_msg_get_str(rep, "where", path, sizeof(path)) < 0)
			snprintf(path, sizeof(path), "%s", b->where);
		twofa_fail(why, rc, 0, twofa_proto_what((unsigned)what), path,
			   NULL);
		why->parse.what = NULL;
	}
	return rc;
}

static int ldap_open(const struct twofa_conf *conf, unsigned flags,
		     void **priv, struct twofa_error *why)
{
	struct ldap_backend *b;
	struct twofa_msg req, rep;
	int ret;

	(void)flags;
	*priv = NULL;
	if (conf->ldap_uri[0] == '\0' || conf->ldap_base[0] == '\0')
		return twofa_fail(why, TWOFA_ERR_CONFIG, 0,
				  "ldap_uri or ldap_base not set", "ldap",
				  NULL);
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return TWOFA_ERR_NOMEM;
	b->fd = -1;
	b->pid = -1;
	b->timeout_ms = 2 * conf->ldap_timeout * 1000 + 1000;
	snprintf(b->where, sizeof(b->where), "%s", conf->ldap_uri);
	twofa_msg_init(&req);
	twofa_msg_init(&rep);
	if ((ret = helper_start(b, why)) < 0)
		goto out;
	if ((ret = twofa_msg_put_str(&req, "op", "open")) < 0 ||
	    (ret = twofa_msg_put_str(&req, "uri", conf->ldap_uri)) < 0 ||
	    (ret = twofa_msg_put_str(&req, "base", conf->ldap_base)) < 0 ||
	    (ret = twofa_msg_put_str(&req, "binddn", conf->ldap_binddn)) < 0 ||
	    (ret = twofa_msg_put_str(&req, "bindpw_file",
				     conf->ldap_bindpw_file)) < 0 ||
	    (ret = twofa_msg_put_str(&req, "cacert", conf->ldap_tls_cacert)) <
		0 ||
	    (ret = twofa_msg_put_u64(&req, "timeout", conf->ldap_timeout)) < 0)
		goto out;
	ret = call(b, &req, &rep, why);
out:
	twofa_msg_free(&req);
	twofa_msg_free(&rep);
	if (ret != TWOFA_OK) {
		helper_stop(b, 1);
		free(b);
		return ret;
	}
	*priv = b;
	return TWOFA_OK;
}

static void ldap_close(void *priv)
{
	struct ldap_backend *b = priv;

	if (b == NULL)
		return;
	helper_stop(b, 0);
	free(b);
}

static const char *ldap_where(const void *priv)
{
	const struct ldap_backend *b = priv;

	return b->where;
}

/* Put rec's text form into req as field name. */
static int put_record(struct twofa_msg *req, const char *name,
		      const struct twofa_record *rec)
{
	char *text = NULL;
	size_t len = 0;
	int ret;

	if ((ret = twofa_record_format(rec, &text, &len)) < 0)
		return ret;
	ret = twofa_msg_put(req, name, text, len);
	twofa_freezero(text, len);
	return ret;
}

/* A request about one user, with up to two records. */
static int user_call(struct ldap_backend *b, const char *op, const char *user,
		     const struct twofa_record *old,
		     const struct twofa_record *rec, int force,
		     struct twofa_msg *rep, struct twofa_error *why)
{
	struct twofa_msg req;
	int ret;

	twofa_msg_init(&req);
	if ((ret = twofa_msg_put_str(&req, "op", op)) < 0 ||
	    (ret = twofa_msg_put_str(&req, "user", user)) < 0 ||
	    (old && (ret = put_record(&req, "old", old)) < 0) ||
	    (rec && (ret = put_record(&req, "rec", rec)) < 0) ||
	    (force && (ret = twofa_msg_put_str(&req, "force", "1")) < 0))
		goto out;
	ret = call(b, &req, rep, why);
out:
	twofa_msg_free(&req);
	return ret;
}

static int ldap_load(void *priv, struct twofa_loaded *l,
		     struct twofa_error *why)
{
	struct ldap_backend *b = priv;
	struct twofa_msg rep;
	const unsigned char *text;
	size_t len, off;
	unsigned slot;
	int ret;

	twofa_msg_init(&rep);
	ret = user_call(b, "load", l->user, NULL, NULL, 0, &rep, why);
	if (ret != TWOFA_OK)
		goto out;
	ret = twofa_msg_get(&rep, "rec", &text, &len);
	if (ret == TWOFA_OK)
		ret = twofa_record_parse((const char *)text, len, &l->rec, &off,
					 &slot, why ? &why->parse : NULL);
	if (ret != TWOFA_OK) {
		ret = twofa_fail(why, TWOFA_ERR_MALFORMED, 0,
				 "LDAP helper sent a bad record", b->where,
				 l->user);
		goto out;
	}
	l->version = l->rec.state.seq;
out:
	twofa_msg_free(&rep);
	return ret;
}

/* After a change: the entry's new twofaSeq is the new version. */
static int take_seq(struct twofa_msg *rep, struct twofa_loaded *l)
{
	uint64_t seq;

	if (twofa_msg_get_u64(rep, "seq", &seq) < 0)
		return TWOFA_ERR_UNAVAILABLE;
	l->rec.state.seq = seq;
	l->version = seq;
	return TWOFA_OK;
}

static int ldap_cas_state(void *priv, struct twofa_loaded *l,
			  const struct twofa_state *next,
			  struct twofa_error *why)
{
	struct ldap_backend *b = priv;
	struct twofa_record *nrec;
	struct twofa_msg rep;
	int ret;

	if (l->version != l->rec.state.seq)
		return twofa_fail(why, TWOFA_ERR_CONFLICT, 0,
				  "entry changed meanwhile", b->where, l->user);
	nrec = malloc(sizeof(*nrec));
	if (nrec == NULL)
		return TWOFA_ERR_NOMEM;
	*nrec = l->rec;
	nrec->state = *next;
	nrec->state.seq = l->rec.state.seq;
	twofa_msg_init(&rep);
	ret = user_call(b, "cas", l->user, &l->rec, nrec, 0, &rep, why);
	twofa_record_wipe(nrec);
	free(nrec);
	if (ret == TWOFA_OK) {
		l->rec.state = *next;
		ret = take_seq(&rep, l);
	}
	twofa_msg_free(&rep);
	return ret;
}

static int ldap_replace(void *priv, struct twofa_loaded *l,
			const struct twofa_record *rec,
			struct twofa_error *why)
{
	struct ldap_backend *b = priv;
	struct twofa_msg rep;
	int ret;

	twofa_msg_init(&rep);
	ret = user_call(b, "replace", l->user, &l->rec, rec, 0, &rep, why);
	if (ret == TWOFA_OK) {
		l->rec = *rec;
		ret = take_seq(&rep, l);
	}
	twofa_msg_free(&rep);
	return ret;
}

static int ldap_remove(void *priv, struct twofa_loaded *l,
		       struct twofa_error *why)
{
	struct ldap_backend *b = priv;
	struct twofa_msg rep;
	int ret;

	twofa_msg_init(&rep);
	ret = user_call(b, "remove", l->user, &l->rec, NULL, 0, &rep, why);
	twofa_msg_free(&rep);
	return ret;
}

static void ldap_release(void *priv, struct twofa_loaded *l)
{
	(void)priv;
	(void)l;
}

static int ldap_create(void *priv, const char *user,
		       const struct twofa_record *rec, bool force,
		       struct twofa_error *why)
{
	struct twofa_msg rep;
	int ret;

	twofa_msg_init(&rep);
	ret = user_call(priv, "create", user, NULL, rec, force, &rep, why);
	twofa_msg_free(&rep);
	return ret;
}

static int ldap_exists(void *priv, const char *user, struct twofa_error *why)
{
	struct twofa_msg rep;
	int ret;

	twofa_msg_init(&rep);
	ret = user_call(priv, "exists", user, NULL, NULL, 0, &rep, why);
	twofa_msg_free(&rep);
	return ret;
}

static int ldap_list(void *priv, int (*fn)(const char *user, void *arg),
		     void *arg, struct twofa_error *why)
{
	struct twofa_msg req, rep;
	const unsigned char *names;
	size_t len, o = 0;
	int ret;

	twofa_msg_init(&req);
	twofa_msg_init(&rep);
	if ((ret = twofa_msg_put_str(&req, "op", "list")) < 0 ||
	    (ret = call(priv, &req, &rep, why)) < 0)
		goto out;
	/* Sorted names, each ended by a NUL. */
	if (twofa_msg_get(&rep, "users", &names, &len) < 0 ||
	    (len > 0 && names[len - 1] != '\0')) {
		ret = TWOFA_ERR_UNAVAILABLE;
		goto out;
	}
	while (o < len) {
		const char *u = (const char *)names + o;

		o += strlen(u) + 1;
		if ((ret = fn(u, arg)) != 0)
			goto out;
	}
	ret = TWOFA_OK;
out:
	twofa_msg_free(&req);
	twofa_msg_free(&rep);
	return ret;
}

/*
 * A user without an entry: the helper writes to the decoy entry as a
 * failed login writes to a real one, so the answer takes as long.
 */
static void ldap_decoy(void *priv, const char *code, int window)
{
	struct twofa_msg req, rep;

	(void)code;
	(void)window;
	twofa_msg_init(&req);
	twofa_msg_init(&rep);
	if (twofa_msg_put_str(&req, "op", "decoy") == TWOFA_OK)
		(void)call(priv, &req, &rep, NULL);
	twofa_msg_free(&req);
	twofa_msg_free(&rep);
}

const struct twofa_store_ops twofa_store_ldap_ops = {
    .name = "ldap",
    .kind = TWOFA_STORE_LDAP,
    .open = ldap_open,
    .close = ldap_close,
    .where = ldap_where,
    .load = ldap_load,
    .cas_state = ldap_cas_state,
    .replace = ldap_replace,
    .remove = ldap_remove,
    .release = ldap_release,
    .create = ldap_create,
    .exists = ldap_exists,
    .list = ldap_list,
    .decoy = ldap_decoy,
};
