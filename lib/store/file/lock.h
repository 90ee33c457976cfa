/* SPDX-License-Identifier: BSD-2-Clause */
/* Timed exclusive file lock. */
#ifndef TWOFA_LOCK_H
#define TWOFA_LOCK_H

#include <stdint.h>

/* 0, TWOFA_ERR_LOCK_TIMEOUT after timeout_ms, or TWOFA_ERR_IO. */
int twofa_lock_exclusive(int fd, unsigned timeout_ms);

#endif
