// SPDX-License-Identifier: GPL-2.0
/* direct-action: drop every packet. */
#include "common.h"

TEST_PROG(da_shot)
{
	return TC_ACT_SHOT;
}

TEST_LICENSE;
