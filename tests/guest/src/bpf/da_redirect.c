// SPDX-License-Identifier: GPL-2.0
/* direct-action: redirect every packet to the egress of REDIRECT_IFINDEX. */
#include "common.h"

TEST_PROG(da_redirect)
{
	return bpf_redirect(REDIRECT_IFINDEX, 0);
}

TEST_LICENSE;
