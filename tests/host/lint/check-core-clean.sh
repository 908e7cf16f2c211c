#!/usr/bin/env bash
# The classifier core must not know kernel versions or probe results: every
# such difference belongs in compat/. Fails listing the offending lines.
set -euo pipefail

SRC_DIR=$(cd "$(dirname "$0")/../../.." && pwd)/src
PATTERN='LINUX_VERSION_CODE|KERNEL_VERSION|RHEL_(MAJOR|MINOR|RELEASE)|UTS_UBUNTU|SUSE_(VERSION|PATCHLEVEL)|\bHAVE_[A-Z0-9_]+|^[[:space:]]*#[[:space:]]*(if|ifdef|ifndef|elif)\b'

if grep -rnE "$PATTERN" "$SRC_DIR"; then
	echo "check-core-clean: src/ must not test kernel versions or features; move the difference into compat/" >&2
	exit 1
fi
echo "check-core-clean: src/ has no version or feature conditionals"
