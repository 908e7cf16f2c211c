// SPDX-License-Identifier: GPL-2.0
/* direct-action: no verdict, continue with the next filter. */
#include "common.h"

TEST_PROG(da_unspec)
{
	return TC_ACT_UNSPEC;
}

TEST_LICENSE;
