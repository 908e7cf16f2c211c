/*
 * probe:    idr_alloc_u32
 * upstream: commit e096f6a762bc "idr: Add idr_alloc_u32 helper" (v4.16, release unconfirmed)
 * api:      - idr_alloc_ext()
 *           + int idr_alloc_u32(struct idr *idr, void *ptr, u32 *nextid, unsigned long max, gfp_t gfp)
 * required: yes
 * consumer: src/cls_bpf.c cls_bpf_change()
 */
#include <linux/idr.h>

int probe(struct idr *idr, void *p, u32 *id)
{
	return idr_alloc_u32(idr, p, id, 5, GFP_KERNEL);
}
