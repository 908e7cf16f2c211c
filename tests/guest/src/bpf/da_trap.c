// SPDX-License-Identifier: GPL-2.0
/* direct-action: consume every packet (TC_ACT_TRAP). */
#include "common.h"

TEST_PROG(da_trap)
{
	return TC_ACT_TRAP;
}

TEST_LICENSE;
