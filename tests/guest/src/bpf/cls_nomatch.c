// SPDX-License-Identifier: GPL-2.0
/* classifier mode: 0 means no match. */
#include "common.h"

TEST_PROG(cls_nomatch)
{
	return 0;
}

TEST_LICENSE;
