// SPDX-License-Identifier: GPL-2.0
/* classifier mode: -1 means use the filter's classid. */
#include "common.h"

TEST_PROG(cls_default)
{
	return -1;
}

TEST_LICENSE;
