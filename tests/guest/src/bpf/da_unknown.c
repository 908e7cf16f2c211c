// SPDX-License-Identifier: GPL-2.0
/* direct-action: a verdict cls_bpf does not know; treated as TC_ACT_UNSPEC. */
#include "common.h"

TEST_PROG(da_unknown)
{
	return 42;
}

TEST_LICENSE;
