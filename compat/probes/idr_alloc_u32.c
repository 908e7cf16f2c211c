/* idr_alloc_u32(): v4.16 "idr: Add idr_alloc_u32 helper" (Matthew Wilcox) */
#include <linux/idr.h>

int probe(struct idr *idr, void *p, u32 *id)
{
	return idr_alloc_u32(idr, p, id, 5, GFP_KERNEL);
}
