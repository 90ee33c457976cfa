/* SPDX-License-Identifier: BSD-2-Clause */
/* What twofa-admin does to its own process before it touches a secret. */
#ifndef TWOFA_ADMIN_HARDEN_H
#define TWOFA_ADMIN_HARDEN_H

/*
 * Make the process safe to hold secrets and to write records and keys:
 *  - descriptors 0, 1 and 2 are open (onto /dev/null, in the direction
 *    that fails, if they were closed), so a record, key or PNG opened
 *    later never lands on one of them and receives what we print (glibc
 *    does this for setuid programs only);
 *  - no core file and no ptrace by others of our uid: PR_SET_DUMPABLE 0
 *    (which also covers a core_pattern pipe, where RLIMIT_CORE does not
 *    apply) and RLIMIT_CORE 0.
 * Returns 0, or an exit status after printing why (then do nothing).
 */
int cli_harden_process(void);

#endif
