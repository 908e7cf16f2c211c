// SPDX-License-Identifier: GPL-2.0
/*
 * direct-action: set the minor classid through skb->tc_classid and accept.
 * cls_bpf combines it with the major of the filter's classid.
 */
#include "common.h"

TEST_PROG(da_classid)
{
	skb->tc_classid = DA_CLASSID_MINOR;
	return TC_ACT_OK;
}

TEST_LICENSE;
