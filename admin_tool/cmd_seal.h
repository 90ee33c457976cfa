/* SPDX-License-Identifier: BSD-2-Clause */
/* keygen --records, shared by the keygen command (cmd_token.c). */
#ifndef TWOFA_ADMIN_CMD_SEAL_H
#define TWOFA_ADMIN_CMD_SEAL_H

#include <stdbool.h>

#include "cli.h"

/*
 * Create the record key file, or add a new current key (rotate), or
 * remove retire_kid (refused while a record is sealed with it). Returns
 * the exit status.
 */
int keygen_records(struct cli *cli, bool rotate, const char *retire_kid);

#endif
