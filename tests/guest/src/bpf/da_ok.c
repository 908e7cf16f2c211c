// SPDX-License-Identifier: GPL-2.0
/* direct-action: accept every packet. */
#include "common.h"

TEST_PROG(da_ok)
{
	return TC_ACT_OK;
}

TEST_LICENSE;
