/* nla_parse_nested_deprecated(): v5.2 "netlink: make validation more configurable for future strictness" */
#include <net/netlink.h>

int probe(struct nlattr **tb, const struct nlattr *nla,
	  const struct nla_policy *policy)
{
	return nla_parse_nested_deprecated(tb, 1, nla, policy, NULL);
}
