#!/usr/bin/env bash
# Run shellcheck on every shell script in the repository.
set -euo pipefail

cd "$(dirname "$0")/../../.."
mapfile -t scripts < <(git ls-files '*.sh' .ci/run 2>/dev/null || find . -name '*.sh' -not -path './.git/*')
shellcheck -x "${scripts[@]}"
echo "shellcheck: ${#scripts[@]} scripts clean"
