// SPDX-License-Identifier: GPL-2.0
/* classifier mode: any other value is the classid (1:30). */
#include "common.h"

TEST_PROG(cls_classid)
{
	return CLS_CLASSID;
}

TEST_LICENSE;
