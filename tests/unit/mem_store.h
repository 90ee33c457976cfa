/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An in-memory implementation of the store interface, for the unit tests
 * of the login loop (not shipped). Its compare-and-swap can be made to
 * lose: a number of conflicts injected before state changes, or a hook
 * that runs just before a state change (another login racing this one).
 */
#ifndef TWOFA_TEST_MEM_STORE_H
#define TWOFA_TEST_MEM_STORE_H

#include "twofa/store.h"

#define MEM_USERS 4

struct mem_store {
	struct {
		char user[TWOFA_USER_MAX + 1];
		struct twofa_record rec;
		uint64_t version;
		int present;
	} e[MEM_USERS];
	/*
	 * Before each state change, this many conflicts: the stored version
	 * is moved (as a writer elsewhere would, without changing anything)
	 * and the change is refused.
	 */
	unsigned conflict_each;
	unsigned pending; /* conflicts left for the current change */
	/* Runs once before the next state change, then is cleared. */
	void (*before_cas)(struct mem_store *m, void *arg);
	void *arg;
	/* Counters, for the assertions. */
	unsigned loads, cas_calls, conflicts, writes;
};

extern const struct twofa_store_ops mem_store_ops;

/* Open m (kept by the caller) as a store. */
int mem_store_open(struct mem_store *m, struct twofa_store **st);

#endif
