// SPDX-License-Identifier: GPL-2.0
/* direct-action: consume every packet (TC_ACT_STOLEN). */
#include "common.h"

TEST_PROG(da_stolen)
{
	return TC_ACT_STOLEN;
}

TEST_LICENSE;
